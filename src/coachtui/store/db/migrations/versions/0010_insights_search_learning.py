"""Insights, and history search finds what tests of change predicted and learned.

* ``coaching_session.insight``: the summary step's short "what we learned today"
  ('' when none). It travels with exports and syncs (an older file or hub row
  without it gives '').
* SQLite: the FTS5 index ``session_fts`` is made again with a ninth column,
  ``insight``; its ``actions`` column now holds each action's prediction under its
  text, and ``reviews`` each review's learning under its note. Its triggers are made
  again to follow those columns.
* PostgreSQL: the triggers that note which sessions' documents must be computed
  again also fire on a session's insight, an action's prediction and a review's
  learning; every session is noted once, so the store computes every document with
  the new texts at its next write (``store/db/pg_search.py``).

The database is backed up before it is migrated, as for every revision.

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLE = "session_fts"
OLD_COLUMNS = "title, dilemma, context, notes, actions, reviews, team, coach"  # 0008's, for downgrade
COLUMNS = OLD_COLUMNS + ", insight"
NOTES = (
    "(SELECT coalesce(group_concat(note, char(10)), '') FROM "
    "(SELECT note FROM picked_question WHERE session_id = {sid} AND note != '' ORDER BY position, id))"
)
OLD_ACTIONS = (
    "(SELECT coalesce(group_concat(text, char(10)), '') FROM "
    "(SELECT text FROM action WHERE session_id = {sid} AND text != '' ORDER BY position, id))"
)
OLD_REVIEWS = (
    "(SELECT coalesce(group_concat(note, char(10)), '') FROM "
    "(SELECT note FROM action_review WHERE session_id = {sid} AND note != '' ORDER BY created_at, id))"
)
# each action's text, then its prediction (a test of change) on the next line
ACTIONS = (
    "(SELECT coalesce(group_concat(t, char(10)), '') FROM "
    "(SELECT CASE WHEN prediction = '' THEN text WHEN text = '' THEN prediction "
    "ELSE text || char(10) || prediction END AS t FROM action "
    "WHERE session_id = {sid} AND (text != '' OR prediction != '') ORDER BY position, id))"
)
# each review's note (what happened), then what was learned
REVIEWS = (
    "(SELECT coalesce(group_concat(t, char(10)), '') FROM "
    "(SELECT CASE WHEN learning = '' THEN note WHEN note = '' THEN learning "
    "ELSE note || char(10) || learning END AS t FROM action_review "
    "WHERE session_id = {sid} AND (note != '' OR learning != '') ORDER BY created_at, id))"
)
TEAM = "coalesce((SELECT coalesce(name, '') FROM team WHERE id = {team}), '')"


def _row(s: str, full: bool) -> str:
    sid = f"{s}.id"
    actions, reviews = (ACTIONS, REVIEWS) if full else (OLD_ACTIONS, OLD_REVIEWS)
    row = (
        f"{s}.rowid, {s}.title, {s}.dilemma, {s}.context, {NOTES.format(sid=sid)}, {actions.format(sid=sid)}, "
        f"{reviews.format(sid=sid)}, {TEAM.format(team=f'{s}.team_id')}, {s}.coach"
    )
    return row + (f", {s}.insight" if full else "")


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
    session_fields = ("id", "title", "dilemma", "context", "coach", "team_id", *(("insight",) if full else ()))
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
        ("action", "actions", ("text", "prediction") if full else ("text",), "position",
         ACTIONS if full else OLD_ACTIONS, team_gone),
        ("action_review", "reviews", ("note", "learning") if full else ("note",), "created_at",
         REVIEWS if full else OLD_REVIEWS, ""),
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
    session_fields = ("id", "title", "dilemma", "context", "coach", "team_id", *(("insight",) if full else ()))
    changed = " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in session_fields)
    statements = [
        f"DROP TRIGGER IF EXISTS {PG_TABLE}_session_au ON coaching_session",
        f"CREATE TRIGGER {PG_TABLE}_session_au AFTER UPDATE OF {', '.join(session_fields)} "
        f"ON coaching_session FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {s}.coachtui_search_session()",
    ]
    for table, texts, order, function in (
        ("action", ("text", "prediction") if full else ("text",), None, "coachtui_search_note"),
        ("action_review", ("note", "learning") if full else ("note",), "created_at", "coachtui_search_review"),
    ):
        has_new = " OR ".join(f"NEW.{text} <> ''" for text in texts)
        has_old = " OR ".join(f"OLD.{text} <> ''" for text in texts)
        watched = [*texts, "session_id", *((order,) if order else ())]
        edited = " OR ".join(f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in watched)
        statements += [f"DROP TRIGGER IF EXISTS {PG_TABLE}_{table}_{op_} ON {table}" for op_ in ("ai", "ad", "au")]
        statements += [
            f"CREATE TRIGGER {PG_TABLE}_{table}_ai AFTER INSERT ON {table} FOR EACH ROW "
            f"WHEN ({has_new}) EXECUTE FUNCTION {s}.{function}()",
            f"CREATE TRIGGER {PG_TABLE}_{table}_ad AFTER DELETE ON {table} FOR EACH ROW "
            f"WHEN ({has_old}) EXECUTE FUNCTION {s}.{function}()",
            f"CREATE TRIGGER {PG_TABLE}_{table}_au AFTER UPDATE OF {', '.join(watched)} ON {table} "
            f"FOR EACH ROW WHEN ({edited}) EXECUTE FUNCTION {s}.{function}()",
        ]
    statements.append(
        f"INSERT INTO {PENDING} (session_id) SELECT id FROM coaching_session ON CONFLICT DO NOTHING"
    )
    return statements


def upgrade() -> None:
    op.add_column("coaching_session", sa.Column("insight", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _drop_sqlite_index(conn)
        _create(conn, full=True)
    elif conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        for statement in _pg_triggers(schema, full=True):
            conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _drop_sqlite_index(conn)
    elif conn.dialect.name == "postgresql":
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        for statement in _pg_triggers(schema, full=False):
            conn.exec_driver_sql(statement)
    # ALTER TABLE ... DROP COLUMN on both engines (SQLite 3.35 on), with the index's
    # triggers gone on SQLite: a batch copy of the table would trip them
    op.drop_column("coaching_session", "insight")
    if conn.dialect.name == "sqlite":
        _create(conn, full=False)
