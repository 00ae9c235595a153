"""Changes brought in by ``coachtui import`` are this laptop's coach's: the records
an import writes are credited to the coach who imported them (as a save here is),
so that when one of those texts loses a conflict on the hub, that coach's next sync
lists it. A tester's import of changed sessions (``updated_by`` empty in the file)
was credited to the sessions' first coach: the hub's notes named that coach, and the
importing laptop was never told its texts had lost."""

from __future__ import annotations

from test_sync import session_with_everything
from test_sync_merge import conflicts, hub_content

IMPORTED = "Night staff miss the huddle: imported from the ward's own notes."
LATER = "Night staff miss the huddle: Ana's later rewrite."


def test_an_imported_text_that_loses_is_listed_on_the_importing_laptop(ana, ben, hub_url, clock) -> None:
    _team, session, _action = session_with_everything(ana, clock)  # Ana's session
    ana.sync(hub_url)
    ben.sync(hub_url)
    document = ben.export_json()
    (row,) = [r for r in document["sessions"] if r["id"] == session.id]
    clock.advance(minutes=1)
    row.update(dilemma=IMPORTED, updated_by="", updated_at=clock().isoformat())
    summary = ben.import_data(document)
    assert ben.get_session(session.id).dilemma == IMPORTED
    assert any(count.updated for count in summary.counts)
    clock.advance(minutes=5)
    ana.save_draft(session.id, dilemma=LATER)  # later: it wins on the hub
    ben.sync(hub_url)
    (kept,) = ana.sync(hub_url).conflicts
    assert (kept.mine, kept.theirs, kept.theirs_by) == (LATER, IMPORTED, "Ben")
    (told,) = ben.sync(hub_url).conflicts
    assert (told.mine, told.theirs, told.kept, told.mine_by) == (IMPORTED, LATER, "theirs", "Ben")
    assert [c["mine"] for c in conflicts(ben)] == [IMPORTED]
    assert {row["dilemma"] for row in hub_content(hub_url)["sessions"]} == {LATER}


def test_records_an_import_writes_are_credited_to_this_laptops_coach(ben, clock, tmp_path) -> None:
    from coachtui.store import open_store

    with open_store(str(tmp_path / "kenji.db"), clock=clock, coach="Kenji Sato") as kenji:
        session_with_everything(kenji, clock)
        document = kenji.export_json()
    assert {row["updated_by"] for row in document["sessions"]} == {"Kenji Sato"}
    ben.import_data(document)
    exported = ben.export_json()
    assert {row["updated_by"] for kind in ("teams", "sessions", "actions") for row in exported[kind]} == {"Ben"}
    assert {row["coach"] for row in exported["sessions"]} == {"Kenji Sato"}  # the session's coach stays
