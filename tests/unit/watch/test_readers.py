"""Reading watch files: FIT, GPX and TCX, gzipped, in folders and Strava exports, under caps.

Every file is made here: FIT by fit-tool (the way a watch writes it), GPX and TCX as text. A
hostile or broken file is skipped with a line naming it; the rest of the import goes on.
"""

from __future__ import annotations

import gzip
import os
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fit_tool.profile.profile_type import Sport, SubSport

from planner.domain.activities import MAX_ACTIVITY_BYTES, kind_of
from planner.domain.activity_records import Activity
from planner.watch import Refused, read_activities
from tests.unit.watch.files import fit_bytes, gpx_text, strava_zip, tcx_text

START = datetime(2027, 3, 3, 7, 40, tzinfo=UTC)


def _only(path: Path) -> Activity:
    reading = read_activities(path)
    assert reading.ignored == [], reading.ignored
    assert len(reading.activities) == 1
    return reading.activities[0]


def test_a_fit_run_gives_its_session_times_and_sport(tmp_path: Path) -> None:
    path = tmp_path / "run.fit"
    path.write_bytes(fit_bytes(START, 47.5))
    activity = _only(path)
    assert (activity.kind, activity.sport, activity.source) == ("run", "running", "run.fit")
    assert activity.start == START
    assert activity.end - activity.start == timedelta(minutes=47, seconds=30)


@pytest.mark.parametrize(
    ("sport", "sub_sport", "kind"),
    [
        (Sport.TRAINING, SubSport.YOGA, "mobility"),
        (Sport.TRAINING, SubSport.FLEXIBILITY_TRAINING, "mobility"),
        (Sport.RUNNING, SubSport.TRAIL, "run"),
        (Sport.RUNNING, SubSport.TREADMILL, "run"),
        (Sport.CYCLING, SubSport.ROAD, "other"),
    ],
)
def test_fit_sport_and_sub_sport_say_what_it_was(
    tmp_path: Path, sport: Sport, sub_sport: SubSport, kind: str
) -> None:
    path = tmp_path / "a.fit"
    path.write_bytes(fit_bytes(START, 30, sport, sub_sport))
    assert _only(path).kind == kind


def test_the_same_fit_file_has_the_same_key_loose_and_gzipped(tmp_path: Path) -> None:
    data = fit_bytes(START, 30, serial=42)
    (tmp_path / "a.fit").write_bytes(data)
    (tmp_path / "b.fit.gz").write_bytes(gzip.compress(data))
    one, two = _only(tmp_path / "a.fit"), _only(tmp_path / "b.fit.gz")
    assert one.key == two.key
    assert two.source == "b.fit"


def test_gpx_and_tcx_give_their_times_and_type(tmp_path: Path) -> None:
    (tmp_path / "a.gpx").write_text(gpx_text(START, 30, "running"), encoding="utf-8")
    (tmp_path / "b.tcx.gz").write_bytes(gzip.compress(tcx_text(START, 25, "Other").encode()))
    gpx, tcx = _only(tmp_path / "a.gpx"), _only(tmp_path / "b.tcx.gz")
    assert (gpx.kind, gpx.start, gpx.end) == ("run", START, START + timedelta(minutes=30))
    assert (tcx.kind, tcx.sport, tcx.end) == ("other", "other", START + timedelta(minutes=25))


def test_a_strava_export_takes_each_type_from_activities_csv(tmp_path: Path) -> None:
    export = strava_zip(
        tmp_path / "export.zip",
        [
            ("1.gpx", "Run", gpx_text(START, 30, "").encode()),
            ("2.gpx.gz", "Yoga", gpx_text(START + timedelta(hours=9), 20, "").encode()),
            ("3.fit.gz", "Run", fit_bytes(START + timedelta(days=1), 40)),
        ],
    )
    reading = read_activities(export)
    assert reading.ignored == []
    assert [(a.kind, a.source) for a in reading.activities] == [
        ("run", "1.gpx"),
        ("mobility", "2.gpx"),
        ("run", "3.fit"),
    ]


def test_a_folder_is_read_file_by_file_and_a_broken_fit_is_named(tmp_path: Path) -> None:
    good = fit_bytes(START, 30)
    (tmp_path / "good.fit").write_bytes(good)
    (tmp_path / "corrupt.fit").write_bytes(good[:14] + bytes(len(good) - 14))  # body zeroed
    (tmp_path / "cut.fit").write_bytes(good[: len(good) // 2])
    (tmp_path / "notes.txt").write_text("not an activity")
    reading = read_activities(tmp_path)
    assert [a.source for a in reading.activities] == ["good.fit"]
    assert sorted(i.file for i in reading.ignored) == ["corrupt.fit", "cut.fit"]
    assert all("FIT" in i.reason for i in reading.ignored)


def test_a_100_mb_gpx_is_refused_in_words_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.gpx"
    with path.open("wb") as handle:  # sparse: 100 MB on paper, a few bytes on disk
        handle.write(gpx_text(START, 30).encode())
        handle.truncate(100 * 1024 * 1024)
    began = time.monotonic()
    reading = read_activities(tmp_path)
    assert time.monotonic() - began < 5  # a stat, not a parse
    assert reading.activities == []
    (ignored,) = reading.ignored
    assert ignored.file == "huge.gpx"
    assert (
        "100 MB" in ignored.reason and f"{MAX_ACTIVITY_BYTES // 2**20} MB limit" in ignored.reason
    )


def test_a_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<" + b" " * (MAX_ACTIVITY_BYTES + 10))
    assert len(bomb) < 100_000
    (tmp_path / "bomb.gpx.gz").write_bytes(bomb)
    reading = read_activities(tmp_path)
    assert reading.activities == []
    assert reading.ignored[0].file == "bomb.gpx.gz"
    assert "unpacked" in reading.ignored[0].reason


def test_a_zip_bomb_member_and_path_tricks_are_refused(tmp_path: Path) -> None:
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities/ok.gpx", gpx_text(START, 30))
        archive.writestr("activities/bomb.gpx", b" " * (MAX_ACTIVITY_BYTES + 10))
        archive.writestr("../escape.gpx", gpx_text(START, 30))
        archive.writestr("/abs/path.gpx", gpx_text(START, 30))
        link = zipfile.ZipInfo("activities/link.gpx")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    reading = read_activities(export)
    assert [a.source for a in reading.activities] == ["ok.gpx"]
    reasons = {i.file: i.reason for i in reading.ignored}
    assert "unpacked" in reasons["activities/bomb.gpx"]
    assert "leaves the export" in reasons["../escape.gpx"]
    assert "leaves the export" in reasons["/abs/path.gpx"]
    assert "link" in reasons["activities/link.gpx"]


@pytest.mark.parametrize("suffix", [".gpx", ".tcx"])
def test_xml_with_entities_is_refused(tmp_path: Path, suffix: str) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<gpx><trk><name>&lol2;</name></trk></gpx>"
    )
    (tmp_path / f"laughs{suffix}").write_text(laughs)
    reading = read_activities(tmp_path)
    assert reading.activities == []
    assert reading.ignored[0].file == f"laughs{suffix}"


def test_files_without_times_or_with_impossible_times_are_named(tmp_path: Path) -> None:
    (tmp_path / "no-time.gpx").write_text(
        '<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        '<trkpt lat="1" lon="1"/></trkseg></trk></gpx>'
    )
    (tmp_path / "backwards.tcx").write_text(tcx_text(START, -5))
    (tmp_path / "week-long.fit").write_bytes(fit_bytes(START, 7 * 24 * 60))
    reading = read_activities(tmp_path)
    assert reading.activities == []
    reasons = {i.file: i.reason for i in reading.ignored}
    assert "no start or end" in reasons["no-time.gpx"]
    assert "no start or end" in reasons["backwards.tcx"]
    assert "over 48 hours" in reasons["week-long.fit"]


def test_a_path_that_is_not_there_or_not_an_activity_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="No such file"):
        read_activities(tmp_path / "missing.fit")
    (tmp_path / "plan.ics").write_text("BEGIN:VCALENDAR")
    with pytest.raises(Refused, match="not an activity file"):
        read_activities(tmp_path / "plan.ics")
    (tmp_path / "bad.zip").write_bytes(b"PK not really")
    with pytest.raises(Refused, match="not a readable zip"):
        read_activities(tmp_path / "bad.zip")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_links_in_a_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.gpx"
    outside.write_text(gpx_text(START, 30))
    folder = tmp_path / "watch"
    folder.mkdir()
    (folder / "link.gpx").symlink_to(outside)
    reading = read_activities(folder)
    assert reading.activities == []
    assert reading.ignored[0].reason == "a link, not followed"


def test_kind_of_reads_words_from_every_source() -> None:
    assert kind_of("Run") == kind_of("running") == kind_of(None, "trail_running") == "run"
    assert kind_of("Yoga") == kind_of("flexibility_training", "training") == "mobility"
    assert kind_of("Ride") == kind_of(None) == "other"
