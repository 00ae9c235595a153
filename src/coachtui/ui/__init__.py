"""The Textual user interface. Importing this package is cheap; the app loads in run()."""

from __future__ import annotations

_freezing_gc = False


def run(database: str, *, demo: bool = False) -> int:
    """Run the TUI on ``database`` (a path or URL), or on throwaway sample data with
    ``demo``; returns the exit code."""
    from coachtui.ui.app import create_app

    freeze_gc(start=True)
    app = create_app(database, demo=demo)
    app.run()
    return app.return_code or 0


def freeze_gc(*, start: bool = False) -> None:
    """Tell the garbage collector that everything alive now lives as long as the process.

    Python's full collections walk every object; with Textual, SQLAlchemy and the
    question bank loaded that took 30 ms at start-up and 150-350 ms every few step
    changes. Frozen objects are never walked again. ``run()`` starts this (``start``)
    once the imports are done; the app calls it again once the store, the date parser
    and the other steps are loaded. Without ``start`` (in tests, which build many
    apps in one process) it does nothing until something started it.
    """
    global _freezing_gc
    import gc

    if start:
        _freezing_gc = True
    if _freezing_gc:
        gc.freeze()
