"""coachtui's optional parts (the extras in pyproject.toml), and the one line that says
how to add a missing one. coachtui is not on PyPI: the hint installs from the source
folder, as the README does."""

from __future__ import annotations

import importlib.util


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
