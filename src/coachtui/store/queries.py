"""History, search, the action tracker and themes (read-mostly queries for facilitators).

Each call takes the open :class:`~coachtui.store.db.engine.Database`;
:class:`coachtui.store.api.Store` is their public face.

Designed for a UI that pages and runs queries in worker threads:

* Lists come a page at a time with an opaque keyset cursor (``after=``): page 100
  costs what page 1 costs, rows added meanwhile never shift a page, and no call
  loads a whole table.
* Searches accept ``cancelled``, a function the query polls (e.g. ``lambda:
  worker.is_cancelled``); a stale search stops within a few milliseconds and
  raises :class:`~coachtui.store.errors.Cancelled`.

Search on SQLite uses the FTS5 index (``store/db/search_index.py``): a page is read
from windows of the newest sessions, or, for a word with few matches, by sorting
them (see :func:`_newest_matches`; counts: :func:`_fts_condition`); on
PostgreSQL it uses a tsvector per session in a GIN index (``store/db/pg_search.py``),
with the same words matching the same way, and PostgreSQL's planner picks the plan.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import contextlib
import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from coachtui.catalog.loader import CATEGORY_IDS
from coachtui.store.db import dialects, pg_search, search_index, tallies
from coachtui.store.db.dialects import postgres, sqlite
from coachtui.store.db.dialects.sqlite import NoIndex
from coachtui.store.db.engine import Database
from coachtui.store.db.models import (
    Action,
    ActionReview,
    CoachingSession,
    PickedQuestion,
    Team,
    table,
)
from coachtui.store.db.query import SearchTerms, parse_search, snippet
from coachtui.store.errors import Cancelled, InvalidInput, NotFound
from coachtui.store.types import (
    EVERY_SESSION,
    OPEN_STATUSES,
    UNSURE,
    ActionInfo,
    ActionPage,
    DateLike,
    DominanceFlag,
    LearningEntry,
    ReviewInfo,
    SessionFilter,
    SessionInfo,
    SessionPage,
    ThemeMonth,
)

if TYPE_CHECKING:
    pass

S = table(CoachingSession)
T = table(Team)
A = table(Action)
R = table(ActionReview)
Q = table(PickedQuestion)

Cancel = Callable[[], bool]
MAX_PAGE = 1_000
PREVIEW = 120
# Up to this many full-text matches, fetch the matches and sort them by date; above
# it, walk sessions newest first and keep those in the (materialised) match list.
# Measured at 100k sessions: sorting costs ~4 µs a match, walking stops after
# 50 / (share of sessions matching) index entries.
SORT_MATCHES_UP_TO = 1_000
# Above it, a page is read from windows of the newest sessions (_newest_matches): the
# first holds this many sessions (a page of a word most sessions hold), each next one
# at least WINDOW_GROWTH times more, as many more as the matches found suggest.
WINDOW_FIRST = 250
WINDOW_GROWTH = 4
WINDOW_MOST_GROWTH = 64
# A window's words are told through the shorter prefix (_in_range) while its rowids
# span less than this fraction of them all (1 / this): each match of the shorter
# query is then read and checked (~20-40 µs), which beats FTS5's merge of every word
# the long prefix begins (~70 ns a match in the whole history: ~45 ms for "time" at
# 1M sessions, ~4 ms at 100k) only while the window is that small beside the history.
SHORTER_PREFIX_SHARE = 1_000
SEARCH = sa.table("session_search", sa.column("session_id"), sa.column("document"))
NO_DUE = dt.date(9999, 12, 31)
SESSION_STATUSES = ("draft", "completed")


# --- cursors -------------------------------------------------------------------------


def _encode_cursor(kind: str, values: list[Any]) -> str:
    raw = json.dumps([kind, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(kind: str, token: str, size: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size + 1 or values[0] != kind:
        raise InvalidInput("That page marker is not from this list; start from the first page.", field="after")
    return values[1:]


def _session_cursor(created_at: dt.datetime, ident: str) -> str:
    return _encode_cursor("s", [created_at.isoformat(), ident])


def _parse_time(value: Any) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput("That page marker is damaged; start from the first page.", field="after") from None
    if moment.tzinfo is None:
        raise InvalidInput("That page marker is damaged; start from the first page.", field="after")
    return moment


def _parse_date(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput("That page marker is damaged; start from the first page.", field="after") from None


# --- small helpers ---------------------------------------------------------------------


def _day_start(day: dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    """Midnight at the start of ``day`` in ``tz`` (None: this computer's time zone)."""
    midnight = dt.datetime.combine(day, dt.time())
    return midnight.replace(tzinfo=tz) if tz is not None else midnight.astimezone()


def _lower_bound(value: DateLike, tz: dt.tzinfo | None) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return _aware(value, "since")
    return _day_start(value, tz)


def _upper_bound(value: DateLike, tz: dt.tzinfo | None) -> tuple[dt.datetime, bool]:
    """(bound, inclusive): a date covers its whole day; a datetime is inclusive."""
    if isinstance(value, dt.datetime):
        return _aware(value, "until"), True
    return _day_start(value + dt.timedelta(days=1), tz), False


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None:
        raise InvalidInput("give times with a time zone (or a date)", field=field)
    return value


def _check_limit(limit: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"a page holds between 1 and {MAX_PAGE:,} rows", field="limit")
    return limit


def _preview(text: str | None) -> str:
    """The start of a dilemma on one line, for lists."""
    return " ".join((text or "").split())[:PREVIEW]


def _first_of_month(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _greater_than(keys: list[tuple[Any, Any]]) -> Any:
    """Keyset condition: the row comes after ``values`` in ascending ``keys`` order."""
    clauses = []
    for index, (expression, value) in enumerate(keys):
        equal = [e == v for e, v in keys[:index]]
        clauses.append(sa.and_(*equal, expression > value))
    return sa.or_(*clauses)


def _distinct_names(column: sa.Column[str]) -> sa.Select[Any]:
    """The distinct non-empty values of an indexed text column, found one index probe
    at a time (the next name after the last one: a "loose index scan"). SELECT
    DISTINCT reads every row; this costs a few probes per name at any size."""
    table = column.table
    first = sa.select(sa.func.min(column).label("name")).select_from(table).where(column > "")
    names = first.cte("names", recursive=True)
    following = (
        sa.select(sa.select(sa.func.min(column)).select_from(table).where(column > names.c.name).scalar_subquery())
        .select_from(names)
        .where(names.c.name.is_not(None))
    )
    names = names.union_all(following)
    return sa.select(names.c.name).where(names.c.name.is_not(None))


@contextlib.contextmanager
def _cancellable(conn: sa.Connection, cancelled: Cancel | None) -> Iterator[None]:
    """Let the query poll ``cancelled`` while it runs (see the dialects' ``cancel_on``);
    turn an interruption into :class:`Cancelled`."""
    if cancelled is None:
        yield
        return
    if cancelled():
        raise Cancelled("search cancelled")
    try:
        with dialects.of(conn).cancel_on(conn, cancelled):
            yield
    except sa_exc.OperationalError:
        if cancelled():
            raise Cancelled("search cancelled") from None
        raise


def _uses_fts(db: Database, conn: sa.Connection) -> bool:
    return db.full_text_search and dialects.of(conn).FULL_TEXT == "fts5"


def _uses_tsvector(db: Database, conn: sa.Connection) -> bool:
    return db.full_text_search and dialects.of(conn).FULL_TEXT == "tsvector"


def _tsvector_condition(db: Database, terms: SearchTerms, s: Any = S) -> Any:
    """PostgreSQL: the session's document holds every word (the last as a
    prefix). Written as EXISTS so the planner can either look the matches up in
    the GIN index and sort them (a rare word) or walk the newest sessions and
    check each one's document (a common word)."""
    return (
        sa.select(sa.literal(1))
        .select_from(SEARCH)
        .where(SEARCH.c.session_id == s.c.id, SEARCH.c.document.op("@@")(postgres.tsquery(terms)))
        .exists()
    )


def _session_filters(which: SessionFilter, s: Any = S, *, meeting: bool = True, part: bool = True) -> list[Any]:
    """The conditions of ``which`` (all but its words) on the session table ``s``.
    In a set's meeting some are the meeting's (its team, coach, dates and status,
    as its first session holds them: ``meeting``) and some each presenter's own
    (the category, the ids asked for: ``part``)."""
    team_id, category, coach, status = which.team_id, which.category, which.coach, which.status
    where: list[Any] = []
    if meeting and team_id is not None:
        where.append(s.c.team_id == team_id)
    if part and category is not None:
        if category == UNSURE:
            where.append(s.c.primary_category.is_(None))
        elif category in CATEGORY_IDS:
            where.append(s.c.primary_category == category)
        else:
            choices = ", ".join((*CATEGORY_IDS, UNSURE))
            raise InvalidInput(f"unknown category {category!r} (choose from {choices})", field="category")
    if meeting and coach is not None:
        where.append(s.c.coach == coach)
    if meeting and which.since is not None:
        where.append(s.c.created_at >= _lower_bound(which.since, which.tz))
    if meeting and which.until is not None:
        bound, inclusive = _upper_bound(which.until, which.tz)
        where.append(s.c.created_at <= bound if inclusive else s.c.created_at < bound)
    if meeting and status is not None:
        if status not in SESSION_STATUSES:
            raise InvalidInput(f"unknown session status {status!r} (draft or completed)", field="status")
        if status == "completed":
            # nearly every session: walk the timeline instead (115 ms -> < 1 ms at 100k)
            where.append(NoIndex(s.c.status) == status)
        else:
            where.append(s.c.status == status)
    if part and which.session_ids is not None:
        where.append(s.c.id.in_(sa.bindparam("session_ids", list(which.session_ids), expanding=True)))
    return where


def _has_meetings(conn: sa.Connection) -> bool:
    """Any set's meeting with a second presenter (an index lookup): without one,
    every session is its own row and the queries stay as they were. (Written as
    ``>= ''``, which every id passes, because SQLite reads ``IS NOT NULL`` by scanning
    every session: 60 ms at 100k, on every keystroke's search.)"""
    first = sa.select(sa.literal(1)).select_from(S).where(S.c.meeting_id >= "").limit(1)
    return conn.execute(first).first() is not None


def _meeting_rows(
    db: Database, conn: sa.Connection, which: SessionFilter, terms: SearchTerms
) -> tuple[bool, list[Any]]:
    """(anything can match, the conditions on ``S``) for a list of one row per
    meeting: an ordinary session, or a meeting's first session standing for the
    whole meeting, which matches when any of its presenters does (their words,
    their category)."""
    possible, text = _text_condition(db, conn, terms)
    if not possible:  # SQLite's index holds the words in no session at all
        return False, []

    def text_for(s: Any) -> Any:
        return text if s is S else _text_condition(db, conn, terms, s)[1]

    where, matching = _meeting_conditions(which, _has_meetings(conn), text_for if terms else None)
    return True, where + matching


def _meeting_conditions(
    which: SessionFilter, meetings: bool, text_for: Callable[[Any], Any] | None
) -> tuple[list[Any], list[Any]]:
    """(the conditions on the row itself, the rest) for one row per meeting, the
    words' condition on a session table given by ``text_for`` (None: no words).
    The first part is all a window of the newest rows needs (_newest_matches)."""
    if not meetings:  # every session is its own row
        return _session_filters(which), ([text_for(S)] if text_for is not None else [])
    # (every session but a meeting's later presenters: the timeline index is walked,
    # not the meeting index, which would sort nearly every session)
    where = [*_session_filters(which, part=False), NoIndex(S.c.meeting_id).is_(None)]
    own = _session_filters(which, meeting=False) + ([text_for(S)] if text_for is not None else [])
    if not own:
        return where, []
    P = S.alias("part")
    theirs = _session_filters(which, P, meeting=False) + ([text_for(P)] if text_for is not None else [])
    later = sa.select(sa.literal(1)).select_from(P).where(P.c.meeting_id == S.c.id, *theirs).exists()
    return where, [sa.or_(sa.and_(*own), later)]


def _meeting_parts(conn: sa.Connection, first_ids: list[str]) -> dict[str, list[tuple[str, str, str | None]]]:
    """The later presenters of these meetings (first session id -> [(session id,
    presenter, category)] in turn order)."""
    parts: dict[str, list[tuple[str, str, str | None]]] = {}
    for start in range(0, len(first_ids), 500):
        rows = conn.execute(
            sa.select(S.c.meeting_id, S.c.id, S.c.presenter, S.c.primary_category)
            .where(S.c.meeting_id.in_(sa.bindparam("firsts", first_ids[start : start + 500], expanding=True)))
            .order_by(S.c.meeting_id, S.c.turn, S.c.created_at, S.c.id)
        ).all()
        for meeting, ident, presenter, category in rows:
            parts.setdefault(meeting, []).append((ident, presenter, category))
    return parts


def _matching_parts(
    db: Database, conn: sa.Connection, which: SessionFilter, terms: SearchTerms, ids: list[str]
) -> set[str]:
    """Which of these sessions (meetings' presenters' parts) match the presenter's
    own conditions of ``which``: its words and its category. Empty when it has none
    (a meeting is then about every presenter)."""
    P = S.alias("part")
    own = _session_filters(which, P, meeting=False)
    fts = bool(terms) and _uses_fts(db, conn)
    if terms and not fts:
        possible, text = _text_condition(db, conn, terms, P)
        if not possible:
            return set()
        own.append(text)
    if not (own or terms) or not ids:
        return set()
    rowid: Any = sa.literal_column("part.rowid")
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk: Any = sa.bindparam("parts", ids[start : start + 500], expanding=True)
        where = [P.c.id.in_(chunk), *own]
        if fts:
            # the words among these sessions' rowids only, not every match of them
            # (a million for "the" at 1M sessions)
            low, high = conn.execute(sa.select(sa.func.min(rowid), sa.func.max(rowid)).where(P.c.id.in_(chunk))).one()
            if low is None:
                continue
            where.append(_in_range(P, terms.fts5(), int(low), int(high)))
        found.update(conn.execute(sa.select(P.c.id).where(*where)).scalars())
    return found


# For the store's other query modules (network.py: what others tried, topics).
session_filters = _session_filters
cancellable = _cancellable
uses_fts = _uses_fts
uses_tsvector = _uses_tsvector


def _fts_condition(db: Database, conn: sa.Connection, terms: SearchTerms) -> Any | None:
    """The full-text condition on SQLite, choosing the plan; None: nothing matches.

    Few matches (a rare word): look the matching sessions up by rowid and sort
    them (~4 µs a match). Many (a common word): walk sessions newest first on
    the timeline index and keep those in the match list, which SQLite builds once
    (the unary ``+`` stops it from looking rows up by rowid instead); that walk
    stops as soon as the page is full. A capped count (well under a millisecond)
    tells the two apart.
    """
    query = terms.fts5()
    matches = conn.exec_driver_sql(search_index.count_sql(capped=True), (query, SORT_MATCHES_UP_TO + 1)).scalar()
    if not matches:
        return None
    return sa.text(search_index.match_sql(walk=matches > SORT_MATCHES_UP_TO)).bindparams(fts_query=query)


def _newest_matches(
    conn: sa.Connection,
    where: list[Any],
    matching: Callable[[int, int], list[Any]],
    fts_query: str,
    wanted: int,
    page: Callable[..., sa.Select[Any]],
    *,
    meetings: bool,
    wider: str | None = None,
) -> list[Any] | None:
    """The first ``wanted`` rows newest first that pass ``where`` and match the
    FTS5 query, looking only among the newest rows: a window of them (by
    created_at, id), growing until it holds a page of matches or every row.
    None: the first window fell short and the words have few matches in all (a
    capped count), which are quicker looked up and sorted (~4 µs a match).

    ``where``: the conditions on the row itself (its filters; in a set's meeting,
    being the meeting's first session); ``matching(low, high)``: the rest (the
    words, a presenter's category), with the words looked for among the sessions
    whose rowids are between ``low`` and ``high`` only.

    Any match outside the window is older than every row in it, so the newest
    matches inside it are the page. The window's sessions (with, in a meeting, its
    later presenters' sessions) name a range of rowids; FTS5 reads the words'
    matches within that range only (sessions are mostly written in time order, so
    the range is about the window's size) rather than every match of the word (a
    million for "the"). A window costs an index walk of its size and a look-up per
    match in it: a page of a common word costs what it costs at any size of history.
    """
    rowid: Any = sa.literal_column("coaching_session.rowid")
    size = WINDOW_FIRST
    counts, asked = ([fts_query] if wider is None else [wider, fts_query]), 0
    while True:
        newest = (
            sa.select(S.c.created_at, S.c.id, rowid.label("r"))
            .where(*where)
            .order_by(S.c.created_at.desc(), S.c.id.desc())
            .limit(size)
        )
        window = newest.subquery()
        count, low, high = conn.execute(
            sa.select(sa.func.count(), sa.func.min(window.c.r), sa.func.max(window.c.r)).select_from(window)
        ).one()
        if not count:
            return []
        if meetings:  # the later presenters' sessions of the meetings in the window
            P = S.alias("part")
            part_rowid: Any = sa.literal_column("part.rowid")
            first, last = conn.execute(
                sa.select(sa.func.min(part_rowid), sa.func.max(part_rowid))
                .select_from(P)
                .where(P.c.meeting_id.in_(sa.select(window.c.id)))
            ).one()
            low, high = min(low, first if first is not None else low), max(high, last if last is not None else high)
        extra = matching(int(low), int(high))
        if count == size:  # the oldest row in the window bounds it
            edge = conn.execute(newest.with_only_columns(S.c.created_at, S.c.id).offset(size - 1).limit(1)).one()
            extra.append(
                sa.or_(S.c.created_at > edge.created_at, sa.and_(S.c.created_at == edge.created_at, S.c.id >= edge.id))
            )
        rows = list(conn.execute(page(*extra)).all())
        if len(rows) >= wanted or count < size:
            return rows
        # Few matches in all (a capped count) are quicker sorted: asked after the
        # first window; when the last word is a long prefix, first of a wider query
        # (``wider``: its shorter prefix, no merge of the words it begins), then of
        # the query itself: at once if the window held no match (a rare word: its
        # merge is short), else after the second window.
        while asked < len(counts):
            matches = conn.exec_driver_sql(
                search_index.count_sql(capped=True), (counts[asked], SORT_MATCHES_UP_TO + 1)
            ).scalar()
            asked += 1
            if (matches or 0) <= SORT_MATCHES_UP_TO:
                return None
            if rows:
                break
        # the next window as large as the matches seen so far suggest a page needs
        size *= min(WINDOW_MOST_GROWTH, max(WINDOW_GROWTH, 2 * wanted // max(len(rows), 1)))


def _in_range(s: Any, fts_query: str, low: int, high: int, shorter: tuple[str, str] | None = None) -> Any:
    """The session table ``s`` (or an alias of it) matches the FTS5 query, looked
    for among the rowids from ``low`` to ``high`` only.

    ``shorter`` (SearchTerms.fts5_shorter: the query with its last word, a long
    prefix, cut to the index's prefix tables, and that prefix), in a narrow range:
    the matches of the shorter query that hold a word beginning with the prefix
    (read from the index's copy of the texts; in text that is not plain ASCII, the
    words FTS5 found, or failing those FTS5's own answer)."""
    if shorter is None or (high - low) * SHORTER_PREFIX_SHARE >= high:  # (rowids mostly grow: ~ all of them)
        return sa.text(
            f"{s.name}.rowid IN (SELECT rowid FROM {search_index.TABLE} WHERE {search_index.TABLE} "
            "MATCH :fts_query AND rowid BETWEEN :low_rowid AND :high_rowid)"
        ).bindparams(fts_query=fts_query, low_rowid=low, high_rowid=high)
    table = search_index.TABLE
    texts = " || char(10) || ".join(f"coalesce(c.c{i}, '')" for i in range(len(search_index.COLUMNS)))
    marked = " || char(10) || ".join(
        f"highlight({table}, {i}, char(1), char(2))" for i in range(len(search_index.COLUMNS))
    )
    # each match of the shorter query: its texts read and checked (plain ASCII);
    # else the words in them that it found, as FTS5 split them (plain ASCII); else
    # FTS5's answer for the whole query in the window (a merge, once)
    return sa.text(
        f"{s.name}.rowid IN (SELECT c.id FROM {table}_content AS c WHERE c.id IN (SELECT rowid FROM {table} "
        f"WHERE {table} MATCH :shorter_query AND rowid BETWEEN :low_rowid AND :high_rowid) "
        f"AND coalesce({sqlite.BEGINS_A_WORD}(:word_start, {texts}), "
        f"(SELECT {sqlite.MARKED_BEGINS_A_WORD}(:word_start, {marked}) FROM {table} "
        f"WHERE {table} MATCH :shorter_query AND rowid = c.id), "
        f"c.id IN (SELECT rowid FROM {table} WHERE {table} MATCH :fts_query AND rowid BETWEEN :low_rowid AND :high_rowid)))"
    ).bindparams(
        fts_query=fts_query, low_rowid=low, high_rowid=high, shorter_query=shorter[0], word_start=shorter[1]
    )


def _like_condition(terms: SearchTerms, S: Any = S) -> Any:
    """The fallback (``_full_text_search = False``): every word somewhere in the
    session's texts, as a substring, ignoring case. Slow on big databases (a
    scan); kept to check the indexes against."""
    conditions = []
    for pattern in terms.like_patterns():
        notes = (
            sa.select(sa.literal(1))
            .select_from(Q)
            .where(Q.c.session_id == S.c.id, Q.c.note.ilike(pattern, escape="\\"))
            .exists()
        )
        actions = (
            sa.select(sa.literal(1))
            .select_from(A)
            .where(
                A.c.session_id == S.c.id,
                # a test of change's prediction is searched with its action
                sa.or_(A.c.text.ilike(pattern, escape="\\"), A.c.prediction.ilike(pattern, escape="\\")),
            )
            .exists()
        )
        reviews = (
            sa.select(sa.literal(1))
            .select_from(R)
            .where(
                R.c.session_id == S.c.id,
                # and what its review learned
                sa.or_(R.c.note.ilike(pattern, escape="\\"), R.c.learning.ilike(pattern, escape="\\")),
            )
            .exists()
        )
        named = T.alias("named_team")  # the outer query may join the team table itself
        team = (
            sa.select(sa.literal(1))
            .select_from(named)
            .where(named.c.id == S.c.team_id, named.c.name.ilike(pattern, escape="\\"))
            .exists()
        )
        conditions.append(
            sa.or_(
                S.c.title.ilike(pattern, escape="\\"),
                S.c.dilemma.ilike(pattern, escape="\\"),
                S.c.context.ilike(pattern, escape="\\"),
                S.c.coach.ilike(pattern, escape="\\"),
                S.c.insight.ilike(pattern, escape="\\"),
                S.c.presenter.ilike(pattern, escape="\\"),
                notes,
                actions,
                reviews,
                team,
            )
        )
    return sa.and_(*conditions)


def _text_condition(db: Database, conn: sa.Connection, terms: SearchTerms, s: Any = S) -> tuple[bool, Any]:
    """(anything can match, condition or None) on the session table ``s`` (an
    alias of it: a meeting's later presenters)."""
    if not terms:
        return True, None
    if _uses_fts(db, conn):
        if s is not S:
            name = s.name
            return True, sa.text(
                f"{name}.rowid IN (SELECT rowid FROM {search_index.TABLE} WHERE {search_index.TABLE} MATCH :fts_query)"
            ).bindparams(fts_query=terms.fts5())
        condition = _fts_condition(db, conn, terms)
        return condition is not None, condition
    if _uses_tsvector(db, conn) and pg_search.tsquery(terms) is not None:
        return True, _tsvector_condition(db, terms, s)
    return True, _like_condition(terms, s)


def search_sessions(
    db: Database,
    which: SessionFilter = EVERY_SESSION,
    *,
    limit: int = 50,
    after: str | None = None,
    before: str | None = None,
    at_end: bool = False,
    cancelled: Cancel | None = None,
) -> SessionPage:
    limit = _check_limit(limit)
    terms = parse_search(which.text)
    _session_filters(which)  # a mistake in it is told before anything is read
    where: list[Any] = []
    if after is not None and before is not None:
        raise InvalidInput("give either after or before, not both")
    if after is not None:
        created, ident = _decode_cursor("s", after, 2)
        moment = _parse_time(created)
        # written so that the index can seek to the cursor (created_at <= c)
        where.append(S.c.created_at <= moment)
        where.append(sa.or_(S.c.created_at < moment, S.c.id < str(ident)))
    if before is not None:
        created, ident = _decode_cursor("s", before, 2)
        moment = _parse_time(created)
        where.append(S.c.created_at >= moment)
        where.append(sa.or_(S.c.created_at > moment, S.c.id > str(ident)))
    # Pages above a cursor, and the last page, are read oldest first and turned round.
    upward = before is not None or at_end
    with db.read() as session:
        conn = session.connection()
        with _cancellable(conn, cancelled):
            meetings = _has_meetings(conn)
            # the first pages of words: windows of the newest rows (_newest_matches)
            windows = bool(terms) and not upward and _uses_fts(db, conn)

            def page(*conditions: Any) -> sa.Select[Any]:
                return (
                    sa.select(
                        S.c.id,
                        S.c.team_id,
                        T.c.name,
                        S.c.coach,
                        S.c.title,
                        S.c.status,
                        S.c.primary_category,
                        S.c.created_at,
                        S.c.updated_at,
                        sa.func.substr(S.c.dilemma, 1, PREVIEW * 2, type_=S.c.dilemma.type).label("preview"),
                        S.c.presenter,
                        S.c.turn,
                    )
                    .select_from(S.join(T, T.c.id == S.c.team_id))
                    .where(*where, *conditions)
                    .order_by(*((S.c.created_at.asc(), S.c.id.asc()) if upward else (S.c.created_at.desc(), S.c.id.desc())))
                    .limit(limit + 1)
                )

            found, query = None, terms.fts5()
            if windows:
                shorter = terms.fts5_shorter()
                if shorter is not None:
                    sqlite.add_search_functions(conn)

                def matching(low: int, high: int) -> list[Any]:
                    return _meeting_conditions(which, meetings, lambda s: _in_range(s, query, low, high, shorter))[1]

                rows_where = _meeting_conditions(which, meetings, None)[0]
                found = _newest_matches(
                    conn, [*where, *rows_where], matching, query, limit + 1,
                    lambda *extra: page(*rows_where, *extra), meetings=meetings,
                    wider=shorter[0] if shorter is not None else None,
                )
            if found is None and windows and not meetings:  # a rare word: its few matches, sorted
                matching_rows = sa.text(search_index.match_sql(walk=False)).bindparams(fts_query=query)
                found = list(conn.execute(page(*_session_filters(which), matching_rows)).all())
            if found is None:
                possible, conditions = _meeting_rows(db, conn, which, terms)
                if not possible:
                    return SessionPage(rows=[], next_cursor=None)
                found = list(conn.execute(page(*conditions)).all())
            rows = found
            more = len(rows) > limit
            rows = list(rows[:limit])
            parts = _meeting_parts(conn, [row.id for row in rows] if meetings else [])
            everyone = [ident for row in rows if row.id in parts for ident in (row.id, *(p[0] for p in parts[row.id]))]
            matched_parts = _matching_parts(db, conn, which, terms, everyone)
    if upward:
        rows.reverse()

    def matched(row: Any) -> tuple[int, ...]:
        if row.id not in parts:
            return ()
        ids = (row.id, *(ident for ident, _name, _category in parts[row.id]))
        return tuple(turn for turn, ident in enumerate(ids) if ident in matched_parts)

    infos = [
        SessionInfo(
            id=row.id,
            team_id=row.team_id,
            team_name=row.name,
            coach=row.coach,
            title=row.title,
            status=row.status,
            primary_category=row.primary_category,
            created_at=row.created_at,
            updated_at=row.updated_at,
            preview=_preview(row.preview),
            presenter=row.presenter,
            turn=row.turn,
            presenters=(row.presenter, *(name for _ident, name, _category in parts[row.id])) if row.id in parts else (),
            parts=tuple(ident for ident, _name, _category in parts.get(row.id, ())),
            categories=(
                (row.primary_category, *(category for _ident, _name, category in parts[row.id]))
                if row.id in parts
                else ()
            ),
            matched=matched(row),
        )
        for row in rows
    ]
    if not infos:
        return SessionPage(rows=[], next_cursor=None)
    if terms:
        infos = _with_snippets(db, infos, terms)
    older = (more and not upward) or before is not None
    newer = (more and upward) or after is not None
    return SessionPage(
        rows=infos,
        next_cursor=_session_cursor(infos[-1].created_at, infos[-1].id) if older else None,
        prev_cursor=_session_cursor(infos[0].created_at, infos[0].id) if newer else None,
    )


def _with_snippets(db: Database, rows: list[SessionInfo], terms: SearchTerms) -> list[SessionInfo]:
    """The rows, each with the piece of its text that shows the words searched for
    (read for this page only: a few indexed lookups)."""
    with db.read() as session:
        texts = dict(pg_search.session_texts(session.connection(), [i for row in rows for i in (row.id, *row.parts)]))
    out = []
    for row in rows:
        # Words found only in the presenter's, the team's or the coach's name show
        # in their own columns: the piece is from the session's own texts, its title
        # last (a meeting's: each presenter's in turn)
        pieces = []
        ids = (row.id, *row.parts)
        for ident in (ids[turn] for turn in row.matched) if row.matched else ids:  # a meeting: the parts that matched
            found = texts.get(ident, [])
            pieces += [*found[1:-3], *found[:1]]
        piece = snippet(pieces, terms)
        out.append(dataclasses.replace(row, snippet=piece.text, highlights=piece.spans))
    return out


def session_ids_matching(
    db: Database,
    which: SessionFilter = EVERY_SESSION,
    *,
    cancelled: Cancel | None = None,
    parts: bool = True,
) -> list[str]:
    """The ids of the rows :func:`search_sessions` lists, newest first; with
    ``parts``, each meeting's later presenters after its first session."""
    terms = parse_search(which.text)
    _session_filters(which)
    with db.read() as session:
        conn = session.connection()
        with _cancellable(conn, cancelled):
            possible, where = _meeting_rows(db, conn, which, terms)
            if not possible:
                return []
            query = sa.select(S.c.id).where(*where).order_by(S.c.created_at.desc(), S.c.id.desc())
            ids = [row[0] for row in conn.execute(query)]
            if not parts or not _has_meetings(conn):
                return ids
            # a meeting's every presenter, after its first
            later = _meeting_parts(conn, ids)
            return [ident for first in ids for ident in (first, *(i for i, _name, _category in later.get(first, ())))]


def cursor_for(row: SessionInfo) -> str:
    return _session_cursor(row.created_at, row.id)


def count_sessions(
    db: Database,
    which: SessionFilter = EVERY_SESSION,
    *,
    cancelled: Cancel | None = None,
) -> int:
    terms = parse_search(which.text)
    where = _session_filters(which)
    with db.read() as session:
        conn = session.connection()
        with _cancellable(conn, cancelled):
            if _has_meetings(conn):
                # a meeting counts once, however many of its presenters match
                possible, conditions = _meeting_rows(db, conn, which, terms)
                if not possible:
                    return 0
                return int(conn.execute(sa.select(sa.func.count()).select_from(S).where(*conditions)).scalar() or 0)
            if terms and not where and _uses_fts(db, conn):
                # the index alone knows: no session rows to read
                return int(conn.exec_driver_sql(search_index.count_sql(), (terms.fts5(),)).scalar() or 0)
            if terms and not where and _uses_tsvector(db, conn) and pg_search.tsquery(terms) is not None:
                query = (
                    sa.select(sa.func.count()).select_from(SEARCH).where(SEARCH.c.document.op("@@")(postgres.tsquery(terms)))
                )
                return int(conn.execute(query).scalar() or 0)
            possible, condition = _text_condition(db, conn, terms)
            if not possible:
                return 0
            if condition is not None:
                where.append(condition)
            query = sa.select(sa.func.count()).select_from(S).where(*where)
            return int(conn.execute(query).scalar() or 0)


def list_coaches(db: Database) -> list[str]:
    with db.read() as session:
        conn = session.connection()
        names = set(conn.execute(_distinct_names(S.c.coach)).scalars())
        names |= set(conn.execute(_distinct_names(A.c.coach)).scalars())
        return sorted(names, key=lambda name: (name.casefold(), name))


def rebuild_search_index(db: Database) -> None:
    with db.write() as session:
        conn = session.connection()
        dialects.of(conn).rebuild_search(conn)


def tracker_actions(
    db: Database,
    *,
    today: dt.date,
    team_id: str | None = None,
    owner: str | None = None,
    coach: str | None = None,
    include_closed: bool = False,
    limit: int = 100,
    after: str | None = None,
) -> ActionPage:
    limit = _check_limit(limit)
    # Written as ix_action_tracker's expressions (migration 0014), literals and all,
    # so that both engines walk that index: the first page reads a page of entries.
    closed = sa.literal_column(f"(action.status NOT IN {tallies.OPEN})", sa.Boolean())
    due = sa.literal_column(f"(coalesce(action.due_date, '{NO_DUE.isoformat()}'))", sa.Date())
    where: list[Any] = []
    if not include_closed:
        where.append(A.c.status.in_(OPEN_STATUSES))
    if team_id is not None:
        where.append(A.c.team_id == team_id)
    if owner is not None:
        where.append(A.c.owner == owner)
    if coach is not None:
        where.append(A.c.coach == coach)
    order = [due, A.c.created_at, A.c.id]
    if include_closed:
        order.insert(0, closed)
    if after is not None:
        values = _decode_cursor("a", after, 4)
        bound = [
            (due, sa.literal(_parse_date(values[1]), sa.Date())),
            (A.c.created_at, _parse_time(values[2])),
            (A.c.id, str(values[3])),
        ]
        if include_closed:
            bound.insert(0, (closed, sa.literal(bool(values[0]), sa.Boolean())))
        where.append(_greater_than(bound))
    with db.read() as session:
        conn = session.connection()
        rows = conn.execute(
            sa.select(A, T.c.name.label("team_name"))
            .select_from(A.join(T, T.c.id == A.c.team_id))
            .where(*where)
            .order_by(*order)
            .limit(limit + 1)
        ).all()
        page = rows[:limit]
        notes = _last_notes(conn, [row.id for row in page])
    infos = [
        ActionInfo.from_row(row, team_name=row.team_name, last_note=notes.get(row.id, "")) for row in page
    ]
    cursor = None
    if len(rows) > limit:
        last = infos[-1]
        cursor = _encode_cursor(
            "a",
            [not last.is_open, (last.due or NO_DUE).isoformat(), last.created_at.isoformat(), last.id],
        )
    return ActionPage(rows=infos, next_cursor=cursor)


def _last_notes(conn: sa.Connection, action_ids: list[str]) -> dict[str, str]:
    """The latest non-empty review note of each action (reviews ordered as the
    action's status is: by when they were last changed)."""
    if not action_ids:
        return {}
    rows = conn.execute(
        sa.select(R.c.action_id, R.c.note)
        .where(R.c.action_id.in_(action_ids), R.c.note != "")
        .order_by(R.c.updated_at, R.c.created_at)
    ).all()
    return {row.action_id: row.note for row in rows}


def list_owners(db: Database, *, include_closed: bool = False) -> list[str]:
    query = sa.select(A.c.owner).where(A.c.owner != "").distinct()
    if not include_closed:
        query = query.where(A.c.status.in_(OPEN_STATUSES))
    with db.read() as session:
        rows = session.connection().execute(query).scalars()
        return sorted(rows, key=lambda name: (name.casefold(), name))


def theme_counts(
    db: Database,
    *,
    today: dt.date,
    team_id: str | None = None,
    months: int = 12,
    tz: dt.tzinfo | None = None,
    coach: str | None = None,
) -> list[ThemeMonth]:
    if not isinstance(months, int) or not 1 <= months <= 120:
        raise InvalidInput("show between 1 and 120 months", field="months")
    starts = [_first_of_month(today, back) for back in range(months - 1, -1, -1)]
    bounds = [_day_start(day, tz) for day in [*starts, _first_of_month(today, -1)]]
    # With a coach, and for the part-days of a month, one small grouped range scan
    # of the covering timeline index per month (~1 ms each at 100k sessions); a
    # single query bucketing every row with a CASE over the bounds costs more.
    per_month = (
        sa.select(S.c.primary_category, sa.func.count().label("n"))
        .where(
            # '+': see _session_filters
            NoIndex(S.c.status) == "completed",
            S.c.created_at >= sa.bindparam("start", type_=S.c.created_at.type),
            S.c.created_at < sa.bindparam("end", type_=S.c.created_at.type),
        )
        .group_by(S.c.primary_category)
    )
    if team_id is not None:
        per_month = per_month.where(S.c.team_id == team_id)
    if coach is not None:
        per_month = per_month.where(S.c.coach == coach)
    keys = (*CATEGORY_IDS, UNSURE)
    counts = [dict.fromkeys(keys, 0) for _start in starts]

    def add(index: int, category: str | None, n: int) -> None:
        counts[index][category if category in CATEGORY_IDS else UNSURE] += n

    with db.read() as session:
        conn = session.connection()
        if coach is not None:
            pieces = [(index, start, end) for index, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False))]
        else:
            # Whole UTC days from the tallies (a row per day and category, kept by
            # triggers: store/db/tallies.py); the hours of a month that start or end
            # mid-day in UTC (a time zone other than UTC's) from the sessions.
            pieces, days = [], []
            for index, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
                first, last = _whole_days(start, end)
                days.append((first.isoformat(), last.isoformat()))
                if first > last:  # (no whole day: not for a month)
                    pieces.append((index, start, end))
                    continue
                if _utc_midnight(first) > start:
                    pieces.append((index, start, _utc_midnight(first)))
                if _utc_midnight(last) < end:
                    pieces.append((index, _utc_midnight(last), end))
            firsts = [first for first, _last in days]
            tally = sa.table("theme_tally", sa.column("team_id"), sa.column("day"), sa.column("category"),
                             sa.column("n"))
            rows = conn.execute(
                sa.select(tally.c.day, tally.c.category, tally.c.n).where(
                    tally.c.team_id == (team_id if team_id is not None else tallies.ALL_TEAMS),
                    tally.c.day >= days[0][0],
                    tally.c.day < days[-1][1],
                    tally.c.n != 0,
                )
            )
            for day, category, n in rows:
                index = bisect.bisect_right(firsts, day) - 1
                if day < days[index][1]:
                    add(index, category or None, n)
        for index, start, end in pieces:
            for row in conn.execute(per_month, {"start": start, "end": end}):
                add(index, row.primary_category, row.n)
    return [ThemeMonth(month=day, counts=count) for day, count in zip(starts, counts, strict=True)]


def _whole_days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The UTC days wholly inside [start, end): from the first, up to (not including)
    the last."""
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    first = start.date() if start == _utc_midnight(start.date()) else start.date() + dt.timedelta(days=1)
    return first, end.date()


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def dominant_categories(
    db: Database,
    *,
    team_id: str | None = None,
    last_n: int = 6,
    threshold: float = 0.6,
    min_sessions: int = 3,
    include_archived: bool = False,
    coach: str | None = None,
) -> list[DominanceFlag]:
    if not isinstance(last_n, int) or not 1 <= last_n <= 1_000:
        raise InvalidInput("look at between 1 and 1,000 recent sessions", field="last_n")
    if not 0 < threshold <= 1:
        raise InvalidInput("the threshold is a share between 0 and 1", field="threshold")
    team_query = sa.select(T.c.id, T.c.name).order_by(T.c.name_key)
    if team_id is not None:
        team_query = team_query.where(T.c.id == team_id)
    elif not include_archived:
        team_query = team_query.where(T.c.archived == sa.false())
    recent = (
        sa.select(S.c.primary_category)
        .where(S.c.team_id == sa.bindparam("team"), NoIndex(S.c.status) == "completed")
        .order_by(S.c.created_at.desc(), S.c.id.desc())
        .limit(last_n)
    )
    if coach is not None:
        recent = recent.where(S.c.coach == coach)
    flags = []
    with db.read() as session:
        conn = session.connection()
        teams = conn.execute(team_query).all()
        if team_id is not None and not teams:
            raise NotFound("That team no longer exists.")
        # one short index walk per team (ix_session_team_created), ~0.1 ms each
        for team in teams:
            categories = list(conn.execute(recent, {"team": team.id}).scalars())
            if not categories:
                continue
            tally = Counter(c for c in categories if c in CATEGORY_IDS)
            top, top_count = None, 0
            for category in CATEGORY_IDS:  # ties go to the catalog's order
                if tally[category] > top_count:
                    top, top_count = category, tally[category]
            share = top_count / len(categories)
            flags.append(
                DominanceFlag(
                    team_id=team.id,
                    team_name=team.name,
                    category=top,
                    share=share,
                    n=len(categories),
                    dominant=top is not None and len(categories) >= min_sessions and share >= threshold,
                )
            )
    flags.sort(key=lambda f: (not f.dominant, -f.share, f.team_name.casefold()))
    return flags


def learning_log(db: Database, *, team_id: str | None = None, limit: int = 500) -> list[LearningEntry]:
    """The tests of change (actions with a prediction), of one team or of all, each
    with its latest review, the one that moved last first (newest first)."""
    limit = _check_limit(limit)
    where: list[Any] = [A.c.prediction != ""]
    if team_id is not None:
        where.append(A.c.team_id == team_id)
    with db.read() as session:
        conn = session.connection()
        rows = conn.execute(
            sa.select(A, T.c.name.label("team_name"), S.c.title.label("session_title"),
                      S.c.created_at.label("session_created_at"))
            .select_from(A.join(T, T.c.id == A.c.team_id).join(S, S.c.id == A.c.session_id))
            .where(*where)
        ).all()
        ids = [row.id for row in rows]
        latest: dict[str, Any] = {}
        for start in range(0, len(ids), 500):
            for found in conn.execute(sa.select(R).where(R.c.action_id.in_(ids[start : start + 500]))):
                current = latest.get(found.action_id)
                if current is None or (found.updated_at, found.id) > (current.updated_at, current.id):
                    latest[found.action_id] = found
    entries = []
    for row in rows:
        review: Any = latest.get(row.id)
        info = None
        if review is not None:
            info = ReviewInfo(
                id=review.id,
                action_id=review.action_id,
                session_id=review.session_id,
                status=review.status,
                note=review.note,
                coach=review.coach,
                created_at=review.updated_at,
                learning=review.learning,
            )
        entries.append(
            LearningEntry(ActionInfo.from_row(row, team_name=row.team_name), row.session_title, row.session_created_at, info)
        )
    entries.sort(key=lambda entry: (entry.when, entry.action.id), reverse=True)
    return entries[:limit]
