"""The action a coach is half-way through typing, kept with its session.

``coaching_session.action_draft``: what is typed in the Actions step's form (the
action, its owner, its due date) and not yet added, as a small JSON object, or ''.
It is saved as the coach types, like the dilemma, so a crash or a kill loses at most
the last second of it, and the form shows it again when the draft is resumed. It is
this laptop's working state: it is not exported and does not travel with a sync.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("coaching_session", sa.Column("action_draft", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("coaching_session") as batch:
        batch.drop_column("action_draft")
