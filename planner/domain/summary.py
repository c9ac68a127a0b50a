"""An athlete's summary: what a list of athletes shows, without the plan's sessions or the logs.

A squad's Home lists every athlete with this week's figures and streak. Reading every plan and
log for that would make the list cost as much as the whole squad's history, so storage keeps one
summary per athlete, rewritten with each change to them: the athlete, the plan's header (its
weeks and phases, no sessions) and each plan week's tally. The figures and the streak as of any
instant follow from those alone (`domain.adherence.summary_report`).

A list reads every athlete's summary but shows a screenful of them, so a summary read from
storage may carry its tallies undecoded (`Summary.deferred`), or only its athlete with the rest
read when first asked for (`Summary.later`); either is in every other way the summary made
with them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import FrozenInstanceError, replace
from datetime import datetime
from typing import Any, NoReturn

from planner.domain.adherence import (
    Report,
    Tally,
    logs_by_session,
    loosening_works,
    summary_report,
    week_totals,
)
from planner.domain.model import Athlete, LogEntry, Plan

Tallies = tuple[Tally, ...]
TallyDecoder = Callable[[], tuple[Tallies, Tallies]]  # (weeks, loosening), decoded when called


class Summary:
    """An athlete, their plan's header (no runs, sessions or changes) and one tally per plan
    week, with each week's loosening work to mark held weeks. Immutable; equal when the four
    are equal, however the tallies were given."""

    __slots__ = ("_athlete", "_decode", "_load", "_plan", "_source", "_tallies")
    _athlete: Athlete
    _plan: Plan | None
    _tallies: tuple[Tallies, Tallies] | None
    _decode: TallyDecoder | None
    _load: Callable[[Any], Summary] | None
    _source: object

    def __init__(
        self, athlete: Athlete, plan: Plan | None, weeks: Tallies = (), loosening: Tallies = ()
    ) -> None:
        object.__setattr__(self, "_athlete", athlete)
        object.__setattr__(self, "_plan", plan)
        object.__setattr__(self, "_tallies", (tuple(weeks), tuple(loosening)))
        object.__setattr__(self, "_decode", None)
        object.__setattr__(self, "_load", None)
        object.__setattr__(self, "_source", None)

    @classmethod
    def deferred(cls, athlete: Athlete, plan: Plan | None, decode: TallyDecoder) -> Summary:
        """A summary whose tallies `decode()` gives the first time they are asked for. `decode`
        must not fail: its caller checks what it decodes beforehand."""
        made = cls(athlete, plan)
        object.__setattr__(made, "_tallies", None)
        object.__setattr__(made, "_decode", decode)
        return made

    @classmethod
    def later(cls, athlete: Athlete, load: Callable[[Any], Summary], source: object) -> Summary:
        """The summary `load(source)` gives, which is `athlete`'s: called the first time the
        plan or the tallies are asked for (one `load` serves a whole list, each summary naming
        its `source`). `load` must not fail: its caller falls back on its own."""
        made = cls(athlete, None)
        object.__setattr__(made, "_source", source)
        object.__setattr__(made, "_load", load)
        return made

    @property
    def athlete(self) -> Athlete:
        return self._athlete

    @property
    def plan(self) -> Plan | None:
        """The header only: no runs, sessions or changes."""
        if self._load is not None:
            self._loaded()
        return self._plan

    def _loaded(self) -> None:
        load = self._load
        if load is None:
            return  # loaded by another thread meanwhile
        whole = load(self._source)
        # The decoder and the tallies first, the plan, then the loader let go: another thread
        # reads the plan or the tallies only once the loader is gone, or loads them itself.
        object.__setattr__(self, "_decode", whole._decode)
        object.__setattr__(self, "_tallies", whole._tallies)
        object.__setattr__(self, "_plan", whole._plan)
        object.__setattr__(self, "_load", None)

    @property
    def weeks(self) -> Tallies:
        """One tally per plan week."""
        return self._decoded()[0]

    @property
    def loosening(self) -> Tallies:
        """Each week's loosening work, to mark held weeks (empty when not stored)."""
        return self._decoded()[1]

    def _decoded(self) -> tuple[Tallies, Tallies]:
        if self._load is not None:
            self._loaded()
        tallies = self._tallies
        if tallies is None:
            # Rows are drawn on the UI thread, lists read in a worker: two threads decoding at
            # once get equal tallies, and the decoder is let go only once they are in place.
            decode = self._decode
            if decode is not None:
                object.__setattr__(self, "_tallies", decode())
                object.__setattr__(self, "_decode", None)
            tallies = self._tallies
            assert tallies is not None, "decoded here or by another thread"
        return tallies

    @property
    def name(self) -> str:
        return self.athlete.name

    def report(self, now: datetime) -> Report | None:
        """Weeks and streak as of `now`; None without a plan."""
        if self.plan is None:
            return None
        return summary_report(self.plan, self.weeks, now, self.athlete.target, self.loosening)

    def _fields(self) -> tuple[Athlete, Plan | None, Tallies, Tallies]:
        return (self.athlete, self.plan, self.weeks, self.loosening)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Summary)
        return self is other or self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"Summary(athlete={self.athlete!r}, plan={self.plan!r}, weeks={self.weeks!r},"
            f" loosening={self.loosening!r})"
        )

    def __reduce__(self) -> tuple[type[Summary], tuple[Athlete, Plan | None, Tallies, Tallies]]:
        # Copies and pickles are made from the four fields (slots would be set one by one).
        return (Summary, self._fields())

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


def summarise(athlete: Athlete, plan: Plan | None, logs: Sequence[LogEntry]) -> Summary:
    if plan is None:
        return Summary(athlete, None)
    header = replace(plan, runs=(), sessions=(), changes=())
    works = loosening_works(plan, logs_by_session(logs))
    return Summary(athlete, header, week_totals(plan, logs), works)
