"""The board's bookkeeping without an app: stale reads are dropped, a choice reads one detail,
the clock and the file call for fresh reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner import clock
from planner.storage import Listing, Repository
from planner.tui.board import BoardKeeper, DetailRead
from planner.tui.state import summarise
from tests.support.pilot import FROZEN_NOW


def test_a_list_read_overtaken_by_a_newer_one_is_dropped(demo_repo: Repository) -> None:
    keeper = BoardKeeper(demo_repo, "Ana Tight")
    old, new = keeper.reload(), keeper.reload()
    assert not keeper.list_loaded(keeper.read_list(old), old.generation)
    assert not keeper.board.summaries
    assert keeper.list_loaded(keeper.read_list(new), new.generation)
    names = [summary.name for summary in keeper.board.summaries]
    assert names == ["Ana Tight", "Ben Mid", "Cal Loose"]
    assert keeper.board.loading == "Ana Tight"  # the detail comes in its own read


def test_the_newest_choice_wins_and_an_older_detail_is_not_read(demo_repo: Repository) -> None:
    keeper = BoardKeeper(demo_repo, "Ana Tight")
    read = keeper.reload()
    keeper.list_loaded(keeper.read_list(read), read.generation)
    ben = keeper.choose("Ben Mid")
    cal = keeper.choose("cal loose")  # names match whatever their case
    assert ben is not None and cal is not None
    assert keeper.read_detail(ben) is None  # chosen over before it was read
    detail = keeper.read_detail(cal)
    assert detail is not None and detail.athlete.name == "Cal Loose"
    assert not keeper.detail_loaded(detail, ben.generation)
    assert keeper.detail_loaded(detail, cal.generation)
    assert keeper.board.selected_detail == detail
    assert keeper.choose("Cal Loose") is None  # already shown: nothing to read


def test_a_removed_athlete_reads_as_nothing(demo_repo: Repository) -> None:
    keeper = BoardKeeper(demo_repo)
    assert keeper.read_detail(DetailRead(0, "Nobody Here")) is None


def test_the_clock_and_the_file_call_for_fresh_reads(demo_repo: Repository) -> None:
    keeper = BoardKeeper(demo_repo)
    keeper.reload()
    assert not keeper.clock_moved()
    clock.freeze(FROZEN_NOW + timedelta(minutes=1))
    assert keeper.clock_moved()
    keeper.reload()
    assert not keeper.clock_moved()
    assert not keeper.file_changed()
    other = Repository.open(demo_repo.path)
    other.remove_athlete("Cal Loose")
    assert keeper.file_changed()


def listed_keeper(repo: Repository) -> BoardKeeper:
    keeper = BoardKeeper(repo, "Ana Tight")
    read = keeper.reload()
    assert keeper.list_loaded(keeper.read_list(read), read.generation)
    return keeper


def test_when_only_the_clock_moved_the_list_is_not_read_again(
    demo_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = {s.name: s for s in demo_repo.summaries()}
    keeper = listed_keeper(demo_repo)
    reads: list[int] = []

    def counted() -> Listing:
        reads.append(1)
        return Listing.of(list(stored.values()))

    monkeypatch.setattr(demo_repo, "listing", counted)
    later = FROZEN_NOW + timedelta(days=7)  # a week on: the rows' weeks move with it
    clock.freeze(later)

    read = keeper.reload(clock_only=True)
    board = keeper.read_list(read)

    assert reads == []
    assert list(board.names) == ["Ana Tight", "Ben Mid", "Cal Loose"]
    for row in board.summaries:
        assert row == summarise(stored[row.name], later)
    assert keeper.list_loaded(board, read.generation)
    keeper.read_list(keeper.reload())  # any other reload reads the list again
    assert len(reads) == 1


def test_a_clock_reload_reads_the_list_when_the_file_changed_underneath(
    demo_repo: Repository,
) -> None:
    keeper = listed_keeper(demo_repo)
    Repository.open(demo_repo.path).remove_athlete("Cal Loose")

    board = keeper.read_list(keeper.reload(clock_only=True))

    assert list(board.names) == ["Ana Tight", "Ben Mid"]


def test_a_clock_reload_does_not_reuse_a_list_while_a_newer_read_is_on_its_way(
    demo_repo: Repository,
) -> None:
    keeper = listed_keeper(demo_repo)
    keeper.reload()  # after a write here: its list not read yet

    assert keeper.reload(clock_only=True).kept is None


def test_the_wizard_opens_once_on_an_empty_database(repo: Repository) -> None:
    keeper = BoardKeeper(repo)
    read = keeper.reload()
    keeper.list_loaded(keeper.read_list(read), read.generation)
    assert keeper.first_list_is_empty()
    assert not keeper.first_list_is_empty()
