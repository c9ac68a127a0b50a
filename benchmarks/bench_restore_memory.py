"""Peak memory of `db restore` against the size of the largest athlete file in the archive.

Builds one athlete with a large log history (about SIZE_MB of JSON), backs the database up,
then restores it in a fresh process and prints that process's peak RSS growth over the file
size, and over what a bare `json.loads` of that file alone costs (the floor of checking every
record without a streaming parser). With ATHLETES > 1 every athlete gets a file of that size:
restore checks and stages one member at a time, so its memory follows the largest member, not
their sum. The target: at most 1.25 times a bare `json.loads` of the largest member, whatever
the number of athletes (before members were staged one at a time: 1.96 for one athlete of
81 MB, 5.00 for four of 40 MB; after: 1.07 and 1.11).

    .venv/bin/python benchmarks/bench_restore_memory.py [SIZE_MB] [ATHLETES]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.storage import Repository

TARGET_RATIO = 1.25  # restore's RSS growth over a bare json.loads of the largest member

_CHILD = """
import resource, sys
from pathlib import Path
from planner.storage import Repository
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
Repository(Path(sys.argv[1])).restore(Path(sys.argv[2]))
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_LOADS = """
import json, resource, sys
from pathlib import Path
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tables = json.loads(Path(sys.argv[1]).read_bytes())
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _big_database(db: Path, size_mb: int, athletes: int = 1) -> int:
    """Athletes with a large log history each; the size of the first one's file."""
    from planner.storage import Repository

    for n in range(athletes):
        _big_athlete(Repository.open(db), "Ann Lee" if n == 0 else f"Ath {n}", size_mb)
    return Repository(db).file_of("Ann Lee").stat().st_size


def _big_athlete(repo: Repository, name: str, size_mb: int) -> None:
    from planner.domain.model import Athlete, name_key

    repo.add_athlete(Athlete(name, 5))
    own = repo.file_of(name)
    tables = json.loads(own.read_bytes())
    entry = {"status": "done", "minutes": 10, "logged_at": "2027-03-01T12:00:00+00:00",
             "note": "felt fine " * 4, "day": None, "extra": {}}  # fmt: skip
    docs: dict[str, object] = {}
    per_doc, n = 2000, 0
    while n * 130 < size_mb << 20:
        bucket = f"{190001 + len(docs):06d}"
        docs[str(len(docs) + 1)] = {
            "athlete": name_key(name),
            "bucket": bucket,
            "entries": {f"{bucket}{i:06d}-pre": entry for i in range(per_doc)},
        }
        n += per_doc
    tables["logs"] = docs
    own.write_text(json.dumps(tables))


_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from bench_restore_memory import _big_database
from planner.storage import Repository
db = Path(sys.argv[1])
size = _big_database(db, int(sys.argv[2]), int(sys.argv[4]))
print(size, Repository(db).file_of("Ann Lee"), Repository(db).backup())
"""


def _grown(script: str, *args: str) -> int:
    """Peak RSS growth (bytes) of `script` run in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    base_kb, peak_kb = map(int, done.stdout.split())
    return (peak_kb - base_kb) * 1024


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    athletes = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    here = str(Path(__file__).parent)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "hipplan.json"
        # Built in its own process: a child's peak RSS starts from its parent's on Linux, so
        # the process that spawns the measured one must stay small.
        built = subprocess.run(
            [sys.executable, "-c", _BUILD, str(db), str(size_mb), here, str(athletes)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        size_text, own, archive = built.stdout.split()
        size = int(size_text)
        loads = _grown(_LOADS, own)
        grown = _grown(_CHILD, str(db), archive)
        print(
            f"{athletes} athlete file(s) of {size / 2**20:.0f} MB; restore grew RSS by"
            f" {grown / 2**20:.0f} MB"
        )
        print(f"a bare json.loads of that file grew RSS by {loads / 2**20:.0f} MB")
        print(f"ratio (RSS growth / file size): {grown / size:.2f}")
        ratio = grown / loads
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"ratio (RSS growth / json.loads): {ratio:.2f} (target <= {TARGET_RATIO}: {verdict})")


if __name__ == "__main__":
    main()
