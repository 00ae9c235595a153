"""The screens of the app's modes besides the session (f3, f4, f5), made when first shown.

Only the session screen is needed for the first paint; the others load when first
shown, so their modules are imported then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def _styled_now(screen: Screen[Any]) -> Screen[Any]:
    """A new mode screen, marked as styled by the app's current stylesheet.

    Textual 8.2 marks every new screen out of date, so the first switch to a mode
    parses every stylesheet again and restyles every widget of every screen, twice
    (100-200 ms with the session's seven steps mounted). A new screen's widgets get
    the current styles when they mount anyway. This sets Textual's private counter
    (where it still exists): the first visit to history then costs what later ones do
    (without it, measured with bench/interactive.py's FrameClock: the first f3 took
    ~0.3-0.5 s longer, the first f4 and f5 ~0.1 s; no public API does this).
    """
    app = screen.app
    if isinstance(getattr(app, "_css_update_count", None), int) and hasattr(screen, "_css_update_count"):
        screen._css_update_count = app._css_update_count
    return screen


def _history_screen() -> Screen[Any]:
    from coachtui.ui.screens.history import HistoryScreen

    return _styled_now(HistoryScreen())


def _tracker_screen() -> Screen[Any]:
    from coachtui.ui.screens.tracker import TrackerScreen

    return _styled_now(TrackerScreen())


def _trends_screen() -> Screen[Any]:
    from coachtui.ui.screens.trends import TrendsScreen

    return _styled_now(TrendsScreen())


MODE_SCREENS: dict[str, Callable[[], Screen[Any]]] = {
    "history": _history_screen,
    "actions": _tracker_screen,
    "themes": _trends_screen,
}
