"""`python -m radicale`, with its fsync after every write turned off.

The test server lives for one test run in a temp folder, so waiting for the disk on each PUT
(about 7 ms here, several per request) buys nothing. Radicale accepts options that start with
"_" only from code, which is what its own test suite does; this module sets the one option and
then runs Radicale's usual entry point, arguments and signal handling included.
"""

from __future__ import annotations

from typing import Any

from radicale import config
from radicale.__main__ import run

_load = config.load


def _load_without_fsync(*args: Any, **kwargs: Any) -> config.Configuration:
    configuration = _load(*args, **kwargs)
    configuration.update({"storage": {"_filesystem_fsync": "False"}}, "tests", privileged=True)
    return configuration


config.load = _load_without_fsync

if __name__ == "__main__":
    run()
