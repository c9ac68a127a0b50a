"""The board's bookkeeping without an app: stale reads are dropped, a choice reads one detail,
the clock and the file call for fresh reads."""

from __future__ import annotations

from datetime import timedelta

from planner import clock
from planner.storage import Repository
from planner.tui.board import BoardKeeper, DetailRead
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


def test_the_wizard_opens_once_on_an_empty_database(repo: Repository) -> None:
    keeper = BoardKeeper(repo)
    read = keeper.reload()
    keeper.list_loaded(keeper.read_list(read), read.generation)
    assert keeper.first_list_is_empty()
    assert not keeper.first_list_is_empty()
