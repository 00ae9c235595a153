"""Sync in batches (issue 18, item 5): progress, and stopping half-way keeps what moved.

A sync moves changes a batch at a time, each a transaction on the hub and one on the
laptop; stopping it (ctrl+c in a terminal, cancelling in the app) keeps the batches
already moved on both sides, and the next sync continues from there. Checked on what
the databases hold, with a SQLite and a PostgreSQL hub."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from tests.terminal import Terminal, coachtui_command
from tests.test_kill import _env

from coachtui.store import SyncStopped, open_store
from coachtui.store.demo import generate_demo_data
from test_sync import content
from test_sync_merge import hub_content

DEADLINE = 60.0  # seconds: generous, for a loaded 2-core machine


def _laptop(path: Path, sessions: int) -> None:
    with open_store(str(path), coach="Ana") as store:
        generate_demo_data(store, sessions=sessions, teams=4, seed=3, today=dt.date(2026, 11, 20))


def _count(report, side: str) -> int:
    return sum(c.added + c.updated + c.deleted for c in getattr(report, side))


def _sync_state(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute("SELECT pushed_seq, pulled_seq FROM sync_state").fetchall()
    finally:
        conn.close()


def _sending_half_way(db: Path) -> bool:
    """A batch is in on both sides and more are to go: the laptop keeps where sending
    got to (it goes when the last batch is in)."""
    conn = sqlite3.connect(db, timeout=5)
    try:
        return bool(conn.execute("SELECT 1 FROM coachtui_meta WHERE key LIKE 'sync_resume:push:%'").fetchall())
    finally:
        conn.close()


def _run_until(app: Terminal, condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    """Let the process run in short steps, stopped (SIGSTOP) while ``condition`` is
    checked, and leave it stopped once it holds. Polling a running process, a loaded
    machine can keep this test off the CPU while the sync finishes: the condition then
    held once and is seen too late. Stepped, the process cannot get far past it."""
    deadline = time.monotonic() + timeout
    while True:
        os.kill(app.pid, signal.SIGSTOP)
        if condition():
            return
        os.kill(app.pid, signal.SIGCONT)
        assert time.monotonic() < deadline, app.text()
        app.pump(0.02)


def test_a_stopped_sync_keeps_the_batches_it_moved_and_the_next_one_continues(
    tmp_path, hub_url, monkeypatch
) -> None:
    from coachtui.store import sync as sync_module

    monkeypatch.setattr(sync_module, "BATCH", 40)
    laptop = tmp_path / "ana.db"
    _laptop(laptop, 30)
    heard: list[tuple[str, int, int]] = []

    def stop_after_one_batch() -> bool:
        return any(phase == "send" and done > 0 for phase, done, _total in heard)

    with open_store(str(laptop), coach="Ana") as ana:
        everything = content(ana)
        with pytest.raises(SyncStopped, match=r"stopped: sent [\d,]+ of [\d,]+ records; what moved is kept"):
            ana.sync(hub_url, progress=lambda *step: heard.append(step), cancelled=stop_after_one_batch)
        assert heard[0] == ("send", 0, heard[0][2]) and heard[0][2] > 80
        partly = hub_content(hub_url)
        moved = sum(len(rows) for rows in partly.values())
        assert 0 < moved < sum(len(rows) for rows in everything.values())
        # what reached the hub is whole: every session there has its questions and actions
        sessions = {row["id"] for row in partly["sessions"]}
        for kind in ("picked_questions", "actions"):
            mine = [row for row in everything[kind] if row["session_id"] in sessions]
            assert sorted(r["id"] for r in mine) == sorted(r["id"] for r in partly[kind])
        assert content(ana) == everything  # nothing changed here but the bookkeeping

        heard.clear()
        report = ana.sync(hub_url, progress=lambda *step: heard.append(step))
        assert not report.first  # it continued: the first batch was not sent again
        assert 0 < _count(report, "pushed") < sum(len(rows) for rows in everything.values())
        assert heard[-1][0] == "receive" and heard[-1][1] == heard[-1][2]
        assert [step for step in heard if step[0] == "send"][-1][1] == heard[0][2]
        assert hub_content(hub_url) == content(ana) == everything
        assert _count(ana.sync(hub_url), "pushed") == 0


def test_ctrl_c_in_a_terminal_stops_the_sync_with_one_line_and_keeps_what_moved(tmp_path, hub_url) -> None:
    """A real process on a terminal: the progress bar shows counts; ctrl+c once the
    first batch is in stops it (one line, no traceback), and the hub and the laptop
    hold what moved; running sync again finishes the job."""
    laptop = tmp_path / "ana.db"
    _laptop(laptop, 4_000)  # about 35,000 records: several batches of 5,000
    env = {**_env(tmp_path / "home"), "COACHTUI_SYNC_BATCH": "5000"}
    app = Terminal([*coachtui_command(laptop), "sync", "--hub", hub_url], env, size=(100, 24))
    try:
        app.wait_for("Sending to the hub", timeout=DEADLINE)
        assert "records" in app.text()
        # the first batch is in on both sides, the others still to go: ctrl+c now
        _run_until(app, lambda: _sending_half_way(laptop), timeout=DEADLINE)
        assert _sync_state(laptop)
        app.send("\x03")
        os.kill(app.pid, signal.SIGCONT)  # it goes on, and the interrupt is there first
        code = app.wait_exit(timeout=DEADLINE)
    except BaseException:
        app.kill()
        raise
    screen = "".join(app.screen.display)  # the one line, however the terminal wrapped it
    assert code == 130, screen
    assert "stopped: sent" in screen and "run sync again to continue" in screen
    assert "Traceback" not in screen and "KeyboardInterrupt" not in screen
    hub_sessions = len(hub_content(hub_url)["sessions"])
    assert 0 < hub_sessions < 4_000
    with open_store(str(laptop), coach="Ana") as ana:
        report = ana.sync(hub_url)
        assert not report.first
        assert hub_content(hub_url) == content(ana)
        assert len(content(ana)["sessions"]) == 4_000


def test_a_whole_history_copied_moves_in_parts_that_each_stay_when_stopped(tmp_path, hub_url, monkeypatch) -> None:
    """The first push into an empty hub and the first pull into an empty laptop copy
    the tables (store/sync/bulk.py) a part at a time: the progress moves part by part,
    and stopping after a part keeps it on both sides; the next sync finishes."""
    from coachtui.store import sync as sync_module

    monkeypatch.setenv("COACHTUI_SYNC_PART", "300")
    copied: list[int] = []
    real = sync_module.apply_copy

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        copied.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sync_module, "apply_copy", counting)
    laptop = tmp_path / "ana.db"
    _laptop(laptop, 120)
    heard: list[tuple[str, int, int]] = []

    def after_one_part(phase: str) -> bool:
        return any(step == phase and done > 0 for step, done, _total in heard)

    with open_store(str(laptop), coach="Ana") as ana:
        everything = content(ana)
        records = sum(len(rows) for rows in everything.values())
        with pytest.raises(SyncStopped, match=r"stopped: sent [\d,]+ of [\d,]+ records; what moved is kept"):
            ana.sync(hub_url, progress=lambda *step: heard.append(step), cancelled=lambda: after_one_part("send"))
        assert copied == [1]  # one part copied, then stopped
        (first, total), (second, of) = [(done, of) for phase, done, of in heard if phase == "send"][:2]
        assert first == 0 and 0 < second < of == total
        partly = hub_content(hub_url)
        moved = sum(len(rows) for rows in partly.values())
        assert 0 < moved < records
        sessions = {row["id"] for row in partly["sessions"]}
        for kind in ("picked_questions", "actions"):  # each session there is whole
            mine = [row for row in everything[kind] if row["session_id"] in sessions]
            assert sorted(r["id"] for r in mine) == sorted(r["id"] for r in partly[kind])

        heard.clear()
        report = ana.sync(hub_url, progress=lambda *step: heard.append(step))
        assert not report.first
        assert hub_content(hub_url) == content(ana) == everything

    # an empty laptop receives it a part at a time too
    copied.clear()
    heard.clear()
    ben_db = tmp_path / "ben.db"
    open_store(str(ben_db), coach="Ben").close()
    with open_store(str(ben_db), coach="Ben") as ben:
        with pytest.raises(SyncStopped, match=r"received [\d,]+ of [\d,]+; what moved is kept"):
            ben.sync(hub_url, progress=lambda *step: heard.append(step), cancelled=lambda: after_one_part("receive"))
        assert copied == [1]
        received = [done for phase, done, _of in heard if phase == "receive"]
        assert received[0] == 0 and 0 < received[1] < records
        got = content(ben)
        assert 0 < len(got["sessions"]) < len(everything["sessions"])
        ben.sync(hub_url)
        assert content(ben) == everything


def test_a_whole_history_copied_in_parts_arrives_whole(tmp_path, hub_url, monkeypatch) -> None:
    monkeypatch.setenv("COACHTUI_SYNC_PART", "250")
    laptop = tmp_path / "ana.db"
    _laptop(laptop, 120)
    heard: list[tuple[str, int, int]] = []
    with open_store(str(laptop), coach="Ana") as ana:
        ana.sync(hub_url, progress=lambda *step: heard.append(step))
        sent = [done for phase, done, _of in heard if phase == "send"]
        assert len(sent) > 3 and sent == sorted(sent) and sent[-1] == heard[0][2]
        assert hub_content(hub_url) == content(ana)
        assert _count(ana.sync(hub_url), "pushed") == 0
    ben_db = tmp_path / "ben.db"
    open_store(str(ben_db), coach="Ben").close()
    heard.clear()
    with open_store(str(ben_db), coach="Ben") as ben:
        ben.sync(hub_url, progress=lambda *step: heard.append(step))
        received = [done for phase, done, _of in heard if phase == "receive"]
        assert len(received) > 3 and received == sorted(received)
        assert content(ben) == hub_content(hub_url)
        # the sessions of the last part are in the search index too
        from coachtui.store.types import SessionFilter

        last = max(content(ben)["sessions"], key=lambda row: row["id"])
        found = ben.search_sessions(SessionFilter(text=last["title"]), limit=500).rows
        assert last["id"] in {row.id for row in found}


def _moved(report, side: str) -> dict[str, tuple[int, int, int]]:
    return {c.kind: (c.added, c.updated, c.deleted) for c in getattr(report, side) if c.added or c.updated or c.deleted}


def test_a_history_moved_in_many_batches_is_reported_as_it_is(tmp_path, hub_url, monkeypatch) -> None:
    """A first sync of more than one batch: a session's reviews of actions from
    sessions in later batches arrived before those sessions. The report said "32
    actions updated" both ways and "120 records belong to something deleted … left
    out", though nothing was deleted or changed (the data came out whole). Each
    record is now reported once, as added, going up and coming down to a new laptop."""
    from coachtui.store import sync as sync_module

    monkeypatch.setattr(sync_module, "BATCH", 300)
    laptop, other = tmp_path / "ana.db", tmp_path / "bo.db"
    _laptop(laptop, 120)
    with open_store(str(laptop), coach="Ana") as ana:
        everything = content(ana)
        report = ana.sync(hub_url)
        assert report.skipped == 0
        assert _moved(report, "pushed") == {kind: (len(rows), 0, 0) for kind, rows in everything.items() if rows}
        assert _moved(report, "pulled") == {}
        assert content(ana) == everything == hub_content(hub_url)
    with open_store(str(other), coach="Bo") as bo:
        report = bo.sync(hub_url)
        assert report.skipped == 0
        assert _moved(report, "pushed") == {}
        assert _moved(report, "pulled") == {kind: (len(rows), 0, 0) for kind, rows in everything.items() if rows}
        assert content(bo) == everything
