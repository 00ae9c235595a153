"""The coach's own settings (name, theme), kept in a small JSON file.

Read and written only when asked; a missing or unreadable file gives the defaults,
and writes go through a temporary file so a crash never leaves half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from coachtui import paths

DEFAULT_THEME = "textual-dark"


@dataclass(frozen=True, slots=True)
class Settings:
    coach_name: str = ""
    name_asked: bool = False
    theme: str = DEFAULT_THEME
    cursor_blink: bool = True
    backups_to_keep: int = 14
    hub: str = ""  # the network hub's address for syncing from the app
    # The category suggestion learns from completed sessions (on this machine only);
    # `coachtui suggest-forget` sets learn_since so it forgets what came before.
    learn_categories: bool = True
    learn_since: str = ""  # ISO time; sessions completed before it are not learned from

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_settings(path: Path | None = None) -> Settings:
    path = path or paths.settings_file()
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, object] = {}
    for name, value in data.items():
        field = known.get(name)
        if field is None:
            continue
        default = getattr(Settings(), name)
        if isinstance(value, type(default)) and not (isinstance(value, bool) and not isinstance(default, bool)):
            values[name] = value
    return Settings(**values)  # type: ignore[arg-type]


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only."""
    paths.ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_settings(settings: Settings, path: Path | None = None) -> None:
    write_private_text(path or paths.settings_file(), json.dumps(asdict(settings), indent=2) + "\n")
