"""Full-text search on PostgreSQL: a tsvector per session with a GIN index.

SQLite already has its FTS5 index (0002); this revision changes nothing there. On
PostgreSQL it creates ``session_search`` (one tsvector per session), the list of
sessions waiting to be indexed and the triggers that fill it, and puts every session
already there on that list. The store indexes the listed sessions when it has
migrated a database, as after every write (``store/db/pg_search.py``): documents are
always made by the store's own word rules.

Frozen: the SQL is written out here as this revision made it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLE = "session_search"
PENDING = "session_search_pending"
TRIGGERS = (
    ("session_ai", "coaching_session"),
    ("session_au", "coaching_session"),
    ("picked_question_ai", "picked_question"),
    ("picked_question_ad", "picked_question"),
    ("picked_question_au", "picked_question"),
    ("action_ai", "action"),
    ("action_ad", "action"),
    ("action_au", "action"),
)


def _install_sql(schema: str) -> list[str]:
    """Table names in the trigger functions are qualified with ``schema``, so they work
    whatever the search path of the connection that fires them."""
    s = '"' + schema.replace('"', '""') + '"'
    note = (
        f"CREATE FUNCTION {s}.coachtui_search_note() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  IF TG_OP <> 'DELETE' THEN\n"
        f"    INSERT INTO {s}.{PENDING} (session_id) VALUES (NEW.{{col}}) ON CONFLICT DO NOTHING;\n"
        "  END IF;\n"
        "  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.{col} IS DISTINCT FROM NEW.{col}) THEN\n"
        f"    INSERT INTO {s}.{PENDING} (session_id) VALUES (OLD.{{col}}) ON CONFLICT DO NOTHING;\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    statements = [
        f"CREATE TABLE {TABLE} (session_id VARCHAR PRIMARY KEY "
        "REFERENCES coaching_session (id) ON DELETE CASCADE, document TSVECTOR NOT NULL)",
        f"CREATE INDEX ix_{TABLE}_document ON {TABLE} USING gin (document)",
        f"CREATE TABLE {PENDING} (session_id VARCHAR PRIMARY KEY)",
        note.replace("coachtui_search_note", "coachtui_search_session").replace("{col}", "id"),
        note.replace("{col}", "session_id"),
        # a session's own texts; its deletion takes its index row along (cascade)
        f"CREATE TRIGGER {TABLE}_session_ai AFTER INSERT ON coaching_session "
        f"FOR EACH ROW EXECUTE FUNCTION {s}.coachtui_search_session()",
        f"CREATE TRIGGER {TABLE}_session_au AFTER UPDATE OF id, title, dilemma, context ON coaching_session "
        "FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.dilemma IS DISTINCT FROM NEW.dilemma "
        "OR OLD.context IS DISTINCT FROM NEW.context OR OLD.id IS DISTINCT FROM NEW.id) "
        f"EXECUTE FUNCTION {s}.coachtui_search_session()",
    ]
    for table, column in (("picked_question", "note"), ("action", "text")):
        statements += [
            f"CREATE TRIGGER {TABLE}_{table}_ai AFTER INSERT ON {table} FOR EACH ROW "
            f"WHEN (NEW.{column} <> '') EXECUTE FUNCTION {s}.coachtui_search_note()",
            f"CREATE TRIGGER {TABLE}_{table}_ad AFTER DELETE ON {table} FOR EACH ROW "
            f"WHEN (OLD.{column} <> '') EXECUTE FUNCTION {s}.coachtui_search_note()",
            f"CREATE TRIGGER {TABLE}_{table}_au AFTER UPDATE OF {column}, session_id ON {table} FOR EACH ROW "
            f"WHEN (OLD.{column} IS DISTINCT FROM NEW.{column} OR OLD.session_id IS DISTINCT FROM NEW.session_id) "
            f"EXECUTE FUNCTION {s}.coachtui_search_note()",
        ]
    return statements


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    for statement in _install_sql(schema):
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"INSERT INTO {PENDING} (session_id) SELECT id FROM coaching_session")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for name, table in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TABLE}_{name} ON {table}")
    conn.exec_driver_sql("DROP FUNCTION IF EXISTS coachtui_search_session()")
    conn.exec_driver_sql("DROP FUNCTION IF EXISTS coachtui_search_note()")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {PENDING}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
