"""Words and marks shared by the screens, so a session reads the same everywhere."""

from __future__ import annotations

from planner.domain.model import KIND_LABELS, LogStatus, Run, Session

STATUS_MARKS: dict[LogStatus | None, tuple[str, str]] = {
    "done": ("✓", "$text-success"),
    "partial": ("◐", "$text-warning"),
    "skipped": ("✗", "$text-error"),
    None: ("·", "$text-muted"),
}
STATUS_WORDS: dict[LogStatus, str] = {
    "done": "done",
    "partial": "partly done",
    "skipped": "skipped",
}


def session_title(session: Session) -> str:
    """'Post-run cool-down'."""
    label = KIND_LABELS[session.kind]
    return label[0].upper() + label[1:]


def run_title(run: Run) -> str:
    return f"{run.title.upper() if run.title == 'Run' else run.title} {run.minutes} min"


def exercise_names(session: Session, limit: int = 3) -> str:
    names = [p.name for p in session.exercises[:limit]]
    more = ", …" if len(session.exercises) > limit else ""
    return ", ".join(names) + more
