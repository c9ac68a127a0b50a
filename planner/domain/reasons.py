"""Why each session is there and why its dose is what it is, in short lines with figures
(`plan show --why`, the JSON `why` list, the session view)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from planner.domain.adherence import Hold
from planner.domain.budget import Crowded
from planner.domain.catalogue import WEEKLY_MOST_MINUTES, Template
from planner.domain.exercise_doses import HOLD_SHORTEST
from planner.domain.model import KIND_REASONS, Athlete, Plan, Prescription, SessionKind
from planner.domain.phases import SITTING_HOURS_LIMIT

RUN_REASONS: dict[SessionKind, str] = {
    "pre-run": "before the run: the article's five drills, swings first, lunges and squats last,"
    " range growing within the set",
    "post-run": "after the run: the article's five stretches, held to mild tension, never pain",
}
SHOWN_GROUPS = ("hip flexors", "glutes", "quadriceps", "outer hip")
HARDEST = ("pigeon stretch", "couch stretch")


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:.1f}".removesuffix(".0")


def crowded_holds(hold: int, cool_downs: int, groups: Sequence[str]) -> str:
    """Why a cool-down's holds are under 20 s: its week's cool-downs share the weekly most."""
    return (
        f"holds {hold} s: {cool_downs} cool-downs this week share the {WEEKLY_MOST_MINUTES}-minute"
        f" weekly most for the {' and '.join(groups)}"
    )


def no_cool_downs(missing: int, runs: int, overfull: Crowded) -> str:
    """Why some runs of a week have no cool-down: their routines, even at 10-s holds, would
    pass the weekly most per muscle group (six or more runs a day: `overfull`), or the weekly
    budget held no more."""
    line = f"no cool-down after {missing} of {runs} runs: "
    if overfull.holds:
        groups = " and ".join(overfull.holds)
        return line + (
            f"{overfull.cool_downs} cool-downs would pass the {WEEKLY_MOST_MINUTES}-minute weekly"
            f" most for the {groups}"
        )
    return line + "the weekly budget per muscle group holds no more"


def no_warm_ups(missing: int, runs: int) -> str:
    """Why some runs of a week have no warm-up: too little time before the run for the
    drills, which come down only gradually from the last warm-up's."""
    return (
        f"no warm-up before {missing} of {runs} runs: too little time before the run for the"
        " five drills, which come down only gradually from the last warm-up's"
    )


def capped_out(warm_ups: int, cool_downs: int, runs: int, last_week: int) -> str:
    """Why some runs of a week have no warm-up or cool-down: at their least, the week's run
    sessions would take more minutes than the week before (a must after loosening)."""
    parts = []
    if warm_ups:
        parts.append(f"no warm-up before {warm_ups}")
    if cool_downs:
        parts.append(f"no cool-down after {cool_downs}")
    return (
        f"{' and '.join(parts)} of {runs} runs: weekly minutes do not rise after loosening"
        f" ({last_week} min last week), and every run's routine at its least would take more"
    )


class Why:
    """The reasons of every session of one plan."""

    def __init__(
        self,
        athlete: Athlete,
        template: Template,
        plan: Plan,
        held: int,
        emphasis: str,
        holds: Mapping[int, Hold] | None = None,
    ) -> None:
        self.athlete = athlete
        self.template = template
        self.plan = plan
        self.held = held
        self.emphasis = emphasis
        self.holds = holds or {}  # by the week each hold added
        self.routine = set(template.exercises.get("post-run", ()))
        self.every_day = _weeks_with_a_run_every_day(plan)

    def of(
        self,
        kind: SessionKind,
        week: int,
        extra: str,
        exercises: Sequence[Prescription],
        used: Mapping[tuple[int, str], int],
        limits: Mapping[str, int],
        targets: Mapping[str, tuple[str, ...]],
        crowded: Crowded | None = None,
    ) -> tuple[str, ...]:
        purpose = RUN_REASONS.get(kind) or KIND_REASONS.get(kind, "")
        lines = [self.phase(week), self.hold(week), purpose]
        if extra:
            lines.append(extra)
        hip_flexors = ("hip flexors" in targets.get(p.exercise_id, ()) for p in exercises)
        if self.emphasis and any(hip_flexors):
            lines.append(self.emphasis)
        relaxed = [p for p in exercises if p.style == "relaxed"]
        if kind in ("loosening", "maintenance") and relaxed:
            lines.append("starts with relaxed movement before the first hold")
        if kind == "loosening" and week == 1:
            lines.append(f"{' and '.join(HARDEST)} wait for week 2")
        lines.extend(self._loosening_as_cool_downs(kind, week, exercises))
        if kind == "post-run" and crowded is not None:
            lines.append(_short_holds(exercises, crowded, targets))
        lines.extend(self._budget(exercises, week, used, limits, targets))
        return tuple(line for line in lines if line)

    def left_out(
        self,
        week: int,
        runs: int,
        left: Mapping[tuple[int, SessionKind, str], int],
        overfull: Crowded,
        last_week: int,
    ) -> tuple[str, ...]:
        """For a week whose runs lost warm-ups or cool-downs: how many, of how many, and why
        (on each of the week's run sessions, since the missing ones cannot say it)."""
        lines = []
        if left.get((week, "post-run", "fit")):
            lines.append(no_cool_downs(left[(week, "post-run", "fit")], runs, overfull))
        if left.get((week, "pre-run", "fit")):
            lines.append(no_warm_ups(left[(week, "pre-run", "fit")], runs))
        capped = left.get((week, "pre-run", "cap"), 0), left.get((week, "post-run", "cap"), 0)
        if any(capped):
            lines.append(capped_out(*capped, runs, last_week))
        return tuple(lines)

    def _loosening_as_cool_downs(
        self, kind: SessionKind, week: int, exercises: Sequence[Prescription]
    ) -> list[str]:
        """Why a loosening week's cool-down is longer, and where a daily runner's loosening is."""
        if self.plan.phase(week) != "loosening" or kind not in ("post-run", "loosening"):
            return []
        lines = []
        extras = [p for p in exercises if p.exercise_id not in self.routine]
        if kind == "post-run" and extras:
            lines.append(
                f"longer while loosening: {len(extras)} loosening"
                f" stretch{'es' if len(extras) > 1 else ''} on top of the five"
            )
        if week in self.every_day:
            lines.append(
                "a run every day: the loosening comes mostly as longer cool-downs (the weekly"
                " budget per muscle group cannot also afford three long sessions)"
            )
        return lines

    def hold(self, week: int) -> str:
        """For a week the hold rule added: the figure of the week that held the phase."""
        hold = self.holds.get(week)
        if hold is None:
            return ""
        return f"held: {hold.percent:g} % of the loosening work done in week {hold.week}"

    def phase(self, week: int) -> str:
        plan, tightness = self.plan, self.athlete.tightness
        phase = plan.phase(week)
        if week < plan.phases_from:  # the week under way when a re-assessment restarted them
            return f"{phase} until the phases start again in week {plan.phases_from}" + (
                f" (tightness {tightness})" if phase != "taper" else ""
            )
        if phase == "loosening":
            causes = [f"tightness {tightness}"]
            if self.athlete.sport == "triathlon":
                causes.append("triathlon")
            if self.athlete.sitting_hours > SITTING_HOURS_LIMIT:
                causes.append(f"{self.athlete.sitting_hours:g} h sitting")
            since = week - len(plan.earlier)
            line = f"loosening week {since} of {plan.loosening_weeks}: {' + '.join(causes)}"
            if self.held:
                line += f" (held {self.held} more week{'s' if self.held > 1 else ''})"
            return line
        if phase == "taper":
            step = week - len(plan.earlier) - plan.loosening_weeks
            return f"taper week {step} of {plan.taper_weeks}: falling evenly to maintenance"
        return f"maintenance: keeps the range (tightness {tightness})"

    def _budget(
        self,
        exercises: Sequence[Prescription],
        week: int,
        used: Mapping[tuple[int, str], int],
        limits: Mapping[str, int],
        targets: Mapping[str, tuple[str, ...]],
    ) -> list[str]:
        """The static minutes per side so far this week of the groups this session stretches."""
        static = [p.exercise_id for p in exercises if p.style == "static"]
        stretched = {g for exercise_id in static for g in targets.get(exercise_id, ())}
        groups = [g for g in SHOWN_GROUPS if g in stretched]
        return [
            f"{g} {_minutes(used.get((week, g), 0))} of {_minutes(limits.get(g, 0))} min"
            " a side this week"
            for g in groups
        ]


def _short_holds(
    exercises: Sequence[Prescription], crowded: Crowded, targets: Mapping[str, tuple[str, ...]]
) -> str:
    """For a cool-down holding a stretch under 20 s in a crowded week: its shortest such hold,
    the week's cool-downs and the groups they crowd; '' otherwise."""
    short = [
        p
        for p in exercises
        if p.style == "static"
        and p.dose.hold_seconds is not None
        and p.dose.hold_seconds < HOLD_SHORTEST
        and crowded.holds.keys() & set(targets.get(p.exercise_id, ()))
    ]
    if not short:
        return ""
    hold = min(p.dose.hold_seconds or 0 for p in short)
    reached = {g for p in short for g in targets.get(p.exercise_id, ())}
    groups = [g for g in crowded.holds if g in reached]
    return crowded_holds(hold, crowded.cool_downs, groups)


def _weeks_with_a_run_every_day(plan: Plan) -> set[int]:
    """The plan weeks whose seven days all have a run (local dates)."""
    days: dict[int, set[date]] = {}
    for run in plan.runs:
        day = run.start.astimezone(ZoneInfo(plan.tz)).date()
        week = plan.week_of(day)
        if week is not None:
            days.setdefault(week, set()).add(day)
    return {week for week, seen in days.items() if len(seen) == 7}
