"""The line of numbered steps above a multi-step form: done ones green, the current one lit."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

MARKS = "①②③④⑤⑥⑦⑧⑨"


class StepHeader(Widget):
    """' ① Athlete   ② Runs   ③ Block   ④ Preview ' with `current` the index of the lit step."""

    DEFAULT_CSS = """
    StepHeader {
        height: 1;
    }
    """

    current: reactive[int] = reactive(0)

    def __init__(self, titles: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.titles = titles

    def render(self) -> RenderResult:
        parts: list[tuple[str, str] | str] = []
        for i, (mark, title) in enumerate(zip(MARKS, self.titles, strict=False)):
            if i == self.current:
                style = "bold reverse $accent"
            elif i < self.current:
                style = "$text-success"
            else:
                style = "$text-muted"
            parts += [(f" {mark} {title} ", style), " "]
        return Content.assemble(*parts)
