"""Repeat rules expanded inside the import window only, under a cap on the work they cost.

dateutil walks a rule from its DTSTART: a daily rule from year 1 costs 740,000 steps before the
window, and a rule no date satisfies (the 30th of February) is searched until year 9999 without
yielding once. So a rule without COUNT starts from a point near the window that lies on its own
grid, and every expansion runs metered: past its share of steps it stops with `TooCostly`.
"""

from __future__ import annotations

import contextlib
import math
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from types import FrameType
from typing import Any

from dateutil.rrule import rrulestr

from planner.calendar.ics import BadValue, moment, stamp

# Python calls the expansion may make (dateutil makes about 2.5 per day of a daily rule).
MAX_STEPS_PER_RULE = 20_000
MAX_STEPS_PER_FILE = 200_000
TOO_FREQUENT = frozenset({"SECONDLY", "MINUTELY"})
_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
_EXACT_STEP = {
    "WEEKLY": timedelta(weeks=1),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
}
_GREGORIAN_CYCLE_YEARS = 400  # the calendar, weekdays included, repeats every 400 years


class TooCostly(Exception):
    """The expansion went past its share of the work."""


class TooMany(Exception):
    """More occurrences in the window than one event may have."""


class TooFrequent(Exception):
    """A rule repeating every few seconds or minutes: no run or meeting does."""


class Budget:
    """Steps left for the whole file; `metered` runs one expansion within its share."""

    def __init__(self, steps: int | None = None) -> None:
        self.left = MAX_STEPS_PER_FILE if steps is None else steps

    @contextlib.contextmanager
    def metered(self, steps: int | None = None) -> Iterator[None]:
        allowed = min(MAX_STEPS_PER_RULE if steps is None else steps, self.left)
        used = 0

        # A profile hook sees every Python call, including the ones dateutil makes in a loop
        # that never yields; raising from it ends that loop.
        def count(frame: FrameType, event: str, arg: Any) -> None:
            nonlocal used
            if event == "call":
                used += 1
                if used > allowed:
                    raise TooCostly

        previous = sys.getprofile()
        sys.setprofile(count)
        try:
            yield
        finally:
            sys.setprofile(previous)
            self.left -= min(used, allowed)

    @property
    def spent(self) -> bool:
        return self.left <= 0


_LIST_GAP = re.compile(r"\s*,\s*")


def rule_parts(text: str) -> dict[str, str]:
    """The rule's parts by name. Spaces around the commas of a list (BYDAY=MO, TU, WE), as some
    servers write them, and a trailing semicolon are read as other readers read them."""
    parts: dict[str, str] = {}
    for item in text.strip().rstrip(";").split(";"):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadValue(f"the repeat rule {text.strip()[:60]!r} cannot be read")
        parts[key.strip().upper()] = _LIST_GAP.sub(",", value.strip())
    freq = parts.get("FREQ", "").upper()
    if freq not in _FREQS:
        raise BadValue(f"the repeat rule {text.strip()[:60]!r} has no valid FREQ")
    for key in ("INTERVAL", "COUNT"):
        if key in parts and not (parts[key].isdigit() and int(parts[key]) >= 1):
            raise BadValue(f"the repeat rule has {key}={parts[key][:20]} (it must be 1 or more)")
    if freq in TOO_FREQUENT:
        raise TooFrequent
    return parts


def expand(
    text: str,
    start: datetime,
    lo: datetime,
    hi: datetime,
    *,
    until_local: Callable[[date], datetime],
    budget: Budget,
    cap: int,
) -> list[datetime]:
    """The wall-clock starts in [lo, hi) that the rule `text` makes from `start` (DTSTART itself
    is the caller's: RFC 5545 counts it whether or not the rule matches it). An empty rule
    (`RRULE:`, as some exports write it) repeats nothing."""
    if not text.strip():
        return []
    parts = rule_parts(text)
    if "UNTIL" in parts:
        until = until_local(moment(parts["UNTIL"], "UNTIL"))
        if until < lo:
            return []
        parts["UNTIL"] = stamp(until)
    first = start if "COUNT" in parts else _near(parts, start, lo)
    rule_text = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        with warnings.catch_warnings():  # COUNT with UNTIL: dateutil warns, the rule still works
            warnings.simplefilter("ignore")
            rule = rrulestr(rule_text, dtstart=first, ignoretz=True)
    except Exception:  # dateutil raises ValueError, KeyError, TypeError... on a bad rule
        raise BadValue(f"the repeat rule {text.strip()[:60]!r} cannot be read") from None
    found: list[datetime] = []
    try:
        with budget.metered():
            for at in rule:
                if at >= hi:
                    break
                if at >= lo:
                    found.append(at)
                    if len(found) > cap:
                        raise TooMany
    except (TooMany, TooCostly):
        raise
    except Exception:  # dateutil fails mid-way on some rules it accepted (BYHOUR=25)
        raise BadValue(f"the repeat rule {text.strip()[:60]!r} cannot be worked out") from None
    return found


def _near(parts: dict[str, str], start: datetime, lo: datetime) -> datetime:
    """A start on the rule's own grid, at most one step before `lo`, that the rule derives the
    same days and times from; `start` itself when it is already near."""
    if start >= lo:
        return start
    interval = int(parts.get("INTERVAL", "1"))
    freq = parts["FREQ"].upper()
    if freq in _EXACT_STEP:
        step = _EXACT_STEP[freq] * interval
        return start + step * ((lo - start) // step)
    # Months and years differ in length: move by whole 400-year cycles, which keep every date
    # and weekday, and by a whole number of the rule's intervals.
    months = 12 if freq == "YEARLY" else 1
    cycle = math.lcm(_GREGORIAN_CYCLE_YEARS * 12, interval * months) // 12
    cycles = (lo.year - start.year) // cycle
    return start.replace(year=start.year + cycles * cycle) if cycles > 0 else start
