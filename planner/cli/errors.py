"""Typed errors as the command line says them: one line, with the flag or command that helps.

The layers below name fields (`weeks`, `sitting_hours`); only here do those become flags.
"""

from __future__ import annotations

import shlex

from planner.domain.errors import AthleteExists, NoPlan, PlannerError, UnknownAthlete

# The flag that sets each input field (fields given as positional arguments have none).
FIELD_FLAGS = {
    "achilles": "--achilles",
    "alarm": "--alarm",
    "calendar": "--calendar",
    "calf": "--calf",
    "changes": "--tightness, --sport, --sitting-hours, --tz or --target",
    "date": "--date",
    "days": "--days",
    "faber": "--faber",
    "hip_ir": "--hip-ir",
    "knee_to_wall": "--knee-to-wall",
    "morning_stiffness": "--morning-stiffness",
    "run_pain": "--run-pain",
    "thomas": "--thomas",
    "force": "--force to replace it",
    "hip_score": "--hip-score",
    "match": "--match",
    "minutes": "--minutes",
    "note": "--note",
    "run_minutes": "--minutes",
    "runs_calendar": "--runs-calendar",
    "sitting_hours": "--sitting-hours",
    "start": "--start",
    "target": "--target",
    "tightness": "--tightness",
    "time": "--at",
    "to": "--to",
    "until": "--until",
    "url": "--url",
    "user": "--user",
    "week": "--week",
    "week_range": "--weeks",
    "weeks": "--weeks",
    "within": "--within",
    "zone": "--tz",
}


def error_line(exc: PlannerError) -> str:
    """The message, prefixed by its flag, or followed by the command that gets past it."""
    message = str(exc)
    if isinstance(exc, UnknownAthlete):
        return f"{message} (see: hipplan athlete list)"
    if isinstance(exc, AthleteExists):
        return f"{message} (change it with: hipplan athlete set {shlex.quote(exc.name)})"
    if isinstance(exc, NoPlan):
        name = shlex.quote(exc.athlete)
        return f"{message} (build one with: hipplan plan build {name} --start DATE --weeks N)"
    flag = FIELD_FLAGS.get(exc.field or "")
    return f"{flag}: {message}" if flag else message
