"""Adaptation: a plan that reacts to what the athlete did, without rewriting the past.

The coaching rule (a must of docs/coaching.md): when a loosening week ends with under half of its
loosening work done (loosening sessions and cool-downs, by minutes; `domain.adherence.plan_holds`),
the loosening phase is held one more week, so the taper starts later; an athlete who has not
loosened up is not tapered. At most two holds in a row: a third such week asks for a
re-assessment instead (`reassess_hold`). A week counts when it ends, logged or not. A
re-assessment (a new tightness, sport, sitting hours or zone) rebuilds the future the same way.

The caller builds a fresh plan (with `extra_loosening_weeks` from `adherence.held_weeks`) and `merge`
joins it to the stored one: sessions already logged or already started stay exactly as they are;
only sessions still to come are replaced. Each real change adds one `PlanChange` saying why; a
hold recomputed after another log replaces its earlier change (`settle_hold`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby

from planner.domain import caution, moves, rebuilt
from planner.domain.adherence import (
    HOLD_BELOW_PERCENT,
    HOLDS_IN_A_ROW,
    Hold,
    logs_by_session,
    plan_holds,
)
from planner.domain.model import (
    RUN_KINDS,
    ChangeKind,
    HeldWeek,
    LogEntry,
    Phase,
    Plan,
    PlanChange,
    Run,
    Session,
    as_utc,
)
from planner.domain.schedule import Intervals

HOLD_KINDS: tuple[ChangeKind, ...] = ("hold", "release")
_HOLD_OPENING = "loosening week"
RELEASED = f"no loosening week ended under {HOLD_BELOW_PERCENT} % of its loosening work any more"


def reassess_hold(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> Hold | None:
    """A third loosening week in a row under half its loosening work: not held, re-assess."""
    return next((h for h in plan_holds(plan, logs, now) if not h.held), None)


REASSESS_ADVICE = (
    f"loosening is held at most {HOLDS_IN_A_ROW} weeks in a row, so it is not held again;"
    " re-assess the tightness (the self-test) before going on"
)


def reassess_why(hold: Hold) -> str:
    """What calls for a re-assessment, with the figures (`REASSESS_ADVICE` says what to do)."""
    return f"loosening week {hold.week} ended with {_work(hold)}, the third week in a row"


def reassess_reason(hold: Hold) -> str:
    """Why a re-assessment is asked for, with the figures, and what to do."""
    return f"{reassess_why(hold)}: {REASSESS_ADVICE}"


def frozen_ids(plan: Plan, logs: Iterable[LogEntry], now: datetime) -> set[str]:
    """Sessions that must never change: logged ones, and ones that have started by now."""
    started = {s.id for s in plan.sessions if as_utc(s.start) <= as_utc(now)}
    return started | set(logs_by_session(logs))


@dataclass(frozen=True)
class Merge:
    plan: Plan
    changed_weeks: tuple[int, ...]
    dropped_moves: tuple[str, ...] = ()  # sessions moved by hand that no longer fit

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
    runs = _merge_runs(stored.runs, fresh.runs, now)
    pins, dropped = _pins(stored, fresh, frozen, runs, kept)
    taken = frozen | {p.id for p in pins}
    run_ids = {r.id for r in runs}
    held = Intervals([*kept, *pins])  # by bisection: a scan of them per session is quadratic
    future = [
        s
        for s in fresh.sessions
        if as_utc(s.start) > as_utc(now)
        and s.id not in taken
        and (s.run_id is None or s.run_id in run_ids)  # not tied to a run that has gone by
        and not held.overlaps_any(s)
    ]
    ordered = sorted([*kept, *pins, *future], key=lambda s: (as_utc(s.start), s.id))
    # the future follows the kept past gradually, even when that past had other phases, and
    # an exercise the past never had grows from where the fresh plan starts it
    starts = caution.first_doses(fresh.sessions)
    sessions = tuple(caution.keep_gradual(ordered, frozen, starts, _fits_among(runs)))
    merged = replace(
        stored,
        tz=fresh.tz,
        loosening_weeks=fresh.loosening_weeks,
        taper_weeks=fresh.taper_weeks,
        earlier=fresh.earlier,
        held=fresh.held,
        runs=runs,
        sessions=sessions,
    )
    return Merge(merged, _changed_weeks(stored, merged), tuple(s.id for s in dropped))


def _fits_among(runs: Sequence[Run]) -> caution.Fits:
    """Whether a session made longer still overlaps no run or other session and keeps the
    quiet time before runs and at night (a warm-up or cool-down stays at its run)."""
    by_start = Intervals(runs)

    def fits(session: Session, others: Sequence[Session]) -> bool:
        if by_start.overlaps_any(session) or Intervals(others).overlaps_any(session):
            return False
        return session.kind in RUN_KINDS or moves.quiet_ok(runs, session)

    return fits


def _pins(
    stored: Plan, fresh: Plan, frozen: set[str], runs: Sequence[Run], kept: Sequence[Session]
) -> tuple[list[Session], list[Session]]:
    """Sessions moved by hand, with the rebuilt content at the slot the person chose: kept where
    they still fit, dropped (to be named) where the rebuild has no such session or they clash."""
    rebuilt = {s.id: s for s in fresh.sessions}
    wanted: list[Session] = []
    lost: list[Session] = []
    for pin in stored.sessions:
        if not pin.pinned or pin.id in frozen:
            continue
        new = rebuilt.get(pin.id)
        if new is None:
            lost.append(pin)
            continue
        length = as_utc(new.end) - as_utc(new.start)
        end = (as_utc(pin.start) + length).astimezone(pin.start.tzinfo)
        wanted.append(replace(new, start=pin.start, end=end, week=pin.week, pinned=True))
    fits, clash = moves.keep_pins(wanted, runs, kept)
    tied = [replace(s, run_id=run.id) if (run := moves.linked_run(runs, s)) else s for s in fits]
    return tied, [*lost, *clash]


def adapt(
    stored: Plan,
    fresh: Plan,
    logs: Sequence[LogEntry],
    now: datetime,
    why: str,
    *,
    kind: ChangeKind = "rebuild",
    held: Sequence[Hold] = (),
    notes: Sequence[str] = (),
) -> Merge:
    """`merge`, plus one PlanChange at the first changed week saying `why`, then `notes` (the
    loosening held, a new model) and what changed; `held` are the loosening weeks the fresh plan
    holds, kept as figures on the change.

    When the future comes out the same, the stored plan is returned untouched (no new change).
    """
    result = merge(stored, fresh, logs, now)
    if not result.changed:
        return Merge(stored, ())
    effect = "; ".join([*notes, _what_changed(stored, result)])
    moved = rebuilt.moved_words(stored, result.plan)  # which sessions moved: the first few
    if moved and kind not in HOLD_KINDS:  # a hold says its own
        effect += f"; {moved}"
    if result.dropped_moves:
        effect += f"; moved sessions that no longer fit: {', '.join(result.dropped_moves)}"
    change = PlanChange(
        week=result.changed_weeks[0],
        reason=f"{why}; {effect}",
        at=now,
        kind=kind,
        cause=why,
        effect=effect,
        weeks=result.changed_weeks,
        held=held_figures(held),
    )
    plan = replace(result.plan, changes=(*stored.changes, change))
    return Merge(plan, result.changed_weeks, result.dropped_moves)


def held_figures(low: Sequence[Hold]) -> tuple[HeldWeek, ...]:
    """The figures of each loosening week held, for a PlanChange."""
    return tuple(
        HeldWeek(h.week, h.work.done_minutes, h.work.planned_minutes, h.percent) for h in low
    )


def change_words(change: PlanChange, *, cause: bool = True) -> str:
    """The change in words: its whole reason, or without `cause` only what it did to the plan
    (for a caller that has just said what asked for it)."""
    if cause or not change.effect:
        return change.reason
    return change.effect


def settle_hold(
    stored: Plan, fresh: Plan, logs: Sequence[LogEntry], now: datetime, low: Sequence[Hold]
) -> Merge:
    """`adapt` for a hold (or its release) that the logs call for, settling to one change.

    Logging a past week late, session by session, recomputes the hold after every log. A hold or
    release replaces an earlier one of the same week instead of adding to it, and a hold that
    stands refreshes its note with the figures of now, so the note never contradicts the weeks.
    """
    why = hold_reason(low) if low else RELEASED
    if _phases(fresh) == _phases(stored):
        return Merge(replace(_refreshed(stored, why, low, now), held=fresh.held), ())
    kind: ChangeKind = "hold" if low else "release"
    result = adapt(stored, fresh, logs, now, why, kind=kind, held=low)
    if not result.changed:
        return result
    new = result.plan.changes[-1]
    earlier = [c for c in result.plan.changes[:-1] if not (is_hold(c) and c.week == new.week)]
    return replace(result, plan=replace(result.plan, changes=(*earlier, new)))


def one_change(before: Plan, after: Plan) -> Plan:
    """`after` with the hold changes added since `before` made one: the latest reason (it names
    every week held) at the first week they changed."""
    added = after.changes[len(before.changes) :]
    holds = [c for c in added if is_hold(c)]
    if len(holds) < 2:
        return after
    merged = replace(holds[-1], week=min(c.week for c in holds))
    others = [c for c in added if not is_hold(c)]
    return replace(after, changes=(*before.changes, *others, merged))


def is_hold(change: PlanChange) -> bool:
    """A change the hold rule made: a hold or a release."""
    return kind_of(change) in HOLD_KINDS


def kind_of(change: PlanChange) -> ChangeKind:
    """The change's kind; for one stored before kinds were, told by how the hold rule's
    sentences begin (the only place that reads a change's words)."""
    if change.kind is not None:
        return change.kind
    if change.reason.startswith(RELEASED):
        return "release"
    return "hold" if change.reason.startswith(_HOLD_OPENING) else "rebuild"


def _refreshed(plan: Plan, why: str, low: Sequence[Hold], now: datetime) -> Plan:
    """The plan with its standing hold's note brought up to the figures of now."""
    last = next((c for c in reversed(plan.changes) if is_hold(c)), None)
    if last is None or not low or kind_of(last) == "release":
        return plan
    cause, effect = last.cause, last.effect
    if last.kind is None:  # stored before the halves were: the cause ends at the first "; "
        cause, _, effect = last.reason.partition("; ")
    if cause == why:
        return plan
    again = replace(
        last,
        reason=f"{why}; {effect}" if effect else why,
        at=now,
        kind="hold",
        cause=why,
        effect=effect,
        held=held_figures(low),
    )
    return replace(plan, changes=tuple(again if c is last else c for c in plan.changes))


def hold_reason(low: Sequence[Hold]) -> str:
    """Why loosening is held, with the figures, e.g. 'loosening week 1 ended with 12 of 111
    minutes of loosening work done (10.8 %, under 50 %), so loosening is held 1 more week'."""
    parts = " and week ".join(f"{h.week} ended with {_work(h)}" for h in low)
    plural = "s" if len(low) > 1 else ""
    return f"{_HOLD_OPENING} {parts}, so loosening is held {len(low)} more week{plural}"


def _work(hold: Hold) -> str:
    work = hold.work
    return (
        f"{work.done_minutes} of {work.planned_minutes} minutes of loosening work done"
        f" ({hold.percent:g} %, under {HOLD_BELOW_PERCENT} %)"
    )


_PHASE_SPANS = {"loosening": "loosening weeks", "taper": "taper", "maintenance": "maintenance"}


def describe_phases(plan: Plan) -> str:
    """'loosening weeks 1-4, taper 5-6, maintenance 7-8' (phases a re-assessment restarted
    come again: 'maintenance 1-2, loosening weeks 3-5, ...')."""
    spans = []
    weeks = range(1, plan.weeks + 1)
    for phase, run in groupby(weeks, key=plan.phase):
        first, *rest = run
        last = rest[-1] if rest else first
        name = _PHASE_SPANS[phase]
        spans.append(f"{name} {first}" if last == first else f"{name} {first}-{last}")
    return ", ".join(spans)


def _what_changed(stored: Plan, result: Merge) -> str:
    weeks = result.changed_weeks
    span = f"week {weeks[0]}" if len(weeks) == 1 else f"weeks {weeks[0]}-{weeks[-1]}"
    if _phases(stored) != _phases(result.plan):
        return f"now {describe_phases(result.plan)} ({span} rebuilt)"
    return f"sessions still to come in {span} rebuilt"


def _phases(plan: Plan) -> tuple[tuple[Phase, ...], int, int]:
    return plan.earlier, plan.loosening_weeks, plan.taper_weeks


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


def _merge_runs(stored: Sequence[Run], fresh: Sequence[Run], now: datetime) -> tuple[Run, ...]:
    """Runs already started as stored (kept sessions point at them), later runs as rebuilt."""
    past = [r for r in stored if as_utc(r.start) <= as_utc(now)]
    ids = {r.id for r in past}
    later = [r for r in fresh if as_utc(r.start) > as_utc(now) and r.id not in ids]
    return tuple(sorted([*past, *later], key=lambda r: (as_utc(r.start), r.id)))
