"""The session player: guided, exercise by exercise and side by side, with a countdown.

Time comes from `planner.clock`, read on every tick, so a test can pin the clock, move it on and
call `tick()`; the interval timer only decides how often the screen looks at the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Footer, ProgressBar, Static

from planner import clock
from planner.domain import timing
from planner.domain.model import Prescription, Session, as_utc
from planner.domain.safety import STOP_ADVICE
from planner.tui.labels import session_title
from planner.tui.messages import LogRequested
from planner.tui.screens.base import HipplanScreen
from planner.tui.widgets.topbar import TopBar

TICK_SECONDS = 0.25
# Leaving before this much work logs nothing: opening the player by mistake is not a session.
# The screen always says what q would log, so the threshold is never a surprise.
MIN_LOGGED_SECONDS = 30


@dataclass(frozen=True)
class Step:
    """One timed piece of work: an exercise, in one round, on one side."""

    prescription: Prescription
    round: int
    side: str | None
    seconds: int
    kind: timing.StepKind = "work"

    @property
    def title(self) -> str:
        title = (
            f"{self.prescription.name} — {self.side} side" if self.side else self.prescription.name
        )
        lead = {"work": "", "switch": "Switch sides: ", "move": "Get ready: "}[self.kind]
        return lead + title

    @property
    def dose(self) -> str:
        dose = self.prescription.dose
        if dose.hold_seconds is not None:
            work = f"hold {dose.hold_seconds} s"
        else:
            work = f"{dose.reps or 0} reps (about {self.seconds} s)"
        rounds = f" · round {self.round} of {dose.rounds}" if dose.rounds > 1 else ""
        return work + rounds


def steps_for(session: Session) -> list[Step]:
    """The session's clock from the domain: every set on every side, the side switches and the
    moves between exercises, adding up to the session's minutes."""
    return [
        Step(t.prescription, t.round, t.side, max(1, t.seconds), t.kind)
        for t in timing.steps(session.exercises)
    ]


class Routine:
    """Where the athlete is in a session: the step, the seconds left in it, the work done."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.index = 0
        self.left = float(steps[0].seconds) if steps else 0.0
        self.worked = 0.0  # seconds actually spent working, for a partial log
        self.paused = False

    @property
    def finished(self) -> bool:
        return self.index >= len(self.steps)

    @property
    def step(self) -> Step | None:
        return None if self.finished else self.steps[self.index]

    @property
    def next_step(self) -> Step | None:
        return self.steps[self.index + 1] if self.index + 1 < len(self.steps) else None

    @property
    def total(self) -> int:
        return sum(s.seconds for s in self.steps)

    @property
    def progress(self) -> float:
        """Seconds of the session behind the athlete (skipped steps count as behind)."""
        behind = sum(s.seconds for s in self.steps[: self.index])
        return behind + (self.steps[self.index].seconds - self.left if self.step else 0)

    @property
    def remaining(self) -> float:
        return self.total - self.progress

    def run_for(self, seconds: float) -> None:
        """Let time pass: count it down through as many steps as it covers."""
        if self.paused or seconds <= 0:
            return
        while seconds > 0 and not self.finished:
            used = min(seconds, self.left)
            self.left -= used
            self.worked += used
            seconds -= used
            if self.left <= 0:
                self.go_to(self.index + 1)

    def go_to(self, index: int) -> None:
        self.index = max(0, min(index, len(self.steps)))
        self.left = float(self.steps[self.index].seconds) if self.step else 0.0

    def back(self) -> None:
        """Restart the step, or go to the one before if it has only just begun."""
        started = self.step is not None and self.step.seconds - self.left > 2
        self.go_to(self.index if started else self.index - 1)


class PlayerScreen(HipplanScreen[None]):
    CSS_PATH = "player.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pause", "Pause", id="player.pause", tooltip="Pause or resume"),
        Binding(
            "right",
            "skip",
            "Skip",
            id="player.skip",
            tooltip="Next exercise or side",
            key_display="→",
        ),
        Binding(
            "left", "back", "Back", id="player.back", tooltip="Restart or previous", key_display="←"
        ),
        Binding(
            "q",
            "stop",
            "Stop",
            id="player.stop",
            tooltip=f"Stop; logs the minutes worked as partial (nothing under {MIN_LOGGED_SECONDS} s)",
        ),
        Binding("escape", "stop", "Stop", id="player.escape", show=False),
    ]

    def __init__(self, session: Session, athlete: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.athlete = athlete
        self.routine = Routine(steps_for(session))
        self._last = clock.now()
        self._logged = False

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Horizontal(id="player-progress"):
            yield ProgressBar(total=max(1, self.routine.total), show_eta=False, id="progress")
            yield Static(id="time-left")
        # The countdown and the cue come before the instructions, which take what room is left:
        # at 80x24 a 30 s hold can still be timed, and the cue read, with the rest cut short.
        with Vertical(id="player-card"):
            yield Static(id="step-title")
            yield Static(id="step-dose")
            with Horizontal(id="player-clock"):
                yield Digits("0:00", id="countdown")
                yield Static(id="step-state")
            yield Static(id="step-cue")
            yield Static(id="step-how")
        yield Static(id="up-next")
        yield Static(id="stop-hint")
        yield Static(STOP_ADVICE, id="player-safety")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TopBar).show(
            f"{session_title(self.session)} · {self.session.minutes} min",
            self.athlete or self.hipplan.athlete_name or "",
        )
        self._last = clock.now()
        self.set_interval(TICK_SECONDS, self.tick, name="player-tick")
        self._draw()

    # -- time ----------------------------------------------------------------------------------

    def tick(self) -> None:
        """Count down by the time the clock says has passed since the last tick."""
        now = clock.now()
        elapsed = _seconds_between(self._last, now)
        self._last = now
        if self.routine.finished:
            return
        self.routine.run_for(elapsed)
        if self.routine.finished:
            self._finish()
        self._draw()

    def _finish(self) -> None:
        self._log("done", self.session.minutes)

    def _log(self, status: str, minutes: int) -> None:
        if not self._logged:
            self._logged = True
            self.request(
                LogRequested(
                    self.session,
                    "done" if status == "done" else "partial",
                    minutes,
                    athlete=self.athlete,
                )
            )

    # -- drawing -------------------------------------------------------------------------------

    def stop_minutes(self) -> int:
        """What stopping now logs as partial: the minutes worked, 0 for nothing."""
        if self.routine.finished or self.routine.worked < MIN_LOGGED_SECONDS:
            return 0
        return max(1, min(self.session.minutes - 1, round(self.routine.worked / 60)))

    def stop_hint(self) -> str:
        if self.routine.finished:
            return "q: leave (logged as done)"
        minutes = self.stop_minutes()
        if not minutes:
            return f"q: stop (nothing logged before {MIN_LOGGED_SECONDS} s of work)"
        return f"q: stop and log {minutes} of {self.session.minutes} min as partial"

    def _draw(self) -> None:
        routine = self.routine
        self.query_one("#stop-hint", Static).update(self.stop_hint())
        self.query_one(ProgressBar).update(progress=routine.progress)
        self.query_one("#time-left", Static).update(f"{_clock_text(routine.remaining)} left")
        step = routine.step
        state = self.query_one("#step-state", Static)
        if step is None:
            self.query_one("#step-title", Static).update("Session complete")
            self.query_one("#step-dose", Static).update("Logged as done. Well done!")
            self.query_one("#step-cue", Static).update("")
            self.query_one("#step-how", Static).update("")
            self.query_one(Digits).update("0:00")
            state.update("q or escape to leave")
            self.query_one("#up-next", Static).update("")
            return
        self.query_one("#step-title", Static).update(step.title)
        self.query_one("#step-dose", Static).update(
            f"{step.dose} · exercise {self._exercise_number(step)} of {len(self.session.exercises)}"
        )
        self.query_one("#step-cue", Static).update(step.prescription.cue)
        self.query_one("#step-how", Static).update(_how_to(step.prescription))
        self.query_one(Digits).update(_clock_text(routine.left))
        state.update("Paused: space to go on" if routine.paused else "")
        self.set_class(routine.paused, "-paused")
        upcoming = routine.next_step
        self.query_one("#up-next", Static).update(
            f"Next: {upcoming.title}" if upcoming else "Last one"
        )

    def _exercise_number(self, step: Step) -> int:
        return self.session.exercises.index(step.prescription) + 1

    # -- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"pause", "skip", "back"} and self.routine.finished:
            return None
        return True

    def action_pause(self) -> None:
        self.tick()  # count the time up to now before the clock stops
        self.routine.paused = not self.routine.paused
        self._draw()
        self.refresh_bindings()

    def action_skip(self) -> None:
        self.tick()
        self.routine.go_to(self.routine.index + 1)
        if self.routine.finished:
            self._finish()
        self._draw()

    def action_back(self) -> None:
        self.tick()
        self.routine.back()
        self._draw()

    def action_stop(self) -> None:
        """Leave; logs what `stop_hint` said (nothing if it was only a moment)."""
        self.tick()
        if minutes := self.stop_minutes():
            self._log("partial", minutes)
        elif not self.routine.finished:
            self.notify(f"Stopped before {MIN_LOGGED_SECONDS} s of work: nothing logged.")
        self.dismiss()


def _how_to(prescription: Prescription) -> str:
    """The range cue, then the full instructions (set-up, movement, feel, the mistake to avoid);
    the one-line cue is above."""
    lines = [f"Range: {prescription.progression}"] if prescription.progression else []
    return "\n".join(lines + prescription.instructions.lines())


def _seconds_between(start: datetime, end: datetime) -> float:
    return max(0.0, (as_utc(end) - as_utc(start)).total_seconds())


def _clock_text(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))  # count down like a kitchen timer: 0:01 until it ends
    return f"{whole // 60}:{whole % 60:02d}"
