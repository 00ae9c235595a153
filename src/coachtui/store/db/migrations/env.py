"""Alembic environment: coachtui always hands over an open connection.

Migrations run inside the caller's transaction, so a failed upgrade leaves the
database exactly as it was (SQLite and PostgreSQL both have transactional DDL).
"""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise SystemExit("coachtui migrations run from coachtui itself (coachtui opens the database)")

context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
