"""Property: any database exported to JSON and imported into an empty one exports the
same again, row for row, hostile text included; a second import changes nothing; a
filtered export is self-contained (it imports into an empty database)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coachtui.catalog.loader import CATEGORY_IDS
from coachtui.store import StoreError, open_store
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import (
    QUESTION_MAX,
    REVIEW_STATUSES,
    STEPS,
    ExportSelection,
    PickedQuestionInfo,
    SessionFilter,
)

TABLES = ("team", "coaching_session", "picked_question", "custom_question", "action", "action_review")
HOSTILE = [
    "[bold]loud[/]",
    "[link=https://example.org]x[/link] [/]",
    "\x1b[31mred\x1b[0m\x1b]0;title\x07",
    "\x00nul\x01\x02\x7f\x9b",
    "🙂👩‍👩‍👧 🇳🇿",
    "e\u0301 a\u0308 \u0915\u094d\u0937",
    "\u202eRTL\u202c שלום مرحبا \u2067x\u2069",
    "line1\nline2\r\n\ttabbed\r",
    "=SUM(A1:A9)",
    "-2+3",
    "@cmd",
    "\\ \" ' ` * _ # > |",
    "\u2028\u2029\ufeff\u200b",
    "z" * 9_000,  # titles hold up to 10,000 characters
]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=24))
short = st.one_of(st.sampled_from([h for h in HOSTILE if len(h) < 60]), st.text(max_size=16))
# Never blank (actions and questions need words) and within a question's limit, which
# is the shorter of the two (the long hostile text is a title's, not a question's).
words = st.one_of(st.sampled_from([h for h in HOSTILE if len(h) < QUESTION_MAX]), st.text(max_size=24)).map(
    lambda t: "x" + t
)
categories = st.one_of(st.none(), st.sampled_from(CATEGORY_IDS))


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(microseconds=1)
        return self.now


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated database to copy: migrating once per example is slow."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    open_store(str(path)).close()
    return path


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in TABLES}
    finally:
        conn.close()


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "exported_at"}


def build(store: Any, clock: Clock, data: st.DataObject) -> None:
    """A random but realistic history, made through the service API as the app would."""
    teams = []
    for _ in range(data.draw(st.integers(1, 3), label="teams")):
        try:
            teams.append(store.create_team(data.draw(short), coach=data.draw(short)))
        except StoreError:
            pass  # blank, too long or a duplicate name: the app refuses those too
    if not teams:
        teams.append(store.create_team("Fallback"))
    custom = []
    for _ in range(data.draw(st.integers(0, 2), label="custom")):
        try:
            custom.append(store.add_custom_question(data.draw(words), data.draw(categories), coach=data.draw(short)))
        except StoreError:
            pass
    pool = ["cap-01", "rel-03", "kata-1", *(c.id for c in custom)]
    actions = []
    for _ in range(data.draw(st.integers(0, 4), label="sessions")):
        clock.now += dt.timedelta(seconds=data.draw(st.integers(0, 10**7)))
        team = data.draw(st.sampled_from(teams))
        draft = store.start_session(team.id, coach=data.draw(short))
        store.save_draft(
            draft.id,
            title=data.draw(text),
            dilemma=data.draw(text),
            context=data.draw(text),
            primary_category=data.draw(categories),
            secondary_category=data.draw(categories),
            category_unsure=data.draw(st.booleans()),
            suggested_category=data.draw(categories),
            suggestion_reasons=data.draw(st.lists(short, max_size=2)),
            step=data.draw(st.sampled_from(STEPS)),
            insight=data.draw(st.one_of(st.just(""), text), label="insight"),  # what we learned today
        )
        picked = data.draw(st.lists(st.sampled_from(pool), unique=True, max_size=3))
        store.set_questions(
            draft.id, [PickedQuestionInfo(q, data.draw(words), "custom", note=data.draw(text)) for q in picked]
        )
        for action in (
            data.draw(st.lists(st.sampled_from(actions), unique_by=lambda a: a.id, max_size=2)) if actions else []
        ):
            in_session = data.draw(st.booleans())
            store.record_review(
                action.id,
                data.draw(st.sampled_from(REVIEW_STATUSES)),
                data.draw(text),
                session_id=draft.id if in_session else None,
                coach=data.draw(short),
                learning=data.draw(st.one_of(st.none(), text)),
            )
        for _ in range(data.draw(st.integers(0, 2))):
            due = data.draw(st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))))
            prediction = data.draw(st.one_of(st.just(""), words), label="prediction")  # a test of change
            actions.append(
                store.add_action(draft.id, data.draw(words), owner=data.draw(short), due=due, prediction=prediction)
            )
        if data.draw(st.booleans()):
            try:
                store.complete_session(draft.id)
            except StoreError:
                pass
        if len(teams) > 1 and data.draw(st.booleans()):
            store.save_draft(draft.id, team_id=data.draw(st.sampled_from(teams)).id)
    if data.draw(st.booleans()):
        store.archive_team(data.draw(st.sampled_from(teams)).id)


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@settings(
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_export_import_export_is_exact(template: Path, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source_path, copy_path, part_path = folder / "source.db", folder / "copy.db", folder / "part.db"
        for path in (source_path, copy_path, part_path):
            shutil.copy(template, path)
        clock = Clock()
        with open_store(str(source_path), clock=clock) as source:
            build(source, clock, data)
            exported = source.export_json()
            for key in ("sessions", "actions", "action_reviews", "custom_questions"):
                event(f"{key}: {'some' if exported[key] else 'none'}")
            if any(a["status"] != "open" for a in exported["actions"]):
                event("an action's status comes from a review")
            team = data.draw(st.sampled_from(source.list_teams(include_archived=True)), label="filter team")
            since = data.draw(st.sampled_from([None, dt.datetime(2025, 3, 1, tzinfo=dt.UTC)]), label="since")
            part = source.export_json(ExportSelection(SessionFilter(team_id=team.id, since=since)))

        # Through the file text, as a real export travels.
        with open_store(str(copy_path)) as copy:
            summary = copy.import_data(json.loads(dumps(exported)))
            again = copy.export_json()
            assert without_time(again) == without_time(exported)
            assert summary.count("sessions").added == len(exported["sessions"])
            assert summary.count("reviews").added == len(exported["action_reviews"])
            second = copy.import_data(json.loads(dumps(exported)))
            assert not second.changed
        assert rows(copy_path) == rows(source_path)

        with open_store(str(part_path)) as other:
            other.import_data(json.loads(dumps(part)))
            assert without_time(other.export_json(ExportSelection(SessionFilter(team_id=team.id, since=since)))) == without_time(part)
