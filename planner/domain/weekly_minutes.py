"""Stage 4 of the plan engine (`builder`): weekly minutes never rise after loosening, the taper
falls evenly, and no week falls by more than 40 % from the one before (docs/coaching.md,
Progression)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

from planner.domain.dosing import STANDALONE_KINDS
from planner.domain.fitted import CAPPED, Fitted
from planner.domain.model import SessionKind
from planner.domain.phases import MIN_SESSION_MINUTES
from planner.domain.placement import DAY_CLOSES, Calendar, Slot, Window, whole_minutes

MOST_WEEKLY_FALL = 0.4
# the note of a session of the last loosening week trimmed so that the taper falls evenly
EVEN_FROM_HERE = "the taper after this week falls evenly, by at most 40 % a week"
# the note of one trimmed so that a short plan's maintenance week falls from it by at most 40 %
FALL_FROM_HERE = "the week after this one falls by at most 40 %"
TRIM_TRIES = 4  # passes of `_fill_to`
# passes of a week's trim: each may take a session only a gradual step down from the one before
TRIM_PASSES = 12
GROW_PASSES = 6  # passes of `_grow_week`
# trims of a loosening week toward an even taper or a fall of at most 40 %, each kept only with
# its floor, halving the distance between the last kept and the last undone (for each kind)
FLOOR_TRIES = 5
FALL_TRIES = 2  # trims of the last loosening week toward the week after it, which may move

# The order in which a week over its cap gives up minutes: extra sessions, cool-downs, warm-ups.
_TRIM_ORDER: tuple[tuple[SessionKind, ...], ...] = (
    ("maintenance", "loosening"),
    ("post-run",),
    ("pre-run",),
)
# The order in which the last loosening week gives up minutes for the weeks after it: a shorter
# loosening session keeps its hip-flexor and glute stretches and loses the others first (dosing
# reaches the floor before any other extra comes), then cool-downs lose their extras and sets.
# Warm-ups keep their loosening length (docs/coaching.md: 8 to 10 minutes in loosening).
_FLOOR_TRIM_ORDER: tuple[tuple[SessionKind, ...], ...] = _TRIM_ORDER[:2]


def cap_weekly_minutes(fitted: Fitted, window: Window, loosening_weeks: int) -> None:
    """From the last loosening week on, cap each week's real minutes at the week before's.

    A week over its cap is trimmed, then it and the weeks after are filled again. Leading weeks
    with no sessions at all (runs that start later) do not set a cap of zero.
    """
    cap: int | None = None
    for week in range(max(loosening_weeks, 1), window.weeks + 1):
        fitted.fit_through(week)
        sessions = fitted.mobility_in(week)
        total = sum(s.minutes for s in sessions)
        if cap is not None and total > cap and fitted.prescriber.growth_weeks >= week:
            # doses stop growing from here on: maintenance keeps what was gained
            fitted.prescriber.growth_weeks = week - 1
            fitted.fit_from(fitted.index(sessions[0]), until=week)
            sessions = fitted.mobility_in(week)
            total = sum(s.minutes for s in sessions)
        if cap is not None and total > cap:
            total = _trim_week_to(fitted, week, cap)
        if cap is not None or total > 0:
            cap = total if cap is None else min(cap, total)
    fitted.fit_through()


def _left_out(sessions: Iterable[Slot], kept: Iterable[Slot]) -> list[Slot]:
    still = {id(s) for s in kept}  # by identity: comparing slots field by field is slow
    return [s for s in sessions if id(s) not in still]


def _trim_week_to(
    fitted: Fitted,
    week: int,
    limit: int,
    order: tuple[tuple[SessionKind, ...], ...] = _TRIM_ORDER,
    *,
    keep_floor: bool = False,
    keep_routine: bool = False,
) -> int:
    """The week trimmed to `limit` minutes, re-fitted through it; its total. Only the kinds of
    `order` are trimmed. With `keep_floor`, no session is left out, and of a kind the session
    holding the most that the floor does not need gives first (`Fitted.beyond_floor`); with
    `keep_routine` too, a cool-down gives only its extras (its routine keeps its doses).

    Each pass shortens sessions no further than their routine can go from the doses before
    them (gradual change): a warm-up of 10 minutes may not come down to 5 in one step, but the
    next can go further from the shorter one. Passes repeat while the week comes down; only a
    pass that frees nothing (every session at its least) leaves sessions out, so a week of
    more runs keeps them all where its cap allows.
    """
    previous: int | None = None
    lowered = False
    routine = {id(s): fitted.routine_minutes(s) for s in fitted.mobility_in(week)}
    for attempt in range(TRIM_PASSES):
        sessions = fitted.mobility_in(week)
        total = sum(s.minutes for s in sessions)
        if not sessions or total <= limit:
            return total
        least = _Least(fitted, week, routine if keep_routine else None)
        # at their least, the sessions still run over, and the last pass brought none lower
        trimmed = [s for s in sessions if any(s.kind in kinds for kinds in order)]
        stuck = (
            previous is not None and total >= previous and _spare(trimmed, least) < total - limit
        )
        previous = total
        if stuck and not lowered:
            # whole minutes hide the way down: a warm-up trimmed to its least fills its minute
            # again at the doses before it; held at its least, the next can go further
            lowered, stuck = True, False
            fitted.lowest.update(id(s) for s in trimmed)
        if stuck and keep_floor:
            break
        first = fitted.index(sessions[0])
        kept = list(sessions)
        beyond = {id(s): fitted.beyond_floor(s) for s in trimmed} if keep_floor else None
        # a re-fitted routine may take a minute more than trimmed: trim again, none growing
        _trim_to(kept, limit, least, hold=attempt > 0, drop=stuck, day=fitted.window.local_date,
                 order=order, beyond=beyond)  # fmt: skip
        fitted.drop(_left_out(sessions, kept))
        fitted.fit_from(first, until=week)
    return sum(s.minutes for s in fitted.mobility_in(week))


def _spare(sessions: Iterable[Slot], least: Callable[[Slot], int]) -> int:
    """The minutes the sessions can still give before each is at its least."""
    return sum(max(s.minutes - least(s), 0) for s in sessions)


class _Least:
    """The fewest minutes a session of the week may be trimmed to: five, and what it must hold
    (the article's routine, a relaxed start) at the lowest doses gradual change allows from the
    doses before it (shorter, `fit` could not hold it and it would go). Worked out for a session
    only when a trim comes to it (most trims take a minute or two off the longest sessions)."""

    def __init__(self, fitted: Fitted, week: int, routine: Mapping[int, int] | None = None) -> None:
        self.fitted = fitted
        self.week = week
        self.known: dict[int, int] = {}  # by identity
        # with a cool-down's routine minutes (by identity): it gives only its extras
        self.routine = routine

    def __call__(self, slot: Slot) -> int:
        least = self.known.get(id(slot))
        if least is None:
            state = self.fitted.before[self.fitted.index(slot)]
            fewest = self.fitted.prescriber.least_from(slot.kind, self.week, state)
            if self.routine is not None and slot.kind == "post-run":
                fewest = max(fewest, self.routine.get(id(slot), 0))
            least = self.known[id(slot)] = max(MIN_SESSION_MINUTES, fewest)
        return least


def _trim_to(
    sessions: list[Slot],
    cap: int,
    least: Callable[[Slot], int],
    *,
    hold: bool = False,
    drop: bool = False,
    day: Callable[[datetime], date] | None = None,
    order: tuple[tuple[SessionKind, ...], ...] = _TRIM_ORDER,
    beyond: dict[int, int] | None = None,
) -> None:
    """Shorten extras, then cool-downs, then warm-ups (longest first, none below its `least`);
    with `drop`, then leave sessions out, latest first, and give minutes freed by a drop back
    to the survivors. With `hold`, no session may grow on the re-fit (a first trim came back
    over the cap). Given the local `day` of an instant, a drop takes first a session whose day
    keeps another, so the week keeps its days of mobility (a must) where it can. Only the kinds
    of `order` are shortened, in its order. Given the seconds each session holds `beyond` what
    the week's floor needs, the one holding the most gives first, each minute taken counted off
    its seconds, and the longest only among equals."""
    before = {id(s): (s.start, s.end, s.shortened) for s in sessions}
    excess = sum(s.minutes for s in sessions) - cap
    for slot in sessions if hold else ():
        # the weekly budget a trimmed session frees went, on the re-fit, to sessions it had held
        # short, and brought the week back over its cap: now none may grow back
        slot.wish = min(slot.wish, slot.minutes)  # its routine may still take its room
    for kinds in order:
        group = [s for s in sessions if s.kind in kinds]
        while excess > 0:
            by_length = sorted(group, key=lambda s: (s.minutes, s.start), reverse=True)
            if beyond is not None:  # stable: among equals, the longest
                by_length.sort(key=lambda s: beyond.get(id(s), 0) // 60, reverse=True)
            longest = next((s for s in by_length if s.minutes > least(s)), None)
            if longest is None:
                break
            if beyond is not None:
                beyond[id(longest)] = beyond.get(id(longest), 0) - 60
            longest.resize(longest.minutes - 1)
            longest.wish = longest.minutes
            longest.room = 0  # its routine may no longer run over its length
            longest.shortened = CAPPED
            excess -= 1
    dropped = False
    while drop and excess > 0 and sessions:
        latest = _to_drop(sessions, day)
        sessions.remove(latest)
        excess -= latest.minutes
        dropped = True
    if dropped:
        _give_back(sessions, -excess, before)


def _to_drop(sessions: list[Slot], day: Callable[[datetime], date] | None) -> Slot:
    """The latest session whose day keeps another session, else the latest."""
    latest_first = sorted(sessions, key=lambda s: s.start, reverse=True)
    if day is not None:
        count = Counter(day(s.start) for s in sessions)
        shared = next((s for s in latest_first if count[day(s.start)] > 1), None)
        if shared is not None:
            return shared
    return latest_first[0]


def _give_back(
    sessions: list[Slot], spare: int, before: dict[int, tuple[datetime, datetime, str]]
) -> None:
    """Undo shortening, warm-ups first (the reverse of the trim order), while minutes are spare.

    Growing back toward its placed length is always safe: that time was free when it was placed.
    """
    for kinds in reversed(_TRIM_ORDER):
        for slot in sorted((s for s in sessions if s.kind in kinds), key=lambda s: s.start):
            start, end, shortened = before[id(slot)]
            grow = min(spare, round((end - start - (slot.end - slot.start)).total_seconds() / 60))
            if grow <= 0:
                continue
            slot.resize(slot.minutes + grow)
            slot.wish = slot.minutes
            spare -= grow
            slot.shortened = shortened if (slot.start, slot.end) == (start, end) else CAPPED


def taper_reach(
    slots: Iterable[Slot],
    window: Window,
    calendar: Calendar,
    weeks: range,
    longest: Mapping[SessionKind, int],
) -> dict[int, int]:
    """The most minutes each session of the taper weeks may hold (by identity), for a week under
    its even line to grow into: a session on its own up to the free time after it (the quiet time
    before a run, another session or the end of the day stops it); none longer than its kind's
    session of the loosening phase (`longest`), so the taper stays between loosening and
    maintenance. A warm-up or cool-down also keeps within its room (`_most`): dosing moves it as
    neighbours lend and take minutes, so that is looked at when it grows."""
    reach: dict[int, int] = {}
    for slot in slots:
        week = window.week_of(slot.start)
        if week not in weeks or slot.kind not in longest:
            continue
        most = longest[slot.kind]
        if slot.kind in STANDALONE_KINDS:
            closes = window.at(window.local_date(slot.start), DAY_CLOSES)
            free = calendar.gaps(slot.end, closes, quiet=True) if slot.end < closes else []
            after = whole_minutes(free[0][1] - slot.end) if free and free[0][0] == slot.end else 0
            most = min(most, slot.minutes + after)
        reach[id(slot)] = max(most, slot.minutes)
    return reach


def _most(slot: Slot, reach: Mapping[int, int]) -> int:
    """The most minutes `slot` may grow to now (0: it may not grow)."""
    most = reach.get(id(slot), 0)
    return most if slot.kind in STANDALONE_KINDS else min(most, max(slot.room, slot.minutes))


def even_taper(
    fitted: Fitted, loosening: int, taper: int, reach: Mapping[int, int] | None = None
) -> None:
    """The taper falls by the same amount each week (docs/coaching.md, Progression): each taper
    week is trimmed to the straight line from the last loosening week down to the first
    maintenance week. Taper weeks are shaped a little above that line, so trimming is mostly
    enough; a week that still comes out under it (few runs, so few sessions; runs at night,
    where sessions cannot be placed at their length; whole exercises short of the minute) grows
    its sessions toward the line within their `reach` (`taper_reach`). Where even that leaves a
    week under its line, or the last fall would be over 40 %, the line comes down: the last
    loosening week is trimmed so that the falls are even through what the taper can hold."""
    if not loosening or not taper:
        return
    totals = _totals(fitted)
    # the week under way at a restart: the line starts from what it really holds, and it is
    # not trimmed (its past is kept)
    kept = fitted.kept_minutes(loosening)
    top = kept if kept is not None else totals.get(loosening, 0)
    bottom = totals.get(loosening + taper + 1, 0)
    if not top or not bottom or bottom >= top:
        return
    # even steps whose last falls by at most 40 %: a short plan's loosening week (it shortens
    # loosening and taper together) may be too far above maintenance for that, and comes down
    steepest = math.floor(bottom / (1 - MOST_WEEKLY_FALL)) - bottom
    if kept is None:
        top = _lower_top(fitted, loosening, top, bottom + (taper + 1) * steepest)
    held = _taper_pass(fitted, loosening, taper, top, bottom, reach or {})
    if held and loosening > 1 and kept is None:
        # a taper week that could not reach its line (every session at its most, or too short
        # to hold its routine) sets the line: the weeks before it, from the loosening week on,
        # come down to the even line through it, the weeks after it fall evenly from it. Not
        # week 1: a tighter athlete starts with more (a supple one has no taper to fall into)
        highest = min(minutes + (minutes - bottom) * step / (taper + 1 - step)
                      for step, minutes in held.items())  # fmt: skip
        lowered = _lower_top(fitted, loosening, top, math.floor(highest))
        if lowered < top:
            _taper_pass(fitted, loosening, taper, lowered, bottom, reach or {})
    fitted.fit_through()


def _lower_top(
    fitted: Fitted, loosening: int, top: int, highest: int, note: str = EVEN_FROM_HERE
) -> int:
    """The last loosening week trimmed to `highest` minutes if it is over; its minutes. Not
    below what keeps its floor for hip flexors and glutes (a must of loosening weeks, before an
    even taper or a fall of at most 40 %): each kind of `_FLOOR_TRIM_ORDER` in turn gives what
    it can while the floor holds (`_trim_keeping_floor`), cool-downs their extras; then, only
    where that brings the week to `highest`, cool-downs fewer sets of their routine. Short of
    it the fall stays over its limit anyway, and the trim would cost a tighter athlete, whose
    cool-downs are the longer, their lead (front-loading). Sessions it shortened say `note`.
    Week 1 never comes under `Fitted.week_one_lead`, its lead over a suppler athlete."""
    if top <= highest:
        return top
    target = max(highest, fitted.week_one_lead() if loosening == 1 else 0)
    if top <= target:
        return top
    fitted.fit_through(loosening)
    short = fitted.short_of_floor(loosening)
    had = {id(s): s.minutes for s in fitted.mobility_in(loosening)}
    total = top
    for kinds in _FLOOR_TRIM_ORDER:
        total = _trim_keeping_floor(fitted, loosening, total, target, kinds, short)
        if total <= target:
            break
    else:
        saved = fitted.save()
        thinned = _trim_keeping_floor(
            fitted, loosening, total, target, ("post-run",), short, keep_routine=False
        )
        if thinned <= highest:
            total = thinned
        else:
            fitted.restore(saved)
    for slot in fitted.mobility_in(loosening):
        if slot.shortened == CAPPED and slot.minutes < had.get(id(slot), 0):
            slot.shortened = note
    fitted.fit_through(loosening + 1)
    return total


def _trim_keeping_floor(
    fitted: Fitted,
    week: int,
    total: int,
    highest: int,
    kinds: tuple[SessionKind, ...],
    short: set[str],
    *,
    keep_routine: bool = True,
) -> int:
    """The week's sessions of `kinds` trimmed toward `highest` minutes, as far as the week's
    floor groups stay no shorter of their floor than `short`; the week's minutes. A trim that
    breaks the floor is undone and one halfway back up tried instead, halfway between the
    furthest kept and the nearest undone. With `keep_routine`, cool-downs give only extras."""
    undone, goal = highest - 1, highest
    for _ in range(FLOOR_TRIES):
        saved = fitted.save()
        _trim_week(fitted, week, goal, (kinds,), keep_floor=True, keep_routine=keep_routine)
        fitted.fit_through(week)
        now = sum(s.minutes for s in fitted.mobility_in(week))
        if now < total and fitted.short_of_floor(week) <= short:
            total = now
            if now > goal:  # these sessions can give no more
                return total
        else:
            fitted.restore(saved)
            undone = goal
        goal = (undone + total + 1) // 2
        if goal >= total or total <= highest:
            break
    return total


def _taper_pass(
    fitted: Fitted, loosening: int, taper: int, top: int, bottom: int, reach: Mapping[int, int]
) -> dict[int, int]:
    """Each taper week trimmed, or grown, onto the line from `top` to `bottom`; the minutes of
    the weeks that stayed more than a minute under it, by their step into the taper."""
    held: dict[int, int] = {}
    before = top
    for step in range(1, taper + 1):
        week = loosening + step
        line = math.floor(top - (top - bottom) * step / (taper + 1))
        had = _trim_week(fitted, week, line)
        _grow_week(fitted, week, min(line, before), reach, had)  # never over the week before
        before = sum(s.minutes for s in fitted.mobility_in(week))
        if before < line - 1:
            held[step] = before
        fitted.fit_through(week + 1)
    return held


def _grow_week(
    fitted: Fitted, week: int, line: int, reach: Mapping[int, int], had: Mapping[int, int]
) -> None:
    """A week under its line grows toward it, never over it: sessions on their own first (they
    are what a taper thins out), then cool-downs, then warm-ups, the shortest of a kind first,
    each within its reach. Whole exercises may make a minute more wished come out as three: a
    pass over the line is undone and the next wishes half as much."""
    ask = line - sum(s.minutes for s in fitted.mobility_in(week))
    for _ in range(GROW_PASSES):
        sessions = fitted.mobility_in(week)
        total = sum(s.minutes for s in sessions)
        if ask <= 0 or total >= line:
            break
        wished = {id(s): s.wish for s in sessions}
        if not _wish_more(sessions, min(ask, line - total), reach):
            break
        first = fitted.index(sessions[0])
        fitted.fit_from(first, until=week)
        grown = sum(s.minutes for s in fitted.mobility_in(week))
        if grown > line:  # undone, then half as much
            for slot in fitted.mobility_in(week):
                slot.wish = wished.get(id(slot), slot.wish)
            fitted.fit_from(first, until=week)
            ask //= 2
        else:
            ask = line - grown
    for slot in fitted.mobility_in(week):
        if slot.shortened == CAPPED and slot.minutes >= had.get(id(slot), slot.minutes + 1):
            slot.shortened = ""  # grown back to its length


def _wish_more(sessions: list[Slot], minutes: int, reach: Mapping[int, int]) -> bool:
    """`minutes` more wished, a minute at a time over the sessions that may still grow, in the
    order of `_grow_week`; whether any could."""
    order = {kind: n for n, kinds in enumerate(_TRIM_ORDER) for kind in kinds}
    growing = sorted(
        (s for s in sessions if s.wish < _most(s, reach)),
        key=lambda s: (order[s.kind], s.wish, s.start),
    )
    given = 0
    while given < minutes and growing:
        for slot in list(growing):
            if given == minutes:
                break
            slot.wish += 1
            given += 1
            if slot.wish >= _most(slot, reach):
                growing.remove(slot)
    return given > 0


def _totals(fitted: Fitted) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for slot in fitted.slots:
        if slot.kind == "strength":
            continue
        week = fitted.week_of(slot.start)
        if week is not None:
            totals[week] += slot.minutes
    return totals


def _trim_week(
    fitted: Fitted,
    week: int,
    limit: int,
    order: tuple[tuple[SessionKind, ...], ...] = _TRIM_ORDER,
    *,
    keep_floor: bool = False,
    keep_routine: bool = False,
) -> dict[int, int]:
    """The week trimmed to `limit` minutes (extras first, or in `order`); the caller fits the
    weeks after it when it is done. The minutes of its sessions before the trim, by identity."""
    had = {id(s): s.minutes for s in fitted.mobility_in(week)}
    _trim_week_to(fitted, week, limit, order, keep_floor=keep_floor, keep_routine=keep_routine)
    _fill_to(fitted, week, limit, had)
    return had


def _fill_to(fitted: Fitted, week: int, limit: int, had: dict[int, int]) -> None:
    """Whole exercises seldom fill a trimmed session to the minute, so a trimmed week may come
    out under its limit and the taper fall unevenly: sessions shorter than they were before the
    trim take a minute back each (that time was theirs), while the week stays within it."""
    for _ in range(TRIM_TRIES):
        sessions = fitted.mobility_in(week)
        spare = limit - sum(s.minutes for s in sessions)
        shorter = [s for s in sessions if s.minutes < had.get(id(s), 0) and s.wish <= s.minutes]
        if spare <= 0 or not shorter:
            return
        grown = shorter[:spare]
        for slot in grown:
            slot.wish = slot.minutes + 1
        first = fitted.index(sessions[0])
        fitted.fit_from(first, until=week)
        if sum(s.minutes for s in fitted.mobility_in(week)) > limit:  # others took budget back
            for slot in grown:
                slot.wish -= 1
            fitted.fit_from(first, until=week)
            return


def limit_falls(fitted: Fitted, window: Window, loosening: int) -> None:
    """No week falls by more than 40 % from the one before (docs/coaching.md): from the end back, a
    taper week far above the next is trimmed, so a short plan steps down instead of dropping.
    Then the last loosening week, if it is still far above the week after it (a plan too short
    for any taper falls from it straight to maintenance), is trimmed too, but only as far as its
    minutes for hip flexors and glutes keep their floor (a must of loosening weeks, which wins
    where a week cannot hold both): its loosening sessions give up their other stretches first,
    then the cool-downs their extras; its warm-ups keep their length (`_lower_top`)."""
    totals = _totals(fitted)  # a trim changes only its own week's total (the rest wait)
    for week in range(window.weeks - 1, loosening, -1):
        later = totals.get(week + 1, 0)
        if later:
            _trim_week(fitted, week, math.floor(later / (1 - MOST_WEEKLY_FALL)))
            totals[week] = sum(s.minutes for s in fitted.mobility_in(week))
    top, later = totals.get(loosening, 0), totals.get(loosening + 1, 0)
    for _ in range(FALL_TRIES if loosening else 0):
        highest = math.floor(later / (1 - MOST_WEEKLY_FALL))
        if not later or top <= highest:
            break
        lowered = _lower_top(fitted, loosening, top, highest, FALL_FROM_HERE)
        if lowered >= top:  # the floor holds it where it is
            break
        # the week after, re-fitted from doses that grew less, may come out a little shorter
        top, later = lowered, sum(s.minutes for s in fitted.mobility_in(loosening + 1))
    fitted.fit_through()
