"""Snapshot tests: every screen at 100x32 (and Home, the week, the player, the export dialog,
Adherence, Outcomes and the week with a skipped run at 80x24; a few in the light theme), plus a refused run move, on demo data with the
clock frozen, driven exactly as `make screenshots` drives them.

Update the baselines with `pytest tests/ui/test_snapshots.py --snapshot-update` and look at the
report before committing them. The wizard has its own snapshots in test_wizard.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from planner.storage import Repository
from tests.support.pilot import demo_app
from tools.screenshots import Shot, drive, shots

# Not snapshotted: the wizard (its own tests cover it) and the export dialog, whose dimmed Home
# underneath Textual sometimes encodes with blank runs split at other columns (same picture,
# different SVG text, so the comparison is flaky); Pilot flows cover the dialog instead. The sync
# dialog has its own snapshots in test_sync.py, with fields filled in.
UNSTABLE_OR_ELSEWHERE = {"wizard", "export", "sync"}
SHOTS = [shot for shot in shots() if shot.name not in UNSTABLE_OR_ELSEWHERE]


@pytest.mark.parametrize("shot", SHOTS, ids=[shot.name for shot in SHOTS])
def test_screen(shot: Shot, demo_repo: Repository, snap_compare: Callable[..., bool]) -> None:
    async def to_screen(pilot: Pilot[None]) -> None:
        await drive(pilot, shot)

    app = demo_app(demo_repo)
    if shot.theme:
        app.theme = shot.theme
    assert snap_compare(app, terminal_size=shot.size, run_before=to_screen)
