"""``coach_app(node)``: the running app as a :class:`CoachApp`, typed.

Textual types ``node.app`` as a plain ``App``; every screen, step and widget of
coachtui runs inside a ``CoachApp`` (``create_app``). This is the one place that says
so, instead of a ``# type: ignore`` in each screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from coachtui.ui.app import CoachApp


def coach_app(node: MessagePump) -> CoachApp:
    return cast("CoachApp", node.app)
