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
import os
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from coachtui.store.db import dialects, pg_search, search_index, tallies
from coachtui.store.db.models import ESCAPE, Tombstone, decode_text, encode_text
from coachtui.store.exchange.interchange import BOOL, ID, OPT_DATE, REF, SPECS, STAMP, TEXT
from coachtui.store.exchange.rows import table_of
from coachtui.store.sync import changes
from coachtui.store.sync.tables import BASE, table_of_model

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


def insert_rows(
    conn: sa.Connection, kind: str, rows: list[dict[str, Any]], stored: Sequence[tuple[Any, ...]] = ()
) -> None:
    """Insert new records of ``kind`` in one statement (SQLite) or one COPY
    (PostgreSQL), their values stored exactly as the models store them. ``stored``:
    more new records, as SQLite stores them (``Snapshot`` rows), written in the same
    statement in the order of their ids (the order the merge writes them in)."""
    if not rows and not stored:
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
    if stored:
        if postgres:  # text is stored encoded there (times go in as UTC text either way)
            texts = [index for index, (_n, field_kind) in enumerate(spec.fields) if field_kind.rstrip("?") in (ID, REF, TEXT)]
            stored = [tuple(encode_text(value) if index in texts and value is not None else value
                            for index, value in enumerate(row)) for row in stored]
        values = sorted([*values, *stored], key=operator.itemgetter(0))
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


# --- a whole history into an empty database ---------------------------------------------------
#
# The first push of a laptop into an empty hub, and the first pull into an empty laptop,
# have nothing to merge: every record is new on the receiving side. Such a sync copies
# the tables as they are stored instead of merging record by record: the rows are read
# once as the database keeps them (no conversion to Python values and back), written
# with one prepared statement per table (SQLite) or COPY (PostgreSQL) with the
# triggers off, logged at one counter value and indexed for search with one statement
# each; the synced versions the laptop keeps (``sync_base``) are written from the same
# rows. The result is the same, byte for byte, as the record-by-record merge gives
# (tests/test_sync_bulk.py compares the two); anything the merge would have to decide
# (a record already there, a stamp from the future going to the hub, a record whose
# parent was not sent) sends the sync the ordinary way. COACHTUI_SYNC_BULK=0 turns
# the copy off (to compare, and to measure). A large history is copied in parts
# (:meth:`Snapshot.parts`), each a transaction on both sides: the progress moves part
# by part, and a sync stopped half-way keeps the parts it copied (the next sync finds
# the receiving side no longer empty and merges the rest, copying the sessions still
# new there).

BULK_ENV = "COACHTUI_SYNC_BULK"
# How many records the first part of a copied history holds, about (each later part
# twice the one before): each part is one transaction on each side, so a sync
# stopped half-way (ctrl+c, f8) keeps the parts it finished and its progress moves
# part by part. A history of up to ~11,000 sessions is one part: a few seconds, and
# the quickest copy (each part brings the search index and tallies up to date, and
# only a copy in one part reads straight from the attached file): at 5,000 records
# a part, 10,000 sessions went to an empty hub in 3.6 s on SQLite and 5.6 s on
# PostgreSQL (idle), a quarter more than in one part. COACHTUI_SYNC_PART overrides it.
PART_ROWS = 100_000
PART_ENV = "COACHTUI_SYNC_PART"
SOURCE = "coachtui_source"  # the name a copied-from file is attached under
# How a SQLite database stores a timestamp (SQLAlchemy's format: naive UTC, microseconds)
STAMP_TEXT = "%Y-%m-%d %H:%M:%S.%f"


class Unsuitable(Exception):
    """The receiving side is not empty (or the rows need deciding): merge instead."""


def enabled() -> bool:
    return os.environ.get(BULK_ENV, "") != "0"


def empty(conn: sa.Connection, hub_id: str | None = None) -> bool:
    """Nothing here that a copy could collide with: no record, no tombstone (and, on a
    laptop, no synced version kept for ``hub_id``)."""
    tables = [*changes.TABLES.values(), "tombstone"]
    query = " UNION ALL ".join(f"SELECT 1 FROM (SELECT 1 FROM {name} LIMIT 1) AS t{i}" for i, name in enumerate(tables))
    if conn.exec_driver_sql(query).first() is not None:
        return False
    if hub_id is not None:
        held = conn.execute(sa.select(BASE.c.id).where(BASE.c.hub_id == hub_id).limit(1)).first()
        return held is None
    return True


@dataclass
class Snapshot:
    """Every record and tombstone of a database, read in one transaction: the records
    as SQLite stores them (tuples in the interchange columns' order, times as UTC text,
    booleans as 0/1, sorted by id), the tombstones as (kind, id, deleted_at, coach)."""

    rows: dict[str, list[tuple[Any, ...]]]
    tombstones: list[tuple[str, str, dt.datetime, str]]
    seq: int = 0  # the change counter of the database read, when read
    # the SQLite file read, for :func:`copy_in` to attach (set by the caller)
    source: Path | None = None

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values()) + len(self.tombstones)

    def later_than(self, limit: dt.datetime) -> int:
        """How many stamps of the records are later than ``limit``."""
        text = limit.astimezone(dt.UTC).strftime(STAMP_TEXT)
        found = 0
        for kind, rows in self.rows.items():
            for index in _stamp_columns(kind):
                found += sum(1 for row in rows if row[index] is not None and row[index] > text)
        return found

    def copyable(self) -> bool:
        """Worth copying, and nothing in it for a merge to decide: no record whose
        parent is missing, none that is also tombstoned. Small histories merge (they
        take no time either way)."""
        if len(self) < BULK_ROWS or self.orphans():
            return False
        graves = {(kind, ident) for kind, ident, _at, _coach in self.tombstones}
        return not graves or not any((kind, row[0]) in graves for kind, rows in self.rows.items() for row in rows)

    def parts(self, size: int | None = None) -> list[Snapshot]:
        """The snapshot cut into parts to copy one after the other, the first of about
        ``size`` records (:data:`PART_ROWS`) and each one after it twice as large (each
        part brings the search index and the tallies up to date, a cost that grows
        with everything copied before it: 5,000 at a time took twice as long for
        10,000 sessions as one copy; doubling keeps the parts few): a session's records together, every record after
        the records it belongs to (the teams and custom questions first, a review with
        the later of its action's and its session's parts), the tombstones last. The
        parts hold the rows in the same order (by id); only a snapshot in one part
        keeps its ``source`` (copying from an attached file takes the whole tables)."""
        if size is None:
            text = os.environ.get(PART_ENV, "")
            size = int(text) if text.isdigit() and int(text) > 0 else PART_ROWS
        spec = {kind: SPECS[kind].columns for kind in self.rows}

        def column(kind: str, name: str) -> int:
            return spec[kind].index(name)

        children: dict[Any, int] = {}
        for kind in ("picked_questions", "actions", "action_reviews"):
            index = column(kind, "session_id")
            for row in self.rows.get(kind, ()):
                children[row[index]] = children.get(row[index], 0) + 1
        session_part: dict[Any, int] = {}
        part, limit = 0, size
        count = len(self.rows.get("teams", ())) + len(self.rows.get("custom_questions", ()))
        for row in self.rows.get("sessions", ()):
            if count >= limit:
                part, count, limit = part + 1, 0, limit * 2
            session_part[row[0]] = part
            count += 1 + children.get(row[0], 0)
        found: list[dict[str, list[tuple[Any, ...]]]] = [{kind: [] for kind in self.rows} for _ in range(part + 1)]
        action_part: dict[Any, int] = {}
        for kind, rows in self.rows.items():
            for row in rows:
                if kind in ("sessions", "picked_questions"):
                    at = session_part.get(row[0] if kind == "sessions" else row[column(kind, "session_id")], 0)
                elif kind == "actions":
                    at = action_part[row[0]] = session_part.get(row[column(kind, "session_id")], 0)
                elif kind == "action_reviews":
                    at = max(action_part.get(row[column(kind, "action_id")], 0),
                             session_part.get(row[column(kind, "session_id")], 0))
                else:
                    at = 0
                found[at][kind].append(row)
        if len(found) == 1:
            return [self]
        parts = [Snapshot(rows, [], self.seq) for rows in found]
        parts[-1].tombstones = list(self.tombstones)
        return parts

    def orphans(self) -> bool:
        """A record whose parent (session, team, action) is not among the records."""
        ids = {kind: {row[0] for row in rows} for kind, rows in self.rows.items()}
        for kind, rows in self.rows.items():
            for column, parent_kind in PARENTS.get(kind, ()):
                index = SPECS[kind].columns.index(column)
                parents = ids[parent_kind]
                if any(row[index] is not None and row[index] not in parents for row in rows):
                    return True
        return False


# The records each kind belongs to: (column, kind of record), for every kind that has any.
PARENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "sessions": (("team_id", "teams"),),
    "picked_questions": (("session_id", "sessions"),),
    "actions": (("team_id", "teams"), ("session_id", "sessions")),
    "action_reviews": (("action_id", "actions"), ("session_id", "sessions")),
}


def _stamp_columns(kind: str) -> list[int]:
    return [index for index, (_name, field_kind) in enumerate(SPECS[kind].fields) if field_kind.rstrip("?") == STAMP]


def read_all(conn: sa.Connection) -> Snapshot:
    """Every record and tombstone behind ``conn`` (in its open transaction)."""
    postgres = dialects.of(conn) is not dialects.sqlite
    raw: Any = conn.connection.dbapi_connection
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for kind in changes.KINDS:
        spec = SPECS[kind]
        cursor = raw.cursor()
        try:
            cursor.execute(f"SELECT {', '.join(_stored(name, kind_, postgres) for name, kind_ in spec.fields)} FROM {spec.table}")
            found = cursor.fetchall()
        finally:
            cursor.close()
        if postgres:
            texts = [index for index, (_name, kind_) in enumerate(spec.fields) if kind_.rstrip("?") in (ID, REF, TEXT)]
            found = [_decoded(row, texts) for row in found]
        else:
            found = [tuple(row) for row in found]
        found.sort(key=operator.itemgetter(0))  # by id: the order the merge writes them in
        rows[kind] = found
    graves = table_of_model(Tombstone)
    tombstones = [
        (row.kind, row.id, row.deleted_at, row.coach)
        for row in conn.execute(sa.select(graves.c.kind, graves.c.id, graves.c.deleted_at, graves.c.coach))
    ]
    return Snapshot(rows, tombstones, changes.current_seq(conn))


def read_in(conn: sa.Connection, kind: str, column: str, ids: Collection[str]) -> list[tuple[Any, ...]]:
    """The records of ``kind`` whose ``column`` is one of ``ids``, as :func:`read_all`
    reads them (as SQLite stores them), sorted by id."""
    from coachtui.store.exchange.rows import in_clauses

    postgres = dialects.of(conn) is not dialects.sqlite
    spec = SPECS[kind]
    table = table_of(kind)
    picked: list[sa.ColumnElement[Any]] = [sa.literal_column(_stored(name, field_kind, postgres)) for name, field_kind in spec.fields]
    texts = [index for index, (_name, kind_) in enumerate(spec.fields) if kind_.rstrip("?") in (ID, REF, TEXT)]
    found: list[tuple[Any, ...]] = []
    for clause in in_clauses(conn, table.c[column], ids):
        rows = conn.execute(sa.select(*picked).select_from(table).where(clause)).all()
        found += [_decoded(tuple(row), texts) for row in rows] if postgres else [tuple(row) for row in rows]
    found.sort(key=operator.itemgetter(0))
    return found


def _stored(name: str, field_kind: str, postgres: bool) -> str:
    """A column as SQLite stores it (on PostgreSQL, converted so)."""
    if not postgres:
        return name
    base = field_kind.rstrip("?")
    if base == STAMP:
        return f"to_char({name} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    if base == BOOL:
        return f"{name}::int"
    if field_kind == OPT_DATE:
        return f"to_char({name}, 'YYYY-MM-DD')"
    return name


def _decoded(row: tuple[Any, ...], texts: list[int]) -> tuple[Any, ...]:
    if not any(isinstance(row[i], str) and ESCAPE in row[i] for i in texts):
        return tuple(row)
    return tuple(decode_text(value) if i in texts and isinstance(value, str) else value for i, value in enumerate(row))


def copy_in(conn: sa.Connection, snapshot: Snapshot, *, fresh: bool = True) -> None:
    """Write the snapshot's records into this empty database (in the caller's
    transaction): the triggers off, every record logged at one new counter value,
    the search index and the tallies brought up to date once. Tombstones are left
    to the caller. ``fresh``: the database held nothing before; else it holds the
    earlier parts of the same history (:meth:`Snapshot.parts`), and only this part's
    records are logged and indexed."""
    sqlite = dialects.of(conn) is dialects.sqlite
    saved = changes.suspend_triggers(conn)
    saved += search_index.suspend_triggers(conn) if sqlite else pg_search.suspend_triggers(conn)
    saved += tallies.suspend_triggers(conn)
    if sqlite:
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
        saved.append(f"PRAGMA cache_size = {int(cache or 0)}")
    attached = sqlite and _attach(conn, snapshot)
    for kind in changes.KINDS:
        if attached:
            spec = SPECS[kind]
            columns = ", ".join(spec.columns)
            conn.exec_driver_sql(f"INSERT INTO main.{spec.table} ({columns}) SELECT {columns} FROM {SOURCE}.{spec.table} ORDER BY id")
        else:
            _write_raw(conn, kind, snapshot.rows[kind], sqlite)
    if any(snapshot.rows.values()) and not fresh:
        written = Written()
        for kind, rows in snapshot.rows.items():
            written.records[kind].update(row[0] for row in rows)
        written.sessions.update(row[0] for row in snapshot.rows.get("sessions", ()))
        _log(conn, written)
        if sqlite:
            _reindex(conn, written.sessions)
        else:
            pg_search.note_sessions(conn, [encode_text(i) for i in written.sessions])
    elif any(snapshot.rows.values()):
        seq = changes.next_seq(conn)
        for kind, table in changes.TABLES.items():
            conn.exec_driver_sql(
                f"INSERT INTO sync_change (kind, id, seq) SELECT '{kind}', id, {int(seq)} FROM {table} WHERE true "
                "ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq"
            )
        if sqlite:
            conn.exec_driver_sql(f"DELETE FROM {search_index.TABLE}")
            search_index.fill(conn)
        else:
            conn.exec_driver_sql(
                f"INSERT INTO {pg_search.PENDING} (session_id) SELECT id FROM coaching_session ON CONFLICT DO NOTHING"
            )
    tallies.fill(conn)
    changes.restore_triggers(conn, saved)


def _attach(conn: sa.Connection, snapshot: Snapshot) -> bool:
    """SQLite to SQLite: attach the file the snapshot was read from, to copy its
    tables with INSERT ... SELECT (twice as fast as inserting the rows read). Only
    when it still holds exactly the snapshot: its change counter has not moved (the
    attached file is read as one snapshot until the transaction ends). SQLite cannot
    detach a file inside a transaction: the caller's connection must be one nobody
    uses afterwards (a sync's own connection to its hub, closed when it ends). False
    when it cannot be attached (encrypted on one side only, say): the rows read go in."""
    if snapshot.source is None:
        return False
    try:
        conn.exec_driver_sql(f"ATTACH DATABASE ? AS {SOURCE}", (str(snapshot.source),))
        seq = conn.exec_driver_sql(f"SELECT seq FROM {SOURCE}.sync_clock WHERE id = 1").scalar()
    except sa.exc.DBAPIError:
        return False
    return seq == snapshot.seq


def _write_raw(conn: sa.Connection, kind: str, rows: list[tuple[Any, ...]], sqlite: bool) -> None:
    if not rows:
        return
    spec = SPECS[kind]
    if sqlite:
        marks = ", ".join("?" for _ in spec.columns)
        conn.exec_driver_sql(f"INSERT INTO {spec.table} ({', '.join(spec.columns)}) VALUES ({marks})", rows)
        return
    stamps = [index for index, (_n, field_kind) in enumerate(spec.fields) if field_kind.rstrip("?") == STAMP]
    texts = [index for index, (_n, field_kind) in enumerate(spec.fields) if field_kind.rstrip("?") in (ID, REF, TEXT)]
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {spec.table} ({', '.join(spec.columns)}) FROM STDIN") as copy:
        for row in rows:
            values = list(row)
            for index in stamps:
                if values[index] is not None:
                    values[index] += "+00"
            for index in texts:
                if values[index] is not None:
                    values[index] = encode_text(values[index])
            copy.write_row(values)


# --- the synced versions, from stored rows (``fields.stored_bases`` makes them) ---------------


def save_base_rows(conn: sa.Connection, hub_id: str, rows: list[tuple[str, str, str, str]]) -> None:
    """Keep these ``sync_base`` rows (``fields.stored_bases``), except of records
    deleted for good here (a deletion keeps nothing of a record's text)."""
    upsert_raw(conn, "sync_base", ("hub_id", "kind", "id", "content"), ("hub_id", "kind", "id"), rows)
    graves = table_of_model(Tombstone)
    buried = sa.select(graves.c.id).where(graves.c.kind == BASE.c.kind, graves.c.id == BASE.c.id)
    conn.execute(sa.delete(BASE).where(BASE.c.hub_id == hub_id, buried.exists()))
