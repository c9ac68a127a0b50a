"""What the plans give: weekly minutes by tightness and how often the article's routine is whole.

Prints (1) the weekly minutes of an 8-week standard plan for a runner with three runs a week
(Mon, Wed, Sat 07:00, 45 min) at tightness 5, 3 and 1; (2) the share of warm-ups holding the
article's five drills in its order and of cool-downs holding its five stretches, over a grid of
athletes (tightness 1-5, runner and triathlete, 0 and 9 h sitting) and run patterns; (3) the
time a 52-week plan for tightness 5 takes to build (best of three), two runs a day and three a week.

Run: .venv/bin/python benchmarks/coaching_doses.py
"""

from __future__ import annotations

import time as clock
from datetime import date, time, timedelta

from planner.domain.builder import build_plan
from planner.domain.model import Athlete, RunRule
from planner.domain.schedule import runs_between
from planner.plans_io import load_catalogue, load_template

DRILLS = ["leg-swing-front-back", "leg-swing-side", "hip-rotations", "long-lunge", "low-squat"]
STRETCHES = {"standing-quad", "kneeling-hip-flexor", "knee-to-chest", "thigh-across",
             "supine-hip-rotations"}  # fmt: skip
PATTERNS = {
    "once a week": (RunRule(days=(6,), at=time(9, 0), minutes=90),),
    "three a week": (RunRule(days=(0, 2, 5), at=time(7, 0), minutes=45),),
    "daily": (RunRule(days=tuple(range(7)), at=time(18, 0), minutes=40),),
    "two a day": (
        RunRule(days=tuple(range(7)), at=time(6, 30), minutes=30),
        RunRule(days=tuple(range(7)), at=time(18, 0), minutes=30),
    ),
}
START = date(2027, 3, 1)


def plan(tightness: int, rules: tuple[RunRule, ...], weeks: int = 8, **kw: object):  # type: ignore[no-untyped-def]
    catalogue = load_catalogue()
    athlete = Athlete("Ada", tightness, tz="Europe/London", **kw)  # type: ignore[arg-type]
    runs = runs_between(rules, [], athlete.zone, START, START + timedelta(weeks=weeks))
    return build_plan(athlete, runs, START, weeks, load_template("standard", catalogue), catalogue)


def in_order(ids: list[str]) -> bool:
    return [i for i in ids if i in DRILLS] == DRILLS


def main() -> None:
    print("weekly minutes, runner, three runs a week, 8 weeks (standard):")
    for tightness in (5, 3, 1):
        print(
            f"  tightness {tightness}: {plan(tightness, PATTERNS['three a week']).weekly_minutes()}"
        )
    pre = post = pre_ok = post_ok = 0
    for tightness in range(1, 6):
        for sport in ("run", "triathlon"):
            for sitting in (0.0, 9.0):
                for rules in PATTERNS.values():
                    built = plan(tightness, rules, sport=sport, sitting_hours=sitting)
                    for session in built.sessions:
                        ids = [p.exercise_id for p in session.exercises]
                        if session.kind == "pre-run":
                            pre += 1
                            pre_ok += in_order(ids)
                        elif session.kind == "post-run":
                            post += 1
                            post_ok += set(ids) >= STRETCHES
    print(f"warm-ups with the five drills in order: {pre_ok}/{pre} ({100 * pre_ok / pre:.0f} %)")
    print(
        f"cool-downs with the five stretches:     {post_ok}/{post} ({100 * post_ok / post:.0f} %)"
    )
    for name in ("two a day", "three a week"):
        seconds = min(_build_seconds(PATTERNS[name]) for _ in range(3))
        print(f"52-week build, tightness 5, {name}: {seconds:.2f} s (best of 3)")


def _build_seconds(rules: tuple[RunRule, ...]) -> float:
    began = clock.perf_counter()
    plan(5, rules, weeks=52)
    return clock.perf_counter() - began


if __name__ == "__main__":
    main()
