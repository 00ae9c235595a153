"""``coachtui config path|show|edit``: where the settings file is, what it says, and
changing it in the coach's own editor (checked afterwards)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

NAME = "config"
HELP = "your settings file: where it is (path), what it holds (show), change it (edit)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Your settings (coach name, theme, hub, how many daily backups to keep) are kept in a small "
        "TOML file. 'path' prints where it is; 'show' prints each setting; 'edit' opens it in $VISUAL "
        "or $EDITOR and checks it when the editor closes. A file with a mistake is reported in one "
        "line (which file, which line) and left as it is."
    )
    parser.add_argument(
        "action",
        choices=("path", "show", "edit"),
        help="path: where the file is; show: what it holds; edit: open it in your editor",
    )


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if value != "" else "(not set)"


def _mistake(exc: Exception, after: str = "it was left as it is") -> int:
    print(f"coachtui: your settings file has a mistake: {exc} ({after})", file=sys.stderr)
    return 1


def _mistakes(path: Path, first: Exception, after: str = "it was left as it is") -> int:
    """Every mistake in the file, each on its line (one run shows them all)."""
    from coachtui.config import settings_mistakes

    found = settings_mistakes(path)
    if len(found) < 2:
        return _mistake(first, after)
    print(f"coachtui: your settings file {path} has {len(found)} mistakes ({after}):", file=sys.stderr)
    for line, problem in found:
        print(f"  line {line}: {problem}" if line else f"  {problem}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from coachtui import paths
    from coachtui.config import Settings, SettingsError, legacy_settings_file, read_settings_file

    path = paths.settings_file()
    if args.action == "path":
        print(path)
        return 0
    if args.action == "edit":
        return _edit(path)
    legacy = legacy_settings_file(path)
    try:
        # Only read: an older settings.json is moved over by the app or 'config edit'.
        settings = read_settings_file(path)
        where = str(path)
        if settings is None:
            settings = read_settings_file(legacy)
            where = f"{legacy} (an older coachtui's: moved to {path.name} at the next start)"
        if settings is None:
            settings, where = Settings(), f"{path} (no file yet: these are the defaults)"
    except SettingsError as exc:
        return _mistakes(path if path.exists() else legacy, exc)
    print(f"{'settings file':<16} {where}")
    from coachtui.hubpass import hide_password

    for name, value in asdict(settings).items():
        # the hub's address may hold its password: masked as 'coachtui info' masks it
        shown = hide_password(value) if name == "hub" and isinstance(value, str) else value
        print(f"{name:<16} {_shown(shown)}")
    _say_unknown_keys(settings, path)
    return 0


def _say_unknown_keys(settings: object, path: object) -> None:
    """A key in [keys] that names none of the app's commands does nothing, and one
    the app leaves out (it would be taken from every text field): say so, as the app does."""
    from pathlib import Path

    from coachtui.config import Settings, unknown_keys

    assert isinstance(settings, Settings) and isinstance(path, Path)
    if not settings.keys:
        return
    from coachtui.ui.keymap import binding_ids, usable_keys

    for problem in unknown_keys(settings, binding_ids(), path):
        print(f"coachtui: {problem}", file=sys.stderr)
    for problem in usable_keys(settings.keys)[1]:
        print(f"coachtui: {path}: {problem}", file=sys.stderr)


def _edit(path: object) -> int:
    import subprocess
    from pathlib import Path

    from coachtui.config import SettingsError, load_settings, read_settings_file, save_settings

    assert isinstance(path, Path)
    from coachtui.editor import editor_command

    editor = editor_command()
    if not editor:
        print(
            "coachtui: set VISUAL or EDITOR to the editor to use (for example: EDITOR=nano coachtui config edit)",
            file=sys.stderr,
        )
        return 1
    if not path.exists():
        try:
            settings = load_settings(path)  # the defaults, or an older settings.json moved over
        except SettingsError as exc:
            return _mistake(exc)
        if not path.exists():
            save_settings(settings, path)  # a file to edit, with every setting in it
    try:
        finished = subprocess.run([*editor, str(path)], check=False)
    except OSError as exc:
        print(f"coachtui: cannot start the editor {editor[0]!r} ({exc.strerror or exc})", file=sys.stderr)
        return 1
    if finished.returncode != 0:
        print(f"coachtui: the editor {editor[0]!r} ended with status {finished.returncode}", file=sys.stderr)
    try:
        edited = read_settings_file(path)
    except SettingsError as exc:
        return _mistakes(path, exc, "kept as you left it: coachtui runs on its defaults until you fix it")
    if edited is not None:
        _say_unknown_keys(edited, path)
    print(f"settings saved in {path}")
    return 0 if finished.returncode == 0 else 1
