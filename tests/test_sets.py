"""Action learning sets (issue 22, item 1): a team with named members, a meeting with
several presenters in turn (each with their own dilemma, category, questions and
actions), kept by the store, migration 0011, exports, import and sync. On SQLite and
PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest

from coachtui.store import DuplicateName, InvalidInput, open_store
from coachtui.store.db import database
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import PickedQuestionInfo

SET = "North regional leads"
MEMBERS = ("Asha Patel", "Ben Okafor", "Carys Jones", "Dev Shah")


def _set(store, name: str = SET, members=MEMBERS):
    team = store.create_team(name)
    for member in members:
        team = store.add_member(team.id, member)
    return team


def _meeting(store, clock, team=None):
    """A completed meeting of three presenters, each with a dilemma, a category, a
    question and an action they own. Returns the team and the three sessions."""
    team = team or _set(store)
    first = store.start_session(team.id, "Ana")
    store.save_draft(first.id, presenter="Asha Patel", title="Winter beds", dilemma="No beds on Mondays",
                     primary_category="environment")
    store.set_questions(first.id, [PickedQuestionInfo("q-1", "What is in the way?", "bank")])
    store.add_action(first.id, "Ask the bed manager for Monday data", "Asha Patel", dt.date(2026, 12, 20))
    second = store.add_presenter(first.id, "Ben Okafor", "Ana")
    store.save_draft(second.id, title="Quiet team", dilemma="The team says nothing in huddles",
                     primary_category="relational")
    store.set_questions(second.id, [PickedQuestionInfo("q-1", "What is in the way?", "bank", note="fear")])
    store.add_action(second.id, "Try a round at the huddle", "Ben Okafor")
    third = store.add_presenter(second.id, "Carys Jones", "Ana")  # any presenter's id names the meeting
    store.save_draft(third.id, title="PDSA", dilemma="We never finish a cycle", primary_category="capability")
    store.add_action(third.id, "Write one prediction", "Carys Jones")
    for part in (first, second, third):
        store.complete_session(part.id)
    clock.advance(days=14)
    return team, first, second, third


def test_a_team_becomes_a_set_with_members_and_a_member_who_leaves_is_kept(store) -> None:
    plain = store.create_team("Ward 4")
    assert not plain.is_set and plain.members == ()
    team = _set(store)
    assert team.is_set and team.current_members == MEMBERS
    with pytest.raises(DuplicateName, match="already a member"):
        store.add_member(team.id, "  asha   PATEL ")
    with pytest.raises(InvalidInput, match="needs a name"):
        store.add_member(team.id, "   ")
    left = store.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 1))
    assert left.current_members == MEMBERS[:3]
    assert [m.name for m in left.members] == list(MEMBERS)  # kept, marked
    assert left.members[3].left == dt.date(2026, 12, 1)
    back = store.add_member(team.id, "dev shah")
    assert back.current_members == MEMBERS and back.members[3].name == "Dev Shah"
    with pytest.raises(InvalidInput, match="not a member"):
        store.member_left(team.id, "Nobody", left=dt.date(2026, 12, 1))
    assert store.get_team(team.id).members == back.members


def test_a_meeting_holds_presenters_in_turn_each_with_their_own_part(store, clock) -> None:
    team, first, second, third = _meeting(store, clock)
    parts = store.meeting(third.id)
    assert [p.id for p in parts] == [first.id, second.id, third.id]
    assert [(p.turn, p.presenter, p.meeting_id) for p in parts] == [
        (1, "Asha Patel", None),
        (2, "Ben Okafor", first.id),
        (3, "Carys Jones", first.id),
    ]
    assert [p.primary_category for p in parts] == ["environment", "relational", "capability"]
    assert [p.questions[0].note for p in parts[:2]] == ["", "fear"]  # the same question, twice
    assert [[a.owner for a in p.actions] for p in parts] == [["Asha Patel"], ["Ben Okafor"], ["Carys Jones"]]
    # the meeting counts once for the team, and is the team's last session
    got = store.get_team(team.id)
    assert got.session_count == 1
    assert store.last_session(team.id).id == first.id
    # the next meeting reviews every member's actions, none of its own
    nxt = store.start_session(team.id, "Ana")
    later = store.add_presenter(nxt.id, "Dev Shah")
    store.add_action(later.id, "Visit a ward", "Dev Shah")
    to_review = store.actions_to_review(later.id)
    assert sorted(a.owner for a, _ in to_review) == ["Asha Patel", "Ben Okafor", "Carys Jones"]
    (asha, _review) = next((a, r) for a, r in to_review if a.owner == "Asha Patel")
    store.record_review(asha.id, "done", "Data came", session_id=nxt.id)
    assert [r for _a, r in store.actions_to_review(later.id) if r is not None][0].note == "Data came"
    # a draft meeting is offered once, by its first session
    assert [d.id for d in store.list_drafts()] == [nxt.id]


def test_an_ordinary_session_is_one_unnamed_presenter(store) -> None:
    team = store.create_team("Ward 4")
    session = store.start_session(team.id, "Ana")
    detail = store.get_session(session.id)
    assert (detail.presenter, detail.turn, detail.meeting_id) == ("", 1, None)
    assert [p.id for p in store.meeting(session.id)] == [session.id]


def test_deleting_a_meeting_deletes_every_presenter_and_an_added_presenter_is_not_an_empty_draft(store, clock) -> None:
    team = _set(store)
    first = store.start_session(team.id, "Ana")
    second = store.add_presenter(first.id, "Ben Okafor", session_id="fixed-id")
    assert store.add_presenter(first.id, "Ben Okafor", session_id="fixed-id").id == second.id  # a retry
    assert not store.discard_empty_draft(first.id)  # it has a presenter after it
    assert not store.discard_empty_draft(second.id)  # named: not empty
    store.delete_session(first.id)
    from coachtui.store import NotFound

    with pytest.raises(NotFound):
        store.get_session(second.id)


def test_json_round_trip_carries_sets_and_meetings_and_an_older_file_still_imports(store, clock, tmp_path) -> None:
    _team, first, second, third = _meeting(store, clock)
    store.member_left(_team.id, "Dev Shah", left=dt.date(2026, 12, 2))
    document = store.export_json()
    with open_store(str(tmp_path / "copy.db")) as copy:
        copy.import_data(json.loads(dumps(document)))
        team = copy.find_team(SET)
        assert team.members == store.get_team(_team.id).members
        parts = copy.meeting(third.id)
        assert [(p.presenter, p.turn, p.title) for p in parts] == [
            ("Asha Patel", 1, "Winter beds"),
            ("Ben Okafor", 2, "Quiet team"),
            ("Carys Jones", 3, "PDSA"),
        ]
    older = json.loads(dumps(document))
    for row in older["teams"]:
        del row["members"]
    for row in older["sessions"]:
        for name in ("meeting_id", "presenter", "turn"):
            del row[name]
    with open_store(str(tmp_path / "older.db")) as other:
        other.import_data(older)
        assert not other.find_team(SET).is_set
        assert {(s["presenter"], s["turn"], s["meeting_id"]) for s in other.export_json()["sessions"]} == {("", 1, None)}


def test_a_0009_database_is_backed_up_then_migrated_and_shows_what_it_showed(tmp_path: Path, clock) -> None:
    from alembic import command

    path = tmp_path / "old.db"
    with open_store(str(path), clock=clock) as store:
        team = store.create_team("Ward 4")
        session = store.start_session(team.id, "Ana")
        store.save_draft(session.id, title="Huddles", dilemma="Nobody comes")
        store.add_action(session.id, "Move the huddle", "Sam")
        store.complete_session(session.id)
        before = store.get_session(session.id)
    with open_store(str(path)) as store:
        with store.engine.begin() as conn:
            command.downgrade(database._alembic_config(conn), "0009")  # type: ignore[arg-type]
    with open_store(str(path)) as store:
        assert store.stats()["schema"] == database.HEAD_REVISION
        after = store.get_session(session.id)
        assert (after.title, after.dilemma, after.actions, after.version) == (
            before.title, before.dilemma, before.actions, before.version
        )
        assert (after.presenter, after.turn, after.meeting_id) == ("", 1, None)
        assert not store.get_team(team.id).is_set
        assert store.add_member(team.id, "Sam").is_set
    backups = sorted((tmp_path / database.BACKUP_FOLDER).iterdir())
    newest = [b for b in backups if b.name.startswith(f"old-before-{database.HEAD_REVISION}-")][-1]
    conn = sqlite3.connect(newest)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0009",)
        assert conn.execute("SELECT title FROM coaching_session").fetchone() == ("Huddles",)
    finally:
        conn.close()


# --- sync ----------------------------------------------------------------------------------------



def test_sync_carries_a_set_and_a_meeting_and_merges_field_by_field(ana, ben, hub_url, clock) -> None:
    team, first, second, third = _meeting(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    assert [p.presenter for p in ben.meeting(first.id)] == ["Asha Patel", "Ben Okafor", "Carys Jones"]
    assert ben.get_team(team.id).current_members == MEMBERS
    # Ana renames the set while Ben marks a member as left: both survive
    ana.rename_team(team.id, "North leads")
    clock.advance(minutes=5)
    ben.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 20))
    # Ana retitles presenter 2's part while Ben renames its presenter: both survive
    ana.save_draft(second.id, title="A quiet team")
    ben.save_draft(second.id, presenter="Ben O.")
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    ana.sync(hub_url)
    assert report.conflicts == ()  # type: ignore[attr-defined]
    for store in (ana, ben):
        got = store.get_team(team.id)
        assert got.name == "North leads" and got.current_members == MEMBERS[:3]
        part = store.get_session(second.id)
        assert (part.title, part.presenter, part.meeting_id, part.turn) == ("A quiet team", "Ben O.", first.id, 2)
    # a meeting deleted on one laptop goes with all its presenters on the other
    ana.delete_session(first.id)
    ana.sync(hub_url)
    ben.sync(hub_url)
    assert ben.search_sessions  # the store is still usable
    from coachtui.store import NotFound

    for ident in (first.id, second.id, third.id):
        with pytest.raises(NotFound):
            ben.get_session(ident)


# --- the session layer: a meeting run through the controller and the one save queue ---------------


@pytest.fixture
def saver(store):
    from coachtui.session.saver import SaveQueue

    queue = SaveQueue(lambda: store, debounce=0.01, max_wait=0.05)
    queue.start()
    yield queue
    queue.stop()


def test_a_meeting_of_three_presenters_typed_through_the_controller(store, saver, clock) -> None:
    from coachtui.session.controller import SessionController
    from coachtui.session.model import ReviewItem, SessionModel

    team, *_earlier = _meeting(store, clock)
    session = SessionController(saver)
    first = session.start(team, "Ana")
    assert saver.flush(timeout=10), saver.last_error
    first.review_items = [ReviewItem(action=a) for a, _r in store.actions_to_review(first.session_id)]
    session.set_fields(presenter="Asha Patel", title="Beds", dilemma="Still no beds")
    session.add_action("Ask again", session.owner_for_actions(), None)
    second = session.add_presenter("Ben Okafor")
    assert session.model is second and session.presenter_index == 1
    session.set_fields(title="Voice", dilemma="Quiet huddles", primary="relational")
    session.add_action("Try a round", session.owner_for_actions(), None)
    # a review marked while presenter 2 is in hand is the meeting's (its first session's)
    item = second.review_items[0]
    session.set_review(item.action.id, "done", "It went well")
    third = session.add_presenter("Carys Jones")
    assert session.next_presenter() is None  # the last
    session.set_fields(dilemma="Cycles")
    assert session.show_presenter(0) is first and session.next_presenter() is second
    assert session.complete() == []
    assert saver.flush(timeout=10), saver.last_error
    parts = store.meeting(first.session_id)
    assert [(p.presenter, p.turn, p.status, p.dilemma) for p in parts] == [
        ("Asha Patel", 1, "completed", "Still no beds"),
        ("Ben Okafor", 2, "completed", "Quiet huddles"),
        ("Carys Jones", 3, "completed", "Cycles"),
    ]
    assert [[(a.text, a.owner) for a in p.actions] for p in parts] == [
        [("Ask again", "Asha Patel")], [("Try a round", "Ben Okafor")], []
    ]
    assert [(r.action.id, r.review.note) for r in parts[0].reviews] == [(item.action.id, "It went well")]
    assert parts[1].reviews == ()
    # resumed, every presenter is back, sharing the meeting's review
    loaded = SessionModel.load_meeting(store, third.session_id)
    assert [m.presenter for m in loaded] == ["Asha Patel", "Ben Okafor", "Carys Jones"]
    assert loaded[2].review_items is loaded[0].review_items
    assert [i.note for i in loaded[0].review_items if i.status] == ["It went well"]


def test_a_meeting_missing_a_dilemma_says_whose(store, saver) -> None:
    from coachtui.session.controller import SessionController

    team = _set(store)
    session = SessionController(saver)
    session.start(team, "Ana")
    session.set_fields(presenter="Asha Patel", dilemma="Beds")
    session.add_presenter("Ben Okafor")
    assert session.complete() == ["a dilemma for Ben Okafor"]
    assert saver.flush(timeout=10), saver.last_error
    assert {p.status for p in store.meeting(session.parts[0].session_id)} == {"draft"}


def test_members_are_added_and_marked_left_through_the_save_queue(store, saver) -> None:
    from coachtui.session.edits import RecordEdits

    team = store.create_team("South leads")
    edits = RecordEdits(saver)
    done: list[object] = []
    refused: list[BaseException] = []
    edits.add_member(team, "Asha Patel", on_done=done.append)
    assert saver.flush(timeout=10), saver.last_error
    edits.add_member(done[-1], "asha patel", on_done=done.append, on_refused=refused.append)
    assert saver.flush(timeout=10), saver.last_error
    assert "already a member" in str(refused[0])
    edits.member_left(done[-1], "Asha Patel", dt.date(2026, 12, 3), on_done=done.append)
    assert saver.flush(timeout=10), saver.last_error
    assert store.get_team(team.id).members[0].left == dt.date(2026, 12, 3)


def test_a_redacted_export_hides_members_and_presenters(store, clock) -> None:
    from coachtui.store.types import ExportSelection

    team, first, _second, _third = _meeting(store, clock)
    store.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 2))
    document = store.export_json(ExportSelection(redact=True))
    shared = json.dumps(document)
    for name in (*MEMBERS, "Patel", "Okafor"):
        assert name not in shared
    (row,) = document["teams"]
    members = json.loads(row["members"])
    assert len(members) == 4 and members[3]["left"] == "2026-12-02"
    owners = {a["owner"] for a in document["actions"]}
    assert {s["presenter"] for s in document["sessions"]} == owners  # the same pseudonym for the same person


def test_the_markdown_report_of_a_meeting_reads_like_minutes(store, clock, tmp_path) -> None:
    from coachtui.store.types import ExportSelection

    team, first, second, third = _meeting(store, clock)
    later = store.start_session(team.id, "Ana")
    store.save_draft(later.id, presenter="Dev Shah", dilemma="Budgets")
    for action in store.get_session(first.id).actions + store.get_session(second.id).actions:
        store.record_review(action.id, "done", "Went well", session_id=later.id)
    store.complete_session(later.id)
    path = tmp_path / "minutes.md"
    store.export_file(str(path), ExportSelection(fmt="md"))
    text = path.read_text()
    assert "1. Asha Patel presents: Winter beds" in text
    assert "2. Ben Okafor presents: Quiet team" in text and "3. Carys Jones presents: PDSA" in text
    assert "The issue Ben Okafor brought" in text and "Actions Carys Jones agreed" in text
    assert text.index("1. Asha Patel presents") < text.index("2. Ben Okafor presents") < text.index("3. Carys")
    progress = text[text.index("Progress on members' actions"):]
    assert text.index("Progress on members' actions") < text.index("The issue Dev Shah brought")  # the meeting opens with it
    assert progress.index("- **Asha Patel**") < progress.index("  - **done:** Ask the bed manager")
    assert progress.index("- **Ben Okafor**") < progress.index("  - **done:** Try a round")


def test_a_meeting_of_several_presenters_opens_with_the_members_progress(store, clock, tmp_path) -> None:
    """The progress on members' actions is reviewed in the meeting's first part, but
    it is the meeting's: the report and the meeting's own view put it under the
    meeting's heading, before "1. ... presents" (it sat inside the first presenter's
    part, a tester found)."""
    from coachtui.store.exchange.markdown import meeting_markdown
    from coachtui.store.types import ExportSelection

    team, first, second, _third = _meeting(store, clock)
    later = store.start_session(team.id, "Ana")
    store.save_draft(later.id, presenter="Dev Shah", dilemma="Budgets")
    store.add_presenter(later.id, "Asha Patel", "Ana")
    for action in store.get_session(first.id).actions + store.get_session(second.id).actions:
        store.record_review(action.id, "done", "Went well", session_id=later.id)
    path = tmp_path / "minutes.md"
    store.export_file(str(path), ExportSelection(fmt="md"))
    text = path.read_text()
    meeting = text.rindex("Meeting, ")
    assert meeting < text.index("Progress on members' actions", meeting) < text.index("1. Dev Shah presents", meeting)
    assert text.count("Progress on members' actions") == 1
    view = meeting_markdown(store.meeting(later.id))
    assert view.index("Progress on members' actions") < view.index("1. Dev Shah presents")
    assert view.count("Progress on members' actions") == 1


def test_the_csv_export_has_each_presenter_s_row(store, clock, tmp_path) -> None:
    import csv
    import io
    import zipfile

    from coachtui.store.types import ExportSelection

    _team, first, _second, _third = _meeting(store, clock)
    archive = tmp_path / "tables.zip"
    store.export_file(str(archive), ExportSelection(fmt="csv"))
    with zipfile.ZipFile(archive) as zipped:
        rows = list(csv.DictReader(io.StringIO(zipped.read("sessions.csv").decode())))
    assert sorted((r["turn"], r["presenter"], r["meeting_id"], r["title"]) for r in rows) == [
        ("1", "Asha Patel", "", "Winter beds"),
        ("2", "Ben Okafor", first.id, "Quiet team"),
        ("3", "Carys Jones", first.id, "PDSA"),
    ]


def test_the_demo_set_has_meetings_of_three_presenters_reviewed_member_by_member(tmp_path) -> None:
    from coachtui.store.demo.sets import LEFT, SET_NAME, add_demo_set
    from coachtui.store.demo.sets import MEMBERS as DEMO_MEMBERS

    today = dt.date(2026, 12, 7)
    with open_store(str(tmp_path / "demo.db")) as store:
        team_id = add_demo_set(store, today)
        team = store.get_team(team_id)
        assert team.name == SET_NAME and team.session_count == 3
        assert LEFT not in team.current_members and {m.name for m in team.members} == set(DEMO_MEMBERS)
        last = store.last_session(team_id)
        assert last.created_at.date() == today - dt.timedelta(weeks=2)
        parts = store.meeting(last.id)
        assert [p.turn for p in parts] == [1, 2, 3] and all(p.status == "completed" for p in parts)
        assert {r.review.status for r in last.reviews} >= {"done", "stuck"}
        # the next meeting reviews every member's open actions
        nxt = store.start_session(team_id, "Demo coach")
        owners = {action.owner for action, _review in store.actions_to_review(nxt.id)}
        assert owners >= {p.presenter for p in parts} == {"Tom Hughes", "Grace Mensah", "Leah Brooks"}


def test_history_lists_a_meeting_once_naming_its_presenters(store, clock) -> None:
    from coachtui.store.types import SessionFilter

    team, first, second, third = _meeting(store, clock)
    plain = store.start_session(team.id, "Ana")  # an ordinary session of the same team, later
    store.save_draft(plain.id, title="Budgets", dilemma="The budget is cut", primary_category="relational")
    store.complete_session(plain.id)
    rows = store.search_sessions(SessionFilter(team_id=team.id)).rows
    assert [(r.id, r.presenters) for r in rows] == [
        (plain.id, ()), (first.id, ("Asha Patel", "Ben Okafor", "Carys Jones"))
    ]
    assert rows[1].meeting_title == "Meeting: Asha Patel, Ben Okafor, Carys Jones" and rows[0].meeting_title == ""
    assert store.count_sessions(SessionFilter(team_id=team.id)) == 2
    # a page of one row at a time walks both rows, each once
    assert [r.id for r in store.search_sessions(SessionFilter(team_id=team.id), limit=1).rows] == [plain.id]
    cursor = store.search_sessions(SessionFilter(team_id=team.id), limit=1).next_cursor
    assert [r.id for r in store.search_sessions(SessionFilter(team_id=team.id), limit=1, after=cursor).rows] == [first.id]
    # words of presenter 2's part find the meeting, with the piece that holds them
    (found,) = store.search_sessions(SessionFilter(text="huddles")).rows
    assert found.id == first.id and "huddles" in found.snippet
    assert store.count_sessions(SessionFilter(text="huddles")) == 1
    # a category of any presenter's part, alone or with words
    relational = store.search_sessions(SessionFilter(category="relational")).rows
    assert [r.id for r in relational] == [plain.id, first.id]
    assert [r.id for r in store.search_sessions(SessionFilter(text="huddles", category="capability")).rows] == []
    assert store.count_sessions(SessionFilter(category="capability")) == 1
    # exporting what the list shows takes every presenter of the meeting
    assert store.session_ids_matching(SessionFilter(text="huddles")) == [first.id, second.id, third.id]
    # the tracker's owner filter is the member filter: each member's actions across meetings
    page = store.tracker_actions(owner="Ben Okafor", today=dt.date(2026, 12, 30))
    assert [a.text for a in page.rows] == ["Try a round at the huddle"]
    assert {"Asha Patel", "Ben Okafor", "Carys Jones"} <= set(store.list_owners())


# --- search finds a presenter by name (migration 0015) -------------------------------------------


@pytest.mark.parametrize("indexed", [True, False], ids=["index", "like"])
def test_search_finds_a_presenter_by_name(store, clock, indexed) -> None:
    from coachtui.store.types import SessionFilter

    store.db.full_text_search = indexed
    team, first, second, third = _meeting(store, clock)
    (found,) = store.search_sessions(SessionFilter(text="okafor")).rows
    assert found.id == first.id and "Ben Okafor" in found.presenters
    assert store.count_sessions(SessionFilter(text="Okafor")) == 1
    # the name typed so far, as in history's search box
    assert store.search_sessions(SessionFilter(text="Cary")).rows
    # renamed, the old name is no longer found and the new one is
    store.save_draft(second.id, presenter="Benjamin Okoro")
    assert store.search_sessions(SessionFilter(text="okafor ")).rows == []
    assert store.search_sessions(SessionFilter(text="okoro")).rows


@pytest.mark.parametrize("indexed", [True, False], ids=["index", "like"])
def test_a_meeting_found_by_a_later_presenter_says_whose_part_matched(store, clock, indexed) -> None:
    """A search that hits presenter 2 or 3 finds the meeting's row, and the row says
    which presenters' parts matched and their categories (it showed the first
    presenter's category, whoever matched)."""
    from coachtui.store.types import SessionFilter

    store.db.full_text_search = indexed
    team, first, second, third = _meeting(store, clock)
    (found,) = store.search_sessions(SessionFilter(text="huddles")).rows  # Ben's dilemma
    assert found.id == first.id and found.categories == ("environment", "relational", "capability")
    assert found.matched == (1,) and found.shown_presenters == ("Ben Okafor",)
    assert found.shown_categories == ("relational",) and "huddles" in found.snippet
    (found,) = store.search_sessions(SessionFilter(text="Carys")).rows  # a name
    assert found.shown_presenters == ("Carys Jones",) and found.shown_categories == ("capability",)
    # a category of a later presenter, alone or with their words
    (found,) = store.search_sessions(SessionFilter(category="capability")).rows
    assert found.shown_presenters == ("Carys Jones",) and found.shown_categories == ("capability",)
    (found,) = store.search_sessions(SessionFilter(text="cycle", category="capability")).rows
    assert found.matched == (2,) and "cycle" in found.snippet
    # words two presenters share: both, in turn
    store.save_draft(third.id, context="The huddles are short")
    (found,) = store.search_sessions(SessionFilter(text="huddles")).rows
    assert found.shown_presenters == ("Ben Okafor", "Carys Jones")
    assert found.shown_categories == ("relational", "capability")
    # nothing searched for: every presenter's category, none singled out
    (found,) = store.search_sessions(SessionFilter(team_id=team.id)).rows
    assert found.matched == () and found.shown_presenters == ("Asha Patel", "Ben Okafor", "Carys Jones")
    assert found.shown_categories == ("environment", "relational", "capability")
    # a one-presenter session is as before
    plain = store.start_session(team.id, "Ana")
    store.save_draft(plain.id, title="Budgets", dilemma="The budget for huddles is cut", primary_category="learning")
    rows = store.search_sessions(SessionFilter(text="budget")).rows
    assert [(r.id, r.matched, r.categories, r.shown_categories) for r in rows] == [(plain.id, (), (), ("learning",))]


def test_coachtui_search_shows_the_category_of_the_presenter_found(tmp_path: Path, clock, capsys) -> None:
    from coachtui.cli import main

    path = tmp_path / "set.db"
    with open_store(str(path), clock=clock) as store:
        _meeting(store, clock)
    assert main(["search", "huddles", "--db", str(path)]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "Meeting" in line]
    assert "relational" in line and "environment" not in line
    assert line.endswith("(found: Ben Okafor)")  # whose part held the words
    assert main(["search", "carys", "--db", str(path), "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["category"] == "capability" and record["found_in"] == ["Carys Jones"]
    assert main(["search", "north", "--db", str(path), "--csv"]) == 0  # every presenter: the team's name
    import csv

    (row,) = csv.DictReader(capsys.readouterr().out.splitlines())
    assert row["category"] == "environment relational capability"
    assert row["title"] == "Meeting: Asha Patel, Ben Okafor, Carys Jones"
    assert row["found_in"] == "Asha Patel; Ben Okafor; Carys Jones"


def test_trends_count_each_presenter_s_category(store, clock) -> None:
    """A meeting of three presenters is three issues on the trends screen, each in
    its presenter's category, with the coach's and the team's filters; the
    dominance flag reads them as the set's recent issues."""
    team, *_parts = _meeting(store, clock)
    today = clock.now.date()
    (month,) = store.theme_counts(today=today, months=1, tz=dt.UTC)
    assert month.counts == {"capability": 1, "learning": 0, "relational": 1, "environment": 1, "unsure": 0}
    (mine,) = store.theme_counts(today=today, months=1, tz=dt.UTC, coach="Ana")  # the per-month query
    (theirs,) = store.theme_counts(today=today, months=1, tz=dt.UTC, team_id=team.id)  # the tallies
    assert mine.counts == theirs.counts == month.counts
    (flag,) = store.dominant_categories(team_id=team.id)
    assert flag.n == 3 and not flag.dominant


def test_coachtui_search_finds_a_presenter(tmp_path: Path, clock, capsys) -> None:
    from coachtui.cli import main

    path = tmp_path / "set.db"
    with open_store(str(path), clock=clock) as store:
        _meeting(store, clock)
    assert main(["search", "Okafor", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Meeting: Asha Patel, Ben Okafor, Carys Jones" in out  # one row for the meeting


def test_a_0013_database_is_indexed_again_with_its_presenters(tmp_path: Path, clock) -> None:
    from alembic import command

    from coachtui.store.types import SessionFilter
    from index_check import assert_in_step

    path = tmp_path / "old.db"
    with open_store(str(path), clock=clock) as store:
        _meeting(store, clock)
        with store.engine.begin() as conn:
            command.downgrade(database._alembic_config(conn), "0013")  # type: ignore[arg-type]
    with open_store(str(path)) as store:
        assert store.stats()["schema"] == database.HEAD_REVISION
        assert store.search_sessions(SessionFilter(text="Okafor")).rows
    assert assert_in_step(path) == 3


def test_members_added_on_two_laptops_at_once_are_merged(ana, ben, hub_url, clock) -> None:
    """Each laptop adds a member to the set, and one marks a member as left, before
    either syncs: every member is kept on both laptops and the hub, and nobody is
    asked to choose."""
    from coachtui.store.sync.conflicts import list_conflicts

    team = _set(ana)
    ana.sync(hub_url)
    ben.sync(hub_url)
    ana.add_member(team.id, "Eve Moss")
    clock.advance(minutes=1)
    ben.add_member(team.id, "Femi Ade")
    ben.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 20))
    reports = [ana.sync(hub_url), ben.sync(hub_url), ana.sync(hub_url), ben.sync(hub_url)]
    assert all(report.conflicts == () for report in reports)  # type: ignore[attr-defined]
    for store in (ana, ben):
        got = store.get_team(team.id)
        assert [m.name for m in got.members] == [*MEMBERS, "Eve Moss", "Femi Ade"]
        assert got.current_members == (*MEMBERS[:3], "Eve Moss", "Femi Ade")
        assert list_conflicts(store.db) == []  # no question waits
    # and each laptop's later change still travels
    ana.member_left(team.id, "Eve Moss", left=dt.date(2026, 12, 21))
    ana.sync(hub_url)
    ben.sync(hub_url)
    assert ben.get_team(team.id).current_members == (*MEMBERS[:3], "Femi Ade")


@pytest.mark.parametrize("redact", [False, True], ids=["streamed", "in-memory"])
def test_the_report_heads_each_meeting_and_counts_it_once(store, clock, tmp_path, redact) -> None:
    from coachtui.store.types import ExportSelection, SessionFilter

    team, first, second, third = _meeting(store, clock)
    later = store.start_session(team.id, "Ana")
    store.save_draft(later.id, title="Budgets", dilemma="The budget is cut")
    store.complete_session(later.id)
    path = tmp_path / "report.md"
    store.export_file(str(path), ExportSelection(fmt="md", redact=redact))  # redacted: rendered in memory
    text = path.read_text()
    assert "· 2 sessions ·" in text.splitlines()[2]  # the meeting and the ordinary session
    assert "\n2 sessions · " in text  # the set's own section
    heading = text.index("#### Meeting, ")
    assert text[heading:].startswith(f"#### Meeting, {first.created_at.astimezone():%Y-%m-%d}: 3 presenters")
    assert heading < text.index("##### 1. ") < text.index("##### 2. ") < text.index("##### 3. ")
    assert text.count("#### Meeting, ") == 1
    assert "#### Budgets" in text  # an ordinary session as before
    if not redact:
        assert "**Presenters:** Asha Patel, Ben Okafor, Carys Jones" in text
        # a search's selection that holds only presenter 2's words still counts one meeting
        store.export_file(str(path), ExportSelection(fmt="md", sessions=SessionFilter(session_ids=(second.id,))))
        assert "· 1 session ·" in path.read_text().splitlines()[2]


def test_the_drafts_to_resume_list_a_meeting_once_naming_its_presenters(store, clock) -> None:
    team = _set(store)
    first = store.start_session(team.id, "Ana")
    store.save_draft(first.id, presenter="Asha Patel", dilemma="No beds on Mondays")
    second = store.add_presenter(first.id, "Ben Okafor")
    clock.advance(minutes=5)
    store.save_draft(second.id, dilemma="Quiet huddles")  # the last edit is presenter 2's
    plain = store.start_session(store.create_team("Ward 4").id, "Ana")
    store.save_draft(plain.id, dilemma="Falls at night on the ward")
    drafts = store.list_drafts()
    assert [(d.id, d.presenters, d.meeting_title) for d in drafts] == [
        (plain.id, (), ""),
        (first.id, ("Asha Patel", "Ben Okafor"), "Meeting: Asha Patel, Ben Okafor"),
    ]
    assert drafts[0].preview == "Falls at night on the ward"
    # a completed meeting amended on one presenter's part: still one row
    for part in (first, second):
        store.complete_session(part.id)
    store.reopen_session(second.id)  # presenter 2's part alone a draft again
    assert [(d.id, d.presenters) for d in store.list_drafts()] == [(first.id, ("Asha Patel", "Ben Okafor")), (plain.id, ())]


def test_coachtui_actions_shows_one_member_s_actions_across_meetings(tmp_path: Path, clock, capsys) -> None:
    """The tracker's member filter on the command line: ``coachtui actions --owner``
    lists a member's actions from every meeting of the set, and no one else's."""
    from coachtui.cli import main

    path = tmp_path / "set.db"
    with open_store(str(path), clock=clock) as store:
        team, first, _second, _third = _meeting(store, clock)
        later = store.start_session(team.id, "Ana")  # the next meeting: Ben again
        store.save_draft(later.id, presenter="Ben Okafor", dilemma="Still quiet")
        store.add_action(later.id, "Ask each nurse one question", "Ben Okafor")
    assert main(["actions", "--owner", "ben okafor", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["due", "status", "action", "owner", "team"]
    assert sorted(re.split(r"\s{2,}", line)[2] for line in lines[1:]) == [
        "Ask each nurse one question", "Try a round at the huddle"
    ]
    assert all("Ben Okafor" in line and SET in line for line in lines[1:])
    assert main(["actions", "--owner", "Asha Patel", "--json", "--db", str(path)]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["text"] == "Ask the bed manager for Monday data" and record["due"] == "2026-12-20"
    assert record["team"] == SET and record["session_id"] == first.id
    # every member's open actions, without --owner
    assert main(["actions", "--json", "--db", str(path)]) == 0
    assert {r["owner"] for r in json.loads(capsys.readouterr().out)} == {"Asha Patel", "Ben Okafor", "Carys Jones"}
    # a name nobody owns: one line, the closest offered, nothing else printed
    assert main(["actions", "--owner", "Ben Okafr", "--db", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "coachtui: nobody called 'Ben Okafr' owns any open actions; did you mean 'Ben Okafor'?\n"
    with open_store(str(path)) as store:  # done: listed with --closed only
        (action,) = [a for a in store.tracker_actions(today=dt.date(2026, 12, 1), owner="Carys Jones").rows]
        store.record_review(action.id, "done", expected_version=action.version)
    assert main(["actions", "--owner", "carys jones", "--db", str(path)]) == 2
    capsys.readouterr()
    assert main(["actions", "--owner", "carys jones", "--closed", "--db", str(path)]) == 0
    assert "Write one prediction" in capsys.readouterr().out
