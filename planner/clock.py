"""An injectable "now", so tests, screenshots and demos can pin today.

`HIPPLAN_NOW` (ISO 8601 with offset, e.g. 2027-03-17T08:00:00+00:00) fixes the clock for a whole
process, which is how the CLI tests and screenshot script freeze time without monkeypatching.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

_override: Callable[[], datetime] | None = None


def now() -> datetime:
    """The current instant, always time-zone aware (UTC unless a fixed clock says otherwise)."""
    if _override is not None:
        return _override()
    fixed = os.environ.get("HIPPLAN_NOW")
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
