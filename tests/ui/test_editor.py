"""ctrl+e where no editor can be opened: the coach is told why and nothing changes.

(The editor itself is tested on a real terminal: tests/test_real_editor.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.ui.helpers import query, saved, type_text, wait_for
from tests.ui.test_keys import on_the_dilemma


def _told(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Record every message shown to the coach (and still show it)."""
    messages: list[str] = []
    show = app.notify

    def notify(message: str, *args: object, **kwargs: object) -> None:
        messages.append(message)
        show(message, *args, **kwargs)

    app.notify = notify
    return messages


@pytest.mark.parametrize(
    ("editor", "expected"),
    [
        (None, "No editor set: set $VISUAL or $EDITOR"),
        ("nano", "Your editor cannot open here"),  # Pilot has no terminal to hand over
        ("   ", "No editor set"),  # set, but to nothing
    ],
)
async def test_ctrl_e_without_an_editor_to_open_says_why_and_keeps_the_text(
    make_app, db_path: Path, monkeypatch: pytest.MonkeyPatch, editor: str | None, expected: str
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    if editor is None:
        monkeypatch.delenv("EDITOR", raising=False)
    else:
        monkeypatch.setenv("EDITOR", editor)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        await type_text(pilot, "Rota")
        await pilot.press("tab")
        await type_text(pilot, "Night shift")
        told = _told(app)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: any(expected in m for m in told), what=expected)
        await type_text(pilot, "s")
        assert app.query_one("#dilemma-text").text == "Night shifts"
        await saved(pilot)
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Night shifts",)]
