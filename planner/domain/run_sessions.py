"""Placing each run's warm-up and cool-down (stage 2 of the plan engine, with `placement`): a
dynamic warm-up ending at the run's start, a static cool-down starting at its end, each at its
week's length, shortened where a run, a busy block or another session takes the time, and left
out under five minutes. All instants in UTC."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
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


def lend_minute(
    cool_down: Slot, warm_up: Slot, window: Window, fitted_as: Callable[[Slot], int | None]
) -> bool:
    """A warm-up whose drills cannot shrink to what the cool-down before it left (they change
    only gradually from the last warm-up's) takes a minute from that cool-down, up to what its
    week asks for, while the cool-down still holds its routine in a minute less (`fitted_as`:
    its minutes once fitted to a slot, None when its routine does not fit); whether it did.
    Else a tighter athlete's cool-down, a minute longer for a few more repetitions, would cost
    the warm-up a less tight athlete keeps (docs/coaching.md, Placement)."""
    if cool_down.kind != "post-run" or cool_down.end != warm_up.start:
        return False
    if warm_up.minutes >= warm_up.wanted or cool_down.minutes <= MIN_SESSION_MINUTES:
        return False
    shorter = replace(cool_down, end=cool_down.end - timedelta(minutes=1))
    shorter.wish = shorter.room = shorter.minutes
    minutes = fitted_as(shorter)
    if minutes is None or minutes > shorter.minutes:
        return False
    cool_down.end = warm_up.start = shorter.end
    cool_down.wish = cool_down.room = cool_down.minutes
    cool_down.shortened = f"the pre-run session starts {window.hhmm(cool_down.end)}"
    warm_up.wish = warm_up.room = warm_up.minutes
    warm_up.shortened = ""
    if warm_up.minutes < warm_up.wanted:
        warm_up.shortened = f"the post-run session ends {window.hhmm(cool_down.end)}"
    return True


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
        cool_down.shortened = f"the next run starts {window.hhmm(warm_up.end)}"
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
    runs: Sequence[Run],
    shapes: Sequence[WeekShape],
    window: Window,
    calendar: Calendar,
    shortest: int = MIN_SESSION_MINUTES,
) -> list[Slot]:
    """Warm-up and cool-down for each run in time order; earlier runs get first pick.

    A cool-down placed at its week's length leaves the next run's warm-up what is left of the
    gap. Where the template's shortest cool-down (`shortest` minutes, a less tight athlete's)
    would have left the warm-up five minutes, a warm-up left fewer takes five from the
    cool-down, which keeps at least that shortest length: so a tighter athlete's longer
    cool-down never costs the warm-up a less tight athlete gets (docs/coaching.md,
    Placement). Where no cool-down of the template would, the cool-down keeps the gap. A
    warm-up that cannot hold its drills gives the gap back in dosing (`take_room_back`).
    """
    slots = []
    cool_downs: dict[tuple[datetime, datetime], Slot] = {}
    for run in runs:
        warm_up = _place_warm_up(run, shapes, window, calendar)
        if warm_up is None:
            warm_up = _warm_up_from_cool_down(run, shapes, window, calendar, cool_downs, shortest)
        if warm_up is not None:
            calendar.take(warm_up)
            slots.append(warm_up)
        cool_down = _place_cool_down(run, shapes, window, calendar)
        if cool_down is not None:
            calendar.take(cool_down)
            slots.append(cool_down)
            cool_downs[(cool_down.start, cool_down.end)] = cool_down
    return slots


def _warm_up_from_cool_down(
    run: Run,
    shapes: Sequence[WeekShape],
    window: Window,
    calendar: Calendar,
    cool_downs: dict[tuple[datetime, datetime], Slot],
    shortest: int,
) -> Slot | None:
    """A warm-up of five minutes, made room for by the cool-down that left it less: the
    cool-down ends sooner, keeping at least `shortest` minutes."""
    run_start = as_utc(run.start)
    wanted = _warm_up_minutes(run_start, shapes, window)
    least = timedelta(minutes=MIN_SESSION_MINUTES)
    if wanted is None:
        return None
    _, limit = calendar.room_before(run_start, least)
    cool_down = None if limit is None else cool_downs.get((limit.start, limit.end))
    if cool_down is None or run_start - least - cool_down.start < timedelta(minutes=shortest):
        return None
    calendar.release(cool_down)
    del cool_downs[(cool_down.start, cool_down.end)]
    cool_down.end = run_start - least
    cool_down.shortened = f"the pre-run session starts {window.hhmm(cool_down.end)}"
    cool_down.wish = cool_down.room = cool_down.minutes
    calendar.take(cool_down)
    cool_downs[(cool_down.start, cool_down.end)] = cool_down
    why = ""
    if wanted > MIN_SESSION_MINUTES:
        why = f"the post-run session ends {window.hhmm(cool_down.end)}"
    return Slot("pre-run", cool_down.end, run_start, run.id, why, room=MIN_SESSION_MINUTES,
                wanted=wanted)  # fmt: skip
