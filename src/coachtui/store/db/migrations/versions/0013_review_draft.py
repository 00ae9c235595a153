"""Review notes typed before their mark, kept with their session.

``coaching_session.review_draft``: the notes a coach typed on the Review step for
actions not yet marked (done, in progress, stuck, dropped), as a small JSON object
(action id -> note), or ''. A review is a mark and a note, so such a note becomes a
review only once the action is marked; until then it is saved here as it is typed,
like the half-typed action (0006), so a crash, a kill or leaving the session loses
none of it, and the Review step shows it again when the draft is resumed. It is this
laptop's working state: it is not exported and does not travel with a sync.

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("coaching_session", sa.Column("review_draft", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both engines (SQLite 3.35 on), as 0009 does: a
    # table copy would trip the search index's triggers on coaching_session
    op.drop_column("coaching_session", "review_draft")
