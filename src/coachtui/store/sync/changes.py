"""What changed, and what was deleted: the change log and the tombstones sync reads.

**The change log.** Every coachtui database has a change counter (``sync_clock``)
and a log (``sync_change``) holding, for every record, the counter's value when the
record was last written. Triggers keep it (migration 0004), on SQLite and
PostgreSQL, for every insert and update of the six record tables and of
``tombstone``, so no code path (service calls, imports, sync, another program's
SQL) can write a record without the log knowing. Sync asks it "what was written
since counter value N?" instead of comparing clocks: ``updated_at`` comes from the
laptops' clocks and from imported files, and records pulled or imported with an
older ``updated_at`` would be missed by any "changed since" based on time.

Writers take the database's write lock before their first write (SQLite: ``BEGIN
IMMEDIATE``; PostgreSQL: an advisory lock, see ``store/db/database.py``), so counter
values are handed out in commit order: a reader that has seen value N has seen
every write numbered up to N.

**Tombstones.** Deleting a record for good writes a tombstone: its kind, its id,
when and by which coach; nothing of what it said. Every record deleted along with
it (a team's sessions, their questions, actions and reviews) gets one too. They
let a deletion travel to the hub and to other laptops (see ``store/sync/__init__.py``).
Writing a record with a tombstoned id again (a sync bringing it back, an import)
removes its tombstone, by trigger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from coachtui.store.db import dialects
from coachtui.store.db.models import Tombstone
from coachtui.store.exchange.rows import CHUNK, in_clauses, table_of
from coachtui.store.sync.tables import BASE, CONFLICT, DELETED, table_of_model

# Record kinds (the names the JSON interchange uses for the lists) and their tables,
# parents before children.
TABLES: dict[str, str] = {
    "teams": "team",
    "sessions": "coaching_session",
    "custom_questions": "custom_question",
    "picked_questions": "picked_question",
    "actions": "action",
    "action_reviews": "action_review",
}
KINDS = tuple(TABLES)
TRIGGER_PREFIX = "sync_"


# --- triggers ----------------------------------------------------------------------------


def suspend_triggers(conn: sa.Connection) -> list[str]:
    """Drop the change-log triggers, returning the SQL that re-creates them (bulk
    loads log what they wrote themselves, in the same transaction)."""
    return dialects.of(conn).drop_triggers(conn, TRIGGER_PREFIX)


def restore_triggers(conn: sa.Connection, statements: list[str]) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)


# --- the counter ---------------------------------------------------------------------------


def current_seq(conn: sa.Connection) -> int:
    return int(conn.exec_driver_sql("SELECT seq FROM sync_clock WHERE id = 1").scalar() or 0)


def next_seq(conn: sa.Connection) -> int:
    conn.exec_driver_sql("UPDATE sync_clock SET seq = seq + 1 WHERE id = 1")
    return current_seq(conn)


# --- tombstones ------------------------------------------------------------------------------


def _ids(conn: sa.Connection, table: sa.Table, column: str, values: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for clause in in_clauses(conn, table.c[column], values):
        found.update(conn.execute(sa.select(table.c.id).where(clause)).scalars())
    return found


def subtree(conn: sa.Connection, kind: str, ids: Iterable[str]) -> dict[str, set[str]]:
    """The records deleting ``ids`` of ``kind`` deletes (the foreign keys cascade):
    them and everything in them, by kind."""
    found: dict[str, set[str]] = {k: set() for k in KINDS}
    found[kind] |= set(ids)
    teams = found["teams"]
    if teams:
        found["sessions"] |= _ids(conn, table_of("sessions"), "team_id", teams)
        found["actions"] |= _ids(conn, table_of("actions"), "team_id", teams)
    sessions = found["sessions"]
    if sessions:
        found["picked_questions"] |= _ids(conn, table_of("picked_questions"), "session_id", sessions)
        found["actions"] |= _ids(conn, table_of("actions"), "session_id", sessions)
        found["action_reviews"] |= _ids(conn, table_of("action_reviews"), "session_id", sessions)
    if found["actions"]:
        found["action_reviews"] |= _ids(conn, table_of("action_reviews"), "action_id", found["actions"])
    return found


def bury(conn: sa.Connection, records: dict[str, set[str]], deleted_at: dt.datetime, coach: str) -> int:
    """Write (or move forward) the tombstones of ``records``. Returns how many."""
    table = table_of_model(Tombstone)
    rows = [
        {"kind": kind, "id": ident, "deleted_at": deleted_at, "coach": coach}
        for kind, ids in records.items()
        for ident in sorted(ids)
    ]
    if not rows:
        return 0
    statement = dialects.of(conn).insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.kind, table.c.id],
        set_={"deleted_at": statement.excluded.deleted_at, "coach": statement.excluded.coach},
        where=table.c.deleted_at < statement.excluded.deleted_at,
    )
    for start in range(0, len(rows), CHUNK):
        conn.execute(statement, rows[start : start + CHUNK])
    forget(conn, records)
    return len(rows)


def forget(conn: sa.Connection, records: dict[str, set[str]]) -> None:
    """Drop every other copy sync keeps of ``records``' text: their merge bases (for
    every hub) and their conflict notes. A record deleted for good leaves only its
    tombstone, so ``vacuum`` can clear the rest from the file; except edits made here
    that a deletion from another laptop took, kept until the coach chooses
    (``conflicts.DELETED``: keeping theirs lets them go)."""
    for kind, ids in records.items():
        for clause in in_clauses(conn, BASE.c.id, ids):
            conn.execute(sa.delete(BASE).where(BASE.c.kind == kind, clause))
        for clause in in_clauses(conn, CONFLICT.c.record_id, ids):
            # but not edits a deletion from elsewhere took, kept for the coach to restore
            conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.kind == kind, CONFLICT.c.field != DELETED, clause))


def record_deletion(
    conn: sa.Connection, kind: str, ids: Iterable[str], deleted_at: dt.datetime, coach: str
) -> dict[str, set[str]]:
    """Before deleting ``ids``: write tombstones for them and everything in them."""
    records = subtree(conn, kind, ids)
    bury(conn, records, deleted_at, coach)
    return records


def tombstone_of(conn: sa.Connection, kind: str, ident: str) -> tuple[dt.datetime, str] | None:
    """(deleted_at, coach) if the record was deleted for good here."""
    table = table_of_model(Tombstone)
    row = conn.execute(
        sa.select(table.c.deleted_at, table.c.coach).where(table.c.kind == kind, table.c.id == ident)
    ).first()
    return (row.deleted_at, row.coach) if row is not None else None
