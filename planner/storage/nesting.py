"""How a store's transactions nest: a transaction started inside another joins it.

Every store keeps one `Nesting`: the outermost transaction does the store's own work (locks,
batching, the write at the end) inside `outer`; one started while it runs enters `inner`, which
only counts the depth, so the writes of both reach the store together, at the outer end. A
squad-wide transaction keeps every other writer out from its start, so it cannot join one on a
few athletes that did not.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class Nesting:
    def __init__(self) -> None:
        self.depth = 0  # 0: no transaction runs
        self.whole = False  # the running transaction is squad-wide

    @property
    def running(self) -> bool:
        return self.depth > 0

    @contextlib.contextmanager
    def outer(self, whole: bool) -> Iterator[None]:
        """The outermost transaction, for as long as the block runs."""
        self.depth, self.whole = 1, whole
        try:
            yield
        finally:
            self.depth, self.whole = 0, False

    @contextlib.contextmanager
    def inner(self, whole: bool) -> Iterator[None]:
        """A transaction joining the running one (RuntimeError: a squad-wide one inside a
        transaction on a few athletes)."""
        if whole and not self.whole:
            raise RuntimeError("a squad-wide transaction cannot join one on a few athletes")
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
