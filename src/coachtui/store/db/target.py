"""What a ``--db`` value names: a SQLite file or a PostgreSQL server (:class:`Target`),
and the ``file:`` URIs that open a file. No database is touched here."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coachtui.hubpass import HubAddressError, hide_password, parse_hub
from coachtui.store.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from coachtui.store.db.crypto import Key

__all__ = ["Target", "parse_target", "sqlite_uri"]


@dataclass(frozen=True, slots=True)
class Target:
    """Where a database lives: a SQLAlchemy URL and, for SQLite files, the path."""

    url: str
    path: Path | None
    # Set once an encrypted SQLite file has been opened with it (see store/db/crypto.py).
    key: Key | None = field(default=None, repr=False, compare=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def display(self) -> str:
        if self.path is not None:
            return str(self.path)
        return _hide_password(self.url)


def _hide_password(url: str) -> str:
    return hide_password(url)  # user:***@host, and password=*** in the parameters


def parse_target(value: str) -> Target:
    """A path or a SQLAlchemy URL. ``sqlite:///file`` URLs are treated as paths."""
    value = value.strip()
    if not value:
        raise DatabaseUnavailable("no database given")
    if "://" not in value:
        path = Path(value).expanduser().absolute()
        return Target(url=f"sqlite:///{path}", path=path)
    scheme = value.split("://", 1)[0].lower()
    if scheme.startswith("sqlite"):
        rest = value.split("://", 1)[1]
        file_part = rest[1:] if rest.startswith("/") else rest
        file_part = file_part.split("?", 1)[0]
        if not file_part or file_part == ":memory:":
            raise DatabaseUnavailable("an in-memory SQLite database would lose everything on exit; give a file")
        path = Path(file_part).expanduser().absolute()
        return Target(url=f"sqlite:///{path}", path=path)
    if scheme in {"postgresql", "postgresql+psycopg", "postgres"}:
        # The password, wherever it was given (user:password@ or password=), goes in
        # one place, percent-encoded: an '@' in it can no longer be read as the host.
        try:
            address = parse_hub(value)
        except HubAddressError as exc:
            raise DatabaseUnavailable(str(exc)) from None
        value = address.connect_url(address.password)
        url = value if scheme == "postgresql+psycopg" else "postgresql+psycopg://" + value.split("://", 1)[1]
        return Target(url=url, path=None)
    raise DatabaseUnavailable(
        f"unsupported database URL scheme {scheme!r} (use a file path, sqlite:///PATH or postgresql://...)"
    )


def sqlite_uri(path: Path, mode: str) -> str:
    """A ``file:`` URI for ``path`` (any characters) opened with ``mode`` (ro, rw...)."""
    return f"file:{urllib.parse.quote(str(path), safe='/')}?mode={mode}"
