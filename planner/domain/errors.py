"""Typed errors under one base: each says what went wrong in words fit for anyone.

No message names a command or a flag. An error about one input carries `field`, the domain's name
for it (`weeks`, `sitting_hours`, `start`...): the CLI turns the field into its flag for a hint,
the TUI marks the field in place. Callers tell errors apart by class, never by message text.
"""

from __future__ import annotations


class PlannerError(ValueError):
    """Invalid input or an impossible request, with a message fit for the user."""

    # The input the error is about, in the domain's words; None when it is about no one input.
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(PlannerError):
    """One input is malformed or out of range; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


class NotFound(PlannerError):
    """Something named does not exist (an athlete, a session, a run, a template)."""


class UnknownAthlete(NotFound):
    field = "name"

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown athlete {name!r}")
        self.name = name


class AthleteExists(PlannerError):
    field = "name"

    def __init__(self, name: str) -> None:
        super().__init__(f"athlete {name!r} already exists")
        self.name = name


class NoPlan(NotFound):
    """The athlete has no plan yet; building one is the way on."""

    def __init__(self, athlete: str) -> None:
        super().__init__(f"athlete {athlete!r} has no plan yet")
        self.athlete = athlete


class UnknownSession(NotFound):
    field = "session"


class UnknownRun(NotFound):
    field = "run"


class Conflict(PlannerError):
    """The request clashes with what is planned (an overlap, a rule of the plan)."""


class QuietTime(Conflict):
    """A loosening or maintenance session may not end in the two hours before a run, nor run
    at night; `rule` says which ("before-run" or "night")."""

    field = "to"

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class OverBudget(Conflict):
    """A move would take a muscle group's static time in a week to the weekly most (a must);
    `group`, `week` and `seconds` (a side, with the move) say where."""

    field = "to"

    def __init__(self, group: str, week: int, seconds: int, message: str) -> None:
        super().__init__(message)
        self.group = group
        self.week = week
        self.seconds = seconds


class NotGradual(Conflict):
    """A move after which an exercise's dose would change from one appearance to the next by
    more than gradual change allows (a must) and cannot be eased where it stands; `exercise`,
    `earlier` and `later` (session ids) say where."""

    field = "to"

    def __init__(self, exercise: str, earlier: str, later: str, message: str) -> None:
        super().__init__(message)
        self.exercise = exercise
        self.earlier = earlier
        self.later = later


class TooEarly(Conflict):
    """A move that would bring one of the hardest stretches into a week before the one it
    waits for (`exercise`, `week`)."""

    field = "to"

    def __init__(self, exercise: str, week: int, message: str) -> None:
        super().__init__(message)
        self.exercise = exercise
        self.week = week


class NoRuns(Conflict):
    """A plan is built around runs, and there are none in its weeks."""


class BadLines(PlannerError):
    """Lines of an imported file that cannot be read; nothing of the file is kept."""

    field = "file"
    SHOWN = 3  # problems named in the message; the rest are counted

    def __init__(self, source: str, problems: list[str]) -> None:
        named = "; ".join(problems[: self.SHOWN])
        more = len(problems) - self.SHOWN
        rest = f"; and {more} more problem{'s' if more > 1 else ''}" if more > 0 else ""
        super().__init__(f"{source}: {named}{rest}; nothing was imported")
        self.source = source
        self.problems = list(problems)


class CatalogueError(PlannerError):
    """A malformed exercise catalogue or plan template (the message names file and field)."""


class SyncError(PlannerError):
    """A calendar server could not be reached, refused the sync or answered nonsense.

    Raised before anything stored here changes (a sync is one transaction), so trying again
    after the fault picks up where this one stopped.
    """


class SyncAuthError(SyncError):
    """The server refused the user name or password."""


class SyncConflict(SyncError):
    """An event changed on the server between reading it and writing it (HTTP 412)."""


class CalendarMissing(SyncError, NotFound):
    """A calendar named in the settings is not on the server; `field` names the setting."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
