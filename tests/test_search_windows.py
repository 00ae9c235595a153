"""The first pages of a search are the same, whichever plan the store picks for them
(windows of the newest sessions, the matches sorted, prefixes spelled out), as the
plainest query of all gives: every matching row sorted newest first. Random queries
(words of the demo's own texts, prefixes of them, pairs, stray input) over a demo
database, with and without a set's meetings, and with sessions written out of time
order (issue 19)."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachtui.store import open_store, queries
from coachtui.store.demo import generate_demo_data
from coachtui.store.types import SessionFilter

pytestmark = pytest.mark.sqlite_only

TODAY = dt.date(2026, 11, 20)
# Words that are not plain ASCII, written into some sessions, and what a
# facilitator might type to find them (the index folds case and accents).
ACCENTED = ["José", "Øystein", "naïve", "Straße", "İstanbul", "Ærø", "café", "ﬁnal", "Tíme", "MEASÚRE"]
TYPED = ["jose", "josé", "oystein", "øystein", "naive", "strasse", "straße", "cafe", "final", "time", "measure"]


def _vocabulary(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, 'session_fts', 'row')")
        return [term for (term,) in conn.execute("SELECT term FROM temp.words ORDER BY term")]
    finally:
        conn.close()


def _build(path: Path, *, meetings: bool) -> list[str]:
    with open_store(str(path)) as store:
        generate_demo_data(store, sessions=1500, teams=10, seed=11, today=TODAY, large_teams=2)
        chosen = random.Random(5)
        if meetings:
            heads = [row.id for row in store.search_sessions(limit=1000).rows]
            words = _vocabulary(path)
            for head in chosen.sample(heads, 80):
                for _ in range(chosen.randint(1, 3)):
                    part = store.add_presenter(head, chosen.choice(["Asha Patel", "Ben Okafor", "Carys Jones"]))
                    store.save_draft(part.id, title=" ".join(chosen.sample(words, 3)),
                                     dilemma=" ".join(chosen.sample(words, 6)),
                                     primary_category=chosen.choice(["relational", "learning", None]))
    # some sessions written out of time order (imported, synced): rowids no longer
    # follow created_at
    conn = sqlite3.connect(path)
    try:
        rowids = [r for (r,) in conn.execute("SELECT rowid FROM coaching_session ORDER BY rowid")]
        for rowid in chosen.sample(rowids, 150):
            conn.execute(
                "UPDATE coaching_session SET created_at = (SELECT created_at FROM coaching_session WHERE rowid = ?) "
                "WHERE rowid = ?", (chosen.choice(rowids), rowid))
        for rowid in chosen.sample(rowids, 200):
            conn.execute("UPDATE coaching_session SET title = title || ' ' || ? WHERE rowid = ?",
                         (" ".join(chosen.sample(ACCENTED, 2)), rowid))
        conn.commit()
    finally:
        conn.close()
    return _vocabulary(path)


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, tuple[Path, list[str]]]:
    folder = tmp_path_factory.mktemp("search-windows")
    return {meetings: (folder / f"demo-{meetings}.db", _build(folder / f"demo-{meetings}.db", meetings=meetings))
            for meetings in (False, True)}


def _expected(path: Path, fts_query: str | None, team_id: str | None, category: str | None) -> list[str]:
    """Every row (a session, or a meeting's first session standing for the meeting)
    that matches, newest first: one plain query."""
    def own(s: str) -> str:
        match = f"{s}.rowid IN (SELECT rowid FROM session_fts WHERE session_fts MATCH :q)" if fts_query else "1"
        return f"{match} AND " + (f"{s}.primary_category = :category" if category else "1")

    sql = (
        "SELECT s.id FROM coaching_session AS s WHERE s.meeting_id IS NULL "
        + ("AND s.team_id = :team " if team_id else "")
        + f"AND (({own('s')}) OR EXISTS (SELECT 1 FROM coaching_session AS p WHERE p.meeting_id = s.id AND {own('p')})) "
        "ORDER BY s.created_at DESC, s.id DESC"
    )
    conn = sqlite3.connect(path)
    try:
        return [i for (i,) in conn.execute(sql, {"q": fts_query, "team": team_id, "category": category})]
    finally:
        conn.close()


@st.composite
def typed(draw: st.DrawFn, words: list[str]) -> str:
    """What a facilitator might type: one to three of the database's words (any case),
    the last often cut short while typing, sometimes followed by a space; or stray text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=12))
    picked = draw(st.lists(st.sampled_from(words) | st.sampled_from(TYPED), min_size=1, max_size=3))
    last = picked[-1]
    picked[-1] = last[: draw(st.integers(1, len(last)))]
    text = " ".join(word.upper() if draw(st.booleans()) and word.isascii() else word for word in picked)
    return text + draw(st.sampled_from(["", "", " "]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), meetings=st.booleans(), limit=st.sampled_from([1, 7, 50]),
       first=st.sampled_from([2, 10, 250]), sort_up_to=st.sampled_from([0, 5, 1000]), share=st.sampled_from([1, 1000]))
def test_first_pages_are_the_newest_matches_whichever_plan(demos, data, meetings, limit, first, sort_up_to, share) -> None:
    path, words = demos[meetings]
    text = data.draw(typed(words), label="text")
    team_id = data.draw(st.sampled_from([None, None, "team"]), label="team")
    category = data.draw(st.sampled_from([None, None, "relational"]), label="category")
    with pytest.MonkeyPatch.context() as patch:
        # small windows and thresholds, so that a small database takes every plan
        patch.setattr(queries, "WINDOW_FIRST", first)
        patch.setattr(queries, "SORT_MATCHES_UP_TO", sort_up_to)
        patch.setattr(queries, "SHORTER_PREFIX_SHARE", share)
        with open_store(str(path)) as store:
            if team_id:
                team_id = store.list_teams()[data.draw(st.integers(0, 2), label="which team")].id
            terms = queries.parse_search(text)
            expected = _expected(path, terms.fts5() if terms else None, team_id, category)
            which = SessionFilter(text, team_id=team_id, category=category)
            page = store.search_sessions(which, limit=limit)
            assert [row.id for row in page.rows] == expected[:limit]
            assert (page.next_cursor is not None) == (len(expected) > limit)
            if page.next_cursor is not None:
                second = store.search_sessions(which, limit=limit, after=page.next_cursor)
                assert [row.id for row in second.rows] == expected[limit : 2 * limit]
            assert store.count_sessions(which) == len(expected)
