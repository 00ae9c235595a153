"""Closing a SQLite database leaves only its file: no ``-wal`` or ``-shm`` beside it,
even when a background reader (the app's warm-up) still holds a connection. A tester
quit the app on a new hub while it was still reading and found both left beside it."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import sqlalchemy as sa

from coachtui.store import open_store


def test_closing_with_a_reader_still_busy_leaves_only_the_file(tmp_path: Path) -> None:
    hub = tmp_path / "hub.db"
    store = open_store(str(hub))
    store.create_team("Ward 4")
    reading, release = threading.Event(), threading.Event()

    def reader() -> None:
        # it holds its connection past the close, then gives it back
        with contextlib.suppress(Exception), store.db.read() as session:
            session.execute(sa.text("SELECT count(*) FROM team")).scalar()
            reading.set()
            release.wait(10)

    worker = threading.Thread(target=reader, daemon=True)
    worker.start()
    assert reading.wait(10)
    store.close()  # waits a moment for the reader, which holds on: it closes its own
    release.set()
    worker.join(10)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("hub.db")) == ["hub.db"]


CLOSE_WHILE_READING = """
import sys, threading
import sqlalchemy as sa
from coachtui.store import open_store

store = open_store(sys.argv[1])
store.create_team("Ward 4")
started = threading.Event()
outcome = []

def reader():
    try:
        with store.db.read() as session:
            started.set()
            # a read that runs for seconds: counting to fifty million, one row at a time
            session.execute(sa.text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) "
                "SELECT count(*) FROM n"
            )).scalar()
        outcome.append("finished")
    except Exception as exc:
        outcome.append(type(exc).__name__)

worker = threading.Thread(target=reader)
worker.start()
started.wait(10)
import time; time.sleep(0.2)  # the statement is running (a crash needs it running)
store.close()
worker.join(30)
print(outcome)
"""


def test_closing_while_a_reader_runs_a_statement_does_not_crash(tmp_path: Path) -> None:
    """Closing the reader's connection from another thread while its statement ran
    crashed the whole process (a segmentation fault in the suite, on a demo reset
    while the team list was being read). Its statement is interrupted instead and
    its own thread closes the connection; the file is left alone and whole."""
    import subprocess
    import sys

    db = tmp_path / "coach.db"
    done = subprocess.run(
        [sys.executable, "-c", CLOSE_WHILE_READING, str(db)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coach.db"]
