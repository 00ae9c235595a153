"""``coachtui config edit`` and the environment listed in ``--help`` (issue 20, item 3)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from coachtui.cli import main

# An "editor" that writes what NEW_TEXT says into the file it is given (or leaves it).
EDITOR = """
import os, sys
text = os.environ.get("NEW_TEXT")
if text is not None:
    open(sys.argv[1], "w").write(text)
sys.exit(int(os.environ.get("EDITOR_STATUS", "0")))
"""


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return script


def test_edit_makes_the_file_opens_the_editor_and_checks_it(
    isolated_home: Path, editor: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_home / "config" / "settings.toml"
    assert main(["config", "edit"]) == 0  # the editor changed nothing: every setting, defaults
    assert capsys.readouterr().out == f"settings saved in {path}\n"
    assert tomllib.loads(path.read_text())["backups_to_keep"] == 14
    monkeypatch.setenv("NEW_TEXT", 'coach_name = "Ana Ruiz"\nbackups_to_keep = 30\n')
    assert main(["config", "edit"]) == 0
    assert main(["config", "show"]) == 0
    assert "Ana Ruiz" in capsys.readouterr().out


def test_a_mistake_made_in_the_editor_is_reported_and_kept_as_typed(
    isolated_home: Path, editor: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_home / "config" / "settings.toml"
    broken = 'coach_name = "Ana Ruiz"\nbackups_to_keep = "30"\n'
    monkeypatch.setenv("NEW_TEXT", broken)
    assert main(["config", "edit"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert f"{path}, line 2: backups_to_keep should be a whole number" in captured.err
    assert path.read_text() == broken
    # Opening it again does not overwrite the mistake either: the coach fixes it.
    monkeypatch.delenv("NEW_TEXT")
    assert main(["config", "edit"]) == 1
    assert path.read_text() == broken
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]


def test_edit_without_an_editor_or_with_a_missing_one_says_so(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    assert main(["config", "edit"]) == 1
    assert "set VISUAL or EDITOR" in capsys.readouterr().err
    monkeypatch.setenv("VISUAL", "no-such-editor-anywhere --wait")
    assert main(["config", "edit"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot start the editor 'no-such-editor-anywhere'" in err


def test_help_lists_the_environment_variables(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    done = subprocess.run(
        [sys.executable, "-m", "coachtui", "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0
    for name in ("COACHTUI_DB", "COACHTUI_DATA_DIR", "COACHTUI_CONFIG_DIR", "COACHTUI_HUB", "COACHTUI_PASSPHRASE",
                 "EDITOR"):
        assert name in done.stdout


def test_show_reads_an_older_settings_json_without_moving_it(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = isolated_home / "config"
    folder.mkdir(parents=True)
    (folder / "settings.json").write_text('{"coach_name": "Ana Ruiz"}')
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "Ana Ruiz" in out and "settings.json (an older coachtui's" in out
    assert [p.name for p in folder.iterdir()] == ["settings.json"]  # show changes nothing


def test_edit_moves_an_older_settings_json_over_first(
    isolated_home: Path, editor: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = isolated_home / "config"
    folder.mkdir(parents=True)
    (folder / "settings.json").write_text('{"coach_name": "Ana Ruiz", "backups_to_keep": 30}')
    assert main(["config", "edit"]) == 0
    assert tomllib.loads((folder / "settings.toml").read_text())["backups_to_keep"] == 30
    assert sorted(p.name for p in folder.iterdir()) == ["settings.json.migrated", "settings.toml"]


def test_keys_edited_in_are_checked_against_the_apps_commands(
    isolated_home: Path, editor: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_home / "config" / "settings.toml"
    monkeypatch.setenv("NEW_TEXT", '[keys]\n"app.history" = "ctrl+o"\n"tracker.dun" = "D"\n')
    assert main(["config", "edit"]) == 0  # kept: a key that names nothing does nothing
    captured = capsys.readouterr()
    assert '[keys] "tracker.dun" is not one of coachtui\'s keys (did you mean "tracker.done"?)' in captured.err
    assert captured.out == f"settings saved in {path}\n"
    assert main(["config", "show"]) == 0
    captured = capsys.readouterr()
    assert "'app.history': 'ctrl+o'" in captured.out or '"app.history": "ctrl+o"' in captured.out
    assert "tracker.dun" in captured.err
    monkeypatch.setenv("NEW_TEXT", '[keys]\n"app.history" = "ctrl + h"\n')
    assert main(["config", "edit"]) == 1
    assert f'{path}, line 2: "app.history" = "ctrl + h": "ctrl + h" is not a key' in capsys.readouterr().err


def test_show_masks_the_hubs_password_as_info_does(capsys: pytest.CaptureFixture[str]) -> None:
    from coachtui import paths

    path = paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('hub = "postgresql://coach:secretpw@hub/x"\n')
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "secretpw" not in out
    assert [line.split()[-1] for line in out.splitlines() if line.startswith("hub ")] == [
        "postgresql://coach:***@hub/x"
    ]


def test_a_key_that_types_given_to_a_command_of_anywhere_is_said_by_config_show_and_edit(
    isolated_home: Path, editor: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_home / "config" / "settings.toml"
    monkeypatch.setenv("NEW_TEXT", '[keys]\n"app.quit" = "a,ctrl+q"\n"tracker.done" = "D"\n"app.history" = "ctrl+y"\n')
    assert main(["config", "edit"]) == 0  # kept, as the app keeps it: the other keys are used
    said = f'{path}: [keys] "app.quit": a types a character in a text field; it is not used for this command'
    err = capsys.readouterr().err
    assert said in err
    assert f'{path}: [keys] "app.history": ctrl+y is redo in a text field' in err
    assert "tracker.done" not in err  # a list's letter
    assert main(["config", "show"]) == 0
    assert said in capsys.readouterr().err


def test_show_reports_every_mistake_each_with_its_line(isolated_home: Path) -> None:
    """A tester fixed one mistake per run: each run showed only the first."""
    path = isolated_home / "config" / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'coach_name = "Ana"\n'
        "theme = = dark\n"
        "backups_to_keep = \"many\"\n"
        "colour = 3\n"
        "[keys]\n"
        '"app.history" = "f3,,"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "coachtui", "config", "show"], capture_output=True, text=True, timeout=60, check=False,
        env=dict(os.environ),  # the isolated home and config folder
    )
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == f"coachtui: your settings file {path} has 4 mistakes (it was left as it is):"
    assert [line.split(":", 1)[0] for line in lines[1:]] == [
        f"  line {n}" for n in (2, 3, 4, 6)
    ], lines
    assert "backups_to_keep should be" in lines[2] and "unknown setting 'colour'" in lines[3]
    assert '"" is not a key' in lines[4]
