"""``coachtui completion bash|zsh|fish``: the shell code that completes coachtui's
commands, options and team names (argcomplete).

Add to ``~/.bashrc``: ``eval "$(coachtui completion bash)"``; to ``~/.zshrc``:
``eval "$(coachtui completion zsh)"``; fish: ``coachtui completion fish | source`` in
``~/.config/fish/config.fish``. The shell then runs coachtui with argcomplete's
variables set to ask for completions (see ``coachtui.cli.complete``)."""

from __future__ import annotations

import argparse
import sys

NAME = "completion"
HELP = "print shell code that completes coachtui's commands and options (bash, zsh, fish)"
SHELLS = ("bash", "zsh", "fish")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the code that makes your shell complete coachtui's commands, options and team names "
        "with tab. bash: add  eval \"$(coachtui completion bash)\"  to ~/.bashrc; zsh: the same with "
        "zsh in ~/.zshrc; fish: add  coachtui completion fish | source  to ~/.config/fish/config.fish."
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")


def run(args: argparse.Namespace) -> int:
    from coachtui.extras import missing

    if missing("argcomplete"):
        print(
            "coachtui: completion needs argcomplete; reinstall coachtui from its source folder "
            "with: pip install -e .",
            file=sys.stderr,
        )
        return 1
    import argcomplete

    sys.stdout.write(argcomplete.shellcode(["coachtui"], shell=args.shell))
    return 0


def team_names(prefix: str, parsed_args: argparse.Namespace, **_: object) -> list[str]:
    """``--team`` completions: the team names in the database, read-only and quietly
    (nothing is opened for writing, migrated or created; any trouble means none)."""
    import sqlite3
    from pathlib import Path

    from coachtui.paths import resolve_database

    database = resolve_database(getattr(parsed_args, "db", None))
    if "://" not in database:
        path = Path(database).expanduser()
    elif database.lower().startswith("sqlite"):  # sqlite:///relative or sqlite:////absolute, as parse_target reads it
        rest = database.split("://", 1)[1].split("?", 1)[0]
        path = Path(rest[1:] if rest.startswith("/") else rest).expanduser()
    else:
        return []  # a server: not worth a connection for a tab press
    if not path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            names = [row[0] for row in conn.execute("SELECT name FROM team WHERE NOT archived ORDER BY name")]
        finally:
            conn.close()
    except sqlite3.Error:
        return []
    folded = prefix.casefold()
    return [name for name in names if name.casefold().startswith(folded)]
