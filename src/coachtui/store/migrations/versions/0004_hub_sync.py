"""Sync with a hub: who changed what, a change log, tombstones, sync state.

* ``updated_by`` on teams, sessions and actions: the coach who made the latest
  change, so that a coach told "this changed since you opened it" hears by whom.
* ``coachtui_meta``: this database's own id (sync keeps its state per hub id, so a
  hub that is re-created from scratch is recognised as a new hub).
* ``sync_clock`` and ``sync_change``: the change counter and the log of which record
  was written at which counter value, kept by triggers (``store/changes.py``). The
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

from coachtui.store import changes
from coachtui.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VERSIONED = ("team", "coaching_session", "action")


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
        sa.Column("deleted_at", UTCDateTime(), nullable=False),
        sa.Column("coach", sa.String(), nullable=False, server_default=""),
    )
    op.create_table(
        "sync_state",
        sa.Column("hub_id", sa.String(), primary_key=True),
        sa.Column("hub", sa.String(), nullable=False, server_default=""),
        sa.Column("pushed_seq", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("pulled_seq", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("synced_at", UTCDateTime(), nullable=False),
    )
    conn = op.get_bind()
    changes.touch_all(conn, 1)
    changes.install_triggers(conn)


def downgrade() -> None:
    conn = op.get_bind()
    changes.suspend_triggers(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS coachtui_sync_log()")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS coachtui_sync_log_tombstone()")
    for table in ("sync_state", "tombstone", "sync_change", "sync_clock", "coachtui_meta"):
        op.drop_table(table)
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_by")
