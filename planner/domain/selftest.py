"""The measured self-test: figures a person can take at home, the tightness level they suggest,
and the noise of each measure.

The scoring is data (`plans/selftest.toml`, read by `plans_io.load_selftest`): each test's
cut-offs between levels, how the tests combine, each measure's minimal detectable change (MDC)
and its source. A suggestion is only ever that: the level the person chose changes only when
they accept it (`hipplan athlete assess --apply`, the wizard and the athlete screen ask).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from planner.domain.errors import CatalogueError

MeasureId = Literal["knee_to_wall", "hip_ir", "faber"]
MEASURE_IDS: tuple[MeasureId, ...] = ("knee_to_wall", "hip_ir", "faber")
LEVELS = 5  # tightness 1 supple to 5 very tight


@dataclass(frozen=True)
class Scale:
    """One measured test: where its figure falls among the five levels, and its noise."""

    id: MeasureId
    name: str
    unit: str
    higher_is_better: bool
    levels: tuple[float, float, float, float]  # the boundaries of levels 1|2, 2|3, 3|4, 4|5
    mdc: float
    instruction: str
    source: str

    def level(self, value: float) -> int:
        """1 to 5: at or past a boundary counts for the better side."""
        for level, edge in enumerate(self.levels, start=1):
            if (value >= edge) if self.higher_is_better else (value <= edge):
                return level
        return LEVELS

    def band(self, level: int) -> str:
        """The figures of a level, e.g. '8 to under 10 cm' or 'above 25 cm'."""
        edges = self.levels
        if self.higher_is_better:
            if level == 1:
                return f"{_with_unit(edges[0], self.unit)} or more"
            if level == LEVELS:
                return f"under {_with_unit(edges[-1], self.unit)}"
            return f"{_num(edges[level - 1])} to under {_with_unit(edges[level - 2], self.unit)}"
        if level == 1:
            return f"{_with_unit(edges[0], self.unit)} or less"
        if level == LEVELS:
            return f"over {_with_unit(edges[-1], self.unit)}"
        return f"over {_num(edges[level - 2])} to {_with_unit(edges[level - 1], self.unit)}"


@dataclass(frozen=True)
class SelfTest:
    scales: dict[MeasureId, Scale]
    thomas_fail_adds: int
    thomas_name: str
    thomas_instruction: str
    thomas_source: str
    score_mdc: float  # 0-10 scores
    score_source: str
    source: str  # the file it was read from

    def noise(self) -> dict[str, float]:
        """Each trended measure's MDC: a change must be larger to count as a trend."""
        found: dict[str, float] = {m: s.mdc for m, s in self.scales.items()}
        for score in ("calf", "achilles", "hip_score", "run_pain"):
            found[score] = self.score_mdc
        return found


@dataclass(frozen=True)
class Measures:
    """One sitting of the self-test (the tighter side of each)."""

    knee_to_wall: float  # cm
    hip_ir: float  # degrees
    thomas: bool | None = None  # True: passed
    faber: float | None = None  # cm

    def value(self, measure: MeasureId) -> float | None:
        found: float | None = getattr(self, measure)
        return found


@dataclass(frozen=True)
class Suggestion:
    level: int
    reasons: tuple[str, ...]


def suggest(measures: Measures, test: SelfTest) -> Suggestion:
    """The level the figures suggest and why, each reason with its figure."""
    levels: list[int] = []
    reasons: list[str] = []
    for measure in MEASURE_IDS:
        value = measures.value(measure)
        if value is None:
            continue
        scale = test.scales[measure]
        level = scale.level(value)
        levels.append(level)
        reasons.append(
            f"{scale.name} {_with_unit(value, scale.unit)}: level {level} ({scale.band(level)})"
        )
    mean = sum(levels) / len(levels)
    level = min(LEVELS, max(1, math.floor(mean + 0.5)))
    if len(levels) > 1:
        reasons.append(f"mean of {len(levels)} tests {mean:.2f}, rounded: level {level}")
    if measures.thomas is False and test.thomas_fail_adds:
        raised = min(LEVELS, level + test.thomas_fail_adds)
        reasons.append(f"{test.thomas_name} failed (short hip flexors): level {raised}")
        level = raised
    elif measures.thomas is True:
        reasons.append(f"{test.thomas_name} passed: no change")
    return Suggestion(level, tuple(reasons))


def instructions(test: SelfTest) -> list[tuple[str, str]]:
    """(name, one-line instruction) for every test, in the order they are taken."""
    found = [(s.name, s.instruction) for s in test.scales.values()]
    return [*found[:2], (test.thomas_name, test.thomas_instruction), *found[2:]]


def beyond_noise(change: float, mdc: float) -> bool:
    """A change counts only when larger than the measure's MDC (equal is still noise)."""
    return round(abs(change), 6) > mdc


# -- reading the data ------------------------------------------------------------------------------


def parse_selftest(data: Mapping[str, Any], source: str) -> SelfTest:
    """The self-test of `plans/selftest.toml`; a CatalogueError names the file and the field."""
    tests = _table(data, "tests", source)
    scales = {m: _scale(m, _table(tests, m, source, "tests."), source) for m in MEASURE_IDS}
    combine = _table(data, "combine", source)
    if combine.get("method", "mean") != "mean":
        raise CatalogueError(f"{source}: combine.method must be 'mean'")
    thomas = _table(data, "thomas", source)
    scores = _table(data, "scores", source)
    return SelfTest(
        scales=scales,
        thomas_fail_adds=int(_number(combine, "thomas_fail_adds", source, "combine.", 0, 4)),
        thomas_name=_text(thomas, "name", source, "thomas."),
        thomas_instruction=_text(thomas, "instruction", source, "thomas."),
        thomas_source=_text(thomas, "source", source, "thomas."),
        score_mdc=_number(scores, "mdc", source, "scores.", 0, 10),
        score_source=_text(scores, "source", source, "scores."),
        source=source,
    )


def _scale(measure: MeasureId, data: Mapping[str, Any], source: str) -> Scale:
    where = f"tests.{measure}."
    better = data.get("better")
    if better not in ("higher", "lower"):
        raise CatalogueError(f"{source}: field '{where}better' must be 'higher' or 'lower'")
    raw = data.get("levels")
    if not isinstance(raw, list) or len(raw) != LEVELS - 1:
        raise CatalogueError(f"{source}: field '{where}levels' must list {LEVELS - 1} numbers")
    edges = tuple(_as_float(v, source, f"{where}levels") for v in raw)
    ordered = sorted(edges, reverse=better == "higher")
    if list(edges) != ordered or len(set(edges)) != len(edges):
        way = "falling" if better == "higher" else "rising"
        raise CatalogueError(f"{source}: field '{where}levels' must be strictly {way}")
    return Scale(
        id=measure,
        name=_text(data, "name", source, where),
        unit=_text(data, "unit", source, where),
        higher_is_better=better == "higher",
        levels=(edges[0], edges[1], edges[2], edges[3]),
        mdc=_number(data, "mdc", source, where, 0, 100),
        instruction=_text(data, "instruction", source, where),
        source=_text(data, "source", source, where),
    )


def _table(data: Mapping[str, Any], key: str, source: str, where: str = "") -> Mapping[str, Any]:
    found = data.get(key)
    if not isinstance(found, Mapping):
        raise CatalogueError(f"{source}: table '{where}{key}' is missing")
    return found


def _text(data: Mapping[str, Any], key: str, source: str, where: str) -> str:
    found = data.get(key)
    if not isinstance(found, str) or not found.strip():
        raise CatalogueError(f"{source}: field '{where}{key}' must be a non-empty text")
    return found.strip()


def _number(
    data: Mapping[str, Any], key: str, source: str, where: str, low: float, high: float
) -> float:
    value = _as_float(data.get(key), source, where + key)
    if not low <= value <= high:
        raise CatalogueError(
            f"{source}: field '{where}{key}' must be {_num(low)} to {_num(high)}, not {value}"
        )
    return value


def _as_float(value: object, source: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CatalogueError(f"{source}: field '{field}' must be a number, not {value!r}")
    return float(value)


def _num(value: float) -> str:
    return f"{value:g}"


def _with_unit(value: float, unit: str) -> str:
    """'9 cm', '32°'."""
    return f"{value:g}{unit}" if unit == "°" else f"{value:g} {unit}"
