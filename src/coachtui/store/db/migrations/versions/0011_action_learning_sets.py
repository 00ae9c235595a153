"""Action learning sets: a team's members, and meetings with several presenters.

* ``team.members``: the set's members as JSON (name, and the date each left or '');
  '' for an ordinary team. Nobody is removed: a member who leaves is marked.
* ``coaching_session.meeting_id``, ``presenter``, ``turn``: a meeting's first
  presenter is the session as it always was (turn 1, no meeting_id); each later
  presenter is a session of the same team naming the first in ``meeting_id``, in
  turn order. ``presenter`` is the member presenting ('' for an ordinary session).

A database from before keeps every session as it was: one presenter, unnamed. All
of it travels with exports and syncs (an older file or hub row gives the defaults).
The database is backed up before it is migrated, as for every revision.

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("team", sa.Column("members", sa.Text(), nullable=False, server_default=""))
    op.add_column("coaching_session", sa.Column("meeting_id", sa.String(), nullable=True))
    op.add_column("coaching_session", sa.Column("presenter", sa.String(), nullable=False, server_default=""))
    op.add_column("coaching_session", sa.Column("turn", sa.Integer(), nullable=False, server_default="1"))
    op.create_index("ix_session_meeting", "coaching_session", ["meeting_id"])


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both engines (SQLite 3.35 on), as 0009 does
    op.drop_index("ix_session_meeting", table_name="coaching_session")
    op.drop_column("coaching_session", "turn")
    op.drop_column("coaching_session", "presenter")
    op.drop_column("coaching_session", "meeting_id")
    op.drop_column("team", "members")
