"""The plan engine: from an athlete, their runs and a template to a plan of mobility sessions.

The build runs in stages, each pure:

1. `phase_lengths` and `week_shapes`: how long each phase is and what each week asks for.
2. Placement: a dynamic warm-up ending at each run's start, a static cool-down starting at its
   end, and loosening or maintenance sessions on days without a run. Nothing may overlap a run,
   a busy block or another session, so sessions are shortened (never below five minutes),
   moved, or left out, and a note says why.
3. Prescription: each session's time is filled with exercises and sets (doses rising one step
   at a time per kind of session); its length becomes its content, rounded up to a whole minute
   (`domain.timing`), so the minutes shown are the minutes done.
4. `weekly_minutes`: once loosening is over, a week never holds more of those real minutes
   than the week before, even when it has more runs; the taper falls evenly, and no week falls
   by more than 40 %. The sessions with their doses in time order are `fitted.Fitted`.

All instants are computed in UTC and turned into the athlete's zone at the end, because
wall-clock arithmetic on aware datetimes is wrong across DST changes.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from planner.domain.adherence import Hold
from planner.domain.budget import static_seconds
from planner.domain.catalogue import Catalogue, Template
from planner.domain.dosing import Prescriber
from planner.domain.errors import NoRuns
from planner.domain.fitted import Fitted, Spent
from planner.domain.inputs import MAX_WEEKS, check_weeks
from planner.domain.model import (
    KIND_SHORT,
    Athlete,
    BusyBlock,
    Phase,
    Plan,
    Prescription,
    Run,
    Session,
    SessionKind,
    as_utc,
)
from planner.domain.phases import (
    LOOSENING_LEVEL,
    MIN_SESSION_MINUTES,
    SITTING_HOURS_LIMIT,
    emphasis_level,
    phase_lengths,
    relaxed_sets,
    reps_ahead,
    week_shapes,
)
from planner.domain.placement import (
    Block,
    Calendar,
    Slot,
    Window,
    place_free_day_sessions,
    place_strength,
    place_third_days,
    quiet_blocks,
    set_rooms,
)
from planner.domain.reasons import Why as _Why
from planner.domain.run_sessions import place_run_sessions
from planner.domain.weekly_minutes import (
    cap_weekly_minutes,
    even_taper,
    limit_falls,
    taper_reach,
)

MOBILITY_DAYS_A_WEEK = 3  # docs/coaching.md: mobility on at least 3 different days in every week
EXTRAS_MOST_RUNS = 7  # a loosening week's cool-downs take extras only with this many runs

_ID_SUFFIX: dict[SessionKind, str] = KIND_SHORT  # a session id ends with its kind's short name


def emphasis_note(athlete: Athlete) -> str:
    """Why the athlete gets more hip-flexor and quad work, or '' when they do not."""
    reasons = []
    if athlete.sport == "triathlon":
        reasons.append("hours bent forward on the bike")
    if athlete.sitting_hours > SITTING_HOURS_LIMIT:
        reasons.append(f"{athlete.sitting_hours:g} h of sitting a day")
    if not reasons:
        return ""
    return f"more hip-flexor and quad work: {' and '.join(reasons)} shorten the front of the hip"


def _sessions(fitted: Fitted, window: Window, why: _Why) -> list[Session]:
    ids = _session_ids(fitted.slots, window)
    prescriber = fitted.prescriber
    targets = {e.id: e.targets for e in prescriber.exercises.values()}
    runs = Counter(window.week_of(as_utc(r.start)) for r in why.plan.runs)
    totals = _weekly_totals(fitted)
    missing = {
        week: why.left_out(
            week, runs[week], fitted.left_out, prescriber.overfull_in(week), totals.get(week - 1, 0)
        )
        for week in range(1, window.weeks + 1)
    }
    sessions = []
    for n, (slot, session_id, exercises) in enumerate(
        zip(fitted.slots, ids, fitted.exercises, strict=True)
    ):
        week = fitted.week_of(slot.start)
        assert week is not None
        used = fitted.state_after(n).used
        limits = prescriber.limits_in(week)
        crowded = prescriber.crowded_in(week)
        reasons = why.of(slot.kind, week, slot.why, exercises, used, limits, targets, crowded)
        if slot.kind in ("pre-run", "post-run"):
            reasons += missing[week]
        sessions.append(_session(slot, session_id, exercises, window, reasons))
    return sessions


def _weekly_totals(fitted: Fitted) -> Counter[int]:
    return Counter(
        {
            week: sum(s.minutes for s in fitted.mobility_in(week))
            for week in range(1, fitted.window.weeks + 1)
        }
    )


def _session(
    slot: Slot,
    session_id: str,
    exercises: tuple[Prescription, ...],
    window: Window,
    why: tuple[str, ...],
) -> Session:
    week = window.week_of(slot.start)
    assert week is not None  # placement keeps every session inside the plan
    notes = [slot.note]
    if slot.shortened:
        notes.append(f"shortened to {slot.minutes} min: {slot.shortened}")
    note = "; ".join(n for n in notes if n)
    return Session(
        id=session_id,
        week=week,
        kind=slot.kind,
        start=slot.start.astimezone(window.tz),
        end=slot.end.astimezone(window.tz),
        run_id=slot.run_id,
        exercises=exercises,
        note=note,
        why=why,
    )


def _session_ids(ordered: Sequence[Slot], window: Window) -> list[str]:
    """`YYYYMMDD-pre` etc. by local start date; `-2`, `-3` for later ones of a kind that day."""
    seen: dict[str, int] = defaultdict(int)
    ids = []
    for slot in ordered:
        base = f"{window.local_date(slot.start):%Y%m%d}-{_ID_SUFFIX[slot.kind]}"
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


# -- the engine ----------------------------------------------------------------------------------


def build_plan(
    athlete: Athlete,
    runs: Sequence[Run],
    start: date,
    weeks: int,
    template: Template,
    catalogue: Catalogue,
    *,
    extra_loosening_weeks: int = 0,
    busy: Sequence[BusyBlock] = (),
    holds: Sequence[Hold] = (),
    earlier: Sequence[Phase] = (),
    kept: Sequence[Session] = (),
    now: datetime | None = None,
    week_one_least: int | None = None,
) -> Plan:
    """The athlete's plan of `weeks` weeks from `start` around `runs`.

    `extra_loosening_weeks` holds the loosening phase longer (low adherence in a loosening week);
    `holds` are the weeks that held it, in order (`domain.adherence.plan_holds`), so each held
    week's sessions say how much of the work was done; `busy` blocks are kept free like runs.
    `earlier` are the phases of the weeks before a re-assessment restarted them: those weeks
    keep them, and the phases count from the week after (`Plan.earlier`). `kept` are the
    sessions a rebuild keeps of the week under way, done or started by `now`: from `now` on
    that week's budget counts their static time (`fitted.Spent`). `week_one_least` is the
    fewest minutes week 1 may be trimmed to (`_lead_over_suppler` works it out when None and
    a trim needs it).
    Building twice from the same input gives equal plans.
    """
    check_weeks(weeks)
    window = Window(start, weeks, athlete.zone)
    plan_runs = _runs_in(runs, window)
    if not plan_runs:
        raise NoRuns(
            f"athlete {athlete.name!r} has no runs between {start} and"
            f" {window.end - timedelta(days=1)}"
        )
    earlier = tuple(earlier[: weeks - 1])  # the final week is always the new phases'
    before = len(earlier)
    loosening, taper = phase_lengths(
        athlete, template, weeks - before, extra_loosening_weeks, earlier=earlier
    )
    shapes = week_shapes(athlete, template, weeks, loosening, taper, earlier)
    last_loosening = before + loosening  # the plan week the new loosening phase ends
    calendar = Calendar(
        [*_run_blocks(runs), *_busy_blocks(busy), *window.bounds()], quiet_blocks(runs)
    )
    at = template.loosening_time
    slots = place_run_sessions(plan_runs, shapes, window, calendar, _shortest_cool_down(template))
    slots += place_free_day_sessions(plan_runs, shapes, window, calendar, at)
    slots += place_third_days(slots, shapes, window, calendar, at, MOBILITY_DAYS_A_WEEK)
    if athlete.strength:
        slots += place_strength(plan_runs, shapes, window, calendar, at, template)
    set_rooms(slots, calendar)
    emphasis = emphasis_level(athlete.sport, athlete.sitting_hours, SITTING_HOURS_LIMIT)
    growth = max(before + loosening + taper + 1, template.progression.growth_weeks)
    room = _room_for_every_phase(athlete, template, weeks - before, extra_loosening_weeks)
    extras = _weeks_for_extras(plan_runs, window, range(before + 1, last_loosening + 1), room)
    floor_weeks = frozenset(w for w, shape in enumerate(shapes, 1) if shape.phase == "loosening")
    prescriber = Prescriber(
        template, catalogue, emphasis, growth, extras, floor_weeks, relaxed_sets(athlete.tightness)
    )
    # a week of many runs keeps its cool-downs' holds whole: their groups' caps rise to hold them
    prescriber.cool_downs_in = Counter(
        window.week_of(s.start) or 0 for s in slots if s.kind == "post-run"
    )
    prescriber.doser.ahead = reps_ahead(athlete.tightness)
    if room:
        # a short plan's loosening weeks stay as they were: fuller ones would fall by more
        # than 40 % or unevenly into its short taper (musts before the table's lengths)
        prescriber.share_weeks = floor_weeks
    fitted = Fitted(slots, prescriber, window, _spent(kept, now, window, catalogue))
    if week_one_least is not None:
        fitted.week_one_lead = lambda: week_one_least
    elif last_loosening == 1 and not earlier:
        fitted.week_one_lead = functools.cache(
            functools.partial(
                _lead_over_suppler,
                athlete, runs, start, weeks, template, catalogue, extra_loosening_weeks, busy,
            )
        )  # fmt: skip
    reach = taper_reach(slots, window, calendar, range(last_loosening + 1, last_loosening + taper + 1),
                        _loosening_lengths(athlete, template))  # fmt: skip
    cap_weekly_minutes(fitted, window, last_loosening)
    even_taper(fitted, last_loosening, taper, reach)
    limit_falls(fitted, window, last_loosening)
    cap_weekly_minutes(fitted, window, last_loosening)
    plan = Plan(
        athlete=athlete.name,
        tz=athlete.tz,
        start=start,
        weeks=weeks,
        template=template.id,
        loosening_weeks=loosening,
        taper_weeks=taper,
        runs=tuple(plan_runs),
        sessions=(),
        earlier=earlier,
    )
    note = emphasis_note(athlete)
    planned = phase_lengths(athlete, template, weeks - before, earlier=earlier)[0]
    added = _held_weeks(holds, loosening - planned, last_loosening)
    why = _Why(athlete, template, plan, extra_loosening_weeks, note, added)
    return replace(plan, sessions=tuple(_sessions(fitted, window, why)))


def _lead_over_suppler(
    athlete: Athlete,
    runs: Sequence[Run],
    start: date,
    weeks: int,
    template: Template,
    catalogue: Catalogue,
    extra: int,
    busy: Sequence[BusyBlock],
) -> int:
    """The fewest minutes a tighter athlete's week 1 may be trimmed to, with the same runs, so
    it keeps front-loading's lead over every suppler level (a must, before a fall of at most
    40 %): a plan whose only loosening week is week 1 trims it toward the week after, and each
    level's floor stops that trim at another height. The suppler levels are built from the
    most supple up, each with the lead over those below it."""
    firsts: dict[int, int] = {}
    for level in range(1, athlete.tightness):
        built = build_plan(
            replace(athlete, tightness=level),
            runs,
            start,
            weeks,
            template,
            catalogue,
            extra_loosening_weeks=extra,
            busy=busy,
            week_one_least=_lead(level, firsts),
        )
        firsts[level] = built.weekly_minutes()[0]
    return _lead(athlete.tightness, firsts)


def _lead(level: int, firsts: Mapping[int, int]) -> int:
    """Week 1's fewest minutes at `level` over the suppler levels' `firsts`: as many, and one
    more where the level is 4 or 5 and the other 3 or below (front-loading)."""
    return max(
        (m + int(level > LOOSENING_LEVEL >= other) for other, m in firsts.items() if other < level),
        default=0,
    )


def _weeks_for_extras(
    runs: Sequence[Run], window: Window, loosening: range, room: bool
) -> frozenset[int]:
    """The loosening weeks whose cool-downs take loosening stretches on top, up to the table's
    length: weeks of at most three runs (more cool-downs share the weekly budget per muscle
    group, so theirs stay the routine) in a plan with `room` for every phase."""
    if not room:
        return frozenset()
    per_week = Counter(window.week_of(as_utc(r.start)) for r in runs)
    return frozenset(w for w in loosening if per_week[w] <= EXTRAS_MOST_RUNS)


def _loosening_lengths(athlete: Athlete, template: Template) -> dict[SessionKind, int]:
    """Each kind's session length in the loosening phase: the most a taper session grows to."""
    row = template.loosening_row(athlete.tightness)
    return {
        "pre-run": template.pre_run_loosening_minutes,
        "post-run": row.post_run_loosening_minutes,
        "loosening": row.loosening_minutes,
        "maintenance": row.loosening_minutes,
    }


def _shortest_cool_down(template: Template) -> int:
    """The shortest cool-down the template gives any tightness, in any phase (minutes)."""
    rows = template.tightness.values()
    lengths = [r.maintenance_post_minutes for r in rows]
    lengths += [r.post_run_loosening_minutes for r in rows if r.post_run_loosening_minutes]
    return max(min(lengths), MIN_SESSION_MINUTES)


def _room_for_every_phase(athlete: Athlete, template: Template, weeks: int, extra: int) -> bool:
    """Whether even the tightest athlete's phases fit the plan whole. Only then do loosening
    weeks take their longer cool-downs: a short plan shortens loosening (DOMAIN.md), and every
    tightness is judged alike, so a tighter athlete never starts with less."""
    tightest = replace(athlete, tightness=5)
    whole = phase_lengths(tightest, template, MAX_WEEKS, extra)
    return phase_lengths(tightest, template, weeks, extra) == whole


def _held_weeks(holds: Sequence[Hold], added: int, loosening: int) -> dict[int, Hold]:
    """The weeks a hold added come last in the loosening phase, one for each hold, in order."""
    first = loosening - added + 1
    return {first + n: hold for n, hold in enumerate(holds[:added])}


def _runs_in(runs: Iterable[Run], window: Window) -> list[Run]:
    """Runs whose local start date is in the plan, in time order, exact duplicates once."""
    unique: dict[tuple[datetime, datetime], Run] = {}
    for run in sorted(runs, key=lambda r: (as_utc(r.start), as_utc(r.end), r.id)):
        if window.week_of(as_utc(run.start)) is not None:
            unique.setdefault((as_utc(run.start), as_utc(run.end)), run)
    return list(unique.values())


def _run_blocks(runs: Iterable[Run]) -> list[Block]:
    return [Block(as_utc(r.start), as_utc(r.end), "another run") for r in runs]


def _spent(
    kept: Sequence[Session], now: datetime | None, window: Window, catalogue: Catalogue
) -> Spent | None:
    if now is None or (week := window.week_of(as_utc(now))) is None:
        return None
    minutes = sum(s.minutes for s in kept if s.kind != "strength")
    return Spent(as_utc(now), week, static_seconds(kept, catalogue), minutes)


def _busy_blocks(busy: Iterable[BusyBlock]) -> list[Block]:
    return [
        Block(as_utc(b.start), as_utc(b.end), repr(b.title))
        for b in busy
        if as_utc(b.end) > as_utc(b.start)
    ]
