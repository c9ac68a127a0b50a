"""The wizard's last step: what the draft gives, before anything is stored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Label, Static

from planner.domain.model import Plan, Sport
from planner.services.onboarding import Draft, Preview
from planner.tui.widgets.wizard_chart import MinutesChart, phase_summary

SPORT_WORDS: dict[Sport, str] = {"run": "running", "triathlon": "triathlon"}


class PlanPreview(VerticalScroll):
    """The athlete and block in two lines, the phases, minutes per week as bars, the counts of
    sessions, and what the calendar import skipped."""

    def compose(self) -> Iterator[Widget]:
        yield Static(id="preview-summary")
        yield Static(id="preview-phases")
        yield Label("Mobility minutes per week", classes="chart-title")
        yield MinutesChart(id="chart")
        yield Static(id="preview-counts")
        yield Static(id="preview-notices", classes="hint")

    def show(self, preview: Preview) -> None:
        plan = preview.plan
        self.query_one("#preview-summary", Static).update(draft_summary(preview.draft))
        self.query_one("#preview-phases", Static).update(phase_summary(plan))
        self.query_one(MinutesChart).plan = plan
        self.query_one("#preview-counts", Static).update(session_counts(plan))
        notes = [f"note: {n}" for n in preview.notices]
        if not plan.runs:
            notes.insert(0, "No runs in this block: only loosening and extra sessions.")
        notices = self.query_one("#preview-notices", Static)
        notices.update("\n".join(notes))
        notices.display = bool(notes)


def session_counts(plan: Plan) -> str:
    kinds = Counter(s.kind for s in plan.sessions)
    minutes = sum(plan.weekly_minutes())
    return (
        f"{len(plan.runs)} runs · {kinds['pre-run']} warm-ups · {kinds['post-run']} cool-downs"
        f" · {kinds['loosening']} loosening · {kinds['maintenance']} extra"
        f" · {minutes} min"
    )


def draft_summary(draft: Draft) -> str:
    athlete = draft.athlete
    return (
        f"{athlete.name} · tightness {athlete.tightness} · {SPORT_WORDS[athlete.sport]}"
        f" · {athlete.tz}\n"
        f"{draft.weeks} weeks from {draft.start:%a %d %b %Y} · template {draft.template}"
    )
