"""PostgreSQL's search index (a tsvector per session) stays exactly in step with the
sessions through every write, and the store's queries use it."""

from __future__ import annotations

import datetime as dt

import pytest

from coachtui.store import open_store
from coachtui.store.db import pg_search
from coachtui.store.db.query import SearchTerms, parse_search
from coachtui.store.demo import generate_demo_data
from coachtui.store.types import PickedQuestionInfo, SessionFilter


def assert_in_step(store) -> int:
    """Every session has exactly the document its texts give; nothing is pending."""
    document = store.export_json()
    texts: dict[str, list[str]] = {s["id"]: [s["title"], s["dilemma"], s["context"]] for s in document["sessions"]}
    # predictions, learnings and the insight are searched too (migration 0010)
    for key, columns, order in (("picked_questions", ("note",), "position"),
                                ("actions", ("text", "prediction"), "position"),
                                ("action_reviews", ("note", "learning"), "created_at")):
        rows = sorted(document[key], key=lambda r: (r["session_id"] or "", r[order], r["id"]))
        for row in rows:
            if row["session_id"]:
                texts[row["session_id"]] += [row[column] for column in columns if row[column]]
    teams = {t["id"]: t["name"] for t in document["teams"]}
    for s in document["sessions"]:
        # and a set's presenter (migration 0015)
        texts[s["id"]] += [s["insight"], s.get("presenter", ""), teams[s["team_id"]], s["coach"]]
    expected = {ident: sorted(pg_search.document_words(parts)) for ident, parts in texts.items()}
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT session_id, tsvector_to_array(document) FROM session_search").all()
        pending = conn.exec_driver_sql("SELECT count(*) FROM session_search_pending").scalar()
    assert pending == 0
    assert {ident: sorted(words) for ident, words in rows} == expected
    return len(rows)


@pytest.mark.postgres
def test_every_write_keeps_the_index_in_step(pg, clock) -> None:
    with open_store(pg.new_url(), clock=clock) as store:
        ward, clinic = store.create_team("Ward 4"), store.create_team("Clinic")
        one = store.start_session(ward.id)
        store.save_draft(one.id, title="Falls at night", dilemma="Équipe de nuit", context="Matron\x00present")
        store.set_questions(one.id, [PickedQuestionInfo("k1", "Q", "kata", "bedside note"), PickedQuestionInfo("k2", "Q", "kata")])
        action = store.add_action(one.id, "Try the minibus rota")
        assert assert_in_step(store) == 1
        two = store.start_session(clinic.id)
        store.save_draft(two.id, dilemma="waiting list")
        store.update_action(action.id, text="Try the bus")
        store.set_questions(one.id, [PickedQuestionInfo("k2", "Q", "kata", "other note")])
        store.save_draft(one.id, team_id=clinic.id, title="")
        extra = store.add_action(two.id, "Ask the porters")
        assert assert_in_step(store) == 2
        store.remove_action(extra.id)
        store.delete_session(one.id)
        assert assert_in_step(store) == 1
        store.delete_team(clinic.id)
        assert assert_in_step(store) == 0


@pytest.mark.postgres
def test_rebuild_gives_the_same_index_and_demo_data_fills_it(pg) -> None:
    with open_store(pg.new_url()) as store:
        generate_demo_data(store, sessions=120, teams=4, seed=2, today=dt.date(2026, 11, 20))
        assert assert_in_step(store) == 120
        store.rebuild_search_index()
        assert assert_in_step(store) == 120


@pytest.mark.postgres
def test_a_rare_word_is_looked_up_in_the_gin_index(pg) -> None:
    from sqlalchemy import event

    with open_store(pg.new_url()) as store:
        generate_demo_data(store, sessions=3000, teams=10, seed=2, today=dt.date(2026, 11, 20))
        plans: list[str] = []

        def explain(conn, _cursor, statement, parameters, *_args) -> None:
            if "session_search.document @@" in statement and not statement.startswith("EXPLAIN"):
                rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
                plans.append("\n".join(row[0] for row in rows))

        event.listen(store.engine, "before_cursor_execute", explain)
        store.search_sessions(SessionFilter("minibus"))
        store.count_sessions(SessionFilter("minibus"))
        event.remove(store.engine, "before_cursor_execute", explain)
        assert len(plans) == 2
        assert all("ix_session_search_document" in plan for plan in plans), plans


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("staff", "'staff':*"),
        ("staff ", "'staff'"),
        ("Équipe DE", "'equipe' & 'de':*"),
        ("it's", "'it' & 's'"),
        ("a\\b'c", "'a' & 'b' & 'c'"),
        ("x" * 3000, "'" + "x" * 2046 + "':*"),
    ],
)
def test_typed_text_becomes_quoted_lexemes_never_syntax(typed, query) -> None:
    """Pure Python: what reaches PostgreSQL is a tsquery of quoted lexemes."""
    assert pg_search.tsquery(parse_search(typed)) == query
    assert pg_search.tsquery(SearchTerms()) is None
