"""Athletes, runs and plans: the functions behind `athlete`, `runs` and `plan` commands and the TUI."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from planner import plans_io
from planner.domain import builder
from planner.domain.errors import PlannerError
from planner.domain.model import (
    DEFAULT_TEMPLATE,
    MAX_WEEKS,
    Athlete,
    Plan,
    Run,
    RunRule,
    Session,
    as_utc,
)
from planner.domain.schedule import runs_between

if TYPE_CHECKING:
    from planner.storage import Repository


def add_athlete(repo: Repository, athlete: Athlete) -> Athlete:
    repo.add_athlete(athlete)
    return athlete


def add_runs(repo: Repository, name: str, rule: RunRule) -> RunRule:
    repo.get_athlete(name)  # an unknown athlete is an error, not a silent new record
    repo.add_run_rule(name, rule)
    return rule


def runs_for(repo: Repository, name: str, start: date, end: date) -> list[Run]:
    """Every run of the athlete whose local date lies in [start, end): rules and imported runs."""
    athlete = repo.get_athlete(name)
    return runs_between(repo.run_rules(name), repo.imported_runs(name), athlete.zone, start, end)


def check_weeks(weeks: int) -> int:
    if not 1 <= weeks <= MAX_WEEKS:
        raise PlannerError(f"--weeks must be 1 to {MAX_WEEKS}, not {weeks}")
    return weeks


def preview_plan(
    repo: Repository,
    athlete: Athlete,
    start: date,
    weeks: int,
    template_id: str = DEFAULT_TEMPLATE,
    *,
    runs: list[Run] | None = None,
    extra_loosening_weeks: int = 0,
) -> Plan:
    """Build a plan without saving it (the wizard's preview, `plan build` before the write)."""
    check_weeks(weeks)
    end = start + timedelta(weeks=weeks)
    if runs is None:
        runs = runs_for(repo, athlete.name, start, end)
    busy = repo.busy(athlete.name) if _known(repo, athlete) else []
    return builder.build_plan(
        athlete,
        runs,
        start,
        weeks,
        plans_io.load_template(template_id),
        plans_io.load_catalogue(),
        extra_loosening_weeks=extra_loosening_weeks,
        busy=busy,
    )


def build_plan(
    repo: Repository,
    name: str,
    start: date,
    weeks: int,
    template_id: str = DEFAULT_TEMPLATE,
    *,
    extra_loosening_weeks: int = 0,
) -> Plan:
    """Build the athlete's plan from their runs and replace the stored one (one write)."""
    athlete = repo.get_athlete(name)
    plan = preview_plan(
        repo, athlete, start, weeks, template_id, extra_loosening_weeks=extra_loosening_weeks
    )
    repo.save_plan(plan)
    return plan


def get_plan(repo: Repository, name: str) -> Plan:
    athlete = repo.get_athlete(name)
    plan = repo.get_plan(athlete.name)
    if plan is None:
        raise PlannerError(
            f"athlete {athlete.name!r} has no plan yet (build one with `hipplan plan build`)"
        )
    return plan


def _known(repo: Repository, athlete: Athlete) -> bool:
    try:
        repo.get_athlete(athlete.name)
    except PlannerError:
        return False
    return True


# --- presenting plans -------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def session_json(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "week": session.week,
        "kind": session.kind,
        "start": _iso(session.start),
        "end": _iso(session.end),
        "minutes": session.minutes,
        "run_id": session.run_id,
        "note": session.note or None,
        "exercises": [
            {"id": p.exercise_id, "name": p.name, "style": p.style, "dose": p.dose.text}
            for p in session.exercises
        ],
    }


def plan_json(plan: Plan, week: int | None = None) -> dict[str, Any]:
    """The `plan show --json` shape of CLI.md (extra keys: phases, template, changes)."""
    sessions = plan.sessions if week is None else plan.sessions_in_week(check_week(plan, week))
    runs = plan.runs if week is None else _runs_in_week(plan, week)
    return {
        "athlete": plan.athlete,
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "template": plan.template,
        "time_zone": plan.tz,
        "phases": [plan.phase(w) for w in range(1, plan.weeks + 1)],
        "weekly_minutes": plan.weekly_minutes(),
        "runs": [{"id": r.id, "start": _iso(r.start), "end": _iso(r.end)} for r in runs],
        "sessions": [session_json(s) for s in sessions],
        "changes": [{"week": c.week, "reason": c.reason} for c in plan.changes],
    }


def check_week(plan: Plan, week: int) -> int:
    if not 1 <= week <= plan.weeks:
        raise PlannerError(f"--week must be 1 to {plan.weeks} for this plan, not {week}")
    return week


def _runs_in_week(plan: Plan, week: int) -> tuple[Run, ...]:
    return tuple(r for r in plan.runs if plan.week_of(r.start.date()) == week)


KIND_LABELS = {
    "pre-run": "pre-run warm-up",
    "post-run": "post-run cool-down",
    "loosening": "loosening",
    "maintenance": "maintenance extra",
}


def plan_table(plan: Plan, week: int | None = None) -> str:
    """A readable week-by-week listing of runs and sessions."""
    weeks = [check_week(plan, week)] if week is not None else range(1, plan.weeks + 1)
    minutes = plan.weekly_minutes()
    lines = [
        f"{plan.athlete} · {plan.weeks}-week plan from {plan.start:%a %d %b %Y}"
        f" · template {plan.template} · {plan.tz}"
    ]
    for w in weeks:
        lines.append("")
        first = plan.week_start(w)
        last = first + timedelta(days=6)
        lines.append(
            f"Week {w} · {first:%d %b} – {last:%d %b %Y} · {plan.phase(w)} · {minutes[w - 1]} min"
        )
        lines.extend(_week_rows(plan, w))
        lines.extend(f"  ! changed: {c.reason}" for c in plan.changes if c.week == w)
    return "\n".join(lines)


def _week_rows(plan: Plan, week: int) -> list[str]:
    events: list[tuple[datetime, str]] = [
        (r.start, f"RUN {run_minutes(r)} min") for r in _runs_in_week(plan, week)
    ]
    for s in plan.sessions_in_week(week):
        names = ", ".join(p.name for p in s.exercises[:3])
        more = ", …" if len(s.exercises) > 3 else ""
        label = f"{KIND_LABELS[s.kind]:<19} {s.minutes:>3} min  {s.id:<16} {names}{more}"
        if s.note:
            label += f"  [{s.note}]"
        events.append((s.start, label))
    if not events:
        return ["  (nothing planned)"]
    return [f"  {at:%a %d %b %H:%M}  {text}" for at, text in sorted(events, key=lambda e: e[0])]


def run_minutes(run: Run) -> int:
    return int((as_utc(run.end) - as_utc(run.start)).total_seconds() // 60)
