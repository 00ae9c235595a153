"""Recurring topics across teams (issue 21, item 4): phrases said by several teams over
a period, counted per team, computed in the store; the Markdown report of them. On
SQLite and PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coachtui.store.types import SessionFilter


def _said(store, clock, team: str, coach: str, dilemma: str, *, insight: str = "", complete: bool = True):
    found = store.find_team(team) or store.create_team(team)
    session = store.start_session(found.id, coach)
    store.save_draft(session.id, dilemma=dilemma, insight=insight)
    if complete:
        store.complete_session(session.id)
    clock.advance(days=1)
    return session


def _network(store, clock) -> None:
    _said(store, clock, "Ward 4", "Ana", "Nobody reads the run chart at the huddle")
    _said(store, clock, "Ward 4", "Ana", "The run chart is out of date again")
    _said(store, clock, "Ward 7", "Bo", "Our run chart has no baseline", insight="Protected time for the handover")
    _said(store, clock, "Clinic", "Cy", "Handover takes too long; no protected time")
    _said(store, clock, "Ward 7", "Bo", "The handover overruns most mornings")
    _said(store, clock, "Clinic", "Cy", "Only our clinic says the word quokka, quokka, quokka")
    _said(store, clock, "Clinic", "Cy", "quokka again")
    _said(store, clock, "Clinic", "Cy", "quokka once more")
    _said(store, clock, "Ward 9", "Di", "run chart handover protected time", complete=False)  # a draft


def test_phrases_said_by_several_teams_come_with_counts_per_team(store, clock) -> None:
    _network(store, clock)
    topics = {topic.phrase: topic for topic in store.recurring_topics()}
    run_chart = topics["run chart"]
    assert run_chart.sessions == 3 and run_chart.teams == (("Ward 4", 2), ("Ward 7", 1))
    assert run_chart.coaches == ("Ana", "Bo")
    assert topics["handover"].teams == (("Clinic", 1), ("Ward 7", 2))[::-1]  # most first
    assert topics["protected time"].sessions == 2  # an insight counts too; a draft does not
    assert "quokka" not in topics  # one team only
    assert "run" not in topics and "chart" not in topics  # inside "run chart", said as often
    assert not any(word in topics for word in ("the", "our", "no"))  # the catalog's function words


def test_a_period_a_team_or_a_coach_narrows_the_sessions(store, clock) -> None:
    _network(store, clock)
    later = clock() - dt.timedelta(days=5)
    recent = {topic.phrase for topic in store.recurring_topics(SessionFilter(since=later))}
    assert "run chart" not in recent  # said before the period
    assert store.recurring_topics(SessionFilter(coach="Ana")) == []  # one team: nothing recurs across teams


def test_the_topics_report_is_markdown_with_counts_per_team(store, clock) -> None:
    from coachtui.store.network import topics_markdown

    _network(store, clock)
    text = topics_markdown(store.recurring_topics(), "completed sessions, all teams")
    assert text.startswith("# Recurring topics across teams\n")
    assert "| run chart | 3 | 2 | Ward 4 (2) · Ward 7 (1) |" in text
    assert "quokka" not in text
    assert "_No phrase recurs" in topics_markdown([], "completed sessions, all teams")


def test_coachtui_export_report_topics(db_path: Path, clock, capsys, tmp_path: Path) -> None:
    from coachtui.cli import main
    from coachtui.store import open_store

    with open_store(str(db_path), clock=clock) as store:
        _network(store, clock)
    assert main(["export", "--format", "md", "--report", "topics", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "| run chart | 3 | 2 | Ward 4 (2) · Ward 7 (1) |" in out and "all teams" in out
    target = tmp_path / "topics.md"
    assert main(["export", "--report", "topics", "-o", str(target), "--team", "ward 7", "--db", str(db_path)]) == 0
    assert "Exported" in capsys.readouterr().out
    assert "of Ward 7" in target.read_text()  # one team: nothing recurs across teams in it
    assert "_No phrase recurs" in target.read_text()
    # mistakes: one line each, nothing written
    assert main(["export", "--format", "csv", "--report", "topics", "--db", str(db_path)]) == 1
    assert "use --format md" in capsys.readouterr().err


def _named_network(store, clock) -> dict[str, str]:
    """Two teams named after places whose sessions name people: a coach of a third
    team, and a doctor the database knows only from the title in one dilemma."""
    _said(store, clock, "Oakfield Ward", "Ana", "Dr Lindqvist wants the run chart at Oakfield Ward")
    _said(store, clock, "Oakfield Ward", "Ana", "Priya Raman reads the run chart out")
    _said(store, clock, "Elmhurst Ward", "Bo", "lindqvist says our run chart is late, like Oakfield Ward's")
    _said(store, clock, "Elmhurst Ward", "Bo", "priya raman skips the huddle at Elmhurst Ward")
    _said(store, clock, "Elmhurst Ward", "Bo", "Elmhurst Ward asks Zaphodine about the huddle")
    _said(store, clock, "Clinic", "Priya Raman", "Zaphodine again: the huddle on the ward runs late")
    return {team.name: team.id for team in store.list_teams()}


def test_the_topics_report_can_be_redacted(db_path: Path, clock, capsys, tmp_path: Path) -> None:
    """--redact: people's names in the phrases become pseudonyms and teams' names
    codes, as in every other redacted export; a word that may still be a name is
    named on stderr."""
    from coachtui.cli import main
    from coachtui.store import open_store
    from coachtui.store.exchange.redact import team_pseudonym

    with open_store(str(db_path), clock=clock) as store:
        teams = _named_network(store, clock)
    plain = main(["export", "--report", "topics", "--db", str(db_path)])
    full = capsys.readouterr().out
    assert plain == 0 and "lindqvist" in full and "Oakfield Ward" in full  # the names this test redacts are there
    target = tmp_path / "topics.md"
    assert main(["export", "--report", "topics", "--redact", "-o", str(target), "--db", str(db_path)]) == 0
    out, err = capsys.readouterr()
    assert "Exported" in out
    text = target.read_text("utf-8")
    folded = text.casefold()
    for name in ("lindqvist", "priya", "raman", "oakfield", "elmhurst", "ana", "bo "):
        assert name not in folded, name
    oak, elm = team_pseudonym(teams["Oakfield Ward"]), team_pseudonym(teams["Elmhurst Ward"])
    assert f"| run chart | 3 | 2 | {oak} (2) · {elm} (1) |" in text
    assert "_Redacted: people's names are replaced by pseudonyms" in text
    assert "| Person 1 | 2 | 2 |" in text  # Dr Lindqvist, learnt from the title
    assert "| Coach A | 2 | 2 |" in text  # Priya Raman, a coach (the first name met)
    assert "| huddle |" in text
    assert err.strip().splitlines() == ["coachtui: might still be names, check before sharing: Zaphodine"]
    # One team, by its code; with --keep-team-names, its name (people's still go).
    assert main(["export", "--report", "topics", "--redact", "--team", "oakfield ward", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert f"of {oak}" in out and "oakfield" not in out.casefold()
    assert main(["export", "--report", "topics", "--redact", "--keep-team-names", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "| run chart | 3 | 2 | Oakfield Ward (2) · Elmhurst Ward (1) |" in out
    assert "lindqvist" not in out.casefold() and "priya" not in out.casefold()


def test_a_phrase_does_not_run_across_two() -> None:
    from coachtui.store.network import _phrases

    said = _phrases("In the room the core team wants protected time for huddles, plus a student")
    assert {"core team", "protected time", "time for huddles", "huddles"} <= said
    assert not said & {"room the core", "plus a student", "the core", "for huddles", "the"}
