"""Full-text search over sessions: an FTS5 index kept in step by triggers (SQLite).

Indexes each session's title, dilemma, context, question notes and action texts,
and fills the index from the sessions already in the database. On PostgreSQL this
revision changes nothing: search falls back to ILIKE there until a later revision
adds a tsvector column with a GIN index.

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
    search_index.install(op.get_bind())


def downgrade() -> None:
    search_index.uninstall(op.get_bind())
