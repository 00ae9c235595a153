"""Shared check: the search index holds exactly what the tables say."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coachtui.store.db import search_index


def assert_in_step(db: Path) -> int:
    """The index holds exactly what the tables say, and FTS5 agrees with itself.
    Returns the number of indexed sessions."""
    conn = sqlite3.connect(db)
    try:
        expected = conn.execute(search_index.expected_rows_sql()).fetchall()
        indexed = conn.execute(search_index.indexed_rows_sql()).fetchall()
        assert indexed == expected
        conn.execute(f"INSERT INTO {search_index.TABLE}({search_index.TABLE}) VALUES ('integrity-check')")
        conn.rollback()
        return len(indexed)
    finally:
        conn.close()
