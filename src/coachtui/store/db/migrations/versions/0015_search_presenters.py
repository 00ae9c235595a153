"""History search finds a presenter of an action learning set's meeting by name.

* SQLite: the FTS5 index ``session_fts`` is made again with a tenth column,
  ``presenter`` (the member presenting that part of a meeting, '' for an ordinary
  session), filled from the tables; its triggers are made again, the session's
  trigger also following the presenter.
* PostgreSQL: the trigger that notes which sessions' documents must be computed
  again also fires on a session's presenter; every session with a presenter is
  noted once, so the store computes its document with the name at its next write
  (``store/db/pg_search.py``).

The database is backed up before it is migrated, as for every revision.

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLE = "session_fts"
OLD_COLUMNS = "title, dilemma, context, notes, actions, reviews, team, coach, insight"  # 0010's, for downgrade
COLUMNS = OLD_COLUMNS + ", presenter"
NOTES = (
    "(SELECT coalesce(group_concat(note, char(10)), '') FROM "
    "(SELECT note FROM picked_question WHERE session_id = {sid} AND note != '' ORDER BY position, id))"
)
ACTIONS = (
    "(SELECT coalesce(group_concat(t, char(10)), '') FROM "
    "(SELECT CASE WHEN prediction = '' THEN text WHEN text = '' THEN prediction "
    "ELSE text || char(10) || prediction END AS t FROM action "
    "WHERE session_id = {sid} AND (text != '' OR prediction != '') ORDER BY position, id))"
)
REVIEWS = (
    "(SELECT coalesce(group_concat(t, char(10)), '') FROM "
    "(SELECT CASE WHEN learning = '' THEN note WHEN note = '' THEN learning "
    "ELSE note || char(10) || learning END AS t FROM action_review "
    "WHERE session_id = {sid} AND (note != '' OR learning != '') ORDER BY created_at, id))"
)
TEAM = "coalesce((SELECT coalesce(name, '') FROM team WHERE id = {team}), '')"


def _row(s: str, full: bool) -> str:
    sid = f"{s}.id"
    row = (
        f"{s}.rowid, {s}.title, {s}.dilemma, {s}.context, {NOTES.format(sid=sid)}, {ACTIONS.format(sid=sid)}, "
        f"{REVIEWS.format(sid=sid)}, {TEAM.format(team=f'{s}.team_id')}, {s}.coach, {s}.insight"
    )
    return row + (f", {s}.presenter" if full else "")


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
    session_fields = ("id", "title", "dilemma", "context", "coach", "team_id", "insight", *(("presenter",) if full else ()))
    changed = " OR ".join(f"old.{name} IS NOT new.{name}" for name in session_fields)
    statements = [
        f"CREATE TRIGGER {TABLE}_session_ai AFTER INSERT ON coaching_session BEGIN {whole_row} END",
        f"CREATE TRIGGER {TABLE}_session_ad AFTER DELETE ON coaching_session BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.rowid; END",
        f"CREATE TRIGGER {TABLE}_session_au AFTER UPDATE OF {', '.join(session_fields)} ON coaching_session "
        f"WHEN {changed} BEGIN DELETE FROM {TABLE} WHERE rowid = old.rowid; {whole_row} END",
        f"CREATE TRIGGER {TABLE}_team_au AFTER UPDATE OF name ON team WHEN old.name IS NOT new.name BEGIN "
        f"UPDATE {TABLE} SET team = new.name "
        f"WHERE rowid IN (SELECT rowid FROM coaching_session WHERE team_id = new.id); END",
    ]
    moved = "old.session_id IS NOT new.session_id"
    team_gone = " AND EXISTS (SELECT 1 FROM team WHERE id = old.team_id)"
    for table, column, texts, order, expression, gone in (
        ("picked_question", "notes", ("note",), "position", NOTES, ""),
        ("action", "actions", ("text", "prediction"), "position", ACTIONS, team_gone),
        ("action_review", "reviews", ("note", "learning"), "created_at", REVIEWS, ""),
    ):
        has_new = "(" + " OR ".join(f"new.{text} != ''" for text in texts) + ")"
        has_old = "(" + " OR ".join(f"old.{text} != ''" for text in texts) + ")"
        edited = " OR ".join(f"old.{text} IS NOT new.{text}" for text in texts)
        statements += [
            f"CREATE TRIGGER {TABLE}_{table}_ai AFTER INSERT ON {table} WHEN {has_new} BEGIN "
            f"{_refresh(column, expression, 'new.session_id')} END",
            f"CREATE TRIGGER {TABLE}_{table}_ad AFTER DELETE ON {table} WHEN {has_old}{gone} BEGIN "
            f"{_refresh(column, expression, 'old.session_id')} END",
            f"CREATE TRIGGER {TABLE}_{table}_au AFTER UPDATE OF {', '.join(texts)}, {order}, id, session_id "
            f"ON {table} WHEN {edited} OR old.session_id IS NOT new.session_id "
            f"OR ({has_new} AND (old.{order} IS NOT new.{order} OR old.id IS NOT new.id)) BEGIN "
            f"{_refresh(column, expression, 'new.session_id')} "
            f"{_refresh(column, expression, 'old.session_id', moved)} END",
        ]
    return statements


def _drop_sqlite_index(conn: sa.Connection) -> None:
    rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    for name in [row[0] for row in rows if row[0].startswith(f"{TABLE}_")]:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


# --- PostgreSQL ----------------------------------------------------------------------------

PG_TABLE = "session_search"
PENDING = "session_search_pending"


def _pg_triggers(schema: str, full: bool) -> list[str]:
    s = '"' + schema.replace('"', '""') + '"'
    session_fields = ("id", "title", "dilemma", "context", "coach", "team_id", "insight", *(("presenter",) if full else ()))
    changed = " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in session_fields)
    return [
        f"DROP TRIGGER IF EXISTS {PG_TABLE}_session_au ON coaching_session",
        f"CREATE TRIGGER {PG_TABLE}_session_au AFTER UPDATE OF {', '.join(session_fields)} "
        f"ON coaching_session FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {s}.coachtui_search_session()",
        f"INSERT INTO {PENDING} (session_id) SELECT id FROM coaching_session WHERE presenter <> '' "
        "ON CONFLICT DO NOTHING",
    ]


def _migrate(full: bool) -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _drop_sqlite_index(conn)
        _create(conn, full=full)
    elif conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        for statement in _pg_triggers(schema, full=full):
            conn.exec_driver_sql(statement)


def upgrade() -> None:
    _migrate(full=True)


def downgrade() -> None:
    _migrate(full=False)
