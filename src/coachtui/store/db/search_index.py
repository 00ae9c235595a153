"""The full-text search index over sessions (SQLite FTS5), and the SQL that keeps it.

One FTS5 row per coaching session, with the session's rowid as its rowid, holding
copies of ten texts: title, dilemma, context, the notes beside its picked
questions, the texts of its actions (each with its prediction), the notes of the
reviews made in it (each with what was learned), its team's name, its coach, its
insight ("what we learned today") and, in a set's meeting, the member presenting it. Triggers on ``coaching_session``, ``picked_question``,
``action``, ``action_review`` and ``team`` keep it exactly in step inside every
write transaction, including the cascading deletes of a team and a team renamed, so
no code path can forget it.

Migration 0002 made it with the first five; migration 0008 (frozen SQL, as every
migration) made it again with eight, and migration 0010 with the predictions,
learnings and insight, and migration 0015 with the presenter. The demo-data generator drops
the triggers, bulk-inserts sessions and their index rows, and restores the triggers
(all inside one transaction). A later schema change to the index must come with a new migration that
drops and re-creates it.

Note for maintenance code: the index is keyed by ``coaching_session``'s implicit
rowid. SQLite keeps rowids through ``VACUUM`` in practice but documents that it may
not for a table without an INTEGER PRIMARY KEY, so call :func:`rebuild` after a VACUUM
(the store's ``rebuild_search_index()``) to be certain.

PostgreSQL has no FTS5: there the migration does nothing and the store searches with
ILIKE (a later migration adds a tsvector column with a GIN index).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

TABLE = "session_fts"
COLUMNS = ("title", "dilemma", "context", "notes", "actions", "reviews", "team", "coach", "insight", "presenter")
# Migration 0002 creates the table with tokenize 'unicode61 remove_diacritics 2' (case
# and accents folded, so "equipe" finds "équipe") and prefix '2 3' (the as-you-type
# prefix query on the last word is a lookup, not a merge of every matching term).

# The notes and action texts of one session, one per line, in the order the session
# shows them. {sid} is an SQL expression for the session id.
_NOTES = (
    "(SELECT coalesce(group_concat(note, char(10)), '') FROM "
    "(SELECT note FROM picked_question WHERE session_id = {sid} AND note != '' ORDER BY position, id))"
)
# each action's text, then its prediction (a test of change) on the next line
_ACTIONS = (
    "(SELECT coalesce(group_concat(t, char(10)), '') FROM "
    "(SELECT CASE WHEN prediction = '' THEN text WHEN text = '' THEN prediction "
    "ELSE text || char(10) || prediction END AS t FROM action "
    "WHERE session_id = {sid} AND (text != '' OR prediction != '') ORDER BY position, id))"
)


# The notes of the reviews made in a session (not those marked from the tracker),
# each followed by what was learned (a test of change).
_REVIEWS = (
    "(SELECT coalesce(group_concat(t, char(10)), '') FROM "
    "(SELECT CASE WHEN learning = '' THEN note WHEN note = '' THEN learning "
    "ELSE note || char(10) || learning END AS t FROM action_review "
    "WHERE session_id = {sid} AND (note != '' OR learning != '') ORDER BY created_at, id))"
)
_TEAM = "(SELECT coalesce(name, '') FROM team WHERE id = {team})"


def notes_sql(sid: str) -> str:
    return _NOTES.format(sid=sid)


def actions_sql(sid: str) -> str:
    return _ACTIONS.format(sid=sid)


def row_sql(session: str) -> str:
    """The index row of the ``coaching_session`` row called ``session`` in the query:
    its rowid, then :data:`COLUMNS` in order."""
    sid = f"{session}.id"
    return (
        f"{session}.rowid, {session}.title, {session}.dilemma, {session}.context, {_NOTES.format(sid=sid)}, "
        f"{_ACTIONS.format(sid=sid)}, {_REVIEWS.format(sid=sid)}, coalesce({_TEAM.format(team=f'{session}.team_id')}, ''), "
        f"{session}.coach, {session}.insight, {session}.presenter"
    )


def fill_sql(after_rowid: int = 0) -> str:
    """Index every session whose rowid is above ``after_rowid`` (one statement)."""
    return (
        f"INSERT INTO {TABLE}(rowid, {', '.join(COLUMNS)}) "
        f"SELECT {row_sql('s')} FROM coaching_session AS s WHERE s.rowid > {int(after_rowid)} ORDER BY s.rowid"
    )


def expected_rows_sql() -> str:
    """What the index must hold, computed from the tables (for checks and tests)."""
    return f"SELECT {row_sql('s')} FROM coaching_session AS s ORDER BY s.rowid"


def indexed_rows_sql() -> str:
    return f"SELECT rowid, {', '.join(COLUMNS)} FROM {TABLE} ORDER BY rowid"


def count_sql(*, capped: bool = False) -> str:
    """How many sessions match the FTS5 query bound first (and, ``capped``, at most
    the number bound second)."""
    if capped:
        return f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH ? LIMIT ?)"
    return f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH ?"


def match_sql(*, walk: bool) -> str:
    """A condition on ``coaching_session``: the session matches the FTS5 query bound as
    ``:fts_query``. ``walk``: the unary ``+`` keeps SQLite from looking the matches up
    by rowid, so it walks the sessions in index order and checks each against the
    match list instead."""
    rowid = "+coaching_session.rowid" if walk else "coaching_session.rowid"
    return f"{rowid} IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :fts_query)"


# --- operations on a SQLAlchemy connection (inside the caller's transaction) ----------


def suspend_triggers(conn: sa.Connection) -> list[str]:
    """Drop the index triggers and return their SQL, for :func:`restore_triggers`.

    Used by bulk loads in the same transaction: the definitions are read back from
    the database, so what is restored is exactly what was there.
    """
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).all()
    saved = [(name, sql) for name, sql in rows if name.startswith(f"{TABLE}_")]
    for name, _sql in saved:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in saved]


def restore_triggers(conn: sa.Connection, statements: list[str]) -> None:
    """Run saved CREATE statements again (triggers, or any other saved schema SQL)."""
    for statement in statements:
        conn.exec_driver_sql(statement)


def max_rowid(conn: sa.Connection) -> int:
    return int(conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM coaching_session").scalar() or 0)


# FTS5's default in-memory buffer before it writes a segment, and a bigger one for
# bulk loads inside one transaction (fewer, larger segments: about 1.6x faster).
DEFAULT_HASHSIZE = 1024 * 1024
BULK_HASHSIZE = 64 * 1024 * 1024


def set_hashsize(conn: sa.Connection, size: int) -> None:
    conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('hashsize', {int(size)})")


def fill(conn: sa.Connection, after_rowid: int = 0) -> None:
    """Index the sessions above ``after_rowid`` with one INSERT ... SELECT."""
    set_hashsize(conn, BULK_HASHSIZE)
    conn.exec_driver_sql(fill_sql(after_rowid))
    set_hashsize(conn, DEFAULT_HASHSIZE)


def rebuild(conn: sa.Connection) -> None:
    """Empty the index and fill it again from the tables."""
    conn.exec_driver_sql(f"DELETE FROM {TABLE}")
    conn.exec_driver_sql(fill_sql())
    # Merge the segments a refill leaves behind into one b-tree: faster queries.
    conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
