"""SQLite: what the store does its own way on a SQLite file (see ``dialects/__init__.py``).

History search uses the FTS5 index ``store/db/search_index.py`` keeps, by triggers, in
step with the sessions; a running query is stopped through SQLite's progress handler.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors

from coachtui.store.db import database, search_index
from coachtui.store.db.query import begins_a_word, marked_begins_a_word

FULL_TEXT = "fts5"
# The cancellation check runs every this many SQLite virtual-machine steps (~1 ms).
PROGRESS_STEPS = 20_000
# The name of query.begins_a_word in SQL (add_search_functions).
BEGINS_A_WORD = "coachtui_begins_a_word"
MARKED_BEGINS_A_WORD = "coachtui_marked_begins_a_word"


def after_write(session: Session) -> None:
    """Nothing: the FTS5 index is kept in step by triggers."""


def after_migrate(conn: sa.Connection) -> None:
    conn.exec_driver_sql(f"PRAGMA application_id = {database.APPLICATION_ID}")


def rebuild_search(conn: sa.Connection) -> None:
    search_index.rebuild(conn)


def insert(table: sa.Table) -> Any:
    return sqlite_insert(table)


def code_point_order(column: Any) -> Any:
    return column  # SQLite compares text byte by byte (BINARY): code point order


@contextlib.contextmanager
def cancel_on(conn: sa.Connection, cancelled: Callable[[], bool]) -> Iterator[None]:
    raw: Any = conn.connection.dbapi_connection
    raw.set_progress_handler(lambda: 1 if cancelled() else 0, PROGRESS_STEPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def add_search_functions(conn: sa.Connection) -> None:
    """SQL functions the search uses on this connection (kept on it: registering one
    again replaces it)."""
    raw: Any = conn.connection.dbapi_connection
    raw.create_function(BEGINS_A_WORD, 2, begins_a_word)
    raw.create_function(MARKED_BEGINS_A_WORD, 2, marked_begins_a_word)


def drop_triggers(conn: sa.Connection, prefix: str) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ORDER BY name",
        (f"{prefix}%",),
    ).all()
    for name, _sql in rows:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in rows]


def bulk_insert(conn: sa.Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


class NoIndex(sa.sql.expression.ColumnElement[Any]):
    """A column SQLite must not use an index for (rendered ``+column``; a no-op
    elsewhere). Without statistics SQLite takes ``status = 'completed'`` for a
    selective condition and picks the (status, updated_at) index, then sorts nearly
    every session; walking the timeline index and checking the status is far faster."""

    inherit_cache = True
    _traverse_internals = [("column", visitors.InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(NoIndex)
def _no_index_default(element: NoIndex, compiler: Any, **kw: Any) -> str:
    column: str = compiler.process(element.column, **kw)
    return column


@compiles(NoIndex, "sqlite")
def _no_index_sqlite(element: NoIndex, compiler: Any, **kw: Any) -> str:
    column: str = compiler.process(element.column, **kw)
    return "+" + column


def one_of(column: Any, values: Sequence[str]) -> Any:
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(list(values)), type_=sa.Text)).table_valued("value")
    return column.in_(sa.select(listed.c.value))
