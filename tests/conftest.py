"""Shared fixtures. Every test runs with its own data and config folders, so no
test ever touches the real home folder or the user's database.

**Two backends.** The ``store`` fixture (and ``database_url``, ``db``) runs each
test twice: on a SQLite file (id ``sqlite``) and on PostgreSQL (id ``postgres``,
marker ``postgres``), each test in a fresh schema of its own, so tests stay
independent and run in parallel. A test that reads the SQLite file itself (it asks
for ``db_path``) or is marked ``sqlite_only`` runs on SQLite only.

Where the PostgreSQL server comes from: ``$COACHTUI_TEST_PG_URL`` (``.ci/run`` sets
it); else, if PostgreSQL's server binaries are installed, a throwaway cluster this
test run starts on loopback and removes at the end (``tests/pgcluster.py``). In CI
(``CI=true``) the URL must be set; nowhere are PostgreSQL tests skipped: without a
server they fail and say why (deselect them with ``-m "not postgres"``).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import tempfile
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from coachtui.store import Store

sys.path.insert(0, str(Path(__file__).parent))
import pgcluster

PG_URL_ENV = "COACHTUI_TEST_PG_URL"
_CLUSTER_KEY = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: runs against a real PostgreSQL server")
    config.addinivalue_line("markers", "sqlite_only: checks something only SQLite has (files, WAL, FTS5)")
    if hasattr(config, "workerinput") or os.environ.get(PG_URL_ENV) or _in_ci():
        return  # a worker inherits the URL from the controller; CI brings its own
    if "not postgres" in (config.option.markexpr or "") or not pgcluster.available():
        return
    folder = Path(tempfile.mkdtemp(prefix="coachtui-test-pg-"))
    try:
        os.environ[PG_URL_ENV] = pgcluster.start(folder)
    except RuntimeError as exc:
        pgcluster.stop(folder)
        print(f"conftest: could not start a PostgreSQL cluster: {exc}", file=sys.stderr)
        return
    config.stash[_CLUSTER_KEY] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_CLUSTER_KEY, None)
    if folder is not None:
        pgcluster.stop(folder)
        os.environ.pop(PG_URL_ENV, None)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    params = [pytest.param("sqlite", id="sqlite")]
    if "db_path" not in metafunc.fixturenames and metafunc.definition.get_closest_marker("sqlite_only") is None:
        params.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))
    metafunc.parametrize("backend", params)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("COACHTUI_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("COACHTUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.delenv("COACHTUI_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "coach.db"


class Clock:
    """A controllable UTC clock for the store: tests move time on by hand."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(microseconds=1)
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


# --- PostgreSQL ---------------------------------------------------------------------------


def with_schema(url: str, schema: str) -> str:
    """``url`` with the connection's search_path set to ``schema``."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query)
    query.append(("options", f"-csearch_path={schema}"))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def psycopg_url(url: str) -> str:
    """A SQLAlchemy URL as libpq takes it (no ``+psycopg``)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest


class Postgres:
    """Fresh schemas on the test server, dropped at the end of the test."""

    def __init__(self) -> None:
        self.schemas: list[str] = []

    @property
    def server(self) -> str:
        url = os.environ.get(PG_URL_ENV)
        if url:
            return url
        if _in_ci():
            pytest.fail(f"{PG_URL_ENV} is not set: in CI the PostgreSQL tests need the server .ci/run starts")
        pytest.fail(
            f"no PostgreSQL server: install Debian's postgresql package (a throwaway cluster is then started) "
            f"or set {PG_URL_ENV}; or deselect these tests with -m 'not postgres'"
        )

    def connect(self) -> Any:
        import psycopg

        return psycopg.connect(psycopg_url(self.server), autocommit=True)

    def new_url(self, schema: str | None = None) -> str:
        """The URL of a new, empty schema (a database of its own, as far as coachtui sees)."""
        schema = schema or f"t_{uuid.uuid4().hex[:16]}"
        with self.connect() as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        self.schemas.append(schema)
        return with_schema(self.server, schema)

    def drop_all(self) -> None:
        if not self.schemas:
            return
        with self.connect() as conn:
            for schema in self.schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg() -> Iterator[Postgres]:
    server = Postgres()
    try:
        yield server
    finally:
        server.drop_all()


# --- a database of each kind ------------------------------------------------------------


@pytest.fixture
def database_url(backend: str, tmp_path: Path, pg: Postgres) -> str:
    """Where the test's database is: the SQLite file (``db_path``'s) or a fresh
    PostgreSQL schema."""
    if backend == "sqlite":
        return str(tmp_path / "coach.db")
    return pg.new_url()


@pytest.fixture
def ana(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    """Ana's laptop in a sync test (her own database file, the test's clock)."""
    from coachtui.store import open_store

    with open_store(str(tmp_path / "ana.db"), clock=clock, coach="Ana") as store:
        yield store


@pytest.fixture
def ben(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    """Ben's laptop, beside Ana's."""
    from coachtui.store import open_store

    with open_store(str(tmp_path / "ben.db"), clock=clock, coach="Ben") as store:
        yield store


@pytest.fixture
def hub_url(backend: str, tmp_path: Path, pg: Postgres) -> str:
    """The network's hub for sync tests: a coachtui database file (made on purpose:
    sync never creates one) or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        from coachtui.store import open_store

        hub = str(tmp_path / "hub.db")
        open_store(hub).close()
        return hub
    return pg.new_url()


@pytest.fixture
def store(database_url: str, clock: Clock) -> Iterator[object]:
    from coachtui.store import open_store

    opened = open_store(database_url, clock=clock)
    try:
        yield opened
    finally:
        opened.close()


class RawDatabase:
    """What the database holds, read past the store (its own connection). SQL uses
    ``?`` placeholders on both backends. On PostgreSQL text comes back as stored
    (NUL escaped, see ``models.encode_text``) and booleans as True/False (equal to 1/0)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = "://" not in url

    def rows(self, sql: str, *params: object) -> list[tuple]:
        if self.is_sqlite:
            conn = sqlite3.connect(self.url)
            try:
                return conn.execute(sql, params).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(psycopg_url(self.url), autocommit=True) as conn:
            return [tuple(row) for row in conn.execute(sql.replace("?", "%s"), params).fetchall()]

    def execute(self, sql: str, *params: object) -> None:
        if self.is_sqlite:
            conn = sqlite3.connect(self.url)
            try:
                conn.execute(sql, params)
                conn.commit()
            finally:
                conn.close()
            return
        import psycopg

        with psycopg.connect(psycopg_url(self.url), autocommit=True) as conn:
            conn.execute(sql.replace("?", "%s"), params)


@pytest.fixture
def db(database_url: str) -> RawDatabase:
    return RawDatabase(database_url)
