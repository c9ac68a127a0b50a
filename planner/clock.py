"""An injectable "now", so tests, screenshots and demos can pin today.

`HIPPLAN_NOW` (ISO 8601 with offset, e.g. 2027-03-17T08:00:00+00:00) fixes the clock for a whole
process, which is how the CLI tests and screenshot script freeze time without monkeypatching.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import UTC, datetime

from planner import settings
from planner.domain.errors import PlannerError
from planner.domain.inputs import zone

_override: Callable[[], datetime] | None = None


def now() -> datetime:
    """The current instant, always time-zone aware (UTC unless a fixed clock says otherwise)."""
    if _override is not None:
        return _override()
    fixed = settings.fixed_now()
    if fixed:
        parsed = datetime.fromisoformat(fixed)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the clock (None restores the real one)."""
    global _override
    _override = clock


def freeze(instant: datetime) -> None:
    """Pin the clock to one aware instant."""
    if instant.tzinfo is None:
        raise ValueError("the frozen clock needs a time-zone aware datetime")
    set_clock(lambda: instant)


def local_zone_name() -> str:
    """This machine's IANA zone ($TZ, then /etc/localtime), or UTC when it cannot be told."""
    candidates = [settings.tz_name()]
    with contextlib.suppress(OSError):
        candidates.append(os.readlink("/etc/localtime").partition("zoneinfo/")[2])
    for name in candidates:
        if not name:
            continue
        with contextlib.suppress(PlannerError):
            zone(name)
            return name
    return "UTC"
