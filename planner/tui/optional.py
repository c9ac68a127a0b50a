"""Screens that ship in separate modules (wizard, adherence, export) are looked up lazily.

The shell must open even when one of them is missing or broken in a build, so a failed import
turns into a warning for the person rather than a crash at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from textual.screen import Screen


def optional_screen(module: str, class_name: str, *args: Any) -> Screen[Any] | None:
    """An instance of `module.class_name(*args)`, or None when that screen is not available."""
    try:
        screen_class = getattr(import_module(module), class_name)
    except (ImportError, AttributeError):
        return None
    screen: Screen[Any] = screen_class(*args)
    return screen
