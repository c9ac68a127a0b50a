"""Typed errors as the command line says them: one line, with the flag or command that helps.

The layers below name fields (`weeks`, `sitting_hours`); only here do those become flags, and
the parser says which: an option whose `dest` is the field, or the options of an argument group
titled after it (`athlete set`'s "changes"). A new flag needs no second edit here.
"""

from __future__ import annotations

import argparse
import functools
import shlex
from collections.abc import Iterator

from planner.domain.errors import AthleteExists, NoPlan, PlannerError, UnknownAthlete

# Words after a flag that alone would not say what it does to the refusal.
_AFTER_FLAG = {"force": " to replace it"}
_UNTITLED = frozenset({"positional arguments", "options", "optional arguments"})


def error_line(exc: PlannerError, parser: argparse.ArgumentParser | None = None) -> str:
    """The message, prefixed by its flag, or followed by the command that gets past it.

    `parser` is the one this run was parsed with (only the named command's group is registered
    in it); without one the whole command line is looked through."""
    message = str(exc)
    if isinstance(exc, UnknownAthlete):
        return f"{message} (see: hipplan athlete list)"
    if isinstance(exc, AthleteExists):
        return f"{message} (change it with: hipplan athlete set {shlex.quote(exc.name)})"
    if isinstance(exc, NoPlan):
        name = shlex.quote(exc.athlete)
        return f"{message} (build one with: hipplan plan build {name} --start DATE --weeks N)"
    flag = flag_for(exc.field, parser) if exc.field else None
    return f"{flag}{_AFTER_FLAG.get(exc.field or '', '')}: {message}" if flag else message


def flag_for(field: str, parser: argparse.ArgumentParser | None = None) -> str | None:
    """The flag (or flags, "--a, --b or --c") that set `field`; None for a positional one."""
    return field_flags(parser or _whole_parser()).get(field)


def field_flags(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Every field `parser` and its subcommands set by a flag: one walk, made only when an error
    names a field (once in a run; not kept, so the parsers of a test run are not either).

    The first command registered wins where two spell a field differently."""
    found: dict[str, str] = {}
    for each in _parsers(parser):
        for action in each._actions:
            if action.option_strings and action.dest != argparse.SUPPRESS:
                found.setdefault(action.dest, _long(action))
        for group in each._action_groups:
            flags = [_long(a) for a in group._group_actions if a.option_strings]
            if group.title and group.title not in _UNTITLED and flags:
                found.setdefault(group.title, _one_of(flags))
    return found


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser, then each subcommand's, depth first in the order they were registered."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share a parser
                yield from _parsers(sub)


def _long(action: argparse.Action) -> str:
    return max(action.option_strings, key=len)  # --output rather than -o


def _one_of(flags: list[str]) -> str:
    return flags[0] if len(flags) == 1 else f"{', '.join(flags[:-1])} or {flags[-1]}"


@functools.cache
def _whole_parser() -> argparse.ArgumentParser:
    from planner.cli import build_parser  # the package imports this module: only on call

    return build_parser()
