"""The record tables as plain rows: which model holds each kind of record, and reading
its interchange columns as dicts. Shared by export, import (merge), sync and the
change log."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from coachtui.store.db import dialects
from coachtui.store.db.models import (
    Action,
    ActionReview,
    CoachingSession,
    CustomQuestion,
    PickedQuestion,
    Team,
    table,
)
from coachtui.store.exchange.interchange import SPECS, TableSpec

# How many values one query binds at most (SQL has a limit).
CHUNK = 500
MODELS: dict[str, Any] = {
    "teams": Team,
    "sessions": CoachingSession,
    "picked_questions": PickedQuestion,
    "custom_questions": CustomQuestion,
    "actions": Action,
    "action_reviews": ActionReview,
}


def table_of(key: str) -> sa.Table:
    """The table of a kind of record (``"teams"``, ``"sessions"``...)."""
    return table(MODELS[key])


def select_columns(spec: TableSpec) -> sa.Select[Any]:
    found = table_of(spec.key)
    return sa.select(*(found.c[name] for name in spec.columns))


def fetch(session: Session, key: str, *where: Any) -> list[dict[str, Any]]:
    """The interchange columns of the rows of ``key`` that match ``where``."""
    spec = SPECS[key]
    rows = session.execute(select_columns(spec).where(*where)).all()  # one fetchall, not a fetchone per row
    names = spec.columns
    return [dict(zip(names, row, strict=True)) for row in rows]


def fetch_in(session: Session, key: str, column: str, ids: Iterable[str], *where: Any) -> list[dict[str, Any]]:
    """Rows whose ``column`` is one of ``ids``, a chunk at a time (SQL has a limit on
    how many values one query may bind)."""
    if not where:
        values = sorted(set(ids))
        if not values:
            return []
        if len(values) <= CHUNK:  # the same query as below, built once (exports run thousands)
            rows = session.execute(_select_in(key, column), {"values": values}).all()
            names = SPECS[key].columns
            return [dict(zip(names, row, strict=True)) for row in rows]
        ids = values
    found: list[dict[str, Any]] = []
    for clause in in_clauses(session, table_of(key).c[column], ids):
        found += fetch(session, key, clause, *where)
    return found


@functools.cache
def _select_in(key: str, column: str) -> sa.Select[Any]:
    """The interchange columns of the rows of ``key`` whose ``column`` is one of the
    bound list ``values``."""
    return select_columns(SPECS[key]).where(table_of(key).c[column].in_(sa.bindparam("values", expanding=True)))


def in_clauses(bind: Any, column: Any, ids: Iterable[str]) -> list[Any]:
    """``column IN ids`` as conditions to run one query each: none for no ids, one
    with the values listed for a few, one with them as a single parameter for many
    (SQL has a limit on how many values one query may bind, and compiling long
    lists costs more than the query)."""
    values = sorted(set(ids))
    if not values:
        return []
    if len(values) > CHUNK:
        return [dialects.of(bind).one_of(column, values)]
    return [column.in_(values)]
