"""The coach's own questions: rewording and deleting them, and a deletion reaching
the hub and the other laptops like any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.store import open_store
from coachtui.store.errors import DuplicateName, InvalidInput, NotFound
from coachtui.store.types import PickedQuestionInfo


def test_a_question_can_be_reworded_and_sessions_keep_their_copy(store, db) -> None:
    question = store.add_custom_question("Who decides the rotta?", "environment")
    team = store.create_team("Ward 4")
    session = store.start_session(team.id)
    store.set_questions(session.id, [PickedQuestionInfo(question.id, question.text, "custom")])
    changed = store.update_custom_question(question.id, "  Who decides\\nthe rota? ".replace("\\n", "\n"))
    assert changed.id == question.id and changed.text == "Who decides the rota?"
    assert [q.text for q in store.list_custom_questions()] == ["Who decides the rota?"]
    assert db.rows("SELECT text FROM picked_question") == [("Who decides the rotta?",)]


def test_rewording_refuses_an_empty_or_duplicate_question(store) -> None:
    first = store.add_custom_question("Who decides the rota?")
    second = store.add_custom_question("What does the porter see?")
    with pytest.raises(InvalidInput):
        store.update_custom_question(first.id, "   ")
    with pytest.raises(DuplicateName):
        store.update_custom_question(second.id, "Who decides  the rota?")
    with pytest.raises(NotFound):
        store.update_custom_question("no-such-id", "Anything?")


def test_deleting_a_question_leaves_a_tombstone(store, db) -> None:
    question = store.add_custom_question("Who decides the rota?")
    store.delete_custom_question(question.id)
    assert store.list_custom_questions() == []
    assert db.rows("SELECT kind, id FROM tombstone") == [("custom_questions", question.id)]
    with pytest.raises(NotFound):
        store.delete_custom_question(question.id)


def test_a_deleted_question_is_deleted_on_every_laptop(hub_url, tmp_path: Path, clock) -> None:
    with (
        open_store(str(tmp_path / "ana.db"), clock=clock, coach="Ana") as ana,
        open_store(str(tmp_path / "ben.db"), clock=clock, coach="Ben") as ben,
    ):
        question = ana.add_custom_question("Who decides the rota?")
        ana.add_custom_question("What does the porter see?")
        ana.sync(hub_url)
        ben.sync(hub_url)
        assert len(ben.list_custom_questions()) == 2
        clock.advance(minutes=1)
        ana.delete_custom_question(question.id)
        ana.sync(hub_url)
        ben.sync(hub_url)
        assert [q.text for q in ben.list_custom_questions()] == ["What does the porter see?"]
        with open_store(hub_url) as hub:
            assert [q.text for q in hub.list_custom_questions()] == ["What does the porter see?"]


def test_a_reworded_question_reaches_the_other_laptops(hub_url, tmp_path: Path, clock) -> None:
    with (
        open_store(str(tmp_path / "ana.db"), clock=clock, coach="Ana") as ana,
        open_store(str(tmp_path / "ben.db"), clock=clock, coach="Ben") as ben,
    ):
        question = ana.add_custom_question("Who decides the rotta?")
        ana.sync(hub_url)
        ben.sync(hub_url)
        clock.advance(minutes=1)
        ana.update_custom_question(question.id, "Who decides the rota?")
        ana.sync(hub_url)
        ben.sync(hub_url)
        assert [(q.id, q.text) for q in ben.list_custom_questions()] == [(question.id, "Who decides the rota?")]
