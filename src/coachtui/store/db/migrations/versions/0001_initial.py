"""Initial schema: teams, coaching sessions, picked and custom questions, actions, reviews.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("coach", sa.String(), nullable=False, server_default=""),
        *_stamps(),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.UniqueConstraint("name_key", name="uq_team_name_key"),
    )
    op.create_table(
        "coaching_session",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("team_id", sa.String(), sa.ForeignKey("team.id", ondelete="CASCADE"), nullable=False),
        sa.Column("coach", sa.String(), nullable=False, server_default=""),
        sa.Column("title", sa.String(), nullable=False, server_default=""),
        sa.Column("dilemma", sa.Text(), nullable=False, server_default=""),
        sa.Column("context", sa.Text(), nullable=False, server_default=""),
        sa.Column("primary_category", sa.String(), nullable=True),
        sa.Column("secondary_category", sa.String(), nullable=True),
        sa.Column("category_unsure", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("suggested_category", sa.String(), nullable=True),
        sa.Column("suggestion_reasons", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("step", sa.String(), nullable=False, server_default="team"),
        sa.Column("status", sa.String(), nullable=False, server_default="draft"),
        *_stamps(),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_session_team_created", "coaching_session", ["team_id", "created_at"])
    op.create_index("ix_session_created", "coaching_session", ["created_at"])
    op.create_index("ix_session_status_updated", "coaching_session", ["status", "updated_at"])
    op.create_table(
        "picked_question",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column(
            "session_id",
            sa.String(),
            sa.ForeignKey("coaching_session.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(), nullable=False, server_default=""),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        *_stamps(),
        sa.UniqueConstraint("session_id", "question_id", name="uq_picked_session_question"),
    )
    op.create_table(
        "custom_question",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("coach", sa.String(), nullable=False, server_default=""),
        *_stamps(),
    )
    op.create_table(
        "action",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("team_id", sa.String(), sa.ForeignKey("team.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "session_id",
            sa.String(),
            sa.ForeignKey("coaching_session.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False, server_default=""),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("status", sa.String(), nullable=False, server_default="open"),
        sa.Column("coach", sa.String(), nullable=False, server_default=""),
        *_stamps(),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_action_team_status", "action", ["team_id", "status"])
    op.create_index("ix_action_status_due", "action", ["status", "due_date"])
    op.create_index("ix_action_session", "action", ["session_id"])
    op.create_table(
        "action_review",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("action_id", sa.String(), sa.ForeignKey("action.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "session_id",
            sa.String(),
            sa.ForeignKey("coaching_session.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("coach", sa.String(), nullable=False, server_default=""),
        *_stamps(),
    )
    op.create_index("ix_review_action_created", "action_review", ["action_id", "created_at"])
    op.create_index("ix_review_session", "action_review", ["session_id"])


def downgrade() -> None:
    for table in ("action_review", "action", "custom_question", "picked_question", "coaching_session", "team"):
        op.drop_table(table)
