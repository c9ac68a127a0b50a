"""The importer's reader against icalendar + recurring-ical-events on real-world calendars.

Each .ics file of the corpus (tests/unit/calendar/corpus, or the folders given) is read three
ways, each from its first DTSTART for 52 weeks, as `runs import --busy --from` that date would:

- hipplan: `planner.calendar.importer.read_calendar` (the importer's own reader);
- icalendar: `Calendar.from_ical` and every VEVENT's DTSTART/DTEND decoded;
- recurring-ical-events: `of(calendar).between(first, last)` over icalendar's parse.

A file is imported (a result), refused in words (hipplan's PlannerError, the libraries' ValueError
with a message) or an internal error (anything else). Then the hostile 10 MB files of
bench_import.py are read by each in a process of its own: wall time and peak RSS.

Run: .venv/bin/python benchmarks/corpus_readers.py [FOLDER ...] [--no-big] [--show]
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from planner.calendar.importer import read_calendar
from planner.domain.errors import PlannerError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "unit" / "calendar" / "corpus"
TZ = ZoneInfo("Europe/London")
WINDOW = timedelta(weeks=52)
_FIRST = re.compile(rb"^DTSTART[^:\n]*:(\d{4})(\d{2})(\d{2})", re.M)
_ZONES = re.compile(rb"^BEGIN:VTIMEZONE.*?^END:VTIMEZONE", re.M | re.S)


def first_day(data: bytes) -> date:
    """The earliest DTSTART date of an event in the file (2027-03-01 when there is none)."""
    days = []
    for found in _FIRST.finditer(_ZONES.sub(b"", data)):
        try:
            days.append(date(*(int(g) for g in found.groups())))
        except ValueError:
            continue
    return min(days) if days else date(2027, 3, 1)


def hipplan(data: bytes, start: date) -> int:
    found = read_calendar(data, tz=TZ, source="f.ics", start=start, end=start + WINDOW)
    return len(found.runs) + len(found.busy)


def by_icalendar(data: bytes, start: date) -> int:
    calendar = icalendar.Calendar.from_ical(data)
    count = 0
    for event in calendar.walk("VEVENT"):
        if "DTSTART" not in event:
            continue  # skipped, as the importer skips it
        begins = event.decoded("DTSTART")
        if "DTEND" in event:
            event.decoded("DTEND")
        if isinstance(begins, date):
            count += 1
    return count


def by_recurring(data: bytes, start: date) -> int:
    calendar = icalendar.Calendar.from_ical(data)
    return len(recurring_ical_events.of(calendar).between(start, start + WINDOW))


READERS: dict[str, Callable[[bytes, date], int]] = {
    "hipplan": hipplan,
    "icalendar": by_icalendar,
    "recurring-ical-events": by_recurring,
}


def outcome(reader: Callable[[bytes, date], int], data: bytes, start: date) -> tuple[str, str]:
    try:
        reader(data, start)
    except PlannerError as exc:
        return "refused", str(exc)
    except ValueError as exc:  # the libraries' refusals in words
        if str(exc).strip():
            return "refused", f"{type(exc).__name__}: {exc}"[:160]
        return "internal", f"{type(exc).__name__}"
    except Exception as exc:
        return "internal", f"{type(exc).__name__}: {exc}"[:160]
    return "imported", ""


def corpus(folders: list[Path], show: bool, only: list[str]) -> None:
    files = sorted(p for folder in folders for p in folder.rglob("*.ics"))
    print(f"{len(files)} files from {', '.join(str(f) for f in folders)}\n")
    print(f"{'reader':<22} {'imported':>8} {'refused':>8} {'internal':>8} {'seconds':>8}")
    for name, reader in READERS.items():
        if only and name not in only:
            continue
        tally: Counter[str] = Counter()
        begin = time.perf_counter()
        details = []
        for path in files:
            data = path.read_bytes()
            kind, why = outcome(reader, data, first_day(data))
            tally[kind] += 1
            if kind != "imported":
                details.append(f"  {kind:<8} {path.parent.name}/{path.name}: {why}")
        seconds = time.perf_counter() - begin
        print(
            f"{name:<22} {tally['imported']:>8} {tally['refused']:>8} {tally['internal']:>8} "
            f"{seconds:>8.2f}"
        )
        if show:
            print("\n".join(details))


def big_files(timeout: float) -> None:
    """Each reader on each file in a process of its own: wall time and peak RSS, as the caps
    of bench_import.py count them (5 s and 200 MB), killed past `timeout` seconds."""
    print(f"\n{'file':<26} " + " ".join(f"{n[:24]:>26}" for n in READERS))
    for case in _cases():
        cells = []
        for reader in READERS:
            command = [sys.executable, __file__, "--cell", case, reader]
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            try:
                out, _ = proc.communicate(timeout=timeout)
                kind, seconds, peak = out.split()
                cells.append(f"{kind[:8]} {float(seconds):6.2f}s {float(peak):5.0f}MB")
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                cells.append(f"killed >{timeout:.0f}s")
            except ValueError:
                cells.append(f"exit {proc.returncode}")
        print(f"{case:<26} " + " ".join(f"{c:>26}" for c in cells), flush=True)


def _cases() -> dict[str, Callable[[], bytes]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_import

    return bench_import.CASES


def cell(case: str, reader: str) -> None:
    """One reader on one generated file, in this process; prints what became of it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_import

    cap = 2048 * 2**20  # a runaway reader cannot take the machine
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    data = bench_import.CASES[case]()
    begin = time.perf_counter()
    try:
        kind, _ = outcome(READERS[reader], data, bench_import.WINDOW_START)
    except MemoryError:
        kind = "memory"
    seconds = time.perf_counter() - begin
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(kind, f"{seconds:.3f}", f"{peak:.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--no-big", action="store_true", help="skip the 10 MB hostile files")
    parser.add_argument("--show", action="store_true", help="list every file not imported")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--reader", action="append", choices=list(READERS), default=[])
    parser.add_argument("--cell", nargs=2, metavar=("CASE", "READER"), help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.cell:
        cell(*opts.cell)
        return 0
    corpus(opts.folders or [CORPUS], opts.show, opts.reader)
    if not opts.no_big:
        big_files(opts.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
