"""The exercise catalogue and plan templates as validated, immutable domain objects.

Both come from TOML a coach may edit, so every field is checked and every error names the file,
the entry and the field: `plans/exercises.toml: exercise 'low-squat': field 'style' must be
dynamic or static, not 'bouncy'`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any, Literal, NoReturn

from planner.domain.errors import CatalogueError
from planner.domain.inputs import parse_hhmm
from planner.domain.model import SESSION_KINDS, Instructions, SessionKind, Style, Timing

DoseKind = Literal["reps", "hold"]
# docs/coaching.md, Doses (a must): static time per muscle group and side stays under 12 minutes
# in any week
WEEKLY_MOST_MINUTES = 12
TIGHTNESS_LEVELS = (1, 2, 3, 4, 5)
STYLES: tuple[Style, ...] = ("dynamic", "static", "relaxed", "strength")
# Which styles each kind of session takes (docs/coaching.md, Session kinds: dynamic only before
# runs; static holds and relaxed movements after runs and in loosening and maintenance sessions).
KIND_STYLES: dict[SessionKind, tuple[Style, ...]] = {
    "pre-run": ("dynamic",),
    "post-run": ("static", "relaxed"),
    "loosening": ("static", "relaxed"),
    "maintenance": ("static", "relaxed"),
    "strength": ("strength",),
}


@dataclass(frozen=True)
class Span:
    """An inclusive range of whole numbers: reps, hold seconds or rounds."""

    low: int
    high: int


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    style: Style
    targets: tuple[str, ...]
    dose_kind: DoseKind
    per_side: bool
    cues: tuple[str, ...]
    progression: str
    rounds: Span
    reps: Span | None = None
    hold_seconds: Span | None = None
    loosening_hold_seconds: Span | None = None
    loosening_rounds: Span | None = None
    instructions: Instructions = field(default_factory=Instructions)
    # Opens the front of the hip (hip flexors, quads): more of it for triathletes and sitters.
    front_of_hip: bool = False
    # What the range looks like at each level, shown with the dose ("feet 1.5 shoulder-widths")
    range_cues: tuple[str, ...] = ()
    from_week: int = 1  # the hardest stretches wait for the second week

    def range_cue(self, level: int) -> str:
        if not self.range_cues:
            return ""
        return self.range_cues[min(level, len(self.range_cues)) - 1]


@dataclass(frozen=True)
class Catalogue:
    exercises: Mapping[str, Exercise]
    timing: Timing
    source: str = ""

    def get(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            known = ", ".join(sorted(self.exercises))
            raise CatalogueError(f"unknown exercise {exercise_id!r} (known: {known})") from None

    def ids(self) -> list[str]:
        return list(self.exercises)


@dataclass(frozen=True)
class TightnessRow:
    """One row of the template's table: how a plan for this tightness level is shaped."""

    loosening_weeks: int
    loosening_minutes: int
    loosening_days: int
    post_run_loosening_minutes: int
    taper_weeks: int
    maintenance_pre_minutes: int
    maintenance_post_minutes: int
    maintenance_extra_minutes: int


@dataclass(frozen=True)
class Progression:
    """How far doses may rise from one session of a kind to the next."""

    reps_step: int = 1
    hold_step: int = 5
    rounds_step: int = 1
    range_step: int = 1
    max_range_level: int = 5
    range_weeks: int = 2  # the range level rises every this many weeks
    growth_weeks: int = 3  # reps and holds grow at least this many weeks, then hold

    def range_level(self, week: int) -> int:
        return min(1 + (week - 1) // self.range_weeks * self.range_step, self.max_range_level)


@dataclass(frozen=True)
class Budget:
    """Weekly static stretching per muscle group and side (docs/coaching.md, Doses: under 12
    minutes; at least 5 for hip flexors and glutes in loosening weeks). The front of the hip gets
    a larger share for triathlon and long sitting: `front_minutes` by how many of the two apply
    (0, 1, 2)."""

    group_minutes: float = 11.0
    front_minutes: tuple[float, float, float] = (7.0, 9.0, 11.0)
    front_groups: tuple[str, ...] = ("hip flexors", "quadriceps")
    floor_minutes: float = 5.0
    floor_groups: tuple[str, ...] = ("hip flexors", "glutes")

    def weekly_seconds(self, group: str, emphasis: int, least: int = 0) -> int:
        """A group's cap in a week, in seconds a side: its share (the front of the hip's by
        emphasis), raised to `least` where that is more (the article's routine at its least in
        every cool-down of the week, so a week of many runs keeps its holds whole). The front's
        shares rise alike, so triathlon or long sitting still give more, both more than either;
        always under the 12 minutes of the must."""
        share = self.group_minutes * 60
        lowest = share
        if group in self.front_groups:
            share, lowest = self.front_minutes[min(emphasis, 2)] * 60, self.front_minutes[0] * 60
        return min(int(share + max(0.0, least - lowest)), WEEKLY_MOST_MINUTES * 60 - 1)


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    description: str
    tightness: Mapping[int, TightnessRow]
    pre_run_loosening_minutes: int
    pre_run_taper_minutes: int
    loosening_time: time
    exercises: Mapping[SessionKind, tuple[str, ...]]
    progression: Progression
    source: str = ""
    budget: Budget = Budget()
    strength_minutes: int = 12
    strength_days: int = 2

    def row(self, tightness: int) -> TightnessRow:
        return self.tightness[tightness]

    def loosening_row(self, tightness: int) -> TightnessRow:
        """The row whose loosening numbers apply: the level's own, or for supple levels with an
        added loosening week (sitting, triathlon, a held phase) the nearest tighter level's."""
        for level in range(tightness, max(TIGHTNESS_LEVELS) + 1):
            if self.tightness[level].loosening_weeks > 0:
                return self.tightness[level]
        return self.tightness[tightness]


class _Fields:
    """Typed, checked access to one TOML table; errors name source, entry and field."""

    def __init__(self, data: Any, source: str, where: str) -> None:
        self.source = source
        self.where = where
        if not isinstance(data, Mapping):
            self.fail(f"must be a table, not {_show(data)}")
        self.data: Mapping[str, Any] = data

    def fail(self, message: str, key: str | None = None) -> NoReturn:
        field = f" field '{key}'" if key else ""
        where = f" {self.where}:" if self.where else ""
        raise CatalogueError(f"{self.source}:{where}{field} {message}")

    def reject_unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.fail(f"is unknown (known fields: {known})", key)

    def raw(self, key: str, default: Any = None, required: bool = True) -> Any:
        if key not in self.data:
            if required:
                self.fail("is missing", key)
            return default
        return self.data[key]

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.raw(key, default, required)
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"must be non-empty text, not {_show(value)}", key)
        return str(value).strip()

    def texts(self, key: str, *, low: int = 1, high: int = 100) -> tuple[str, ...]:
        value = self.raw(key)
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            self.fail(f"must be a list of non-empty texts, not {_show(value)}", key)
        if not low <= len(value) <= high:
            self.fail(f"must hold {low} to {high} entries, not {len(value)}", key)
        return tuple(item.strip() for item in value)

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self.raw(key, default, required=default is None)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(f"must be a whole number from {low} to {high}, not {_show(value)}", key)
        return int(value)

    def flag(self, key: str, default: bool | None = None) -> bool:
        value = self.raw(key, default, required=default is None)
        if not isinstance(value, bool):
            self.fail(f"must be true or false, not {_show(value)}", key)
        return bool(value)

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self.raw(key)
        if value not in options:
            self.fail(f"must be {' or '.join(options)}, not {_show(value)}", key)
        return str(value)

    def span(self, key: str, low: int, high: int, *, required: bool = True) -> Span | None:
        value = self.raw(key, None, required)
        if value is None:
            return None
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and low <= value[0] <= value[1] <= high
        )
        if not ok:
            self.fail(
                f"must be [low, high] with {low} <= low <= high <= {high}, not {_show(value)}", key
            )
        return Span(value[0], value[1])

    def table(self, key: str) -> _Fields:
        return _Fields(self.raw(key), self.source, f"{self.where} {key}".strip())


def _show(value: Any) -> str:
    return repr(value) if not isinstance(value, (dict, list)) else type(value).__name__


# -- the catalogue -------------------------------------------------------------------------------

_EXERCISE_FIELDS = {
    "name", "style", "targets", "per_side", "cues", "progression", "dose", "front_of_hip",
    "setup", "movement", "feel", "mistake", "range_cues", "from_week",
}  # fmt: skip
_TIMING_FIELDS = {"seconds_per_rep", "side_switch_seconds", "transition_seconds"}
_DOSE_FIELDS = {
    "kind",
    "reps",
    "hold_seconds",
    "loosening_hold_seconds",
    "rounds",
    "loosening_rounds",
}


def parse_catalogue(data: Mapping[str, Any], source: str) -> Catalogue:
    """The catalogue from the TOML shape `[timing]` and `[exercises.<id>]` with a `dose`
    sub-table."""
    top = _Fields(data, source, "")
    top.reject_unknown({"exercises", "timing"})
    timing = _parse_timing(top.table("timing"))
    entries = top.raw("exercises")
    if not isinstance(entries, Mapping) or not entries:
        top.fail("must hold at least one [exercises.<id>] table", "exercises")
    exercises = {
        exercise_id: _parse_exercise(exercise_id, body, source)
        for exercise_id, body in entries.items()
    }
    return Catalogue(exercises, timing, source)


def _parse_timing(table: _Fields) -> Timing:
    table.reject_unknown(_TIMING_FIELDS)
    return Timing(
        seconds_per_rep=table.integer("seconds_per_rep", 1, 10),
        side_switch_seconds=table.integer("side_switch_seconds", 0, 30),
        transition_seconds=table.integer("transition_seconds", 0, 60),
    )


def _parse_exercise(exercise_id: str, body: Any, source: str) -> Exercise:
    fields = _Fields(body, source, f"exercise {exercise_id!r}")
    fields.reject_unknown(_EXERCISE_FIELDS)
    style = fields.choice("style", STYLES)
    dose = fields.table("dose")
    dose.reject_unknown(_DOSE_FIELDS)
    kind = dose.choice("kind", ("reps", "hold"))
    expected = "hold" if style == "static" else "reps"
    if kind != expected:
        dose.fail(f"must be {expected} for a {style} exercise, not {kind!r}", "kind")
    is_hold = kind == "hold"
    return Exercise(
        id=exercise_id,
        name=fields.text("name"),
        style=next(s for s in STYLES if s == style),
        targets=fields.texts("targets"),
        dose_kind="hold" if is_hold else "reps",
        per_side=fields.flag("per_side"),
        cues=fields.texts("cues", low=1, high=3),
        progression=fields.text("progression"),
        rounds=_required(dose.span("rounds", 1, 10)),
        reps=None if is_hold else dose.span("reps", 1, 50),
        hold_seconds=dose.span("hold_seconds", 5, 120) if is_hold else None,
        loosening_hold_seconds=dose.span("loosening_hold_seconds", 5, 180) if is_hold else None,
        loosening_rounds=dose.span("loosening_rounds", 1, 10) if is_hold else None,
        instructions=Instructions(
            setup=fields.text("setup"),
            movement=fields.text("movement"),
            feel=fields.text("feel"),
            mistake=fields.text("mistake"),
        ),
        front_of_hip=fields.flag("front_of_hip", default=False),
        range_cues=fields.texts("range_cues", low=1, high=10)
        if "range_cues" in fields.data
        else (),
        from_week=fields.integer("from_week", 1, 52, 1),
    )


def _required(span: Span | None) -> Span:
    assert span is not None  # span() raises on a missing required field
    return span


# -- templates -----------------------------------------------------------------------------------

_TEMPLATE_FIELDS = {
    "id", "name", "description", "loosening_time", "pre_run_loosening_minutes",
    "pre_run_taper_minutes", "sessions", "progression", "tightness", "budget", "strength",
}  # fmt: skip
_ROW_FIELDS = {
    "loosening_weeks", "loosening_minutes", "loosening_days", "post_run_loosening_minutes",
    "taper_weeks", "maintenance_pre_minutes", "maintenance_post_minutes",
    "maintenance_extra_minutes",
}  # fmt: skip
_PROGRESSION_FIELDS = {
    "reps_step", "hold_step", "rounds_step", "range_step", "max_range_level", "range_weeks",
    "growth_weeks",
}  # fmt: skip


def parse_template(data: Mapping[str, Any], source: str) -> Template:
    """A template from TOML: phase table per tightness, session exercise lists, progression."""
    fields = _Fields(data, source, "")
    fields.reject_unknown(_TEMPLATE_FIELDS)
    template_id = fields.text("id")
    template = Template(
        id=template_id,
        name=fields.text("name"),
        description=fields.text("description", required=False),
        tightness=_parse_rows(fields.table("tightness")),
        pre_run_loosening_minutes=fields.integer("pre_run_loosening_minutes", 5, 30),
        pre_run_taper_minutes=fields.integer("pre_run_taper_minutes", 5, 30),
        loosening_time=_clock_time(fields, "loosening_time"),
        exercises=_parse_session_lists(fields.table("sessions")),
        progression=_parse_progression(fields.table("progression")),
        source=source,
        budget=_parse_budget(fields.table("budget")) if "budget" in fields.data else Budget(),
        strength_minutes=_strength(fields, "minutes", 12, 5, 30),
        strength_days=_strength(fields, "days", 2, 1, 4),
    )
    _check_warm_ups_fall(fields, template)
    return template


def _check_warm_ups_fall(fields: _Fields, template: Template) -> None:
    """Warm-ups only get shorter: loosening >= taper >= every maintenance length."""
    if template.pre_run_taper_minutes > template.pre_run_loosening_minutes:
        fields.fail("must not exceed pre_run_loosening_minutes", "pre_run_taper_minutes")
    longest = max(row.maintenance_pre_minutes for row in template.tightness.values())
    if longest > template.pre_run_taper_minutes:
        fields.fail(
            f"must be at least the longest maintenance_pre_minutes ({longest})",
            "pre_run_taper_minutes",
        )


def _strength(fields: _Fields, key: str, default: int, low: int, high: int) -> int:
    if "strength" not in fields.data:
        return default
    table = fields.table("strength")
    table.reject_unknown({"minutes", "days"})
    return table.integer(key, low, high, default)


def _parse_budget(table: _Fields) -> Budget:
    table.reject_unknown({"group_minutes", "front_minutes", "floor_minutes"})
    group = table.integer("group_minutes", 5, 11, 11)
    front = table.raw("front_minutes", [7, 9, 11], required=False)
    ok = (
        isinstance(front, list)
        and len(front) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) and 5 <= v <= group for v in front)
        and front == sorted(front)
    )
    if not ok:
        table.fail(f"must be three rising whole minutes from 5 to {group}", "front_minutes")
    floor = table.integer("floor_minutes", 0, min(front), 5)
    return Budget(
        group_minutes=float(group),
        front_minutes=(float(front[0]), float(front[1]), float(front[2])),
        floor_minutes=float(floor),
    )


def _clock_time(fields: _Fields, key: str) -> time:
    text = fields.text(key, required=False, default="19:00")
    try:
        at = parse_hhmm(text)
    except ValueError:
        fields.fail(f"must be a time HH:MM, not {text!r}", key)
    if not 6 <= at.hour < 22:
        fields.fail(f"must be between 06:00 and 21:59, not {text!r}", key)
    return at


def _parse_rows(table: _Fields) -> dict[int, TightnessRow]:
    table.reject_unknown({str(level) for level in TIGHTNESS_LEVELS})
    rows = {level: _parse_row(table.table(str(level))) for level in TIGHTNESS_LEVELS}
    _check_rows_front_loaded(table, rows)
    return rows


def _parse_row(row: _Fields) -> TightnessRow:
    row.reject_unknown(_ROW_FIELDS)
    loosening_weeks = row.integer("loosening_weeks", 0, 12)
    has_loosening = loosening_weeks > 0
    parsed = TightnessRow(
        loosening_weeks=loosening_weeks,
        loosening_minutes=row.integer("loosening_minutes", 15 if has_loosening else 0, 60, 0),
        loosening_days=row.integer("loosening_days", 1 if has_loosening else 0, 6, 0),
        post_run_loosening_minutes=row.integer(
            "post_run_loosening_minutes", 5 if has_loosening else 0, 40, 0
        ),
        taper_weeks=row.integer("taper_weeks", 0, 8),
        maintenance_pre_minutes=row.integer("maintenance_pre_minutes", 5, 15),
        maintenance_post_minutes=row.integer("maintenance_post_minutes", 5, 20),
        maintenance_extra_minutes=row.integer("maintenance_extra_minutes", 0, 20, 0),
    )
    if 0 < parsed.maintenance_extra_minutes < 5:
        row.fail("must be 0 (none) or at least 5", "maintenance_extra_minutes")
    if has_loosening and parsed.post_run_loosening_minutes < parsed.maintenance_post_minutes:
        row.fail(
            "must be at least maintenance_post_minutes (loosening holds more than maintenance)",
            "post_run_loosening_minutes",
        )
    return parsed


def _check_rows_front_loaded(table: _Fields, rows: Mapping[int, TightnessRow]) -> None:
    """A tighter level may not get less maintenance than a suppler one (front-loading)."""
    for level in TIGHTNESS_LEVELS[1:]:
        tighter, suppler = rows[level], rows[level - 1]
        for key in ("maintenance_pre_minutes", "maintenance_post_minutes", "loosening_weeks"):
            if getattr(tighter, key) < getattr(suppler, key):
                table.fail(f"must not be below level {level - 1}'s", f"{level}.{key}")


def _parse_session_lists(table: _Fields) -> dict[SessionKind, tuple[str, ...]]:
    table.reject_unknown(set(SESSION_KINDS))
    lists: dict[SessionKind, tuple[str, ...]] = {}
    for kind in SESSION_KINDS:
        if kind == "strength" and kind not in table.data:
            lists[kind] = ()
            continue
        ids = table.texts(kind, low=1, high=20)
        if len(set(ids)) != len(ids):
            table.fail("names an exercise twice", kind)
        lists[kind] = ids
    return lists


def _parse_progression(table: _Fields) -> Progression:
    table.reject_unknown(_PROGRESSION_FIELDS)
    return Progression(
        reps_step=table.integer("reps_step", 1, 3, 1),
        hold_step=table.integer("hold_step", 1, 10, 5),
        rounds_step=table.integer("rounds_step", 1, 2, 1),
        range_step=table.integer("range_step", 1, 2, 1),
        max_range_level=table.integer("max_range_level", 1, 10, 5),
        range_weeks=table.integer("range_weeks", 1, 8, 2),
        growth_weeks=table.integer("growth_weeks", 1, 52, 3),
    )


def validate_template(template: Template, catalogue: Catalogue) -> None:
    """Cross-checks: every named exercise exists and has the style its session kind allows."""
    where = f"{template.source or template.id}: sessions"
    for kind, ids in template.exercises.items():
        wanted = KIND_STYLES[kind]
        for exercise_id in ids:
            exercise = catalogue.exercises.get(exercise_id)
            if exercise is None:
                raise CatalogueError(
                    f"{where}: field '{kind}' names unknown exercise {exercise_id!r}"
                    f" (known: {', '.join(catalogue.ids())})"
                )
            if exercise.style not in wanted:
                raise CatalogueError(
                    f"{where}: field '{kind}' names {exercise.style} exercise {exercise_id!r};"
                    f" {kind} sessions take {' or '.join(wanted)} exercises only"
                )
