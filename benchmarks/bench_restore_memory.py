"""Peak memory of `db restore` against the size of the largest athlete file in the archive.

Builds one athlete with a large log history (about SIZE_MB of JSON), backs the database up,
then restores it in a fresh process and prints that process's peak RSS over the file size.

    .venv/bin/python benchmarks/bench_restore_memory.py [SIZE_MB]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import resource, sys
from pathlib import Path
from planner.storage import Repository
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
Repository(Path(sys.argv[1])).restore(Path(sys.argv[2]))
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _big_database(db: Path, size_mb: int) -> int:
    from planner.domain.model import Athlete
    from planner.storage import Repository

    repo = Repository.open(db)
    repo.add_athlete(Athlete("Ann Lee", 5))
    own = repo.file_of("Ann Lee")
    tables = json.loads(own.read_bytes())
    entry = {"status": "done", "minutes": 10, "logged_at": "2027-03-01T12:00:00+00:00",
             "note": "felt fine " * 4, "day": None, "extra": {}}  # fmt: skip
    per_doc, docs, n = 2000, {}, 0
    while n * 130 < size_mb << 20:
        bucket = f"{190001 + len(docs):06d}"
        docs[str(len(docs) + 1)] = {
            "athlete": "ann lee",
            "bucket": bucket,
            "entries": {f"{bucket}{i:06d}-pre": entry for i in range(per_doc)},
        }
        n += per_doc
    tables["logs"] = docs
    own.write_text(json.dumps(tables))
    return own.stat().st_size


_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from bench_restore_memory import _big_database
from planner.storage import Repository
db = Path(sys.argv[1])
size = _big_database(db, int(sys.argv[2]))
print(size, Repository(db).backup())
"""


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    here = str(Path(__file__).parent)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "hipplan.json"
        # Built in its own process: a child's peak RSS starts from its parent's on Linux, so
        # the process that spawns the measured one must stay small.
        built = subprocess.run(
            [sys.executable, "-c", _BUILD, str(db), str(size_mb), here],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        size_text, archive = built.stdout.split()
        size = int(size_text)
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(db), archive],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        base_kb, peak_kb = map(int, done.stdout.split())
        grown = (peak_kb - base_kb) * 1024
        print(f"athlete file {size / 2**20:.0f} MB; restore grew RSS by {grown / 2**20:.0f} MB")
        print(f"ratio (RSS growth / file size): {grown / size:.2f}")


if __name__ == "__main__":
    main()
