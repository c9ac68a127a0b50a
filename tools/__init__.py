"""Developer tools run from the checkout (`make screenshots`); not part of the package."""
