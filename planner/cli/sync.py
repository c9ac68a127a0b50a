"""`sync`: two-way sync of the plan with a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale).

caldav and keyring load only when this command runs (through `planner.cli.lazy`), so `hipplan --help`
and every other command start without them.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from planner.cli import options
from planner.cli.common import (
    UsageError,
    argtype,
    changes_json,
    open_repo,
    print_json,
)
from planner.cli.lazy import sync, sync_settings
from planner.domain import inputs
from planner.domain.errors import InvalidInput, PlannerError

DEFAULT_MATCH = "run"  # the importer's default, named here so --help does not load icalendar


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="two-way sync with a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale)",
        description="Push each session to the athlete's calendar on a CalDAV server (created if"
        " missing) and, with --tasks, to a task list the athlete ticks off on a phone; pull runs"
        " from --runs-calendar, sessions moved in the calendar app and ticked tasks (as logs)."
        " The flags are remembered per athlete, the server and user once for the squad, so the"
        " next sync needs none. Before a plan is built only runs are pulled. --all syncs every"
        " athlete with settings. The password comes from HIPPLAN_CALDAV_PASSWORD, else the"
        " system keyring, else a prompt.",
    )
    options.add_name_or_all(parser, "every athlete with saved sync settings")
    parser.add_argument(
        "--url",
        type=argtype(inputs.parse_server_url),
        metavar="URL",
        help="the CalDAV server's address",
    )
    parser.add_argument("--user", metavar="USER", help="the user name on the server")
    parser.add_argument(
        "--calendar",
        metavar="NAME",
        help="the calendar for the plan (default: Hip mobility – NAME)",
    )
    parser.add_argument(
        "--runs-calendar", metavar="NAME", help="a calendar on the same server to read runs from"
    )
    parser.add_argument(
        "--match",
        metavar="TEXT",
        help="events in the runs calendar whose title or category has this word are runs"
        f" (default {DEFAULT_MATCH!r})",
    )
    parser.add_argument(
        "--tasks",
        metavar="LIST",
        help="also put each session as a task in this task list (created if missing)",
    )
    parser.add_argument(
        "--events",
        choices=("on", "off"),
        help="off: no calendar events, only tasks (default on)",
    )
    parser.add_argument(
        "--alarm",
        type=argtype(options.alarm_minutes),
        metavar="MINUTES",
        help="a reminder this many minutes before each session, on its event and task",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    options.add_json_result(parser)
    parser.set_defaults(func=sync_cmd)


def sync_cmd(args: argparse.Namespace) -> int:
    if args.all:
        return _sync_all(args)
    with open_repo(args) as repo:
        athlete, chosen = sync.settings_for(
            repo,
            args.name,
            url=args.url,
            user=args.user,
            calendar=args.calendar,
            runs_calendar=args.runs_calendar,
            match=args.match,
            tasks=args.tasks,
            events=args.events,
            alarm=None if args.alarm is None else str(args.alarm),
        )
        for flag, value in (("--url URL", chosen.url), ("--user USER", chosen.user)):
            if not value:
                raise UsageError(f"sync: no server known for {athlete.name}: give {flag} once")
        password, source = _password(chosen)
        progress = _Progress() if sys.stderr.isatty() else None
        try:
            report = sync.sync(
                repo,
                athlete.name,
                chosen,
                password,
                dry_run=args.dry_run,
                progress=progress,
            )
        finally:
            if progress is not None:
                progress.clear()
    if not args.dry_run:
        sync.remember(athlete, chosen)
        if source == "prompt":
            _offer_keyring(chosen, password)
    if args.json:
        print_json(_json(report))
    else:
        print(_words(report, chosen))
    return 0


def _sync_all(args: argparse.Namespace) -> int:
    for flag in ("url", "user", "calendar", "runs_calendar", "match", "tasks", "events"):
        if getattr(args, flag) is not None:
            raise UsageError(f"sync: --{flag.replace('_', '-')} is per athlete, not with --all")
    with open_repo(args) as repo:
        progress = _Progress("athletes") if sys.stderr.isatty() else None
        try:
            results = sync.sync_all(
                repo, _password_for_all, dry_run=args.dry_run, progress=progress
            )
        finally:
            if progress is not None:
                progress.clear()
    if args.json:
        print_json([_all_json(r) for r in results])
    else:
        for result in results:
            print(_all_line(result))
    return 0 if all(r.report is not None for r in results) else 1


def _password_for_all(url: str, user: str) -> str:
    password, _ = _ask_password(url, user)
    return password


def _all_json(result: sync.SquadResult) -> dict[str, Any]:
    counts = _json(result.report) if result.report else dict.fromkeys(_COUNTS, 0)
    return {
        "athlete": result.athlete,
        "ok": result.report is not None,
        "error": result.error,
        **counts,
    }


def _all_line(result: sync.SquadResult) -> str:
    report = result.report
    if report is None:
        return f"{result.athlete}: failed: {result.error}"
    if report.no_plan:
        return f"{result.athlete}: runs {report.runs_pulled} pulled; a plan is still to be built"
    return (
        f"{result.athlete}: {report.created} created, {report.updated} updated,"
        f" {report.deleted} deleted, {report.unchanged} unchanged; {report.runs_pulled} runs,"
        f" {report.moves_pulled} moves, {report.ticks_pulled} ticks pulled;"
        f" {report.ticks_pushed} logs pushed"
        + (f"; {len(report.conflicts)} conflicts" if report.conflicts else "")
        + (f"; {len(report.skipped)} objects skipped" if report.skipped else "")
    )


def _password(chosen: sync_settings.SyncSettings) -> tuple[str, str]:
    assert chosen.url and chosen.user
    return _ask_password(chosen.url, chosen.user)


def _ask_password(url: str, user: str) -> tuple[str, str]:
    """From the environment or the keyring, else asked for on the terminal; never a flag."""
    found = sync.stored_password(url, user)
    if found is not None:
        return found
    if not sys.stdin.isatty():
        raise PlannerError(
            f"no password for {user} at {url}: set HIPPLAN_CALDAV_PASSWORD"
            " or run the sync once on a terminal to be asked"
        )
    password = getpass.getpass(f"CalDAV password for {user} at {url}: ")
    if not password:
        raise InvalidInput("password", "no password given")
    return password, "prompt"


def _offer_keyring(chosen: sync_settings.SyncSettings, password: str) -> None:
    """After a login that worked: offer to keep the password, when there is a keyring."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()) or not sync.can_keep_password():
        return
    assert chosen.url and chosen.user
    sys.stderr.write("Keep this password in the system keyring for the next sync? [y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        return
    kept = sync.keep_password(chosen.url, chosen.user, password)
    sys.stderr.write("kept in the keyring\n" if kept else "the keyring would not take it\n")


class _Progress:
    """One line on stderr, rewritten in place: only ever used on a terminal."""

    def __init__(self, what: str = "events") -> None:
        self.shown = False
        self.what = what

    def __call__(self, done: int, total: int) -> None:
        width = 20
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\rsyncing [{bar}] {done}/{total} {self.what}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


_COUNTS = (
    "created",
    "updated",
    "deleted",
    "unchanged",
    "runs_pulled",
    "moves_pulled",
    "ticks_pulled",
    "ticks_pushed",
)


def _json(report: sync.SyncReport) -> dict[str, Any]:
    return {
        **{name: getattr(report, name) for name in _COUNTS},
        "put_back": list(report.put_back),
        "conflicts": list(report.conflicts),
        "skipped": list(report.skipped),
        "plan_changes": changes_json(report.change),
        "no_plan": report.no_plan,
        "dry_run": report.dry_run,
    }


def _words(report: sync.SyncReport, chosen: sync_settings.SyncSettings) -> str:
    if report.no_plan:
        return _words_before_a_plan(report, chosen)
    where = f"{report.calendar!r} at {chosen.url}"
    if report.tasks:
        where += f" and the tasks in {report.tasks!r}"
    if report.dry_run:
        head = (
            f"{report.athlete} → {where}: would create {report.created}, update"
            f" {report.updated}, delete {report.deleted}; {report.unchanged} unchanged"
            + (" (the calendar would be created)" if report.new_calendar else "")
            + "; nothing was changed"
        )
    else:
        head = (
            f"{report.athlete} → {where}: {report.created} created, {report.updated} updated,"
            f" {report.deleted} deleted, {report.unchanged} unchanged"
            + (" (calendar created)" if report.new_calendar else "")
        )
    lines = [head]
    if chosen.runs_calendar:
        lines.append(f"runs from {chosen.runs_calendar!r}: {report.runs_pulled} changes")
    if report.tasks:
        lines.append(
            f"ticks: {report.ticks_pulled} pulled from the phone, {report.ticks_pushed} logs pushed"
        )
    lines += [f"  {line}" for line in report.details]
    lines += [f"both sides changed {line}" for line in report.conflicts]
    lines += [f"skipped {line}" for line in report.skipped]
    back = "would put back on the server" if report.dry_run else "put back on the server"
    lines += [f"{back}: {line}" for line in report.put_back]
    if report.change is not None:
        verb = "would change" if report.dry_run else "changed"
        lines.append(f"plan {verb} from week {report.change.week}: {report.change.reason}")
    return "\n".join(lines)


def _words_before_a_plan(report: sync.SyncReport, chosen: sync_settings.SyncSettings) -> str:
    verb = "would pull" if report.dry_run else "pulled"
    lines = [f"{report.athlete} has no plan yet: a plan is still to be built, nothing was pushed"]
    if chosen.runs_calendar:
        lines.append(f"runs from {chosen.runs_calendar!r}: {verb} {report.runs_pulled} changes")
    lines += [f"  {line}" for line in report.details]
    lines += [f"skipped {line}" for line in report.skipped]
    lines.append(f"next: hipplan plan build {report.athlete!r} --start DATE --weeks N, then sync")
    return "\n".join(lines)
