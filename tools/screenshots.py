"""`python -m tools.screenshots OUTDIR` (`make screenshots`): SVGs of every screen, and PNG
copies when `rsvg-convert` is installed.

The real app runs headless on demo data with the clock frozen at Wed 17 Mar 2027 07:00 London,
so the pictures (and the snapshot tests, which drive the app the same way) never change unless
the screens do.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot

from planner import clock
from planner.storage import Repository, copy_database
from planner.tui.screens.player import PlayerScreen
from tests.support.pilot import (
    FROZEN_NOW,
    SIZE,
    SMALL,
    demo_app,
    demo_repository,
    settle,
    week_made,
)

# How far into the session the player picture is taken: mid-way through a step.
PLAYER_SECONDS = 75

Prepare = Callable[[Pilot[None]], Awaitable[None]]


async def player_running(pilot: Pilot[None]) -> None:
    """Let the player count down for a while on the frozen clock."""
    screen = pilot.app.screen
    assert isinstance(screen, PlayerScreen), screen
    clock.freeze(FROZEN_NOW + timedelta(seconds=PLAYER_SECONDS))
    try:
        screen.tick()
    finally:
        clock.freeze(FROZEN_NOW)


async def quiet(pilot: Pilot[None]) -> None:
    """Clear the notifications a write left, so the picture shows the screen itself."""
    pilot.app.clear_notifications()


# From launch: the week after this one, its first run selected (Mon 22 Mar 06:30).
NEXT_WEEK_RUN = ("w", "right_square_bracket", "down")


# The check-in form filled in: scores, morning stiffness and pain during the run.
CHECKIN_TYPED = ("k", "3", "tab", "2", "tab", "5", "tab", "y", "e", "s", "tab", "6")


@dataclass(frozen=True)
class Shot:
    """One picture: the keys that lead to the screen from launch, and the terminal size."""

    name: str
    keys: tuple[str, ...] = ()
    size: tuple[int, int] = SIZE
    prepare: Prepare | None = None
    theme: str | None = None


def shots() -> list[Shot]:
    return [
        Shot("home"),
        Shot("home-80x24", size=SMALL),
        Shot("home-light", theme="textual-light"),
        Shot("week", ("w",)),
        Shot("week-80x24", ("w",), size=SMALL),
        Shot("week-light", ("w",), theme="textual-light"),
        Shot("session", ("w", "enter")),
        Shot("player", ("space",), prepare=player_running),
        Shot("player-80x24", ("space",), size=SMALL, prepare=player_running),
        Shot("adherence", ("a",)),
        Shot("adherence-80x24", ("a",), size=SMALL),
        Shot("squad", ("g",)),
        Shot("export", ("e",)),
        Shot("export-80x24", ("e",), size=SMALL),
        Shot("sync", ("e", "ctrl+s")),
        Shot("wizard", ("n",)),
        Shot("help", ("question_mark",)),
        Shot("week-skipped-run", (*NEXT_WEEK_RUN, "x", "y"), prepare=quiet),
        Shot("week-skipped-run-80x24", (*NEXT_WEEK_RUN, "x", "y"), size=SMALL, prepare=quiet),
        # Two days later is Wednesday, onto that day's run: refused, the reason in the dialog.
        Shot("run-move-refused", (*NEXT_WEEK_RUN, "m", "2", "enter")),
        Shot("athlete", ("i",)),
        Shot("athlete-80x24", ("i",), size=SMALL),
        Shot("new-block", ("b", "enter")),
        Shot("checkin-80x24", CHECKIN_TYPED, size=SMALL),
        Shot("outcomes", ("o",)),
        Shot("outcomes-80x24", ("o",), size=SMALL),
        # The next athlete, whose achilles pain rose twice: the physio warning.
        Shot("outcomes-light", ("c", "o"), theme="textual-light"),
    ]


async def drive(pilot: Pilot[None], shot: Shot) -> None:
    """From launch to the screen `shot` shows, settled and ready for its picture."""
    await settle(pilot)
    await week_made(pilot)
    for key in shot.keys:
        await pilot.press(key)
        await settle(pilot)
    if shot.prepare is not None:
        await shot.prepare(pilot)
        await settle(pilot)
    await pilot.pause()


async def take(repo: Repository, shot: Shot) -> str:
    app = demo_app(repo)
    if shot.theme:
        app.theme = shot.theme
    async with app.run_test(size=shot.size) as pilot:
        await drive(pilot, shot)
        return app.export_screenshot(title=f"hipplan · {shot.name}")


def preserve_spaces(svg: str) -> str:
    """Keep leading spaces in text runs: librsvg drops them otherwise and columns shift."""
    return svg.replace("<svg ", '<svg xml:space="preserve" ', 1)


def to_png(svg: Path, converter: str) -> Path:
    png = svg.with_suffix(".png")
    subprocess.run([converter, "--format", "png", "--output", str(png), str(svg)], check=True)
    return png


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tools.screenshots OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    # The machine's zone shows where a screen offers a default zone (the wizard): pin it to the
    # frozen clock's, so the pictures do not depend on where they were made.
    os.environ["TZ"] = str(FROZEN_NOW.tzinfo)
    time.tzset()
    converter = shutil.which("rsvg-convert")
    if converter is None:
        print("rsvg-convert not found: writing SVGs only (install librsvg2-bin for PNGs)")
    with tempfile.TemporaryDirectory() as folder:
        demo = demo_repository(Path(folder))
        try:
            for shot in shots():
                # Each picture on its own copy: some shots change the plan (a run skipped).
                copy = Path(folder) / f"{shot.name}.json"
                copy_database(demo.path, copy)
                repo = Repository.open(copy)
                svg = out / f"{shot.name}.svg"
                svg.write_text(preserve_spaces(asyncio.run(take(repo, shot))), encoding="utf-8")
                made = [svg] + ([to_png(svg, converter)] if converter else [])
                print("wrote " + ", ".join(str(p) for p in made))
        finally:
            clock.set_clock(None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
