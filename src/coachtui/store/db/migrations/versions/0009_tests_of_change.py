"""Tests of change: an action's prediction, and what a review of it learned.

* ``action.prediction``: what the team expects an action to do, when it is a test of
  change ("we expect…"); '' for an ordinary action.
* ``action_review.learning``: what the team learned from how it went. The review's
  ``note`` stays what happened, so a test reads prediction → result → learning.

Both travel with exports and syncs (an older file or hub row without them gives '').
The database is backed up before it is migrated, as for every revision.

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("action", sa.Column("prediction", sa.Text(), nullable=False, server_default=""))
    op.add_column("action_review", sa.Column("learning", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both engines (SQLite 3.35 on): a batch copy of
    # the table would trip the search index's triggers on SQLite
    op.drop_column("action_review", "learning")
    op.drop_column("action", "prediction")
