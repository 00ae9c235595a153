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
        # its connection is closed under it, as at exit: its read may fail
        with contextlib.suppress(Exception), store.db.read() as session:
            session.execute(sa.text("SELECT count(*) FROM team")).scalar()
            reading.set()
            release.wait(10)

    worker = threading.Thread(target=reader, daemon=True)
    worker.start()
    assert reading.wait(10)
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("hub.db")) == ["hub.db"]
    release.set()
    worker.join(10)
