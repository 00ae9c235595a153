"""Summary tables kept by triggers, and the tracker's index: a million sessions stay
interactive (issue 19).

* ``team_tally``: per team, its sessions (a meeting once), its open actions and when
  its latest session was; the team list reads it instead of counting.
* ``theme_tally``: per team, UTC day and category (``''``: none), the completed
  sessions; ``team_id = ''`` sums every team. The theme counts add up days instead of
  reading a year of sessions.
* Triggers on ``team``, ``coaching_session`` and ``action`` keep both current on
  every write (``tally_*``: bulk writes drop them and count afresh once,
  ``store/db/tallies.py``). Decrements only update: a row a decrement would need is
  never missing, as an increment or the fill made it.
* ``ix_action_tracker``: the tracker's order (open first, by due date, no date last,
  then by when made) as an index, so its first page including closed actions reads
  a hundred index entries instead of sorting every action.

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OPEN = "('open', 'in_progress', 'stuck')"
TRACKER_INDEX = (
    f"CREATE INDEX ix_action_tracker ON action ((status NOT IN {OPEN}), "
    "(coalesce(due_date, '9999-12-31')), created_at, id)"
)


def _sqlite_triggers() -> list[str]:
    def day(row: str) -> str:
        return f"substr({row}.created_at, 1, 10)"

    def themes_add(row: str) -> str:
        statements = []
        for team in (f"{row}.team_id", "''"):
            key = f"team_id = {team} AND day = {day(row)} AND category = coalesce({row}.primary_category, '')"
            statements.append(
                f"UPDATE theme_tally SET n = n + 1 WHERE {key} AND {row}.status = 'completed'; "
                f"INSERT INTO theme_tally (team_id, day, category, n) "
                f"SELECT {team}, {day(row)}, coalesce({row}.primary_category, ''), 1 "
                f"WHERE {row}.status = 'completed' AND NOT EXISTS (SELECT 1 FROM theme_tally WHERE {key});"
            )
        return " ".join(statements)

    def themes_remove(row: str) -> str:
        return (
            f"UPDATE theme_tally SET n = n - 1 WHERE team_id IN ({row}.team_id, '') AND day = {day(row)} "
            f"AND category = coalesce({row}.primary_category, '') AND {row}.status = 'completed';"
        )

    def latest(team: str) -> str:
        return (
            f"(SELECT s.created_at FROM coaching_session s WHERE s.team_id = {team} AND s.meeting_id IS NULL "
            "ORDER BY s.created_at DESC LIMIT 1)"
        )

    add_session = (
        "UPDATE team_tally SET sessions = sessions + 1, last_session_at = CASE WHEN last_session_at IS NULL "
        "OR new.created_at > last_session_at THEN new.created_at ELSE last_session_at END "
        "WHERE team_id = new.team_id AND new.meeting_id IS NULL;"
    )
    remove_session = (
        f"UPDATE team_tally SET sessions = sessions - 1, last_session_at = {latest('old.team_id')} "
        "WHERE team_id = old.team_id AND old.meeting_id IS NULL;"
    )
    moved = " OR ".join(
        f"old.{name} IS NOT new.{name}" for name in ("team_id", "status", "primary_category", "created_at", "meeting_id")
    )
    open_moved = "old.team_id IS NOT new.team_id OR old.status IS NOT new.status"
    return [
        "CREATE TRIGGER tally_team_ai AFTER INSERT ON team BEGIN "
        "INSERT INTO team_tally (team_id, sessions, open_actions, last_session_at) SELECT new.id, 0, 0, NULL "
        "WHERE NOT EXISTS (SELECT 1 FROM team_tally WHERE team_id = new.id); END",
        "CREATE TRIGGER tally_team_ad AFTER DELETE ON team BEGIN "
        "DELETE FROM team_tally WHERE team_id = old.id; DELETE FROM theme_tally WHERE team_id = old.id; END",
        f"CREATE TRIGGER tally_session_ai AFTER INSERT ON coaching_session BEGIN {add_session} {themes_add('new')} END",
        f"CREATE TRIGGER tally_session_ad AFTER DELETE ON coaching_session BEGIN {remove_session} "
        f"{themes_remove('old')} END",
        "CREATE TRIGGER tally_session_au AFTER UPDATE OF team_id, status, primary_category, created_at, meeting_id "
        f"ON coaching_session WHEN {moved} BEGIN {remove_session} {themes_remove('old')} "
        f"UPDATE team_tally SET sessions = sessions + 1, last_session_at = {latest('new.team_id')} "
        f"WHERE team_id = new.team_id AND new.meeting_id IS NULL; {themes_add('new')} END",
        "CREATE TRIGGER tally_action_ai AFTER INSERT ON action BEGIN UPDATE team_tally "
        f"SET open_actions = open_actions + 1 WHERE team_id = new.team_id AND new.status IN {OPEN}; END",
        "CREATE TRIGGER tally_action_ad AFTER DELETE ON action BEGIN UPDATE team_tally "
        f"SET open_actions = open_actions - 1 WHERE team_id = old.team_id AND old.status IN {OPEN}; END",
        f"CREATE TRIGGER tally_action_au AFTER UPDATE OF team_id, status ON action WHEN {open_moved} BEGIN "
        f"UPDATE team_tally SET open_actions = open_actions - 1 WHERE team_id = old.team_id AND old.status IN {OPEN}; "
        f"UPDATE team_tally SET open_actions = open_actions + 1 WHERE team_id = new.team_id AND new.status IN {OPEN}; "
        "END",
    ]


def _postgres_triggers(schema: str) -> list[str]:
    s = '"' + schema.replace('"', '""') + '"'
    day = "to_char({row}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    latest = (
        f"(SELECT x.created_at FROM {s}.coaching_session x WHERE x.team_id = {{team}} AND x.meeting_id IS NULL "
        "ORDER BY x.created_at DESC LIMIT 1)"
    )
    session_function = (
        f"CREATE FUNCTION {s}.coachtui_tally_session() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF TG_OP <> 'INSERT' THEN\n"
        "    IF OLD.status = 'completed' THEN\n"
        f"      UPDATE {s}.theme_tally SET n = n - 1 WHERE team_id IN (OLD.team_id, '') "
        f"AND day = {day.format(row='OLD')} AND category = coalesce(OLD.primary_category, '');\n"
        "    END IF;\n"
        "    IF OLD.meeting_id IS NULL THEN\n"
        f"      UPDATE {s}.team_tally SET sessions = sessions - 1, last_session_at = {latest.format(team='OLD.team_id')} "
        "WHERE team_id = OLD.team_id;\n"
        "    END IF;\n"
        "  END IF;\n"
        "  IF TG_OP <> 'DELETE' THEN\n"
        "    IF NEW.status = 'completed' THEN\n"
        f"      INSERT INTO {s}.theme_tally AS t (team_id, day, category, n) VALUES "
        f"(NEW.team_id, {day.format(row='NEW')}, coalesce(NEW.primary_category, ''), 1), "
        f"('', {day.format(row='NEW')}, coalesce(NEW.primary_category, ''), 1) "
        "ON CONFLICT (team_id, day, category) DO UPDATE SET n = t.n + 1;\n"
        "    END IF;\n"
        "    IF NEW.meeting_id IS NULL THEN\n"
        f"      UPDATE {s}.team_tally SET sessions = sessions + 1, "
        "last_session_at = greatest(last_session_at, NEW.created_at) WHERE team_id = NEW.team_id;\n"
        "    END IF;\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    action_function = (
        f"CREATE FUNCTION {s}.coachtui_tally_action() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"  IF TG_OP <> 'INSERT' AND OLD.status IN {OPEN} THEN\n"
        f"    UPDATE {s}.team_tally SET open_actions = open_actions - 1 WHERE team_id = OLD.team_id;\n"
        "  END IF;\n"
        f"  IF TG_OP <> 'DELETE' AND NEW.status IN {OPEN} THEN\n"
        f"    UPDATE {s}.team_tally SET open_actions = open_actions + 1 WHERE team_id = NEW.team_id;\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    team_function = (
        f"CREATE FUNCTION {s}.coachtui_tally_team() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF TG_OP = 'INSERT' THEN\n"
        f"    INSERT INTO {s}.team_tally (team_id, sessions, open_actions, last_session_at) "
        "VALUES (NEW.id, 0, 0, NULL) ON CONFLICT (team_id) DO NOTHING;\n"
        "  ELSE\n"
        f"    DELETE FROM {s}.team_tally WHERE team_id = OLD.id;\n"
        f"    DELETE FROM {s}.theme_tally WHERE team_id = OLD.id;\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    moved = " OR ".join(
        f"OLD.{name} IS DISTINCT FROM NEW.{name}"
        for name in ("team_id", "status", "primary_category", "created_at", "meeting_id")
    )
    return [
        session_function,
        action_function,
        team_function,
        f"CREATE TRIGGER tally_team AFTER INSERT OR DELETE ON team FOR EACH ROW EXECUTE FUNCTION {s}.coachtui_tally_team()",
        "CREATE TRIGGER tally_session AFTER INSERT OR DELETE ON coaching_session "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.coachtui_tally_session()",
        "CREATE TRIGGER tally_session_update AFTER UPDATE OF team_id, status, primary_category, created_at, meeting_id "
        f"ON coaching_session FOR EACH ROW WHEN ({moved}) EXECUTE FUNCTION {s}.coachtui_tally_session()",
        "CREATE TRIGGER tally_action AFTER INSERT OR DELETE ON action "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.coachtui_tally_action()",
        "CREATE TRIGGER tally_action_update AFTER UPDATE OF team_id, status ON action FOR EACH ROW "
        "WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.status IS DISTINCT FROM NEW.status) "
        f"EXECUTE FUNCTION {s}.coachtui_tally_action()",
    ]


def _fill(conn: sa.Connection) -> None:
    """Count both tables from the records already there."""
    sqlite = conn.dialect.name == "sqlite"
    day = "substr(created_at, 1, 10)" if sqlite else "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    conn.exec_driver_sql(
        "INSERT INTO team_tally (team_id, sessions, open_actions, last_session_at) SELECT t.id, "
        "(SELECT count(*) FROM coaching_session s WHERE s.team_id = t.id AND s.meeting_id IS NULL), "
        f"(SELECT count(*) FROM action a WHERE a.team_id = t.id AND a.status IN {OPEN}), "
        "(SELECT max(s.created_at) FROM coaching_session s WHERE s.team_id = t.id AND s.meeting_id IS NULL) "
        "FROM team t"
    )
    per_team = (
        f"SELECT team_id, {day} AS day, coalesce(primary_category, '') AS category, count(*) AS n "
        "FROM coaching_session WHERE status = 'completed' GROUP BY team_id, 2, 3"
    )
    conn.exec_driver_sql(f"INSERT INTO theme_tally (team_id, day, category, n) {per_team}")
    conn.exec_driver_sql(
        "INSERT INTO theme_tally (team_id, day, category, n) "
        "SELECT '', day, category, sum(n) FROM theme_tally GROUP BY day, category"
    )


def upgrade() -> None:
    op.create_table(
        "team_tally",
        sa.Column("team_id", sa.String(), primary_key=True),
        sa.Column("sessions", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("open_actions", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_session_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "theme_tally",
        sa.Column("team_id", sa.String(), primary_key=True),
        sa.Column("day", sa.String(), primary_key=True),
        sa.Column("category", sa.String(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False, server_default="0"),
    )
    conn = op.get_bind()
    _fill(conn)
    if conn.dialect.name == "sqlite":
        statements = _sqlite_triggers()
    else:
        statements = _postgres_triggers(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    for statement in [*statements, TRACKER_INDEX]:
        conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_action_tracker")
    if conn.dialect.name == "sqlite":
        names = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tally_%' ORDER BY name"
        ).scalars().all()
        for name in names:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    else:
        for name, table in (("tally_team", "team"), ("tally_session", "coaching_session"),
                            ("tally_session_update", "coaching_session"), ("tally_action", "action"),
                            ("tally_action_update", "action")):
            conn.exec_driver_sql(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        for function in ("coachtui_tally_session", "coachtui_tally_action", "coachtui_tally_team"):
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}()")
    op.drop_table("theme_tally")
    op.drop_table("team_tally")
