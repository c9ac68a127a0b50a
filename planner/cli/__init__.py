"""The `hipplan` command line. Commands live in small modules that each register their parsers.

Textual is imported only when the TUI opens, so every other command starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from planner import __version__, settings
from planner.cli.common import UsageError, db_path
from planner.cli.errors import error_line
from planner.domain.errors import PlannerError

# One module per command group; each has `register(subparsers)`, and its parsers set
# `func(args) -> int`. A new command is a new module listed here.
COMMAND_MODULES = (
    "planner.cli.athlete",
    "planner.cli.runs",
    "planner.cli.plan",
    "planner.cli.log",
    "planner.cli.adherence",
    "planner.cli.export",
    "planner.cli.due",
    "planner.cli.db",
    "planner.cli.checkin",
    "planner.cli.outcomes",
    "planner.cli.sync",
    "planner.cli.squad",
    "planner.cli.demo",
    "planner.cli.activities",
)

__all__ = ["COMMAND_MODULES", "UsageError", "build_parser", "db_path", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog.removeprefix('hipplan').strip() or 'usage'}: {message}")


def _database_path(text: str) -> Path:
    """--db PATH: an empty path would name the current folder, so it is refused as a value."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the database path is empty")
    return Path(text)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `command` only that command's module (the others then
    cost no import: `plan show` does not load the modules of `outcomes` or `athlete assess`)."""
    parser = _Parser(
        prog="hipplan",
        description="Hip-mobility plans around your runs: build, export, log, adapt.",
    )
    parser.add_argument("--version", action="version", version=f"hipplan {__version__}")
    parser.add_argument(
        "--db",
        type=_database_path,
        default=None,
        metavar="PATH",
        help="database file (default: $HIPPLAN_DB or the platform data dir)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = f"planner.cli.{command}"
    for module_name in [chosen] if chosen in COMMAND_MODULES else COMMAND_MODULES:
        import_module(module_name).register(subparsers)
    return parser


def _command_named(argv: Sequence[str]) -> str | None:
    """The command the arguments name (each module is named after its command), or None when
    the whole parser is needed: no command, --help or --version, or a word that is no command."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif word in ("-h", "--help", "--version") or word == "--":
            return None
        elif not word.startswith("-"):
            return word
    return None


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parse_args, but an unknown flag is reported against the command it was given to."""
    args, extras = parser.parse_known_args(argv)
    if extras:
        command = args.command or ""
        action = getattr(args, f"{command}_command", None)  # the group's dest, e.g. plan_command
        where = " ".join(part for part in (command, action) if part) or "usage"
        raise UsageError(f"{where}: unrecognized arguments: {' '.join(extras)}")
    return args


def _open_tui(args: argparse.Namespace) -> int:
    from planner.tui.app import run_app  # lazy: only the TUI pays for importing Textual

    return int(run_app(db_path(args)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = None
    try:
        words = sys.argv[1:] if argv is None else argv
        parser = build_parser(_command_named(words))
        args = _parse(parser, words)
        handler = getattr(args, "func", None)
        return int(handler(args)) if handler else _open_tui(args)
    except UsageError as exc:
        return _fail(str(exc), code=2)
    except PlannerError as exc:
        return _fail(error_line(exc, parser))
    except KeyboardInterrupt:
        return _fail("interrupted", code=130)
    except BrokenPipeError:
        # The reader went away (`hipplan plan show | head`): nothing left worth saying.
        sys.stderr.close()
        return 0
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        return _fail(f"{exc.strerror or exc}{where}")
    except Exception as exc:  # a bug must still not print a traceback at the user
        if settings.debug():
            raise
        return _fail(
            f"internal error: {type(exc).__name__}: {exc} (set HIPPLAN_DEBUG=1 for details)"
        )


def _fail(message: str, code: int = 1) -> int:
    first_line = message.strip().splitlines()[0] if message.strip() else "failed"
    print(f"hipplan: error: {first_line}", file=sys.stderr)
    return code
