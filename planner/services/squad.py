"""A coach's squad: importing it from a file, building every plan, and everyone's adherence.

Each use case is one squad-wide transaction: an import stores the whole file or nothing, and
`build_all` replaces every plan or none (a crash in between leaves all or none of the files).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner import clock, plans_io
from planner.domain.adherence import Report, report
from planner.domain.errors import BadLines
from planner.domain.inputs import check_weeks
from planner.domain.model import DEFAULT_TEMPLATE, Athlete, Plan
from planner.domain.squad import SquadLine, attention_key, parse_squad
from planner.services.squad_build import Inputs, build_each
from planner.storage import Store


def import_squad(repo: Store, data: bytes, source: str, default_zone: str) -> list[SquadLine]:
    """Add every athlete of a squad file with their weekly runs, or nothing at all.

    There is no update mode: a name already stored is a bad line like any other (a coach changes
    one athlete with a re-assessment, which rebuilds their plan; a file cannot say what to keep).
    """
    lines = parse_squad(data, default_zone, source)
    with repo.transaction(whole=True):
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


@dataclass(frozen=True)
class Built:
    """One athlete's result of `build_all`: their new plan, or why they have none."""

    athlete: str
    plan: Plan | None = None
    skipped: str = ""
    kept: bool = False  # had a plan already, and the build was not asked to replace it


def build_all(
    repo: Store,
    start: date,
    weeks: int,
    template_id: str = DEFAULT_TEMPLATE,
    *,
    replace: bool = False,
) -> list[Built]:
    """Build the plans of the athletes who have none from `start` (one write); athletes without
    runs in those weeks are reported and skipped. With `replace`, every athlete's plan is built
    anew, replacing the stored ones (a coach's hand-made plans too, so it must be asked for)."""
    check_weeks(weeks)
    # read once for the squad: parsing the TOML for each athlete would cost a fifth of the time
    catalogue = plans_io.load_catalogue()
    template = plans_io.load_template(template_id, catalogue)
    end = start + timedelta(weeks=weeks)
    results: list[Built] = []
    with repo.transaction(whole=True):
        wanted: list[Inputs] = []
        for summary in repo.summaries():  # a summary knows whether there is a plan
            athlete = summary.athlete
            if not replace and summary.plan is not None:
                results.append(Built(athlete.name, skipped="has a plan already", kept=True))
                continue
            wanted.append(_inputs(repo, athlete, start, end, weeks))
            results.append(Built(athlete.name))  # its place, filled in below
        built = build_each(wanted, template, catalogue)
        try:
            # each plan is saved as it comes back, while the workers go on with the next ones
            for at, entry in enumerate(results):
                if entry.kept:
                    continue
                plan, skipped = next(built)
                if plan is not None:
                    repo.save_plan(plan)
                    repo.settle(plan.athlete)  # its file written now, put in place at the end
                results[at] = Built(entry.athlete, plan, skipped)
        finally:
            built.close()
    return results


def _inputs(repo: Store, athlete: Athlete, start: date, end: date, weeks: int) -> Inputs:
    name = athlete.name
    rules, imported, changes = (
        repo.run_rules(name),
        repo.imported_runs(name),
        repo.run_changes(name),
    )
    return Inputs(athlete, rules, imported, changes, repo.busy(name), start, end, weeks)


def past_start_warning(start: date, now: datetime | None = None) -> str | None:
    """A start before today marks the weeks already gone as missed at once: worth a word."""
    today = (now or clock.now()).date()
    if start >= today:
        return None
    days = (today - start).days
    return (
        f"the start {start} is {days} day{'s' if days != 1 else ''} in the past: sessions"
        " before today count as not done"
    )


@dataclass(frozen=True)
class SquadEntry:
    athlete: Athlete
    report: Report | None  # None without a plan


def squad_adherence(repo: Store, now: datetime | None = None) -> list[SquadEntry]:
    """Every athlete's adherence report, who needs attention first (`domain.squad`)."""
    now = now or clock.now()
    entries = []
    for athlete in repo.athletes():
        plan = repo.get_plan(athlete.name)
        found = report(plan, repo.current_logs(athlete.name), now, athlete.target) if plan else None
        entries.append(SquadEntry(athlete, found))
    return sorted(entries, key=lambda e: attention_key(e.athlete.name, e.report))
