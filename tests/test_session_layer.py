"""The session layer (coachtui.session) runs a coaching session without a screen:
the controller changes the model and the save queue writes it to the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coachtui.session.controller import SessionController
from coachtui.session.saver import SaveQueue


@pytest.fixture
def saver(store) -> Iterator[SaveQueue]:  # type: ignore[no-untyped-def]
    queue = SaveQueue(lambda: store, debounce=0.01, max_wait=0.05)
    queue.start()
    yield queue
    queue.stop()


def test_a_session_typed_through_the_controller_is_what_the_database_holds(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    team = store.create_team("Ward 4", "Ana Ruiz")
    session = SessionController(saver)
    model = session.start(team, "Ana Ruiz")
    session.set_fields(title="Handovers", dilemma="Night shift handovers run late")
    session.set_fields(dilemma="Night shift handovers run late, every week")
    session.add_action("Try a ten-minute huddle", "Bo Ng", None)
    assert saver.flush(timeout=10), saver.last_error

    detail = store.get_session(model.session_id)
    assert (detail.team_name, detail.coach, detail.status) == ("Ward 4", "Ana Ruiz", "draft")
    assert (detail.title, detail.dilemma) == ("Handovers", "Night shift handovers run late, every week")
    assert [(a.text, a.owner) for a in detail.actions] == [("Try a ten-minute huddle", "Bo Ng")]


def test_leaving_an_empty_draft_keeps_nothing(store, saver: SaveQueue) -> None:  # type: ignore[no-untyped-def]
    team = store.create_team("Pharmacy", "Ana Ruiz")
    session = SessionController(saver)
    session.start(team, "Ana Ruiz")
    session.close()
    assert saver.flush(timeout=10), saver.last_error
    assert store.list_drafts() == []
