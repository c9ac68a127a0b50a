"""The keys that act on a selected session, shared by Home, Week and the session detail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.model import LogStatus, Session

if TYPE_CHECKING:
    from planner.tui.app import HipplanApp


class SessionActions:
    """d/p/s log the screen's selected session, space plays it, m moves it.

    Mixed into a Screen that has a `session` (the selection, or None) and a `hipplan` (the app).
    """

    if TYPE_CHECKING:

        @property
        def session(self) -> Session | None: ...

        @property
        def hipplan(self) -> HipplanApp: ...

    def action_log(self, status: LogStatus) -> None:
        if self.session is not None:
            self.hipplan.ask_and_log(self.session, status)

    def action_play(self) -> None:
        if self.session is not None:
            self.hipplan.play(self.session)

    def action_move(self) -> None:
        if self.session is not None:
            self.hipplan.move(self.session)
