"""Domain objects to JSON documents and back.

Plans are stored compactly: most sessions repeat a handful of prescriptions (exercise, dose,
cue), so a plan keeps a table of distinct prescriptions and each session lists their indices.
A 52-week plan then weighs tens of kilobytes instead of megabytes, which keeps every write of a
years-long history cheap.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from functools import partial
from itertools import chain
from typing import Any, cast, get_args
from zoneinfo import ZoneInfo

from planner.domain.activity_records import Activity, ActivityRecord, LastImport, RunOutcome
from planner.domain.adherence import Tally
from planner.domain.checkins import CheckIn
from planner.domain.inputs import zone
from planner.domain.model import (
    CHANGE_KINDS,
    Athlete,
    BusyBlock,
    Dose,
    HeldWeek,
    Instructions,
    LogEntry,
    Phase,
    Plan,
    PlanChange,
    Prescription,
    Run,
    RunChanges,
    RunRule,
    Session,
    Timing,
    as_utc,
)
from planner.domain.summary import Summary, Tallies

Doc = dict[str, Any]
# Plans stored before sessions were timed as content: 3 s a rep, nothing between sets, sides or
# exercises (the old player's clock), so their sessions keep playing as they always did.
UNTIMED = Timing(seconds_per_rep=3, side_switch_seconds=0, transition_seconds=0)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _when(text: str, tz: ZoneInfo) -> datetime:
    return datetime.fromisoformat(text).astimezone(tz)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# -- athletes and runs -----------------------------------------------------------------------------


def athlete_doc(a: Athlete) -> Doc:
    return {
        "key": a.key,
        "name": a.name,
        "tightness": a.tightness,
        "sport": a.sport,
        "sitting_hours": a.sitting_hours,
        "tz": a.tz,
        "target": a.target,
        # only athletes on the strength track carry the flag, so other files stay as they were
        **({"strength": True} if a.strength else {}),
    }


def athlete_from(doc: Doc) -> Athlete:
    return Athlete(
        name=doc["name"],
        tightness=int(doc["tightness"]),
        sport=_shared(doc.get("sport", "run")),
        sitting_hours=float(doc.get("sitting_hours", 0.0)),
        tz=_shared(doc.get("tz", "UTC")),
        target=float(doc.get("target", 0.8)),
        strength=bool(doc.get("strength", False)),
    )


def _shared(value: Any) -> Any:
    """One string object for a value many athletes share (a sport, a zone): a squad's list
    holds every athlete."""
    return sys.intern(value) if type(value) is str else value


def rule_doc(key: str, rule: RunRule) -> Doc:
    return {
        "athlete": key,
        "id": rule.id,
        "days": list(rule.days),
        "at": rule.at.strftime("%H:%M"),
        "minutes": rule.minutes,
        "from": rule.start.isoformat() if rule.start else None,
        "until": rule.until.isoformat() if rule.until else None,
    }


def rule_from(doc: Doc) -> RunRule:
    return RunRule(
        days=tuple(int(d) for d in doc["days"]),
        at=time.fromisoformat(doc["at"]),
        minutes=int(doc["minutes"]),
        start=_day(doc.get("from")),
        until=_day(doc.get("until")),
    )


def run_doc(run: Run) -> Doc:
    return {
        "id": run.id,
        "start": _iso(run.start),
        "end": _iso(run.end),
        "source": run.source,
        "title": run.title,
    }


def run_from(doc: Doc, tz: ZoneInfo) -> Run:
    return Run(
        id=doc["id"],
        start=_when(doc["start"], tz),
        end=_when(doc["end"], tz),
        source=doc.get("source", "rule"),
        title=doc.get("title", "Run"),
    )


def run_changes_doc(key: str, changes: RunChanges) -> Doc:
    return {
        "athlete": key,
        "skipped": sorted(changes.skipped),
        "moved": {run_id: _iso(start) for run_id, start in sorted(changes.moved)},
    }


def run_changes_from(doc: Doc, tz: ZoneInfo) -> RunChanges:
    return RunChanges(
        skipped=frozenset(str(i) for i in doc.get("skipped", [])),
        moved=tuple((str(i), _when(s, tz)) for i, s in sorted(doc.get("moved", {}).items())),
    )


def busy_doc(block: BusyBlock) -> Doc:
    return {
        "start": _iso(block.start),
        "end": _iso(block.end),
        "title": block.title,
        "source": block.source,
    }


def busy_from(doc: Doc, tz: ZoneInfo) -> BusyBlock:
    return BusyBlock(
        start=_when(doc["start"], tz),
        end=_when(doc["end"], tz),
        title=doc.get("title", "busy"),
        source=doc.get("source", ""),
    )


# -- logs ----------------------------------------------------------------------------------------


def log_bucket(session_id: str) -> str:
    """Logs are kept in one document per month of sessions (ids start YYYYMMDD), so logging one
    session re-encodes a small document, not the whole history."""
    prefix = session_id[:6]
    return prefix if prefix.isdigit() else "other"


def log_doc(entry: LogEntry) -> Doc:
    return {
        "status": entry.status,
        "minutes": entry.minutes,
        "logged_at": _iso(entry.logged_at),
        "note": entry.note,
        "day": entry.day.isoformat() if entry.day else None,
        "extra": dict(entry.extra),
    }


def log_from(item: tuple[str, Doc]) -> LogEntry:
    session_id, doc = item
    return LogEntry(
        session_id=session_id,
        status=doc["status"],
        minutes=int(doc["minutes"]),
        logged_at=datetime.fromisoformat(doc["logged_at"]),
        note=doc.get("note", ""),
        day=_day(doc.get("day")),
        extra=dict(doc.get("extra") or {}),
    )


# -- what calendars were given ---------------------------------------------------------------------


def published_doc(key: str, revisions: dict[str, int]) -> Doc:
    """One document per athlete: each session id an export wrote, at the revision it wrote."""
    return {"athlete": key, "sessions": dict(sorted(revisions.items()))}


def published_from(doc: Doc) -> dict[str, int]:
    return {str(k): int(v) for k, v in (doc.get("sessions") or {}).items()}


# -- check-ins ---------------------------------------------------------------------------------


def checkin_bucket(day: date) -> str:
    """Check-ins are kept in one document per athlete and year, keyed by day."""
    return f"{day.year:04d}"


# Asked since the safety round (older check-ins lack them and read as None): morning
# stiffness, pain during the run, the measured self-test.
_CHECKIN_EXTRAS = ("morning_stiffness", "run_pain", "knee_to_wall", "hip_ir", "thomas", "faber")


def checkin_doc(checkin: CheckIn) -> Doc:
    return {
        "calf": checkin.calf,
        "achilles": checkin.achilles,
        "hip_score": checkin.hip_score,
        "note": checkin.note,
        "logged_at": _iso(checkin.logged_at) if checkin.logged_at else None,
        **{f: getattr(checkin, f) for f in _CHECKIN_EXTRAS if getattr(checkin, f) is not None},
    }


def checkin_from(item: tuple[str, Doc]) -> CheckIn:
    day, doc = item
    logged_at = doc.get("logged_at")
    return CheckIn(
        day=date.fromisoformat(day),
        calf=doc["calf"],
        achilles=doc["achilles"],
        hip_score=doc["hip_score"],
        note=doc.get("note", ""),
        logged_at=datetime.fromisoformat(logged_at) if logged_at else None,
        **{f: doc[f] for f in _CHECKIN_EXTRAS if doc.get(f) is not None},
    )


# -- plans ---------------------------------------------------------------------------------------


class _PrescriptionTable:
    """Distinct prescriptions of a plan, each stored once and referred to by index."""

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self._index: dict[Prescription, int] = {}
        # The builder hands the same prescription object to many sessions: found by identity
        # first, it is not hashed field by field each time (the object is kept, so its id is).
        self._seen: dict[int, tuple[Prescription, int]] = {}

    def ref(self, p: Prescription) -> int:
        seen = self._seen.get(id(p))
        if seen is not None:
            return seen[1]
        found = self._index.get(p)
        if found is None:
            found = self._index[p] = len(self.rows)
            d = p.dose
            self.rows.append(
                [
                    p.exercise_id,
                    p.name,
                    p.style,
                    d.reps,
                    d.hold_seconds,
                    d.rounds,
                    d.per_side,
                    d.range_level,
                    p.cue,
                    [
                        p.timing.seconds_per_rep,
                        p.timing.side_switch_seconds,
                        p.timing.transition_seconds,
                    ],
                    [
                        p.instructions.setup,
                        p.instructions.movement,
                        p.instructions.feel,
                        p.instructions.mistake,
                    ],
                    # the range cue came with the second edition of the coaching rules
                    *([p.progression] if p.progression else []),
                ]
            )
        self._seen[id(p)] = (p, found)
        return found


def _prescription_from(row: list[Any]) -> Prescription:
    """A row of nine (older plans), eleven or twelve fields: timing, instructions and the range
    cue came later."""
    ex_id, name, style, reps, hold, rounds, per_side, level, cue, *later = row
    dose = Dose(reps=reps, hold_seconds=hold, rounds=rounds, per_side=per_side, range_level=level)
    timing = Timing(*(int(n) for n in later[0])) if later else UNTIMED
    how = Instructions(*later[1]) if len(later) > 1 else Instructions()
    progression = str(later[2]) if len(later) > 2 else ""
    return Prescription(
        exercise_id=ex_id, name=name, style=style, dose=dose, timing=timing, cue=cue,
        instructions=how, progression=progression,
    )  # fmt: skip


def sessions_doc(sessions: tuple[Session, ...], table: _PrescriptionTable) -> list[list[Any]]:
    return [
        [
            s.id,
            s.week,
            s.kind,
            _iso(s.start),
            _iso(s.end),
            s.run_id,
            [table.ref(p) for p in s.exercises],
            s.note,
            # only a pinned session or one with reasons carries the flag (and then the reasons),
            # so older plans encode as they always did
            *([s.pinned, list(s.why)] if s.why else [True] if s.pinned else []),
        ]
        for s in sessions
    ]


def sessions_from(rows: list[list[Any]], table: list[Prescription], tz: ZoneInfo) -> list[Session]:
    return [
        Session(
            id=sid,
            week=week,
            kind=kind,
            start=_when(start, tz),
            end=_when(end, tz),
            run_id=run_id,
            exercises=tuple(table[i] for i in refs),
            note=note,
            pinned=bool(rest and rest[0]),
            why=tuple(str(w) for w in rest[1]) if len(rest) > 1 else (),
        )
        for sid, week, kind, start, end, run_id, refs, note, *rest in rows
    ]


def plan_doc(plan: Plan, cancelled: tuple[Session, ...] = ()) -> Doc:
    """The plan and the sessions a rebuild removed (kept so exports can cancel them)."""
    table = _PrescriptionTable()
    return {
        **_header_doc(plan),
        "runs": [run_doc(r) for r in plan.runs],
        "sessions": sessions_doc(plan.sessions, table),
        "cancelled": sessions_doc(cancelled, table),
        "changes": [change_doc(c) for c in plan.changes],
        "prescriptions": table.rows,
    }


def _header_doc(plan: Plan) -> Doc:
    """What a plan is besides its runs, sessions and changes: shared with the summaries."""
    return {
        "athlete_name": plan.athlete,
        "tz": plan.tz,
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "template": plan.template,
        "loosening_weeks": plan.loosening_weeks,
        "taper_weeks": plan.taper_weeks,
        "held": plan.held,
        # only a plan whose phases a re-assessment restarted: other files stay as they were
        **({"earlier": list(plan.earlier)} if plan.earlier else {}),
    }


def _header_from(doc: Doc) -> dict[str, Any]:
    return {
        "athlete": doc["athlete_name"],
        "tz": doc["tz"],
        "start": date.fromisoformat(doc["start"]),
        "weeks": int(doc["weeks"]),
        "template": doc["template"],
        "loosening_weeks": int(doc["loosening_weeks"]),
        "taper_weeks": int(doc["taper_weeks"]),
        "held": int(doc.get("held", 0)),  # older files: settled again on the next read
        "earlier": _phases_from(doc.get("earlier", [])),
    }


def _phases_from(values: list[Any]) -> tuple[Phase, ...]:
    phases = get_args(Phase)
    if not isinstance(values, list) or any(v not in phases for v in values):
        raise ValueError(f"unknown phases {values!r}"[:80])
    return tuple(cast(Phase, v) for v in values)


def plan_from(doc: Doc) -> tuple[Plan, tuple[Session, ...]]:
    tz = zone(doc["tz"])
    table = [_prescription_from(row) for row in doc["prescriptions"]]
    plan = Plan(
        **_header_from(doc),
        runs=tuple(run_from(r, tz) for r in doc["runs"]),
        sessions=tuple(sessions_from(doc["sessions"], table, tz)),
        changes=tuple(change_from(c) for c in doc.get("changes", [])),
    )
    return plan, tuple(sessions_from(doc.get("cancelled", []), table, tz))


# -- summaries (the index) -------------------------------------------------------------------------

_TALLY_FIELDS = ("planned_minutes", "done_minutes", "done", "partial", "skipped", "open")


def summary_doc(summary: Summary) -> Doc:
    """An athlete's summary: the athlete, the plan's header, one tally row per plan week."""
    plan = summary.plan
    return {
        "athlete": athlete_doc(summary.athlete),
        "plan": None if plan is None else _header_doc(plan),
        "weeks": [[getattr(t, f) for f in _TALLY_FIELDS] for t in summary.weeks],
        "loosening": [[getattr(t, f) for f in _TALLY_FIELDS] for t in summary.loosening],
    }


def summary_from(doc: Doc) -> Summary:
    """The summary stored in `doc`. A list reads every athlete's summary and shows a screenful,
    so tally rows of the form written here (lists of six whole numbers) are decoded when first
    used; any other rows are decoded now, so damage is still reported here."""
    header = doc["plan"]
    plan = None
    if header is not None:
        plan = Plan(**_header_from(header), runs=(), sessions=())
    rows, loose = doc["weeks"], doc.get("loosening", [])
    if not (_plain_rows(rows) and _plain_rows(loose)):
        return _summary_decoded(doc, plan)
    if plan is not None and len(rows) != plan.weeks:
        raise ValueError(f"{len(rows)} week tallies for a {plan.weeks}-week plan")
    if len(loose) != len(rows):
        loose = []  # as `_summary_decoded` does
    return Summary.deferred(athlete_from(doc["athlete"]), plan, partial(_tallies_of, rows, loose))


def _summary_decoded(doc: Doc, plan: Plan | None) -> Summary:
    weeks = tuple(Tally(*(int(n) for n in row)) for row in doc["weeks"])
    if plan is not None and len(weeks) != plan.weeks:
        raise ValueError(f"{len(weeks)} week tallies for a {plan.weeks}-week plan")
    # each week's loosening work, for held weeks; older indexes lack it (no week marked held)
    loosening = tuple(Tally(*(int(n) for n in row)) for row in doc.get("loosening", []))
    if len(loosening) != len(weeks):
        loosening = ()
    return Summary(athlete_from(doc["athlete"]), plan, weeks, loosening)


def _plain_rows(rows: object) -> bool:
    """True when `rows` is a list of lists of six ints, which decode to tallies without fail.
    (Checked by C loops over types and lengths: a tenth of the cost of decoding them.)"""
    if type(rows) is not list:
        return False
    return (
        set(map(type, rows)) <= {list}
        and set(map(len, rows)) <= {len(_TALLY_FIELDS)}
        and set(map(type, chain.from_iterable(rows))) <= {int}
    )


def _tallies_of(weeks: list[list[int]], loosening: list[list[int]]) -> tuple[Tallies, Tallies]:
    return tuple(Tally(*row) for row in weeks), tuple(Tally(*row) for row in loosening)


# -- activities from the watch ---------------------------------------------------------------------


def activity_record_doc(key: str, record: ActivityRecord) -> Doc:
    """One document per athlete: the activities read, the runs' outcomes, the folder, the last
    import. Times in UTC, so a change of the athlete's zone changes nothing stored here."""
    last = record.last
    return {
        "athlete": key,
        "activities": [
            [a.key, a.kind, a.sport, _iso(as_utc(a.start)), _iso(as_utc(a.end)), a.source]
            for a in record.activities
        ],
        "outcomes": [
            [
                o.run_id,
                o.done,
                _iso(as_utc(o.actual_start)) if o.actual_start else None,
                _iso(as_utc(o.actual_end)) if o.actual_end else None,
                o.activity,
            ]
            for o in record.outcomes
        ],
        "folder": record.folder,
        "last": None
        if last is None
        else {
            "at": _iso(last.at),
            "source": last.source,
            "counts": [
                last.activities,
                last.runs_matched,
                last.runs_added,
                last.sessions_logged,
                last.ignored,
            ],
        },
    }


def activity_record_from(doc: Doc, tz: ZoneInfo) -> ActivityRecord:
    return ActivityRecord(
        activities=tuple(
            Activity(str(k), kind, str(sport), _when(s, tz), _when(e, tz), str(src))
            for k, kind, sport, s, e, src in doc.get("activities") or []
        ),
        outcomes=tuple(
            RunOutcome(
                str(run_id),
                bool(done),
                _when(s, tz) if s else None,
                _when(e, tz) if e else None,
                activity,
            )
            for run_id, done, s, e, activity in doc.get("outcomes") or []
        ),
        folder=doc.get("folder"),
        last=last_import_from(doc),
    )


def last_import_from(doc: Doc) -> LastImport | None:
    """The last import alone, without decoding years of activities."""
    last = doc.get("last")
    if not last:
        return None
    return LastImport(datetime.fromisoformat(last["at"]), str(last["source"]), *last["counts"])


# -- plan changes ----------------------------------------------------------------------------------


def change_doc(change: PlanChange) -> Doc:
    """A plan change: its sentence, and its kind, halves and figures (absent in older files)."""
    doc: Doc = {
        "week": change.week,
        "reason": change.reason,
        "at": _iso(change.at) if change.at else None,
    }
    if change.kind is not None:
        doc.update(kind=change.kind, cause=change.cause, effect=change.effect)
        doc["weeks"] = list(change.weeks)
        doc["held"] = [[h.week, h.done_minutes, h.planned_minutes, h.percent] for h in change.held]
    return doc


def change_from(doc: Doc) -> PlanChange:
    kind = next((k for k in CHANGE_KINDS if k == doc.get("kind")), None)
    return PlanChange(
        week=int(doc["week"]),
        reason=doc["reason"],
        at=datetime.fromisoformat(doc["at"]) if doc.get("at") else None,
        kind=kind,
        cause=str(doc.get("cause", "")) if kind else "",
        effect=str(doc.get("effect", "")) if kind else "",
        weeks=tuple(int(w) for w in doc.get("weeks", ())) if kind else (),
        held=tuple(
            HeldWeek(int(w), int(done), int(planned), float(pct))
            for w, done, planned, pct in (doc.get("held", ()) if kind else ())
        ),
    )
