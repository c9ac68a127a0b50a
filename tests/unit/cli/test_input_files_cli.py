"""Files named on the command line to be read: a FIFO or a folder is refused in one line, at once."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from planner.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file kinds")


def _exit_code_within(args: list[str], fifo: Path) -> int:
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(args)), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # unblock the reader
        worker.join(10)
        pytest.fail(f"hipplan {' '.join(args[2:])} hangs on a FIFO")
    return codes[0]


@pytest.mark.parametrize("linked", [False, True], ids=["fifo", "link to a fifo"])
@pytest.mark.parametrize("command", ["squad import", "runs import"])
def test_a_fifo_named_as_input_is_refused_in_one_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, linked: bool
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    named = fifo
    if linked:
        named = tmp_path / "input.file"
        named.symlink_to(fifo)
    args = ["--db", str(db), *command.split()]
    args += ["Ann", str(named)] if command == "runs import" else [str(named)]
    assert _exit_code_within(args, fifo) == 1
    err = capsys.readouterr().err
    assert err.startswith("hipplan: error: ") and err.count("\n") == 1
    assert "named pipe (FIFO), not a regular file" in err
    assert not db.exists()
