"""Writing many records at once without a trigger storm (issue 18, item 4).

Every insert or update of a record normally fires, per row, the change-log trigger
(which bumps the one counter row: tens of thousands of updates of one row on
PostgreSQL) and the search-index triggers (on SQLite a session with four questions
and three actions has its index row rewritten eight times; on PostgreSQL each row
notes its session in the pending list). When a sync writes many records,
:func:`quiet_triggers` drops those triggers for the duration, inside the same
transaction, and afterwards does their work once, in bulk:

* logs every record written at one new counter value, and forgets the tombstones of
  the records that came back (what the change-log triggers do);
* on SQLite, rewrites the search-index rows of the sessions touched, with one
  INSERT ... SELECT; on PostgreSQL, notes them as pending with one statement (the
  end of the transaction computes their documents, with COPY when there are many).
* counts the team list's and the themes' tallies afresh (``store/db/tallies.py``:
  one pass over the sessions and actions, about a second at a million sessions,
  rather than a trigger for every row).

Then it puts the triggers back, exactly as they were (their SQL is read back from
the database). Everything happens in the caller's transaction: a failure rolls the
triggers back with the rows. On PostgreSQL dropping a trigger locks its table against
other writers (not readers) until the commit, so only large applies use it
(:data:`BULK_ROWS`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
from collections.abc import Callable, Collection, Iterator
from typing import Any

import sqlalchemy as sa

from coachtui.store.db import dialects, pg_search, search_index, tallies
from coachtui.store.db.models import Tombstone, encode_text
from coachtui.store.exchange.interchange import BOOL, ID, OPT_DATE, REF, SPECS, STAMP, TEXT
from coachtui.store.exchange.rows import table_of
from coachtui.store.sync import changes
from coachtui.store.sync.tables import table_of_model

# From how many records written a sync writes them with the triggers off.
BULK_ROWS = 500
CHUNK = 500
# SQLite's page cache while writing many records (KiB, negative as the PRAGMA wants)
BULK_CACHE_KIB = -131072


class Written:
    """What a bulk write wrote, by kind (ids), and the sessions whose search text it
    may have changed."""

    def __init__(self) -> None:
        self.records: dict[str, set[str]] = {kind: set() for kind in changes.KINDS}
        self.inserted: dict[str, set[str]] = {kind: set() for kind in changes.KINDS}
        self.sessions: set[str] = set()
        self.teams: set[str] = set()  # teams written: their sessions' index rows hold the name
        self.enabled = False


@contextlib.contextmanager
def quiet_triggers(conn: sa.Connection, enabled: bool) -> Iterator[Written]:
    """Run the block with the change-log, search-index and tally triggers off; the
    block records in the yielded :class:`Written` what it wrote."""
    written = Written()
    if not enabled:
        yield written
        return
    written.enabled = True
    sqlite = dialects.of(conn) is dialects.sqlite
    saved = changes.suspend_triggers(conn)
    saved += search_index.suspend_triggers(conn) if sqlite else pg_search.suspend_triggers(conn)
    saved += tallies.suspend_triggers(conn)
    if sqlite:  # room for the indexes' pages while they take thousands of rows
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        saved.append(f"PRAGMA cache_size = {int(cache or 0)}")
    yield written
    _log(conn, written)
    if sqlite:
        _reindex(conn, written.sessions, written.teams)
    else:
        pg_search.note_sessions(
            conn, [encode_text(i) for i in written.sessions], [encode_text(i) for i in written.teams]
        )
    tallies.fill(conn)
    changes.restore_triggers(conn, saved)


def _log(conn: sa.Connection, written: Written) -> None:
    rows = [(kind, ident) for kind, ids in written.records.items() for ident in sorted(ids)]
    if not rows:
        return
    seq = changes.next_seq(conn)
    upsert_raw(conn, "sync_change", ("kind", "id", "seq"), ("kind", "id"), [(kind, ident, seq) for kind, ident in rows])
    # records that came back lose their tombstones (there are few tombstones: read
    # them all rather than look each record up)
    graves = table_of_model(Tombstone)
    buried = {(row.kind, row.id) for row in conn.execute(sa.select(graves.c.kind, graves.c.id))}
    back: dict[str, list[str]] = {}
    for kind, ident in buried:
        if ident in written.inserted.get(kind, ()):
            back.setdefault(kind, []).append(ident)
    for kind, ids in back.items():
        wanted = sorted(ids)
        for start in range(0, len(wanted), CHUNK):
            conn.execute(sa.delete(graves).where(graves.c.kind == kind, graves.c.id.in_(wanted[start : start + CHUNK])))


def upsert_raw(
    conn: sa.Connection, table: str, columns: tuple[str, ...], key: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert or replace plain text/number rows with one prepared statement (no
    per-value type processing: the values are ids, kinds, numbers and ASCII JSON)."""
    if not rows:
        return
    updates = ", ".join(f"{name} = excluded.{name}" for name in columns if name not in key)
    conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    if dialects.of(conn) is dialects.sqlite:
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {conflict}",
            rows,
        )
        return
    # PostgreSQL: COPY into a scratch table (gone at the commit), then one statement
    raw: Any = conn.connection.dbapi_connection
    scratch = f"bulk_{table}"
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {scratch} (LIKE {table}) ON COMMIT DROP")
    conn.exec_driver_sql(f"TRUNCATE {scratch}")
    texts = [index for index in range(len(columns)) if not all(isinstance(row[index], int) for row in rows)]
    with raw.cursor() as cursor, cursor.copy(f"COPY {scratch} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            if texts:
                row = tuple(encode_text(value) if index in texts else value for index, value in enumerate(row))
            copy.write_row(row)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {scratch} {conflict}"
    )


def _reindex(conn: sa.Connection, sessions: set[str], teams: Collection[str] = ()) -> None:
    """The search-index rows of these sessions (and of the sessions of these teams),
    computed afresh from the tables."""
    table = table_of("sessions")
    fts = search_index.TABLE
    columns = ", ".join(search_index.COLUMNS)
    rowid = sa.literal_column("rowid", sa.Integer)
    found: set[int] = set()
    for ids, column in ((sorted(sessions), table.c.id), (sorted(teams), table.c.team_id)):
        for start in range(0, len(ids), CHUNK):
            query = sa.select(rowid).select_from(table).where(column.in_(ids[start : start + CHUNK]))
            found.update(int(value) for value in conn.execute(query).scalars())
    rowids = sorted(found)
    for start in range(0, len(rowids), CHUNK):
        marks = ", ".join(str(value) for value in rowids[start : start + CHUNK])
        conn.exec_driver_sql(f"DELETE FROM {fts} WHERE rowid IN ({marks})")
        conn.exec_driver_sql(
            f"INSERT INTO {fts}(rowid, {columns}) "
            f"SELECT {search_index.row_sql('s')} FROM coaching_session AS s WHERE s.rowid IN ({marks})"
        )


def insert_rows(conn: sa.Connection, kind: str, rows: list[dict[str, Any]]) -> None:
    """Insert new records of ``kind`` in one statement (SQLite) or one COPY
    (PostgreSQL), their values stored exactly as the models store them."""
    if not rows:
        return
    spec = SPECS[kind]
    postgres = dialects.of(conn) is not dialects.sqlite
    pick = operator.itemgetter(*spec.columns)
    converters = [(index, found) for index, (_name, field_kind) in enumerate(spec.fields)
                  if (found := _converter(field_kind, postgres)) is not None]
    values: list[tuple[Any, ...]] = []
    for row in rows:
        picked = list(pick(row))
        for index, convert in converters:
            if picked[index] is not None:
                picked[index] = convert(picked[index])
        values.append(tuple(picked))
    dialects.of(conn).bulk_insert(conn, spec.table, spec.columns, values)


def _converter(field_kind: str, postgres: bool) -> Callable[[Any], Any] | None:
    """How a column's values are stored, as the column types (models.py) write them:
    UTC text for times (what SQLite keeps; PostgreSQL's COPY marks it UTC), 0/1 for
    booleans, ISO dates, and on PostgreSQL text with NUL escaped. None: as they are."""
    base = field_kind.rstrip("?")
    if base == STAMP:
        return _utc_text
    if base == BOOL:
        return int
    if field_kind == OPT_DATE:
        return _iso
    if postgres and base in (ID, REF, TEXT):
        return encode_text
    return None


def _utc_text(value: dt.datetime) -> str:
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat(" ", "microseconds")[:26]  # less "+00:00": a copy fewer per value


def _iso(value: dt.date) -> str:
    return value.isoformat()
