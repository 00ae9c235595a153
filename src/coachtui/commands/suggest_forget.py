"""``coachtui suggest-forget``: the category suggestion forgets what it learned from
the sessions completed so far (the sessions themselves are untouched)."""

from __future__ import annotations

import argparse

NAME = "suggest-forget"
HELP = "make the category suggestion forget what it learned from your sessions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "The category suggestion learns from the categories chosen in completed sessions, on this "
        "machine only. This makes it forget every session completed until now: it starts again from "
        "what it was shipped with, and learns only from sessions completed from now on. No session is "
        "changed or deleted. To stop it learning at all, use the command palette in the app "
        "(\u201cSuggestion: learning from sessions on/off\u201d)."
    )


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    from coachtui import paths
    from coachtui.config import load_settings, save_settings

    settings = load_settings()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    save_settings(settings.with_changes(learn_since=now))
    print(f"The category suggestion has forgotten the sessions completed before {now[:16].replace('T', ' ')} UTC.")
    print(f"(kept in {paths.settings_file()})")
    return 0
