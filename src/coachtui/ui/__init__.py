"""The Textual user interface. Importing this package is cheap; the app loads in run()."""

from __future__ import annotations


def run(database: str) -> int:
    """Run the TUI on ``database`` (a path or URL); returns the exit code."""
    from coachtui.ui.app import create_app

    app = create_app(database)
    app.run()
    return app.return_code or 0
