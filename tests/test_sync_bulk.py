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


@pytest.fixture
def one_sided(monkeypatch):
    """The records each batch received copied as new to the laptop (``_one_sided``),
    in order: (kind, id) pairs."""
    from coachtui.store import sync as sync_module

    counts: list[set[tuple[str, str]]] = []
    real = sync_module._one_sided

    def counting(*args, **kwargs):
        found = real(*args, **kwargs)
        counts.append({(kind, row[0]) for kind, rows in found.copied.items() for row in rows})
        return found

    monkeypatch.setattr(sync_module, "_one_sided", counting)
    return counts


def test_a_laptop_with_sessions_of_its_own_joining_a_hub_copies_the_sessions_new_to_it_as_merging_would(
    tmp_path, backend, pg, monkeypatch, one_sided
) -> None:
    """Issue 18, item 6: a laptop's first sync with a busy hub pushes its sessions,
    new there, and pulls thousands it never had; both are copied (not merged one by
    one), with the same outcome on the laptop and on the hub, table for table and
    byte for byte. One of its teams has the name of one on the hub: the hub files
    its sessions under its own, and the laptop adopts the hub's."""
    ana = tmp_path / "ana.db"
    _laptop(ana)
    ben = tmp_path / "ben.db"
    with open_store(str(ben), coach="Ben", clock=fixed) as store:
        generate_demo_data(store, sessions=60, teams=4, seed=9, today=dt.date(2026, 11, 21))
        with open_store(str(ana)) as other:
            shared_name = other.list_teams()[0].name
        store.rename_team(store.list_teams()[0].id, shared_name)
        bens = {row.id for row in store.search_sessions(limit=200).rows}
    quick_hub, slow_hub = _hub(backend, tmp_path, pg, "quick-hub"), _hub(backend, tmp_path, pg, "slow-hub")
    hubs = {_meta_id(quick_hub): "the hub", _meta_id(slow_hub): "the hub"}
    hubs |= {parse_target(quick_hub).display: "its place", parse_target(slow_hub).display: "its place"}
    for hub in (quick_hub, slow_hub):
        _sync(shutil.copyfile(ana, tmp_path / f"ana-{len(hub)}-{hub[-12:].replace('/', '_')}.db"), hub, monkeypatch, copy=True)
    quick, slow = tmp_path / "ben-quick.db", tmp_path / "ben-slow.db"
    shutil.copyfile(ben, quick)
    shutil.copyfile(ben, slow)

    before = len(one_sided)
    copied = _sync(quick, quick_hub, monkeypatch, copy=True, coach="Ben")
    sent, received = ({ident for kind, ident in found if kind == "sessions"} for found in one_sided[before:])
    assert sent == bens  # Ben's sessions, copied to the hub
    assert len(received) == 70 and len(one_sided[-1]) > bulk.BULK_ROWS  # Ana's, copied here
    calls = len(one_sided)
    merged = _sync(slow, slow_hub, monkeypatch, copy=False, coach="Ben")
    assert len(one_sided) == calls  # merged record by record
    assert _report(copied) == _report(merged)
    assert moved(copied)["pulled"]["sessions"] == (70, 0, 0)
    assert moved(copied)["pushed"]["sessions"] == (60, 0, 0)
    assert copied.merged_teams == ((shared_name, shared_name),)
    assert _same_as(str(quick), hubs) == _same_as(str(slow), hubs)
    assert _same_as(quick_hub, hubs) == _same_as(slow_hub, hubs)
    with open_store(str(quick)) as laptop, open_store(quick_hub) as hub:
        assert content(laptop) == content(hub)
        found = laptop.search_sessions(SessionFilter(text="café"), limit=5).rows
        assert [row.title for row in found] == [f"Odd {HOSTILE}"]

    # the next syncs, each way, leave the same too
    again_copied = _sync(quick, quick_hub, monkeypatch, copy=True, coach="Ben")
    again_merged = _sync(slow, slow_hub, monkeypatch, copy=False, coach="Ben")
    assert _report(again_copied) == _report(again_merged)
    assert moved(again_copied) == {"pushed": {}, "pulled": {}}
    assert _same_as(str(quick), hubs) == _same_as(str(slow), hubs)


def test_sessions_a_laptop_holds_deleted_or_must_decide_are_merged_beside_the_copied_ones_with_the_same_outcome(
    tmp_path, backend, pg, monkeypatch, one_sided
) -> None:
    """A laptop that already synced pulls three things at once: a colleague's new
    sessions (copied), an edit of a session it holds and a new session holding a
    review of an action it holds (merged); it deleted one of the hub's sessions
    meanwhile. Copying or not, the laptop and the hub end up the same."""
    from coachtui.store.db.models import ids_from

    ana, ben, cleo = tmp_path / "ana.db", tmp_path / "ben.db", tmp_path / "cleo.db"
    _laptop(ana)
    with open_store(str(ben), coach="Ben", clock=fixed) as store:
        generate_demo_data(store, sessions=12, teams=4, seed=9, today=dt.date(2026, 11, 21))
    with open_store(str(cleo), coach="Cleo", clock=fixed) as store:
        generate_demo_data(store, sessions=60, teams=3, seed=11, today=dt.date(2026, 11, 22))
        cleos = {row.id for row in store.search_sessions(limit=200).rows}
    found: dict[bool, tuple] = {}
    hubs: dict[str, str] = {}
    for copy in (True, False):
        folder = tmp_path / ("quick" if copy else "slow")
        folder.mkdir()
        for path in (ana, ben, cleo):
            shutil.copyfile(path, folder / path.name)
        hub = _hub(backend, tmp_path, pg, f"{folder.name}-hub")
        hubs |= {_meta_id(hub): "the hub", parse_target(hub).display: "its place"}
        numbers = iter(range(10_000))  # the same new ids in both runs
        with ids_from(lambda numbers=numbers: f"00000000-0000-4000-8000-{next(numbers):012d}"):
            _sync(folder / "ana.db", hub, monkeypatch, copy=copy)
            _sync(folder / "ben.db", hub, monkeypatch, copy=copy, coach="Ben")
            with open_store(str(folder / "ana.db"), coach="Ana", clock=fixed) as store:
                rows = store.search_sessions(limit=200).rows
                old = next(row for row in rows if store.actions_to_review(row.id))
                action = store.actions_to_review(old.id)[0][0]
                new = store.start_session(store.get_session(old.id).team_id)
                store.save_draft(new.id, title="Reviewing an old action")
                store.record_review(action.id, "done", "went well", session_id=new.id)
                store.save_draft(rows[5].id, dilemma="Ana's second thoughts")
            with open_store(str(folder / "ben.db"), coach="Ben", clock=fixed) as store:
                store.save_draft(rows[7].id, context="Ben's note on Ana's session")
                store.delete_session(rows[9].id)
            _sync(folder / "ana.db", hub, monkeypatch, copy=copy)
            _sync(folder / "cleo.db", hub, monkeypatch, copy=copy, coach="Cleo")
            before = len(one_sided)
            report = _sync(folder / "ben.db", hub, monkeypatch, copy=copy, coach="Ben")
        if copy:  # Cleo's sessions were copied, the session reviewing an old action was not
            assert one_sided[before:] and len(one_sided[-1]) > bulk.BULK_ROWS
            copied = {ident for kind, ident in one_sided[-1] if kind == "sessions"}
            assert cleos <= copied
            assert new.id not in copied
        else:
            assert len(one_sided) == before
        with open_store(str(folder / "ben.db")) as store:
            assert store.get_session(new.id).title == "Reviewing an old action"
            assert store.get_session(rows[5].id).dilemma == "Ana's second thoughts"
            assert [review.note for review in store.action_history(action.id)][-1:] == ["went well"]
        found[copy] = (_report(report), folder, hub)
    assert found[True][0] == found[False][0]
    assert _same_as(str(found[True][1] / "ben.db"), hubs) == _same_as(str(found[False][1] / "ben.db"), hubs)
    assert _same_as(found[True][2], hubs) == _same_as(found[False][2], hubs)
    with open_store(str(found[True][1] / "ben.db")) as laptop, open_store(found[True][2]) as hub_store:
        assert content(laptop) == content(hub_store)


def test_records_chosen_to_copy_that_collide_by_the_time_they_are_written_are_merged_instead(
    tmp_path, hub_url, monkeypatch, one_sided
) -> None:
    """The coach may save between the batch's reading and its writing here: when what
    was chosen to copy is no longer new here, the batch is merged as before."""
    from coachtui.store import sync as sync_module

    ana = tmp_path / "ana.db"
    _laptop(ana)
    _sync(ana, hub_url, monkeypatch, copy=True)
    ben = tmp_path / "ben.db"
    with open_store(str(ben), coach="Ben", clock=fixed) as store:
        generate_demo_data(store, sessions=3, teams=1, seed=9, today=dt.date(2026, 11, 21))
    checked: list[bool] = []

    def collided(conn, incoming) -> bool:
        checked.append(bool(incoming.copied))
        return False

    monkeypatch.setattr(sync_module, "_still_new", collided)
    report = _sync(ben, hub_url, monkeypatch, copy=True, coach="Ben")
    assert checked == [True] and len(one_sided[-1]) > bulk.BULK_ROWS
    assert moved(report)["pulled"]["sessions"] == (70, 0, 0)
    with open_store(str(ben)) as laptop, open_store(hub_url) as hub:
        assert content(laptop) == content(hub)
