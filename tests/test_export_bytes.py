"""The exports written as they are read keep their bytes while they are made quicker
(issue 19): the report, the CSV zip and the JSON of a demo history, full and
redacted, of everything, one team and a period, against what the code before
those changes wrote (their SHA-256 below).

The other tests compare a streamed export with the one made in memory; both share
the rendering of a session, so a change there would pass them and still change the
file a coach gets. These fix the bytes themselves. The history is the demo
generator's (seed 11) with a set's meeting of three presenters, a review made in it
of an action agreed earlier, a review outside any session, and what was learned;
the clock is the tests' and the time zone a fixed one, so dates and "overdue" do
not move with the day or the machine.

If the demo generator or a format changes on purpose, the digests change with it:
take the new ones from the failure's diff, once the files were checked by eye.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from coachtui.store.db.models import ids_from
from coachtui.store.demo import generate_demo_data
from coachtui.store.types import ExportSelection, PickedQuestionInfo, SessionFilter

# Central European time, written out (no time zone database needed): local dates.
TZ = "CET-1CEST,M3.5.0,M10.5.0/3"


@pytest.fixture
def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", TZ)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def history(store, clock) -> None:  # type: ignore[no-untyped-def]
    generate_demo_data(store, sessions=300, teams=6, seed=11, today=dt.date(2026, 11, 20), large_teams=1)
    drawn = random.Random(11)
    with ids_from(lambda: str(uuid.UUID(int=drawn.getrandbits(128), version=4))):  # the same ids every run
        _meeting_and_reviews(store, clock)


def _meeting_and_reviews(store, clock) -> None:  # type: ignore[no-untyped-def]
    teams = store.list_teams()
    earlier = store.open_actions(teams[0].id)[0]
    team = store.create_team("Learning set")
    for member in ("Asha Patel", "Ben Okafor", "Carys Jones"):
        team = store.add_member(team.id, member)
    first = store.start_session(team.id, "Ana")
    store.save_draft(first.id, presenter="Asha Patel", title="Winter beds", dilemma="No beds on *Mondays*",
                     primary_category="environment", insight="Dr Lindqvist's data helped")
    store.set_questions(first.id, [PickedQuestionInfo("q-1", "What is in the way?", "bank", note="fear")])
    store.add_action(first.id, "Ask the bed manager for Monday data", "Asha Patel", dt.date(2026, 12, 20))
    second = store.add_presenter(first.id, "Ben Okafor", "Ana")
    store.save_draft(second.id, title="Quiet team", dilemma="The team says nothing in huddles",
                     primary_category="relational")
    store.add_action(second.id, "Try a round at the huddle", "Ben Okafor")
    third = store.add_presenter(second.id, "Carys Jones", "Ana")
    store.save_draft(third.id, title="PDSA", dilemma="We never finish a cycle\n- one\n- two")
    for part in (first, second, third):
        store.complete_session(part.id)
    later = store.start_session(teams[0].id, "Priya Raman")
    store.save_draft(later.id, title="Follow up with Sam O'Neill", dilemma="Rota # again")
    store.record_review(earlier.id, "done", "It worked, Bea said", session_id=later.id, learning="Ask early")
    store.record_review(store.open_actions(teams[1].id)[0].id, "stuck", "No time", coach="Priya Raman")
    clock.advance(days=3)


SELECTIONS = {"everything": {}, "one team": {"team": True}, "since": {"since": dt.date(2026, 9, 1)}}


def digests(store, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """SHA-256 of each export of :data:`SELECTIONS` written to a file, full and
    redacted: the report, both CSV tables of the zip, the JSON (its stamp aside)."""
    found = {}
    team_id = store.list_teams()[0].id
    for label, asked in SELECTIONS.items():
        which = SessionFilter(team_id=team_id if asked.get("team") else None, since=asked.get("since"))
        for redact in (False, True):
            name = f"{label}{', redacted' if redact else ''}"
            texts = {}
            store.export_file(tmp_path / "r.md", ExportSelection(which, redact=redact), force=True)
            texts["md"] = (tmp_path / "r.md").read_text("utf-8")
            store.export_file(tmp_path / "t.zip", ExportSelection(which, redact=redact), force=True)
            with zipfile.ZipFile(tmp_path / "t.zip") as archive:
                for member in archive.namelist():
                    texts[member] = archive.read(member).decode("utf-8-sig")
            store.export_file(tmp_path / "d.json", ExportSelection(which, redact=redact), force=True)
            document = json.loads((tmp_path / "d.json").read_text("utf-8"))
            document["exported_at"] = ""
            texts["json"] = json.dumps(document, ensure_ascii=False, sort_keys=True)
            for kind, text in texts.items():
                found[f"{name}: {kind}"] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return found


# Written by main at c62f31c (before the report and the redaction were made quicker).
BEFORE = {
    'everything: md': '2c902b06fc7b6252',
    'everything: sessions.csv': '7be6d5911092a5af',
    'everything: actions.csv': '878b14109d2f2ed0',
    'everything: json': 'c0ebd79b85c8ed64',
    'everything, redacted: md': '22b775a4472962b9',
    'everything, redacted: sessions.csv': '65cf8a8c6e11f3c0',
    'everything, redacted: actions.csv': '761cbf657a8d26c9',
    'everything, redacted: json': '0b94366f6911cd4c',
    'one team: md': 'b8f156fed9349719',
    'one team: sessions.csv': '91931d265294189b',
    'one team: actions.csv': 'b24bc3d91e901de9',
    'one team: json': 'fc75545d83608856',
    'one team, redacted: md': '8856c7c5f1c6e1d9',
    'one team, redacted: sessions.csv': 'd11629630e4b1f5e',
    'one team, redacted: actions.csv': '9ea77a3a09bb15cd',
    'one team, redacted: json': 'ae1fc07281309827',
    'since: md': 'a6cbbf01898a2f51',
    'since: sessions.csv': '32ff1e93b2a73d65',
    'since: actions.csv': '9e3fd2068baca86c',
    'since: json': '06f3cc0296740521',
    'since, redacted: md': 'f776bda11aeae4d5',
    'since, redacted: sessions.csv': '4746b9c3badc250f',
    'since, redacted: actions.csv': '67479dbbfbdcf493',
    'since, redacted: json': 'e744925c6098250b',
}


def test_exports_keep_their_bytes(store, clock, tmp_path: Path, fixed_zone: None) -> None:  # type: ignore[no-untyped-def]
    history(store, clock)
    assert digests(store, tmp_path) == BEFORE


def test_a_redacted_report_learns_and_numbers_its_names_once(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """``export --redact -o report.md`` (and to standard output): the check for names
    left (on stderr, before the report is written) and the report come from one redactor, its names learnt and
    numbered once (the selection was read four times for that, now twice); what
    both say is unchanged."""
    from coachtui.cli import main
    from coachtui.store import open_store
    from coachtui.store.exchange import redacted
    from conftest import Clock

    path = tmp_path / "history.db"
    clock = Clock()
    with open_store(str(path), clock=clock) as store:
        history(store, clock)
    with open_store(str(path)) as store:  # the command's clock: "overdue" as it says it
        selection = ExportSelection(redact=True)
        expected_names = store.redaction_check(selection)
        expected = store.export_markdown(selection)
    assert expected_names and "Lindqvist" not in expected

    prepared = []
    real = redacted.prepared_redactor

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        prepared.append(kwargs.get("for_report"))
        return real(*args, **kwargs)

    monkeypatch.setattr(redacted, "prepared_redactor", counted)
    out = tmp_path / "shared.md"
    assert main(["export", "--db", str(path), "--redact", "-o", str(out)]) == 0
    assert prepared == [True]
    err = capsys.readouterr().err
    assert err == f"coachtui: might still be names, check before sharing: {', '.join(expected_names)}\n"

    def without_stamp(text: str) -> str:
        return "\n".join(line for line in text.split("\n") if not line.startswith("Exported "))

    assert without_stamp(out.read_text("utf-8")) == without_stamp(expected)

    # To standard output the same: one redactor, the same words, the same report.
    prepared.clear()
    assert main(["export", "--db", str(path), "--redact"]) == 0
    assert prepared == [True]
    printed = capsys.readouterr()
    assert printed.err == err
    assert without_stamp(printed.out) == without_stamp(expected)
