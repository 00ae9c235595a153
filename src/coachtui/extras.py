"""coachtui's optional parts (the extras in pyproject.toml), and the one line that says
how to add a missing one. coachtui is not on PyPI: the hint installs from the source
folder, as the README does."""

from __future__ import annotations

import importlib.util

# extra -> (the distribution it brings, what for). Keep in step with pyproject.toml.
EXTRAS: dict[str, tuple[str, str]] = {
    "postgres": ("psycopg", "the hub on PostgreSQL"),
    "encrypt": ("sqlcipher3", "an encrypted database"),
    "keyring": ("keyring", "the hub's password in your keyring"),
    "serve": ("textual-serve", "coachtui serve"),
    "calendar": ("icalendar", "export --format ics"),
}


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None; imports nothing."""
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def install_hint(extra: str) -> str:
    return f"install it from coachtui's source folder with: pip install -e '.[{extra}]'"


def missing(*modules: str) -> str | None:
    """The first of ``modules`` that cannot be imported, or None if all can."""
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None
