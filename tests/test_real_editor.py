"""ctrl+e: the dilemma, the context or a note written in the coach's own editor.

The app runs on a pseudo-terminal with $EDITOR set to a small script that plays the
editor: it rewrites the file it is given (and notes the file's permissions), or fails.
What counts is what the database holds afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.test_real_keys import CTRL_Z, ESC, resumed

pytestmark = pytest.mark.slow

CTRL_E = "\x05"


def _editor(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o700)
    return script


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.delenv("VISUAL", raising=False)
    return folder


def test_ctrl_e_writes_the_dilemma_in_the_editor_and_the_result_is_saved(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mode_file = tmp_path / "mode"
    editor = _editor(
        tmp_path,
        f'stat -c %a "$1" > {mode_file}\n'
        'printf "%s\\nand the handover is rushed" "$(cat "$1")" > "$1"\n',
    )
    monkeypatch.setenv("EDITOR", str(editor))
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(CTRL_E)
        app.holds(
            "SELECT dilemma FROM coaching_session", ("Night team misses the huddle\nand the handover is rushed",)
        )
        app.shows("Text taken from your editor")
        app.send(" too")  # the coach carries on at the end of what came back
        app.holds(
            "SELECT dilemma FROM coaching_session", ("Night team misses the huddle\nand the handover is rushed too",)
        )
        app.send(CTRL_Z * 4)  # " too", then the editor's change, undone
        app.holds("SELECT dilemma FROM coaching_session", ("Night team misses the huddle",))
        app.quit()
    assert mode_file.read_text().strip() == "600"  # nobody else could read the text meanwhile
    assert list(private_tmp.iterdir()) == []  # and it is gone afterwards


@pytest.mark.parametrize("newlines", [1, 2])
def test_the_text_comes_back_exactly_as_the_editor_saved_it(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch, newlines: int
) -> None:
    """The newlines the editor wrote at the end are the coach's text too."""
    ending = "\\n" * newlines  # as printf reads it
    editor = _editor(tmp_path, f'printf "%s\\nand the handover is rushed{ending}" "$(cat "$1")" > "$1"\n')
    monkeypatch.setenv("EDITOR", str(editor))
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(CTRL_E)
        app.shows("Text taken from your editor")
        app.holds(
            "SELECT dilemma FROM coaching_session",
            ("Night team misses the huddle\nand the handover is rushed" + "\n" * newlines,),
        )
        app.quit()


def test_an_editor_that_fails_leaves_the_text_as_it_was(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = _editor(tmp_path, 'echo "half-written" > "$1"\nexit 1\n')
    monkeypatch.setenv("EDITOR", str(editor))
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(CTRL_E)
        app.shows("the text is as it was")
        app.send(ESC + "!")
        app.holds("SELECT dilemma FROM coaching_session", ("Night team misses the huddle!",))
        app.quit()
    assert list(private_tmp.iterdir()) == []


def test_an_editor_that_does_not_exist_is_named(tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor") + " --wait")
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(CTRL_E)
        app.shows("Could not start the editor")
        app.send("!")
        app.holds("SELECT dilemma FROM coaching_session", ("Night team misses the huddle!",))
        app.quit()
    assert list(private_tmp.iterdir()) == []
