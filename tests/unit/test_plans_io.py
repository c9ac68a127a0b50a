"""Loading plans from disk: bundled files, user and $HIPPLAN_PLANS overrides, readable errors."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from planner import plans_io
from planner.domain.errors import CatalogueError, PlannerError

BUNDLED = Path(__file__).resolve().parents[2] / "plans"


def _copy_template(folder: Path, template_id: str) -> Path:
    text = (BUNDLED / "templates" / "standard.toml").read_text(encoding="utf-8")
    text = text.replace('id = "standard"', f'id = "{template_id}"')
    target = folder / "templates" / f"{template_id}.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def test_bundled_catalogue_and_templates_load() -> None:
    catalogue = plans_io.load_catalogue()
    listed = (BUNDLED / "exercises.toml").read_text(encoding="utf-8").count("\n[exercises.")
    assert listed > 0
    assert len(catalogue.exercises) == listed
    assert plans_io.template_ids() == ["gentle", "standard"]
    assert plans_io.load_template("standard").source == "plans/templates/standard.toml"
    assert plans_io.plans_dirs()[-1] == plans_io.bundled_plans_dir()


def test_hipplan_plans_overrides_a_bundled_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_template(tmp_path, "standard")
    path.write_text(path.read_text().replace('name = "Standard"', 'name = "Club standard"'))
    monkeypatch.setenv("HIPPLAN_PLANS", str(tmp_path))
    assert plans_io.plans_dirs()[0] == tmp_path
    assert plans_io.load_template("standard").name == "Club standard"


def test_user_config_dir_adds_a_template() -> None:
    folder = Path(platformdirs.user_config_dir("hipplan"))
    _copy_template(folder, "club")
    assert "club" in plans_io.template_ids()
    assert plans_io.load_template("club").id == "club"


def test_hipplan_plans_wins_over_the_user_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = _copy_template(Path(platformdirs.user_config_dir("hipplan")), "club")
    user.write_text(user.read_text().replace('name = "Standard"', 'name = "From config"'))
    mine = _copy_template(tmp_path, "club")
    mine.write_text(mine.read_text().replace('name = "Standard"', 'name = "From env"'))
    monkeypatch.setenv("HIPPLAN_PLANS", str(tmp_path))
    assert plans_io.load_template("club").name == "From env"


def test_unknown_template_lists_the_known_ones() -> None:
    with pytest.raises(
        PlannerError, match=r"unknown template 'marathon' \(known: gentle, standard\)"
    ):
        plans_io.load_template("marathon")
    with pytest.raises(PlannerError, match="unknown template"):
        plans_io.load_template("../exercises")


def test_malformed_toml_names_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "templates" / "broken.toml"
    broken.parent.mkdir(parents=True)
    broken.write_text('id = "broken"\nname = "Broken"\nloosening_time = 19:00:00:00\n')
    monkeypatch.setenv("HIPPLAN_PLANS", str(tmp_path))
    with pytest.raises(CatalogueError) as caught:
        plans_io.load_template("broken")
    assert str(broken) in str(caught.value)
    assert "line 3" in str(caught.value)


def test_template_field_error_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_template(tmp_path, "club")
    days = plans_io.load_template("standard").row(5).loosening_days
    text = path.read_text()
    level_five = text.index("[tightness.5]")
    line = f"loosening_days = {days}\n"
    at = text.index(line, level_five)
    path.write_text(text[:at] + "loosening_days = 9\n" + text[at + len(line) :])
    monkeypatch.setenv("HIPPLAN_PLANS", str(tmp_path))
    with pytest.raises(CatalogueError) as caught:
        plans_io.load_template("club")
    assert str(caught.value).startswith(f"{path}: tightness 5: field 'loosening_days'")


def test_template_id_must_match_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy_template(tmp_path, "club")
    path.rename(path.with_name("other.toml"))
    monkeypatch.setenv("HIPPLAN_PLANS", str(tmp_path))
    with pytest.raises(CatalogueError, match="field 'id' must match the file name 'other'"):
        plans_io.load_template("other")


def test_template_checked_against_the_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy_template(tmp_path, "club")
    path.write_text(
        path.read_text().replace('pre-run = ["leg-swing-front-back"', 'pre-run = ["standing-quad"')
    )
    monkeypatch.setenv("HIPPLAN_PLANS", str(tmp_path))
    with pytest.raises(CatalogueError, match="static exercise 'standing-quad'"):
        plans_io.load_template("club")


def test_catalogue_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "exercises.toml"
    path.write_text('[exercises.low-squat]\nname = "Low squats"\nstyle = "bouncy"\n')
    with pytest.raises(CatalogueError, match=f"^{path}: exercise 'low-squat': field 'style'"):
        plans_io.load_catalogue(path)


def test_the_wheel_ships_the_bundled_plans() -> None:
    # planner/_plans links to plans/ and is listed as package data in pyproject.toml
    shipped = Path(plans_io.__file__).parent / "_plans"
    assert (shipped / "exercises.toml").is_file()
    assert (shipped / "templates" / "standard.toml").is_file()
    pyproject = (BUNDLED.parent / "pyproject.toml").read_text()
    assert '"planner._plans" = ["*.toml", "templates/*.toml"]' in pyproject
