"""Concrete runs from weekly rules and imported calendars.

A rule names local wall-clock times; each occurrence becomes one instant through
`model.resolve_local`, so a run in a DST gap or fold still happens exactly once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

from planner.domain.errors import Conflict
from planner.domain.model import Run, RunChanges, RunRule, as_utc, resolve_local

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)


def expand_rule(rule: RunRule, tz: ZoneInfo, start: date, end: date) -> list[Run]:
    """The rule's runs whose local date lies in [start, end) and in [rule.start, rule.until]."""
    first = max(start, rule.start) if rule.start else start
    last = min(end - _ONE_DAY, rule.until) if rule.until else end - _ONE_DAY
    if last < first:
        return []
    days = rrule(
        WEEKLY,
        byweekday=rule.days,
        dtstart=datetime.combine(first, time()),
        until=datetime.combine(last, time()),
    )
    rule_id, length = rule.id, timedelta(minutes=rule.minutes)  # the same for every run
    return [_run_on(day.date(), rule, tz, rule_id, length) for day in days]


def _run_on(day: date, rule: RunRule, tz: ZoneInfo, rule_id: str, length: timedelta) -> Run:
    start = resolve_local(day, rule.at, tz)
    # Duration is elapsed time, so add it in UTC: wall-clock addition is wrong across DST.
    end = (as_utc(start) + length).astimezone(tz)
    run_id = f"run-{day:%Y%m%d}-{rule.at:%H%M}"
    return Run(id=run_id, start=start, end=end, source="rule", rule_id=rule_id)


def runs_between(
    rules: Iterable[RunRule],
    extra_runs: Iterable[Run],
    tz: ZoneInfo,
    start: date,
    end: date,
) -> list[Run]:
    """Expanded rules plus concrete runs whose local start date is in [start, end).

    Sorted by start; runs with the same start and end instants (a calendar event that repeats
    a rule) appear once, the first one given winning.
    """
    candidates = [run for rule in rules for run in expand_rule(rule, tz, start, end)]
    candidates += [run for run in extra_runs if start <= run.start.astimezone(tz).date() < end]
    unique: dict[tuple[datetime, datetime], Run] = {}
    for run in candidates:
        unique.setdefault((as_utc(run.start), as_utc(run.end)), run)
    # sorted by start, end (both UTC: the keys above) and id
    ordered = sorted(unique.items(), key=lambda item: (*item[0], item[1].id))
    return [run for _, run in ordered]


def runs_to_plan(
    rules: Iterable[RunRule],
    imported: Iterable[Run],
    changes: RunChanges,
    tz: ZoneInfo,
    start: date,
    end: date,
) -> list[Run]:
    """The runs a plan of [start, end) is built around (local dates): skipped runs left out,
    moved runs at their new time. A run moved into the window from just outside it still
    counts, so the rules and calendars are read a week either side."""
    wide = runs_between(rules, imported, tz, start - _ONE_WEEK, end + _ONE_WEEK)
    runs = apply_changes(wide, changes, tz)
    return [r for r in runs if start <= r.start.astimezone(tz).date() < end]


def apply_changes(runs: Iterable[Run], changes: RunChanges, tz: ZoneInfo) -> list[Run]:
    """The runs as the athlete will run them: skipped ones gone, moved ones at their new start
    (same length, same id, so a skip or a second move finds them again)."""
    kept = []
    for run in runs:
        if run.id in changes.skipped:
            continue
        start = changes.moved_to(run.id)
        if start is not None:
            length = as_utc(run.end) - as_utc(run.start)
            run = replace(
                run, start=start.astimezone(tz), end=(as_utc(start) + length).astimezone(tz)
            )
        kept.append(run)
    return sorted(kept, key=lambda run: (as_utc(run.start), as_utc(run.end), run.id))


class Span(Protocol):
    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


S = TypeVar("S", bound=Span)


class Intervals(Generic[S]):
    """Runs (or sessions) sorted by start, with the latest end reached so far: those that
    overlap a span are found by bisection, not by a scan of them all (O(log n) plus the
    overlaps found)."""

    def __init__(self, runs: Iterable[S]) -> None:
        spans = sorted(((as_utc(r.start), as_utc(r.end), r) for r in runs), key=lambda t: t[0])
        self.starts = [start for start, _, _ in spans]
        self.ends = [end for _, end, _ in spans]
        self.runs = [run for _, _, run in spans]
        self.reach = list(accumulate(self.ends, max))

    def overlaps_any(self, item: Span) -> bool:
        return next(self.overlapping(as_utc(item.start), as_utc(item.end)), None) is not None

    def __len__(self) -> int:
        return len(self.runs)

    def overlapping(self, start: datetime, end: datetime) -> Iterator[int]:
        """Indexes of the runs overlapping [start, end) (UTC), earliest start first."""
        first = bisect_right(self.reach, start)  # before it every run has ended by `start`
        last = bisect_left(self.starts, end)  # from it every run starts at `end` or later
        for index in range(first, last):
            if self.ends[index] > start:
                yield index


def clashes(new: Iterable[Run], existing: Iterable[Run]) -> Iterator[tuple[Run, Run]]:
    """Each run of `new` with the first existing run it overlaps (the same run is no clash)."""
    others = Intervals(existing)
    for start, end, run in sorted(((as_utc(r.start), as_utc(r.end), r) for r in new), key=_first):
        index = _first_overlap(others, start, end, run)
        if index is not None:
            yield run, others.runs[index]


def without_clashes(
    new: Iterable[Run], existing: Iterable[Run]
) -> tuple[list[Run], list[tuple[Run, Run]]]:
    """The runs of `new` (in start order) that overlap neither an existing run nor a run of
    `new` kept before them, and each one left out with the first run it overlaps."""
    others = Intervals(existing)
    kept: list[Run] = []
    kept_starts: list[datetime] = []
    reach: list[datetime] = []  # the latest end among the kept runs so far
    left_out: list[tuple[Run, Run]] = []
    for start, end, run in sorted(((as_utc(r.start), as_utc(r.end), r) for r in new), key=_first):
        index = _first_overlap(others, start, end, run)
        mine = bisect_right(reach, start)  # kept runs start no later than this one
        if mine < len(kept) and (index is None or kept_starts[mine] < others.starts[index]):
            left_out.append((run, kept[mine]))
        elif index is not None:
            left_out.append((run, others.runs[index]))
        else:
            kept.append(run)
            kept_starts.append(start)
            reach.append(max(end, reach[-1]) if reach else end)
    return kept, left_out


def _first_overlap(others: Intervals[Run], start: datetime, end: datetime, run: Run) -> int | None:
    for index in others.overlapping(start, end):
        other = others.runs[index]
        same = (others.starts[index], others.ends[index]) == (start, end)
        if same and (other.id == run.id or other.source != run.source):
            continue  # one run, or a calendar event that repeats a rule: shown once
        return index
    return None


def _first(span: tuple[datetime, datetime, S]) -> datetime:
    return span[0]


def check_no_overlap(new: Iterable[Run], existing: Iterable[Run]) -> None:
    """Conflict naming the first existing run one of `new` overlaps."""
    for run, other in clashes(new, existing):
        raise Conflict(clash_words(run, other))


def clash_words(run: Run, other: Run) -> str:
    return (
        f"the run at {describe(run)} would overlap the run at {describe(other)}"
        f" ({other.rule_id or other.source})"
    )


def describe(run: Run) -> str:
    """'Wed 03 Mar 2027 07:00-07:45'."""
    return f"{run.start:%a %d %b %Y %H:%M}-{run.end:%H:%M}"
