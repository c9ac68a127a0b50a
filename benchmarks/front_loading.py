"""How often the front-loading must fails over random cases (docs/coaching.md, Progression).

With the same runs, a tighter athlete's first week holds at least as many mobility minutes as a
less tight one's, and tightness 4 or 5 strictly more than 3 or less. The property tests check it
on a few examples each run; this draws many more from the same strategies, counts the cases
that break it and prints each (tightness -> first-week minutes, then the case). As a check on
what a change to the engine costs elsewhere, it also counts the cases whose taper does not fall
evenly at some tightness (the falls from the last loosening week to the first maintenance week
differ by more than 5 minutes and a quarter of their mean, as test_coaching_rules asks of three
runs a week), and lists them with --taper.

  builder: the strategy of tests/unit/domain/test_builder.py (any run rules, calendar runs and
           busy blocks, 1-52 weeks; the known one-week limit where no run session fits is
           allowed, as in that test)
  rules:   the strategy of tests/unit/domain/test_coaching_rules.py (the six run patterns)

Run from the checkout:
  .venv/bin/python -m benchmarks.front_loading [CASES] [builder|rules] [SEED] [--taper]
(defaults 300, builder, 1). The same seed draws the same cases.
"""

from __future__ import annotations

import sys
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from planner.domain.catalogue import parse_catalogue, parse_template
from planner.domain.model import Plan
from tests.unit.domain import test_builder, test_coaching_rules
from tests.unit.domain.conftest import read_plan_file


def broken(first: dict[int, int], *, one_week_limit: bool) -> bool:
    """Whether first-week minutes by tightness break the must."""
    levels = sorted(first, reverse=True)
    if any(first[tighter] < first[suppler] for tighter, suppler in pairwise(levels)):
        return True
    if one_week_limit and first.get(3) == 0:
        return False  # no run session fits and only tightness 5 has an extra (test_builder)
    tight = min(first[t] for t in levels if t >= 4)
    return not tight > max(first[t] for t in levels if t <= 3)


def uneven_taper(plan: Plan) -> bool:
    """Whether the plan's taper falls unevenly (test_coaching_rules' rule for three runs a week)."""
    if not plan.taper_weeks or not plan.loosening_weeks:
        return False
    stepped = plan.weekly_minutes()[plan.loosening_weeks - 1 :][: plan.taper_weeks + 2]
    falls = [a - b for a, b in pairwise(stepped)]
    mean = sum(falls) / len(falls)
    return max(falls) - min(falls) > max(5, 0.25 * mean)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--taper"]
    cases = int(args[0]) if args else 300
    which = args[1] if len(args) > 1 else "builder"
    drawn = int(args[2]) if len(args) > 2 else 1
    catalogue = parse_catalogue(read_plan_file("exercises.toml"), "plans/exercises.toml")
    standard = parse_template(
        read_plan_file("templates/standard.toml"), "plans/templates/standard.toml"
    )
    failures: list[tuple[dict[int, int], Any]] = []
    tapers: list[tuple[dict[int, list[int]], Any]] = []
    counted = [0]
    every = settings(
        max_examples=cases,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    strategy = test_builder.cases if which == "builder" else test_coaching_rules.cases()
    levels = range(1, 6) if which == "builder" else (1, 3, 4, 5)

    @seed(drawn)
    @every
    @given(case=strategy)
    def check(case: Any) -> None:
        if which == "builder" and not test_builder._buildable(case):
            return
        counted[0] += 1
        plans = {t: case.build(standard, catalogue, t) for t in levels}
        first = {t: plan.weekly_minutes()[0] for t, plan in plans.items()}
        if broken(first, one_week_limit=which == "builder" and case.weeks == 1):
            failures.append((first, case))
        uneven = {t: plan.weekly_minutes() for t, plan in plans.items() if uneven_taper(plan)}
        if uneven:
            tapers.append((uneven, case))

    check()
    print(f"{which}, seed {drawn}: {len(failures)} of {counted[0]} cases break front-loading")
    for first, case in failures:
        print(f"  {first} {case!r}")
    print(f"{which}, seed {drawn}: {len(tapers)} of {counted[0]} cases have an uneven taper")
    for weekly, case in tapers if "--taper" in sys.argv else ():
        print(f"  {weekly} {case!r}")


if __name__ == "__main__":
    main()
