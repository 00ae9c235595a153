"""Sync with a hub: who changed what, a change log, tombstones, sync state.

* ``updated_by`` on teams, sessions and actions: the coach who made the latest
  change, so that a coach told "this changed since you opened it" hears by whom.
* ``coachtui_meta``: this database's own id (sync keeps its state per hub id, so a
  hub that is re-created from scratch is recognised as a new hub).
* ``sync_clock`` and ``sync_change``: the change counter and the log of which record
  was written at which counter value, kept by triggers (``store/changes.py`` reads them). The
  records already there are logged at value 1, so a first sync takes them all.
* ``tombstone``: ids of records deleted for good (no text), so deletions travel.
* ``sync_state``: per hub, how far pushing and pulling have got.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VERSIONED = ("team", "coaching_session", "action")
# Record kinds and their tables, parents before children.
TABLES = {
    "teams": "team",
    "sessions": "coaching_session",
    "custom_questions": "custom_question",
    "picked_questions": "picked_question",
    "actions": "action",
    "action_reviews": "action_review",
}

# Frozen: the triggers that keep the change log, as this revision made them (the
# store's own change-log code is in store/changes.py).


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
            f"CREATE TRIGGER sync_{table}_ai AFTER INSERT ON {table} BEGIN "
            f"{forget} {bump} {log(repr(kind))} END",
            f"CREATE TRIGGER sync_{table}_au AFTER UPDATE ON {table} BEGIN {bump} {log(repr(kind))} END",
        ]
    statements += [
        f"CREATE TRIGGER sync_tombstone_ai AFTER INSERT ON tombstone BEGIN {bump} {log('new.kind')} END",
        f"CREATE TRIGGER sync_tombstone_au AFTER UPDATE ON tombstone BEGIN {bump} {log('new.kind')} END",
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
            f"CREATE TRIGGER sync_{table} AFTER INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {s}.coachtui_sync_log('{kind}')"
        )
    statements.append(
        f"CREATE TRIGGER sync_tombstone AFTER INSERT OR UPDATE ON tombstone "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.coachtui_sync_log_tombstone()"
    )
    return statements


def _log_everything(conn: sa.Connection) -> None:
    """Log every record already there as written at counter value 1."""
    for kind, table in TABLES.items():
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"INSERT OR REPLACE INTO sync_change (kind, id, seq) SELECT '{kind}', id, 1 FROM {table}")
        else:
            conn.exec_driver_sql(
                f"INSERT INTO sync_change (kind, id, seq) SELECT '{kind}', id, 1 FROM {table} "
                "ON CONFLICT (kind, id) DO UPDATE SET seq = EXCLUDED.seq"
            )


def _drop_triggers(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%' ORDER BY name"
        ).all()
        for (name,) in rows:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        return
    for table in (*TABLES.values(), "tombstone"):
        conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "sync_{table}" ON "{table}"')


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("updated_by", sa.String(), nullable=False, server_default=""))
    meta = op.create_table(
        "coachtui_meta",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    op.bulk_insert(meta, [{"key": "database_id", "value": str(uuid.uuid4())}])
    clock = op.create_table(
        "sync_clock",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(clock, [{"id": 1, "seq": 1}])
    op.create_table(
        "sync_change",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_sync_change_seq", "sync_change", ["seq"])
    op.create_table(
        "tombstone",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("coach", sa.String(), nullable=False, server_default=""),
    )
    op.create_table(
        "sync_state",
        sa.Column("hub_id", sa.String(), primary_key=True),
        sa.Column("hub", sa.String(), nullable=False, server_default=""),
        sa.Column("pushed_seq", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("pulled_seq", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
    )
    conn = op.get_bind()
    _log_everything(conn)
    if conn.dialect.name == "sqlite":
        statements = _sqlite_triggers()
    else:
        statements = _postgres_triggers(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    for statement in statements:
        conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    _drop_triggers(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS coachtui_sync_log()")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS coachtui_sync_log_tombstone()")
    for table in ("sync_state", "tombstone", "sync_change", "sync_clock", "coachtui_meta"):
        op.drop_table(table)
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_by")
