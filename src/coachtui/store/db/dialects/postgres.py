"""PostgreSQL: what the store does its own way on a server (see ``dialects/__init__.py``).

History search uses one tsvector per session (``store/db/pg_search.py``), brought up to
date at the end of each write transaction; a running query is stopped by asking the
server to cancel it. Strings sort by code point through the "C" collation.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.orm import Session

from coachtui.store.db import pg_search
from coachtui.store.db.models import encode_text
from coachtui.store.db.query import SearchTerms

FULL_TEXT = "tsvector"
# How often (seconds) a running query looks at ``cancelled``.
CANCEL_POLL_S = 0.005


def after_write(session: Session) -> None:
    """Bring the search index up to date with what the transaction changed."""
    session.flush()
    pg_search.refresh_pending(session.connection())


def after_migrate(conn: sa.Connection) -> None:
    """Index the sessions a migration listed (0003 lists every session)."""
    pg_search.refresh_pending(conn)


def rebuild_search(conn: sa.Connection) -> None:
    pg_search.rebuild(conn)


def insert(table: sa.Table) -> Any:
    return postgres_insert(table)


def code_point_order(column: Any) -> Any:
    # PostgreSQL's default collation may ignore hyphens; "C" does not.
    return column.collate("C") if isinstance(column.type, sa.String) else column


def tsquery(terms: SearchTerms) -> Any:
    """``terms`` as a bound tsquery (see :func:`coachtui.store.db.pg_search.tsquery`)."""
    return sa.cast(sa.bindparam("pg_query", pg_search.tsquery(terms), type_=sa.String), TSQUERY)


class _CancelWatcher:
    """Polls ``cancelled`` while a query runs, and asks the server to cancel the query
    when it returns True (the query then fails with ``QueryCanceled``). PostgreSQL has
    no progress callback like SQLite's."""

    def __init__(self, raw: Any, cancelled: Callable[[], bool]) -> None:
        self._raw = raw
        self._cancelled = cancelled
        self._done = threading.Event()
        self.sent = False
        self._thread = threading.Thread(target=self._run, name="coachtui-cancel", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(CANCEL_POLL_S):
            if self._cancelled():
                cancel = getattr(self._raw, "cancel_safe", None) or self._raw.cancel
                self.sent = True
                with contextlib.suppress(Exception):
                    cancel()
                return

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


@contextlib.contextmanager
def cancel_on(conn: sa.Connection, cancelled: Callable[[], bool]) -> Iterator[None]:
    watcher = _CancelWatcher(conn.connection.dbapi_connection, cancelled)
    try:
        yield
    finally:
        watcher.stop()
        if watcher.sent:
            # a cancel request that arrives late could stop the connection's
            # next statement: do not give this connection to anyone again
            conn.invalidate()


def drop_triggers(conn: sa.Connection, prefix: str) -> list[str]:
    rows = conn.exec_driver_sql(
        "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgname LIKE %(p)s "
        "AND c.relnamespace = current_schema()::regnamespace ORDER BY t.tgname",
        {"p": f"{prefix}%"},
    ).all()
    for name, table, _sql in rows:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}" ON "{table}"')
    return [sql for _name, _table, sql in rows]


def bulk_insert(conn: sa.Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Load rows with COPY. Timestamps are the naive UTC text SQLite keeps, so they
    are marked UTC here; booleans are 0/1, which PostgreSQL reads as booleans. The
    demo texts hold no NUL, so they need no escaping (models.py)."""
    skip = 1 if columns[0] == "rowid" else 0  # SQLite's own
    names = columns[skip:]
    stamps = [index for index, name in enumerate(names) if name.endswith("_at")]
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            values = list(row[skip:])
            for index in stamps:
                if values[index] is not None:
                    values[index] += "+00"
            copy.write_row(values)


def one_of(column: Any, values: Sequence[str]) -> Any:
    # text is stored encoded (models.py): compare with the stored form
    text = json.dumps([encode_text(value) for value in values])
    listed = sa.func.json_array_elements_text(sa.cast(sa.bindparam(None, text, type_=sa.Text), sa.JSON))
    return column.in_(sa.select(listed.table_valued("value").c.value))
