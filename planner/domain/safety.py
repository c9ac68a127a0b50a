"""When mobility work must stop and a physio or doctor look: the one home of the stop signs.

docs/coaching.md (Safety) asks for them in every session wherever the athlete reads it: the
calendar event and the phone task (`calendar.export`), `plan show` (text and JSON), the session
view and the player. Every one of those takes the words from here.
"""

from __future__ import annotations

STOP_SIGNS = (
    "sharp or shooting pain",
    "pain that is still there after the session",
    "achilles pain and stiffness first thing in the morning that keeps coming back",
    "swelling",
)
STOP_ADVICE = (
    "Mild tension, never pain. Stop and see a physio or doctor for "
    + ", ".join(STOP_SIGNS[:-1])
    + f" or {STOP_SIGNS[-1]}."
)
