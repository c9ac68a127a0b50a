"""A coach's squad: importing it from a file.

Each use case is one transaction: an import stores the whole file or nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.errors import BadLines
from planner.domain.squad import SquadLine, parse_squad

if TYPE_CHECKING:
    from planner.storage import Repository


def import_squad(repo: Repository, data: bytes, source: str, default_zone: str) -> list[SquadLine]:
    """Add every athlete of a squad file with their weekly runs, or nothing at all.

    There is no update mode: a name already stored is a bad line like any other (a coach changes
    one athlete with a re-assessment, which rebuilds their plan; a file cannot say what to keep).
    """
    lines = parse_squad(data, default_zone, source)
    with repo.transaction():
        stored = {a.key: a.name for a in repo.athletes()}
        taken = [
            f"line {line.line}: name: athlete {stored[line.athlete.key]!r} already exists"
            for line in lines
            if line.athlete.key in stored
        ]
        if taken:
            raise BadLines(source, taken)
        for line in lines:
            repo.add_athlete(line.athlete)
            repo.add_run_rule(line.athlete.name, line.rule)
    return lines
