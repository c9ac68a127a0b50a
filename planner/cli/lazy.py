"""The modules commands load on first use, each named once.

`hipplan --help` imports every command module to list the commands, and a command imports its
own module whole, though it may use one service of several. So a command module takes what it
needs only when it runs (the services, and the plan engine, TinyDB and icalendar behind them)
from here: `from planner.cli.lazy import plans` binds a placeholder that loads
`planner.services.plans` at its first attribute access. mypy reads the real modules from the
`TYPE_CHECKING` block below, the only one in the command line, so no command module keeps a twin
of its imports. A type from such a module is written through it (`runs.ListedRun`).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING

# name here -> the module it stands for
MODULES = {
    "activities": "planner.services.activities",
    "adherence": "planner.services.adherence",
    "adherence_view": "planner.cli.adherence_view",
    "assessment": "planner.services.assessment",
    "athletes": "planner.services.athletes",
    "calendar": "planner.services.calendar",
    "calendar_export": "planner.calendar.export",
    "demo": "planner.demo",
    "logs": "planner.services.logs",
    "moves": "planner.services.moves",
    "outcomes": "planner.services.outcomes",
    "plan_view": "planner.cli.plan_view",
    "plans": "planner.services.plans",
    "plans_io": "planner.plans_io",
    "runs": "planner.services.runs",
    "settling": "planner.services.settling",
    "squad": "planner.services.squad",
    "squad_view": "planner.cli.squad_view",
    "storage": "planner.storage",
    "sync": "planner.services.sync",
    "sync_settings": "planner.sync.settings",
}

if TYPE_CHECKING:  # the same names as mypy should see them (a test holds the two together)
    from planner import demo as demo
    from planner import plans_io as plans_io
    from planner import storage as storage
    from planner.calendar import export as _calendar_export
    from planner.cli import adherence_view as adherence_view
    from planner.cli import plan_view as plan_view
    from planner.cli import squad_view as squad_view
    from planner.services import activities as activities
    from planner.services import adherence as adherence
    from planner.services import assessment as assessment
    from planner.services import athletes as athletes
    from planner.services import calendar as calendar
    from planner.services import logs as logs
    from planner.services import moves as moves
    from planner.services import outcomes as outcomes
    from planner.services import plans as plans
    from planner.services import runs as runs
    from planner.services import settling as settling
    from planner.services import squad as squad
    from planner.services import sync as sync
    from planner.sync import settings as _sync_settings

    # `as` under its own name exports a name; these two are renamed, so exported by assignment
    calendar_export = _calendar_export
    sync_settings = _sync_settings
else:  # hidden from mypy, which would otherwise take any name at all from here

    def __getattr__(name: str) -> ModuleType:
        """`from planner.cli.lazy import plans`: the placeholder, made on first asking."""
        target = MODULES.get(name)
        if target is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        module = lazy_import(target)
        globals()[name] = module
        return module


def lazy_import(name: str) -> ModuleType:
    """`name`, loaded on first attribute access (or the module itself if already imported)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    # as the import system does: `planner.storage` is also an attribute of `planner`
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:
        setattr(sys.modules[parent], child, module)
    return module
