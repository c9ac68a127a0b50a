"""Every athlete's name in list order, with their summaries read one by one as asked for.

A squad's Home shows a screenful of a list of hundreds. `Store.summaries` reads every summary
(the athlete decoded and checked, the file it was made from looked at); a `Listing` has the
names and name keys at once and reads a summary the first time its row is asked for, so a
list costs the names and the rows shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from planner.domain.summary import Summary


class Listing:
    """Every athlete's name and name key, by name key; `summary(i)` read when first asked for
    (then kept). `load(i)` gives the summary of the i-th athlete, as fresh as the store has
    it when called."""

    def __init__(
        self, names: tuple[str, ...], keys: tuple[str, ...], load: Callable[[int], Summary]
    ) -> None:
        self.names = names
        self.keys = keys
        self._load = load
        self._summaries: list[Summary | None] = [None] * len(names)

    @classmethod
    def of(cls, summaries: Sequence[Summary]) -> Listing:
        """The listing of summaries already read."""
        made = tuple(summaries)
        listing = cls(
            tuple(s.athlete.name for s in made),
            tuple(s.athlete.key for s in made),
            made.__getitem__,
        )
        listing._summaries = list(made)
        return listing

    def __len__(self) -> int:
        return len(self.names)

    def summary(self, index: int) -> Summary:
        found = self._summaries[index]
        if found is None:
            found = self._summaries[index] = self._load(index)
        return found
