"""How often the front-loading must fails over random cases (docs/coaching.md, Progression).

With the same runs, a tighter athlete's first week holds at least as many mobility minutes as a
less tight one's, and tightness 4 or 5 strictly more than 3 or less. The property tests check it
on a few examples each run; this draws many more from the same strategies, counts the cases
that break it and prints each (tightness -> first-week minutes, then the case).

  builder: the strategy of tests/unit/domain/test_builder.py (any run rules, calendar runs and
           busy blocks, 1-52 weeks; the known one-week limit where no run session fits is
           allowed, as in that test)
  rules:   the strategy of tests/unit/domain/test_coaching_rules.py (the six run patterns)

Run from the checkout: .venv/bin/python -m benchmarks.front_loading [CASES] [builder|rules] [SEED]
(defaults 300, builder, 1). The same seed draws the same cases.
"""

from __future__ import annotations

import sys
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from planner.domain.catalogue import parse_catalogue, parse_template
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


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    which = sys.argv[2] if len(sys.argv) > 2 else "builder"
    drawn = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    catalogue = parse_catalogue(read_plan_file("exercises.toml"), "plans/exercises.toml")
    standard = parse_template(
        read_plan_file("templates/standard.toml"), "plans/templates/standard.toml"
    )
    failures: list[tuple[dict[int, int], Any]] = []
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
        first = {t: case.build(standard, catalogue, t).weekly_minutes()[0] for t in levels}
        if broken(first, one_week_limit=which == "builder" and case.weeks == 1):
            failures.append((first, case))

    check()
    print(f"{which}, seed {drawn}: {len(failures)} of {counted[0]} cases break front-loading")
    for first, case in failures:
        print(f"  {first} {case!r}")


if __name__ == "__main__":
    main()
