"""The board's bookkeeping, without Textual: which reads are current, what a finished read
changes, when the clock or the file calls for a fresh read.

The app asks for a read (`reload`, `choose`), runs it in a worker (`read_list`, `read_detail`,
`file_changed`) and hands the result back (`list_loaded`, `detail_loaded`); a read overtaken by a
newer request is dropped. Every call but the reads runs on the UI thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from planner import clock
from planner.domain.errors import UnknownAthlete
from planner.domain.model import as_utc, name_key
from planner.tui.state import AthleteDetail, Board, Roster, listed, load_board
from planner.tui.state import load_detail as load_detail  # tests hold reads back here

if TYPE_CHECKING:
    from planner.storage import FileStore


@dataclass(frozen=True)
class ListRead:
    """Read the athletes list, then the detail of `selected`. With `kept`, the list read before
    is shown as of the new time unless the file changed underneath (only the clock moved)."""

    generation: int
    detail_generation: int
    selected: str | None
    kept: Roster | None = None


@dataclass(frozen=True)
class DetailRead:
    """Read the detail of `name` alone (another athlete chosen)."""

    generation: int
    name: str


class BoardKeeper:
    """The repository, the board read from it, and the generation of each kind of read."""

    def __init__(self, repo: FileStore, selected: str | None = None) -> None:
        self.repo = repo
        # TinyDB objects are not thread-safe: one worker at a time touches the repository.
        self.lock = threading.RLock()
        self.board = Board(selected=selected)
        self.read_at = clock.now()  # the "now" the board shown was read with
        self._generation = 0  # of list reads
        self._shown = 0  # the generation of the list shown
        self._detail_generation = 0  # of detail reads: each reload and each choice
        self._first_list = True

    # -- requests, on the UI thread ----------------------------------------------------------

    def reload(self, *, clock_only: bool = False) -> ListRead:
        """A fresh list and detail; any read still running is overtaken. `clock_only`: nothing
        was written here, only the clock moved, so the stored summaries already read may serve
        again (a squad's list then costs the rows shown, not a read of every athlete)."""
        # Only the list of the latest read may serve again: a read still running may follow a
        # write made here, which the list shown does not hold yet.
        summaries, settled = self.board.summaries, self._shown == self._generation
        kept = summaries if clock_only and settled and isinstance(summaries, Roster) else None
        self._generation += 1
        self._detail_generation += 1
        self.read_at = clock.now()
        return ListRead(self._generation, self._detail_generation, self.board.selected, kept)

    def choose(self, name: str) -> DetailRead | None:
        """Show `name`: the board follows at once; the read of their detail, if it is needed."""
        if self.board.selected and name_key(self.board.selected) == name_key(name):
            return None
        self.board = self.board.choose(name)
        self._detail_generation += 1
        if self.board.loading is None:
            return None
        return DetailRead(self._detail_generation, self.board.loading)

    def expect(self, name: str) -> None:
        """Select `name` once the next list names them (an athlete just added)."""
        self.board = replace(self.board, selected=name)

    def clock_moved(self) -> bool:
        """True when the minute the board was read in has passed: what has started, what is due
        and which day is today follow the clock."""
        return _minute(clock.now()) != _minute(self.read_at)

    # -- reads, in a worker --------------------------------------------------------------------

    def read_list(self, read: ListRead) -> Board:
        with self.lock:
            if read.kept is not None and not self.repo.refresh():
                return listed(read.kept.at(clock.now()), read.selected)
            return load_board(self.repo, read.selected, clock.now())

    def read_detail(self, read: DetailRead) -> AthleteDetail | None:
        """The detail asked for; None when another athlete was chosen meanwhile, or this one
        removed (the reload after the removal lists who is left)."""
        with self.lock:
            if read.generation != self._detail_generation:
                return None  # chosen over while this waited for the lock
            try:
                return load_detail(self.repo, read.name, clock.now())
            except UnknownAthlete:
                return None

    def file_changed(self) -> bool:
        """Whether another process replaced the file (then the board is read again)."""
        with self.lock:
            return self.repo.refresh()

    # -- results, on the UI thread -----------------------------------------------------------

    def list_loaded(self, board: Board, generation: int) -> bool:
        """Take a finished list read; False when a newer one was asked for meanwhile."""
        if generation != self._generation:
            return False
        self._shown = generation
        # The detail shown stays until its fresh read lands; a choice made meanwhile stands.
        fresh = replace(board, detail=self.board.detail)
        self.board = fresh.choose(self.board.selected or board.selected)
        return True

    def detail_loaded(self, detail: AthleteDetail, generation: int) -> bool:
        """Take a finished detail read; False when an older choice or read finished late."""
        if generation != self._detail_generation:
            return False
        self.board = replace(self.board, detail=detail)
        return True

    def first_list_is_empty(self) -> bool:
        """True once: when the first list read finds no athlete (the app opens the wizard)."""
        first, self._first_list = self._first_list, False
        return first and self.board.empty


def _minute(instant: datetime) -> datetime:
    return as_utc(instant).replace(second=0, microsecond=0)
