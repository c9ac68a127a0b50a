"""The measured self-test: each test's cut-offs at their edges, how tests combine, the noise."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from planner.domain.errors import CatalogueError
from planner.domain.selftest import Measures, beyond_noise, instructions, parse_selftest, suggest

FILE = Path(__file__).resolve().parents[3] / "plans" / "selftest.toml"


def data() -> dict[str, Any]:
    return tomllib.loads(FILE.read_text(encoding="utf-8"))


TEST = parse_selftest(data(), "plans/selftest.toml")


@pytest.mark.parametrize(
    ("cm", "level"), [(12.0, 1), (11.9, 2), (10.0, 2), (8.0, 3), (7.9, 4), (6.0, 4), (5.9, 5)]
)
def test_knee_to_wall_cut_offs_at_their_edges(cm: float, level: int) -> None:
    assert TEST.scales["knee_to_wall"].level(cm) == level


@pytest.mark.parametrize(("cm", "level"), [(10.0, 1), (10.1, 2), (25.0, 4), (25.1, 5)])
def test_faber_is_better_lower(cm: float, level: int) -> None:
    assert TEST.scales["faber"].level(cm) == level


def test_levels_are_averaged_rounded_half_up_and_a_failed_thomas_adds_one() -> None:
    assert suggest(Measures(9.0, 36.0), TEST).level == 3  # levels 3 and 2: 2.5 rounds to 3
    assert suggest(Measures(12.0, 45.0, thomas=True), TEST).level == 1
    failed = suggest(Measures(12.0, 45.0, thomas=False), TEST)
    assert failed.level == 2 and "failed" in failed.reasons[-1]
    assert suggest(Measures(3.0, 10.0, thomas=False), TEST).level == 5  # never above 5


def test_every_reason_carries_its_figure() -> None:
    reasons = suggest(Measures(9.5, 31.0, faber=14.0), TEST).reasons
    assert reasons[:3] == (
        "knee-to-wall lunge 9.5 cm: level 3 (8 to under 10 cm)",
        "seated hip internal rotation 31°: level 3 (30 to under 35°)",
        "FABER height 14 cm: level 2 (over 10 to 15 cm)",
    )


def test_each_test_has_a_one_line_instruction_and_a_source() -> None:
    found = instructions(TEST)
    assert [name for name, _ in found][2] == "modified Thomas test"
    assert all(how and "\n" not in how and len(how) < 160 for _, how in found)
    assert all(scale.source for scale in TEST.scales.values())


@pytest.mark.parametrize(
    ("change", "counts"), [(1.9, False), (1.9000000000000004, False), (2.0, True)]
)
def test_a_change_equal_to_the_mdc_is_noise(change: float, counts: bool) -> None:
    assert beyond_noise(change, TEST.scales["knee_to_wall"].mdc) is counts
    assert beyond_noise(-change, 1.9) is counts


def test_a_broken_file_names_the_field() -> None:
    broken = data()
    broken["tests"]["hip_ir"]["levels"] = [30, 35, 40, 20]
    with pytest.raises(CatalogueError, match=r"tests\.hip_ir\.levels' must be strictly falling"):
        parse_selftest(broken, "selftest.toml")
    broken = data()
    del broken["thomas"]
    with pytest.raises(CatalogueError, match="'thomas' is missing"):
        parse_selftest(broken, "selftest.toml")
