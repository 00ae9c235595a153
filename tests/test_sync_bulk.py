"""A whole history into an empty database, copied (issue 18, item 4): the first push
of a laptop into an empty hub and the first pull into an empty laptop copy the tables
instead of merging record by record (``store/sync/bulk.py``). The copy must leave
exactly what the merge leaves, on both sides, byte for byte: these tests run both on
copies of the same laptop (``COACHTUI_SYNC_BULK=0`` turns the copy off) and compare
every table. Speed is measured in bench/sync.py, not here."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from coachtui.store import open_store
from coachtui.store.db.target import parse_target
from coachtui.store.demo import generate_demo_data
from coachtui.store.sync import bulk
from coachtui.store.types import SessionFilter
from conftest import psycopg_url
from test_sync import HOSTILE, content, moved

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def fixed() -> dt.datetime:
    """One moment for every call: both ways of syncing stamp the same times."""
    return NOW


def _laptop(path: Path) -> None:
    """Demo data (well over ``bulk.BULK_ROWS`` records) with text that needs escaping
    everywhere, a custom question and tombstones."""
    with open_store(str(path), coach="Ana", clock=fixed) as store:
        generate_demo_data(store, sessions=70, teams=3, seed=5, today=dt.date(2026, 11, 20))
        team = store.list_teams()[0]
        session = store.start_session(team.id)
        store.save_draft(session.id, title=f"Odd {HOSTILE}", dilemma=HOSTILE, context="naïve café — “quotes” \\ \"")
        store.add_action(session.id, HOSTILE, owner="Zoë", due=dt.date(2026, 12, 24))
        store.add_custom_question(f"What would the porters say? {HOSTILE}", category="relational")
        gone = store.search_sessions(limit=2).rows[-1].id
        store.delete_session(gone)
        records = sum(len(rows) for rows in content(store).values())
    assert records > bulk.BULK_ROWS


def _hub(backend: str, tmp_path: Path, pg, name: str) -> str:
    url = str(tmp_path / f"{name}.db") if backend == "sqlite" else pg.new_url()
    open_store(url).close()
    return url


def _meta_id(url: str) -> str:
    return {row[-2]: row[-1] for row in _tables(url)["coachtui_meta"]}["database_id"]


# The summary tables the triggers keep (store/db/tallies.py): a bulk copy fills them once
# at the end, the merge row by row, so their rows are compared without their rowids.
TALLIES = {"team_tally", "theme_tally"}


def _tables(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (SQLite: with its rowid, in rowid order; the search
    index's rows as the index holds them, not its internal segments)."""
    if "://" not in url:
        conn = sqlite3.connect(url)
        try:
            names = [name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'session_fts%'"
            )]
            found = {name: conn.execute(f'SELECT rowid, * FROM "{name}" ORDER BY rowid').fetchall() for name in names}
            for name in TALLIES & set(names):  # counts, not records: the same counts in any row order
                found[name] = sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            found["session_fts"] = conn.execute("SELECT rowid, * FROM session_fts ORDER BY rowid").fetchall()
            return found
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        names = [name for (name,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE'"
        )]
        return {name: sorted((tuple(row) for row in conn.execute(f'SELECT * FROM "{name}"')), key=repr) for name in names}


def _same_as(url: str, hubs: dict[str, str]) -> dict[str, list[tuple]]:
    """``_tables`` with each hub's database id replaced by its part ("the hub"), so
    two hubs' copies compare."""
    found = {}
    for name, rows in _tables(url).items():
        clean = []
        for row in rows:
            values = []
            for value in row:
                if isinstance(value, str):
                    for ident, part in hubs.items():
                        value = value.replace(ident, part)
                values.append(value)
            clean.append(tuple(values))
        found[name] = clean
    return found


@pytest.fixture
def copies(monkeypatch):
    """How many times sync copied instead of merging."""
    from coachtui.store import sync as sync_module

    calls: list[int] = []
    real = sync_module.apply_copy

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sync_module, "apply_copy", counting)
    return calls


def _sync(path: Path | str, hub: str, monkeypatch, *, copy: bool, coach: str = "Ana"):
    monkeypatch.setenv(bulk.BULK_ENV, "1" if copy else "0")
    with open_store(str(path), coach=coach, clock=fixed) as store:
        return store.sync(hub)


def _report(report) -> tuple:
    return (moved(report), report.first, report.skipped, report.merged, report.clamped, report.conflicts,
            report.merged_teams, report.deleted_sessions)


def test_a_first_push_and_a_first_pull_copied_leave_what_merging_leaves(
    tmp_path, backend, pg, monkeypatch, copies
) -> None:
    original = tmp_path / "ana.db"
    _laptop(original)
    quick, slow = tmp_path / "quick.db", tmp_path / "slow.db"
    shutil.copyfile(original, quick)
    shutil.copyfile(original, slow)
    quick_hub, slow_hub = _hub(backend, tmp_path, pg, "quick-hub"), _hub(backend, tmp_path, pg, "slow-hub")
    hubs = {_meta_id(quick_hub): "the hub", _meta_id(slow_hub): "the hub"}
    hubs |= {parse_target(quick_hub).display: "its place", parse_target(slow_hub).display: "its place"}

    copied = _sync(quick, quick_hub, monkeypatch, copy=True)
    assert len(copies) == 1
    merged = _sync(slow, slow_hub, monkeypatch, copy=False)
    assert len(copies) == 1
    assert _report(copied) == _report(merged)
    assert moved(copied)["pushed"]["sessions"] == (70, 0, 0)
    assert _same_as(quick_hub, hubs) == _same_as(slow_hub, hubs)
    assert _same_as(str(quick), hubs) == _same_as(str(slow), hubs)

    # the first pull into an empty laptop, copied and merged, from the same hub
    first, second = tmp_path / "ben-quick.db", tmp_path / "ben-slow.db"
    open_store(str(tmp_path / "empty.db"), coach="Ben").close()
    shutil.copyfile(tmp_path / "empty.db", first)
    shutil.copyfile(tmp_path / "empty.db", second)
    pulled_quick = _sync(first, quick_hub, monkeypatch, copy=True, coach="Ben")
    assert len(copies) == 2
    pulled_slow = _sync(second, quick_hub, monkeypatch, copy=False, coach="Ben")
    assert len(copies) == 2
    assert _report(pulled_quick) == _report(pulled_slow)
    assert moved(pulled_quick)["pulled"]["sessions"] == (70, 0, 0)
    assert _same_as(str(first), hubs) == _same_as(str(second), hubs)
    with open_store(str(first)) as ben, open_store(str(original)) as ana:
        assert content(ben) == content(ana)
        # the search index has the copied sessions' words
        found = ben.search_sessions(SessionFilter(text="café"), limit=5).rows
        assert [row.title for row in found] == [f"Odd {HOSTILE}"]


def test_after_copied_first_syncs_the_next_ones_move_only_what_changed_and_merge_by_field(
    tmp_path, hub_url, monkeypatch, copies
) -> None:
    ana_path, ben_path = tmp_path / "ana.db", tmp_path / "ben.db"
    _laptop(ana_path)
    _sync(ana_path, hub_url, monkeypatch, copy=True)
    open_store(str(ben_path), coach="Ben").close()
    _sync(ben_path, hub_url, monkeypatch, copy=True, coach="Ben")
    assert len(copies) == 2
    with open_store(str(ana_path), coach="Ana", clock=fixed) as ana, open_store(str(ben_path), coach="Ben") as ben:
        assert content(ben) == content(ana)
        assert moved(ana.sync(hub_url)) == moved(ben.sync(hub_url)) == {"pushed": {}, "pulled": {}}
        first, second = (row.id for row in ana.search_sessions(limit=2).rows)
        # each changes a different field of one session: both edits stay (the versions
        # the copy kept say which side changed what)
        ana.save_draft(first, title="Ana's new title")
        ben.save_draft(first, dilemma="Ben's new dilemma")
        ben.save_draft(second, context="Ben's note")
        assert moved(ana.sync(hub_url)) == {"pushed": {"sessions": (0, 1, 0)}, "pulled": {}}
        assert moved(ben.sync(hub_url)) == {"pushed": {"sessions": (0, 2, 0)}, "pulled": {"sessions": (0, 1, 0)}}
        assert moved(ana.sync(hub_url)) == {"pushed": {}, "pulled": {"sessions": (0, 2, 0)}}
        for store in (ana, ben):
            session = store.get_session(first)
            assert (session.title, session.dilemma) == ("Ana's new title", "Ben's new dilemma")
            assert store.get_session(second).context == "Ben's note"
        assert content(ana) == content(ben)
        assert len(copies) == 2


def test_a_hub_holding_records_is_merged_into_not_copied_over(tmp_path, hub_url, monkeypatch, copies, clock) -> None:
    with open_store(str(tmp_path / "cleo.db"), coach="Cleo", clock=clock) as cleo:
        team = cleo.create_team("Ward 9")
        cleo.save_draft(cleo.start_session(team.id).id, title="Cleo's session")
        cleo.sync(hub_url)
    assert not copies  # too small to copy
    laptop = tmp_path / "ana.db"
    _laptop(laptop)
    report = _sync(laptop, hub_url, monkeypatch, copy=True)
    assert not copies
    assert moved(report)["pulled"] == {"teams": (1, 0, 0), "sessions": (1, 0, 0)}
    with open_store(str(laptop)) as ana, open_store(hub_url) as hub:
        assert content(ana) == content(hub)


def test_a_stamp_from_the_future_going_to_an_empty_hub_is_merged_and_brought_back(
    tmp_path, hub_url, monkeypatch, copies
) -> None:
    laptop = tmp_path / "ana.db"
    _laptop(laptop)
    conn = sqlite3.connect(laptop)
    with conn:
        ident = conn.execute("SELECT id FROM coaching_session ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("UPDATE coaching_session SET updated_at = '2099-01-01 00:00:00.000000' WHERE id = ?", (ident,))
    conn.close()
    report = _sync(laptop, hub_url, monkeypatch, copy=True)
    assert not copies
    assert report.clamped >= 1
    with open_store(hub_url) as hub:
        assert hub.get_session(ident).updated_at.year < 2099
