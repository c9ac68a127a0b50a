"""Home's outcome lines under the block: the weekly check-in when it is due."""

from __future__ import annotations

from textual.content import Content

from planner.tui.state import AthleteDetail


def outcome_notes(detail: AthleteDetail) -> Content:
    """One line per thing to act on; empty when there is nothing."""
    lines: list[Content] = []
    if detail.checkin_due:
        lines.append(
            Content.assemble(
                ("Check-in due this week: ", "bold $text-accent"),
                "k (calf, achilles, hip)",
            )
        )
    return Content("\n").join(lines)
