"""History search: an FTS5 index kept in step by triggers (SQLite), a covering index.

Indexes each session's title, dilemma, context, question notes and action texts,
and fills the index from the sessions already in the database. On PostgreSQL the
full-text part changes nothing: search falls back to ILIKE there until a later
revision adds a tsvector column with a GIN index.

On both, ``ix_session_created`` (created_at) becomes ``ix_session_timeline``
(created_at, status, primary_category, coach): the history still walks it newest
first, and theme counts and filtered searches read the index without the rows.

Frozen: the SQL is written out here as this revision made it, not taken from
``store/db/search_index.py`` (which goes on changing with the store).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLE = "session_fts"
COLUMNS = "title, dilemma, context, notes, actions"
NOTES = (
    "(SELECT coalesce(group_concat(note, char(10)), '') FROM "
    "(SELECT note FROM picked_question WHERE session_id = {sid} AND note != '' ORDER BY position, id))"
)
ACTIONS = (
    "(SELECT coalesce(group_concat(text, char(10)), '') FROM "
    "(SELECT text FROM action WHERE session_id = {sid} AND text != '' ORDER BY position, id))"
)
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({COLUMNS}, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
)
FILL = (
    f"INSERT INTO {TABLE}(rowid, {COLUMNS}) "
    f"SELECT s.rowid, s.title, s.dilemma, s.context, {NOTES.format(sid='s.id')}, {ACTIONS.format(sid='s.id')} "
    "FROM coaching_session AS s WHERE s.rowid > 0 ORDER BY s.rowid"
)


def _refresh(column: str, expression: str, sid: str, when: str = "") -> str:
    extra = f" AND {when}" if when else ""
    return (
        f"UPDATE {TABLE} SET {column} = {expression.format(sid=sid)} "
        f"WHERE rowid = (SELECT rowid FROM coaching_session WHERE id = {sid}){extra};"
    )


def _triggers() -> list[str]:
    whole_row = (
        f"INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES "
        f"(new.rowid, new.title, new.dilemma, new.context, {NOTES.format(sid='new.id')}, {ACTIONS.format(sid='new.id')});"
    )
    statements = [
        f"CREATE TRIGGER {TABLE}_session_ai AFTER INSERT ON coaching_session BEGIN {whole_row} END",
        f"CREATE TRIGGER {TABLE}_session_ad AFTER DELETE ON coaching_session BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.rowid; END",
        f"CREATE TRIGGER {TABLE}_session_au AFTER UPDATE OF id, title, dilemma, context ON coaching_session "
        "WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.dilemma IS NOT new.dilemma "
        "OR old.context IS NOT new.context BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.rowid; {whole_row} END",
    ]
    moved = "old.session_id IS NOT new.session_id"
    team_gone = " AND EXISTS (SELECT 1 FROM team WHERE id = old.team_id)"
    for table, column, text, expression, gone in (
        ("picked_question", "notes", "note", NOTES, ""),
        ("action", "actions", "text", ACTIONS, team_gone),
    ):
        statements += [
            f"CREATE TRIGGER {TABLE}_{table}_ai AFTER INSERT ON {table} WHEN new.{text} != '' BEGIN "
            f"{_refresh(column, expression, 'new.session_id')} END",
            f"CREATE TRIGGER {TABLE}_{table}_ad AFTER DELETE ON {table} WHEN old.{text} != ''{gone} BEGIN "
            f"{_refresh(column, expression, 'old.session_id')} END",
            f"CREATE TRIGGER {TABLE}_{table}_au AFTER UPDATE OF {text}, position, id, session_id ON {table} "
            f"WHEN old.{text} IS NOT new.{text} OR old.session_id IS NOT new.session_id "
            f"OR (new.{text} != '' AND (old.position IS NOT new.position OR old.id IS NOT new.id)) BEGIN "
            f"{_refresh(column, expression, 'new.session_id')} "
            f"{_refresh(column, expression, 'old.session_id', moved)} END",
        ]
    return statements


def upgrade() -> None:
    op.create_index(
        "ix_session_timeline", "coaching_session", ["created_at", "status", "primary_category", "coach"]
    )
    op.drop_index("ix_session_created", table_name="coaching_session")
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(CREATE_TABLE)
        conn.exec_driver_sql(FILL)
        for statement in _triggers():
            conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        for name in [row[0] for row in rows if row[0].startswith(f"{TABLE}_")]:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
    op.create_index("ix_session_created", "coaching_session", ["created_at"])
    op.drop_index("ix_session_timeline", table_name="coaching_session")
