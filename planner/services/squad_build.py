"""Many plans built at once, on every core when there are many (`squad.build_all`).

Building is pure computation on its inputs, so the worker processes, which import this module
to run `_build_in_worker`, load the plan engine and no storage.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from planner.domain import builder
from planner.domain.catalogue import Catalogue, Template
from planner.domain.errors import NoRuns
from planner.domain.model import Athlete, BusyBlock, Plan, Run, RunChanges, RunRule
from planner.domain.schedule import runs_to_plan

# Below this many plans, starting worker processes costs more than it saves.
POOL_FROM = 64
# Plans handed to a worker at a time: small enough that saving starts early and both cores
# stay busy to the end, large enough that the hand-over costs little.
MOST_PER_CHUNK = 16


@dataclass(frozen=True)
class Inputs:
    """What one athlete's build needs besides the template and catalogue (the same for all)."""

    athlete: Athlete
    rules: Sequence[RunRule]
    imported: Sequence[Run]
    changes: RunChanges
    busy: Sequence[BusyBlock]
    start: date
    end: date
    weeks: int


def build_each(
    wanted: list[Inputs], template: Template, catalogue: Catalogue
) -> Generator[tuple[Plan | None, str], None, None]:
    """Each athlete's plan (or why none), in order; on every core when there are many.

    The workers touch no storage: the plans come back here, one by one as they are done, and
    the caller writes them inside its transaction. The template and catalogue reach each
    worker once, not with every athlete.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(wanted) < POOL_FROM or workers < 2:
        for inputs in wanted:
            yield _build_one(inputs, template, catalogue)
        return
    # spawn, not fork: the caller may be the TUI, whose threads a fork would copy mid-way
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(MOST_PER_CHUNK, len(wanted) // (workers * 4)))
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(template, catalogue)
    )
    try:
        yield from pool.map(_build_in_worker, wanted, chunksize=chunk)
    finally:
        # a failure here (a save refused) need not wait for the plans still being built
        pool.shutdown(wait=True, cancel_futures=True)


_shared: tuple[Template, Catalogue] | None = None  # in a worker: what `_worker_start` was given


def _worker_start(template: Template, catalogue: Catalogue) -> None:
    global _shared
    _shared = (template, catalogue)


def _build_in_worker(inputs: Inputs) -> tuple[Plan | None, str]:
    assert _shared is not None, "a worker starts with the template and catalogue"
    return _build_one(inputs, *_shared)


def _build_one(inputs: Inputs, template: Template, catalogue: Catalogue) -> tuple[Plan | None, str]:
    athlete = inputs.athlete
    runs = runs_to_plan(
        inputs.rules, inputs.imported, inputs.changes, athlete.zone, inputs.start, inputs.end
    )
    try:
        plan = builder.build_plan(
            athlete, runs, inputs.start, inputs.weeks, template, catalogue, busy=inputs.busy
        )
    except NoRuns as exc:
        return None, str(exc)
    return plan, ""
