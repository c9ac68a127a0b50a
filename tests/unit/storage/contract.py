"""What every store promises (`planner.storage.interface.Store`), as tests any store runs.

A store joins by one line in `test_contract.py`'s STORES: a name and how to open it in a
folder. `opened` gives a new handle on the same data (a second process, for a file store), so
what one writes the next reader sees.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner import plans_io
from planner.domain.activity_records import Activity, ActivityRecord, LastImport, RunOutcome
from planner.domain.builder import build_plan
from planner.domain.checkins import CheckIn
from planner.domain.errors import AthleteExists, UnknownAthlete
from planner.domain.model import Athlete, BusyBlock, LogEntry, Plan, Run, RunChanges, RunRule
from planner.domain.schedule import expand_rule
from planner.domain.summary import summarise
from planner.storage import Store

Opener = Callable[[], Store]

ANN = "Ann Lee"
ZONE = ZoneInfo("Europe/London")
RULE = RunRule((0, 2, 5), time(6, 30), 45)
OTHER_RULE = RunRule((1,), time(18, 0), 30)
AT = datetime(2027, 3, 3, 12, 0, tzinfo=ZONE)
START = date(2027, 3, 1)


class Boom(Exception):
    """Raised inside a transaction to see it rolled back."""


def entry(session_id: str, status: str = "done", minutes: int = 10) -> LogEntry:
    return LogEntry(session_id, status, minutes, AT)  # type: ignore[arg-type]


def run(day: int, source: str = "club.ics") -> Run:
    start = datetime(2027, 3, day, 7, 0, tzinfo=ZONE)
    return Run(f"cal-{day}", start, start + timedelta(minutes=40), source, "Club run")


def block(day: int, source: str = "club.ics") -> BusyBlock:
    start = datetime(2027, 3, day, 9, 0, tzinfo=ZONE)
    return BusyBlock(start, start + timedelta(hours=2), "work", source)


def plan_for(store: Store, start: date = START, weeks: int = 4, rule: RunRule = RULE) -> Plan:
    athlete = store.get_athlete(ANN)
    end = start + timedelta(weeks=weeks)
    runs = [r for r in expand_rule(rule, athlete.zone, start, end) if r.start.date() < end]
    template, catalogue = plans_io.load_template("standard"), plans_io.load_catalogue()
    return build_plan(athlete, runs, start, weeks, template, catalogue)


def record() -> ActivityRecord:
    start = datetime(2027, 3, 1, 6, 31, tzinfo=ZONE)
    return ActivityRecord(
        activities=(
            Activity("a1", "run", "running", start, start + timedelta(minutes=44), "w.fit"),
        ),
        outcomes=(
            RunOutcome("run-20270301-0630", True, start, start + timedelta(minutes=44), "a1"),
        ),
        folder="/watch",
        last=LastImport(AT, "/watch", 1, 1, 0, 0, 0),
    )


# Every write that names an athlete, with arguments, for the unknown-athlete contract.
WRITES: dict[str, Callable[[Store], object]] = {
    "remove_athlete": lambda s: s.remove_athlete("Nobody"),
    "add_run_rule": lambda s: s.add_run_rule("Nobody", RULE),
    "remove_run_rule": lambda s: s.remove_run_rule("Nobody", RULE.id),
    "save_run_changes": lambda s: s.save_run_changes("Nobody", RunChanges()),
    "remove_source": lambda s: s.remove_source("Nobody", "club.ics"),
    "replace_imported_runs": lambda s: s.replace_imported_runs("Nobody", "club.ics", [run(1)]),
    "replace_busy": lambda s: s.replace_busy("Nobody", "club.ics", [block(1)]),
    "save_plan": lambda s: s.save_plan(dataclasses.replace(plan_for(s), athlete="Nobody")),
    "save_published": lambda s: s.save_published("Nobody", {"x": 0}),
    "log": lambda s: s.log("Nobody", entry("20270301-pre")),
    "log_many": lambda s: s.log_many("Nobody", [entry("20270301-pre")]),
    "unlog": lambda s: s.unlog("Nobody", "20270301-pre"),
    "save_checkin": lambda s: s.save_checkin("Nobody", CheckIn(START, 1, 1, 1)),
    "save_activity_record": lambda s: s.save_activity_record("Nobody", ActivityRecord()),
}
# Reads that need the athlete's zone refuse an unknown name; the others read as empty.
ZONED_READS: dict[str, Callable[[Store], object]] = {
    "get_athlete": lambda s: s.get_athlete("Nobody"),
    "run_changes": lambda s: s.run_changes("Nobody"),
    "imported_runs": lambda s: s.imported_runs("Nobody"),
    "busy": lambda s: s.busy("Nobody"),
    "activity_record": lambda s: s.activity_record("Nobody"),
    "older_record": lambda s: s.older_record("Nobody"),
}
EMPTY_READS: dict[str, Callable[[Store], object]] = {
    "run_rules": lambda s: s.run_rules("Nobody"),
    "sources": lambda s: s.sources("Nobody"),
    "get_plan": lambda s: s.get_plan("Nobody"),
    "plan_history": lambda s: s.plan_history("Nobody"),
    "published": lambda s: s.published("Nobody"),
    "logs": lambda s: s.logs("Nobody"),
    "checkins": lambda s: s.checkins("Nobody"),
    "last_import": lambda s: s.last_import("Nobody"),
}


class StoreContract:
    """The tests; a subclass gives the `opened` fixture."""

    @pytest.fixture
    def opened(self) -> Opener:
        raise NotImplementedError("a store's suite gives `opened`")

    @pytest.fixture
    def store(self, opened: Opener) -> Store:
        store = opened()
        store.add_athlete(Athlete(ANN, 5, tz="Europe/London"))
        return store

    # -- athletes ------------------------------------------------------------------------------

    def test_an_athlete_round_trips(self, store: Store, opened: Opener) -> None:
        ben = Athlete("Ben Ode", 3, "triathlon", 6.5, "America/New_York", 0.8, True)
        store.add_athlete(ben)
        assert opened().get_athlete("ben ode") == ben
        assert [a.name for a in opened().athletes()] == [ANN, "Ben Ode"]

    def test_names_match_by_case_spaces_and_unicode_form(self, store: Store) -> None:
        composed = unicodedata.normalize("NFC", "José Núñez")
        decomposed = unicodedata.normalize("NFD", "josé  NÚÑEZ ")
        assert composed != decomposed
        store.add_athlete(Athlete(composed, 4))
        assert store.get_athlete(decomposed).name == composed
        with pytest.raises(AthleteExists) as refused:
            store.add_athlete(Athlete(decomposed.strip(), 2))
        assert refused.value.name == decomposed.strip()
        store.log(decomposed, entry("20270301-pre"))
        assert store.logs(composed) == [entry("20270301-pre")]
        assert [a.name for a in store.athletes()] == [ANN, composed]

    def test_an_unknown_athlete_is_named_in_the_error(self, store: Store) -> None:
        with pytest.raises(UnknownAthlete) as unknown:
            store.get_athlete("  Bob   Hill ")
        assert unknown.value.name == "Bob Hill" and unknown.value.field == "name"

    def test_save_athlete_replaces_or_adds(self, store: Store, opened: Opener) -> None:
        store.save_athlete(dataclasses.replace(store.get_athlete(ANN), tightness=2))
        store.save_athlete(Athlete("Cy", 1))
        assert [(a.name, a.tightness) for a in opened().athletes()] == [(ANN, 2), ("Cy", 1)]

    def test_removing_an_athlete_removes_everything_of_theirs(
        self, store: Store, opened: Opener
    ) -> None:
        store.add_run_rule(ANN, RULE)
        store.replace_imported_runs(ANN, "club.ics", [run(2)])
        store.save_plan(plan_for(store))
        store.log(ANN, entry("20270301-pre"))
        store.save_checkin(ANN, CheckIn(START, 2, 2, 2))
        store.remove_athlete("ann lee")
        assert opened().athletes() == []
        store.add_athlete(Athlete(ANN, 5))
        fresh = opened()
        assert fresh.run_rules(ANN) == [] and fresh.sources(ANN) == [] and fresh.logs(ANN) == []
        assert fresh.get_plan(ANN) is None and fresh.checkins(ANN) == []

    def test_summaries_are_what_the_athlete_holds(self, store: Store, opened: Opener) -> None:
        earlier = plan_for(store, start=START - timedelta(weeks=6))
        store.save_plan(earlier)
        store.log_many(ANN, [entry(s.id) for s in earlier.sessions])  # history of another block
        plan = plan_for(store)
        store.save_plan(plan)
        store.log(ANN, entry(plan.sessions[0].id, minutes=12))
        store.add_athlete(Athlete("Ben", 2))
        ann, ben = opened().summaries()
        assert ann == summarise(store.get_athlete(ANN), plan, store.logs(ANN))
        assert ann.weeks[0].done == 1 and ann.plan is not None and ann.plan.sessions == ()
        assert ben.athlete.name == "Ben" and ben.plan is None

    def test_a_listing_names_whom_summaries_list_and_gives_their_summaries(
        self, store: Store, opened: Opener
    ) -> None:
        store.save_plan(plan_for(store))
        store.add_athlete(Athlete("ben", 2))
        store.add_athlete(Athlete("Al", 3))
        listing = opened().listing()
        summaries = opened().summaries()
        assert listing.names == tuple(s.athlete.name for s in summaries) == ("Al", ANN, "ben")
        assert listing.keys == tuple(s.athlete.key for s in summaries)
        assert [listing.summary(i) for i in range(len(listing))] == summaries

    def test_a_listing_inside_a_transaction_sees_its_writes(self, store: Store) -> None:
        with store.transaction():
            store.add_athlete(Athlete("Ben", 2))
            assert store.listing().names == (ANN, "Ben")

    @pytest.mark.parametrize("write", sorted(WRITES))
    def test_writes_for_an_unknown_athlete_are_refused(
        self, store: Store, opened: Opener, write: str
    ) -> None:
        with pytest.raises(UnknownAthlete) as unknown:
            WRITES[write](store)
        assert unknown.value.name == "Nobody"
        assert [a.name for a in opened().athletes()] == [ANN]

    @pytest.mark.parametrize("read", sorted(ZONED_READS))
    def test_zoned_reads_of_an_unknown_athlete_are_refused(self, store: Store, read: str) -> None:
        with pytest.raises(UnknownAthlete):
            ZONED_READS[read](store)

    @pytest.mark.parametrize("read", sorted(EMPTY_READS))
    def test_other_reads_of_an_unknown_athlete_are_empty(self, store: Store, read: str) -> None:
        assert not EMPTY_READS[read](store)
        assert store.plan_meta("Nobody") == type(store.plan_meta("Nobody"))()

    # -- runs and busy time ----------------------------------------------------------------------

    def test_run_rules_are_kept_once_and_removed_by_id(self, store: Store, opened: Opener) -> None:
        store.add_run_rule(ANN, RULE)
        store.add_run_rule("ANN LEE", RULE)
        store.add_run_rule(ANN, OTHER_RULE)
        assert opened().run_rules(ANN) == [RULE, OTHER_RULE]
        assert store.remove_run_rule(ANN, RULE.id) is True
        assert store.remove_run_rule(ANN, RULE.id) is False
        assert opened().run_rules(ANN) == [OTHER_RULE]

    def test_run_changes_round_trip(self, store: Store, opened: Opener) -> None:
        assert store.run_changes(ANN) == RunChanges()
        moved = datetime(2027, 3, 2, 7, 0, tzinfo=ZONE)
        changes = RunChanges().with_skip("run-20270301-0630", True).with_move("run-x", moved)
        store.save_run_changes(ANN, changes)
        assert opened().run_changes(ANN) == changes

    def test_imported_runs_and_busy_time_by_calendar(self, store: Store, opened: Opener) -> None:
        store.replace_imported_runs(ANN, "club.ics", [run(1), run(3)])
        store.replace_imported_runs(ANN, "a-track.ics", [run(5, "a-track.ics")])
        store.replace_busy(ANN, "club.ics", [block(2)])
        store.replace_imported_runs(ANN, "club.ics", [run(4)])  # a calendar read again
        fresh = opened()
        assert fresh.sources(ANN) == ["a-track.ics", "club.ics"]
        assert sorted(fresh.imported_runs(ANN), key=lambda r: r.id) == [
            run(4),
            run(5, "a-track.ics"),
        ]
        assert fresh.busy(ANN) == [block(2)]
        assert all(r.start.tzinfo == ZONE for r in fresh.imported_runs(ANN))

    def test_removing_a_calendar_forgets_its_runs_and_busy_time(
        self, store: Store, opened: Opener
    ) -> None:
        store.replace_imported_runs(ANN, "club.ics", [run(1), run(3)])
        store.replace_busy(ANN, "club.ics", [block(2)])
        store.replace_imported_runs(ANN, "other.ics", [run(5, "other.ics")])
        assert store.remove_source(ANN, "club.ics") == 2
        assert store.remove_source(ANN, "club.ics") == 0
        fresh = opened()
        assert fresh.sources(ANN) == ["other.ics"] and fresh.busy(ANN) == []
        assert fresh.imported_runs(ANN) == [run(5, "other.ics")]

    # -- plans -----------------------------------------------------------------------------------

    def test_a_plan_round_trips_with_revisions_at_zero(self, store: Store, opened: Opener) -> None:
        plan = plan_for(store)
        store.save_plan(plan)
        fresh = opened()
        assert fresh.get_plan(ANN) == plan
        meta = fresh.plan_meta(ANN)
        assert meta.revisions == {s.id: 0 for s in plan.sessions} and meta.cancelled == ()
        assert meta.updated_at is not None and meta.updated_at.tzinfo is not None

    def test_a_plan_keeps_the_phases_a_re_assessment_restarted(
        self, store: Store, opened: Opener
    ) -> None:
        plan = dataclasses.replace(plan_for(store), earlier=("loosening", "taper"))
        store.save_plan(plan)
        back = opened().get_plan(ANN)
        assert back == plan and back is not None
        assert [back.phase(w) for w in (1, 2)] == ["loosening", "taper"]

    def test_a_rebuild_raises_changed_sessions_and_cancels_dropped_ones(self, store: Store) -> None:
        plan = plan_for(store)
        store.save_plan(plan)
        first, second, *rest = plan.sessions
        moved = dataclasses.replace(
            first, start=first.start + timedelta(minutes=5), end=first.end + timedelta(minutes=5)
        )
        store.save_plan(dataclasses.replace(plan, sessions=(moved, *rest)))
        meta = store.plan_meta(ANN)
        assert meta.revisions[first.id] == 1 and meta.revisions[rest[0].id] == 0
        assert meta.cancelled == (second,) and meta.revisions[second.id] == 1
        store.save_plan(plan)  # the session is back: above its cancelled revision
        meta = store.plan_meta(ANN)
        assert meta.cancelled == () and meta.revisions[second.id] == 2

    def test_a_new_block_archives_the_old_one(self, store: Store, opened: Opener) -> None:
        old = plan_for(store)
        store.save_plan(old)
        new = plan_for(store, start=START + timedelta(weeks=4))
        store.save_plan(new)
        fresh = opened()
        assert fresh.get_plan(ANN) == new
        assert fresh.plan_history(ANN) == [old, new]
        assert fresh.plan_meta(ANN).cancelled == ()

    def test_what_was_published_round_trips(self, store: Store, opened: Opener) -> None:
        assert store.published(ANN) == {}
        store.save_published(ANN, {"20270301-pre": 2, "20270302-loose": 0})
        store.save_published(ANN, {"20270301-pre": 3})
        assert opened().published(ANN) == {"20270301-pre": 3}

    # -- logs and check-ins --------------------------------------------------------------------

    def test_current_logs_are_those_from_the_month_the_block_starts_in(
        self, store: Store, opened: Opener
    ) -> None:
        feb, mar, undated = entry("20270215-pre"), entry("20270301-pre"), entry("extra-1")
        store.log_many(ANN, [feb, mar, undated])
        assert opened().current_logs(ANN) == opened().logs(ANN)  # no plan: every log
        store.save_plan(plan_for(store, start=date(2027, 2, 1)))
        store.save_plan(plan_for(store, start=date(2027, 3, 8)))  # a new block: February is history
        apr = entry("20270405-loose", "skipped", 0)
        store.log(ANN, apr)
        fresh = opened()
        assert fresh.current_logs(ANN) == [mar, apr, undated]
        assert fresh.logs(ANN) == [feb, mar, apr, undated]

    def test_history_logs_can_still_change(self, store: Store, opened: Opener) -> None:
        old = plan_for(store, start=date(2027, 1, 4))
        store.save_plan(old)
        store.log_many(ANN, [entry(s.id) for s in old.sessions[:3]])
        store.save_plan(plan_for(store))  # March: January is history
        first, second, third = old.sessions[:3]
        store.log(ANN, entry(first.id, "partial", 4))
        assert store.unlog(ANN, second.id) is True
        assert store.unlog(ANN, second.id) is False
        fresh = opened()
        assert fresh.logs(ANN) == [entry(first.id, "partial", 4), entry(third.id)]
        assert fresh.current_logs(ANN) == []

    def test_a_block_starting_earlier_counts_the_logs_of_its_months_again(
        self, store: Store, opened: Opener
    ) -> None:
        jan = plan_for(store, start=date(2027, 1, 4), weeks=6)  # into February
        feb = plan_for(store, start=date(2027, 2, 1))
        store.save_plan(jan)
        store.log_many(ANN, [entry(s.id) for s in jan.sessions])
        store.save_plan(plan_for(store, start=START))  # January and February are history
        assert opened().current_logs(ANN) == []
        store.save_plan(feb)  # starts earlier: February counts again
        february = [
            entry(s.id) for s in sorted(jan.sessions, key=lambda s: s.id) if s.id >= "202702"
        ]
        assert february and opened().current_logs(ANN) == february
        assert len(opened().logs(ANN)) == len(jan.sessions)
        assert [p.start for p in opened().plan_history(ANN)] == [
            date(2027, 1, 4),
            date(2027, 2, 1),
            START,
        ]

    def test_logs_replace_by_session_and_come_back_in_order(
        self, store: Store, opened: Opener
    ) -> None:
        store.log(ANN, entry("20270305-pre"))
        store.log_many(ANN, [entry("20270301-pre"), entry("20270401-loose", "skipped", 0)])
        store.log(ANN, entry("20270305-pre", "partial", 4))
        assert opened().logs(ANN) == [
            entry("20270301-pre"),
            entry("20270305-pre", "partial", 4),
            entry("20270401-loose", "skipped", 0),
        ]
        assert opened().logs(ANN)[1].minutes == 4

    def test_a_log_keeps_its_note_day_and_extra(self, store: Store, opened: Opener) -> None:
        full = LogEntry("20270301-pre", "done", 9, AT, "easy", date(2027, 3, 2), {"activity": "a1"})
        store.log(ANN, full)
        [back] = opened().logs(ANN)
        assert (back, back.extra) == (full, full.extra)

    def test_a_log_taken_back(self, store: Store, opened: Opener) -> None:
        store.log_many(ANN, [entry("20270301-pre"), entry("20270302-pre")])
        assert store.unlog(ANN, "20270301-pre") is True
        assert store.unlog(ANN, "20270301-pre") is False
        assert opened().logs(ANN) == [entry("20270302-pre")]

    def test_check_ins_by_day_replacing_the_days_named(self, store: Store, opened: Opener) -> None:
        monday, tuesday = (
            CheckIn(START, 3, 2, 4, "stiff"),
            CheckIn(START + timedelta(days=1), 2, 2, 3),
        )
        old = CheckIn(date(2026, 12, 30), 5, 5, 5, run_pain=2, knee_to_wall=9.5, thomas=True)
        store.save_checkin(ANN, tuesday)
        store.save_checkin(ANN, old)
        store.save_checkin(ANN, monday, replacing=[tuesday.day])
        assert opened().checkins(ANN) == [old, monday]

    # -- activities ------------------------------------------------------------------------------

    def test_the_activity_record_round_trips(self, store: Store, opened: Opener) -> None:
        assert store.activity_record(ANN) == ActivityRecord()
        assert store.last_import(ANN) is None
        store.save_activity_record(ANN, record())
        assert opened().activity_record(ANN) == record()
        assert record().last is not None and opened().last_import(ANN) == record().last
        store.save_activity_record(ANN, dataclasses.replace(record(), last=None))
        assert opened().last_import(ANN) is None

    def test_activities_kept_apart_are_older_than_the_record_says(
        self, store: Store, opened: Opener
    ) -> None:
        """A store may keep activities of months before the current block apart: the record
        and `older_record` hold each saved once, the record the runs not done."""
        store.save_plan(plan_for(store))
        january = datetime(2027, 1, 6, 7, 0, tzinfo=ZONE)
        old = Activity("a0", "run", "running", january, january + timedelta(minutes=40), "o.fit")
        done = RunOutcome("run-20270106-0700", True, old.start, old.end, "a0")
        saved = dataclasses.replace(
            record(),
            activities=(old, *record().activities),
            outcomes=(done, *record().outcomes),
        )
        store.save_activity_record(ANN, saved)
        found = opened().activity_record(ANN)
        older = opened().older_record(ANN)
        assert [*older.activities, *found.activities] == list(saved.activities)
        assert [*older.outcomes, *found.outcomes] == list(saved.outcomes)
        assert found.last == saved.last and found.folder == saved.folder
        assert found.since is not None or older == ActivityRecord()
        assert all(a.start < found.since for a in older.activities if found.since is not None)

    # -- transactions ----------------------------------------------------------------------------

    def test_a_transaction_that_fails_writes_nothing(self, store: Store, opened: Opener) -> None:
        store.log(ANN, entry("20270301-pre"))
        with pytest.raises(Boom), store.transaction():
            store.add_athlete(Athlete("Ben", 2))
            store.log(ANN, entry("20270302-pre"))
            store.unlog(ANN, "20270301-pre")
            store.save_plan(plan_for(store))
            store.add_run_rule(ANN, RULE)
            raise Boom
        for reader in (store, opened()):
            assert [a.name for a in reader.athletes()] == [ANN]
            assert reader.logs(ANN) == [entry("20270301-pre")]
            assert reader.get_plan(ANN) is None and reader.run_rules(ANN) == []

    def test_a_removal_rolled_back_keeps_the_athlete_whole(
        self, store: Store, opened: Opener
    ) -> None:
        store.log(ANN, entry("20270301-pre"))
        with pytest.raises(Boom), store.transaction():
            store.remove_athlete(ANN)
            assert store.athletes() == []
            raise Boom
        assert opened().logs(ANN) == [entry("20270301-pre")]

    def test_a_squad_wide_transaction_is_all_or_nothing(self, store: Store, opened: Opener) -> None:
        with pytest.raises(Boom), store.transaction(whole=True):
            store.add_athlete(Athlete("Ben", 2))
            store.save_plan(plan_for(store))
            raise Boom
        assert [a.name for a in opened().athletes()] == [ANN] and opened().get_plan(ANN) is None
        with store.transaction(whole=True):
            store.add_athlete(Athlete("Ben", 2))
            store.save_plan(plan_for(store))
        assert [a.name for a in opened().athletes()] == [ANN, "Ben"]

    def test_inside_a_transaction_reads_see_its_writes(self, store: Store, opened: Opener) -> None:
        with store.transaction():
            store.log(ANN, entry("20270301-pre"))
            store.add_athlete(Athlete("Ben", 2))
            assert store.logs(ANN) == [entry("20270301-pre")]
            assert [s.athlete.name for s in store.summaries()] == [ANN, "Ben"]
        assert opened().logs(ANN) == [entry("20270301-pre")]

    def test_nested_transactions_join_the_outer_one(self, store: Store, opened: Opener) -> None:
        with pytest.raises(Boom), store.transaction():
            with store.transaction():
                store.log(ANN, entry("20270301-pre"))
            raise Boom
        assert opened().logs(ANN) == []
        with store.transaction(), pytest.raises(RuntimeError), store.transaction(whole=True):
            pass  # a squad-wide change cannot join one on a few athletes
        with store.transaction(whole=True), store.transaction():
            store.log(ANN, entry("20270302-pre"))
        assert opened().logs(ANN) == [entry("20270302-pre")]

    def test_a_refused_write_leaves_the_transaction_usable(
        self, store: Store, opened: Opener
    ) -> None:
        with store.transaction():
            store.log(ANN, entry("20270301-pre"))
            with pytest.raises(AthleteExists):
                store.add_athlete(Athlete(ANN, 3))
        assert opened().logs(ANN) == [entry("20270301-pre")]
        assert opened().get_athlete(ANN).tightness == 5
