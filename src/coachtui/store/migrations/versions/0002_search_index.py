"""History search: an FTS5 index kept in step by triggers (SQLite), a covering index.

Indexes each session's title, dilemma, context, question notes and action texts,
and fills the index from the sessions already in the database. On PostgreSQL the
full-text part changes nothing: search falls back to ILIKE there until a later
revision adds a tsvector column with a GIN index.

On both, ``ix_session_created`` (created_at) becomes ``ix_session_timeline``
(created_at, status, primary_category, coach): the history still walks it newest
first, and theme counts and filtered searches read the index without the rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op

from coachtui.store import search_index

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_session_timeline", "coaching_session", ["created_at", "status", "primary_category", "coach"]
    )
    op.drop_index("ix_session_created", table_name="coaching_session")
    search_index.install(op.get_bind())


def downgrade() -> None:
    search_index.uninstall(op.get_bind())
    op.create_index("ix_session_created", "coaching_session", ["created_at"])
    op.drop_index("ix_session_timeline", table_name="coaching_session")
