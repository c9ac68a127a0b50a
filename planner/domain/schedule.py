"""Concrete runs from weekly rules and imported calendars.

A rule names local wall-clock times; each occurrence becomes one instant through
`model.resolve_local`, so a run in a DST gap or fold still happens exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

from planner.domain.errors import Conflict
from planner.domain.model import Run, RunChanges, RunRule, as_utc, resolve_local

_ONE_DAY = timedelta(days=1)


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
    return [_run_on(day.date(), rule, tz) for day in days]


def _run_on(day: date, rule: RunRule, tz: ZoneInfo) -> Run:
    start = resolve_local(day, rule.at, tz)
    # Duration is elapsed time, so add it in UTC: wall-clock addition is wrong across DST.
    end = (as_utc(start) + timedelta(minutes=rule.minutes)).astimezone(tz)
    run_id = f"run-{day:%Y%m%d}-{rule.at:%H%M}"
    return Run(id=run_id, start=start, end=end, source="rule", rule_id=rule.id)


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
    return sorted(unique.values(), key=lambda run: (as_utc(run.start), as_utc(run.end), run.id))


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


def clashes(new: Iterable[Run], existing: Iterable[Run]) -> Iterator[tuple[Run, Run]]:
    """Each run of `new` with the first existing run it overlaps (the same run is no clash)."""
    others = sorted(existing, key=lambda run: as_utc(run.start))
    for run in sorted(new, key=lambda r: as_utc(r.start)):
        for other in others:
            same = (as_utc(other.start), as_utc(other.end)) == (as_utc(run.start), as_utc(run.end))
            if same and (other.id == run.id or other.source != run.source):
                continue  # one run, or a calendar event that repeats a rule: shown once
            if as_utc(other.start) < as_utc(run.end) and as_utc(run.start) < as_utc(other.end):
                yield run, other
                break


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
