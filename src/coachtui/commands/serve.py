"""``coachtui serve``: the TUI in a web browser, for projecting in a workshop."""

from __future__ import annotations

import argparse

NAME = "serve"
HELP = "serve the app in a web browser (for projecting)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Serve coachtui as a web page (with textual-serve). Every browser tab that opens "
        "the page runs its own coachtui on the same database. Open the address it prints: "
        "it carries a random token, new each time, and anything without it (or from another "
        "site) is refused. Bound to 127.0.0.1 unless --host says otherwise: coaching notes "
        "are private, and the connection is not encrypted, so think twice before serving "
        "them to a network. Ctrl+C stops the server."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,  # `coachtui --demo serve` sets it too
        help="serve demo mode (a throwaway database of sample data) instead of --db",
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from coachtui.extras import install_hint, missing

    if (absent := missing("textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2")) is not None:
        print(f"coachtui: coachtui serve needs {absent.replace('_', '-')}; {install_hint('serve')}", file=sys.stderr)
        return 1
    from coachtui.ui.serve import ServeError, check_address, serve

    try:
        address = check_address(args.host, args.port)
    except ServeError as exc:
        print(f"coachtui: {exc}", file=sys.stderr)
        return 1
    database = args.db
    if not args.demo:
        # Open (create or migrate) the database once now: a problem with it is one line
        # here rather than a broken page in the browser, and the first page opens faster.
        from coachtui.store import open_store
        from coachtui.store.db.target import parse_target

        with open_store(database):
            pass
        target = parse_target(database)
        if target.path is not None:
            database = str(target.path)  # absolute: the served command may not share our folder
    return serve(database, address, demo=args.demo)
