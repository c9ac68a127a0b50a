"""Many plans built at once, on every core when there are many (`squad.build_all`).

Building is pure computation on its inputs, so the worker processes, which import this module
to run `_build_one`, load the plan engine and no storage.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from planner.domain import builder
from planner.domain.catalogue import Catalogue, Template
from planner.domain.errors import NoRuns
from planner.domain.model import Athlete, BusyBlock, Plan, Run

# What one athlete's build needs: athlete, runs, start, weeks, template, catalogue, busy blocks.
Inputs = tuple[Athlete, Sequence[Run], date, int, Template, Catalogue, Sequence[BusyBlock]]
# Below this many plans, starting worker processes costs more than it saves.
POOL_FROM = 64


def build_each(wanted: list[Inputs]) -> list[tuple[Plan | None, str]]:
    """Each athlete's plan (or why none), in order; on every core when there are many.

    Building is pure computation on the inputs, so the workers touch no storage: the plans come
    back here and are written inside the caller's transaction.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(wanted) < POOL_FROM or workers < 2:
        return [_build_one(inputs) for inputs in wanted]
    # spawn, not fork: the caller may be the TUI, whose threads a fork would copy mid-way
    context = multiprocessing.get_context("spawn")
    chunk = max(1, len(wanted) // (workers * 4))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_build_one, wanted, chunksize=chunk))


def _build_one(inputs: Inputs) -> tuple[Plan | None, str]:
    athlete, runs, start, weeks, template, catalogue, busy = inputs
    try:
        return builder.build_plan(athlete, runs, start, weeks, template, catalogue, busy=busy), ""
    except NoRuns as exc:
        return None, str(exc)
