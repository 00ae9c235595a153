"""Indexes on the coach of sessions and of actions.

The history's, the tracker's and the themes' coach filters list every coach named
on a session or an action. Without an index that meant reading every row (the
action table has two rows per session); with one, the store lists the names with
one index probe per name (``HistoryMixin.list_coaches``), however long the history.
The same on SQLite and PostgreSQL.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_session_coach", "coaching_session", ["coach"])
    op.create_index("ix_action_coach", "action", ["coach"])


def downgrade() -> None:
    op.drop_index("ix_action_coach", table_name="action")
    op.drop_index("ix_session_coach", table_name="coaching_session")
