"""``coachtui sync --hub URL`` as a coach runs it."""

from __future__ import annotations

import pytest

from coachtui.cli import main
from coachtui.store import NotFound, open_store


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_sync_prints_what_moved_and_a_second_run_moves_nothing(tmp_path, hub_url, capsys, monkeypatch) -> None:
    laptop = str(tmp_path / "laptop.db")
    assert main(["--db", laptop, "demo-data", "--sessions", "12", "--teams", "2", "--no-set"]) == 0
    capsys.readouterr()
    code, lines, err = run(capsys, "--db", laptop, "sync", "--hub", hub_url)
    assert (code, err) == (0, "")
    assert lines[0].startswith("Synced with ") and lines[0].endswith("(everything compared).")
    assert lines[1].startswith("Pushed to the hub: 2 teams added; 12 sessions added; ")
    assert lines[2] == "Pulled from the hub: nothing."
    if "://" in hub_url:
        assert "***" in lines[0] and hub_url.split(":")[2].split("@")[0] not in lines[0]  # no password
    code, lines, err = run(capsys, "--db", laptop, "sync", "--hub", hub_url)
    assert code == 0 and lines[1:] == ["Nothing to push or pull: both sides were already the same."]
    # a second laptop (its database started by the app), its hub from the environment
    other = str(tmp_path / "other.db")
    open_store(other).close()
    monkeypatch.setenv("COACHTUI_HUB", hub_url)
    code, lines, _ = run(capsys, "--db", other, "sync")
    assert code == 0 and lines[1] == "Pushed to the hub: nothing."
    assert lines[2].startswith("Pulled from the hub: 2 teams added; 12 sessions added")
    code, out, _ = run(capsys, "--db", other, "search", "*")
    assert code == 0 and len(out) == 13  # a header and the twelve sessions


def test_deletions_made_by_a_named_coach_travel(tmp_path, hub_url, capsys) -> None:
    laptop, other = str(tmp_path / "laptop.db"), str(tmp_path / "other.db")
    with open_store(laptop) as store:
        team = store.create_team("Ward 4")
        session = store.start_session(team.id, coach="Robin")
        store.save_draft(session.id, title="To delete")
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    open_store(other).close()  # the second laptop's database, started by the app
    assert main(["--db", other, "sync", "--hub", hub_url]) == 0
    with open_store(laptop, coach="Robin") as store:
        store.delete_session(session.id)
    capsys.readouterr()
    code, lines, _ = run(capsys, "--db", laptop, "sync", "--hub", hub_url)
    assert code == 0 and lines[1] == "Pushed to the hub: 1 session deleted."
    code, lines, _ = run(capsys, "--db", other, "sync", "--hub", hub_url)
    assert lines[2] == "Pulled from the hub: 1 session deleted."
    with open_store(other) as store:
        assert store.count_sessions() == 0
        with pytest.raises(NotFound, match="Robin deleted it"):
            store.get_session(session.id)


def test_a_deletion_from_another_laptop_removes_the_rescue_copies_here(tmp_path, hub_url, capsys, isolated_home) -> None:
    """Rescue copies (plain text outside the database) went with a session deleted
    here, but not with one deleted on another laptop and removed here by sync."""
    from coachtui import rescue
    from coachtui.config import write_private_text

    laptop, other = str(tmp_path / "laptop.db"), str(tmp_path / "other.db")
    with open_store(laptop) as store:
        team = store.create_team("Ward 4")
        gone = store.start_session(team.id, coach="Robin")
        store.save_draft(gone.id, title="To delete", dilemma="Private words")
        kept = store.start_session(team.id, coach="Robin")
        store.save_draft(kept.id, title="Stays")
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    open_store(other).close()  # the second laptop's database, started by the app
    assert main(["--db", other, "sync", "--hub", hub_url]) == 0
    folder = isolated_home / "data" / "unsaved"  # the other laptop's rescue copies
    for session_id, stamp in ((gone.id, "20261201-090000"), (kept.id, "20261202-090000")):
        write_private_text(folder / rescue.file_name(session_id, stamp), rescue.contents(session_id, "Private words\n"))
    with open_store(laptop, coach="Robin") as store:
        store.delete_session(gone.id)
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    capsys.readouterr()
    code, lines, _ = run(capsys, "--db", other, "sync", "--hub", hub_url)
    assert code == 0 and lines[2] == "Pulled from the hub: 1 session deleted."
    assert [rescue.session_of(path) for path in rescue.files()] == [kept.id]


def test_an_unreachable_hub_is_one_line_and_a_missing_hub_a_usage_error(tmp_path, capsys) -> None:
    laptop = str(tmp_path / "laptop.db")
    open_store(laptop).close()
    code, lines, err = run(capsys, "--db", laptop, "sync", "--hub", "postgresql://coach:pw@127.0.0.1:9/hub")
    assert code == 1 and lines == []
    assert err.count("\n") == 1 and err.startswith("coachtui: cannot sync: cannot reach the database at ")
    assert err.rstrip().endswith("nothing was changed here") and ":pw@" not in err
    code, lines, err = run(capsys, "--db", laptop, "sync")
    assert code == 2 and err == "coachtui: give the hub with --hub URL (or set COACHTUI_HUB)\n"


def test_a_hub_file_that_does_not_exist_is_refused_not_created(tmp_path, capsys) -> None:
    laptop = str(tmp_path / "laptop.db")
    open_store(laptop).close()
    typo = tmp_path / "hbu.db"
    code, lines, err = run(capsys, "--db", laptop, "sync", "--hub", str(typo))
    assert code == 1 and lines == []
    assert err == (
        f"coachtui: cannot sync: there is no hub at {typo} (give the hub's postgresql:// URL, or create a hub "
        f"file first by opening it once in the app: coachtui --db {typo}); nothing was changed here\n"
    )
    assert not typo.exists()


def test_a_conflict_is_listed_and_settled_from_the_command_line(tmp_path, hub_url, capsys) -> None:
    laptop, other = str(tmp_path / "laptop.db"), str(tmp_path / "other.db")
    with open_store(laptop, coach="Ana") as store:
        session = store.start_session(store.create_team("Ward 4").id)
        store.save_draft(session.id, title="Night huddle")
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    open_store(other).close()  # the second laptop's database, started by the app
    assert main(["--db", other, "sync", "--hub", hub_url]) == 0
    with open_store(laptop, coach="Ana") as store:
        store.save_draft(session.id, dilemma="Ana's account of the night shift")
    with open_store(other, coach="Ben") as store:
        store.save_draft(session.id, dilemma="Ben's account of the night shift")
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    capsys.readouterr()
    code, lines, err = run(capsys, "--db", other, "sync", "--hub", hub_url)
    assert (code, err) == (0, "")
    assert any("changed differently on both sides" in line for line in lines)
    assert any("Ana's account of the night shift" in line for line in lines)
    code, lines, _ = run(capsys, "--db", other, "sync", "--conflicts")
    assert code == 0 and any("Ben's account" in line for line in lines) and any("Ana's account" in line for line in lines)
    ident = lines[0].split()[1].rstrip(":")
    code, lines, err = run(capsys, "--db", other, "sync", "--resolve", "nosuch", "mine")
    assert code == 1 and lines == [] and err.count("\n") == 1 and "no conflict starts with 'nosuch'" in err
    code, lines, err = run(capsys, "--db", other, "sync", "--resolve", ident, "sideways")
    assert code == 1 and err.count("\n") == 1 and "choose mine, theirs or both" in err
    code, lines, err = run(capsys, "--db", other, "sync", "--resolve", ident, "both")
    assert (code, err) == (0, "")
    code, lines, _ = run(capsys, "--db", other, "sync", "--conflicts")
    assert lines == ["No conflicts: nothing is waiting for your choice."]
    assert main(["--db", other, "sync", "--hub", hub_url]) == 0
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    for path in (laptop, other):
        with open_store(path) as store:
            dilemma = store.get_session(session.id).dilemma
            assert "Ana's account" in dilemma and "Ben's account" in dilemma


def test_a_deletion_against_an_edit_is_listed_and_keeping_mine_brings_it_back(tmp_path, hub_url, capsys) -> None:
    laptop, other = str(tmp_path / "laptop.db"), str(tmp_path / "other.db")
    with open_store(laptop, coach="Ana") as store:
        session = store.start_session(store.create_team("Ward 4").id)
        store.save_draft(session.id, title="Night huddle")
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    open_store(other).close()  # the second laptop's database, started by the app
    assert main(["--db", other, "sync", "--hub", hub_url]) == 0
    with open_store(other, coach="Ben") as store:
        store.save_draft(session.id, dilemma="Ben's account of the night shift")
    with open_store(laptop, coach="Ana") as store:
        store.delete_session(session.id)  # later, without having seen Ben's words
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    capsys.readouterr()
    code, lines, err = run(capsys, "--db", other, "sync", "--hub", hub_url)
    assert (code, err) == (0, "")
    assert any("the session was deleted by Ana while you changed it here" in line for line in lines)
    assert any("Ben's account of the night shift" in line for line in lines)
    code, lines, _ = run(capsys, "--db", other, "sync", "--conflicts")
    assert lines[1] == "  yours:  \"dilemma: Ben's account of the night shift\""
    assert lines[2] == "  theirs (Ana): '(deleted)'"
    ident = lines[0].split()[1].rstrip(":")
    code, lines, err = run(capsys, "--db", other, "sync", "--resolve", ident, "mine")
    assert (code, err, lines) == (0, "", ["Kept yours: the session is back here; the next sync takes it to the hub."])
    assert main(["--db", other, "sync", "--hub", hub_url]) == 0
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    for path in (laptop, other):
        with open_store(path) as store:
            assert store.get_session(session.id).dilemma == "Ben's account of the night shift"


def test_a_conflicts_one_line_shows_where_the_two_texts_differ() -> None:
    """The sync report's line for a long text both coaches changed shows the part that
    differs, not the start both texts share."""
    from coachtui.store.sync.conflicts import Conflict

    shared = "The night staff say the handover is rushed because the ward round runs late. " * 3
    conflict = Conflict("7afd04ff00", "sessions", "s1", "dilemma", shared + "Ana: the day plan never reaches them.",
                        shared + "Ben: the sheet is lost at 21:00.", kept="theirs", theirs_by="Ben Okafor")
    line = conflict.describe()
    assert "Ben Okafor's was kept, yours was '…" in line and "Ana: the day plan never reaches them.'" in line


def test_an_edit_typed_after_a_deletion_not_yet_synced_is_listed_not_brought_back(tmp_path, hub_url, capsys) -> None:
    """Ana deletes and syncs; Ben, not knowing, types in the session afterwards and
    syncs: the deletion holds (nothing "added" anywhere), and Ben's sync lists it."""
    laptop, other = str(tmp_path / "laptop.db"), str(tmp_path / "other.db")
    with open_store(laptop, coach="Ana") as store:
        session = store.start_session(store.create_team("Ward 4").id)
        store.save_draft(session.id, title="Open disagreement")
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    open_store(other).close()
    assert main(["--db", other, "sync", "--hub", hub_url]) == 0
    with open_store(laptop, coach="Ana") as store:
        store.delete_session(session.id)
    assert main(["--db", laptop, "sync", "--hub", hub_url]) == 0
    with open_store(other, coach="Ben") as store:
        store.save_draft(session.id, dilemma="Ben's account, typed after Ana deleted it")
    capsys.readouterr()
    code, lines, err = run(capsys, "--db", other, "sync", "--hub", hub_url)
    assert (code, err) == (0, "")
    assert not any("added" in line for line in lines)
    assert any("the session was deleted by Ana while you changed it here" in line for line in lines)
    code, lines, _ = run(capsys, "--db", laptop, "sync", "--hub", hub_url)
    assert code == 0 and not any("added" in line for line in lines)
    for path in (laptop, other):
        with open_store(path) as store:
            assert store.count_sessions() == 0
    code, lines, _ = run(capsys, "--db", other, "sync", "--conflicts")
    assert lines[1] == "  yours:  \"dilemma: Ben's account, typed after Ana deleted it\""
