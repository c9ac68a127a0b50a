"""Which sessions a rebuild moved, in words: the first few, then how many more.

Skipping Saturday's run may move Friday's loosening to Saturday; a person needs to read that,
not only "sessions rebuilt". A session moved within its day keeps its id and changes its start;
one moved to another day gets another id, so sessions gone and sessions new are paired by kind
and plan week, in time order.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from planner.domain.inputs import zone
from planner.domain.model import KIND_LABELS, Plan, Session, as_utc

MOVES_SHOWN = 3


def session_moves(before: Plan, after: Plan) -> list[tuple[Session, Session]]:
    """(old, new) for each session the rebuild moved, in the order of the old starts."""
    old = {(s.id, as_utc(s.start)): s for s in before.sessions}
    new = {(s.id, as_utc(s.start)): s for s in after.sessions}
    gone = _by_start(s for key, s in old.items() if key not in new)
    came = _by_start(s for key, s in new.items() if key not in old)
    moves: list[tuple[Session, Session]] = []
    for session in gone:
        match = next((n for n in came if (n.kind, n.week) == (session.kind, session.week)), None)
        if match is not None:
            came.remove(match)
            moves.append((session, match))
    return moves


def moved_words(before: Plan, after: Plan, shown: int = MOVES_SHOWN) -> str:
    """'moved: loosening Fri 05 Mar 19:00 → Sat 06 Mar 19:00, ... and 4 more', or ''."""
    moves = session_moves(before, after)
    if not moves:
        return ""
    tz = zone(after.tz)
    words = [_move(old, new, tz) for old, new in moves[:shown]]
    more = len(moves) - shown
    return "moved: " + ", ".join(words) + (f" and {more} more" if more > 0 else "")


def _move(old: Session, new: Session, tz: ZoneInfo) -> str:
    start, end = old.start.astimezone(tz), new.start.astimezone(tz)
    to = f"{end:%H:%M}" if start.date() == end.date() else f"{end:%a %d %b %H:%M}"
    return f"{KIND_LABELS[old.kind]} {start:%a %d %b %H:%M} → {to}"


def _by_start(sessions: Iterable[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (as_utc(s.start), s.id))
