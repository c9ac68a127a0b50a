"""Home's outcome lines under the block: the physio warning, the re-assessment suggestion and
the weekly check-in when it is due. The full words are on the outcomes screen (o)."""

from __future__ import annotations

from textual.content import Content

from planner.domain.outcomes import OutcomeWarning
from planner.tui.state import AthleteDetail


def outcome_notes(detail: AthleteDetail) -> Content:
    """One line per thing to act on, the most urgent first; empty when there is nothing."""
    found = detail.outcomes
    warned = found.warnings if found else []
    lines = [warning_line(w) for w in warned if w.kind == "physio"]
    lines += [warning_line(w) for w in warned if w.kind == "reassess"]
    if detail.checkin_due:
        lines.append(
            Content.assemble(
                ("Check-in due this week: ", "bold $text-accent"), "k (calf, achilles, hip)"
            )
        )
    return Content("\n").join(lines)


def warning_line(warning: OutcomeWarning) -> Content:
    """The warning's reason with what to do, and the key that goes further."""
    reason = warning.reason  # the advice is on the outcomes screen
    if warning.kind == "physio":
        return Content.assemble(
            ("⚠ See a physio and ease the running: ", "bold $text-error"),
            (reason, "$text-error"),
            " · o for more",
        )
    return Content.assemble(
        ("Re-assess the tightness: ", "bold $text-warning"),
        reason,
        " · i for the self-test",
    )
