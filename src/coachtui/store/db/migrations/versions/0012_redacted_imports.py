"""Records that came in from a redacted export: ``redacted_import`` holds their kind
and id (nothing of what they say), so a full export of the same records can replace
the pseudonyms ("Coach A", "Team 3F9A2C") with the real text. Not a record that
travels: no change-log triggers.

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redacted_import",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("id", sa.String(), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("redacted_import")
