"""Where SQLite and PostgreSQL differ.

``sqlite.py`` and ``postgres.py`` hold everything that is done one way on one engine
and another way on the other; they are the only store modules that name an engine.
Both offer the same calls (:class:`Dialect`); the rest of the store asks :func:`of`
for the one its connection, engine or session uses. A new engine is a new module
here with the same calls, and a line in ``_BY_NAME``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coachtui.store.db.dialects import postgres, sqlite


class Dialect(Protocol):
    """What every dialect module offers."""

    # how history search finds words: "fts5" (SQLite) or "tsvector" (PostgreSQL)
    FULL_TEXT: str

    def after_write(self, session: Session) -> None:
        """The last step of every write transaction."""

    def after_migrate(self, conn: sa.Connection) -> None:
        """The last step of bringing a database's schema up to date."""

    def rebuild_search(self, conn: sa.Connection) -> None:
        """Build the full-text index afresh from the sessions."""

    def insert(self, table: sa.Table) -> Any:
        """An INSERT that can say ``on_conflict_do_update``."""

    def code_point_order(self, column: Any) -> Any:
        """``column`` for ORDER BY, compared as Python compares strings."""

    def cancel_on(
        self, conn: sa.Connection, cancelled: Callable[[], bool]
    ) -> contextlib.AbstractContextManager[None]:
        """While the block runs, stop the connection's query once ``cancelled()``."""

    def drop_triggers(self, conn: sa.Connection, prefix: str) -> list[str]:
        """Drop the triggers whose names start with ``prefix``; return the SQL that
        re-creates them."""

    def bulk_insert(self, conn: sa.Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Load many rows fast (demo data)."""

    def one_of(self, column: Any, values: Sequence[str]) -> Any:
        """``column IN values`` for any number of text values, as one bound parameter
        (a JSON array): one statement instead of one per few hundred values."""


_BY_NAME = {"sqlite": sqlite, "postgresql": postgres}


def of(bind: sa.Connection | sa.Engine | Session) -> Dialect:
    """The dialect a connection, an engine or an ORM session works with."""
    engine_or_conn = bind.get_bind() if isinstance(bind, Session) else bind
    return cast(Dialect, _BY_NAME[engine_or_conn.dialect.name])
