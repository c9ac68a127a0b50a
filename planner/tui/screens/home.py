"""Home: every athlete, and for the selected one today's sessions and how the block is going.

Today's first open session is highlighted on arrival, so logging it is one key (`d`) and starting
it in the player is one key (space).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from planner.domain.model import Session
from planner.tui import screens
from planner.tui.labels import loading_words, run_title
from planner.tui.messages import AthleteSelected, OpenSession, OpenWeek
from planner.tui.screens.base import SessionActions, cannot, session_fallbacks
from planner.tui.screens.home_notes import outcome_notes
from planner.tui.state import AthleteDetail, Board
from planner.tui.widgets.bars import WeekBars
from planner.tui.widgets.footer import HipplanFooter
from planner.tui.widgets.lists import AgendaList, AthleteList
from planner.tui.widgets.topbar import TopBar

NARROW_BELOW = 90  # columns; below it the athletes column slims down
# Seconds after Home's first frame with a plan before the week screen is made out of sight:
# a person reads Home for longer than this before pressing w.
PREPARE_WEEK_AFTER = 0.5
# Seconds Home waits for the selected athlete's detail before drawing its panels without it
# ("Loading …"). Read within this, Home is laid out and drawn once, with the data, instead of
# an empty frame replaced a moment later.
REVEAL_WITHIN = 0.25


class HomeScreen(SessionActions):
    # Its styles, home.tcss, are the app's (`HipplanApp.CSS_PATH`): Home is the first screen.
    BINDINGS: ClassVar[list[BindingType]] = [
        screens.spec("week").binding("home"),
        Binding("space", "play", "Play", id="home.play", tooltip="Start the session, guided"),
        Binding("d", "log('done')", "Done", id="home.done", tooltip="Log the session as done"),
        Binding("p", "log('partial')", "Partial", id="home.partial", tooltip="Log it partly done"),
        Binding("s", "log('skipped')", "Skip", id="home.skip", tooltip="Log it as skipped"),
        Binding(
            "u",
            "undo",
            "Undo",
            id="home.undo",
            tooltip="Take the session's log back: it is open again",
            show=False,
        ),
        Binding(
            "m",
            "move",
            "Move",
            id="home.move",
            tooltip="Move it to another time or day",
        ),
        *screens.openers("home", skip=("week", "help")),
        Binding(
            "c", "next_athlete", "Next athlete", id="home.athlete", tooltip="Show the next athlete"
        ),
        Binding("q", "app.quit", "Quit", id="home.quit", tooltip="Leave hipplan", show=False),
        # Pressed when they cannot act, these keys say why (see SessionActions).
        *(cannot(s.key, "open", s.name) for s in screens.specs() if s.key and s.needs != "nothing"),
        *session_fallbacks(),
    ]
    # Left out of the footer, in this order, while it does not fit; the keys still work. Next
    # athlete goes last: the athlete list beside it is on screen (at 80 columns ?Help then fits).
    FOOTER_SPARE: ClassVar[tuple[str, ...]] = (
        "move",
        "log('partial')",
        "app.open('export')",
        "next_athlete",
    )

    _enabled: tuple[bool, bool, bool, bool] | None = None
    _week_prepared = False
    _revealed = False
    _reveal_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Horizontal(id="home-body"):
            with Vertical(id="athletes-panel", classes="panel") as panel:
                panel.border_title = "Athletes"
                yield AthleteList(id="athletes")
            with Vertical(id="main-panel"):
                with Vertical(id="today-panel", classes="panel") as today:
                    today.border_title = "Today"
                    yield AgendaList(id="today")
                    yield Static(id="today-empty", markup=False)
                    yield Static(id="next-up", markup=False)
                with Vertical(id="block-panel", classes="panel") as block:
                    block.border_title = "This block"
                    yield WeekBars(id="bars")
                    yield Static(id="block-notes")
                    yield Static(id="outcome-notes")
        yield Static(id="welcome")
        yield HipplanFooter()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    def on_mount(self) -> None:
        self.query_one(AgendaList).focus()
        if not self._revealed:
            self.query_one("#home-body").display = False  # until the data or REVEAL_WITHIN
            self._reveal_timer = self.set_timer(REVEAL_WITHIN, self._reveal_late, name="reveal")

    def _reveal_late(self) -> None:
        """REVEAL_WITHIN has passed without the detail: the list, and "Loading …" beside it."""
        self._reveal()
        self.board_updated(self.board)

    def _reveal(self) -> None:
        """Show the panels, with whatever has been read by now."""
        if self._revealed:
            return
        self._revealed = True
        if self._reveal_timer is not None:
            self._reveal_timer.stop()  # nothing left for it to do, and no wake-up to cost
        self.query_one("#home-body").styles.clear_rule("display")  # the stylesheet's again
        if self.focused is None:
            self.query_one(AgendaList).focus()

    # -- drawing -------------------------------------------------------------------------------

    def board_updated(self, board: Board) -> None:
        detail = board.selected_detail
        if not self._revealed and detail is None and not board.empty:
            return  # the panels are hidden until the detail or REVEAL_WITHIN: drawn then, once
        self.set_class(board.empty, "-empty")
        self.query_one(AthleteList).show(board.summaries, board.selected, board.names)
        if board.empty:
            self._reveal()
            self._show_welcome()
            return
        if detail is None:
            self._show_loading(board)
        else:
            self._reveal()
            self._show_title(detail)
            self._show_today(detail)
            self._show_block(detail)
            if detail.plan is not None and not self._week_prepared:
                self._week_prepared = True
                self.call_after_refresh(self._time_week_preparation)
        self._refresh_footer()

    def _time_week_preparation(self) -> None:
        # Counted from the frame that shows the plan, not from its arrival: on a slow machine
        # drawing it may take a good part of PREPARE_WEEK_AFTER, and the week is made after.
        self.set_timer(PREPARE_WEEK_AFTER, self._start_preparing_week, name="prepare-week")

    def _start_preparing_week(self) -> None:
        # In a task of its own: the preparation waits for the week's widgets, which hand their
        # callbacks to the screen shown, Home, whose messages must go on meanwhile.
        self.run_worker(self._prepare_week(), name="prepare-week", group="prepare-week")

    async def _prepare_week(self) -> None:
        """Once Home has painted an athlete with a plan, mount the week screen out of sight,
        so the first `w` costs what every later one does: its module, its CSS and its sixty
        widgets are made, and laid out at the terminal's size, while the person reads Home,
        not while they wait for the week."""
        app = self.app
        if app.is_screen_installed("week") or not self.is_current:
            return
        week = screens.make("week")
        app.install_screen(week, "week")
        # What pushing it would do first (Textual has no public call for it): read the screen's
        # CSS and start it, which composes and mounts its widgets.
        app._load_screen_css(week)
        _, mounted = app._get_screen(week)
        await mounted
        # Then what its first showing would do: arrange every widget at this size. Textual
        # lays out only the screen shown, and has no public call to lay out another; a screen
        # laid out out of sight is only drawn when shown (unless the terminal was resized).
        if _out_of_sight(week):
            week._refresh_layout(app.size)
            # The widgets answer their first size by asking for another layout (the grid fits
            # its days): once each has taken its size, and the screen their requests, settle
            # that here too, or the first showing would.
            await asyncio.gather(*(w.wait_for_refresh() for w in week.query("*") if w.is_running))
            if _out_of_sight(week) and week.is_running:
                await week.wait_for_refresh()  # the layouts its widgets asked for are noted
            if _out_of_sight(week) and week._layout_widgets:
                week._refresh_layout(app.size)

    def _show_loading(self, board: Board) -> None:
        """The list is there; the selected athlete's day and block are on their way."""
        self.query_one(TopBar).show(f"hipplan · {board.selected}" if board.selected else "hipplan")
        self.query_one(AgendaList).show_nothing()  # still shown: hiding it would drop the focus
        waiting = self.query_one("#today-empty", Static)
        waiting.display = True
        waiting.update(loading_words(board))
        self.query_one("#today-panel").border_title = "Today"
        self.query_one("#next-up", Static).update("")
        self.query_one("#block-panel").border_title = "This block"
        self.query_one(WeekBars).show((), None, 0.8)
        self.query_one("#block-notes", Static).update("")
        self.query_one("#outcome-notes", Static).update("")

    def _show_welcome(self) -> None:
        self.query_one(TopBar).show("hipplan", "")
        self.query_one("#welcome", Static).update(
            "[b]Welcome to hipplan[/b]\n\n"
            "Loose hips take load off the calves and achilles.\n"
            "Add an athlete and their runs, and hipplan plans the mobility sessions around them.\n\n"
            "Press [b]n[/b] to start, [b]?[/b] for help, [b]ctrl+p[/b] for every command."
        )

    def _show_title(self, detail: AthleteDetail) -> None:
        athlete = detail.athlete
        sport = "triathlon" if athlete.sport == "triathlon" else "running"
        self.query_one(TopBar).show(
            f"hipplan · {athlete.name} (tightness {athlete.tightness}, {sport})",
            f"{detail.local_now:%a %d %b %Y}",
        )

    def _show_today(self, detail: AthleteDetail) -> None:
        agenda = self.query_one(AgendaList)
        items = detail.agenda(detail.today)
        current = agenda.session
        agenda.show(detail, items, _keep(current, detail))
        agenda.display = bool(items)
        empty = self.query_one("#today-empty", Static)
        empty.display = not items
        if detail.plan is None:
            empty.update("No plan yet. Press n to build one.")
        elif not items:
            empty.update("Nothing planned today: a rest day.")
        self.query_one("#today-panel").border_title = f"Today · {detail.today:%a %d %b}"
        self.query_one("#next-up", Static).update(_next_up(detail))

    def _show_block(self, detail: AthleteDetail) -> None:
        panel = self.query_one("#block-panel")
        bars = self.query_one(WeekBars)
        notes = self.query_one("#block-notes", Static)
        plan, week = detail.plan, detail.current_week
        if plan is None:
            panel.border_title = "No plan"
            bars.show((), None, detail.athlete.target)
            notes.update("")
            self.query_one("#outcome-notes", Static).update("")
            return
        if week is None:
            when = "starts" if detail.today < plan.start else "ended"
            day = plan.start if detail.today < plan.start else plan.end - timedelta(days=1)
            panel.border_title = f"{plan.weeks}-week block {when} {day:%a %d %b}"
        else:
            panel.border_title = f"This block: week {week} of {plan.weeks} · {plan.phase(week)}"
        # Every week of the block, so the loosening, the taper and the end show at any point.
        bars.show(detail.weeks, week, detail.athlete.target)
        notes.update(_block_notes(detail))
        self.query_one("#outcome-notes", Static).update(outcome_notes(detail))

    # -- actions on the highlighted session ------------------------------------------------------

    @property
    def session(self) -> Session | None:
        return self.query_one(AgendaList).session

    def why_not(self, action: str, parameters: tuple[object, ...] = ()) -> str:
        reason = super().why_not(action, parameters)
        if reason == "Nothing selected":
            return "Nothing open today: w shows the week"
        return reason

    def action_next_athlete(self) -> None:
        names = list(self.board.names)  # not the rows: each would be worked out to be read
        if len(names) < 2:
            more = "add one with n" if not names else "n adds another"
            self.notify(
                f"{'No' if not names else 'Only one'} athlete yet: {more}", severity="warning"
            )
            return
        current = self.board.selected or names[-1]
        following = names[(names.index(current) + 1) % len(names)] if current in names else names[0]
        self.request(AthleteSelected(following))

    @on(AthleteList.Chosen)
    def _athlete_chosen(self, message: AthleteList.Chosen) -> None:
        self.request(AthleteSelected(message.name))

    @on(AthleteList.OptionSelected)
    def _athlete_opened(self) -> None:
        self.request(OpenWeek())

    @on(AgendaList.Highlighted)
    def _session_highlighted(self) -> None:
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        # Refreshing bindings rebuilds the footer; do it only when what is enabled changed.
        detail = self.detail
        # Which keys are dimmed (a started session dims m, one not begun dims d and p); a
        # rebuilt footer costs a frame, so the words of why do not count.
        enabled = (
            not self.why_not("move"),
            not self.why_not("log", ("done",)),
            bool(detail and detail.plan),
            self.board.loading is None,
        )
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    @on(AgendaList.Chosen)
    def _session_chosen(self, message: AgendaList.Chosen) -> None:
        self.request(OpenSession(message.session))


def _out_of_sight(screen: Screen[object]) -> bool:
    """Mounted and not the screen shown (a key may have shown it meanwhile)."""
    return screen.is_attached and not screen.is_current


def _keep(current: Session | None, detail: AthleteDetail) -> str | None:
    """Keep the highlight on a session still open; a just-logged one hands over to the next."""
    if current is None or detail.status(current) is not None:
        return None
    return current.id


def _next_up(detail: AthleteDetail) -> str:
    run = detail.next_run()
    if run is None:
        return ""
    local = run.start.astimezone(detail.athlete.zone)
    day = "today" if local.date() == detail.today else f"{local:%a %d %b}"
    return f"Next run: {day} {local:%H:%M} · {run_title(run)}"


def _block_notes(detail: AthleteDetail) -> str:
    plan, week = detail.plan, detail.current_week
    assert plan is not None
    parts = [f"streak {detail.streak} wk"]
    if detail.skip_budget is not None:
        parts.append(f"skip budget {detail.skip_budget} left")
    if week is not None:
        upcoming = next(
            (w for w in range(week + 1, plan.weeks + 1) if plan.phase(w) != plan.phase(week)),
            None,
        )
        if upcoming is not None:
            parts.append(f"{plan.phase(upcoming)} from week {upcoming}")
    return " · ".join(parts)
