"""Errors the domain raises; the CLI turns each into one `hipplan: error: ...` line."""


class PlannerError(ValueError):
    """Invalid input or an impossible request, with a message fit for the user."""


class CatalogueError(PlannerError):
    """A malformed exercise catalogue or plan template (the message names file and field)."""
