"""Domain fixtures: the bundled catalogue and templates, read once per test session."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from planner.domain.catalogue import Catalogue, Template, parse_catalogue, parse_template

PLANS = Path(__file__).resolve().parents[3] / "plans"


def read_plan_file(relative: str) -> dict[str, Any]:
    with (PLANS / relative).open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture
def plan_file() -> Callable[[str], dict[str, Any]]:
    """A fresh copy of a bundled plan file's TOML data, to break in a test."""
    return read_plan_file


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return parse_catalogue(read_plan_file("exercises.toml"), "plans/exercises.toml")


@pytest.fixture(scope="session")
def standard() -> Template:
    return parse_template(
        read_plan_file("templates/standard.toml"), "plans/templates/standard.toml"
    )


@pytest.fixture(scope="session")
def gentle() -> Template:
    return parse_template(read_plan_file("templates/gentle.toml"), "plans/templates/gentle.toml")
