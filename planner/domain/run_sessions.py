"""Placing each run's warm-up and cool-down (stage 2 of the plan engine, with `placement`): a
dynamic warm-up ending at the run's start, a static cool-down starting at its end, each at its
week's length, shortened where a run, a busy block or another session takes the time, and left
out under five minutes. All instants in UTC."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from planner.domain.model import Run, as_utc
from planner.domain.phases import MIN_SESSION_MINUTES, WeekShape
from planner.domain.placement import ROOM_MINUTES, Calendar, Slot, Window, whole_minutes


def _place_warm_up(
    run: Run, shapes: Sequence[WeekShape], window: Window, calendar: Calendar
) -> Slot | None:
    """A warm-up ending exactly at the run's start, shortened or left out if time is taken."""
    run_start = as_utc(run.start)
    minutes = _warm_up_minutes(run_start, shapes, window)
    if minutes is None:
        return None
    room, limit = calendar.room_before(run_start, timedelta(minutes=minutes + ROOM_MINUTES))
    fits = whole_minutes(room)
    if fits < MIN_SESSION_MINUTES:
        return None
    why = ""
    if fits < minutes and limit is not None:
        why = f"{limit.label} ends {window.hhmm(limit.end)}"
    start = run_start - timedelta(minutes=min(fits, minutes))
    return Slot("pre-run", start, run_start, run.id, why, room=fits, wanted=minutes)


def _warm_up_minutes(
    run_start: datetime, shapes: Sequence[WeekShape], window: Window
) -> int | None:
    """The length the week asks of a warm-up for a run starting then (None: not in the plan)."""
    week = window.week_of(run_start)
    if week is None:
        return None
    minutes = shapes[week - 1].pre_minutes
    # A warm-up just after midnight belongs to the previous day's week, and takes its length.
    earlier_week = window.week_of(run_start - timedelta(minutes=minutes))
    if earlier_week is not None and earlier_week != week:
        minutes = shapes[earlier_week - 1].pre_minutes
    return minutes


def _place_cool_down(
    run: Run, shapes: Sequence[WeekShape], window: Window, calendar: Calendar
) -> Slot | None:
    """A cool-down starting exactly at the run's end, shortened or left out if time is taken."""
    run_end = as_utc(run.end)
    week = window.week_of(run_end)
    if week is None:
        return None
    minutes = shapes[week - 1].post_minutes
    room, limit = calendar.room_after(run_end, timedelta(minutes=minutes + ROOM_MINUTES))
    fits = whole_minutes(room)
    if fits < MIN_SESSION_MINUTES:
        return None
    why = ""
    if fits < minutes and limit is not None:
        why = f"{limit.label} starts {window.hhmm(limit.start)}"
    end = run_end + timedelta(minutes=min(fits, minutes))
    return Slot("post-run", run_end, end, run.id, why, room=fits, wanted=minutes)


def take_room_back(cool_down: Slot, warm_up: Slot, window: Window) -> bool:
    """A warm-up left out in dosing (its drills could not shrink to its length) gives the gap
    back to the cool-down that made room for it, up to what the cool-down's week asks for;
    whether it grew."""
    if cool_down.kind != "post-run" or cool_down.end != warm_up.start:
        return False
    end = min(cool_down.start + timedelta(minutes=cool_down.wanted), warm_up.end)
    if end <= cool_down.end:
        return False
    cool_down.end = end
    cool_down.wish = cool_down.room = cool_down.minutes
    cool_down.shortened = ""
    if cool_down.minutes < cool_down.wanted:
        run = window.hhmm(warm_up.end)
        cool_down.shortened = f"the {run} run starts {run}"
    return True


def give_room_back(cool_down: Slot, placed_end: datetime, warm_up: Slot, window: Window) -> None:
    """A cool-down dosed shorter than it was placed frees the minutes after it; a warm-up that
    placement shortened to end-to-end with it takes them back, up to what its week asks for.
    Otherwise a tighter athlete's longer wished cool-down would cost a warm-up minutes that the
    weekly budget then never gives the cool-down (docs/coaching.md, Progression: the tighter
    athlete starts with at least as much)."""
    if warm_up.start != placed_end or cool_down.end >= placed_end:
        return  # not held back by this cool-down, or nothing freed
    start = max(warm_up.end - timedelta(minutes=warm_up.wanted), cool_down.end)
    if start >= warm_up.start:
        return
    warm_up.start = start
    warm_up.wish = warm_up.room = warm_up.minutes
    # the freed minutes are the warm-up's now: the cool-down may no longer grow into them
    cool_down.wish = cool_down.room = cool_down.minutes
    warm_up.shortened = ""
    if warm_up.minutes < warm_up.wanted:
        warm_up.shortened = f"{cool_down.as_block().label} ends {window.hhmm(cool_down.end)}"


def place_run_sessions(
    runs: Sequence[Run], shapes: Sequence[WeekShape], window: Window, calendar: Calendar
) -> list[Slot]:
    """A warm-up for each run, then a cool-down for each, in time order.

    Where a cool-down and the next run's warm-up share a gap, the warm-up takes its week's
    length first and the cool-down what is left; a cool-down left under five minutes takes them
    from the warm-up when it can spare them, and a gap too short for both keeps the cool-down.
    So the two hold the whole gap up to both lengths, and a tighter athlete's longer cool-down
    never costs a warm-up minutes (docs/coaching.md, Placement). The warm-up comes first
    because its drills cannot shrink far from the last warm-up's repetitions, while a cool-down
    holds its five stretches in five minutes.
    """
    warm_ups: dict[tuple[datetime, datetime], Slot] = {}
    for run in runs:
        warm_up = _place_warm_up(run, shapes, window, calendar)
        if warm_up is not None:
            calendar.take(warm_up)
            warm_ups[(warm_up.start, warm_up.end)] = warm_up
    cool_downs = []
    for run in runs:
        _make_room_for_cool_down(run, window, calendar, warm_ups)
        cool_down = _place_cool_down(run, shapes, window, calendar)
        if cool_down is not None:
            calendar.take(cool_down)
            cool_downs.append(cool_down)
    return sorted([*warm_ups.values(), *cool_downs], key=lambda s: (s.start, s.end))


def _make_room_for_cool_down(
    run: Run, window: Window, calendar: Calendar, warm_ups: dict[tuple[datetime, datetime], Slot]
) -> None:
    """A warm-up that leaves the run's cool-down under five minutes starts later, keeping at
    least five; one that cannot goes, so the cool-down takes the gap."""
    run_end = as_utc(run.end)
    least = timedelta(minutes=MIN_SESSION_MINUTES)
    room, limit = calendar.room_after(run_end, least)
    warm_up = None if limit is None else warm_ups.get((limit.start, limit.end))
    if warm_up is None or room >= least:
        return
    calendar.release(warm_up)
    del warm_ups[(warm_up.start, warm_up.end)]
    if warm_up.end - (run_end + least) < least:
        return  # a gap too short for both: the cool-down takes it
    warm_up.start = run_end + least
    warm_up.wish = warm_up.room = warm_up.minutes
    if warm_up.minutes < warm_up.wanted:
        warm_up.shortened = f"the post-run session ends {window.hhmm(warm_up.start)}"
    calendar.take(warm_up)
    warm_ups[(warm_up.start, warm_up.end)] = warm_up
