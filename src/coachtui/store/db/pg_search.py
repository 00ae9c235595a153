"""Full-text search on PostgreSQL: a tsvector per session in a GIN index.

The words are found in Python, not by PostgreSQL's text-search parser, so that a
search finds the same sessions on PostgreSQL as on SQLite (FTS5, ``unicode61``) on
any server, whatever its locale: PostgreSQL's parser depends on the server's
``LC_CTYPE`` (in the C locale every non-ASCII character counts as a letter), reads
``<b>`` as a tag and ``name@example.org`` as one e-mail token, and its ``unaccent``
extension may not be installed or allowed. Here a session's document is the set of
its words, split exactly as :func:`coachtui.store.db.query.parse_search` splits what is
typed, folded (case and accents) the same way on both sides, and stored with
``array_to_tsvector`` (no parsing, no stemming). Queries are built the same way and
given to PostgreSQL as a ``tsquery`` value of quoted lexemes: typed text is never
tsquery syntax.

Keeping the index in step: triggers (migration 0003) note the id of every session
whose searched texts change (title, dilemma, context, question notes, action texts,
review notes, the coach, the team's name: migration 0008; predictions, learnings and
a session's insight: migration 0010; a meeting's presenter: migration 0015)
in ``session_search_pending``; :func:`refresh_pending` (called by the store at the
end of every write transaction on PostgreSQL) computes those sessions' documents and
empties the list, inside the same transaction. So no code path can forget the index,
and a write that fails leaves it as it was.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from coachtui.store.db.query import SearchTerms, fold

if TYPE_CHECKING:
    import sqlalchemy as sa

TABLE = "session_search"
PENDING = "session_search_pending"
_WORD_RE = re.compile(r"[^\W_]+")
# PostgreSQL's limits: a lexeme in a tsquery holds at most 2,046 bytes, and a
# tsvector's lexemes at most 1 MB together. A longer "word" is indexed (and searched) by its start; a
# session with more distinct words than fit (a pasted book) by its first ones.
MAX_LEXEME_BYTES = 2_046
MAX_DOCUMENT_BYTES = 1_000_000
CHUNK = 500
BIG_CHUNK = 20_000


def _cut(word: str) -> str:
    if len(word) * 4 <= MAX_LEXEME_BYTES:
        return word
    encoded = word.encode("utf-8")
    if len(encoded) <= MAX_LEXEME_BYTES:
        return word
    return encoded[:MAX_LEXEME_BYTES].decode("utf-8", errors="ignore")


@functools.lru_cache(maxsize=65_536)
def lexemes(word: str) -> tuple[str, ...]:
    """The lexemes one typed or stored word becomes (almost always one). Cached:
    a coaching network's texts reuse the same few thousand words."""
    if word.isascii() and len(word) <= MAX_LEXEME_BYTES:
        return (word.lower(),)  # an ASCII word (letters and digits) folds to itself in lower case
    return tuple(_cut(part) for part in _WORD_RE.findall(fold(word)))


def document_words(texts: Iterable[str]) -> list[str]:
    """The distinct lexemes of some texts, in order of first appearance, capped to
    what one tsvector can hold."""
    seen: dict[str, None] = {}
    size = 0
    for text in texts:
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
        for word in _WORD_RE.findall(text):
            for lexeme in lexemes(word):
                if lexeme in seen:
                    continue
                size += len(lexeme) * (1 if lexeme.isascii() else 4) + 8
                if size > MAX_DOCUMENT_BYTES:
                    return list(seen)
                seen[lexeme] = None
    return list(seen)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(terms: SearchTerms) -> str | None:
    """The ``tsquery`` text for ``terms``: every word's lexemes quoted and ANDed,
    the last one a prefix (``:*``) while it is being typed. None: no lexemes."""
    parts: list[str] = []
    for index, word in enumerate(terms.words):
        found = lexemes(word)
        for position, lexeme in enumerate(found):
            last = index == len(terms.words) - 1 and position == len(found) - 1
            parts.append(_quote(lexeme) + (":*" if last and terms.prefix else ""))
    return " & ".join(parts) if parts else None


def tsvector_literal(words: list[str]) -> str:
    """A tsvector's text form (for COPY), the same value ``array_to_tsvector`` gives."""
    return " ".join(_quote(word) for word in words)


# The triggers migrations 0003 and 0008 made (bulk loads drop and re-create them).
TRIGGERS = tuple(
    f"{TABLE}_{name}" for name in (
        "session_ai", "session_au", "picked_question_ai", "picked_question_ad", "picked_question_au",
        "action_ai", "action_ad", "action_au", "action_review_ai", "action_review_ad", "action_review_au",
        "team_au",
    )
)


# --- keeping documents in step ------------------------------------------------------------


def session_texts(
    conn: sa.Connection, session_ids: list[str], *, many: bool = False
) -> Iterator[tuple[str, list[str]]]:
    """(raw session id, its searched texts: title, dilemma, context, question notes,
    action texts and predictions, review notes and learnings, insight, presenter, team name, coach) for those of ``session_ids`` (raw,
    as stored) that exist, on either database (the search results' snippets are
    cut from them too). Texts are read through the models' types, so they are the
    coach's text (NUL included), not the stored encoding."""
    import sqlalchemy as sa

    from coachtui.store.db.models import (
        Action,
        ActionReview,
        CoachingSession,
        PickedQuestion,
        Team,
        table,
    )

    S, Q, A, R, T = (table(m) for m in (CoachingSession, PickedQuestion, Action, ActionReview, Team))
    raw_id = sa.type_coerce(S.c.id, sa.String).label("raw_id")
    # many sessions (a sync's thousands on PostgreSQL, ``many``): one round of queries,
    # the ids as one JSON parameter (they are UUID text, stored as typed)
    step = BIG_CHUNK if many else CHUNK
    for start in range(0, len(session_ids), step):
        chunk = session_ids[start : start + step]

        def among(column: Any, chunk: list[str] = chunk) -> Any:
            if many:
                listed = sa.func.json_array_elements_text(sa.cast(sa.bindparam("ids", json.dumps(chunk)), sa.JSON))
                return column.in_(sa.select(listed.table_valued("value").c.value))
            return column.in_(sa.bindparam("ids", chunk, expanding=True, type_=sa.String))

        sessions = conn.execute(
            sa.select(raw_id, S.c.title, S.c.dilemma, S.c.context, S.c.coach, S.c.insight, S.c.presenter, T.c.name)
            .select_from(S.outerjoin(T, T.c.id == S.c.team_id))
            .where(among(sa.type_coerce(S.c.id, sa.String)))
        ).all()
        extra: dict[str, list[str]] = {}
        # the texts in the order SQLite's index holds them: notes, actions (each with
        # its prediction), reviews (each with what was learned)
        for texts, columns, order in (
            (Q, (Q.c.note,), Q.c.position),
            (A, (A.c.text, A.c.prediction), A.c.position),
            (R, (R.c.note, R.c.learning), R.c.created_at),
        ):
            rows = conn.execute(
                sa.select(sa.type_coerce(texts.c.session_id, sa.String), *columns)
                .where(among(sa.type_coerce(texts.c.session_id, sa.String)), sa.or_(*(c != "" for c in columns)))
                .order_by(texts.c.session_id, order, texts.c.id)
            ).all()
            for session_id, *found in rows:
                extra.setdefault(session_id, []).extend(text for text in found if text)
        for row in sessions:
            # the insight before the presenter, the team and the coach: the snippets
            # read all but those three (each has its own column)
            yield row.raw_id, [
                row.title, row.dilemma, row.context, *extra.get(row.raw_id, []), row.insight or "",
                row.presenter or "", row.name or "", row.coach or "",
            ]


def _store(conn: sa.Connection, documents: list[dict[str, Any]]) -> None:
    if not documents:
        return
    if len(documents) > CHUNK:
        _copy(conn, documents)
        return
    conn.exec_driver_sql(
        f"INSERT INTO {TABLE} (session_id, document) VALUES (%(id)s, array_to_tsvector(%(words)s::text[])) "
        "ON CONFLICT (session_id) DO UPDATE SET document = EXCLUDED.document",
        documents,
    )


def _copy(conn: sa.Connection, documents: list[dict[str, Any]]) -> None:
    """Many documents: the old ones deleted in one statement, the new ones loaded
    with COPY as tsvector text (what ``array_to_tsvector`` gives)."""
    ids = json.dumps([document["id"] for document in documents])
    conn.exec_driver_sql(
        f"DELETE FROM {TABLE} WHERE session_id IN (SELECT json_array_elements_text(%(ids)s::json))", {"ids": ids}
    )
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {TABLE} (session_id, document) FROM STDIN") as copy:
        for document in documents:
            copy.write_row((document["id"], tsvector_literal(document["words"])))


def index_sessions(conn: sa.Connection, session_ids: list[str]) -> None:
    """(Re)compute the documents of these sessions (raw ids)."""
    batch: list[dict[str, Any]] = []
    size = BIG_CHUNK if len(session_ids) > CHUNK else CHUNK
    for ident, texts in session_texts(conn, session_ids, many=len(session_ids) > CHUNK):
        batch.append({"id": ident, "words": document_words(texts)})
        if len(batch) >= size:
            _store(conn, batch)
            batch = []
    _store(conn, batch)


def suspend_triggers(conn: sa.Connection) -> list[str]:
    """Drop the index's triggers (a bulk load notes the sessions it wrote itself,
    :func:`note_sessions`), returning the SQL that re-creates them."""
    rows = conn.exec_driver_sql(
        "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND t.tgname = ANY(%(names)s) AND c.relnamespace = current_schema()::regnamespace "
        "ORDER BY t.tgname",
        {"names": list(TRIGGERS)},
    ).all()
    for name, table_name, _sql in rows:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}" ON "{table_name}"')
    return [sql for _name, _table, sql in rows]


def note_sessions(conn: sa.Connection, session_ids: Iterable[str], team_ids: Iterable[str] = ()) -> None:
    """What the triggers do, for many records at once: list these sessions (raw ids),
    and the sessions of these teams (their name is searched), to be indexed at the
    end of the transaction."""
    for column, ids in (("id", sorted(session_ids)), ("team_id", sorted(team_ids))):
        if ids:
            conn.exec_driver_sql(
                f"INSERT INTO {PENDING} (session_id) SELECT id FROM coaching_session "
                f"WHERE {column} IN (SELECT json_array_elements_text(%(ids)s::json)) ON CONFLICT DO NOTHING",
                {"ids": json.dumps(ids)},
            )


def refresh_pending(conn: sa.Connection) -> None:
    """Index the sessions the triggers noted in this transaction, and forget them."""
    ids = [row[0] for row in conn.exec_driver_sql(f"DELETE FROM {PENDING} RETURNING session_id")]
    if ids:
        index_sessions(conn, ids)


def rebuild(conn: sa.Connection) -> None:
    """Compute every session's document afresh."""
    conn.exec_driver_sql(f"DELETE FROM {PENDING}")
    conn.exec_driver_sql(f"DELETE FROM {TABLE}")
    ids = [row[0] for row in conn.exec_driver_sql("SELECT id FROM coaching_session ORDER BY id")]
    index_sessions(conn, ids)
