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
IMMEDIATE``; PostgreSQL: an advisory lock, see ``store/database.py``), so counter
values are handed out in commit order: a reader that has seen value N has seen
every write numbered up to N.

**Tombstones.** Deleting a record for good writes a tombstone: its kind, its id,
when and by which coach; nothing of what it said. Every record deleted along with
it (a team's sessions, their questions, actions and reviews) gets one too. They
let a deletion travel to the hub and to other laptops (see ``store/sync.py``).
Writing a record with a tombstoned id again (a sync bringing it back, an import)
removes its tombstone, by trigger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from coachtui.store.models import Tombstone
from coachtui.store.rows import CHUNK, table_of

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


def _sqlite_triggers() -> list[str]:
    bump = "UPDATE sync_clock SET seq = seq + 1 WHERE id = 1;"

    def log(kind: str) -> str:
        # An UPDATE, then an INSERT if there was nothing to update: not INSERT OR
        # REPLACE, whose conflict policy the statement firing the trigger overrides
        # (an upsert on tombstone would turn it into ABORT).
        seq = "(SELECT seq FROM sync_clock WHERE id = 1)"
        return (
            f"UPDATE sync_change SET seq = {seq} WHERE kind = {kind} AND id = new.id; "
            f"INSERT INTO sync_change (kind, id, seq) SELECT {kind}, new.id, {seq} "
            f"WHERE NOT EXISTS (SELECT 1 FROM sync_change WHERE kind = {kind} AND id = new.id);"
        )

    statements = []
    for kind, table in TABLES.items():
        forget = f"DELETE FROM tombstone WHERE kind = '{kind}' AND id = new.id;"
        statements += [
            f"CREATE TRIGGER {TRIGGER_PREFIX}{table}_ai AFTER INSERT ON {table} BEGIN "
            f"{forget} {bump} {log(repr(kind))} END",
            f"CREATE TRIGGER {TRIGGER_PREFIX}{table}_au AFTER UPDATE ON {table} BEGIN {bump} {log(repr(kind))} END",
        ]
    statements += [
        f"CREATE TRIGGER {TRIGGER_PREFIX}tombstone_ai AFTER INSERT ON tombstone BEGIN {bump} {log('new.kind')} END",
        f"CREATE TRIGGER {TRIGGER_PREFIX}tombstone_au AFTER UPDATE ON tombstone BEGIN {bump} {log('new.kind')} END",
    ]
    return statements


def _postgres_triggers(schema: str) -> list[str]:
    s = '"' + schema.replace('"', '""') + '"'

    def function(name: str, kind: str, forget: bool) -> str:
        return (
            f"CREATE FUNCTION {s}.{name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "DECLARE\n"
            "  n bigint;\n"
            "BEGIN\n"
            + (
                f"  IF TG_OP = 'INSERT' THEN\n    DELETE FROM {s}.tombstone WHERE kind = {kind} AND id = NEW.id;\n"
                "  END IF;\n"
                if forget
                else ""
            )
            + f"  UPDATE {s}.sync_clock SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO n;\n"
            f"  INSERT INTO {s}.sync_change (kind, id, seq) VALUES ({kind}, NEW.id, n)\n"
            "    ON CONFLICT (kind, id) DO UPDATE SET seq = EXCLUDED.seq;\n"
            "  RETURN NULL;\n"
            "END $$"
        )

    statements = [
        function("coachtui_sync_log", "TG_ARGV[0]", True),
        function("coachtui_sync_log_tombstone", "NEW.kind", False),
    ]
    for kind, table in TABLES.items():
        statements.append(
            f"CREATE TRIGGER {TRIGGER_PREFIX}{table} AFTER INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.coachtui_sync_log('{kind}')"
        )
    statements.append(
        f"CREATE TRIGGER {TRIGGER_PREFIX}tombstone AFTER INSERT OR UPDATE ON tombstone "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.coachtui_sync_log_tombstone()"
    )
    return statements


def install_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        statements = _sqlite_triggers()
    else:
        statements = _postgres_triggers(conn.exec_driver_sql("SELECT current_schema()").scalar())
    for statement in statements:
        conn.exec_driver_sql(statement)


def suspend_triggers(conn: sa.Connection) -> list[str]:
    """Drop the change-log triggers, returning the SQL that re-creates them (bulk
    loads call :func:`touch_all` instead, in the same transaction)."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ORDER BY name",
            (f"{TRIGGER_PREFIX}%",),
        ).all()
        for name, _sql in rows:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        return [sql for _name, sql in rows]
    rows = conn.exec_driver_sql(
        "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgname LIKE %(p)s "
        "AND c.relnamespace = current_schema()::regnamespace ORDER BY t.tgname",
        {"p": f"{TRIGGER_PREFIX}%"},
    ).all()
    for name, table, _sql in rows:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}" ON "{table}"')
    return [sql for _name, _table, sql in rows]


def restore_triggers(conn: sa.Connection, statements: list[str]) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)


# --- the counter ---------------------------------------------------------------------------


def current_seq(conn: sa.Connection) -> int:
    return int(conn.exec_driver_sql("SELECT seq FROM sync_clock WHERE id = 1").scalar() or 0)


def next_seq(conn: sa.Connection) -> int:
    conn.exec_driver_sql("UPDATE sync_clock SET seq = seq + 1 WHERE id = 1")
    return current_seq(conn)


def touch_all(conn: sa.Connection, seq: int) -> None:
    """Log every record as written at counter value ``seq`` (after a bulk load)."""
    for kind, table in TABLES.items():
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                f"INSERT OR REPLACE INTO sync_change (kind, id, seq) SELECT '{kind}', id, {int(seq)} FROM {table}"
            )
        else:
            conn.exec_driver_sql(
                f"INSERT INTO sync_change (kind, id, seq) SELECT '{kind}', id, {int(seq)} FROM {table} "
                "ON CONFLICT (kind, id) DO UPDATE SET seq = EXCLUDED.seq"
            )


# --- tombstones ------------------------------------------------------------------------------


def _ids(conn: sa.Connection, table: sa.Table, column: str, values: Iterable[str]) -> set[str]:
    wanted = sorted(set(values))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        found.update(
            conn.execute(sa.select(table.c.id).where(table.c[column].in_(wanted[start : start + CHUNK]))).scalars()
        )
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
    table = Tombstone.__table__  # type: ignore[attr-defined]
    rows = [
        {"kind": kind, "id": ident, "deleted_at": deleted_at, "coach": coach}
        for kind, ids in records.items()
        for ident in sorted(ids)
    ]
    if not rows:
        return 0
    if conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.kind, table.c.id],
        set_={"deleted_at": statement.excluded.deleted_at, "coach": statement.excluded.coach},
        where=table.c.deleted_at < statement.excluded.deleted_at,
    )
    for start in range(0, len(rows), CHUNK):
        conn.execute(statement, rows[start : start + CHUNK])
    return len(rows)


def record_deletion(
    conn: sa.Connection, kind: str, ids: Iterable[str], deleted_at: dt.datetime, coach: str
) -> dict[str, set[str]]:
    """Before deleting ``ids``: write tombstones for them and everything in them."""
    records = subtree(conn, kind, ids)
    bury(conn, records, deleted_at, coach)
    return records


def tombstone_of(conn: sa.Connection, kind: str, ident: str) -> tuple[dt.datetime, str] | None:
    """(deleted_at, coach) if the record was deleted for good here."""
    table = Tombstone.__table__  # type: ignore[attr-defined]
    row = conn.execute(
        sa.select(table.c.deleted_at, table.c.coach).where(table.c.kind == kind, table.c.id == ident)
    ).first()
    return (row.deleted_at, row.coach) if row is not None else None
