"""The Textual user interface. Importing this package is cheap; the app loads in run()."""

from __future__ import annotations


def run(database: str, *, demo: bool = False) -> int:
    """Run the TUI on ``database`` (a path or URL), or on throwaway sample data with
    ``demo``; returns the exit code."""
    from coachtui.ui.app import create_app

    app = create_app(database, demo=demo)
    app.run()
    return app.return_code or 0
