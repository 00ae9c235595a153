"""Shell completion through argcomplete (issue 20, item 6): ``coachtui completion
SHELL`` prints the shell's code; the shell then asks coachtui for completions."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACHTUI_", "_ARC"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(tmp_path / "home"),
        COACHTUI_DATA_DIR=str(tmp_path / "data"),
        COACHTUI_CONFIG_DIR=str(tmp_path / "config"),
        **extra,
    )
    return env


def _complete(tmp_path: Path, line: str) -> list[str]:
    """What argcomplete answers for ``line`` (the protocol the shell code speaks)."""
    out = tmp_path / "completions.txt"
    env = _env(tmp_path, _ARGCOMPLETE="1", COMP_LINE=line, COMP_POINT=str(len(line)),
               _ARGCOMPLETE_STDOUT_FILENAME=str(out))
    result = subprocess.run([str(BIN / "coachtui")], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return [word.strip() for word in out.read_text().split("\013") if word.strip()]


@pytest.fixture
def teams_db(tmp_path: Path) -> Path:
    from coachtui.store import open_store

    db = tmp_path / "teams.db"
    with open_store(str(db)) as store:
        for name in ("Ward 4", "Ward 9 night", "Maple Clinic"):
            store.create_team(name)
    return db


def test_commands_options_and_choices_complete(tmp_path: Path) -> None:
    assert _complete(tmp_path, "coachtui se") == ["search", "serve"]
    assert "--json" in _complete(tmp_path, "coachtui search x --j")
    assert {"bash", "zsh", "fish"} <= set(_complete(tmp_path, "coachtui completion "))
    assert _complete(tmp_path, "coachtui config e") == ["edit"]


def test_team_names_complete_from_the_database_without_changing_it(tmp_path: Path, teams_db: Path) -> None:
    before = hashlib.sha256(teams_db.read_bytes()).hexdigest()
    found = _complete(tmp_path, f"coachtui search x --db {teams_db} --team Wa")
    assert [name.replace("\\", "") for name in found] == ["Ward 4", "Ward 9 night"]
    assert hashlib.sha256(teams_db.read_bytes()).hexdigest() == before
    # No database there: no names, and none is made.
    missing = tmp_path / "none.db"
    assert _complete(tmp_path, f"coachtui export --db {missing} --team Wa") == []
    assert not missing.exists() and not (tmp_path / "data").exists()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_with_the_printed_code(tmp_path: Path) -> None:
    script = (
        'eval "$(coachtui completion bash)"\n'
        'COMP_LINE="coachtui sea"; COMP_POINT=12; COMP_WORDS=(coachtui sea); COMP_CWORD=1\n'
        "_python_argcomplete coachtui sea coachtui\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(["bash", "-c", script], env=_env(tmp_path), capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["search"]


@pytest.mark.parametrize(("shell", "says"), [("zsh", "#compdef coachtui"), ("fish", "complete --command coachtui")])
def test_zsh_and_fish_get_their_own_code(tmp_path: Path, shell: str, says: str) -> None:
    result = subprocess.run([str(BIN / "coachtui"), "completion", shell], env=_env(tmp_path), capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0 and says in result.stdout


def test_an_unknown_shell_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run([str(BIN / "coachtui"), "completion", "tcsh"], env=_env(tmp_path), capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
