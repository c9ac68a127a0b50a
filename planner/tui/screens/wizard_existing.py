"""The plan wizard for an athlete already stored.

`ExistingAthleteWizard` gives an athlete without a plan their first one: the athlete step is
done (their stored figures), the runs step shows their stored runs and may add a weekly rule or
a calendar. `NewBlockWizard` starts a new block for an athlete with a plan: only the block and
preview steps, the preview showing each week's minutes before and after.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import TYPE_CHECKING

from textual.widgets import Input, Label, Select, Static
from textual.widgets.select import InvalidSelectValueError

from planner import clock
from planner.domain.inputs import WEEKDAYS
from planner.domain.model import Plan
from planner.services import onboarding, plans
from planner.services.onboarding import Draft, Preview
from planner.tui.labels import rule_words
from planner.tui.screens import ScreenSpec
from planner.tui.screens.wizard import PlanWizard, next_monday
from planner.tui.widgets.wizard_chart import MinutesChart
from planner.tui.widgets.wizard_preview import PlanPreview

if TYPE_CHECKING:
    from planner.storage import Store
    from planner.tui.app import HipplanApp
    from planner.tui.state import AthleteDetail


def stored_runs(detail: AthleteDetail) -> str:
    """The runs the athlete has, in one line: weekly rules and imported calendars."""
    parts = [rule_words(r) for r in detail.rules]
    parts += [f"{source} ({count} runs)" for source, count in detail.calendars]
    return "; ".join(parts)


class ExistingAthleteWizard(PlanWizard):
    """A first plan for an athlete already stored; dismisses with their name once saved."""

    @classmethod
    def open_in(cls, app: HipplanApp, spec: ScreenSpec) -> None:
        """The wizard for the selected athlete: their first plan, or a new block."""
        detail = app.chosen
        wizard = NewBlockWizard if detail.plan else ExistingAthleteWizard
        app.push_screen(wizard(detail), app.wizard_closed)

    TITLE_TEXT = "Plan for an athlete"

    def __init__(self, detail: AthleteDetail) -> None:
        super().__init__()
        self.stored = detail
        self._athlete = detail.athlete
        self.first_step = 1
        self.TITLE_TEXT = f"Plan for {detail.athlete.name}"

    def on_mount(self) -> None:
        # runs before PlanWizard.on_mount, which shows the first step
        self.query_one("#name", Input).value = self.stored.athlete.name
        stored = stored_runs(self.stored)
        if self.stored.rules:
            rule = self.stored.rules[0]
            self.query_one("#days", Input).value = ",".join(WEEKDAYS[d] for d in rule.days)
            self.query_one("#time", Input).value = f"{rule.at:%H:%M}"
            self.query_one("#minutes", Input).value = str(rule.minutes)
        intro = self.query_one("#runs .intro", Static)
        if stored:
            intro.update(
                f"Stored runs: {stored}.\nThe plan goes around them; the fields below may add a"
                " weekly run (the same one again adds nothing)."
            )

    def _run_days(self, text: str) -> tuple[int, ...] | None:
        if not text.strip() and (self.stored.rules or self.stored.calendars):
            return None  # the stored runs are enough
        return super()._run_days(text)

    def _make_preview(self, repo: Store, draft: Draft) -> Preview:
        return onboarding.preview_existing(repo, draft)

    def _store(self, repo: Store, preview: Preview) -> Plan:
        return onboarding.save_existing(repo, preview)


class NewBlockWizard(ExistingAthleteWizard):
    """A new block around the stored runs, previewed week by week against the current one."""

    def __init__(self, detail: AthleteDetail) -> None:
        super().__init__(detail)
        self.first_step = 2
        self.TITLE_TEXT = f"New block for {detail.athlete.name}"

    def on_mount(self) -> None:
        athlete, current = self.stored.athlete, self.stored.plan
        start = next_monday(clock.now(), athlete.zone)
        if current is not None:
            start = max(start, current.end)  # after the current block, unless it is over
            with contextlib.suppress(InvalidSelectValueError):  # a template gone since
                self.query_one("#template", Select).value = current.template
            self.query_one("#weeks", Input).value = str(current.weeks)
        self.query_one("#start", Input).value = start.isoformat()

    def _make_preview(self, repo: Store, draft: Draft) -> Preview:
        plan = plans.preview_plan(repo, draft.athlete, draft.start, draft.weeks, draft.template)
        return Preview(draft, plan)

    def _store(self, repo: Store, preview: Preview) -> Plan:
        draft = preview.draft
        return plans.build_plan(
            repo, draft.athlete.name, draft.start, draft.weeks, template_id=draft.template
        )

    def _show_preview(self, preview: Preview) -> None:
        super()._show_preview(preview)
        self.query_one(MinutesChart).before = self.stored.plan
        if self.stored.plan is not None:
            until = self.stored.plan.end - timedelta(days=1)
            self.query_one(PlanPreview).query_one(".chart-title", Label).update(
                f"Mobility minutes per week: this block (to {until:%d %b}) → the new one"
            )
