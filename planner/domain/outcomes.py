"""Outcomes: is the hip work helping the calves? The weekly check-in next to adherence.

A check-in scores calf tightness and achilles pain (0 none to 10 worst) and the hip self-test
(0 stiff to 10 free). Everything here is a pure function of the plan, the logs, the check-ins
and an instant `now`:

- `weeks`: one row per plan week that has begun, adherence next to that week's check-in (the
  latest when a week has several; None in a week without one).
- `trend`: each score over the last 4 weeks, first check-in against last: improving, flat or
  worse (calf and achilles improve when they fall, the hip score when it rises); None with
  fewer than two check-ins.
- `warnings`: "physio" when the latest calf or achilles score is 6 or more, or achilles pain
  rose two check-ins in a row; "reassess" when the hip score has not risen over three check-ins
  while the weeks they span met the adherence target.
- `summary`: the same in one plain sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from planner.domain.adherence import WeekFigures, WeekState, weekly_figures
from planner.domain.inputs import SCORE_NAMES, check_score, clean_note
from planner.domain.model import LogEntry, Plan, as_utc

Score = Literal["calf", "achilles", "hip_score"]
Trend = Literal["improving", "flat", "worse"]
WarningKind = Literal["physio", "reassess"]

SCORE_FIELDS: tuple[Score, ...] = ("calf", "achilles", "hip_score")
# Pain and tightness get better as they fall; the hip self-test as it rises.
LOWER_IS_BETTER: dict[Score, bool] = {"calf": True, "achilles": True, "hip_score": False}
TREND_WEEKS = 4
PHYSIO_SCORE = 6  # a calf or achilles score from here on is a reason to see a physio
STALL_CHECKINS = 3  # check-ins without a rise in the hip score before a re-assessment
MAX_SCORE = 10

HIP_SELF_TEST = (
    "hip self-test, 0 stiff to 10 free: kneel in a lunge, back knee down, and push the pelvis"
    " forward with the trunk upright (0: a hard pull in the front of the hip before the pelvis"
    " moves; 10: the pelvis well forward with only mild tension), or lie on your back, knees"
    " bent and feet wide, and let both knees fall to one side (0: they barely move; 10: near"
    " the floor with both shoulders flat)"
)
PHYSIO_ADVICE = (
    "see a physio before it gets worse, and ease the running (shorter, easier runs, no speed"
    " work) until they have looked at it; stop at once for sharp pain or swelling"
)

# When mobility work has to stop and a physio look (DOMAIN.md); shown with every session.
STOP_SIGNS = (
    "sharp or shooting pain",
    "pain that is still there after the session",
    "achilles pain and stiffness in the morning that keeps coming back",
    "swelling",
)
STOP_ADVICE = (
    "Mild tension, never pain. Stop and see a physio or doctor for "
    + ", ".join(STOP_SIGNS[:-1])
    + f" or {STOP_SIGNS[-1]}."
)


@dataclass(frozen=True)
class CheckIn:
    """One weekly check-in. Scores are whole numbers 0 to 10."""

    day: date
    calf: int
    achilles: int
    hip_score: int
    note: str = ""
    logged_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in SCORE_FIELDS:
            check_score(getattr(self, name), name)
        clean_note(self.note)

    def score(self, name: Score) -> int:
        value: int = getattr(self, name)
        return value


@dataclass(frozen=True)
class OutcomeWeek:
    week: int
    start: date
    state: WeekState
    adherence: WeekFigures
    checkin: CheckIn | None

    @property
    def adherence_percent(self) -> float | None:
        return self.adherence.total.percent

    def score(self, name: Score) -> int | None:
        return None if self.checkin is None else self.checkin.score(name)

    @property
    def counts(self) -> bool:
        """Whether the week's adherence is settled: ended, or already on target this week."""
        if self.adherence.empty:
            return False
        return self.state == "ended" or self.adherence.band == "met"


@dataclass(frozen=True)
class OutcomeWarning:
    kind: WarningKind
    message: str


@dataclass(frozen=True)
class Outcomes:
    athlete: str
    target: float
    weeks: list[OutcomeWeek]
    trend: dict[Score, Trend | None]
    warnings: list[OutcomeWarning]
    summary: str


# -- the weeks -------------------------------------------------------------------------------------


def latest_per_week(plan: Plan, checkins: Sequence[CheckIn]) -> dict[int, CheckIn]:
    """The check-in that stands for each plan week: the latest of that week."""
    found: dict[int, CheckIn] = {}
    for checkin in sorted(checkins, key=_order):
        week = plan.week_of(checkin.day)
        if week is not None:
            found[week] = checkin
    return found


def _order(checkin: CheckIn) -> tuple[date, float]:
    logged = as_utc(checkin.logged_at).timestamp() if checkin.logged_at else 0.0
    return checkin.day, logged


def weeks(
    plan: Plan,
    logs: Sequence[LogEntry],
    checkins: Sequence[CheckIn],
    now: datetime,
    target: float,
) -> list[OutcomeWeek]:
    """The plan weeks that have begun; a future week has neither adherence nor a check-in."""
    by_week = latest_per_week(plan, checkins)
    return [
        OutcomeWeek(f.week, f.start, f.state, f, by_week.get(f.week))
        for f in weekly_figures(plan, logs, now, target)
        if f.state != "upcoming"
    ]


def window(rows: Sequence[OutcomeWeek]) -> list[OutcomeWeek]:
    """The last TREND_WEEKS weeks. A current week without a check-in yet is left out, so a new
    week does not drop the oldest check-in before there is a new one."""
    upto = list(rows)
    if upto and upto[-1].state == "current" and upto[-1].checkin is None:
        upto.pop()
    return upto[-TREND_WEEKS:]


def _checkins(rows: Sequence[OutcomeWeek]) -> list[CheckIn]:
    return [r.checkin for r in rows if r.checkin is not None]


# -- trends ----------------------------------------------------------------------------------------


def trend(name: Score, checkins: Sequence[CheckIn]) -> Trend | None:
    """First against last check-in: improving, flat or worse; None with fewer than two."""
    if len(checkins) < 2:
        return None
    change = checkins[-1].score(name) - checkins[0].score(name)
    if change == 0:
        return "flat"
    better = change < 0 if LOWER_IS_BETTER[name] else change > 0
    return "improving" if better else "worse"


def trends(rows: Sequence[OutcomeWeek]) -> dict[Score, Trend | None]:
    recent = _checkins(window(rows))
    return {name: trend(name, recent) for name in SCORE_FIELDS}


# -- warnings --------------------------------------------------------------------------------------


def physio_warning(checkins: Sequence[CheckIn]) -> OutcomeWarning | None:
    """The latest calf or achilles score at PHYSIO_SCORE or above, or achilles pain that rose
    at each of the last two check-ins (a gap week between them does not matter)."""
    if not checkins:
        return None
    latest = checkins[-1]
    reasons = [
        f"{SCORE_NAMES[name]} is {latest.score(name)} of 10"
        for name in ("calf", "achilles")
        if latest.score(name) >= PHYSIO_SCORE
    ]
    last3 = [c.achilles for c in checkins[-3:]]
    if len(last3) == 3 and last3[0] < last3[1] < last3[2]:
        reasons.append(f"achilles pain rose two check-ins in a row ({_figures(last3)})")
    if not reasons:
        return None
    return OutcomeWarning("physio", f"{' and '.join(reasons)}: {PHYSIO_ADVICE}")


def reassess_warning(rows: Sequence[OutcomeWeek], target: float) -> OutcomeWarning | None:
    """The hip score has not risen over the last STALL_CHECKINS check-ins (none above the first),
    while every settled week they span met the target: the tightness may need re-assessing.

    A hip already at 10 cannot rise, so it never calls for one.
    """
    with_checkin = [r for r in rows if r.checkin is not None][-STALL_CHECKINS:]
    if len(with_checkin) < STALL_CHECKINS:
        return None
    scores = [c.hip_score for c in _checkins(with_checkin)]
    if scores[-1] >= MAX_SCORE or max(scores[1:]) > scores[0]:
        return None
    first, last = with_checkin[0].week, with_checkin[-1].week
    # The current week is still open: below target so far, it neither proves nor disproves.
    settled = [r for r in rows if first <= r.week <= last and r.state == "ended"]
    settled = [r for r in settled if not r.adherence.empty]
    if not settled or any(r.adherence.band != "met" for r in settled):
        return None
    return OutcomeWarning(
        "reassess",
        f"the hip score has not risen in {STALL_CHECKINS} check-ins ({_figures(scores)}) although"
        f" weeks {first}-{last} met the {_pct(target)} % target: re-assess the tightness"
        f" ({HIP_SELF_TEST})",
    )


def warnings(rows: Sequence[OutcomeWeek], target: float) -> list[OutcomeWarning]:
    recent = window(rows)
    found = [physio_warning(_checkins(recent)), reassess_warning(recent, target)]
    return [w for w in found if w is not None]


# -- the summary -----------------------------------------------------------------------------------


def summary(rows: Sequence[OutcomeWeek], target: float) -> str:
    """'achilles pain fell from 5 to 2 while adherence stayed above 80 %'."""
    recent = window(rows)
    checkins = _checkins(recent)
    if not checkins:
        return "no check-in in the last 4 weeks: score calf, achilles and the hip once a week"
    if len(checkins) == 1:
        c = checkins[0]
        return (
            f"one check-in in the last 4 weeks (calf {c.calf}, achilles {c.achilles},"
            f" hip {c.hip_score}): a trend needs two"
        )
    first, last = checkins[0], checkins[-1]
    changes = _join([_change(name, first.score(name), last.score(name)) for name in SCORE_FIELDS])
    percents = [r.adherence_percent for r in recent if r.counts]
    clause = _adherence_clause([p for p in percents if p is not None], target)
    return f"{changes}, {clause}" if clause else changes


def _change(name: Score, before: int, after: int) -> str:
    label = SCORE_NAMES[name].removeprefix("the ")
    if before == after:
        return f"{label} stayed at {after}"
    verb = "fell" if after < before else "rose"
    return f"{label} {verb} from {before} to {after}"


def _adherence_clause(percents: Sequence[float], target: float) -> str:
    if not percents:
        return ""
    goal = _pct(target)
    low, high = min(percents), max(percents)
    if low > target * 100:
        return f"while adherence stayed above {goal} %"
    if low >= target * 100:
        return f"while adherence stayed at or above {goal} %"
    if high == 0:
        return "while no mobility work was logged"
    if high < target * 100:
        return f"while adherence stayed below {goal} % (at most {high:g} %)"
    return f"with adherence from {low:g} to {high:g} % (target {goal} %)"


def _join(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _figures(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)


def _pct(fraction: float) -> str:
    return f"{fraction * 100:g}"


# -- the whole report ------------------------------------------------------------------------------


def report(
    athlete: str,
    plan: Plan,
    logs: Sequence[LogEntry],
    checkins: Sequence[CheckIn],
    now: datetime,
    target: float,
) -> Outcomes:
    rows = weeks(plan, logs, checkins, now, target)
    return Outcomes(
        athlete=athlete,
        target=target,
        weeks=rows,
        trend=trends(rows),
        warnings=warnings(rows, target),
        summary=summary(rows, target),
    )
