"""How `hipplan plan show` prints: the JSON shape scripts rely on and the week-by-week table."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from planner.cli.common import iso
from planner.cli.lazy import settling
from planner.domain.model import KIND_LABELS, Plan, Prescription, Run, Session
from planner.domain.safety import STOP_ADVICE
from planner.domain.timing import exercise_seconds


def session_json(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "week": session.week,
        "kind": session.kind,
        "start": iso(session.start),
        "end": iso(session.end),
        "minutes": session.minutes,
        "run_id": session.run_id,
        "note": session.note or None,
        "stop_signs": STOP_ADVICE,
        "why": list(session.why) or session.reasons,
        "exercises": [
            {
                "id": p.exercise_id,
                "name": p.name,
                "style": p.style,
                "dose": p.dose.text,
                "progression": p.progression or None,
                "sets": p.dose.rounds,
                "reps": p.dose.reps if p.dose.hold_seconds is None else None,
                "hold_seconds": p.dose.hold_seconds,
                "per_side": p.dose.per_side,
                "seconds": exercise_seconds(p),
                "instructions": {
                    "setup": p.instructions.setup,
                    "movement": p.instructions.movement,
                    "feel": p.instructions.feel,
                    "mistake": p.instructions.mistake,
                },
            }
            for p in session.exercises
        ],
    }


def plan_json(plan: Plan, week: int | None = None) -> dict[str, Any]:
    """The `plan show --json` shape scripts rely on (extra keys: phases, template, changes)."""
    sessions = (
        plan.sessions if week is None else plan.sessions_in_week(settling.check_week(plan, week))
    )
    runs = plan.runs if week is None else _runs_in_week(plan, week)
    return {
        "athlete": plan.athlete,
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "template": plan.template,
        "time_zone": plan.tz,
        "phases": [plan.phase(w) for w in range(1, plan.weeks + 1)],
        "phases_from": plan.phases_from,  # the week a re-assessment restarted them, or 1
        "weekly_minutes": plan.weekly_minutes(),
        "runs": [{"id": r.id, "start": iso(r.start), "end": iso(r.end)} for r in runs],
        "sessions": [session_json(s) for s in sessions],
        "changes": [{"week": c.week, "reason": c.reason} for c in plan.changes],
    }


def dose_line(p: Prescription) -> str:
    """One exercise with its dose and range cue: `Lying hip rotations: 2 x 8 reps each side
    (feet 1.25 shoulder-widths apart)`."""
    cue = f" ({p.progression})" if p.progression else ""
    return f"{p.name}: {p.dose.text}{cue}"


def _runs_in_week(plan: Plan, week: int) -> tuple[Run, ...]:
    return tuple(r for r in plan.runs if plan.week_of(r.start.date()) == week)


def plan_table(plan: Plan, week: int | None = None, why: bool = False) -> str:
    """A readable week-by-week listing of runs and sessions; with `why`, each session's reasons
    and each dose with its range cue under it."""
    weeks = [settling.check_week(plan, week)] if week is not None else range(1, plan.weeks + 1)
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
        lines.append(f"  Every session: {STOP_ADVICE}")
        lines.extend(_week_rows(plan, w, why))
        lines.extend(f"  ! changed: {c.reason}" for c in plan.changes if c.week == w)
    return "\n".join(lines)


def _week_rows(plan: Plan, week: int, why: bool = False) -> list[str]:
    events: list[tuple[datetime, str]] = [
        (r.start, f"RUN {r.minutes} min") for r in _runs_in_week(plan, week)
    ]
    for s in plan.sessions_in_week(week):
        names = ", ".join(p.name for p in s.exercises[:3])
        more = ", …" if len(s.exercises) > 3 else ""
        label = f"{KIND_LABELS[s.kind]:<19} {s.minutes:>3} min  {s.id:<16} {names}{more}"
        if s.note:
            label += f"  [{s.note}]"
        if why:
            label += "".join(f"\n      why: {reason}" for reason in (s.why or s.reasons))
            label += "".join(f"\n      - {dose_line(p)}" for p in s.exercises)
        events.append((s.start, label))
    if not events:
        return ["  (nothing planned)"]
    return [f"  {at:%a %d %b %H:%M}  {text}" for at, text in sorted(events, key=lambda e: e[0])]
