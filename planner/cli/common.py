"""Small helpers shared by the command modules."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, TypeVar

from planner.domain.errors import PlannerError

T = TypeVar("T")


@contextlib.contextmanager
def open_repo(args: argparse.Namespace) -> Iterator[Any]:
    """The repository at --db / HIPPLAN_DB / the platform default."""
    from planner.cli import db_path
    from planner.storage import Repository

    repo = Repository.open(db_path(args))
    try:
        yield repo
    finally:
        close = getattr(repo, "close", None)
        if close is not None:
            close()


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, not {value}")
    return value


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def argtype(parse: Callable[[str], T]) -> Callable[[str], T]:
    """Wrap a domain parser for argparse so its own message reaches the user."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except PlannerError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert


def command_group(subparsers: Any, name: str, help_text: str) -> Any:
    """The ACTION subparsers of `hipplan NAME`, made by the first command module that asks.

    Several modules add actions to one group (`runs add` here, `runs import` with the calendar).
    """
    parser = subparsers.choices.get(name)
    if parser is None:
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.actions = parser.add_subparsers(
            dest=f"{name}_command", metavar="ACTION", required=True
        )
    return parser.actions


def number(text: str, flag: str, kind: type[int] | type[float] = int) -> float:
    """`text` as an int or float, or an argparse error naming the flag."""
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{flag} needs a number, not {text!r}") from None


def tightness(text: str) -> int:
    """--tightness: a whole number 1 (supple) to 5 (very tight)."""
    value = int(number(text, "--tightness"))
    if not 1 <= value <= 5:
        raise argparse.ArgumentTypeError(f"tightness must be 1 to 5, not {value}")
    return value


def sitting_hours(text: str) -> float:
    """--sitting-hours: 0 to 24 hours a day."""
    value = number(text, "--sitting-hours", float)
    if not 0 <= value <= 24:
        raise argparse.ArgumentTypeError(f"sitting hours must be 0 to 24, not {value:g}")
    return float(value)


def lazy_import(name: str) -> ModuleType:
    """`name`, loaded on first attribute access.

    Command modules are all imported to build the parser, so each takes its services (and the
    plan engine, icalendar, TinyDB behind them) this way: `hipplan --help` or `athlete list`
    then loads only what it uses.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
