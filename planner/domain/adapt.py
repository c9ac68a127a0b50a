"""Adaptation: a plan that reacts to what the athlete did, without rewriting the past.

The coaching rule (DOMAIN.md, must): when a loosening week ends below 50 % adherence, the
loosening phase is held one more week, so the taper starts later; an athlete who has not loosened
up is not tapered. A re-assessment (a new tightness, sport, sitting hours or zone) rebuilds the
future the same way.

The caller builds a fresh plan (with `extra_loosening_weeks` from `held_weeks`) and `merge`
joins it to the stored one: sessions already logged or already started stay exactly as they are;
only sessions still to come are replaced. Each real change adds one `PlanChange` saying why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from planner.domain.adherence import WeekFigures, logs_by_session, weekly_figures
from planner.domain.model import LogEntry, Plan, PlanChange, Run, Session, as_utc

HOLD_BELOW = 0.5


def low_loosening_weeks(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> list[WeekFigures]:
    """Loosening weeks of the plan that have ended below 50 % adherence.

    Weeks held earlier are loosening weeks of the stored plan too, so a held week that also ends
    low holds the phase once more; a corrected log that lifts a week above 50 % releases it.
    """
    # The target does not matter here: only the ratio against HOLD_BELOW is used.
    figures = weekly_figures(plan, logs, now, target=1.0)
    return [
        f
        for f in figures
        if f.phase == "loosening"
        and f.state == "ended"
        and f.total.ratio is not None
        and f.total.ratio < HOLD_BELOW
    ]


def held_weeks(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> int:
    """How many extra loosening weeks the logs call for (`build_plan(extra_loosening_weeks=)`)."""
    return len(low_loosening_weeks(plan, logs, now))


def frozen_ids(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> set[str]:
    """Sessions that must never change: logged ones, and ones that have started by now."""
    started = {s.id for s in plan.sessions if as_utc(s.start) <= as_utc(now)}
    return started | set(logs_by_session(logs))


@dataclass(frozen=True)
class Merge:
    plan: Plan
    changed_weeks: tuple[int, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changed_weeks)


def merge(stored: Plan, fresh: Plan, logs: Iterable[LogEntry], now: datetime) -> Merge:
    """The stored plan's past and logged sessions with the fresh plan's future.

    A fresh session is taken only if it starts after now, does not reuse the id of a kept
    session and does not overlap one (a kept session may still be running). Changes are not
    recorded here; `adapt` adds the reason.
    """
    frozen = frozen_ids(stored, logs, now)
    kept = [s for s in stored.sessions if s.id in frozen]
    future = [
        s
        for s in fresh.sessions
        if as_utc(s.start) > as_utc(now) and s.id not in frozen and not _overlaps_any(s, kept)
    ]
    sessions = tuple(sorted([*kept, *future], key=lambda s: (as_utc(s.start), s.id)))
    merged = replace(
        stored,
        tz=fresh.tz,
        loosening_weeks=fresh.loosening_weeks,
        taper_weeks=fresh.taper_weeks,
        runs=_merge_runs(stored.runs, fresh.runs, now),
        sessions=sessions,
    )
    return Merge(merged, _changed_weeks(stored, merged))


def adapt(stored: Plan, fresh: Plan, logs: Sequence[LogEntry], now: datetime, why: str) -> Merge:
    """`merge`, plus one PlanChange at the first changed week saying `why` and what changed.

    When the future comes out the same, the stored plan is returned untouched (no new change).
    """
    result = merge(stored, fresh, logs, now)
    if not result.changed:
        return Merge(stored, ())
    change = PlanChange(
        week=result.changed_weeks[0], reason=f"{why}; {_what_changed(stored, result)}", at=now
    )
    plan = replace(result.plan, changes=(*stored.changes, change))
    return Merge(plan, result.changed_weeks)


def hold_reason(low: Sequence[WeekFigures]) -> str:
    """Why loosening is held, e.g. 'loosening week 1 ended at 20 % (below 50 %), so loosening
    is held 1 more week'."""
    parts = " and ".join(f"week {f.week} at {_percent(f)} %" for f in low)
    plural = "s" if len(low) > 1 else ""
    return (
        f"loosening {parts} ended below {HOLD_BELOW * 100:.0f} %,"
        f" so loosening is held {len(low)} more week{plural}"
    )


def _percent(figure: WeekFigures) -> str:
    percent = figure.total.percent
    return "0" if percent is None else f"{percent:g}"


def describe_phases(plan: Plan) -> str:
    """'loosening weeks 1-4, taper 5-6, maintenance 7-8'."""
    spans = []
    first = 1
    for phase, length in (
        ("loosening weeks", plan.loosening_weeks),
        ("taper", plan.taper_weeks),
        ("maintenance", plan.weeks - plan.loosening_weeks - plan.taper_weeks),
    ):
        if length > 0:
            last = first + length - 1
            spans.append(f"{phase} {first}" if last == first else f"{phase} {first}-{last}")
            first = last + 1
    return ", ".join(spans)


def _what_changed(stored: Plan, result: Merge) -> str:
    weeks = result.changed_weeks
    span = f"week {weeks[0]}" if len(weeks) == 1 else f"weeks {weeks[0]}-{weeks[-1]}"
    if _phases(stored) != _phases(result.plan):
        return f"now {describe_phases(result.plan)} ({span} rebuilt)"
    return f"sessions still to come in {span} rebuilt"


def _phases(plan: Plan) -> tuple[int, int]:
    return plan.loosening_weeks, plan.taper_weeks


def _changed_weeks(before: Plan, after: Plan) -> tuple[int, ...]:
    """Weeks whose sessions or phase differ between two versions of the plan."""
    old = {_fingerprint(s) for s in before.sessions}
    new = {_fingerprint(s) for s in after.sessions}
    weeks = {int(str(fp[1])) for fp in old ^ new}
    weeks |= {w for w in range(1, after.weeks + 1) if before.phase(w) != after.phase(w)}
    return tuple(sorted(weeks))


def _fingerprint(session: Session) -> tuple[object, ...]:
    """What a session is, compared in UTC so a zone change alone is no change."""
    return (
        session.id,
        session.week,
        session.kind,
        as_utc(session.start),
        as_utc(session.end),
        session.exercises,
    )


def _overlaps_any(session: Session, others: Iterable[Session]) -> bool:
    start, end = as_utc(session.start), as_utc(session.end)
    return any(as_utc(o.start) < end and as_utc(o.end) > start for o in others)


def _merge_runs(stored: Sequence[Run], fresh: Sequence[Run], now: datetime) -> tuple[Run, ...]:
    """Runs already started as stored (kept sessions point at them), later runs as rebuilt."""
    past = [r for r in stored if as_utc(r.start) <= as_utc(now)]
    ids = {r.id for r in past}
    later = [r for r in fresh if as_utc(r.start) > as_utc(now) and r.id not in ids]
    return tuple(sorted([*past, *later], key=lambda r: (as_utc(r.start), r.id)))
