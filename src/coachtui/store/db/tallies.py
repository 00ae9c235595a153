"""Small summary tables the team list and the theme counts read (migration 0014).

At a million sessions, counting a team's sessions and open actions for the team list,
or a year of sessions by category for the themes, reads hundreds of thousands of
index entries each time. Instead the store keeps the answers, a few thousand rows:

* ``team_tally``: per team, its sessions (a meeting counts once: only rows without
  ``meeting_id``), its open actions and the time of its latest session;
* ``theme_tally``: per team, UTC day and category (``''``: none), the completed
  sessions; ``team_id = ''`` holds the same for all teams together.

Triggers on ``team``, ``coaching_session`` and ``action`` keep them current on every
write (their SQL is in the migration), so no code path can forget them. Bulk writes
(demo data, large sync applies) drop the triggers (:func:`suspend_triggers`) and call
:func:`fill` once at the end, in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa

from coachtui.store.db import dialects
from coachtui.store.types import OPEN_STATUSES

TRIGGER_PREFIX = "tally_"
TEAMS = "team_tally"
THEMES = "theme_tally"
ALL_TEAMS = ""  # theme_tally's team_id for the sum over every team
OPEN = "(" + ", ".join(f"'{status}'" for status in OPEN_STATUSES) + ")"  # as SQL (and in migration 0014)


def suspend_triggers(conn: sa.Connection) -> list[str]:
    """Drop the tally triggers, returning the SQL that re-creates them."""
    return dialects.of(conn).drop_triggers(conn, TRIGGER_PREFIX)


def restore_triggers(conn: sa.Connection, statements: list[str]) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)


def day_sql(conn: sa.Connection, column: str) -> str:
    """The UTC day (``YYYY-MM-DD``) of a timestamp column, as the tallies key it."""
    if dialects.of(conn) is dialects.sqlite:
        return f"substr({column}, 1, 10)"
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def fresh_sql(conn: sa.Connection) -> tuple[str, str]:
    """SELECTs of what the two tables should hold, counted from the records."""
    teams = (
        "SELECT t.id, "
        "(SELECT count(*) FROM coaching_session s WHERE s.team_id = t.id AND s.meeting_id IS NULL), "
        f"(SELECT count(*) FROM action a WHERE a.team_id = t.id AND a.status IN {OPEN}), "
        "(SELECT max(s.created_at) FROM coaching_session s WHERE s.team_id = t.id AND s.meeting_id IS NULL) "
        "FROM team t"
    )
    day = day_sql(conn, "created_at")
    per_team = (
        f"SELECT team_id, {day} AS day, coalesce(primary_category, '') AS category, count(*) AS n "
        "FROM coaching_session WHERE status = 'completed' GROUP BY team_id, 2, 3"
    )
    themes = (
        f"SELECT team_id, day, category, n FROM ({per_team}) AS p UNION ALL "
        f"SELECT '{ALL_TEAMS}', day, category, sum(n) FROM ({per_team}) AS q GROUP BY day, category"
    )
    return teams, themes


def fill(conn: sa.Connection) -> None:
    """Count both tables afresh from the records (after a bulk write)."""
    teams, themes = fresh_sql(conn)
    conn.exec_driver_sql(f"DELETE FROM {TEAMS}")
    conn.exec_driver_sql(f"INSERT INTO {TEAMS} (team_id, sessions, open_actions, last_session_at) {teams}")
    conn.exec_driver_sql(f"DELETE FROM {THEMES}")
    conn.exec_driver_sql(f"INSERT INTO {THEMES} (team_id, day, category, n) {themes}")
