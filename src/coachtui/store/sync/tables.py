"""The tables sync keeps for itself (migration 0007): the last synced version of each
record per hub, and the conflicts the coach has not settled yet. Values are JSON
(ASCII), so any text a coach typed is kept exactly on every database."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from coachtui.store.db.models import UTCDateTime


class SyncBase(SQLModel, table=True):
    """Per hub, a record as both sides last agreed on it: its synced fields."""

    __tablename__ = "sync_base"

    hub_id: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    content: str = Field(sa_type=sa.Text, nullable=False)


class SyncConflict(SQLModel, table=True):
    """A field changed differently on both sides: ``mine`` is this laptop's value,
    ``theirs`` the hub's; ``kept`` says which one the record holds now."""

    __tablename__ = "sync_conflict"
    __table_args__ = (sa.Index("ix_sync_conflict_record", "kind", "record_id"),)

    id: str = Field(primary_key=True)
    kind: str = Field(nullable=False)
    record_id: str = Field(nullable=False)
    field: str = Field(nullable=False)
    mine: str = Field(sa_type=sa.Text, nullable=False)
    theirs: str = Field(sa_type=sa.Text, nullable=False)
    kept: str = Field(nullable=False)
    mine_by: str = Field(default="", nullable=False, sa_column_kwargs={"server_default": ""})
    theirs_by: str = Field(default="", nullable=False, sa_column_kwargs={"server_default": ""})
    found_at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False)
    hub: str = Field(default="", nullable=False, sa_column_kwargs={"server_default": ""})


def table_of_model(model: type[SQLModel]) -> sa.Table:
    """The table behind a SQLModel class (typed: SQLModel does not declare it)."""
    found = getattr(model, "__table__", None)
    assert isinstance(found, sa.Table)
    return found


# The ``field`` of a conflict between a deletion from elsewhere and edits made here
# (``conflicts.DELETED``).
DELETED = "(deleted)"

BASE = table_of_model(SyncBase)
CONFLICT = table_of_model(SyncConflict)
