"""A CalDAV server behind a small interface: calendars by name, their objects with ETags, and
conditional writes. The only module that imports caldav; every failure leaves it as a SyncError
with one line fit for the user (what failed and where), never a traceback or a password.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from caldav.davclient import DAVClient
from caldav.lib import error as dav_error

from planner.domain.errors import CalendarMissing, SyncAuthError, SyncConflict, SyncError

TIMEOUT_SECONDS = 30
_OK = {200, 201, 204}
# caldav and the HTTP layer log warnings (deviations, retries); with no handler Python would
# print them on stderr, where an error must be one line.
for _name in ("caldav", "niquests", "urllib3", "urllib3_future", "requests"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


@dataclass(frozen=True)
class RemoteObject:
    href: str
    etag: str | None
    data: bytes


@dataclass(frozen=True)
class RemoteCalendar:
    name: str
    handle: Any  # the caldav Calendar


class Server:
    """One login to one server; `connect` checks the address and the password."""

    def __init__(self, url: str, user: str, password: str) -> None:
        self.url = url
        self.user = user
        self._password = password
        self._client: Any = None
        self._principal: Any = None

    def connect(self) -> None:
        with self._failures("log in"):
            self._client = DAVClient(
                url=self.url,
                username=self.user,
                password=self._password,
                timeout=TIMEOUT_SECONDS,
                enable_rfc6764=False,
            )
            self._principal = self._client.principal()

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()

    def calendar_names(self) -> list[str]:
        with self._failures("list the calendars"):
            return [self._name_of(c) for c in self._principal.calendars()]

    def find_calendar(self, name: str) -> RemoteCalendar | None:
        """The calendar with this display name (exactly, else ignoring case), or None."""
        with self._failures("list the calendars"):
            calendars = [(self._name_of(c), c) for c in self._principal.calendars()]
        exact = [RemoteCalendar(n, c) for n, c in calendars if n == name]
        loose = [RemoteCalendar(n, c) for n, c in calendars if n.casefold() == name.casefold()]
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

    def create_calendar(self, name: str) -> RemoteCalendar:
        with self._failures(f"create the calendar {name!r}"):
            handle = self._principal.make_calendar(
                name=name, supported_calendar_component_set=["VEVENT"]
            )
        return RemoteCalendar(name, handle)

    def objects(self, calendar: RemoteCalendar) -> list[RemoteObject]:
        """Every event object of the calendar, as stored (recurrences not expanded)."""
        with self._failures(f"read the calendar {calendar.name!r}"):
            found = calendar.handle.search(event=True)
            objects = []
            for item in found:
                data = item.data
                if data is None:
                    item.load()
                    data = item.data
                etag = (item.props or {}).get("{DAV:}getetag")
                text = data if isinstance(data, str) else bytes(data).decode("utf-8")
                objects.append(RemoteObject(str(item.url), etag, text.encode("utf-8")))
            return objects

    def create(self, calendar: RemoteCalendar, file_name: str, data: bytes, what: str) -> None:
        url = str(calendar.handle.url.join(quote(file_name)))
        self._write("PUT", url, data, {"If-None-Match": "*"}, what)

    def update(self, href: str, etag: str | None, data: bytes, what: str) -> None:
        self._write("PUT", href, data, {"If-Match": etag} if etag else {}, what)

    def delete(self, href: str, etag: str | None, what: str) -> None:
        self._write("DELETE", href, None, {"If-Match": etag} if etag else {}, what)

    def _write(
        self, method: str, url: str, data: bytes | None, headers: dict[str, str], what: str
    ) -> None:
        verb = "delete" if method == "DELETE" else "write"
        with self._failures(f"{verb} {what}"):
            if data is None:
                response = self._client.delete(url, headers)
            else:
                headers = {**headers, "Content-Type": "text/calendar; charset=utf-8"}
                response = self._client.put(url, data.decode("utf-8"), headers)
        status = int(response.status)
        if status == 412 or (status == 404 and method == "PUT" and "If-Match" in headers):
            raise SyncConflict(
                f"{what} changed on the server while syncing; nothing was changed here,"
                " sync again to take the server's version into account"
            )
        if status == 404 and method == "DELETE":
            return  # already gone: what deleting wanted
        if status not in _OK:
            reason = getattr(response, "reason", "") or ""
            raise SyncError(
                f"the server at {self.url} refused to {verb} {what}: {status} {reason}".rstrip()
            )

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


def _reason(exc: OSError) -> str:
    text = str(exc)
    for known in ("Connection refused", "timed out", "Name or service not known", "certificate"):
        if known.lower() in text.lower():
            return known.lower()
    return _first_line(text) or type(exc).__name__


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:160] if lines else ""
