"""Where each athlete's calendar lives: `sync.toml` in the platform config dir.

One table per athlete (by the case-folded name) with the server URL, the user, the calendar the
plan goes to, the calendar runs come from and the word that marks a run there, so the second
`hipplan sync NAME` needs no flags.
Never a password: that comes from the environment, the system keyring or a prompt.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from planner import settings as app_settings
from planner.domain.errors import PlannerError
from planner.fsutil import atomic_write

FILE_NAME = "sync.toml"
_KEYS = ("url", "user", "calendar", "runs_calendar", "match", "tasks", "events", "alarm")
_SQUAD_KEYS = ("url", "user")
SQUAD = "squad"  # the coach's table: the server and user every athlete shares unless their own


@dataclass(frozen=True)
class SyncSettings:
    url: str | None = None
    user: str | None = None
    calendar: str | None = None  # None: the athlete's own, "Hip mobility – NAME"
    runs_calendar: str | None = None  # None: no runs are pulled
    match: str | None = None  # what marks a run there; None: the importer's default
    tasks: str | None = None  # the task list sessions also go to as tasks; None: no tasks
    events: str | None = None  # "off": no events (tasks only); None or "on": events
    alarm: str | None = None  # minutes before each session for a reminder; None: no reminder

    def merged(self, **given: str | None) -> SyncSettings:
        """These settings with every value given (not None) taking the place of the stored one."""
        return replace(self, **{k: v for k, v in given.items() if v is not None})


def settings_path() -> Path:
    """`$XDG_CONFIG_HOME/hipplan/sync.toml` on Linux, the platform's equivalent elsewhere."""
    return app_settings.config_dir() / FILE_NAME


def load(athlete_key: str, path: Path | None = None) -> SyncSettings:
    """The athlete's settings, the squad's server and user where the athlete has none."""
    tables = _read(path or settings_path())
    table = {**tables.get(SQUAD, {}), **tables.get(athlete_key, {})}
    return SyncSettings(**{k: str(table[k]) for k in _KEYS if k in table})


def athletes_with_settings(path: Path | None = None) -> tuple[list[str], bool]:
    """The keys of athletes with a table of their own, and whether the squad has a server and
    user (then every athlete can be synced)."""
    tables = _read(path or settings_path())
    squad = tables.get(SQUAD, {})
    return sorted(k for k in tables if k != SQUAD), all(squad.get(k) for k in _SQUAD_KEYS)


def save(athlete_key: str, settings: SyncSettings, path: Path | None = None) -> Path:
    """Store one athlete's settings, keeping everyone else's; written atomically, owner only.

    The first server and user saved become the squad's, so the coach types them once; an
    athlete keeps their own only where they differ from the squad's.
    """
    path = path or settings_path()
    tables = _read(path)
    squad = tables.setdefault(SQUAD, {})
    if not all(squad.get(k) for k in _SQUAD_KEYS) and settings.url and settings.user:
        tables[SQUAD] = squad = {"url": settings.url, "user": settings.user}
    tables[athlete_key] = {
        f.name: getattr(settings, f.name)
        for f in fields(settings)
        if getattr(settings, f.name) is not None
        and not (f.name in _SQUAD_KEYS and squad.get(f.name) == getattr(settings, f.name))
    }
    if not squad:
        del tables[SQUAD]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, _dump(tables).encode(), mode=0o600)
    return path


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PlannerError(f"{path}: not a valid settings file ({exc})") from None
    athletes = data.get("athletes", {})
    if not isinstance(athletes, dict):
        raise PlannerError(f"{path}: [athletes] must be a table")
    tables = {str(k): dict(v) for k, v in athletes.items() if isinstance(v, dict)}
    squad = data.get(SQUAD)
    if isinstance(squad, dict):
        tables[SQUAD] = dict(squad)
    return tables


def _dump(tables: dict[str, dict[str, object]]) -> str:
    # JSON strings are valid TOML basic strings, which saves a TOML writer dependency.
    lines = [
        "# hipplan sync settings, one table per athlete. No passwords here: they come from",
        "# HIPPLAN_CALDAV_PASSWORD, the system keyring or a prompt.",
    ]
    for key in sorted(tables, key=lambda k: (k != SQUAD, k)):
        lines += ["", f"[{SQUAD}]" if key == SQUAD else f"[athletes.{_string(key)}]"]
        for name in _KEYS:
            value = tables[key].get(name)
            if value is not None:
                lines.append(f"{name} = {_string(str(value))}")
    return "\n".join(lines) + "\n"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
