"""The team list read straight from an SQLite file with the standard library.

Loading SQLAlchemy and SQLModel costs about half a second; a coach opening coachtui
in a huddle wants the team list at once. :func:`peek_teams` reads it with ``sqlite3``
alone, read-only, so the team step can show it while the store is still opening.
The store's :meth:`~coachtui.store.api.Store.list_teams` stays the authority: the
app shows its answer as soon as the store is open (tests check that both agree).

Only a plain coachtui SQLite file of the current schema is read; anything else (a
URL, a missing file, another program's database, an older or newer schema, an
encrypted file) gives ``None`` and the app simply waits for the store.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING

from coachtui.store.db import database
from coachtui.store.db.target import parse_target
from coachtui.store.errors import StoreError

if TYPE_CHECKING:
    from coachtui.store.basics import TeamInfo

# The same teams, in the same order, as Store.list_teams() (archived teams left out):
# most recently coached first (a team with no session counts from its creation),
# then by name. The counts come from team_tally, as the store's do (kept current by
# triggers, see tallies.py: a meeting counts once): counting each team's sessions
# here took ~45 ms of CPU at 100,000 sessions, on a thread racing the first frame.
_TEAMS_SQL = """
SELECT t.id, t.name, t.archived, t.created_at, y.last_session_at, y.sessions, y.open_actions,
       t.coach, t.version, t.updated_by, t.members
FROM team AS t
LEFT JOIN team_tally AS y ON y.team_id = t.id
WHERE t.archived = 0
ORDER BY coalesce(y.last_session_at, t.created_at) DESC, t.name_key
"""


def _utc(value: str) -> dt.datetime:
    """A stored timestamp (UTC text, as the store writes it) as an aware datetime."""
    stamp = dt.datetime.fromisoformat(value)
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def peek_teams(location: str) -> list[TeamInfo] | None:
    """The teams :meth:`Store.list_teams` would list, or ``None`` when ``location`` is
    not an existing plain coachtui SQLite file of the current schema (or cannot be read
    now). Never writes, never creates anything, never asks for a passphrase.

    An encrypted file is not SQLite to the standard library (its first read fails with
    SQLITE_NOTADB, as the store's own first look does), so it gives ``None`` without
    SQLCipher being loaded or a passphrase tried: the store asks for one.
    """
    # (basics, not types: the first screen waits for its import)
    from coachtui.store.basics import TeamInfo, members_from_json

    try:
        target = parse_target(location)
        if target.path is None or not target.path.is_file() or target.path.stat().st_size == 0:
            return None
        conn = database._inspect_connection(target.path)
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != database.APPLICATION_ID:
                return None
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision is None or revision[0] != database.HEAD_REVISION:
                return None
            rows = conn.execute(_TEAMS_SQL).fetchall()
        finally:
            conn.close()
        return [
            TeamInfo(
                id=ident,
                name=name,
                archived=bool(archived),
                created_at=_utc(created_at),
                last_session_at=_utc(last_at) if last_at is not None else None,
                open_actions=open_actions or 0,
                session_count=sessions or 0,
                coach=coach,
                version=version,
                updated_by=updated_by,
                members=members_from_json(members),
            )
            for ident, name, archived, created_at, last_at, sessions, open_actions, coach, version, updated_by, members
            in rows
        ]
    except (StoreError, OSError, sqlite3.Error, ValueError, TypeError):
        return None
