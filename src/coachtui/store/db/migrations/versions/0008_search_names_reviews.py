"""History search finds team names, coach names and review notes too.

SQLite: the FTS5 index ``session_fts`` is made again with three more columns
(``reviews``: the notes of the reviews made in the session; ``team``: its team's
name; ``coach``), filled from the tables, and its triggers made again, with new
ones on ``action_review`` and on a team's name.

PostgreSQL: the triggers that note which sessions' documents must be computed again
also fire on a session's coach or team, a review's note, and a team's name; every
session is noted once, so the store computes every document with the new texts at
its next write (``store/db/pg_search.py``).

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE = "session_fts"
COLUMNS = "title, dilemma, context, notes, actions, reviews, team, coach"
OLD_COLUMNS = "title, dilemma, context, notes, actions"  # 0002's, for downgrade
NOTES = (
    "(SELECT coalesce(group_concat(note, char(10)), '') FROM "
    "(SELECT note FROM picked_question WHERE session_id = {sid} AND note != '' ORDER BY position, id))"
)
ACTIONS = (
    "(SELECT coalesce(group_concat(text, char(10)), '') FROM "
    "(SELECT text FROM action WHERE session_id = {sid} AND text != '' ORDER BY position, id))"
)
REVIEWS = (
    "(SELECT coalesce(group_concat(note, char(10)), '') FROM "
    "(SELECT note FROM action_review WHERE session_id = {sid} AND note != '' ORDER BY created_at, id))"
)
TEAM = "coalesce((SELECT coalesce(name, '') FROM team WHERE id = {team}), '')"


def _row(s: str, full: bool = True) -> str:
    sid = f"{s}.id"
    row = f"{s}.rowid, {s}.title, {s}.dilemma, {s}.context, {NOTES.format(sid=sid)}, {ACTIONS.format(sid=sid)}"
    if full:
        row += f", {REVIEWS.format(sid=sid)}, {TEAM.format(team=f'{s}.team_id')}, {s}.coach"
    return row


def _create(conn: sa.Connection, full: bool) -> None:
    columns = COLUMNS if full else OLD_COLUMNS
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5({columns}, tokenize = 'unicode61 remove_diacritics 2', "
        "prefix = '2 3')"
    )
    conn.exec_driver_sql(
        f"INSERT INTO {TABLE}(rowid, {columns}) SELECT {_row('s', full)} FROM coaching_session AS s ORDER BY s.rowid"
    )
    conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    for statement in _sqlite_triggers(full):
        conn.exec_driver_sql(statement)


def _refresh(column: str, expression: str, sid: str, when: str = "") -> str:
    extra = f" AND {when}" if when else ""
    return (
        f"UPDATE {TABLE} SET {column} = {expression.format(sid=sid)} "
        f"WHERE rowid = (SELECT rowid FROM coaching_session WHERE id = {sid}){extra};"
    )


def _sqlite_triggers(full: bool) -> list[str]:
    columns = COLUMNS if full else OLD_COLUMNS
    whole_row = f"INSERT INTO {TABLE}(rowid, {columns}) VALUES ({_row('new', full)});"
    session_fields = ("id", "title", "dilemma", "context", *(("coach", "team_id") if full else ()))
    changed = " OR ".join(f"old.{name} IS NOT new.{name}" for name in session_fields)
    statements = [
        f"CREATE TRIGGER {TABLE}_session_ai AFTER INSERT ON coaching_session BEGIN {whole_row} END",
        f"CREATE TRIGGER {TABLE}_session_ad AFTER DELETE ON coaching_session BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.rowid; END",
        f"CREATE TRIGGER {TABLE}_session_au AFTER UPDATE OF {', '.join(session_fields)} ON coaching_session "
        f"WHEN {changed} BEGIN DELETE FROM {TABLE} WHERE rowid = old.rowid; {whole_row} END",
    ]
    if full:
        statements.append(
            f"CREATE TRIGGER {TABLE}_team_au AFTER UPDATE OF name ON team WHEN old.name IS NOT new.name BEGIN "
            f"UPDATE {TABLE} SET team = new.name "
            f"WHERE rowid IN (SELECT rowid FROM coaching_session WHERE team_id = new.id); END"
        )
    moved = "old.session_id IS NOT new.session_id"
    team_gone = " AND EXISTS (SELECT 1 FROM team WHERE id = old.team_id)"
    for table, column, text, order, expression, gone in (
        ("picked_question", "notes", "note", "position", NOTES, ""),
        ("action", "actions", "text", "position", ACTIONS, team_gone),
        *((("action_review", "reviews", "note", "created_at", REVIEWS, ""),) if full else ()),
    ):
        statements += [
            f"CREATE TRIGGER {TABLE}_{table}_ai AFTER INSERT ON {table} WHEN new.{text} != '' BEGIN "
            f"{_refresh(column, expression, 'new.session_id')} END",
            f"CREATE TRIGGER {TABLE}_{table}_ad AFTER DELETE ON {table} WHEN old.{text} != ''{gone} BEGIN "
            f"{_refresh(column, expression, 'old.session_id')} END",
            f"CREATE TRIGGER {TABLE}_{table}_au AFTER UPDATE OF {text}, {order}, id, session_id ON {table} "
            f"WHEN old.{text} IS NOT new.{text} OR old.session_id IS NOT new.session_id "
            f"OR (new.{text} != '' AND (old.{order} IS NOT new.{order} OR old.id IS NOT new.id)) BEGIN "
            f"{_refresh(column, expression, 'new.session_id')} "
            f"{_refresh(column, expression, 'old.session_id', moved)} END",
        ]
    return statements


# --- PostgreSQL ----------------------------------------------------------------------------

PG_TABLE = "session_search"
PENDING = "session_search_pending"


def _pg_install(schema: str) -> list[str]:
    s = '"' + schema.replace('"', '""') + '"'
    review = (
        f"CREATE FUNCTION {s}.coachtui_search_review() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF TG_OP <> 'DELETE' AND NEW.session_id IS NOT NULL THEN\n"
        f"    INSERT INTO {s}.{PENDING} (session_id) VALUES (NEW.session_id) ON CONFLICT DO NOTHING;\n"
        "  END IF;\n"
        "  IF TG_OP <> 'INSERT' AND OLD.session_id IS NOT NULL THEN\n"
        f"    INSERT INTO {s}.{PENDING} (session_id) VALUES (OLD.session_id) ON CONFLICT DO NOTHING;\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    team = (
        f"CREATE FUNCTION {s}.coachtui_search_team() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"  INSERT INTO {s}.{PENDING} (session_id) "
        f"SELECT id FROM {s}.coaching_session WHERE team_id = NEW.id ON CONFLICT DO NOTHING;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    return [
        f"DROP TRIGGER IF EXISTS {PG_TABLE}_session_au ON coaching_session",
        f"CREATE TRIGGER {PG_TABLE}_session_au AFTER UPDATE OF id, title, dilemma, context, coach, team_id "
        "ON coaching_session FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title "
        "OR OLD.dilemma IS DISTINCT FROM NEW.dilemma OR OLD.context IS DISTINCT FROM NEW.context "
        "OR OLD.id IS DISTINCT FROM NEW.id OR OLD.coach IS DISTINCT FROM NEW.coach "
        f"OR OLD.team_id IS DISTINCT FROM NEW.team_id) EXECUTE FUNCTION {s}.coachtui_search_session()",
        review,
        team,
        f"CREATE TRIGGER {PG_TABLE}_action_review_ai AFTER INSERT ON action_review FOR EACH ROW "
        f"WHEN (NEW.note <> '') EXECUTE FUNCTION {s}.coachtui_search_review()",
        f"CREATE TRIGGER {PG_TABLE}_action_review_ad AFTER DELETE ON action_review FOR EACH ROW "
        f"WHEN (OLD.note <> '') EXECUTE FUNCTION {s}.coachtui_search_review()",
        f"CREATE TRIGGER {PG_TABLE}_action_review_au AFTER UPDATE OF note, session_id, created_at ON action_review "
        "FOR EACH ROW WHEN (OLD.note IS DISTINCT FROM NEW.note OR OLD.session_id IS DISTINCT FROM NEW.session_id "
        "OR OLD.created_at IS DISTINCT FROM NEW.created_at) "
        f"EXECUTE FUNCTION {s}.coachtui_search_review()",
        f"CREATE TRIGGER {PG_TABLE}_team_au AFTER UPDATE OF name ON team FOR EACH ROW "
        f"WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION {s}.coachtui_search_team()",
        f"INSERT INTO {PENDING} (session_id) SELECT id FROM coaching_session ON CONFLICT DO NOTHING",
    ]


def _drop_sqlite_index(conn: sa.Connection) -> None:
    rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    for name in [row[0] for row in rows if row[0].startswith(f"{TABLE}_")]:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _drop_sqlite_index(conn)
        _create(conn, full=True)
    elif conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        for statement in _pg_install(schema):
            conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _drop_sqlite_index(conn)
        _create(conn, full=False)
    elif conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        s = '"' + schema.replace('"', '""') + '"'
        for name, table in (
            ("action_review_ai", "action_review"), ("action_review_ad", "action_review"),
            ("action_review_au", "action_review"), ("team_au", "team"), ("session_au", "coaching_session"),
        ):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {PG_TABLE}_{name} ON {table}")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {s}.coachtui_search_review()")
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {s}.coachtui_search_team()")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {PG_TABLE}_session_au AFTER UPDATE OF id, title, dilemma, context ON coaching_session "
            "FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.dilemma IS DISTINCT FROM NEW.dilemma "
            "OR OLD.context IS DISTINCT FROM NEW.context OR OLD.id IS DISTINCT FROM NEW.id) "
            f"EXECUTE FUNCTION {s}.coachtui_search_session()"
        )
        conn.exec_driver_sql(f"INSERT INTO {PENDING} (session_id) SELECT id FROM coaching_session ON CONFLICT DO NOTHING")
