"""Every file location coachtui uses, each overridable by an environment variable.

Nothing here touches the disk when imported; functions compute paths and only the
``ensure_private_dir`` helper creates anything, when a caller asks for it.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "coachtui"

ENV_DB = "COACHTUI_DB"
ENV_DATA_DIR = "COACHTUI_DATA_DIR"
ENV_CONFIG_DIR = "COACHTUI_CONFIG_DIR"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Where the database and its backups live by default."""
    override = _env_path(ENV_DATA_DIR)
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Where the coach's settings (name, theme) are kept."""
    override = _env_path(ENV_CONFIG_DIR)
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_file() -> Path:
    return config_dir() / "settings.toml"


def default_database() -> str:
    """The database to open when none is given: ``COACHTUI_DB`` or the data dir."""
    value = os.environ.get(ENV_DB, "").strip()
    if value:
        return value
    return str(data_dir() / "coachtui.db")


def resolve_database(option: str | None) -> str:
    """``--db`` wins, then ``COACHTUI_DB``, then the platform data folder."""
    if option is not None and option.strip():
        return option.strip()
    return default_database()


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) if missing; folders we create are owner-only."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
