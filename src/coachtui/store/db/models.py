"""The SQLModel tables. Ids are UUID text; every timestamp is timezone-aware UTC.

The schema itself is created and changed only by the Alembic migrations in
``store/db/migrations``; these classes describe it for queries.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def table(model: type[SQLModel]) -> sa.Table:
    """The table of a model class, for SQL written with SQLAlchemy Core (SQLModel
    sets ``__table__`` on each class but does not declare it)."""
    return cast(sa.Table, sa.inspect(model).local_table)


# Where new ids come from in this thread: random (None), or a seeded source while
# demo data is written through the store (the same --seed gives the same ids).
_ID_SOURCE: contextvars.ContextVar[Callable[[], str] | None] = contextvars.ContextVar("coachtui_ids", default=None)


def new_id() -> str:
    source = _ID_SOURCE.get()
    return source() if source is not None else str(uuid.uuid4())


@contextlib.contextmanager
def ids_from(source: Callable[[], str]) -> Iterator[None]:
    """New records written by this thread meanwhile take their ids from ``source``."""
    token = _ID_SOURCE.set(source)
    try:
        yield
    finally:
        _ID_SOURCE.reset(token)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
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

    def result_processor(self, dialect: sa.Dialect, coltype: Any) -> Any:
        """On SQLite, the stored text read straight into a UTC datetime (one call per
        value instead of SQLAlchemy's parse and then ours: a sync reads ~200,000)."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        fallback = super().result_processor(dialect, coltype)

        def process(value: Any) -> dt.datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                if len(value) == 26 and value[10] == " " and value[19] == ".":
                    # As the store writes it (UTC, no offset): read as UTC at once, many
                    # times quicker than datetime.replace(tzinfo=...) afterwards.
                    try:
                        return dt.datetime.fromisoformat(value + "+00:00")
                    except ValueError:
                        pass
                try:
                    parsed = dt.datetime.fromisoformat(value)
                except ValueError:
                    return fallback(value) if fallback else None
                return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
            return fallback(value) if fallback else value

        return process


# PostgreSQL refuses NUL ("\x00") in text, while coachtui promises that any text a
# coach types or pastes is stored exactly. On PostgreSQL only, text columns store NUL
# as ESCAPE + "0" and the escape character itself as ESCAPE + ESCAPE: a reversible
# encoding that leaves every other character (and so searching and sorting of
# ordinary text) as it was. The escape is a private-use character of plane 16, which
# no keyboard or script produces; if one is pasted, it is escaped like NUL.
ESCAPE = "\U0010fffd"
# ESCAPE + ESCAPE, ESCAPE + "0", or a lone ESCAPE at the very end (a value cut short
# by ``substr`` for a preview: the escape lost its partner, so it is dropped).
_ENCODED = re.compile(ESCAPE + "([" + ESCAPE + "0]|\\Z)")
_DECODED = {ESCAPE: ESCAPE, "0": "\x00", "": ""}


def encode_text(value: str) -> str:
    """``value`` as PostgreSQL stores it (see ESCAPE)."""
    if "\x00" not in value and ESCAPE not in value:
        return value
    return value.replace(ESCAPE, ESCAPE + ESCAPE).replace("\x00", ESCAPE + "0")


def decode_text(value: str) -> str:
    """The inverse of :func:`encode_text`."""
    if ESCAPE not in value:
        return value
    return _ENCODED.sub(lambda m: _DECODED[m.group(1)], value)


class _SafeTextMixin:
    """Stores any Python text exactly, NUL included, on every database."""

    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        if value is None or dialect.name == "sqlite":
            return value
        return encode_text(value)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> str | None:
        if value is None or dialect.name == "sqlite":
            return value
        return decode_text(value)

    # On SQLite text is stored as given: no per-value call at all, either way (a sync
    # reads hundreds of thousands of values).
    def bind_processor(self, dialect: sa.Dialect) -> Any:
        if dialect.name == "sqlite":
            return None
        return cast(Any, super()).bind_processor(dialect)

    def result_processor(self, dialect: sa.Dialect, coltype: Any) -> Any:
        if dialect.name == "sqlite":
            return None
        inner = cast(Any, self).impl_instance.result_processor(dialect, coltype)
        if inner is not None:
            return cast(Any, super()).result_processor(dialect, coltype)

        def process(value: str | None) -> str | None:
            return value if value is None or ESCAPE not in value else decode_text(value)

        return process

    def literal_processor(self, dialect: sa.Dialect) -> None:  # pragma: no cover - never used for text
        return None

    @property
    def python_type(self) -> type:
        return str


class SafeString(_SafeTextMixin, sa.types.TypeDecorator[str]):
    """A short text column (names, ids, categories) that keeps any text exactly."""

    impl = sa.String
    cache_ok = True


class SafeText(_SafeTextMixin, sa.types.TypeDecorator[str]):
    """A long text column (TEXT, not VARCHAR) that keeps any text exactly."""

    impl = sa.Text
    cache_ok = True


# Marks a column added after export format 1 was first written (migration 0004 on): a
# file without it is still a version 1 export, and the column's default fills it in.
LATER: dict[str, Any] = {"info": {"later": True}}


def _text(default: str | None = "", **kwargs: Any) -> Any:
    """A long text column (TEXT, not VARCHAR)."""
    if default is None:
        return Field(sa_type=SafeText, nullable=False, **kwargs)
    return Field(default=default, sa_type=SafeText, nullable=False, **kwargs)


def _string(default: str | None = "", **kwargs: Any) -> Any:
    """A short text column; ``default=None`` for a required one."""
    if default is None:
        return Field(sa_type=SafeString, nullable=False, **kwargs)
    return Field(default=default, sa_type=SafeString, nullable=False, **kwargs)


def _id() -> Any:
    return Field(default_factory=new_id, primary_key=True, sa_type=SafeString)


def _ref(target: str, *, required: bool = True) -> Any:
    if required:
        return Field(sa_type=SafeString, foreign_key=target, ondelete="CASCADE", nullable=False)
    return Field(default=None, sa_type=SafeString, foreign_key=target, ondelete="CASCADE")


def _optional() -> Any:
    return Field(default=None, sa_type=SafeString)


def _stamp() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Team(SQLModel, table=True):
    __tablename__ = "team"
    __table_args__ = (sa.UniqueConstraint("name_key", name="uq_team_name_key"),)

    id: str = _id()
    name: str = _string(None)
    # casefolded, trimmed name: team names are unique ignoring case
    name_key: str = _string(None)
    archived: bool = Field(default=False, nullable=False)
    coach: str = _string()
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
    version: int = Field(default=1, nullable=False)
    # the coach who made the latest change (migration 0004)
    updated_by: str = _string(sa_column_kwargs=LATER)
    # An action learning set's members, as JSON: [{"name": ..., "left": "YYYY-MM-DD"
    # or ""}, ...]; '' for an ordinary team. A member who leaves is marked, never
    # removed, so their history keeps its name (migration 0011).
    members: str = _text(sa_column_kwargs=LATER)


class CoachingSession(SQLModel, table=True):
    __tablename__ = "coaching_session"
    __table_args__ = (
        sa.Index("ix_session_team_created", "team_id", "created_at"),
        # newest-first history walks this; the other columns let theme counts and
        # filtered searches read the index alone (migration 0002)
        sa.Index("ix_session_timeline", "created_at", "status", "primary_category", "coach"),
        sa.Index("ix_session_status_updated", "status", "updated_at"),
        # the coach filter lists the coaches one index probe each (migration 0005)
        sa.Index("ix_session_coach", "coach"),
        # a meeting's later presenters (migration 0011)
        sa.Index("ix_session_meeting", "meeting_id"),
    )

    id: str = _id()
    team_id: str = _ref("team.id")
    coach: str = _string()
    title: str = _string()
    dilemma: str = _text()
    context: str = _text()
    primary_category: str | None = _optional()
    secondary_category: str | None = _optional()
    category_unsure: bool = Field(default=False, nullable=False)
    suggested_category: str | None = _optional()
    # JSON list of short reasons the suggestion gave, kept as the app showed them
    suggestion_reasons: str = _text("[]")
    step: str = _string("team")
    status: str = _string("draft")
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
    completed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1, nullable=False)
    updated_by: str = _string(sa_column_kwargs=LATER)
    # JSON of the action half-typed in the Actions step, or '' (migration 0006)
    action_draft: str = _text()
    # JSON of review notes typed before their action's mark, or '' (migration 0013)
    review_draft: str = _text(sa_column_kwargs=LATER)
    # the summary step's "what we learned today", or '' (migration 0010)
    insight: str = _text(sa_column_kwargs=LATER)
    # A meeting of an action learning set holds several presenters in turn. The
    # session a meeting starts as is presenter 1 (turn 1, meeting_id None); each
    # later presenter is a session of the same team with meeting_id naming it and
    # its own dilemma, category, questions and actions. ``presenter``: the member
    # presenting ('' for an ordinary session). Migration 0011.
    meeting_id: str | None = Field(default=None, sa_type=SafeString, sa_column_kwargs=LATER)
    presenter: str = _string(sa_column_kwargs=LATER)
    turn: int = Field(default=1, nullable=False, sa_column_kwargs=LATER)


class PickedQuestion(SQLModel, table=True):
    __tablename__ = "picked_question"
    __table_args__ = (sa.UniqueConstraint("session_id", "question_id", name="uq_picked_session_question"),)

    id: str = _id()
    session_id: str = _ref("coaching_session.id")
    question_id: str = _string(None)
    # a copy of the question's text when it was picked: history stays true
    text: str = _text(None)
    source: str = _string()
    position: int = Field(default=0, nullable=False)
    note: str = _text()
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()


class CustomQuestion(SQLModel, table=True):
    __tablename__ = "custom_question"

    id: str = _id()
    text: str = _text(None)
    category: str | None = _optional()
    coach: str = _string()
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()


class Action(SQLModel, table=True):
    __tablename__ = "action"
    __table_args__ = (
        sa.Index("ix_action_team_status", "team_id", "status"),
        sa.Index("ix_action_status_due", "status", "due_date"),
        sa.Index("ix_action_session", "session_id"),
        sa.Index("ix_action_coach", "coach"),  # migration 0005
        # ix_action_tracker (migration 0014): the tracker's order as expressions,
        # which the models cannot state the same way on both engines
    )

    id: str = _id()
    team_id: str = _ref("team.id")
    session_id: str = _ref("coaching_session.id")
    text: str = _text(None)
    owner: str = _string()
    due_date: dt.date | None = Field(default=None)
    position: int = Field(default=0, nullable=False)
    # the latest review's status, or "open": kept in step by the service
    status: str = _string("open")
    coach: str = _string()
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
    version: int = Field(default=1, nullable=False)
    updated_by: str = _string(sa_column_kwargs=LATER)
    # A test of change: what the team expects to happen ('' for an ordinary action;
    # migration 0009)
    prediction: str = _text(sa_column_kwargs=LATER)


class ActionReview(SQLModel, table=True):
    __tablename__ = "action_review"
    __table_args__ = (
        sa.Index("ix_review_action_created", "action_id", "created_at"),
        sa.Index("ix_review_session", "session_id"),
    )

    id: str = _id()
    action_id: str = _ref("action.id")
    # the session that reviewed it; None when reviewed from the action tracker
    session_id: str | None = _ref("coaching_session.id", required=False)
    status: str = _string(None)
    # what happened (for a test of change: the result beside its prediction)
    note: str = _text()
    coach: str = _string()
    created_at: dt.datetime = _stamp()
    updated_at: dt.datetime = _stamp()
    # what the team learned from it (a test of change; migration 0009)
    learning: str = _text(sa_column_kwargs=LATER)


# --- summaries kept by triggers (migration 0014, store/db/tallies.py) -------------------


class TeamTally(SQLModel, table=True):
    """Per team: its sessions (a meeting once), open actions and latest session."""

    __tablename__ = "team_tally"

    team_id: str = Field(primary_key=True, sa_type=SafeString)
    sessions: int = Field(default=0, nullable=False)
    open_actions: int = Field(default=0, nullable=False)
    last_session_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class ThemeTally(SQLModel, table=True):
    """Completed sessions per team (``''``: every team), UTC day and category
    (``''``: none)."""

    __tablename__ = "theme_tally"

    team_id: str = Field(primary_key=True, sa_type=SafeString)
    day: str = Field(primary_key=True, sa_type=SafeString)
    category: str = Field(primary_key=True, sa_type=SafeString)
    n: int = Field(default=0, nullable=False)


# --- sync and deletions (migration 0004) ---------------------------------------------


class Tombstone(SQLModel, table=True):
    """A record deleted for good: which one, when and by whom, and nothing of what it
    said (ids only), so deletions can travel to the hub and other laptops."""

    __tablename__ = "tombstone"

    kind: str = Field(primary_key=True, sa_type=SafeString)
    id: str = Field(primary_key=True, sa_type=SafeString)
    deleted_at: dt.datetime = _stamp()
    coach: str = _string()


class RedactedImport(SQLModel, table=True):
    """A record that came in from a redacted export (its names are pseudonyms): a full
    export of the same record replaces it (ids only)."""

    __tablename__ = "redacted_import"

    kind: str = Field(primary_key=True, sa_type=SafeString)
    id: str = Field(primary_key=True, sa_type=SafeString)


class SyncChange(SQLModel, table=True):
    """The change log sync reads: for every record (or tombstone) written, the
    value of the database's change counter when it was last written. Kept by
    triggers, so no code path can forget it."""

    __tablename__ = "sync_change"
    __table_args__ = (sa.Index("ix_sync_change_seq", "seq"),)

    kind: str = Field(primary_key=True, sa_type=SafeString)
    id: str = Field(primary_key=True, sa_type=SafeString)
    seq: int = Field(sa_type=sa.BigInteger, nullable=False)


class SyncState(SQLModel, table=True):
    """How far this database has synced with each hub (keyed by the hub's id)."""

    __tablename__ = "sync_state"

    hub_id: str = Field(primary_key=True, sa_type=SafeString)
    hub: str = _string()  # where it was, for people (password hidden)
    pushed_seq: int = Field(default=0, sa_type=sa.BigInteger, nullable=False)
    pulled_seq: int = Field(default=0, sa_type=sa.BigInteger, nullable=False)
    synced_at: dt.datetime = _stamp()


class SyncClock(SQLModel, table=True):
    """The change counter (one row, id 1): see ``store/sync/changes.py``."""

    __tablename__ = "sync_clock"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = Field(sa_type=sa.BigInteger, nullable=False)


class Meta(SQLModel, table=True):
    """Facts about the database itself (``database_id``: a random id, given when
    it was created or migrated to 0004, that names it to sync)."""

    __tablename__ = "coachtui_meta"

    key: str = Field(primary_key=True)
    value: str = Field(nullable=False)
