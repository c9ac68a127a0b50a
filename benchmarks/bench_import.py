"""`hipplan runs import` on hostile calendars: time and peak memory of the real command.

Each file is written under a temporary folder and imported by `python -m planner runs import`
in a fresh process (so the memory figure is that command's own peak RSS, from wait4). Every
import must finish, refused or imported, in under TARGET_SECONDS and TARGET_MB. A process over
--timeout seconds is killed; --max-mb caps its address space so a runaway cannot take the machine.

Then the cost of what is already stored: 9,900 runs imported into an athlete who holds 364 runs
from another calendar, against the same file into an athlete with none (best of two each), as a
ratio with its target: the overlap check must not scan every stored run for each new one.

Run: .venv/bin/python benchmarks/bench_import.py [--timeout 60] [--max-mb 2048] [--only NAME]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from planner.calendar.importer import MAX_OCCURRENCES

TARGET_SECONDS = 5.0
TARGET_MB = 200.0
# 9,900 runs imported into an athlete holding 364 runs, against the same into an empty one.
TARGET_HOLDING_RATIO = 1.5
WINDOW_START = date(2027, 3, 1)
NOW = "2027-03-01T12:00:00+00:00"
BIG_BYTES = 9_900_000


def calendar(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    text = (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n{extra}{body}END:VCALENDAR\r\n"
    )
    return text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode()


def event(uid: str, start: str, rule: str = "", summary: str = "Morning run") -> str:
    lines = [f"UID:{uid}", "DTSTAMP:20270101T000000Z", start, "DURATION:PT45M"]
    if rule:
        lines.append(f"RRULE:{rule}")
    lines.append(f"SUMMARY:{summary}")
    return "\n".join(lines)


def vtimezone_secondly() -> bytes:
    zone = (
        "BEGIN:VTIMEZONE\nTZID:Hostile Time\nBEGIN:STANDARD\nDTSTART:00010101T000000\n"
        "RRULE:FREQ=SECONDLY\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0000\nEND:STANDARD\n"
        "BEGIN:DAYLIGHT\nDTSTART:00010101T000000\nRRULE:FREQ=SECONDLY;INTERVAL=2\n"
        "TZOFFSETFROM:+0000\nTZOFFSETTO:+0100\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    run = event("tz@bench", "DTSTART;TZID=Hostile Time:20270302T063000", "FREQ=WEEKLY;COUNT=4")
    return calendar(run, extra=zone)


def hourly_count() -> bytes:
    return calendar(
        event("count@bench", "DTSTART:20270301T000000Z", "FREQ=HOURLY;COUNT=1000000000")
    )


def hourly_1900() -> bytes:
    return calendar(event("h1900@bench", "DTSTART:19000101T000000Z", "FREQ=HOURLY"))


def daily_year1() -> bytes:
    return calendar(event("d1@bench", "DTSTART:00010101T063000", "FREQ=DAILY"))


def impossible_rules() -> bytes:
    """Rules no date satisfies: the expansion library looks for one until year 9999."""
    rules = [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=DAILY;INTERVAL=7;BYDAY=TU",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
    ]
    return calendar(
        *(
            event(f"never{n}@bench", "DTSTART:20270301T063000Z", rules[n % len(rules)])
            for n in range(40)
        )
    )


def _many(count: int, spread_days: int, size: int, title: str = "Meeting") -> bytes:
    events = []
    first = datetime(2027, 3, 1, 6, 0)
    for n in range(count):
        start = first + timedelta(days=n * spread_days // count, minutes=15 * (n % 40))
        events.append(
            event(f"e{n}@bench", f"DTSTART:{start:%Y%m%dT%H%M%S}", summary=f"{title} {n}")
        )
    pad = max(0, (size - len(calendar(*events))) // count - 16)
    note = "x" * pad
    return calendar(*(f"{e}\nDESCRIPTION:{note}" for e in events))


def big_in_window() -> bytes:
    """9.9 MB of 46,000 events, all inside the import window."""
    return _many(46_000, 300, BIG_BYTES)


def big_over_years() -> bytes:
    """9.9 MB of 46,000 events over 20 years, a tenth of them in the window."""
    return _many(46_000, 20 * 365, BIG_BYTES)


def runs_under_the_cap() -> bytes:
    """Runs in the window just under the cap, so every one is read and stored."""
    return _many(MAX_OCCURRENCES - 100, 300, BIG_BYTES, title="Run")


def many_rdates() -> bytes:
    dates = ",".join(
        f"{datetime(2027, 3, 1) + timedelta(minutes=7 * n):%Y%m%dT%H%M%SZ}" for n in range(450_000)
    )
    return calendar(event("rdate@bench", "DTSTART:20270301T063000Z") + f"\nRDATE:{dates}")


def nested() -> bytes:
    depth = 200_000
    inner = "BEGIN:VEVENT\r\n" * depth + "END:VEVENT\r\n" * depth
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{inner}END:VCALENDAR\r\n".encode()


CASES: dict[str, Callable[[], bytes]] = {
    "vtimezone-secondly-year-1": vtimezone_secondly,
    "hourly-count-1e9": hourly_count,
    "hourly-from-1900": hourly_1900,
    "daily-from-year-1": daily_year1,
    "impossible-rules-x40": impossible_rules,
    "46k-events-in-window": big_in_window,
    "46k-events-over-20-years": big_over_years,
    "runs-just-under-the-cap": runs_under_the_cap,
    "450k-rdates": many_rdates,
    "nested-200k": nested,
}


@dataclass(frozen=True)
class Result:
    seconds: float
    mb: float
    code: int | None  # None: killed at the timeout
    said: str


def hipplan(db: Path, *args: str, timeout: float, max_mb: int) -> Result:
    env = {**os.environ, "HIPPLAN_NOW": NOW, "HIPPLAN_DB": str(db)}

    def limit() -> None:
        cap = max_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    # Output goes to a file: a pipe nobody reads before the end fills up and stalls the command.
    with tempfile.TemporaryFile() as out_file:
        begin = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "planner", *args],
            env=env,
            stdout=out_file,
            stderr=subprocess.STDOUT,
            preexec_fn=limit,
        )
        killed = False

        def kill(*_: object) -> None:
            nonlocal killed
            killed = True
            proc.send_signal(signal.SIGKILL)

        signal.signal(signal.SIGALRM, kill)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.perf_counter() - begin
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        out = out_file.read().decode(errors="replace")
    said = " | ".join(line for line in out.splitlines() if line.strip())[:150]
    code = None if killed else proc.returncode
    return Result(seconds, usage.ru_maxrss / 1024, code, said)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--max-mb", type=int, default=2048)
    parser.add_argument("--only", action="append", choices=sorted(CASES))
    opts = parser.parse_args()
    names = opts.only or list(CASES)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        root = Path(folder)
        db = root / "hipplan.json"
        setup = hipplan(
            db, "athlete", "add", "Bench", "--tightness", "3", "--tz", "Europe/London",
            timeout=opts.timeout, max_mb=opts.max_mb,
        )  # fmt: skip
        if setup.code != 0:
            print(f"setup failed: {setup.said}")
            return 1
        baseline = hipplan(db, "athlete", "list", timeout=opts.timeout, max_mb=opts.max_mb)
        print(f"baseline (athlete list): {baseline.seconds:.2f} s, {baseline.mb:.0f} MB")
        print(f"targets: {TARGET_SECONDS:g} s and {TARGET_MB:g} MB per import\n")
        print(f"{'file':<26} {'MB in':>6} {'seconds':>8} {'peak MB':>8} {'s/tgt':>6} "
              f"{'MB/tgt':>6}  exit  said")  # fmt: skip
        for name in names:
            path = root / f"{name}.ics"
            data = CASES[name]()
            path.write_bytes(data)
            found = hipplan(
                db, "runs", "import", "Bench", str(path), "--from", str(WINDOW_START),
                timeout=opts.timeout, max_mb=opts.max_mb,
            )  # fmt: skip
            results.append(found)
            code = "kill" if found.code is None else str(found.code)
            print(
                f"{name:<26} {len(data) / 1e6:>6.1f} {found.seconds:>8.2f} {found.mb:>8.0f} "
                f"{found.seconds / TARGET_SECONDS:>6.2f} {found.mb / TARGET_MB:>6.2f}  "
                f"{code:>4}  {found.said}",
                flush=True,
            )
            path.unlink()
        ratio = holding_ratio(root, opts.timeout, opts.max_mb)
    worst_s = max(results, key=lambda r: r.seconds) if results else None
    worst_mb = max(results, key=lambda r: r.mb) if results else None
    if worst_s and worst_mb:
        print(f"\nslowest: {worst_s.seconds:.2f} s; largest: {worst_mb.mb:.0f} MB")
    over = [r for r in results if r.code is None or r.seconds > TARGET_SECONDS or r.mb > TARGET_MB]
    return 1 if over or ratio is None or ratio > TARGET_HOLDING_RATIO else 0


def holding_ratio(root: Path, timeout: float, max_mb: int) -> float | None:
    """Seconds to import the runs under the cap into an athlete holding 364 runs, over the
    seconds into an empty athlete: each the best of two, each into a database of its own."""
    big = root / "runs.ics"
    big.write_bytes(runs_under_the_cap())
    daily = root / "daily.ics"
    daily.write_bytes(daily_year1())
    times: dict[str, float] = {}
    for attempt, case in enumerate(("empty", "holding") * 2):
        db = root / f"{case}-{attempt}" / "hipplan.json"
        db.parent.mkdir(exist_ok=True)
        hipplan(db, "athlete", "add", "R", "--tightness", "3", "--tz", "Europe/London",
                timeout=timeout, max_mb=max_mb)  # fmt: skip
        if case == "holding":
            hipplan(db, "runs", "import", "R", str(daily), "--from", str(WINDOW_START),
                    timeout=timeout, max_mb=max_mb)  # fmt: skip
        found = hipplan(db, "runs", "import", "R", str(big), "--from", str(WINDOW_START),
                        timeout=timeout, max_mb=max_mb)  # fmt: skip
        if found.code != 0:
            print(f"\n{case}: the import failed: {found.said}")
            return None
        times[case] = min(times.get(case, found.seconds), found.seconds)
    ratio = times["holding"] / times["empty"]
    verdict = "ok" if ratio <= TARGET_HOLDING_RATIO else "MISSED"
    print(
        f"\nimport 9,900 runs into an athlete holding 364 vs into an empty one: "
        f"{times['holding']:.2f} s / {times['empty']:.2f} s = {ratio:.2f}x "
        f"(target <= {TARGET_HOLDING_RATIO}x) {verdict}"
    )
    return ratio


if __name__ == "__main__":
    sys.exit(main())
