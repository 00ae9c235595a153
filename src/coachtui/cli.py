# PYTHON_ARGCOMPLETE_OK  (shell completion: see coachtui.commands.completion)
"""The ``coachtui`` command line: parse, then call into the layers below.

With no subcommand it opens the TUI. ``--db`` is accepted before or after a
subcommand. A user mistake prints one line on stderr and exits non-zero.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn

from coachtui import __version__
from coachtui.commands import COMMANDS
from coachtui.text import TerminalGuard

if TYPE_CHECKING:
    import argparse

EXIT_USAGE = 2
EXIT_ERROR = 1


class UsageError(Exception):
    """The command line itself was wrong."""


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse's parser, raising UsageError instead of exiting (argparse is imported
    here: opening the app does without it)."""
    import argparse

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise UsageError(f"{message} (see '{self.prog} --help')")

    return _Parser


def _command(name: str) -> ModuleType:
    return importlib.import_module(f"coachtui.commands.{name.replace('-', '_')}")


def _add_db_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    import argparse

    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        # On subcommands the default is "not given", so `coachtui --db X cmd`
        # keeps X unless `cmd --db Y` says otherwise.
        default=None if top else argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: $COACHTUI_DB, then the user data folder)",
    )


def _opens_the_app(argv: Sequence[str]) -> bool:
    """Whether ``argv`` only opens the app (``--db X``, ``--demo``): then the
    subcommands' modules are not imported (start-up time before the first paint)."""
    rest = list(argv)
    while rest:
        word = rest.pop(0)
        if word == "--db" and rest and not rest[0].startswith("-"):
            rest.pop(0)
        elif not (word == "--demo" or word.startswith("--db=")):
            return False
    return True


def _app_options(words: Sequence[str]) -> SimpleNamespace:
    """What argparse makes of a command line that only opens the app (see
    _opens_the_app), read without it: importing argparse and building the parser
    is start-up time before the first paint."""
    db, demo = None, False
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word == "--db":
            db = rest.pop(0)
        elif word.startswith("--db="):
            db = word[len("--db=") :]
        else:  # --demo
            demo = True
    return SimpleNamespace(db=db, demo=demo, command=None)


ENVIRONMENT = """\
environment variables:
  COACHTUI_DB          the database to use when --db is not given
  COACHTUI_DATA_DIR    the folder for the database and its backups
  COACHTUI_CONFIG_DIR  the folder for settings.toml ('coachtui config path' prints it)
  COACHTUI_HUB         the hub 'coachtui sync' uses when --hub is not given
  COACHTUI_PASSPHRASE  an encrypted database's passphrase (instead of typing it)
  VISUAL, EDITOR       the editor 'coachtui config edit' opens
  NO_COLOR             no colours in the app (Textual's convention)"""


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    import argparse

    parser_class = _parser_class()
    parser = parser_class(
        prog="coachtui",
        description="A keyboard-first companion for improvement coaching sessions. "
        "Run without a command to open the app.",
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"coachtui {__version__}")
    _add_db_option(parser, top=True)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app on a throwaway database full of sample data (your own database is not touched)",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    for name in COMMANDS:
        module = _command(name)
        sub = subparsers.add_parser(module.NAME, help=module.HELP)
        _add_db_option(sub, top=False)
        module.add_arguments(sub)
    return parser


def _not_a_terminal() -> str | None:
    """Which of standard input and output is not a terminal (the app needs both), or
    None. Under ``coachtui serve`` textual-serve runs the app through pipes with a
    driver of its own (TEXTUAL_DRIVER): that is fine."""
    import os

    if os.environ.get("TEXTUAL_DRIVER"):
        return None
    for name, stream in (("input", sys.stdin), ("output", sys.stdout)):
        try:
            if stream is None or not stream.isatty():
                return name
        except (AttributeError, ValueError):  # closed, or replaced by something without isatty
            return name
    return None


def _run_app(args: argparse.Namespace | SimpleNamespace) -> int:
    missing = _not_a_terminal()
    if missing is not None:
        # Without a terminal the full-screen app would write escape codes into a pipe
        # or a file and wait for keys that never come.
        print(
            f"coachtui: the app needs a terminal, and standard {missing} is not one; for scripts use the "
            "commands ('coachtui --help'), for a browser 'coachtui serve'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    from coachtui.ui import run

    return run(database=args.db, demo=args.demo)


def complete() -> None:
    """Answer the shell's completion request (argcomplete's variables are set) and
    end the process; nothing else runs, nothing is opened."""
    import argcomplete

    from coachtui.commands.completion import team_names

    parser = build_parser()
    for action in _all_actions(parser):
        if "--team" in action.option_strings:
            action.completer = team_names  # type: ignore[attr-defined]  # argcomplete reads an attribute argparse does not declare
    argcomplete.autocomplete(parser)


def _all_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    import argparse

    actions = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                actions += _all_actions(sub)
    return actions


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None and "_ARGCOMPLETE" in os.environ:
        complete()
    # Commands print what coaches typed and what files brought in: on a terminal
    # its control characters are shown, never obeyed (not for the app itself).
    with TerminalGuard() as guard:
        return _main(argv, guard)


def _main(argv: Sequence[str] | None, guard: TerminalGuard) -> int:
    from coachtui.store.errors import StoreError

    try:
        words = sys.argv[1:] if argv is None else list(argv)
        args: Any = _app_options(words) if _opens_the_app(words) else build_parser().parse_args(words)
        from coachtui.paths import resolve_database

        args.db = resolve_database(args.db)
        if args.command is None or args.command == "serve":
            guard.release()  # the full-screen app, or a server: they write to the terminal themselves
        if args.command is None:
            return _run_app(args)
        if args.demo and args.command != "serve":
            raise UsageError(f"--demo opens the app (or 'serve'); it does not apply to '{args.command}'")
        from coachtui.askpass import prompting

        with prompting():  # an encrypted database's passphrase is asked for on the terminal
            return int(_command(args.command).run(args) or 0)
    except UsageError as exc:
        print(f"coachtui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:
        print(f"coachtui: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("coachtui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `coachtui search x | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return 0
