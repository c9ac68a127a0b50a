"""The TUI's writes, as jobs for `HipplanApp.write`, and the questions asked before some of them.

A job takes the store (in a worker, under the app's lock), calls one service and returns what to
tell the person. Nothing here imports Textual or draws: `planner.tui.requests` turns a screen's
request into dialogs and a job; these functions are plain and testable on a store alone.
Services are imported inside each job, so they load on first use, after Home has painted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from planner.domain import adapt
from planner.domain.model import KIND_LABELS, LogStatus, Run, Session, as_utc, name_key
from planner.domain.selftest import Measures
from planner.tui.labels import STATUS_WORDS, change_words, session_title

if TYPE_CHECKING:
    from planner.services.runs import RunsChanged
    from planner.storage import FileStore
    from planner.tui.state import AthleteDetail

Job = Callable[["FileStore"], str]


@dataclass
class LastLog:
    """The latest log made in this app: what the palette's undo takes back first."""

    athlete: str | None = None
    session: Session | None = None

    def of(self, name: str) -> Session | None:
        """The session last logged here for `name`, if the latest log here was theirs."""
        if self.athlete is None or name_key(self.athlete) != name_key(name):
            return None
        return self.session

    def keep(self, name: str | None, session: Session | None) -> None:
        self.athlete, self.session = name, session


# -- jobs ----------------------------------------------------------------------------------------


def log_session(
    name: str,
    session: Session,
    status: LogStatus,
    minutes: int | None = None,
    note: str = "",
    last: LastLog | None = None,
) -> Job:
    """Log `session` of `name`; minutes default to the session's when done, else none."""
    spent = minutes if minutes is not None else (session.minutes if status == "done" else 0)

    def job(store: FileStore) -> str:
        from planner.services import logs

        logs.log_session(store, name, session.id, status, minutes=spent, note=note)
        if last is not None:
            last.keep(name, session)
        return f"{session_title(session)} {session.start:%a %H:%M}: {STATUS_WORDS[status]}"

    return job


def undo_log(name: str, session: Session, last: LastLog | None = None) -> Job:
    """Take the log of `session` back: the session is open again and the plan adapts."""

    def job(store: FileStore) -> str:
        from planner.services import logs

        result = logs.undo_log(store, name, session.id)
        if last is not None:
            last.keep(None, None)
        said = (
            f"{session_title(session)} {session.start:%a %H:%M}: the"
            f" {STATUS_WORDS[result.undone.status]} log taken back; open again"
        )
        return said + (f"\n{change_words(result.change)}" if result.change else "")

    return job


def move_session(name: str, session_id: str, start: datetime) -> Job:
    def job(store: FileStore) -> str:
        from planner.services import moves

        moves.move_session(store, name, session_id, start)
        return f"Moved to {start:%a %d %b %H:%M}"

    return job


def skip_run(name: str, run_id: str, undo: bool = False) -> Job:
    """Take a run off the plan, or put it back with `undo`."""

    def job(store: FileStore) -> str:
        from planner.services import runs

        return runs_changed(runs.skip_run(store, name, run_id, undo))

    return job


def move_run(name: str, run_id: str, start: datetime) -> Job:
    def job(store: FileStore) -> str:
        from planner.services import runs

        return runs_changed(runs.move_run(store, name, run_id, start))

    return job


def keep_self_test(name: str, measures: Measures) -> Job:
    """Keep self-test figures as the week's check-in, as `hipplan athlete assess` does."""

    def job(store: FileStore) -> str:
        from planner.services import assessment

        kept = assessment.assess(store, name, measures).checkin
        return f"Self-test of {name} kept with the check-in of {kept.day:%a %d %b}"

    return job


def runs_changed(result: RunsChanged) -> str:
    """'Skipped the run at ...', then what the plan's rebuild changed."""
    said = result.what[0].upper() + result.what[1:]
    change = result.change
    if change is None:
        return f"{said}. The plan stays as it was."
    why = adapt.change_words(change, cause=False)  # what asked for it is said already
    return f"{said}. Plan rebuilt from week {change.week}" + (f": {why}" if why else ".")


# -- the questions asked first -------------------------------------------------------------------


def log_question(
    session: Session, status: LogStatus, logged: LogStatus | None, now: datetime
) -> tuple[str, str] | None:
    """(title, question) to confirm before logging `session` as `status`, or None to log at
    once: replacing another log asks, and so does a session still to come (a stray key must not
    log it, a future warm-up skipped)."""
    if logged is not None and logged != status:
        return "Replace the log?", (
            f"{session_title(session)} {session.start:%a %H:%M} is logged as "
            f"{STATUS_WORDS[logged]}. Log it as {STATUS_WORDS[status]} instead?"
        )
    if logged is None and as_utc(session.start) > as_utc(now):
        return "Log a session to come?", (
            f"{session_title(session)} {session.start:%a %d %b %H:%M} has not started yet."
            f" Log it as {STATUS_WORDS[status]} now?"
        )
    return None


def skip_run_question(detail: AthleteDetail, run: Run) -> str:
    """Skipping a run asks first, naming the sessions that go with it."""
    sessions = detail.plan.sessions if detail.plan else ()
    tied = [KIND_LABELS[s.kind] for s in sessions if s.run_id == run.id]
    going = f"\n\nIts {' and '.join(tied)} go with it." if tied else ""
    local = run.start.astimezone(detail.athlete.zone)
    return f"Skip the run on {local:%a %d %b %H:%M} ({run.minutes} min)?{going}"


def session_to_undo(detail: AthleteDetail, asked: Session | None, last: LastLog) -> Session | None:
    """The session whose log to take back: the one asked for, else the one last logged here,
    else the athlete's latest log; None when that session is not logged."""
    session = asked or last.of(detail.athlete.name) or latest_logged(detail)
    if session is None or detail.status(session) is None:
        return None
    return session


def latest_logged(detail: AthleteDetail) -> Session | None:
    """The session of the athlete's most recent log."""
    if detail.plan is None or not detail.logs:
        return None
    sessions = [s for s in detail.plan.sessions if s.id in detail.logs]
    if not sessions:
        return None
    return max(sessions, key=lambda s: (as_utc(detail.logs[s.id].logged_at), as_utc(s.start)))
