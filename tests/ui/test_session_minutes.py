"""The session view, the player and the calendar event give a session the same length; the view
and the player show every exercise's full instructions and when to stop; the player says what
stopping will log; a session without a run says why it is there."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from icalendar import Calendar
from textual.widgets import Label, Static

from planner import clock
from planner.calendar.export import SESSION_ID_PROPERTY, export_calendar
from planner.domain.model import KIND_LABELS, KIND_REASONS, Session
from planner.domain.safety import STOP_SIGNS
from planner.storage import Repository
from planner.tui.app import HipplanApp
from planner.tui.screens.player import PlayerScreen
from planner.tui.screens.session import SessionScreen
from planner.tui.widgets.topbar import TopBar
from tests.support.pilot import FROZEN_NOW, SIZE, Keys, settle
from tests.ui.helpers import log_of


class NoHistory:
    revisions: Mapping[str, int] = {}
    cancelled: Sequence[Session] = ()
    updated_at: datetime | None = None


def title_minutes(screen: object) -> int:
    assert isinstance(screen, SessionScreen | PlayerScreen)
    title = str(screen.query_one(TopBar).query_one("#topbar-title", Label).render())
    found = re.search(r"(\d+) min", title)
    assert found, title
    return int(found.group(1))


def event_minutes(app: HipplanApp, session: Session) -> tuple[int, str]:
    assert app.detail is not None and app.detail.plan is not None
    exported = export_calendar(app.detail.plan, "ana", NoHistory(), KIND_LABELS)
    for event in Calendar.from_ical(exported.data).walk("VEVENT"):
        if str(event.get(SESSION_ID_PROPERTY)) == session.id:
            length = event.decoded("dtend") - event.decoded("dtstart")
            return round(length.total_seconds() / 60), str(event.get("summary"))
    raise AssertionError(f"no event for {session.id}")


async def test_session_view_player_and_calendar_agree_on_the_length(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        keys = Keys(pilot)
        await settle(pilot)
        assert demo.detail is not None
        session = demo.detail.next_open_session()
        assert session is not None
        await demo.push_screen(SessionScreen(session.id))
        await settle(pilot)
        view = demo.screen
        assert isinstance(view, SessionScreen)
        in_view = title_minutes(view)
        shown = "\n".join(str(s.render()) for s in view.query(Static))
        assert all(sign in shown for sign in STOP_SIGNS)
        for p in session.exercises:
            assert all(line in shown for line in p.instructions.lines())

        await keys.press("space")
        player = demo.screen
        assert isinstance(player, PlayerScreen)
        in_player = title_minutes(player)
        played = math.ceil(player.routine.total / 60)
        cue = str(player.query_one("#step-how", Static).render())
        assert all(line in cue for line in session.exercises[0].instructions.lines())
        safety = str(player.query_one("#player-safety", Static).render())
        assert all(sign in safety for sign in STOP_SIGNS)

        in_calendar, summary = event_minutes(demo, session)
        assert in_view == in_player == played == in_calendar == session.minutes
        assert f"({session.minutes} min)" in summary


async def test_the_player_says_what_stopping_will_log(
    demo: HipplanApp, demo_repo: Repository
) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.detail is not None
        session = demo.detail.next_open_session()
        assert session is not None
        await pilot.press("space")
        await settle(pilot)
        player = demo.screen
        assert isinstance(player, PlayerScreen)
        hint = player.query_one("#stop-hint", Static)
        assert str(hint.render()) == "q: stop (nothing logged before 30 s of work)"

        clock.freeze(FROZEN_NOW + timedelta(seconds=170))
        player.tick()
        said = f"q: stop and log 3 of {session.minutes} min as partial"
        assert str(hint.render()) == said

        await pilot.press("q")
        await settle(pilot)
        entry = log_of(demo_repo, session.id)
        assert entry is not None and (entry.status, entry.minutes) == ("partial", 3)


async def test_a_session_without_a_run_says_why_it_is_there(demo: HipplanApp) -> None:
    async with demo.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo.detail is not None and demo.detail.plan is not None
        extra = next(s for s in demo.detail.plan.sessions if s.kind == "maintenance")
        await demo.push_screen(SessionScreen(extra.id))
        await settle(pilot)
        status = str(demo.screen.query_one("#session-status", Static).render())
        assert KIND_REASONS["maintenance"][1:] in status
        assert extra.note[1:] in status
