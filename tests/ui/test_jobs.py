"""The TUI's writes as plain jobs (`planner.tui.jobs`): run on a store, no app, no Textual."""

from __future__ import annotations

from datetime import datetime, timedelta

from planner.domain.model import Session
from planner.storage import Repository
from planner.tui import jobs
from planner.tui.state import AthleteDetail, load_detail
from tests.ui.helpers import DEMO_ATHLETE, log_of


def detail_of(repo: Repository, now: datetime) -> AthleteDetail:
    return load_detail(repo, DEMO_ATHLETE, now)


def open_session_before(detail: AthleteDetail, now: datetime) -> Session:
    assert detail.plan is not None
    return next(s for s in detail.plan.sessions if s.end <= now and detail.status(s) is None)


def test_a_log_job_logs_says_what_and_is_remembered_for_undo(
    demo_repo: Repository, frozen_clock: datetime
) -> None:
    session = open_session_before(detail_of(demo_repo, frozen_clock), frozen_clock)
    last = jobs.LastLog()

    said = jobs.log_session(DEMO_ATHLETE, session, "done", last=last)(demo_repo)

    entry = log_of(demo_repo, session.id)
    assert entry is not None and entry.status == "done" and entry.minutes == session.minutes
    assert said.endswith(": done") and f"{session.start:%a %H:%M}" in said
    assert last.of(DEMO_ATHLETE.upper()) == session  # names match as stored names do
    assert last.of("Somebody Else") is None


def test_undo_takes_the_remembered_log_back_and_forgets_it(
    demo_repo: Repository, frozen_clock: datetime
) -> None:
    session = open_session_before(detail_of(demo_repo, frozen_clock), frozen_clock)
    last = jobs.LastLog()
    jobs.log_session(DEMO_ATHLETE, session, "skipped", last=last)(demo_repo)
    demo_repo.refresh()
    detail = detail_of(demo_repo, frozen_clock)

    chosen = jobs.session_to_undo(detail, None, last)
    said = jobs.undo_log(DEMO_ATHLETE, session, last)(demo_repo)

    assert chosen == session
    assert "the skipped log taken back; open again" in said
    assert log_of(demo_repo, session.id) is None
    assert last.of(DEMO_ATHLETE) is None


def test_nothing_to_undo_for_a_session_not_logged(
    demo_repo: Repository, frozen_clock: datetime
) -> None:
    detail = detail_of(demo_repo, frozen_clock)
    session = open_session_before(detail, frozen_clock)

    assert jobs.session_to_undo(detail, session, jobs.LastLog()) is None


def test_without_a_log_made_here_undo_takes_the_latest_log(
    demo_repo: Repository, frozen_clock: datetime
) -> None:
    detail = detail_of(demo_repo, frozen_clock)
    latest = jobs.latest_logged(detail)

    assert latest is not None and detail.status(latest) is not None
    assert jobs.session_to_undo(detail, None, jobs.LastLog()) == latest


def test_log_questions_ask_before_replacing_or_logging_ahead(
    demo_repo: Repository, frozen_clock: datetime
) -> None:
    detail = detail_of(demo_repo, frozen_clock)
    past = open_session_before(detail, frozen_clock)
    assert detail.plan is not None
    ahead = next(s for s in detail.plan.sessions if s.start > frozen_clock + timedelta(days=1))

    assert jobs.log_question(past, "done", None, frozen_clock) is None
    assert jobs.log_question(past, "done", "done", frozen_clock) is None
    replacing = jobs.log_question(past, "skipped", "done", frozen_clock)
    assert replacing is not None and replacing[0] == "Replace the log?"
    assert "logged as done. Log it as skipped instead?" in replacing[1]
    to_come = jobs.log_question(ahead, "skipped", None, frozen_clock)
    assert to_come is not None and to_come[0] == "Log a session to come?"


def test_skipping_a_run_names_the_sessions_going_with_it(
    demo_repo: Repository, frozen_clock: datetime
) -> None:
    detail = detail_of(demo_repo, frozen_clock)
    assert detail.plan is not None
    tied = next(s for s in detail.plan.sessions if s.run_id is not None)
    run = next(r for r in detail.plan.runs if r.id == tied.run_id)

    question = jobs.skip_run_question(detail, run)

    assert question.startswith(f"Skip the run on {run.start.astimezone(detail.athlete.zone):%a}")
    assert f"({run.minutes} min)" in question and "go with it." in question
