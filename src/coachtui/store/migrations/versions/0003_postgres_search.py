"""Full-text search on PostgreSQL: a tsvector per session with a GIN index.

SQLite already has its FTS5 index (0002); this revision changes nothing there. On
PostgreSQL it creates ``session_search`` (one tsvector per session), the list of
sessions waiting to be indexed and the triggers that fill it, and indexes the
sessions already there. See ``store/pg_search.py``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from alembic import op

from coachtui.store import pg_search

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pg_search.install(op.get_bind())


def downgrade() -> None:
    pg_search.uninstall(op.get_bind())
