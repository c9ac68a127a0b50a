"""Outcomes: is the hip work helping the calves? The weekly check-in next to adherence.

A check-in scores calf tightness and achilles pain (0 none to 10 worst) and the hip self-test
(0 stiff to 10 free), asks about morning achilles stiffness and pain during the run (0-10), and
may hold the figures of the measured self-test (`domain.selftest`). Everything here is a pure
function of the plan, the logs, the check-ins, each measure's noise and an instant `now`:

- `weeks`: one row per plan week that has begun, adherence next to that week's check-in (the
  latest when a week has several; None in a week without one).
- `trend`: each score and measure over the last 4 weeks, first check-in against last: improving,
  flat or worse (pain and tightness improve when they fall, the hip score and ranges when they
  rise); a change no larger than the measure's noise (MDC) is flat; None with fewer than two.
- `warnings`: "physio" (the pain-monitoring model) when the latest calf or achilles score is 6
  or more, pain during the run is above 5, morning achilles stiffness came in two check-ins in
  a row, or achilles pain rose two check-ins in a row; "reassess" when the hip score has not
  risen over three check-ins while the weeks they span met the adherence target. Warnings come
  from the answers, never from the free-text note.
- `summary`: the same in one plain sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from planner.domain.adapt import REASSESS_ADVICE, reassess_hold, reassess_why
from planner.domain.adherence import WeekFigures, WeekState, weekly_figures
from planner.domain.checkins import SCORE_FIELDS, CheckIn, Score, Trended
from planner.domain.inputs import SCORE_NAMES
from planner.domain.model import LogEntry, Plan, as_utc
from planner.domain.selftest import beyond_noise

Trend = Literal["improving", "flat", "worse"]
WarningKind = Literal["physio", "reassess"]

TREND_FIELDS: tuple[Trended, ...] = (*SCORE_FIELDS, "run_pain", "knee_to_wall", "hip_ir", "faber")
# Pain and tightness get better as they fall; the hip self-test and the ranges as they rise.
LOWER_IS_BETTER: dict[Trended, bool] = {
    "calf": True,
    "achilles": True,
    "hip_score": False,
    "run_pain": True,
    "knee_to_wall": False,
    "hip_ir": False,
    "faber": True,
}
TREND_NAMES: dict[Trended, str] = {
    "calf": "calf tightness",
    "achilles": "achilles pain",
    "hip_score": "hip score",
    "run_pain": "pain during the run",
    "knee_to_wall": "knee-to-wall",
    "hip_ir": "hip internal rotation",
    "faber": "FABER height",
}
Noise = dict[str, float]  # each measure's MDC (`SelfTest.noise()`, from plans/selftest.toml)
TREND_WEEKS = 4
PHYSIO_SCORE = 6  # a calf or achilles score from here on is a reason to see a physio
RUN_PAIN_LIMIT = 5  # pain during the run up to 5 of 10 is acceptable (Silbernagel)
STIFF_MORNINGS = 2  # morning achilles stiffness in this many check-ins in a row
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

    def value(self, name: Trended) -> float | None:
        return None if self.checkin is None else self.checkin.value(name)

    @property
    def counts(self) -> bool:
        """Whether the week's adherence is settled: ended, or already on target this week."""
        if self.adherence.empty:
            return False
        return self.state == "ended" or self.adherence.band == "met"


@dataclass(frozen=True)
class OutcomeWarning:
    kind: WarningKind
    reason: str  # what the answers or the weeks show, with the figures
    advice: str  # what to do about it

    @property
    def message(self) -> str:
        """The whole warning in one sentence: the reason, then the advice."""
        return f"{self.reason}: {self.advice}"


@dataclass(frozen=True)
class Outcomes:
    athlete: str
    target: float
    weeks: list[OutcomeWeek]
    trend: dict[Score, Trend | None]
    warnings: list[OutcomeWarning]
    summary: str
    # pain during the run and the measured self-test, past each measure's noise
    measured_trend: dict[Trended, Trend | None]


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


def trend(name: Trended, checkins: Sequence[CheckIn], noise: Noise) -> Trend | None:
    """First against last check-in that has the figure: improving, flat or worse; a change no
    larger than the measure's noise is flat; None with fewer than two."""
    values = [v for c in checkins if (v := c.value(name)) is not None]
    if len(values) < 2:
        return None
    change = values[-1] - values[0]
    if not beyond_noise(change, noise.get(name, 0.0)):
        return "flat"
    better = change < 0 if LOWER_IS_BETTER[name] else change > 0
    return "improving" if better else "worse"


def trends(rows: Sequence[OutcomeWeek], noise: Noise) -> dict[Trended, Trend | None]:
    recent = _checkins(window(rows))
    return {name: trend(name, recent, noise) for name in TREND_FIELDS}


# -- warnings --------------------------------------------------------------------------------------


def physio_warning(checkins: Sequence[CheckIn]) -> OutcomeWarning | None:
    """The pain-monitoring model over the check-ins so far (see `physio_reasons`)."""
    reasons = physio_reasons(checkins)
    if not reasons:
        return None
    return OutcomeWarning("physio", " and ".join(reasons), PHYSIO_ADVICE)


def physio_reasons(checkins: Sequence[CheckIn]) -> list[str]:
    """Why a physio should look, each with its figures: the latest calf or achilles score at
    PHYSIO_SCORE or above, pain during the run above RUN_PAIN_LIMIT, morning achilles stiffness
    in the last STIFF_MORNINGS check-ins, or achilles pain that rose at each of the last two
    check-ins (a gap week between them does not matter). Only the answers count, never a note.
    """
    answered = [c for c in checkins if c.calf is not None or c.run_pain is not None]
    if not answered:
        return []
    latest = answered[-1]
    reasons = [
        f"{SCORE_NAMES[name]} is {value} of 10 ({PHYSIO_SCORE} or more)"
        for name in ("calf", "achilles")
        if (value := latest.score(name)) is not None and value >= PHYSIO_SCORE
    ]
    if latest.run_pain is not None and latest.run_pain > RUN_PAIN_LIMIT:
        reasons.append(f"pain during the run was {latest.run_pain} of 10 (above {RUN_PAIN_LIMIT})")
    stiff = [c for c in answered if c.morning_stiffness is not None][-STIFF_MORNINGS:]
    if len(stiff) == STIFF_MORNINGS and all(c.morning_stiffness for c in stiff):
        days = " and ".join(f"{c.day:%d %b}" for c in stiff)
        reasons.append(
            f"morning achilles stiffness in {STIFF_MORNINGS} check-ins in a row ({days})"
        )
    last3 = [a for c in answered if (a := c.achilles) is not None][-3:]
    if len(last3) == 3 and last3[0] < last3[1] < last3[2]:
        reasons.append(f"achilles pain rose two check-ins in a row ({_figures(last3)})")
    return reasons


def reassess_warning(rows: Sequence[OutcomeWeek], target: float) -> OutcomeWarning | None:
    """The hip score has not risen over the last STALL_CHECKINS check-ins (none above the first),
    while every settled week they span met the target: the tightness may need re-assessing.

    A hip already at 10 cannot rise, so it never calls for one.
    """
    with_checkin = [r for r in rows if r.score("hip_score") is not None][-STALL_CHECKINS:]
    if len(with_checkin) < STALL_CHECKINS:
        return None
    scores = [s for c in _checkins(with_checkin) if (s := c.hip_score) is not None]
    if len(scores) < STALL_CHECKINS or scores[-1] >= MAX_SCORE or max(scores[1:]) > scores[0]:
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
        f" weeks {first}-{last} met the {_pct(target)} % target",
        f"re-assess the tightness ({HIP_SELF_TEST})",
    )


def warnings(rows: Sequence[OutcomeWeek], target: float) -> list[OutcomeWarning]:
    recent = window(rows)
    found = [physio_warning(_checkins(recent)), reassess_warning(recent, target)]
    return [w for w in found if w is not None]


# -- the summary -----------------------------------------------------------------------------------


def summary(rows: Sequence[OutcomeWeek], target: float, noise: Noise) -> str:
    """'achilles pain fell from 5 to 2 while adherence stayed above 80 %': what the figures
    say, in their order, a change within a measure's noise called so."""
    recent = window(rows)
    checkins = [c for c in _checkins(recent) if c.calf is not None]
    if not checkins:
        return "no check-in in the last 4 weeks: score calf, achilles and the hip once a week"
    if len(checkins) == 1:
        c = checkins[0]
        return (
            f"one check-in in the last 4 weeks (calf {c.calf}, achilles {c.achilles},"
            f" hip {c.hip_score}): a trend needs two"
        )
    changes = _join([_change(name, checkins, noise) for name in SCORE_FIELDS])
    percents = [r.adherence_percent for r in recent if r.counts]
    clause = _adherence_clause([p for p in percents if p is not None], target)
    return f"{changes}, {clause}" if clause else changes


def _change(name: Score, checkins: Sequence[CheckIn], noise: Noise) -> str:
    label = SCORE_NAMES[name].removeprefix("the ")
    values = [v for c in checkins if (v := c.score(name)) is not None]
    before, after = values[0], values[-1]
    if before == after:
        return f"{label} stayed at {after}"
    verb = "fell" if after < before else "rose"
    said = f"{label} {verb} from {before} to {after}"
    mdc = noise.get(name, 0.0)
    if not beyond_noise(after - before, mdc):
        return f"{said} (within the {mdc:g}-point noise)"
    return said


def _adherence_clause(percents: Sequence[float], target: float) -> str:
    """Adherence over the weeks, in the order the weeks came (100 then 0 is a fall)."""
    if not percents:
        return ""
    goal = _pct(target)
    low, high = min(percents), max(percents)
    first, last = percents[0], percents[-1]
    if low > target * 100:
        return f"while adherence stayed above {goal} %"
    if low >= target * 100:
        return f"while adherence stayed at or above {goal} %"
    if high == 0:
        return "while no mobility work was logged"
    if high < target * 100:
        return f"while adherence stayed below {goal} % (at most {high:g} %)"
    if first > last:
        return f"while adherence fell from {first:g} to {last:g} % (target {goal} %)"
    if first < last:
        return f"while adherence rose from {first:g} to {last:g} % (target {goal} %)"
    return f"with adherence between {low:g} and {high:g} % (target {goal} %)"


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
    noise: Noise,
) -> Outcomes:
    rows = weeks(plan, logs, checkins, now, target)
    third = reassess_hold(plan, logs, now)
    held_too_often = (
        [OutcomeWarning("reassess", reassess_why(third), REASSESS_ADVICE)] if third else []
    )
    every = trends(rows, noise)
    return Outcomes(
        athlete=athlete,
        target=target,
        weeks=rows,
        trend={name: every[name] for name in SCORE_FIELDS},
        warnings=warnings(rows, target) + held_too_often,
        summary=summary(rows, target, noise),
        measured_trend={k: v for k, v in every.items() if k not in SCORE_FIELDS},
    )
