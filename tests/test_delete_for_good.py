"""Deleting for good: after a team is deleted and ``coachtui vacuum`` has run, no byte of
its text is left in the database file or its write-ahead log."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

from coachtui.cli import main
from coachtui.store import open_store
from coachtui.store.types import PickedQuestionInfo, SessionFilter

# Distinctive strings, one per place a team's text can live. Lower case, and each starts
# with a letter no other word here starts with, so that they are found verbatim in a
# full-text index too (FTS5 stores lower-cased terms, each sharing its prefix with the
# previous term).
MARKERS = {
    "team": "zteamname4471",
    "title": "jtitleword8812",
    "dilemma": "xdilemmaword9034",
    "context": "vcontextword2290",
    "note": "yquestionnote6618",
    "action": "qactiontext7345",
    "owner": "gownername5521",
    "review": "ureviewnote3107",
    "draft": "ldraftword1943",
}


def on_disk(db: Path) -> bytes:
    """Everything of the database on disk: the file and its -wal (and -shm) file.

    Read by another process: closing a file descriptor of the database in this one
    would drop the POSIX locks of a store that has it open."""
    names = [str(n) for n in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if n.exists()]
    code = "import sys\nfor n in sys.argv[1:]: sys.stdout.buffer.write(open(n, 'rb').read())"
    return subprocess.run([sys.executable, "-c", code, *names], capture_output=True, check=True).stdout


def found(db: Path) -> set[str]:
    data = on_disk(db).lower()
    return {key for key, marker in MARKERS.items() if marker.encode() in data}


def fill_team(store, clock, name: str, marked: bool) -> str:
    m = MARKERS if marked else {key: f"plain {key}" for key in MARKERS}
    team = store.create_team(f"{m['team']} crew" if marked else name)
    first = store.start_session(team.id, coach="Robin")
    # Earlier versions of the text, overwritten while typing: they must go too.
    store.save_draft(first.id, dilemma=f"{m['draft']} first attempt")
    store.save_draft(
        first.id,
        title=f"About {m['title']}",
        dilemma=f"The {m['dilemma']} keeps coming back",
        context=f"Present: {m['context']}",
    )
    store.set_questions(first.id, [PickedQuestionInfo("q1", "What did we try?", "general", f"Said {m['note']}")])
    action = store.add_action(first.id, f"Try {m['action']}", owner=m["owner"], due=dt.date(2026, 12, 1))
    store.complete_session(first.id)
    clock.advance(days=7)
    second = store.start_session(team.id, coach="Robin")
    store.record_review(action.id, "stuck", f"Blocked by {m['review']}", session_id=second.id)
    return team.id


def test_a_deleted_team_leaves_no_trace_after_vacuum(store, db_path: Path, clock, capsys) -> None:
    kept = fill_team(store, clock, "Harbour team", marked=False)
    doomed = fill_team(store, clock, "", marked=True)
    assert found(db_path) == set(MARKERS)  # the search finds text that is there
    store.ensure_daily_backup()
    store.delete_team(doomed)

    # The app (this store) is still open while the coach runs the command.
    assert main(["--db", str(db_path), "vacuum"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Vacuumed {db_path}: ") and " before, " in out and " after" in out
    assert " after; search index rebuilt." in out
    assert f"Backups keep their own copies: 1 file(s) in {db_path.parent / 'coachtui-backups'}" in out
    assert found(db_path) == set()
    store.close()
    assert found(db_path) == set()
    # Everything else is still there.
    with open_store(str(db_path)) as again:
        assert [t.id for t in again.list_teams()] == [kept]
        assert again.get_team(kept).session_count == 2
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_secure_delete_overwrites_deleted_rows_before_any_vacuum(store, db_path: Path, clock) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    doomed = fill_team(store, clock, "", marked=True)
    sentences = [
        f"The {MARKERS['dilemma']} keeps coming back",
        f"About {MARKERS['title']}",
        f"Present: {MARKERS['context']}",
        f"Said {MARKERS['note']}",
        f"Try {MARKERS['action']}",
        f"Blocked by {MARKERS['review']}",
    ]
    assert all(s.encode() in on_disk(db_path) for s in sentences)
    store.delete_team(doomed)
    store.close()  # the last connection checkpoints the log into the file and removes it
    assert not Path(f"{db_path}-wal").exists()
    data = on_disk(db_path)
    # The rows (and the search index's copy of them) are overwritten at once; single
    # words can stay in the search index's word list until `coachtui vacuum` (test
    # above) compacts it.
    assert [s for s in sentences if s.encode() in data] == []


def test_vacuum_compacts_full_text_indexes_found_in_the_schema(store, db_path: Path, clock) -> None:
    kept = fill_team(store, clock, "Harbour team", marked=False)
    doomed = fill_team(store, clock, "", marked=True)
    # A full-text index like the one history search keeps (its name and columns do not
    # matter: vacuum finds FTS5 tables in sqlite_master).
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("CREATE VIRTUAL TABLE session_search USING fts5(team_id UNINDEXED, title, dilemma)")
    conn.execute("CREATE VIRTUAL TABLE \"odd \"\"name\" USING FTS5(body)")
    for team_id in (kept, doomed):
        conn.execute(
            "INSERT INTO session_search SELECT team_id, title, dilemma FROM coaching_session WHERE team_id = ?",
            (team_id,),
        )
    conn.execute("INSERT INTO \"odd \"\"name\" VALUES ('harmless words')")
    conn.close()
    store.delete_team(doomed)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DELETE FROM session_search WHERE team_id = ?", (doomed,))
    conn.close()
    store.close()
    # Deleted rows' words are still in the index's old segments.
    assert {"title", "dilemma"} <= found(db_path)

    with open_store(str(db_path)) as again:
        report = again.vacuum()
        assert report.optimized == ('odd "name', "session_fts", "session_search")
        assert report.wal_cleared
        assert report.after_bytes <= report.before_bytes
    assert found(db_path) == set()
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM session_search").fetchone() == (2,)
        assert conn.execute("SELECT team_id FROM session_search WHERE session_search MATCH 'plain'").fetchall() == [
            (kept,)
        ]
    finally:
        conn.close()


def test_vacuum_says_when_another_program_keeps_the_log_busy(store, db_path: Path, capsys) -> None:
    from sqlalchemy import event

    @event.listens_for(store.engine, "connect")
    def _short_wait(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout = 100")  # the real one is 5 s

    store.engine.dispose()
    store.create_team("Busy")
    reader = sqlite3.connect(db_path, isolation_level=None)
    reader.execute("PRAGMA busy_timeout = 0")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM team").fetchone()  # holds a read snapshot
    try:
        store.create_team("Written after the reader started")
        report = store.vacuum()
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert not report.wal_cleared


def test_search_still_finds_the_right_sessions_after_vacuum(store, db_path: Path) -> None:
    # VACUUM may renumber the rowids that key the search index; vacuum rebuilds it.
    from tests.index_check import assert_in_step

    teams = [store.create_team(f"Team {n}") for n in range(3)]
    kept = {}
    for number, team in enumerate(teams):
        for index in range(20):
            draft = store.start_session(team.id)
            store.save_draft(draft.id, dilemma=f"word{number}x{index} shared words")
            kept[f"word{number}x{index}"] = draft.id
    store.delete_team(teams[0].id)  # leaves gaps in the rowids
    store.vacuum()
    assert assert_in_step(db_path) == 40
    for word, session_id in kept.items():
        if word.startswith("word0"):
            continue
        page = store.search_sessions(SessionFilter(word + " "))
        assert [row.id for row in page.rows] == [session_id], word


# --- rescue copies (found by a tester: a deleted session's text outlived it in unsaved/) ---------


def test_deleting_a_session_or_team_for_good_removes_its_rescue_copies(store, isolated_home: Path) -> None:  # type: ignore[no-untyped-def]
    from coachtui import rescue
    from coachtui.config import write_private_text
    from coachtui.session.edits import RecordEdits
    from coachtui.session.saver import SaveQueue

    team = store.create_team("Ward 4", "Ana")
    kept_team = store.create_team("Pharmacy", "Ana")
    first = store.start_session(team.id, "Ana")
    second = store.start_session(team.id, "Ana")
    other = store.start_session(kept_team.id, "Ana")
    folder = isolated_home / "data" / "unsaved"

    def copy(session_id: str, stamp: str, *, old: bool = False) -> Path:
        path = folder / rescue.file_name(session_id, stamp)
        text = f"# Rescued\n\n{MARKERS['dilemma']} of {session_id}\n"
        write_private_text(path, text if old else rescue.contents(session_id, text))
        return path

    of_first = [copy(first.id, "20261201-090000"), copy(first.id, "20261130-090000", old=True)]
    of_second = copy(second.id, "20261202-090000")
    of_other = copy(other.id, "20261203-090000", old=True)
    unrelated = folder / "notes.md"
    unrelated.write_text(first.id)
    assert sorted(rescue.files()) == sorted([*of_first, of_second, of_other])

    queue = SaveQueue(lambda: store, debounce=0.01, max_wait=0.05)
    queue.start()
    try:
        edits = RecordEdits(queue)
        edits.delete_session(first.id, store.get_session(first.id).version)
        assert queue.flush(timeout=10), queue.last_error
        assert sorted(p.name for p in folder.iterdir()) == sorted([of_second.name, of_other.name, "notes.md"])
        edits.delete_team(store.get_team(team.id))
        assert queue.flush(timeout=10), queue.last_error
    finally:
        queue.stop()
    assert sorted(p.name for p in folder.iterdir()) == sorted([of_other.name, "notes.md"])


def test_vacuum_says_where_rescue_copies_keep_text(store, db_path: Path, isolated_home: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", str(db_path), "vacuum"]) == 0
    assert "Rescue copies" not in capsys.readouterr().out
    folder = isolated_home / "data" / "unsaved"
    folder.mkdir(parents=True)
    (folder / "coachtui-unsaved-20261201-090000-0a1b2c3d.md").write_text("# Rescued\n")
    assert main(["--db", str(db_path), "vacuum"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Rescue copies keep text that could not be saved: 1 file(s) in {folder} "
        "(read them, and delete those you no longer need)."
    )
