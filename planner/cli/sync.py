"""`sync`: two-way sync of the plan with a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale).

caldav and keyring load only when this command runs (through `lazy_import`), so `hipplan --help`
and every other command start without them.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

from planner.cli import options
from planner.cli.common import (
    UsageError,
    argtype,
    changes_json,
    lazy_import,
    open_repo,
    print_json,
)
from planner.domain import inputs
from planner.domain.errors import InvalidInput, PlannerError

if TYPE_CHECKING:
    from planner.services import sync
    from planner.services.sync import SyncReport
    from planner.sync.settings import SyncSettings
else:
    sync = lazy_import("planner.services.sync")

DEFAULT_MATCH = "run"  # the importer's default, named here so --help does not load icalendar


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="two-way sync with a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale)",
        description="Push each session to the athlete's calendar on a CalDAV server (created if"
        " missing), pull runs from --runs-calendar and sessions moved in the calendar app. The"
        " flags are remembered per athlete, so the next sync needs none. The password comes from"
        " HIPPLAN_CALDAV_PASSWORD, else the system keyring, else a prompt.",
    )
    options.add_name(parser)
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
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    options.add_json_result(parser)
    parser.set_defaults(func=sync_cmd)


def sync_cmd(args: argparse.Namespace) -> int:
    with open_repo(args) as repo:
        athlete, chosen = sync.settings_for(
            repo,
            args.name,
            url=args.url,
            user=args.user,
            calendar=args.calendar,
            runs_calendar=args.runs_calendar,
            match=args.match,
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


def _password(chosen: SyncSettings) -> tuple[str, str]:
    """From the environment or the keyring, else asked for on the terminal; never a flag."""
    assert chosen.url and chosen.user
    found = sync.stored_password(chosen.url, chosen.user)
    if found is not None:
        return found
    if not sys.stdin.isatty():
        raise PlannerError(
            f"no password for {chosen.user} at {chosen.url}: set HIPPLAN_CALDAV_PASSWORD"
            " or run the sync once on a terminal to be asked"
        )
    password = getpass.getpass(f"CalDAV password for {chosen.user} at {chosen.url}: ")
    if not password:
        raise InvalidInput("password", "no password given")
    return password, "prompt"


def _offer_keyring(chosen: SyncSettings, password: str) -> None:
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

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        width = 20
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\rsyncing [{bar}] {done}/{total} events")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _json(report: SyncReport) -> dict[str, Any]:
    return {
        "created": report.created,
        "updated": report.updated,
        "deleted": report.deleted,
        "unchanged": report.unchanged,
        "runs_pulled": report.runs_pulled,
        "moves_pulled": report.moves_pulled,
        "put_back": list(report.put_back),
        "plan_changes": changes_json(report.change),
        "dry_run": report.dry_run,
    }


def _words(report: SyncReport, chosen: SyncSettings) -> str:
    where = f"{report.calendar!r} at {chosen.url}"
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
    lines += [f"  {line}" for line in report.details]
    back = "would put back on the server" if report.dry_run else "put back on the server"
    lines += [f"{back}: {line}" for line in report.put_back]
    if report.change is not None:
        verb = "would change" if report.dry_run else "changed"
        lines.append(f"plan {verb} from week {report.change.week}: {report.change.reason}")
    return "\n".join(lines)
