"""``coach_app(node)``: the running app as a :class:`CoachApp`, typed.

Textual types ``node.app`` as a plain ``App``; every screen, step and widget of
coachtui runs inside a ``CoachApp`` (``create_app``). This is the one place that says
so, instead of a ``# type: ignore`` in each screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from coachtui.ui.app import CoachApp


class _InApp(Protocol):
    """A screen, widget or command provider: anything Textual gives an ``app``."""

    @property
    def app(self) -> App[Any]: ...


def coach_app(node: _InApp) -> CoachApp:
    return cast("CoachApp", node.app)
