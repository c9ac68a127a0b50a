"""Terminal styling for the CLI's tables: ANSI colours by name, only where they belong."""

from __future__ import annotations

import sys

from planner import settings

_ANSI = {"green": "\033[32m", "yellow": "\033[33m", "red": "\033[31m"}
_RESET = "\033[0m"


def ansi(text: str, colour: str) -> str:
    return f"{_ANSI[colour]}{text}{_RESET}"


def use_colour() -> bool:
    """ANSI colours only for a terminal, and never when NO_COLOR is set (no-color.org)."""
    return sys.stdout.isatty() and not settings.no_colour()
