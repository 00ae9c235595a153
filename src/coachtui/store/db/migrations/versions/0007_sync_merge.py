"""Sync merges field by field: the last synced version of each record, and conflicts.

* ``sync_base``: per hub, the version of each record both sides last agreed on (its
  synced fields as JSON). Sync compares each side with it to tell which fields
  changed where: a field changed on one side only takes that side's value; a field
  changed on both sides is a conflict (``store/sync/merge.py``).
* ``sync_conflict``: a field two coaches changed differently before either synced.
  The record keeps the newer value; both texts stay here, where the coach sees them
  and chooses (keep mine, keep theirs, keep both).

Neither table is a record that travels: they have no change-log triggers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_base",
        sa.Column("hub_id", sa.String(), primary_key=True),
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("content", sa.Text(), nullable=False),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("mine", sa.Text(), nullable=False),
        sa.Column("theirs", sa.Text(), nullable=False),
        sa.Column("kept", sa.String(), nullable=False),
        sa.Column("mine_by", sa.String(), nullable=False, server_default=""),
        sa.Column("theirs_by", sa.String(), nullable=False, server_default=""),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hub", sa.String(), nullable=False, server_default=""),
    )
    op.create_index("ix_sync_conflict_record", "sync_conflict", ["kind", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_conflict_record", "sync_conflict")
    op.drop_table("sync_conflict")
    op.drop_table("sync_base")
