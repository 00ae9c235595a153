"""The app without a terminal (piped, redirected, run from a script): one line and an
exit code, never escape codes in the pipe or a hang (issue 20, item 9)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACHTUI_", "TEXTUAL_"))}
    env.update(HOME=str(tmp_path / "home"), COACHTUI_CONFIG_DIR=str(tmp_path / "config"),
               COACHTUI_DATA_DIR=str(tmp_path / "data"), TERM="xterm-256color")
    return env


def _check_refused(result: subprocess.CompletedProcess[bytes], which: str) -> None:
    assert result.returncode == 1
    assert result.stdout == b""
    err = result.stderr.decode()
    assert err == (
        f"coachtui: the app needs a terminal, and standard {which} is not one; for scripts use the "
        "commands ('coachtui --help'), for a browser 'coachtui serve'\n"
    )
    assert "\x1b" not in err


@pytest.mark.parametrize("args", [[], ["--demo"]], ids=["app", "demo"])
def test_the_app_with_pipes_says_so_in_one_line(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "coach.db"
    result = subprocess.run(
        [sys.executable, "-m", "coachtui", "--db", str(db), *args],
        stdin=subprocess.DEVNULL, capture_output=True, env=_env(tmp_path), timeout=30, check=False,
    )
    _check_refused(result, "input")
    assert not db.exists() and sorted(p.name for p in tmp_path.iterdir()) == []  # nothing made


def test_the_app_with_its_output_piped_says_so(tmp_path: Path) -> None:
    """`coachtui | less` or `coachtui > log`: typed at a terminal, shown nowhere."""
    master, slave = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "coachtui", "--db", str(tmp_path / "coach.db")],
            stdin=slave, capture_output=True, env=_env(tmp_path), timeout=30, check=False,
        )
    finally:
        os.close(slave)
        os.close(master)
    _check_refused(result, "output")


def test_commands_still_work_through_pipes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coachtui", "config", "path"],
        stdin=subprocess.DEVNULL, capture_output=True, env=_env(tmp_path), timeout=30, check=False,
    )
    assert result.returncode == 0 and result.stdout.decode().strip().endswith("settings.toml")
