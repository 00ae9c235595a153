"""``coachtui config path|show``: where the settings file is, and what it says."""

from __future__ import annotations

import argparse
import sys

NAME = "config"
HELP = "show where your settings file is (path) or what it holds (show)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Your settings (coach name, theme, hub, how many daily backups to keep) are kept in a small "
        "file. 'path' prints where it is; 'show' prints each setting. A file with a mistake is "
        "reported in one line (which file, which line) and left as it is."
    )
    parser.add_argument("action", choices=("path", "show"), help="path: where the file is; show: what it holds")


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if value != "" else "(not set)"


def run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from coachtui import paths
    from coachtui.config import SettingsError, load_settings

    path = paths.settings_file()
    if args.action == "path":
        print(path)
        return 0
    try:
        settings = load_settings(path)
    except SettingsError as exc:
        print(f"coachtui: your settings file has a mistake: {exc} (it was left as it is)", file=sys.stderr)
        return 1
    where = str(path) if path.exists() else f"{path} (no file yet: these are the defaults)"
    print(f"{'settings file':<16} {where}")
    for name, value in asdict(settings).items():
        print(f"{name:<16} {_shown(value)}")
    return 0
