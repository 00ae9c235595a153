"""``coachtui info``: versions, where everything is (database, settings, backups),
the hub, the optional parts installed, and what the database holds.

What to paste into a bug report. It never creates anything; like every reading
command, a database that is missing or cannot be opened is one line on stderr (exit
1) and nothing on stdout."""

from __future__ import annotations

import argparse
import sys

NAME = "info"
HELP = "show versions, where the database, settings and backups are, and what the database holds"
WIDTH = 13


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print coachtui's, Python's and Textual's versions; the database, settings file and backups "
        "folder; the hub configured (without its password); which optional parts are installed; "
        "whether the database is encrypted; its schema revision, how much it holds and when it "
        "last synced with a hub. Nothing is created."
    )


def _line(label: str, value: object) -> None:
    _LINES.append(f"{label:<{WIDTH}} {value}")


_LINES: list[str] = []


def _versions() -> None:
    import platform
    import sqlite3

    from coachtui import __version__
    from coachtui.extras import installed_version

    _line("coachtui", __version__)
    _line("python", f"{platform.python_version()} ({sys.executable})")
    _line("textual", installed_version("textual") or "?")
    _line("sqlalchemy", installed_version("sqlalchemy") or "?")
    _line("sqlite", sqlite3.sqlite_version)


def _extras() -> None:
    from coachtui.extras import EXTRAS, installed_version

    for extra, (distribution, what) in EXTRAS.items():
        version = installed_version(distribution)
        shown = f"{distribution} {version}" if version else f"not installed (add the '{extra}' extra for {what})"
        _line(f"[{extra}]", shown)


def _settings_and_hub() -> None:
    import os

    from coachtui import paths
    from coachtui.config import SettingsError, legacy_settings_file, read_settings_file
    from coachtui.hubpass import hide_password

    path = paths.settings_file()
    hub = ""
    try:
        settings = read_settings_file(path)  # never the migration: info writes nothing
    except SettingsError:
        _line("settings", f"{path} (has a mistake: see 'coachtui config show')")
    else:
        if settings is not None:
            _line("settings", path)
        elif legacy_settings_file(path).is_file():
            _line("settings", f"{path} (not there yet: the app moves {legacy_settings_file(path)} into it)")
        else:
            _line("settings", f"{path} (not there yet: the defaults)")
        hub = settings.hub if settings is not None else ""
    from coachtui.commands.sync import HUB_ENV

    if hub:
        _line("hub", f"{hide_password(hub)} (settings)")
    elif os.environ.get(HUB_ENV, "").strip():
        _line("hub", f"{hide_password(os.environ[HUB_ENV].strip())} ({HUB_ENV})")
    else:
        _line("hub", "none set")


def _files(database: str) -> None:
    from coachtui.store.db.database import BACKUP_FOLDER
    from coachtui.store.db.target import parse_target
    from coachtui.store.upkeep.encryption import looks_encrypted

    target = parse_target(database)
    _line("database", target.display)
    if target.path is None:
        _line("backups", "none: a server's database is backed up with its own tools (pg_dump)")
        return
    if not target.path.exists():
        _line("encrypted", "(no database there yet)")
    else:
        _line("encrypted", "yes (SQLCipher)" if looks_encrypted(target.path) else "no")
    folder = target.path.parent / BACKUP_FOLDER
    count = sum(1 for p in folder.iterdir() if p.is_file()) if folder.is_dir() else 0
    _line("backups", f"{folder} ({count} file{'s' if count != 1 else ''})")


def _rescues() -> None:
    """The rescue copies (coachtui.rescue): plain-text sessions that could not be saved."""
    from coachtui import rescue

    copies = rescue.files()
    if not copies:
        _line("unsaved", f"{rescue.folder()} (no rescue copies)")
        return
    for place in sorted({p.parent for p in copies}, key=lambda p: p != rescue.folder()):
        count = sum(1 for p in copies if p.parent == place)
        what = "rescue copy" if count == 1 else "rescue copies"
        _line("unsaved", f"{place} ({count} {what}: text that could not be saved)")


def run(args: argparse.Namespace) -> int:
    from coachtui.store import open_store

    _LINES.clear()
    _versions()
    _files(args.db)
    _rescues()
    _settings_and_hub()
    _extras()
    with open_store(args.db, create=False) as store:
        stats = store.stats()
        for label, value in stats.items():
            _line(label, value)
        from coachtui.hubpass import hide_password

        for hub, when in store.sync_history():
            # (an older coachtui could keep a password=... parameter in the hub's name)
            _line("synced", f"{when.astimezone():%Y-%m-%d %H:%M} with {hide_password(hub)}")
    print("\n".join(_LINES))
    return 0
