"""The SQLModel tables. Ids are UUID text; every timestamp is timezone-aware UTC.

The schema itself is created and changed only by the Alembic migrations in
``store/migrations``; these classes describe it for queries.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every database.

    SQLite has no timezone type: values are stored as UTC text that sorts in time
    order, and given back tagged as UTC. Naive datetimes are refused on the way in.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware values")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _text(default: str | None = "") -> object:
    """A long text column (TEXT, not VARCHAR)."""
    if default is None:
        return Field(sa_type=sa.Text, nullable=False)
    return Field(default=default, sa_type=sa.Text, nullable=False)


def _stamp() -> object:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Team(SQLModel, table=True):
    __tablename__ = "team"
    __table_args__ = (sa.UniqueConstraint("name_key", name="uq_team_name_key"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(nullable=False)
    # casefolded, trimmed name: team names are unique ignoring case
    name_key: str = Field(nullable=False)
    archived: bool = Field(default=False, nullable=False)
    coach: str = Field(default="", nullable=False)
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
    version: int = Field(default=1, nullable=False)


class CoachingSession(SQLModel, table=True):
    __tablename__ = "coaching_session"
    __table_args__ = (
        sa.Index("ix_session_team_created", "team_id", "created_at"),
        # newest-first history walks this; the other columns let theme counts and
        # filtered searches read the index alone (migration 0002)
        sa.Index("ix_session_timeline", "created_at", "status", "primary_category", "coach"),
        sa.Index("ix_session_status_updated", "status", "updated_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    team_id: str = Field(foreign_key="team.id", ondelete="CASCADE", nullable=False)
    coach: str = Field(default="", nullable=False)
    title: str = Field(default="", nullable=False)
    dilemma: str = _text()
    context: str = _text()
    primary_category: str | None = Field(default=None)
    secondary_category: str | None = Field(default=None)
    category_unsure: bool = Field(default=False, nullable=False)
    suggested_category: str | None = Field(default=None)
    # JSON list of short reasons the suggestion gave, kept as the app showed them
    suggestion_reasons: str = _text("[]")
    step: str = Field(default="team", nullable=False)
    status: str = Field(default="draft", nullable=False)
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
    completed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1, nullable=False)


class PickedQuestion(SQLModel, table=True):
    __tablename__ = "picked_question"
    __table_args__ = (sa.UniqueConstraint("session_id", "question_id", name="uq_picked_session_question"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(foreign_key="coaching_session.id", ondelete="CASCADE", nullable=False)
    question_id: str = Field(nullable=False)
    # a copy of the question's text when it was picked: history stays true
    text: str = _text(None)
    source: str = Field(default="", nullable=False)
    position: int = Field(default=0, nullable=False)
    note: str = _text()
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()


class CustomQuestion(SQLModel, table=True):
    __tablename__ = "custom_question"

    id: str = Field(default_factory=new_id, primary_key=True)
    text: str = _text(None)
    category: str | None = Field(default=None)
    coach: str = Field(default="", nullable=False)
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()


class Action(SQLModel, table=True):
    __tablename__ = "action"
    __table_args__ = (
        sa.Index("ix_action_team_status", "team_id", "status"),
        sa.Index("ix_action_status_due", "status", "due_date"),
        sa.Index("ix_action_session", "session_id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    team_id: str = Field(foreign_key="team.id", ondelete="CASCADE", nullable=False)
    session_id: str = Field(foreign_key="coaching_session.id", ondelete="CASCADE", nullable=False)
    text: str = _text(None)
    owner: str = Field(default="", nullable=False)
    due_date: dt.date | None = Field(default=None)
    position: int = Field(default=0, nullable=False)
    # the latest review's status, or "open": kept in step by the service
    status: str = Field(default="open", nullable=False)
    coach: str = Field(default="", nullable=False)
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
    version: int = Field(default=1, nullable=False)


class ActionReview(SQLModel, table=True):
    __tablename__ = "action_review"
    __table_args__ = (
        sa.Index("ix_review_action_created", "action_id", "created_at"),
        sa.Index("ix_review_session", "session_id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True)
    action_id: str = Field(foreign_key="action.id", ondelete="CASCADE", nullable=False)
    # the session that reviewed it; None when reviewed from the action tracker
    session_id: str | None = Field(default=None, foreign_key="coaching_session.id", ondelete="CASCADE")
    status: str = Field(nullable=False)
    note: str = _text()
    coach: str = Field(default="", nullable=False)
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
