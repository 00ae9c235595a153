"""History search, the action tracker and themes, checked against what the
database holds (and, for search, against an independent word-matching oracle)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa

from coachtui.store import Cancelled, InvalidInput, NotFound, open_store, queries
from coachtui.store.db.dialects import sqlite as dialects_sqlite
from coachtui.store.db.models import CoachingSession
from coachtui.store.demo import generate_demo_data
from coachtui.store.types import UNSURE, ExportSelection, PickedQuestionInfo, SessionFilter

UTC = dt.UTC
TODAY = dt.date(2026, 11, 20)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def make_session(store, clock, team, when, *, title="", dilemma="words", category=None, coach="", complete=True):
    clock.now = when
    session = store.start_session(team.id, coach=coach)
    store.save_draft(session.id, title=title, dilemma=dilemma, primary_category=category)
    if complete:
        store.complete_session(session.id)
    return session


def all_pages(store, text: str = "", *, limit: int, **filters) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = store.search_sessions(SessionFilter(text, **filters), limit=limit, after=after)
        ids += [row.id for row in page.rows]
        if page.next_cursor is None:
            return ids
        assert len(page.rows) == limit
        after = page.next_cursor


# --- an oracle: which sessions contain the words, computed in Python ----------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", _fold(text)))


def oracle(store, words: list[str], prefix: bool, **where: str) -> list[str]:
    """Ids of sessions whose texts hold every word, newest first (created_at, id).
    Read from the lossless export, so the same oracle serves both backends."""
    document = store.export_json()
    extra: dict[str, list[str]] = {}
    for row in document["picked_questions"]:
        extra.setdefault(row["session_id"], []).append(row["note"])
    for row in document["actions"]:  # a test of change's prediction is searched too
        extra.setdefault(row["session_id"], []).extend([row["text"], row.get("prediction", "")])
    for row in document["action_reviews"]:  # and what its review learned
        if row["session_id"]:
            extra.setdefault(row["session_id"], []).extend([row["note"], row.get("learning", "")])
    teams = {t["id"]: t["name"] for t in document["teams"]}
    rows = [
        (s["id"], s["created_at"], s["team_id"], s["primary_category"], s["status"],
         " ".join([s["title"], s["dilemma"], s["context"], *extra.get(s["id"], []), teams[s["team_id"]], s["coach"],
                   s.get("insight", ""), s.get("presenter", "")]))
        for s in document["sessions"]
    ]
    wanted = [_fold(w) for w in words]
    hits = []
    for ident, created, team_id, category, status, text in rows:
        if where.get("team_id", team_id) != team_id or where.get("category", category) != category:
            continue
        if where.get("status", status) != status:
            continue
        tokens = _tokens(text)
        ok = all(w in tokens for w in wanted[:-1]) if wanted else True
        if wanted:
            last = wanted[-1]
            ok = ok and (any(t.startswith(last) for t in tokens) if prefix else last in tokens)
        if ok:
            hits.append((created, ident))
    return [ident for _created, ident in sorted(hits, reverse=True)]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database, generated once per test process and copied per test."""
    path = tmp_path_factory.mktemp("demo") / "template.db"
    with open_store(str(path)) as template:
        generate_demo_data(template, sessions=240, teams=6, seed=3, today=TODAY)
    return path


@pytest.fixture
def demo(request, backend: str, database_url: str, clock):
    """The small demo database, on each backend (PostgreSQL generates it afresh)."""
    if backend == "sqlite":
        shutil.copyfile(request.getfixturevalue("demo_template"), database_url)
        with open_store(database_url, clock=clock) as opened:
            yield opened
        return
    with open_store(database_url, clock=clock) as opened:
        generate_demo_data(opened, sessions=240, teams=6, seed=3, today=TODAY)
        yield opened


@pytest.fixture(params=["sort", "walk", "windows"])
def plan(request, monkeypatch):
    """Run a test under each search plan: few matches sorted; many read through
    windows of the newest sessions, and with windows so small that a page takes
    several (on PostgreSQL the planner chooses: the same plan thrice)."""
    monkeypatch.setattr(queries, "SORT_MATCHES_UP_TO", 1_000_000 if request.param == "sort" else 0)
    if request.param == "windows":
        monkeypatch.setattr(queries, "WINDOW_FIRST", 2)
        monkeypatch.setattr(queries, "WINDOW_GROWTH", 2)
    return request.param


# --- search ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "prefix"),
    [
        ("staff", ["staff"], True),
        ("staff ", ["staff"], False),
        ("run chart", ["run", "chart"], True),
        ("Run CHART ", ["run", "chart"], False),
        ("the inspect", ["the", "inspect"], True),
        ('"huddle"', ["huddle"], False),
        ("minibus", ["minibus"], True),
        ("measur", ["measur"], True),
        ("zzzq", ["zzzq"], True),
        ("the a", ["the", "a"], False),
    ],
)
def test_search_finds_exactly_the_sessions_holding_every_word(demo, plan, text, words, prefix) -> None:
    expected = oracle(demo, words, prefix)
    assert all_pages(demo, text, limit=7) == expected
    assert demo.count_sessions(SessionFilter(text)) == len(expected)


def test_a_common_word_pages_newest_first_whatever_order_sessions_were_written_in(store, clock, plan) -> None:
    """Sessions written out of time order (an import, a sync of older history) and
    several at the same moment: each page through the windows of newest sessions is
    what sorting every match gives."""
    import random

    team, other = store.create_team("Ward 4"), store.create_team("Clinic")
    rng = random.Random(5)
    days = [f"2026-03-{day:02d}" for day in range(1, 29)]
    made = []
    for index in range(60):
        when = at(rng.choice(days), rng.choice((9, 10)))  # written in no order, many ties
        words = "the huddle" if index % 3 else "the rota"
        made.append(make_session(store, clock, team if index % 2 else other, when, title=f"S{index}", dilemma=words,
                                 category="learning" if index % 4 else None))
    for text, words in (("the", ["the"]), ("huddle", ["huddle"]), ("the rota ", ["the", "rota"])):
        expected = oracle(store, words, not text.endswith(" "))
        assert len(expected) >= 20
        for limit in (1, 7, 50):
            assert all_pages(store, text, limit=limit) == expected, (text, limit)
        assert all_pages(store, text, limit=4, team_id=team.id) == oracle(store, words, not text.endswith(" "),
                                                                           team_id=team.id)


def test_filters_combine_with_text_and_paging(demo, plan) -> None:
    team = demo.list_teams(include_archived=True)[0]
    cases = [
        ({"team_id": team.id}, {"team_id": team.id}),
        ({"category": "relational"}, {"category": "relational"}),
        ({"status": "draft"}, {"status": "draft"}),
        ({"status": "completed", "category": "learning"}, {"status": "completed", "category": "learning"}),
    ]
    for filters, where in cases:
        for text, words, prefix in (("", [], False), ("team", ["team"], True)):
            expected = oracle(demo, words, prefix, **where)
            assert all_pages(demo, text, limit=5, **filters) == expected, (filters, text)
            assert demo.count_sessions(SessionFilter(text, **filters)) == len(expected)


def test_unsure_coach_and_date_filters(store, clock) -> None:
    team = store.create_team("Ward 4")
    a = make_session(store, clock, team, at("2026-03-01"), title="A", category=None, coach="Ana")
    b = make_session(store, clock, team, at("2026-03-02", 23), title="B", category="learning", coach="Ben")
    c = make_session(store, clock, team, at("2026-03-03", 0), title="C", category="learning", coach="Ana")
    ids = lambda **f: [r.id for r in store.search_sessions(SessionFilter(**f)).rows]  # noqa: E731
    assert ids(category=UNSURE) == [a.id]
    assert ids(coach="Ana") == [c.id, a.id]
    assert ids(since=dt.date(2026, 3, 2), tz=UTC) == [c.id, b.id]
    assert ids(until=dt.date(2026, 3, 2), tz=UTC) == [b.id, a.id]  # a date covers its whole day
    assert ids(since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 2), tz=UTC) == [b.id]
    assert ids(since=at("2026-03-02", 23)) == [c.id, b.id]  # datetimes are inclusive
    assert store.count_sessions(SessionFilter(coach="Ana", category="learning")) == 1
    assert store.list_coaches() == ["Ana", "Ben"]
    with pytest.raises(InvalidInput, match="unknown category 'weather'"):
        store.search_sessions(SessionFilter(category="weather"))
    with pytest.raises(InvalidInput, match="draft or completed"):
        store.search_sessions(SessionFilter(status="lost"))


def test_one_filter_chooses_the_same_sessions_for_search_counts_and_exports(store, clock) -> None:
    ward, clinic = store.create_team("Ward 4"), store.create_team("Clinic")
    a = make_session(store, clock, ward, at("2026-03-01"), title="Rota A", dilemma="night rota", coach="Ana")
    b = make_session(store, clock, ward, at("2026-03-02"), title="Rota B", dilemma="night rota", coach="Ben")
    c = make_session(store, clock, clinic, at("2026-03-03"), title="Rota C", dilemma="night rota", coach="Ana")
    make_session(store, clock, ward, at("2026-03-04"), title="Other", dilemma="stock checks", coach="Ana")
    which = SessionFilter(text="rota", coach="Ana")
    assert [row.id for row in store.search_sessions(which).rows] == [c.id, a.id]
    assert store.count_sessions(which) == 2
    exported = store.export_json(ExportSelection(which))
    assert sorted(s["id"] for s in exported["sessions"]) == sorted([a.id, c.id])
    report = store.export_markdown(ExportSelection(which))
    assert "Rota A" in report and "Rota C" in report and "Rota B" not in report and "Other" not in report
    # given ids narrow a search as they narrow an export
    chosen = SessionFilter(text="rota", session_ids=[a.id, b.id])
    assert store.session_ids_matching(chosen) == [b.id, a.id]
    assert sorted(s["id"] for s in store.export_json(ExportSelection(chosen))["sessions"]) == sorted([a.id, b.id])
    assert store.search_sessions(SessionFilter(session_ids=[])).rows == []


def test_ties_on_created_at_page_without_gaps_or_duplicates(store, clock, db) -> None:
    team = store.create_team("Ward 4")
    made = [make_session(store, clock, team, at("2026-05-01"), title=f"S{i}", dilemma="same rota").id for i in range(7)]
    db.execute("UPDATE coaching_session SET created_at = ?", "2026-05-01 10:00:00.000000" if db.is_sqlite else at("2026-05-01"))
    for text in ("", "rota"):
        for limit in (1, 2, 3, 7, 8):
            assert all_pages(store, text, limit=limit) == sorted(made, reverse=True)


def pages_upward(store, text: str = "", *, limit: int, **filters) -> list[str]:
    """Every row, collected from the oldest page up through ``prev_cursor``."""
    page = store.search_sessions(SessionFilter(text, **filters), limit=limit, at_end=True)
    ids = [row.id for row in page.rows]
    while page.prev_cursor is not None:
        page = store.search_sessions(SessionFilter(text, **filters), limit=limit, before=page.prev_cursor)
        assert len(page.rows) == limit or page.prev_cursor is None
        ids = [row.id for row in page.rows] + ids
    return ids


def test_pages_walk_up_from_the_end_as_they_walk_down(store, clock) -> None:
    team = store.create_team("Ward 4")
    made = [make_session(store, clock, team, at("2026-05-01"), title=f"S{i}", dilemma="rota").id for i in range(9)]
    # some share a moment to the microsecond: the id breaks ties both ways
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(CoachingSession)
            .where(CoachingSession.id.in_(made[2:6]))
            .values(created_at=dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC))
        )
    for text in ("", "rota"):
        for limit in (1, 2, 4, 9, 10):
            down = all_pages(store, text, limit=limit)
            assert len(down) == 9
            assert pages_upward(store, text, limit=limit) == down
    first = store.search_sessions(limit=3)
    assert first.prev_cursor is None and first.next_cursor is not None
    second = store.search_sessions(limit=3, after=first.next_cursor)
    back = store.search_sessions(limit=3, before=second.prev_cursor)
    assert [r.id for r in back.rows] == [r.id for r in first.rows]
    assert back.prev_cursor is None
    last = store.search_sessions(limit=3, at_end=True)
    assert last.next_cursor is None and last.rows[-1].id == all_pages(store, limit=9)[-1]


def test_pages_stay_put_when_sessions_are_added_meanwhile(demo, clock) -> None:
    first = demo.search_sessions(limit=10)
    team = demo.list_teams()[0]
    clock.now = dt.datetime(2027, 1, 1, tzinfo=UTC)
    demo.start_session(team.id)  # newer than everything: belongs before page 1
    second = demo.search_sessions(limit=10, after=first.next_cursor)
    everything = all_pages(demo, limit=1000)
    assert [r.id for r in second.rows] == everything[11:21]


@pytest.mark.parametrize("cursor", ["garbage", "", "eyJ4Ijox", "WyJhIiwxLDIsMywgNF0"])
def test_a_damaged_cursor_is_a_clear_error(demo, cursor) -> None:
    with pytest.raises(InvalidInput, match="page marker"):
        demo.search_sessions(after=cursor)


HOSTILE = [
    "[bold]", "[/]", "[link=http://x]", "'", '"', '""', "*", "-", "-rota", "rota -", "NEAR", "NEAR(a b)",
    "a AND b", "OR", "NOT staff", "(", ")", "staff)", ":", "title:staff", "^", "^staff", "{x}", "\\", "%", "_",
    "🎉", "🎉 staff", "\x00", "\x1b[31m", "e\u0301quipe", "\u202eRTL", "x" * 10_000, "staff " * 2_000, "* * *",
    "''''", "\"staff\" AND \"rota\"", "staff*", "sta*ff", "+staff", "col:val", "rowid", "session_fts",
]


def test_hostile_input_never_raises_and_is_never_fts_syntax(demo, plan) -> None:
    newest = [r.id for r in demo.search_sessions(limit=20).rows]
    for text in HOSTILE:
        page = demo.search_sessions(SessionFilter(text), limit=20)
        count = demo.count_sessions(SessionFilter(text))
        words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text))
        if not words:
            # nothing to search for: the same as an empty search box
            assert [r.id for r in page.rows] == newest, repr(text)
            assert count == demo.count_sessions(), repr(text)
        else:
            prefix = text[-1].isalnum() and len(words[-1]) >= 2
            expected = oracle(demo, words[:16], prefix and len(words) <= 16)
            assert [r.id for r in page.rows] == expected[:20], repr(text[:40])
            assert count == len(expected), repr(text[:40])


def test_the_like_fallback_finds_what_full_text_finds(demo) -> None:
    """The fallback without a full-text index (ILIKE) finds at least the same."""
    demo.db.full_text_search = False
    for text in ("minibus", "huddle", "run chart", "pdsa"):
        like = all_pages(demo, text, limit=50)
        assert set(like) >= set(oracle(demo, text.split(), True)), text
        assert demo.count_sessions(SessionFilter(text)) == len(like)
    assert all_pages(demo, "100%", limit=50) == []  # % and _ are literal


@pytest.mark.sqlite_only
def test_a_cancelled_search_stops_and_the_store_still_works(demo, monkeypatch) -> None:
    with pytest.raises(Cancelled):
        demo.search_sessions(SessionFilter("staff"), cancelled=lambda: True)
    monkeypatch.setattr(dialects_sqlite, "PROGRESS_STEPS", 50)
    calls = []

    def stop_after_start() -> bool:
        calls.append(1)
        return len(calls) > 1  # the pre-check passes; the first poll during the query stops it

    with pytest.raises(Cancelled):
        demo.count_sessions(SessionFilter(category="relational"), cancelled=stop_after_start)
    assert len(calls) >= 2  # stopped by a poll during the query, not by the pre-check
    assert demo.count_sessions(SessionFilter(category="relational"), cancelled=lambda: False) > 0
    assert demo.count_sessions(SessionFilter(category="relational")) > 0


def test_session_rows_carry_what_a_list_shows(store, clock) -> None:
    team = store.create_team("Ward 4")
    made = make_session(store, clock, team, at("2026-02-02"), coach="Ana", category="capability",
                        dilemma="  First line\nsecond   line " + "x" * 500, complete=False)
    (row,) = store.search_sessions(SessionFilter("first")).rows
    assert (row.id, row.team_name, row.coach, row.status, row.primary_category) == (
        made.id, "Ward 4", "Ana", "draft", "capability")
    assert row.title == "" and row.preview.startswith("First line second line x") and len(row.preview) == 120


# --- action tracker --------------------------------------------------------------------


@pytest.fixture
def tracker(store, clock):
    ward, clinic = store.create_team("Ward 4"), store.create_team("Clinic")
    s1 = make_session(store, clock, ward, at("2026-10-01"), dilemma="d")
    s2 = make_session(store, clock, clinic, at("2026-10-02"), dilemma="d")
    add = store.add_action
    actions = {
        "late_old": add(s1.id, "late old", owner="Sam", due=dt.date(2026, 10, 5)),
        "no_due": add(s1.id, "no due", owner="Lee"),
        "soon": add(s2.id, "soon", owner="Sam", due=dt.date(2026, 11, 25)),
        "late_new": add(s2.id, "late new", owner="Ana", due=dt.date(2026, 11, 1)),
        "today": add(s1.id, "due today", owner="Sam", due=TODAY),
        "done": add(s2.id, "finished", owner="Sam", due=dt.date(2026, 10, 10)),
        "dropped": add(s1.id, "abandoned", owner="Kim", due=dt.date(2026, 12, 1)),
        "stuck": add(s2.id, "stuck one", owner="Lee", due=dt.date(2026, 12, 24)),
    }
    store.record_review(actions["done"].id, "done", "went well")
    store.record_review(actions["dropped"].id, "dropped")
    store.record_review(actions["stuck"].id, "in_progress", "waiting for IT")
    store.record_review(actions["stuck"].id, "stuck", "")
    return ward, clinic, actions


def texts(page) -> list[str]:
    return [a.text for a in page.rows]


def test_tracker_order_overdue_then_soonest_then_undated(store, tracker) -> None:
    page = store.tracker_actions(today=TODAY)
    assert texts(page) == ["late old", "late new", "due today", "soon", "stuck one", "no due"]
    assert [a.is_overdue(TODAY) for a in page.rows] == [True, True, False, False, False, False]
    stuck = page.rows[4]
    assert (stuck.status, stuck.team_name, stuck.last_note) == ("stuck", "Clinic", "waiting for IT")
    assert page.next_cursor is None


def test_tracker_filters_paging_and_closed(store, tracker) -> None:
    ward, _clinic, _actions = tracker
    assert texts(store.tracker_actions(today=TODAY, team_id=ward.id)) == ["late old", "due today", "no due"]
    assert texts(store.tracker_actions(today=TODAY, owner="Sam")) == ["late old", "due today", "soon"]
    full = store.tracker_actions(today=TODAY, include_closed=True)
    assert texts(full) == ["late old", "late new", "due today", "soon", "stuck one", "no due", "finished", "abandoned"]
    for include_closed in (False, True):
        pages, after = [], None
        while True:
            page = store.tracker_actions(today=TODAY, include_closed=include_closed, limit=3, after=after)
            pages += texts(page)
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert pages == texts(store.tracker_actions(today=TODAY, include_closed=include_closed))
    assert store.list_owners() == ["Ana", "Lee", "Sam"]
    assert store.list_owners(include_closed=True) == ["Ana", "Kim", "Lee", "Sam"]


def test_reviewing_from_the_tracker_and_then_in_a_session(store, clock, tracker, db) -> None:
    ward, _clinic, actions = tracker
    late = actions["late_old"]
    clock.advance(hours=1)
    review = store.record_review(late.id, "in_progress", "half way")
    assert review.session_id is None
    row = next(a for a in store.tracker_actions(today=TODAY).rows if a.id == late.id)
    assert (row.status, row.last_note) == ("in_progress", "half way")
    clock.advance(hours=1)
    store.record_review(late.id, "done", "")
    assert late.id not in {a.id for a in store.tracker_actions(today=TODAY).rows}
    closed = next(a for a in store.tracker_actions(today=TODAY, include_closed=True).rows if a.id == late.id)
    assert (closed.status, closed.last_note) == ("done", "half way")  # the latest note that says something
    # the next session of the team reviews it again; taking that back restores the tracker's verdict
    clock.advance(days=1)
    later = store.start_session(ward.id)
    store.record_review(late.id, "stuck", "reopened", session_id=later.id)
    assert store.tracker_actions(today=TODAY).rows[0].id == late.id
    store.clear_review(late.id, later.id)
    assert db.rows("SELECT status FROM action WHERE id = ?", late.id) == [("done",)]
    assert db.rows(
        "SELECT status, note FROM action_review WHERE action_id = ? AND session_id IS NULL ORDER BY created_at",
        late.id,
    ) == [("in_progress", "half way"), ("done", "")]


# --- themes ------------------------------------------------------------------------------


def test_theme_counts_per_month_and_category(store, clock) -> None:
    ward, clinic = store.create_team("Ward 4"), store.create_team("Clinic")
    make_session(store, clock, ward, at("2026-08-31", 23), category="capability")  # before the window
    make_session(store, clock, ward, at("2026-09-01", 0), category="capability")
    make_session(store, clock, ward, at("2026-09-15"), category="relational")
    make_session(store, clock, clinic, at("2026-09-20"), category="relational")
    make_session(store, clock, clinic, at("2026-11-19"), category=None)
    make_session(store, clock, clinic, at("2026-11-19"), category="learning", complete=False)  # a draft
    months = store.theme_counts(today=TODAY, months=3, tz=UTC)
    assert [m.month for m in months] == [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert months[0].counts == {"capability": 1, "learning": 0, "relational": 2, "environment": 0, UNSURE: 0}
    assert months[1].total == 0
    assert months[2].counts[UNSURE] == 1 and months[2].total == 1
    per_team = store.theme_counts(today=TODAY, months=3, team_id=ward.id, tz=UTC)
    assert [m.total for m in per_team] == [2, 0, 0]
    # months are calendar months where the facilitator is: 23:00 UTC on 31 August
    # is already September in Berlin, and both boundary sessions are August in New York
    from zoneinfo import ZoneInfo

    berlin = store.theme_counts(today=TODAY, months=3, tz=ZoneInfo("Europe/Berlin"))
    assert berlin[0].counts["capability"] == 2 and berlin[0].total == 4
    new_york = store.theme_counts(today=TODAY, months=3, tz=ZoneInfo("America/New_York"))
    assert new_york[0].counts["capability"] == 0 and new_york[0].total == 2
    with pytest.raises(InvalidInput):
        store.theme_counts(today=TODAY, months=0)


def test_dominant_categories(store, clock) -> None:
    teams = {name: store.create_team(name) for name in ("Alpha", "Beta", "Gamma", "Delta", "Quiet")}
    day = dt.datetime(2026, 1, 5, 10, tzinfo=UTC)

    def sessions(team: str, categories: list[str | None]) -> None:
        nonlocal day
        for category in categories:
            day += dt.timedelta(days=1)
            make_session(store, clock, teams[team], day, category=category)

    sessions("Alpha", ["learning"] * 4 + ["relational"] * 5 + ["capability"])  # last 6: 5 relational
    sessions("Beta", ["learning", "learning"])  # too few to say
    sessions("Gamma", ["capability", "learning", "relational", "environment", "capability", None])
    sessions("Delta", [None, None, None, None, "environment", "environment"])
    make_session(store, clock, teams["Alpha"], day + dt.timedelta(days=9), category="capability", complete=False)
    flags = {f.team_name: f for f in store.dominant_categories()}
    assert set(flags) == {"Alpha", "Beta", "Gamma", "Delta"}  # Quiet has no completed session
    alpha = flags["Alpha"]
    assert (alpha.category, alpha.n, alpha.dominant) == ("relational", 6, True)
    assert alpha.share == pytest.approx(5 / 6)
    assert (flags["Beta"].category, flags["Beta"].share, flags["Beta"].dominant) == ("learning", 1.0, False)
    assert (flags["Gamma"].category, flags["Gamma"].dominant) == ("capability", False)
    assert (flags["Delta"].category, flags["Delta"].dominant) == ("environment", False)  # unsure never dominates
    assert flags["Delta"].share == pytest.approx(2 / 6)
    assert store.dominant_categories()[0].team_name == "Alpha"
    assert store.dominant_categories(last_n=2, min_sessions=2)[0].team_name in {"Alpha", "Beta", "Delta"}
    (only,) = store.dominant_categories(team_id=teams["Beta"].id, min_sessions=2)
    assert only.dominant is True
    store.archive_team(teams["Alpha"].id)
    assert "Alpha" not in {f.team_name for f in store.dominant_categories()}
    assert "Alpha" in {f.team_name for f in store.dominant_categories(include_archived=True)}
    with pytest.raises(NotFound):
        store.dominant_categories(team_id="missing")


def test_team_names_coach_names_and_review_notes_are_searched_too(store, clock) -> None:
    """Issue 20, item 10: a facilitator types a team's or a coach's name, or words
    from a review, and finds the sessions; a renamed team is found by its new name."""
    ward, clinic = store.create_team("Ward 36"), store.create_team("Riverside Clinic")
    first = make_session(store, clock, ward, at("2026-04-01"), title="Handovers")
    action = store.add_action(first.id, "Time three handovers")
    second = make_session(store, clock, clinic, at("2026-04-02"), title="Waiting list", complete=False)
    store.save_draft(second.id, dilemma="The list grows")
    third = make_session(store, clock, ward, at("2026-04-03"), title="Follow-up", complete=False)
    store.record_review(action.id, "done", "matron timed them with a stopwatch", session_id=third.id, coach="Ana")
    for typed, titles in (
        ("ward 36", ["Follow-up", "Handovers"]),
        ("riverside", ["Waiting list"]),
        ("stopwatch", ["Follow-up"]),
        ("ward stopwatch", ["Follow-up"]),
    ):
        assert [r.title for r in store.search_sessions(SessionFilter(typed)).rows] == titles, typed
        assert store.count_sessions(SessionFilter(typed)) == len(titles)
    store.rename_team(clinic.id, "Hillside Clinic")
    assert [r.title for r in store.search_sessions(SessionFilter("hillside")).rows] == ["Waiting list"]
    assert store.search_sessions(SessionFilter("riverside ")).rows == []


def test_a_coachs_name_finds_their_sessions(store, clock) -> None:
    team = store.create_team("Ward 4")
    mine = make_session(store, clock, team, at("2026-04-01"), title="Mine", coach="Priya Raman", complete=False)
    theirs = make_session(store, clock, team, at("2026-04-02"), title="Theirs", coach="Tomasz Kowalski", complete=False)
    assert {mine.id, theirs.id} == {r.id for r in store.search_sessions(SessionFilter("ward")).rows}
    assert [r.title for r in store.search_sessions(SessionFilter("priya")).rows] == ["Mine"]
    assert [r.title for r in store.search_sessions(SessionFilter("kowalski")).rows] == ["Theirs"]


def test_notes_and_actions_are_searchable_per_session(store, clock) -> None:
    team = store.create_team("Ward 4")
    one = make_session(store, clock, team, at("2026-04-01"), title="One", complete=False)
    store.set_questions(one.id, [PickedQuestionInfo("kata-1", "Q", "kata", note="bedside")])
    two = make_session(store, clock, team, at("2026-04-02"), title="Two", complete=False)
    store.add_action(two.id, "bedside checklist")
    assert [r.title for r in store.search_sessions(SessionFilter("bedside")).rows] == ["Two", "One"]
    assert [r.title for r in store.search_sessions(SessionFilter("bedside check")).rows] == ["Two"]


@pytest.mark.postgres
def test_a_search_waiting_on_postgresql_is_cancelled_and_the_store_still_works(pg) -> None:
    """PostgreSQL has no progress callback: a watcher asks the server to cancel. A
    table locked by another connection keeps the query waiting until then."""
    url = pg.new_url()
    with open_store(url) as store:
        generate_demo_data(store, sessions=40, teams=2, seed=3, today=TODAY)
        expected = store.count_sessions(SessionFilter(category="relational"))
        schema = url.rsplit("%3D", 1)[1]
        with pg.connect() as other:
            other.execute("BEGIN")
            other.execute(f'LOCK TABLE "{schema}".coaching_session IN ACCESS EXCLUSIVE MODE')
            calls = []

            def after_a_while() -> bool:
                calls.append(1)
                return len(calls) > 20  # about 0.1 s into the query

            with pytest.raises(Cancelled):
                store.count_sessions(SessionFilter(category="relational"), cancelled=after_a_while)
            other.execute("ROLLBACK")
        assert len(calls) > 20
        assert store.count_sessions(SessionFilter(category="relational"), cancelled=lambda: False) == expected


def test_searches_from_worker_threads_while_a_coach_writes(demo) -> None:
    """The UI runs each query in a thread worker: concurrent readers and a writer."""
    from concurrent.futures import ThreadPoolExecutor

    expected = [r.id for r in demo.search_sessions(SessionFilter("team"), limit=30).rows]
    team = demo.list_teams()[0]

    def read(_: int) -> list[str]:
        return [r.id for r in demo.search_sessions(SessionFilter("team"), limit=30).rows]

    def write(i: int) -> None:
        draft = demo.start_session(team.id)
        demo.save_draft(draft.id, title=f"Concurrent {i}", dilemma="written meanwhile")

    with ThreadPoolExecutor(max_workers=4) as pool:
        reads = [pool.submit(read, i) for i in range(24)]
        writes = [pool.submit(write, i) for i in range(6)]
        results = [f.result() for f in reads]
        for f in writes:
            f.result()
    assert all(r == expected for r in results)
    assert demo.count_sessions(SessionFilter("written meanwhile")) == 6


def test_tracker_and_themes_filter_by_coach(store, clock) -> None:
    team = store.create_team("Ward 4")
    ana = make_session(store, clock, team, at("2026-11-02"), category="relational", coach="Ana")
    ben = make_session(store, clock, team, at("2026-11-03"), category="learning", coach="Ben")
    store.add_action(ana.id, "Ana's action")
    store.add_action(ben.id, "Ben's action")
    store.add_action(ben.id, "Agreed with Kim", coach="Kim")
    texts_of = lambda **f: [a.text for a in store.tracker_actions(today=TODAY, **f).rows]  # noqa: E731
    assert texts_of(coach="Ana") == ["Ana's action"]
    assert texts_of(coach="Kim") == ["Agreed with Kim"]
    assert {a.coach for a in store.tracker_actions(today=TODAY).rows} == {"Ana", "Ben", "Kim"}
    (month,) = store.theme_counts(today=TODAY, months=1, tz=UTC, coach="Ben")
    assert (month.counts["learning"], month.total) == (1, 1)
    (flag,) = store.dominant_categories(coach="Ana", min_sessions=1)
    assert (flag.category, flag.n) == ("relational", 1)
    assert store.list_coaches() == ["Ana", "Ben", "Kim"]


def test_the_ids_of_every_match_follow_the_pages(demo) -> None:
    for text, filters in (("", {}), ("staff", {}), ("the", {"status": "completed"}), ("zzzq", {})):
        assert demo.session_ids_matching(SessionFilter(text, **filters)) == all_pages(demo, text, limit=50, **filters)


def test_every_coach_is_listed_once_however_alike_the_names(store, clock) -> None:
    # list_coaches walks the coach indexes one name at a time (migration 0005): names
    # that differ only in case, that begin with another name, that sort oddly, and
    # coaches named only on an action must each come out exactly once.
    team = store.create_team("Ward 4")
    on_sessions = ["Ana", "ana", "ANA", "Ann", "Anna", "Anna Ruiz", "Zoë", "Élodie", "李明", "🙂 Sam", "[bold]Kim[/]", "b"]
    for day, coach in enumerate(on_sessions * 2, 1):
        make_session(store, clock, team, at(f"2026-03-{day:02d}"), coach=coach)
    untitled = make_session(store, clock, team, at("2026-04-01"), coach="")  # no coach: not listed
    store.add_action(untitled.id, "Agreed with Bea", coach="Bea")
    store.add_action(untitled.id, "Agreed with Ana", coach="Ana")
    expected = sorted(set(on_sessions) | {"Bea"}, key=lambda name: (name.casefold(), name))
    assert store.list_coaches() == expected


def test_each_result_shows_where_the_words_were_found(store, clock) -> None:
    """Issue 20, item 10: a piece of the text around the words, with the words marked."""
    team = store.create_team("Ward 36")
    long = (
        "The night shift cannot find time to plot the run chart because handovers overrun "
        "every single evening and nobody knows why the ward is so busy at eight"
    )
    session = make_session(store, clock, team, at("2026-04-01"), title="Night shift", dilemma=long)
    action = store.add_action(session.id, "Time three handovers")
    later = make_session(store, clock, team, at("2026-04-02"), title="Follow-up", complete=False)
    store.record_review(action.id, "done", "Matron used a stopwatch", session_id=later.id, coach="Ana")
    (row,) = store.search_sessions(SessionFilter("run chart evening")).rows
    assert row.id == session.id
    assert row.snippet.startswith("…") and "run chart because handovers" in row.snippet
    assert [row.snippet[a:b] for a, b in row.highlights] == ["run", "chart", "evening"]
    (row,) = store.search_sessions(SessionFilter("STOPW")).rows  # as typed: a prefix, any case
    assert row.snippet == "Matron used a stopwatch"
    assert [row.snippet[a:b] for a, b in row.highlights] == ["stopwatch"]
    assert all(r.snippet == "" for r in store.search_sessions(SessionFilter()).rows)  # no words, no snippet
