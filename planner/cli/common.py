"""What every command module shares: the database, JSON output, usage errors."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from json.encoder import encode_basestring as _json_string  # the C escaper
from pathlib import Path
from typing import Any, TypeVar

from planner import settings
from planner.cli.lazy import storage
from planner.domain.errors import PlannerError
from planner.domain.model import PlanChange

T = TypeVar("T")


class UsageError(PlannerError):
    """Bad arguments: argparse's own, or flags that do not go together. Exits 2."""


def db_path(args: argparse.Namespace) -> Path | None:
    """--db wins over HIPPLAN_DB; None means the platform default."""
    if args.db is not None:
        return Path(args.db)
    return settings.db_override()


@contextlib.contextmanager
def open_repo(args: argparse.Namespace) -> Iterator[storage.FileStore]:
    """The repository at --db / HIPPLAN_DB / the platform default."""
    repo = storage.Repository.open(db_path(args))
    for note in repo.notes:  # stderr: a script reading stdout sees only what it asked for
        print(f"hipplan: {note}", file=sys.stderr)
    said = len(repo.notes)
    try:
        yield repo
    finally:
        for note in repo.notes[said:]:  # upkeep that failed after a change was stored
            print(f"hipplan: warning: {note}", file=sys.stderr)
        close = getattr(repo, "close", None)
        if close is not None:
            close()


def argtype(parse: Callable[[str], T]) -> Callable[[str], T]:
    """Wrap a domain parser for argparse: a bad value is then a usage error with its message."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except PlannerError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert


def print_json(data: Any) -> None:
    print(json_text(data))


def json_text(data: Any) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`, twice as fast on a year's plan.

    With an indent the standard library falls back to its pure-Python encoder; here the
    strings still go through its C escaper and the rest is joined once. Anything unusual (a
    key that is not a string, a float that is not finite) goes to the standard library.
    """
    out: list[str] = []
    try:
        _indented(data, out, "")
    except _Unusual:
        return json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(out)


class _Unusual(Exception):
    """A value the short encoder leaves to the standard library."""


def _indented(value: Any, out: list[str], indent: str) -> None:
    if isinstance(value, str):
        out.append(_json_string(value))
    elif value is None or value is True or value is False:
        out.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float) and math.isfinite(value):
        out.append(float.__repr__(value))
    elif isinstance(value, dict):
        _container(value.items(), "{}", out, indent)
    elif isinstance(value, list | tuple):
        _container(((None, item) for item in value), "[]", out, indent)
    else:
        raise _Unusual


def _container(
    items: Iterable[tuple[Any, Any]], brackets: str, out: list[str], indent: str
) -> None:
    inner = indent + "  "
    start = len(out)
    out.append(brackets[0] + "\n" + inner)
    for key, item in items:
        if len(out) > start + 1:
            out.append(",\n" + inner)
        if key is not None or brackets == "{}":
            if not isinstance(key, str):
                raise _Unusual
            out.append(_json_string(key) + ": ")
        _indented(item, out, inner)
    if len(out) == start + 1:  # empty: no line break inside
        out[start] = brackets
    else:
        out.append("\n" + indent + brackets[1])


def iso(value: datetime | date | None) -> str | None:
    """Times with their UTC offset to the second, dates as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def changes_json(change: PlanChange | None) -> list[dict[str, Any]]:
    """What a write changed in the plan, as `"plan_changes"`: empty when nothing did."""
    return [] if change is None else [{"week": change.week, "reason": change.reason}]


def print_change(change: PlanChange | None) -> None:
    if change is not None:
        print(f"plan changed from week {change.week}: {change.reason}")
