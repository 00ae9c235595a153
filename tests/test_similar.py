"""What others tried (issue 21, item 3): the past dilemmas of other teams most like the
one in hand, ranked by full-text similarity, with what they agreed and learned; the
``coachtui similar`` command. On SQLite and PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from coachtui.store import open_store
from coachtui.store.network import telling_words


def _session(store, clock, team: str, dilemma: str, *, title: str = "", actions=(), complete: bool = True):
    found = store.find_team(team) or store.create_team(team)
    session = store.start_session(found.id, "Ana")
    store.save_draft(session.id, title=title, dilemma=dilemma, primary_category="environment")
    made = [store.add_action(session.id, text, "Sam", prediction=prediction) for text, prediction in actions]
    if complete:
        store.complete_session(session.id)
    clock.advance(days=1)
    return found, session, made


def _network(store, clock):
    """Ward 4 (the team in hand), Ward 7 (night huddles: tried something, learned),
    Ward 9 (huddles, fewer words alike), Clinic (run charts), Ward 8 (a draft)."""
    mine = _session(store, clock, "Ward 4", "Our night huddle keeps being cancelled by the manager")
    seven = _session(store, clock, "Ward 7", "The night huddle is cancelled whenever staffing is short",
                     title="Cancelled huddles", actions=[("Move the huddle to 21:45", "We expect fewer cancelled")])
    later = store.start_session(seven[0].id, "Ana")
    store.record_review(seven[2][0].id, "done", "Two cancelled in a month", session_id=later.id,
                        learning="Protected time works when the manager guards it")
    store.save_draft(later.id, dilemma="Something else entirely")
    store.complete_session(later.id)
    nine = _session(store, clock, "Ward 9", "Our huddle runs long")
    clinic = _session(store, clock, "Clinic", "Nobody reads the run chart", title="Run chart")
    draft = _session(store, clock, "Ward 8", "Night huddle cancelled by staffing again", complete=False)
    return mine, seven, nine, clinic, draft


def test_the_most_similar_dilemmas_of_other_teams_come_first_with_what_they_tried(store, clock) -> None:
    mine, seven, nine, _clinic, _draft = _network(store, clock)
    found = store.similar_dilemmas(
        "The night huddle keeps being cancelled", exclude_team_id=mine[0].id, exclude_session_id=mine[1].id
    )
    assert [f.session_id for f in found] == [seven[1].id, nine[1].id]  # not Ward 4's own, not a draft
    best = found[0]
    assert (best.team_name, best.title, best.category) == ("Ward 7", "Cancelled huddles", "environment")
    (tried,) = best.actions
    assert (tried.text, tried.prediction, tried.result, tried.learning) == (
        "Move the huddle to 21:45", "We expect fewer cancelled", "Two cancelled in a month",
        "Protected time works when the manager guards it",
    )
    assert store.similar_dilemmas("huddle", limit=1, exclude_team_id=mine[0].id)[0].team_name in {"Ward 7", "Ward 9"}
    # without excluding a team, Ward 4's own completed session is in the list too
    assert mine[1].id in [f.session_id for f in store.similar_dilemmas("night huddle cancelled manager")]


def test_function_words_and_names_do_not_make_dilemmas_alike(store, clock) -> None:
    _network(store, clock)
    assert store.similar_dilemmas("the and because we they") == []
    assert store.similar_dilemmas("") == []
    assert store.similar_dilemmas("Ward Ana") == []  # team and coach names are not compared
    assert telling_words("The Équipe's night huddle, the HUDDLE") == ["equipe", "night", "huddle"]


def test_similar_reads_only_from_the_index_as_search_does(tmp_path: Path, clock) -> None:
    """A 'similar' after a team is renamed and a session deleted sees the tables as they are."""
    with open_store(str(tmp_path / "c.db"), clock=clock) as store:
        mine, seven, nine, _clinic, _draft = _network(store, clock)
        store.rename_team(seven[0].id, "Ward 7 North")
        store.delete_session(nine[1].id)
        found = store.similar_dilemmas("night huddle cancelled", exclude_team_id=mine[0].id)
        assert [(f.session_id, f.team_name) for f in found] == [(seven[1].id, "Ward 7 North")]


def test_many_sessions_of_one_team_do_not_hide_the_others(tmp_path: Path, clock) -> None:
    """The index's best candidates may all be the team in hand: more are read."""
    with open_store(str(tmp_path / "c.db"), clock=clock) as store:
        team = store.create_team("Ward 4")
        for number in range(150):
            session = store.start_session(team.id, "Ana")
            store.save_draft(session.id, dilemma=f"Night huddle cancelled again, week {number}")
            store.complete_session(session.id)
        other = _session(store, clock, "Ward 7", "A huddle at night was cancelled once")
        found = store.similar_dilemmas("night huddle cancelled", exclude_team_id=team.id)
        assert [f.session_id for f in found] == [other[1].id]


# --- coachtui similar ----------------------------------------------------------------------------


def test_the_similar_command_prints_the_same_list(tmp_path: Path, clock, capsys) -> None:
    from coachtui.cli import main

    path = tmp_path / "c.db"
    with open_store(str(path), clock=clock) as store:
        mine, seven, nine, _clinic, _draft = _network(store, clock)
        expected = store.similar_dilemmas("night huddle cancelled", exclude_team_id=mine[0].id)
    assert main(["similar", "night huddle cancelled", "--team", "ward 4", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.index("Ward 7  environment  Cancelled huddles") < out.index("Ward 9")
    assert "- Move the huddle to 21:45 (done)" in out
    assert "expected: We expect fewer cancelled" in out and "learned: Protected time works" in out
    assert main(["similar", "night huddle cancelled", "--team", "ward 4", "--json", "--db", str(path)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [item["id"] for item in listed] == [item.session_id for item in expected]
    assert listed[0]["actions"][0]["learning"] == "Protected time works when the manager guards it"
    assert dt.date.fromisoformat(listed[0]["date"])
    # none alike: exit 1, a line on stderr; an unknown team: exit 2
    assert main(["similar", "quokka", "--db", str(path)]) == 1
    assert "No other team's session is like 'quokka'." in capsys.readouterr().err
    assert main(["similar", "huddle", "--team", "Ward 99", "--db", str(path)]) == 2
    assert "Ward 99" in capsys.readouterr().err
