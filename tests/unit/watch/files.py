"""Activity files made by the tests: FIT written by fit-tool, GPX and TCX as text, Strava zips."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport


def _ms(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp() * 1000)


def fit_bytes(
    start: datetime,
    minutes: float,
    sport: Sport = Sport.RUNNING,
    sub_sport: SubSport = SubSport.GENERIC,
    serial: int = 3_900_000_001,
    records: int = 3,
) -> bytes:
    """An activity FIT file as a watch writes it: file id, records, one session."""
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 0
    file_id.time_created = _ms(start)
    file_id.serial_number = serial
    builder.add(file_id)
    step = minutes * 60_000 / max(records, 1)
    for index in range(records):
        record = RecordMessage()
        record.timestamp = int(_ms(start) + index * step)
        record.heart_rate = 120 + index % 30
        builder.add(record)
    session = SessionMessage()
    session.timestamp = int(_ms(start) + minutes * 60_000)
    session.start_time = _ms(start)
    session.total_elapsed_time = minutes * 60.0
    session.total_timer_time = minutes * 60.0
    session.sport = sport
    session.sub_sport = sub_sport
    builder.add(session)
    data: bytes = builder.build().to_bytes()
    return data


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gpx_text(start: datetime, minutes: float, kind: str = "running", points: int = 4) -> str:
    step = timedelta(minutes=minutes) / max(points - 1, 1)
    rows = "\n".join(
        f'      <trkpt lat="{51.5 + i * 1e-4:.6f}" lon="{-0.1 + i * 1e-4:.6f}">'
        f"<time>{_z(start + i * step)}</time></trkpt>"
        for i in range(points)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"  <trk><name>Morning</name><type>{kind}</type><trkseg>\n{rows}\n"
        "  </trkseg></trk>\n</gpx>\n"
    )


def tcx_text(start: datetime, minutes: float, sport: str = "Running") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{_z(start)}</Id>'
        f'<Lap StartTime="{_z(start)}"><TotalTimeSeconds>{minutes * 60:.1f}</TotalTimeSeconds>'
        "</Lap></Activity></Activities></TrainingCenterDatabase>\n"
    )


def strava_zip(path: Path, entries: list[tuple[str, str, bytes]]) -> Path:
    """A Strava bulk export: activities/<file> plus activities.csv naming each file's type.
    `entries`: (file name, Strava activity type, bytes); a name ending .gz is gzipped here."""
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Filename"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, kind, data) in enumerate(entries):
            body = gzip.compress(data) if name.endswith(".gz") else data
            archive.writestr(f"activities/{name}", body)
            writer.writerow([1000 + index, "", f"Activity {index}", kind, f"activities/{name}"])
        archive.writestr("activities.csv", table.getvalue())
    return path
