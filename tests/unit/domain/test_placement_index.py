"""The placement calendar answers by bisection what a look at every block would answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.placement import Block, Calendar

BASE = datetime(2027, 3, 1, tzinfo=UTC)
blocks = st.lists(
    st.builds(
        lambda start, minutes, n: Block(
            BASE + timedelta(minutes=5 * start),
            BASE + timedelta(minutes=5 * start + minutes),
            f"block {n}",
        ),
        st.integers(-400, 800),
        st.sampled_from([5, 30, 45, 60, 24 * 60, 24 * 60 + 5, 3 * 24 * 60, 3650 * 24 * 60]),
        st.integers(0, 3),
    ),
    max_size=30,
)
moments = st.integers(-200, 900).map(lambda m: BASE + timedelta(minutes=5 * m))
spans = st.sampled_from([timedelta(minutes=m) for m in (5, 15, 45, 90, 600)])


def _room_before(
    taken: list[Block], moment: datetime, wanted: timedelta
) -> tuple[timedelta, Block | None]:
    limit = None
    for block in taken:
        touches = block.start < moment and block.end > moment - wanted
        if touches and (limit is None or block.end > limit.end):
            limit = block
    return (wanted, None) if limit is None else (max(moment - limit.end, timedelta(0)), limit)


def _room_after(
    taken: list[Block], moment: datetime, wanted: timedelta
) -> tuple[timedelta, Block | None]:
    limit = None
    for block in taken:
        touches = block.end > moment and block.start < moment + wanted
        if touches and (limit is None or block.start < limit.start):
            limit = block
    return (wanted, None) if limit is None else (max(limit.start - moment, timedelta(0)), limit)


@settings(max_examples=300)
@given(taken=blocks, moment=moments, wanted=spans)
def test_room_and_gaps_agree_with_a_look_at_every_block(
    taken: list[Block], moment: datetime, wanted: timedelta
) -> None:
    calendar = Calendar(taken)
    assert calendar.room_before(moment, wanted) == _room_before(taken, moment, wanted)
    assert calendar.room_after(moment, wanted) == _room_after(taken, moment, wanted)
    end = moment + wanted
    inside = sorted((b for b in taken if b.end > moment and b.start < end), key=lambda b: b.start)
    free, cursor = [], moment
    for block in sorted(inside, key=lambda b: (b.start, b.end)):
        if block.start > cursor:
            free.append((cursor, block.start))
        cursor = max(cursor, block.end)
    if cursor < end:
        free.append((cursor, end))
    assert calendar.gaps(moment, end) == free
    assert calendar.blocks == taken
