"""Where hipplan's settings come from: the environment and the platform's folders, read here only.

Every module asks this one for a setting, so the CLI, the TUI and code calling the services see
the same database, clock and plans. Each value is read when asked (not at import), so a process
that changes its environment (a test, a script) is followed.

| variable | what |
|---|---|
| `HIPPLAN_DB` | the database's index file (`--db` wins over it) |
| `HIPPLAN_NOW` | a fixed "now", ISO 8601 with offset (`planner.clock`) |
| `HIPPLAN_PLANS` | a folder searched first for `exercises.toml`, `templates/`, `selftest.toml` |
| `HIPPLAN_CALDAV_PASSWORD` | the CalDAV password (`planner.sync.secrets`) |
| `HIPPLAN_DEBUG` | a bug's traceback instead of its one line |
| `NO_COLOR`, `TZ` | no colours (no-color.org); this machine's zone |
"""

from __future__ import annotations

import os
from pathlib import Path

# platformdirs is imported where a folder is asked for: every command imports this module, and
# `hipplan --help` needs no folder.

APP = "hipplan"
DB_FILENAME = "hipplan.json"


def _env(name: str) -> str | None:
    """The variable's value; unset and empty are the same (no setting)."""
    return os.environ.get(name) or None


def db_override() -> Path | None:
    """The database `HIPPLAN_DB` names, if it names one."""
    value = _env("HIPPLAN_DB")
    return Path(value) if value else None


def data_dir() -> Path:
    """The platform's user data dir (e.g. ~/.local/share/hipplan on Linux)."""
    from platformdirs import user_data_path

    return Path(user_data_path(APP, appauthor=False))


def config_dir() -> Path:
    """The platform's user config dir (e.g. ~/.config/hipplan on Linux)."""
    from platformdirs import user_config_path

    return Path(user_config_path(APP, appauthor=False))


def plans_config_dir() -> Path:
    """Where a coach's own plans live. Named as it always was, with the app as author too (the
    same folder as `config_dir` except on Windows), so plans copied there stay found."""
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP))


def default_db_path() -> Path:
    """The database in the platform's data dir."""
    return data_dir() / DB_FILENAME


def db_path() -> Path:
    """The database to open when none is named: `HIPPLAN_DB`, else the platform default."""
    return db_override() or default_db_path()


def fixed_now() -> str | None:
    """`HIPPLAN_NOW` as written (the clock parses it)."""
    return _env("HIPPLAN_NOW")


def plans_override() -> Path | None:
    """The folder `HIPPLAN_PLANS` names, `~` expanded."""
    value = _env("HIPPLAN_PLANS")
    return Path(value).expanduser() if value else None


def caldav_password() -> str | None:
    """`HIPPLAN_CALDAV_PASSWORD`, if set."""
    return _env("HIPPLAN_CALDAV_PASSWORD")


def debug() -> bool:
    """`HIPPLAN_DEBUG` set: let a bug's traceback through."""
    return _env("HIPPLAN_DEBUG") is not None


def no_colour() -> bool:
    """`NO_COLOR` set (no-color.org)."""
    return _env("NO_COLOR") is not None


def tz_name() -> str:
    """`$TZ` without the leading colon of the "read this file" form; empty when unset."""
    return (_env("TZ") or "").lstrip(":")
