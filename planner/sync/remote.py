"""A CalDAV server behind a small interface: calendars by name, their objects with ETags, and
conditional writes. The only module that imports caldav; every failure leaves it as a SyncError
with one line fit for the user (what failed and where), never a traceback or a password.

A calendar is read in two steps: one PROPFIND lists each object's address, ETag and size, then
only objects whose ETag is new to this machine are fetched, one GET each. A second sync with
nothing changed costs one listing per calendar, and an object too big to be a session (a 20 MB
description) is skipped before it is read instead of breaking the whole listing.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urljoin, urlsplit

from caldav.davclient import DAVClient
from caldav.lib import error as dav_error

from planner.domain.errors import CalendarMissing, SyncAuthError, SyncConflict, SyncError

T = TypeVar("T")
TIMEOUT_SECONDS = 30  # one read on the socket
SYNC_DEADLINE_SECONDS = 120.0  # one athlete's whole sync, every request together
MAX_OBJECT_BYTES = 1024 * 1024  # a session's event or task is a few KiB; bigger is not ours
_OK = {200, 201, 204}
_DAV = "{DAV:}"
_LISTING = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<d:propfind xmlns:d="DAV:"><d:prop>'
    "<d:getetag/><d:getcontentlength/><d:resourcetype/>"
    "</d:prop></d:propfind>"
)
# caldav and the HTTP layer log warnings (deviations, retries); with no handler Python would
# print them on stderr, where an error must be one line.
for _name in ("caldav", "niquests", "urllib3", "urllib3_future", "requests"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


class AddressTaken(SyncError):
    """A create found another object at the address the new one was to have."""


@dataclass(frozen=True)
class Listed:
    href: str
    etag: str | None
    size: int | None  # None: the server did not say


@dataclass(frozen=True)
class Written:
    href: str
    etag: str | None  # None: the server did not say; the next sync reads the object again


@dataclass(frozen=True)
class RemoteCalendar:
    name: str
    handle: Any  # the caldav Calendar


class Server:
    """One login to one server; `connect` checks the address and the password.

    Every request runs against one deadline for the whole sync: a server that answers a byte at a
    time would otherwise keep a sync going for ever (each read stays under the read timeout).
    A request still running at the deadline is left to its thread; nothing after it is sent.
    """

    def __init__(
        self, url: str, user: str, password: str, deadline_seconds: float | None = None
    ) -> None:
        self.url = url
        self.user = user
        self._password = password
        self._client: Any = None
        self._principal: Any = None
        self._calendars: list[RemoteCalendar] | None = None
        self.seconds = SYNC_DEADLINE_SECONDS if deadline_seconds is None else deadline_seconds
        self._deadline = time.monotonic() + self.seconds
        self.requests = 0  # HTTP requests sent, for the figures of a squad sync

    def connect(self) -> None:
        def log_in() -> None:
            self._client = DAVClient(
                url=self.url,
                username=self.user,
                password=self._password,
                timeout=TIMEOUT_SECONDS,
                enable_rfc6764=False,
            )
            self._count_requests(self._client)
            self._principal = self._client.principal()

        self._timed("log in", log_in)

    def renew_deadline(self, seconds: float | None = None) -> None:
        """A deadline of its own for the next sync over this login (a squad's next athlete)."""
        self.seconds = SYNC_DEADLINE_SECONDS if seconds is None else seconds
        self._deadline = time.monotonic() + self.seconds

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()

    def calendars(self) -> list[RemoteCalendar]:
        """The user's collections, listed once per sync."""
        if self._calendars is None:
            found = self._timed("list the calendars", lambda: list(self._principal.calendars()))
            self._calendars = [RemoteCalendar(self._name_of(c), c) for c in found]
        return self._calendars

    def calendar_names(self) -> list[str]:
        return [c.name for c in self.calendars()]

    def find_calendar(self, name: str) -> RemoteCalendar | None:
        """The calendar with this display name (exactly, else ignoring case), or None."""
        calendars = self.calendars()
        exact = [c for c in calendars if c.name == name]
        loose = [c for c in calendars if c.name.casefold() == name.casefold()]
        matches = exact or loose
        return matches[0] if matches else None

    def calendar(self, name: str, field: str) -> RemoteCalendar:
        found = self.find_calendar(name)
        if found is None:
            names = ", ".join(repr(n) for n in self.calendar_names()) or "none"
            raise CalendarMissing(
                field, f"no calendar {name!r} for {self.user} at {self.url} (there are: {names})"
            )
        return found

    def create_calendar(self, name: str, component: str = "VEVENT") -> RemoteCalendar:
        """A new collection for one component, at an address made from its name
        ("hip-mobility-ana-tight"), so a server's rights file can name it; where that address is
        taken, wherever the server puts it."""

        def make(cal_id: str | None) -> Any:
            return self._principal.make_calendar(
                name=name, cal_id=cal_id, supported_calendar_component_set=[component]
            )

        doing = f"create the calendar {name!r}"
        try:
            handle = self._timed(doing, lambda: make(slug(name) or None))
        except SyncAuthError:
            raise
        except SyncError:
            handle = self._timed(doing, lambda: make(None))
        made = RemoteCalendar(name, handle)
        if self._calendars is not None:
            self._calendars.append(made)
        return made

    def listing(self, calendar: RemoteCalendar) -> list[Listed]:
        """Each object's address, ETag and size in one PROPFIND: no calendar data, so one huge
        object cannot break the listing, and unchanged objects need no further request."""
        url = str(calendar.handle.url)
        response = self._timed(
            f"list the calendar {calendar.name!r}",
            lambda: self._client.request(url, "PROPFIND", _LISTING, {"Depth": "1"}),
        )
        if int(response.status) not in (200, 207) or response.tree is None:
            raise SyncError(
                f"could not list the calendar {calendar.name!r} at {self.url}:"
                f" {response.status} {getattr(response, 'reason', '') or ''}".rstrip()
            )
        base = str(calendar.handle.url)
        return [item for item in _listed(response.tree, base) if item.href != base]

    def fetch(self, item: Listed) -> bytes | None:
        """One object's data; None when it went away since the listing."""
        response = self._timed(
            f"read {item.href}", lambda: self._client.request(item.href, "GET", "", {})
        )
        status = int(response.status)
        if status == 404:
            return None
        if status != 200:
            raise SyncError(f"the server at {self.url} refused to send {item.href}: {status}")
        raw = getattr(response, "_raw_body", b"") or response.raw
        return raw if isinstance(raw, bytes) else str(raw).encode("utf-8")

    @staticmethod
    def address(calendar: RemoteCalendar, file_name: str) -> str:
        return str(calendar.handle.url.join(quote(file_name)))

    def create(self, calendar: RemoteCalendar, file_name: str, data: bytes, what: str) -> Written:
        url = self.address(calendar, file_name)
        return self._write("PUT", url, data, {"If-None-Match": "*"}, what)

    def update(self, href: str, etag: str | None, data: bytes, what: str) -> Written:
        return self._write("PUT", href, data, {"If-Match": etag} if etag else {}, what)

    def delete(self, href: str, etag: str | None, what: str) -> None:
        self._write("DELETE", href, None, {"If-Match": etag} if etag else {}, what)

    def _write(
        self, method: str, url: str, data: bytes | None, headers: dict[str, str], what: str
    ) -> Written:
        verb = "delete" if method == "DELETE" else "write"
        if data is None:
            response = self._timed(f"{verb} {what}", lambda: self._client.delete(url, headers))
        else:
            headers = {**headers, "Content-Type": "text/calendar; charset=utf-8"}
            body = data.decode("utf-8")
            response = self._timed(f"{verb} {what}", lambda: self._client.put(url, body, headers))
        status = int(response.status)
        if status == 412 and "If-None-Match" in headers:
            raise AddressTaken(f"something else is stored where {what} goes ({url})")
        if status == 412 or (status == 404 and method == "PUT" and "If-Match" in headers):
            raise SyncConflict(
                f"{what} changed on the server while syncing; nothing was changed here,"
                " sync again to take the server's version into account"
            )
        if status == 404 and method == "DELETE":
            return Written(url, None)  # already gone: what deleting wanted
        if status not in _OK:
            reason = getattr(response, "reason", "") or ""
            raise SyncError(
                f"the server at {self.url} refused to {verb} {what}: {status} {reason}".rstrip()
            )
        etag = (response.headers or {}).get("ETag")
        return Written(normal(url), str(etag) if etag else None)

    def _timed(self, doing: str, work: Callable[[], T]) -> T:
        """`work` in a thread of its own, given what is left of the sync's deadline."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise self._too_slow(doing)
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                with self._failures(doing):
                    box["value"] = work()
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc

        thread = threading.Thread(target=run, name="caldav-request", daemon=True)
        thread.start()
        thread.join(left)
        if thread.is_alive():
            raise self._too_slow(doing)
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]

    def _too_slow(self, doing: str) -> SyncError:
        return SyncError(
            f"the CalDAV server at {self.url} was too slow: the sync stopped after"
            f" {self.seconds:g} s while trying to {doing}; sync again later"
        )

    def _count_requests(self, client: Any) -> None:
        send = client.request

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.requests += 1
            return send(*args, **kwargs)

        client.request = counted

    @staticmethod
    def _name_of(calendar: Any) -> str:
        name = calendar.get_display_name()
        return str(name) if name else str(calendar.url).rstrip("/").rsplit("/", 1)[-1]

    @contextlib.contextmanager
    def _failures(self, doing: str) -> Iterator[None]:
        """Whatever caldav or the HTTP layer raises, as one SyncError naming the server."""
        try:
            yield
        except SyncError:
            raise
        except dav_error.AuthorizationError as exc:
            if getattr(exc, "status", None) == 403:
                raise SyncAuthError(
                    f"{self.user} may not {doing} at {self.url} (permission denied)"
                ) from None
            raise SyncAuthError(
                f"the server at {self.url} refused the user name or password for {self.user}"
            ) from None
        except dav_error.NotFoundError:
            raise SyncError(
                f"could not {doing}: nothing at {self.url} (is the address right?)"
            ) from None
        except dav_error.DAVError as exc:
            reason = _first_line(str(getattr(exc, "reason", "") or ""))
            if not reason or reason == dav_error.DAVError.reason:
                reason = "its answer was not CalDAV"
            raise SyncError(f"could not {doing} at {self.url}: {reason}") from None
        except OSError as exc:  # the HTTP library's connection errors are OSErrors
            raise SyncError(
                f"cannot reach the CalDAV server at {self.url} ({_reason(exc)})"
            ) from None
        except Exception as exc:  # XML that is not CalDAV, HTML error pages, broken iCalendar
            raise SyncError(
                f"the server at {self.url} sent an answer that is not CalDAV while trying to"
                f" {doing} ({type(exc).__name__}: {_first_line(str(exc))})"
            ) from None


def slug(name: str) -> str:
    """'Hip mobility – Zoë O'Brien' -> 'hip-mobility-zoe-o-brien'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:100]


def normal(url: str) -> str:
    """One spelling of an address, however the server or caldav quoted it."""
    return quote(unquote(url), safe="/@:+,;=~")


def path_of(url: str) -> str:
    """An address's path without its quoting, to compare two spellings of one address."""
    return unquote(urlsplit(url).path)


def _listed(tree: Any, base: str) -> Iterator[Listed]:
    for response in tree.iter(f"{_DAV}response"):
        href = response.findtext(f"{_DAV}href")
        if not href:
            continue
        if response.find(f".//{_DAV}resourcetype/{_DAV}collection") is not None:
            continue
        etag = response.findtext(f".//{_DAV}getetag")
        size = response.findtext(f".//{_DAV}getcontentlength")
        yield Listed(
            normal(urljoin(base, href.strip())),
            etag.strip() if etag else None,
            int(size) if size and size.strip().isdigit() else None,
        )


def _reason(exc: OSError) -> str:
    text = str(exc)
    for known in ("Connection refused", "timed out", "Name or service not known", "certificate"):
        if known.lower() in text.lower():
            return known.lower()
    return _first_line(text) or type(exc).__name__


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:160] if lines else ""
