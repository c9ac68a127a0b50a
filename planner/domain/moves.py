"""Moving a session by hand, and keeping those moves when the plan is rebuilt.

A move keeps the session's id, kind, exercises and length; only its slot changes, and the session
is pinned: a later rebuild (a log that holds loosening, a re-assessment) keeps it where it still
fits. A warm-up or cool-down stays tied to its run (a must of the coaching rules): it may only move where it
still ends 0-15 min before the run, or starts 0-15 min after it.

A move can change the order in which an exercise appears (a loosening session moved past a
cool-down), so the doses still to come are then eased to follow each other gradually, as a
rebuild's are (`ease_after_move`); a move no easing makes gradual is refused (`NotGradual`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import replace
from datetime import datetime, timedelta

from planner.domain import caution
from planner.domain.budget import static_seconds
from planner.domain.catalogue import WEEKLY_MOST_MINUTES, Catalogue
from planner.domain.errors import (
    Conflict,
    InvalidInput,
    NotGradual,
    OverBudget,
    QuietTime,
    TooEarly,
)
from planner.domain.exercise_doses import HOLD_MOST_CHANGE, REPS_MOST_CHANGE
from planner.domain.inputs import zone
from planner.domain.model import RUN_KINDS, Plan, Run, Session, SessionKind, as_utc
from planner.domain.placement import NIGHT_ENDS, NIGHT_STARTS, QUIET_BEFORE_RUN

# A pre-run session still belongs to its run when it ends at most this long before the run starts
# (and a post-run session when it starts at most this long after the run ends).
RUN_LINK_SLACK = timedelta(minutes=15)

Obstacle = tuple[datetime, datetime, str]
# Sessions on their own, mostly static holds: kept out of the two hours before a run and the night
QUIET_KINDS: tuple[SessionKind, ...] = ("loosening", "maintenance")
GRADUAL_WORDS = (
    f"a hold changes by at most {HOLD_MOST_CHANGE} s, reps by at most {REPS_MOST_CHANGE}"
    " and the time a side by at most half"
)
# The line a session's `why` gains when a move eased its doses
EASED_WHY = (
    f"doses eased after a session was moved by hand: from one time to the next, {GRADUAL_WORDS}"
)


def moved_session(plan: Plan, session: Session, new_start: datetime) -> Session:
    """The session at its new start, same length, in the plan's zone and the right plan week."""
    if new_start.tzinfo is None:
        raise InvalidInput("to", "the new start needs a time zone")
    tz = zone(plan.tz)
    # Length is elapsed time: add it in UTC so a move across a DST change keeps the minutes.
    length = as_utc(session.end) - as_utc(session.start)
    start = new_start.astimezone(tz)
    end = (as_utc(start) + length).astimezone(tz)
    week = plan.week_of(start.date())
    if week is None:
        last = plan.end - timedelta(days=1)
        raise InvalidInput(
            "to", f"{start:%a %d %b} is outside the plan ({plan.start:%d %b} to {last:%d %b %Y})"
        )
    return replace(session, start=start, end=end, week=week, pinned=True)


def check_weekly_budget(plan: Plan, session: Session, catalogue: Catalogue) -> None:
    """A session moved into another week may not take any muscle group's static time there,
    a side, to the weekly most (DOMAIN.md: under 12 minutes, the evidence's plateau); the
    engine planned each week's stretching within it, so a move inside its week keeps it."""
    moved = [session if s.id == session.id else s for s in plan.sessions]
    check_budget_after_move(plan, moved, session, catalogue)


def check_budget_after_move(
    plan: Plan, sessions: Sequence[Session], moved: Session, catalogue: Catalogue
) -> None:
    """`check_weekly_budget` on the plan's `sessions` after moving `moved`, its doses eased;
    a week whose stretching easing raised stays under the weekly most as well."""
    before = plan.session(moved.id)
    into = before is None or before.week != moved.week
    old = {s.id: s.exercises for s in plan.sessions}
    raised = {s.week for s in sessions if s.id in old and s.exercises != old[s.id]}
    most = WEEKLY_MOST_MINUTES * 60
    for week in sorted(raised | ({moved.week} if into else set())):
        used = _static_seconds((s for s in sessions if s.week == week), catalogue)
        was = _static_seconds(plan.sessions_in_week(week), catalogue)
        grown = into and week == moved.week
        over = [g for g, n in used.items() if n >= most and (grown or n > was.get(g, 0))]
        if not over:
            continue
        fullest = max(over, key=used.__getitem__)
        figure = f"{fullest} {used[fullest] / 60:.1f} min of stretching a side"
        what = (
            f"moving {moved.id} into week {week} would give {figure} that week"
            if grown
            else f"moving {moved.id} there would give {figure} in week {week}, its doses eased"
            " to follow each other gradually"
        )
        raise OverBudget(
            fullest,
            week,
            used[fullest],
            f"{what}; a week stays under {WEEKLY_MOST_MINUTES} min per muscle group",
        )


def _static_seconds(sessions: Iterable[Session], catalogue: Catalogue) -> dict[str, int]:
    """Static seconds a side per muscle group in `sessions` (of one week)."""
    return {group: n for (_, group), n in static_seconds(sessions, catalogue).items()}


def check_not_too_early(session: Session, catalogue: Catalogue) -> None:
    """The hardest stretches (pigeon, couch stretch) wait for the second week, whether the
    engine placed the session or the athlete moved it (DOMAIN.md)."""
    for given in session.exercises:
        exercise = catalogue.get(given.exercise_id)
        if session.week < exercise.from_week:
            raise TooEarly(
                exercise.id,
                exercise.from_week,
                f"{exercise.name.lower()} waits for week {exercise.from_week}: moving"
                f" {session.id} into week {session.week} would bring it forward",
            )


def ease_after_move(
    plan: Plan,
    sessions: Sequence[Session],
    moved_id: str,
    frozen: Set[str],
    busy: Sequence[Obstacle] = (),
) -> tuple[tuple[Session, ...], tuple[str, ...]]:
    """The plan's `sessions` after a move (in time order), with the doses still to come eased
    to follow each other gradually, and the ids of the sessions eased.

    A move may put a loosening session's long holds after a cool-down's short ones: as after a
    rebuild (`adapt.merge`), every session not `frozen` (logged or started) is lowered where a
    dose would jump up, or made longer where it would fall too steeply and the longer session
    still fits (no overlap with a run, a session or a `busy` block; the quiet rules). An eased
    session's minutes stay its content and its `why` says it was eased. NotGradual when a step
    stays too steep that the plan did not have before the move.
    """
    fits = _fits_among(plan.runs, busy)
    gradual = caution.keep_gradual(sessions, frozen, caution.first_doses(plan.sessions), fits)
    eased = tuple(
        new.id for old, new in zip(sessions, gradual, strict=True) if new.exercises != old.exercises
    )
    result = tuple(_told_eased(s) if s.id in eased else s for s in gradual)
    had = set(caution.breaks(sorted(plan.sessions, key=lambda s: (as_utc(s.start), s.id))))
    steep = [b for b in caution.breaks(result) if b not in had]
    if steep:
        exercise, earlier, later = steep[0]
        name = _exercise_name(result, later, exercise)
        raise NotGradual(
            exercise,
            earlier,
            later,
            f"moving {moved_id} there would leave the {name.lower()} of {later} too far from"
            f" its dose in {earlier}, with no room to ease it ({GRADUAL_WORDS})",
        )
    return result, eased


def _exercise_name(sessions: Sequence[Session], session_id: str, exercise_id: str) -> str:
    session = next(s for s in sessions if s.id == session_id)
    return next(p.name for p in session.exercises if p.exercise_id == exercise_id)


def _told_eased(session: Session) -> Session:
    if EASED_WHY in session.why:
        return session
    return replace(session, why=(*session.why, EASED_WHY))


def _fits_among(runs: Sequence[Run], busy: Sequence[Obstacle]) -> caution.Fits:
    """Whether a session made longer still overlaps no run, session or busy block, and a
    loosening or maintenance session keeps the quiet time (a warm-up keeps its end at its run,
    a cool-down its start)."""

    def fits(session: Session, others: Sequence[Session]) -> bool:
        return first_clash(session, runs, others, busy) is None and quiet_ok(runs, session)

    return fits


def check_tied_to_run(plan: Plan, session: Session) -> Session:
    """A warm-up or cool-down at its new slot, still tied to a run, or Conflict saying why."""
    if session.kind not in RUN_KINDS:
        return replace(session, run_id=None)
    run = linked_run(plan.runs, session)
    if run is None:
        where = "end 0-15 min before" if session.kind == "pre-run" else "start 0-15 min after"
        own = next((r for r in plan.runs if r.id == session.run_id), None)
        which = f"its run at {own.start:%a %d %b %H:%M}" if own else "a run"
        raise Conflict(f"a {session.kind} session must {where} {which}")
    return replace(session, run_id=run.id)


def check_free(plan: Plan, session: Session, extra: Sequence[Obstacle] = ()) -> None:
    """Refuse a slot that overlaps a run, another session or a busy block, naming the clash,
    and a loosening or maintenance session in quiet time (`check_quiet`)."""
    clash = first_clash(session, plan.runs, plan.sessions, extra)
    if clash is not None:
        raise Conflict(f"{session.start:%a %H:%M}–{session.end:%H:%M} would overlap {clash}")
    check_quiet(plan.runs, session)


def check_quiet(runs: Sequence[Run], session: Session) -> None:
    """A loosening or maintenance session may not end in the two hours before a run (long
    static holds right before running can lower performance, Behm 2016), nor run between 23:00
    and 05:00 local (a must of the coaching rules), whether the engine or a hand placed it."""
    if session.kind not in QUIET_KINDS:
        return
    start, end = session.start, session.end.astimezone(session.start.tzinfo)
    if _at_night(start, end):
        raise QuietTime(
            "night",
            f"a {session.kind} session may not run between {NIGHT_STARTS:%H:%M} and"
            f" {NIGHT_ENDS:%H:%M}; {start:%H:%M}–{end:%H:%M} does",
        )
    for run in runs:
        gap = as_utc(run.start) - as_utc(session.end)
        if timedelta(0) <= gap < QUIET_BEFORE_RUN:
            hours = QUIET_BEFORE_RUN.total_seconds() / 3600
            raise QuietTime(
                "before-run",
                f"a {session.kind} session may not end in the {hours:g} hours before a run:"
                f" it would end {end:%H:%M}, the run starts {run.start:%a %H:%M}",
            )


def _at_night(start: datetime, end: datetime) -> bool:
    """Whether [start, end) touches 23:00-05:00 local on any day it spans."""
    moment = start
    while moment < end:
        clock = moment.time()
        if clock >= NIGHT_STARTS or clock < NIGHT_ENDS:
            return True
        moment += timedelta(minutes=1)
    return False


def first_clash(
    session: Session,
    runs: Sequence[Run],
    sessions: Sequence[Session],
    extra: Sequence[Obstacle] = (),
) -> str | None:
    """What the session's slot overlaps first, in words, or None when the slot is free.
    Only the clash found is put in words: callers ask this of every session of a plan."""
    start, end = as_utc(session.start), as_utc(session.end)

    def overlaps(other_start: datetime, other_end: datetime) -> bool:
        return as_utc(other_start) < end and start < as_utc(other_end)

    for run in runs:
        if overlaps(run.start, run.end):
            return f"the run at {run.start:%a %H:%M}"
    for other in sessions:
        if other.id != session.id and overlaps(other.start, other.end):
            return f"the {other.kind} session at {other.start:%a %H:%M}"
    for other_start, other_end, what in extra:
        if overlaps(other_start, other_end):
            return what
    return None


def quiet_ok(runs: Sequence[Run], session: Session) -> bool:
    """Whether the session keeps the quiet time before runs and at night."""
    try:
        check_quiet(runs, session)
    except QuietTime:
        return False
    return True


def linked_run(runs: Sequence[Run], session: Session) -> Run | None:
    """The run a pre- or post-run session hugs (within RUN_LINK_SLACK), else None."""
    for run in runs:
        if session.kind == "pre-run":
            gap = as_utc(run.start) - as_utc(session.end)
        elif session.kind == "post-run":
            gap = as_utc(session.start) - as_utc(run.end)
        else:
            return None
        if timedelta(0) <= gap <= RUN_LINK_SLACK:
            return run
    return None


def keep_pins(
    pinned: Sequence[Session], runs: Sequence[Run], others: Sequence[Session]
) -> tuple[list[Session], list[Session]]:
    """Which moved sessions a rebuilt plan keeps (they still fit) and which it drops.

    A pin still fits when it overlaps no run and no session kept so far, and a warm-up or
    cool-down still hugs one of the runs.
    """
    kept: list[Session] = []
    dropped: list[Session] = []
    for session in pinned:
        tied = session.kind not in RUN_KINDS or linked_run(runs, session)
        if (
            tied
            and first_clash(session, runs, [*others, *kept]) is None
            and quiet_ok(runs, session)
        ):
            kept.append(session)
        else:
            dropped.append(session)
    return kept, dropped
