"""The screens of the app's modes besides the session (f3, f4, f5), made when first shown.

Only the session screen is needed for the first paint; the others load when first
shown, so their modules are imported then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def _history_screen() -> Screen[Any]:
    from coachtui.ui.screens.history import HistoryScreen

    return HistoryScreen()


def _tracker_screen() -> Screen[Any]:
    from coachtui.ui.screens.tracker import TrackerScreen

    return TrackerScreen()


def _trends_screen() -> Screen[Any]:
    from coachtui.ui.screens.trends import TrendsScreen

    return TrendsScreen()


MODE_SCREENS: dict[str, Callable[[], Screen[Any]]] = {
    "history": _history_screen,
    "actions": _tracker_screen,
    "themes": _trends_screen,
}
