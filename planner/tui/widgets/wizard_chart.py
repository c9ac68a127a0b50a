"""A plan's shape at a glance: mobility minutes per week as horizontal bars, coloured by phase."""

from __future__ import annotations

from typing import Any

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from planner.domain.model import Phase, Plan

PHASE_STYLES: dict[Phase, str] = {
    "loosening": "$text-warning",
    "taper": "$text-primary",
    "maintenance": "$text-success",
}
EIGHTHS = " ▏▎▍▌▋▊▉"
BEFORE_STYLE = "$foreground 40%"  # the plan as it stands, behind the new one


class MinutesChart(Widget):
    """One row per week: a bar as long as the week's mobility minutes, the minutes, and the phase
    where it changes, so the front-loaded loosening weeks and the taper stand out.

    With `before` set (the plan as it stands), each row shows that week before and after."""

    DEFAULT_CSS = """
    MinutesChart {
        height: auto;
        width: 1fr;
    }
    """

    plan: reactive[Plan | None] = reactive(None, layout=True)
    before: reactive[Plan | None] = reactive(None, layout=True)

    LABEL = 6  # "wk 12 "
    TAIL = 22  # " 186 min  maintenance "
    BEFORE = 8  # " 250 → "

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        if self.plan is None:
            return 1
        return max(self.plan.weeks, self.before.weeks if self.before else 0)

    def render(self) -> RenderResult:
        plan = self.plan
        if plan is None:
            return Content("")
        if self.before is not None:
            return self._compare(self.before, plan)
        minutes = plan.weekly_minutes()
        tallest = max(minutes) or 1
        width = max(4, self.size.width - self.LABEL - self.TAIL)
        rows = [self._row(plan, week, minutes, tallest, width) for week in range(1, plan.weeks + 1)]
        return Content("\n").join(rows)

    def _compare(self, before: Plan, after: Plan) -> Content:
        """'wk 3  ████████ 250 → █████ 171 min  taper': each week as it stands and as it would be."""
        old, new = before.weekly_minutes(), after.weekly_minutes()
        tallest = max([*old, *new, 1])
        width = max(2, (self.size.width - self.LABEL - self.TAIL - self.BEFORE) // 2)
        rows = []
        for week in range(1, max(before.weeks, after.weeks) + 1):
            was = old[week - 1] if week <= before.weeks else None
            left = (bar(was / tallest * width) if was is not None else "").ljust(width)
            then = f" {was:>4} → " if was is not None else " " * 5 + "→ "
            if week > after.weeks:
                rows.append(Content.assemble(f"wk {week:<3}", (left, BEFORE_STYLE), then, "—"))
                continue
            row = self._row(after, week, new, tallest, width)
            rows.append(
                Content.assemble(row[: self.LABEL], (left, BEFORE_STYLE), then, row[self.LABEL :])
            )
        return Content("\n").join(rows)

    def _row(self, plan: Plan, week: int, minutes: list[int], tallest: int, width: int) -> Content:
        phase = plan.phase(week)
        new_phase = week == 1 or plan.phase(week - 1) != phase
        style = PHASE_STYLES[phase]
        return Content.assemble(
            (f"wk {week:<3}", "$text-muted"),
            (bar(minutes[week - 1] / tallest * width).ljust(width), style),
            f" {minutes[week - 1]:>4} min  ",
            (phase if new_phase else "", f"{style} bold"),
        )


def bar(length: float) -> str:
    """A horizontal bar in eighths of a cell: bar(2.5) == '██▌'."""
    whole = int(length)
    part = EIGHTHS[int((length - whole) * 8)]
    return "█" * whole + (part if part != " " else "")


def phase_summary(plan: Plan) -> Content:
    """'loosening wk 1–3 · taper wk 4–5 · maintenance wk 6–8', each in its phase colour."""
    spans: list[tuple[Phase, int, int]] = []
    for week in range(1, plan.weeks + 1):
        phase = plan.phase(week)
        if spans and spans[-1][0] == phase:
            spans[-1] = (phase, spans[-1][1], week)
        else:
            spans.append((phase, week, week))
    parts: list[Content] = []
    for phase, first, last in spans:
        weeks = f"wk {first}" if first == last else f"wk {first}–{last}"
        parts.append(Content.assemble((phase, PHASE_STYLES[phase]), f" {weeks}"))
    return Content(" · ").join(parts)
