"""The rebuild rule, in one place: what a change to the athlete, their runs or their logs does
to the stored plan.

Every rebuild goes the same way: the loosening weeks that ended low (`adherence.low_loosening_weeks`)
hold the loosening phase, a fresh plan is built with those weeks held, a standing physio warning
caps its doses at those reached (`caution.hold_doses`), and the fresh future is merged onto the
stored past (`adapt`), never touching a logged or started session. The entry points:

- `replan`: a change to the athlete or their runs (a re-assessment, runs added or skipped, a
  longer block, a rebuild on request): the future is rebuilt and the change says why.
- `after_log`: a log, a log taken back, a watch import: only the hold rule acts, so runs added
  since the plan was built are not rebuilt as a side effect.
- `settle`: weeks ended by `now` that call for another number of held weeks.
- `keep_mobility_days`: a run the watch shows was not run took its warm-up and cool-down, and
  with them a day of mobility; the rest of its week gets a session on another day.

A run the watch shows was not run stays not run through every later rebuild: the caller builds
without it (`still_planned`), and a rebuild whose future left its week short of mobility days
tops the week up again as the import did.

All are pure: the caller reads the athlete, plan, logs and check-ins, passes `build` (the
plan the athlete's runs and template give for a number of weeks and held weeks) and stores the
plan returned, inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from planner.domain import adapt, caution
from planner.domain.adherence import Hold, low_loosening_weeks, needs_settling
from planner.domain.builder import MOBILITY_DAYS_A_WEEK
from planner.domain.checkins import CheckIn
from planner.domain.errors import PlannerError
from planner.domain.inputs import zone
from planner.domain.model import (
    KIND_LABELS,
    RUN_KINDS,
    Athlete,
    BusyBlock,
    ChangeKind,
    LogEntry,
    Phase,
    Plan,
    PlanChange,
    Run,
    Session,
    as_utc,
)
from planner.domain.outcomes import physio_warning
from planner.domain.phases import needs_extra_loosening
from planner.domain.schedule import Intervals

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Around:
    """What a fresh build works around besides the athlete's runs: the phases of the weeks
    before a restart (`Plan.earlier`), time already past (kept free), and the sessions of the
    week under way done or started by `now`, whose static time counts in its budget."""

    earlier: tuple[Phase, ...] = ()
    past: BusyBlock | None = None
    kept: tuple[Session, ...] = ()
    now: datetime | None = None


# (athlete, weeks, the loosening weeks held, what it works around) -> the plan their runs and
# template give, not stored
Build = Callable[[Athlete, int, Sequence[Hold], Around], Plan]


NEW_MODEL_REASON = (
    "the future rebuilt with the second edition of the coaching rules: doses sized by the"
    " evidence, the article's routine whole, a range cue with every dose"
)


def built_with_an_older_model(plan: Plan) -> bool:
    """A stored plan from before the second edition: none of its sessions says why."""
    return bool(plan.sessions) and not any(s.why for s in plan.sessions)


@dataclass(frozen=True)
class Replanned:
    """The plan to store (the stored one, same object, when nothing changed) and the change it
    records (None when the future came out as it was)."""

    plan: Plan
    change: PlanChange | None

    def stored_again(self, stored: Plan) -> bool:
        """Whether the plan differs from `stored` and needs a write."""
        return self.plan is not stored


@dataclass(frozen=True)
class Inputs:
    """What a rebuild reads: the athlete (with any new figures), their stored plan, logs and
    check-ins (a physio warning caps the doses), the instant, and how to build afresh."""

    athlete: Athlete
    stored: Plan
    logs: Sequence[LogEntry]
    checkins: Sequence[CheckIn]
    now: datetime
    build: Build
    not_run: Callable[[], frozenset[str]] = frozenset  # runs the watch shows were not run


def still_planned(runs: Iterable[Run], not_run: Collection[str]) -> list[Run]:
    """The runs a rebuild builds around: those the watch shows were not run stay out, so their
    warm-ups, cool-downs and doses never come back."""
    return [r for r in runs if r.id not in not_run]


def rebuilt(
    inputs: Inputs,
    plan: Plan,
    holds: Sequence[Hold],
    weeks: int | None = None,
    around: Around | None = None,
) -> Plan:
    """The fresh plan for `plan`'s block with a loosening week added for each of `holds` (whose
    figures each held session's why gives), capped at the doses reached while a physio warning
    stands; not merged. It works `around` the plan's phases before a restart, or as given."""
    around = around or Around(plan.earlier)
    fresh = inputs.build(inputs.athlete, weeks or plan.weeks, holds, around)
    fresh = replace(fresh, held=len(holds))
    if physio_warning(inputs.checkins) is None:
        return fresh
    return caution.hold_doses(fresh, plan, inputs.now)


def replan(
    inputs: Inputs,
    why: str,
    *,
    weeks: int | None = None,
    kind: ChangeKind = "rebuild",
    restart: bool = False,
) -> Replanned:
    """The future rebuilt after a change (`why`), for a block of `weeks` (default: as stored).

    With `restart` (a re-assessment that changes what the athlete's phases are) the phases
    start again at the first week still untouched (`restarted`): the weeks before keep theirs.
    The reason names the loosening weeks held and, for a plan of the first edition, that its
    future follows the new model. Raises what `build` raises (NoRuns when no run is left).
    """
    stored, logs, now = inputs.stored, inputs.logs, inputs.now
    base = stored if weeks is None else replace(stored, weeks=weeks)
    notes, around = [], None
    if restart:
        around = restarted(stored, logs, now)
        base = replace(base, earlier=around.earlier)
        if base.earlier:
            notes.append(f"the phases start again in week {base.phases_from}")
    low = low_loosening_weeks(base, logs, now)
    if low:
        notes.append(adapt.hold_reason(low))
    if built_with_an_older_model(stored):  # logged history stays, the future is new
        notes.append(NEW_MODEL_REASON)
    fresh = rebuilt(inputs, base, low, weeks, around)
    result = adapt.adapt(base, fresh, logs, now, why, kind=kind, held=low, notes=notes)
    if not result.changed:
        return Replanned(stored, None)
    return _keep_days_of_not_run(inputs, Replanned(result.plan, result.plan.changes[-1]), low)


def restarts_phases(before: Athlete, after: Athlete) -> bool:
    """Whether a re-assessment changes what the athlete's phases are: another tightness, or
    the loosening week long sitting or triathlon adds, gained or lost."""
    return before.tightness != after.tightness or (
        needs_extra_loosening(before) != needs_extra_loosening(after)
    )


def restarted(plan: Plan, logs: Sequence[LogEntry], now: datetime) -> Around:
    """What a re-assessment restarting the phases `now` keeps. The phases of the weeks before
    the first week with nothing done or started yet: the week under way keeps its phase, so a
    week never mixes what one phase did with what another asks, and the new phases start the
    next week (this week, when nothing of it has happened yet). And of the week under way, the
    sessions done or started by `now`: their static time counts in its budget (the fresh week,
    at another level, would otherwise share the whole week's among the sessions to come)."""
    today = now.astimezone(zone(plan.tz)).date()
    if today < plan.start:
        return Around()
    under_way = plan.week_of(today)
    week = under_way or plan.weeks
    frozen = adapt.frozen_ids(plan, logs, now)
    kept = tuple(s for s in plan.sessions_in_week(week) if s.id in frozen)
    first_new = min(week + 1 if kept else week, plan.weeks)
    earlier = tuple(plan.phase(w) for w in range(1, first_new))
    if under_way is None or first_new <= under_way:  # the week under way is the new phases'
        return Around(earlier)
    return Around(earlier, kept=kept, now=now)


def _keep_days_of_not_run(inputs: Inputs, result: Replanned, holds: Sequence[Hold]) -> Replanned:
    """A rebuild's future may have put a week's third day of mobility on a day already past (the
    fresh plan knows nothing of the past): the weeks of runs not run that are now short of
    mobility days get sessions on days still to come, as the import gave them, said in the same
    change."""
    plan, now = result.plan, inputs.now
    if result.change is None or not (not_run := inputs.not_run()):
        return result
    tz = zone(plan.tz)
    weeks = {
        week
        for run in plan.runs
        if run.id in not_run and (week := plan.week_of(run.start.astimezone(tz).date()))
    }
    weeks = {w for w in short_of_mobility_days(plan, weeks) if _week_end(plan, w, tz) > now}
    if not weeks:
        return result
    first = plan.start + timedelta(weeks=min(weeks) - 1)
    past = BusyBlock(datetime.combine(first, time(0), tzinfo=tz), now, "already past")
    fresh = inputs.build(inputs.athlete, plan.weeks, holds, Around(plan.earlier, past))
    topped = keep_mobility_days(plan, fresh, inputs.logs, weeks, now, result.change.cause)
    if topped.change is None:
        return result
    change, extra = result.change, topped.change
    said = replace(
        change,
        week=min(change.week, extra.week),
        reason=f"{change.reason}; {extra.effect}",
        effect=f"{change.effect}; {extra.effect}",
        weeks=tuple(sorted({*change.weeks, *extra.weeks})),
    )
    changes = (*topped.plan.changes[:-2], said)
    return Replanned(replace(topped.plan, changes=changes), said)


def _week_end(plan: Plan, week: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(plan.start + timedelta(weeks=week), time(0), tzinfo=tz)


def after_log(inputs: Inputs) -> Replanned:
    """The hold rule after the logs changed: loosening held (or released) where the logs now
    call for it, the hold's note brought up to the figures; nothing else is rebuilt. The plan
    stays as it was when it cannot be built (its runs or template are gone)."""
    try:
        return _hold(inputs, inputs.stored, always=True)
    except PlannerError:
        return Replanned(inputs.stored, None)


def settle(inputs: Inputs) -> Replanned:
    """The hold rule over the weeks ended by `now`, when they call for another number of held
    weeks than the plan holds; the stored plan when they do not or it cannot be built."""
    try:
        return _hold(inputs, inputs.stored, always=False)
    except PlannerError:
        return Replanned(inputs.stored, None)


def _hold(inputs: Inputs, stored: Plan, *, always: bool) -> Replanned:
    """Hold until the ended weeks call for no other hold: a hold turns the next week into
    loosening, which may have ended low too (at most once per week). The holds made on the way
    become one change."""
    logs, now = inputs.logs, inputs.now
    settled, changed = stored, False
    for step in range(stored.weeks):
        if not needs_settling(settled, logs, now) and (step or not always):
            break
        low = low_loosening_weeks(settled, logs, now)
        result = adapt.settle_hold(settled, rebuilt(inputs, settled, low), logs, now, low)
        settled, changed = result.plan, changed or result.changed
    if settled is stored:
        return Replanned(stored, None)
    settled = adapt.one_change(stored, settled)
    if not changed:
        return Replanned(settled, None)
    held = Replanned(settled, settled.changes[-1])
    return _keep_days_of_not_run(inputs, held, low_loosening_weeks(settled, logs, now))


def short_of_mobility_days(plan: Plan, weeks: Iterable[int]) -> set[int]:
    """Those of `weeks` with mobility on fewer than MOBILITY_DAYS_A_WEEK days."""
    tz = zone(plan.tz)
    return {
        week
        for week in weeks
        if len({s.start.astimezone(tz).date() for s in plan.sessions_in_week(week)})
        < MOBILITY_DAYS_A_WEEK
    }


def keep_mobility_days(
    plan: Plan,
    fresh: Plan,
    logs: Sequence[LogEntry],
    weeks: Iterable[int],
    now: datetime,
    why: str,
) -> Replanned:
    """`plan` with sessions of `fresh` added on days of `weeks` still to come, until each of
    those weeks has mobility on MOBILITY_DAYS_A_WEEK days again (DOMAIN.md).

    A run that was not run takes its warm-up and cool-down with it, and with them a day of
    mobility; `fresh` is the plan built without that run, so its sessions on other days are
    the ones the rules place there. Only sessions still to come on a day without mobility are
    taken, never over a session, a run or an id the plan has. The doses still to come follow
    each other gradually (a short session between two cool-downs may lower the second). One
    PlanChange saying `why` and what was added, or the plan as it was.
    """
    tz = zone(plan.tz)
    sessions = list(plan.sessions)
    ids = {s.id for s in sessions}
    added: list[Session] = []
    for week in sorted(set(weeks)):
        days = {s.start.astimezone(tz).date() for s in sessions if s.week == week}
        for candidate in sorted(fresh.sessions_in_week(week), key=_start_order):
            day = candidate.start.astimezone(tz).date()
            if len(days) >= MOBILITY_DAYS_A_WEEK:
                break
            if (
                candidate.kind in RUN_KINDS
                or day in days
                or as_utc(candidate.start) <= as_utc(now)
                or candidate.id in ids
                or Intervals(sessions).overlaps_any(candidate)
                or Intervals(plan.runs).overlaps_any(candidate)
            ):
                continue
            sessions.append(candidate)
            ids.add(candidate.id)
            days.add(day)
            added.append(candidate)
    if not added:
        return Replanned(plan, None)
    ordered = sorted(sessions, key=_start_order)
    gradual = caution.keep_gradual(ordered, adapt.frozen_ids(plan, logs, now))
    effect = "mobility kept on {} days a week: {}".format(
        MOBILITY_DAYS_A_WEEK,
        ", ".join(
            f"{KIND_LABELS[s.kind]} added {s.start.astimezone(tz):%a %d %b %H:%M}" for s in added
        ),
    )
    change = PlanChange(
        week=min(s.week for s in added),
        reason=f"{why}; {effect}",
        at=now,
        kind="watch",
        cause=why,
        effect=effect,
        weeks=tuple(sorted({s.week for s in added})),
    )
    return Replanned(
        replace(plan, sessions=tuple(gradual), changes=(*plan.changes, change)), change
    )


def _start_order(session: Session) -> tuple[datetime, str]:
    return as_utc(session.start), session.id
