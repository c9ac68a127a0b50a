"""Running a job in a forked child, for tests of two processes at once."""

from __future__ import annotations

import os
from collections.abc import Callable


def in_child(job: Callable[[], object]) -> int:
    """Fork; the child runs `job` and exits 0 (1 if it raised); the parent gets the pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        job()
        code = 0
    finally:
        os._exit(code)
