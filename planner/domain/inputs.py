"""Every limit on what a person types, and the one parser for each kind of input.

The CLI uses these parsers as argparse `type=`s, the TUI as Textual validators, the services and
the model to check what reaches them; all raise `InvalidInput` naming the domain field, so each
layer can point at its own flag or form field. A limit changed here changes everywhere.
"""

from __future__ import annotations

import re
from datetime import date, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.domain.errors import InvalidInput

MAX_WEEKS = 52
TIGHTNESS_LEVELS = range(1, 6)  # 1 supple .. 5 very tight
MAX_SITTING_HOURS = 24.0
RUN_MINUTES = range(1, 601)
MAX_NAME_LENGTH = 200
MAX_NOTE_LENGTH = 500
MAX_ICS_BYTES = 10 * 1024 * 1024  # a calendar file larger than this is refused unread
MAX_SQUAD_BYTES = 1024 * 1024  # a squad file (one athlete a line) larger than this is refused
MAX_DUE_MINUTES = 7 * 24 * 60
MAX_ALARM_MINUTES = 7 * 24 * 60
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Dates a plan, a run or a log may have: far enough from year 1 and 9999 that a year of plan and
# the weeks around it never overflow a date.
FIRST_PLAN_DATE = date(1900, 1, 1)
LAST_PLAN_DATE = date(2200, 12, 31)
SCORES = range(0, 11)  # check-in scores, 0 to 10
# The check-in scores and how a person calls them: calf and achilles 0 none to 10 worst,
# the hip self-test 0 stiff to 10 free.
SCORE_NAMES: dict[str, str] = {
    "calf": "calf tightness",
    "achilles": "achilles pain",
    "hip_score": "the hip score",
    "run_pain": "pain during the run",
}
# The measured self-test: what a figure may be (cm or degrees), so a typo is refused.
MEASURE_LIMITS: dict[str, tuple[str, float, float, str]] = {
    "knee_to_wall": ("knee-to-wall", 0.0, 30.0, "cm"),
    "hip_ir": ("hip internal rotation", 0.0, 90.0, "degrees"),
    "faber": ("FABER height", 0.0, 60.0, "cm"),
}

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DAY_SEPARATORS = re.compile(r"[,;\s]+")
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES: dict[str, int] = {
    **{name: index for index, name in enumerate(WEEKDAYS)},
    **{name: index for index, name in enumerate(_FULL_DAY_NAMES)},
}
_WEEK_RANGE = re.compile(r"^\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?$")


def whole_number(text: str, field: str, what: str | None = None) -> int:
    """A whole number typed for `field` ('8'), or InvalidInput naming it."""
    try:
        return int(str(text).strip())
    except ValueError:
        raise InvalidInput(
            field, f"{what or field} must be a whole number, not {str(text).strip()!r}"
        ) from None


def decimal_number(text: str, field: str, what: str | None = None) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InvalidInput(
            field, f"{what or field} must be a number, not {str(text).strip()!r}"
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidInput(field, f"{what or field} must be a number, not {text!r}")
    return value


def positive_number(text: str, field: str = "minutes", what: str | None = None) -> int:
    value = whole_number(text, field, what)
    if value <= 0:
        raise InvalidInput(field, f"{what or field} must be above 0, not {value}")
    return value


def check_weeks(weeks: int, field: str = "weeks") -> int:
    """A plan's length: 1 to MAX_WEEKS whole weeks."""
    if isinstance(weeks, bool) or weeks not in range(1, MAX_WEEKS + 1):
        raise InvalidInput(field, f"weeks must be 1 to {MAX_WEEKS}, not {weeks}")
    return weeks


def parse_weeks(text: str) -> int:
    return check_weeks(whole_number(text, "weeks"))


def parse_week_range(text: str) -> tuple[int, int]:
    """'3-5' -> (3, 5); '4' -> (4, 4)."""
    found = _WEEK_RANGE.match(text)
    if not found:
        raise InvalidInput("week_range", f"invalid week range {text!r} (use A-B, e.g. 1-4)")
    first = int(found.group(1))
    last = int(found.group(2) or first)
    if not 1 <= first <= last <= MAX_WEEKS:
        raise InvalidInput(
            "week_range",
            f"invalid week range {text!r} (weeks 1 to {MAX_WEEKS}, A not after B)",
        )
    return first, last


def check_tightness(level: int) -> int:
    if isinstance(level, bool) or level not in TIGHTNESS_LEVELS:
        raise InvalidInput("tightness", f"tightness must be 1 to 5, not {level}")
    return level


def parse_tightness(text: str) -> int:
    return check_tightness(whole_number(text, "tightness"))


def check_sitting_hours(hours: float) -> float:
    if not 0 <= hours <= MAX_SITTING_HOURS:
        raise InvalidInput(
            "sitting_hours", f"sitting hours must be 0 to {MAX_SITTING_HOURS:g}, not {hours:g}"
        )
    return float(hours)


def parse_sitting_hours(text: str) -> float:
    """Hours of sitting a day; empty means none."""
    text = str(text).strip() or "0"
    return check_sitting_hours(decimal_number(text, "sitting_hours", "sitting hours"))


def check_target(fraction: float) -> float:
    if not 0 < fraction <= 1:
        raise InvalidInput(
            "target", f"the target must be above 0 and at most 100 %, not {fraction * 100:g} %"
        )
    return fraction


def parse_target_percent(text: str) -> float:
    """'80' or '80%' -> 0.8."""
    value = decimal_number(str(text).strip().rstrip("% "), "target", "the target")
    return check_target(value / 100)


def check_run_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or minutes not in RUN_MINUTES:
        raise InvalidInput(
            "run_minutes",
            f"run minutes must be {RUN_MINUTES[0]} to {RUN_MINUTES[-1]}, not {minutes}",
        )
    return minutes


def parse_run_minutes(text: str) -> int:
    return check_run_minutes(whole_number(text, "run_minutes", "run minutes"))


def check_score(value: object, field: str) -> int:
    """A check-in score (`field` is calf, achilles or hip_score): a whole number 0 to 10."""
    what = SCORE_NAMES.get(field, field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"{what} must be a whole number 0 to 10, not {value!r}")
    if value not in SCORES:
        raise InvalidInput(field, f"{what} must be 0 to 10, not {value}")
    return value


def parse_score(text: str, field: str) -> int:
    """'7' -> 7 for a check-in score; '5.5', 'x', '-1' and '11' are refused."""
    return check_score(whole_number(text, field, SCORE_NAMES.get(field, field)), field)


def parse_yes_no(text: str, field: str) -> bool:
    """'yes' -> True, 'no' -> False; nothing else (no guessing from 'y' or 'true')."""
    answer = str(text).strip().lower()
    if answer not in ("yes", "no"):
        raise InvalidInput(field, f"{field.replace('_', ' ')} must be yes or no, not {text!r}")
    return answer == "yes"


def parse_pass_fail(text: str, field: str) -> bool:
    """'pass' -> True, 'fail' -> False."""
    answer = str(text).strip().lower()
    if answer not in ("pass", "fail"):
        raise InvalidInput(field, f"the {field} test must be pass or fail, not {text!r}")
    return answer == "pass"


def check_measure(value: float, field: str) -> float:
    """A self-test figure within its limits (`MEASURE_LIMITS`)."""
    what, low, high, unit = MEASURE_LIMITS[field]
    if not low <= value <= high:
        raise InvalidInput(field, f"{what} must be {low:g} to {high:g} {unit}, not {value:g}")
    return value


def parse_measure(text: str, field: str) -> float:
    """'9.5' -> 9.5 cm (or degrees) for a self-test figure."""
    what = MEASURE_LIMITS[field][0]
    value = decimal_number(text, field, what)
    if value != value:  # NaN
        raise InvalidInput(field, f"{what} must be a number, not {text!r}")
    return check_measure(value, field)


def parse_days(text: str) -> tuple[int, ...]:
    """'mon,wed,sat', 'mon wed sat', 'mon;wed;sat' or 'Monday, Wednesday' -> (0, 2, 5).

    Sorted, without repeats. Commas, semicolons and spaces all separate days (a squad CSV writes
    'mon;wed;sat', a person types spaces); each part must be a whole day name, short or full, so
    'monday-ish' or 'mo' is refused rather than read as another day or dropped.
    """
    days: set[int] = set()
    for part in _DAY_SEPARATORS.split(text.strip()):
        if not part:
            continue  # 'mon,,wed' or a trailing comma
        day = _DAY_NAMES.get(part.lower())
        if day is None:
            raise InvalidInput(
                "days", f"unknown day name {part!r} (use mon,tue,wed,thu,fri,sat,sun)"
            )
        days.add(day)
    if not days:
        raise InvalidInput("days", "no run days given (for example mon,wed,sat)")
    return tuple(sorted(days))


def parse_hhmm(text: str, field: str = "time") -> time:
    """'06:30' -> time(6, 30); anything else (25:00, 6.30) is refused."""
    match = _HHMM.match(text.strip())
    if not match:
        raise InvalidInput(field, f"invalid time {text!r} (use HH:MM, 00:00 to 23:59)")
    return time(int(match.group(1)), int(match.group(2)))


def check_plan_date(day: date, field: str = "date") -> date:
    """A date inside the range the plan can hold (FIRST_PLAN_DATE to LAST_PLAN_DATE)."""
    if not FIRST_PLAN_DATE <= day <= LAST_PLAN_DATE:
        raise InvalidInput(
            field, f"dates must be from {FIRST_PLAN_DATE} to {LAST_PLAN_DATE}, not {day}"
        )
    return day


def parse_date(text: str, field: str = "date") -> date:
    """'2027-03-17' -> date; impossible dates (2027-02-30) and dates outside the range a plan
    can hold (0001-01-01, 9999-12-31) are refused."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(field, f"invalid date {text!r} (use YYYY-MM-DD)") from exc
    return check_plan_date(day, field)


def parse_local_datetime(text: str, field: str = "to") -> tuple[date, time]:
    """'2027-03-02 18:00' -> (date, time): a wall-clock time, given a zone later."""
    day_text, _, time_text = text.strip().partition(" ")
    if not time_text.strip():
        raise InvalidInput(
            field, f"expected a local date and time like '2027-03-02 18:00', not {text!r}"
        )
    return parse_date(day_text, field), parse_hhmm(time_text, field)


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or InvalidInput that names it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        raise InvalidInput(
            "zone", f"unknown time zone {name!r} (use an IANA name like Europe/London)"
        ) from exc


def parse_zone(text: str) -> str:
    name = text.strip()
    zone(name)
    return name


def clean_name(text: str) -> str:
    """An athlete's name on one line, spaces folded."""
    name = " ".join(str(text).split())
    if not name:
        raise InvalidInput("name", "the athlete needs a name")
    if len(name) > MAX_NAME_LENGTH or any(ord(c) < 32 or 0xD800 <= ord(c) < 0xE000 for c in name):
        raise InvalidInput(
            "name", f"athlete names are one line of at most {MAX_NAME_LENGTH} characters"
        )
    return name


def clean_note(text: str) -> str:
    """A log note on one line (notes end up in tables and CSV cells)."""
    note = " ".join(str(text).split())
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput("note", f"the note is longer than {MAX_NOTE_LENGTH} characters")
    if any(0xD800 <= ord(c) < 0xE000 for c in note):
        raise InvalidInput("note", "the note is not valid text")
    return note


def check_date_order(start: date | None, until: date | None) -> None:
    if start and until and until < start:
        raise InvalidInput("until", f"the end {until} is before the start {start}")


def check_within(minutes: int) -> int:
    if not 1 <= minutes <= MAX_DUE_MINUTES:
        raise InvalidInput("within", f"must be 1 to {MAX_DUE_MINUTES} minutes, not {minutes}")
    return minutes


def check_alarm(minutes: int | None) -> int | None:
    if minutes is not None and not 0 <= minutes <= MAX_ALARM_MINUTES:
        raise InvalidInput(
            "alarm", f"a reminder must be 0 to {MAX_ALARM_MINUTES} minutes before, not {minutes}"
        )
    return minutes


def parse_server_url(text: str) -> str:
    """A CalDAV server's address: http(s), and never with a password in it (the address is kept
    in the settings file and typed where shells keep a history)."""
    url = str(text).strip()
    if not url.lower().startswith(("https://", "http://")) or len(url) < len("http://x"):
        raise InvalidInput("url", f"the server address must start with https:// (not {url!r})")
    if urlsplit(url).password is not None:
        raise InvalidInput(
            "url",
            "the address holds a password: give the user name on its own; the password comes"
            " from the environment, the keyring or a prompt, never the address",
        )
    return url
