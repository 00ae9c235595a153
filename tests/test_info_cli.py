"""``coachtui info``: what to paste into a bug report (issue 20, item 8)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from coachtui import __version__
from coachtui.cli import main

SECRET = "s3cret-Pa55"


def _info(env_home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(
        HOME=str(env_home),
        COACHTUI_CONFIG_DIR=str(env_home / "config"),
        COACHTUI_DATA_DIR=str(env_home / "data"),
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "coachtui", "info", *args], capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )


def _value(out: str, label: str) -> str:
    found = re.search(rf"^{re.escape(label)}\s+(.*)$", out, re.MULTILINE)
    assert found, (label, out)
    return found[1]


def test_info_names_versions_paths_hub_and_extras(tmp_path: Path) -> None:
    from coachtui.store import open_store

    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    settings = home / "config" / "settings.toml"
    settings.write_text(tomli_w.dumps({"hub": f"postgresql://coach:{SECRET}@hub.example.org/coaching"}))
    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 4")
        store.ensure_daily_backup(keep=5)
    result = _info(home, "--db", str(db))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert SECRET not in out + result.stderr
    assert _value(out, "coachtui") == __version__
    assert _value(out, "python").startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    assert re.fullmatch(r"\d+\.\d+\.\d+", _value(out, "textual"))
    assert _value(out, "database") == str(db)
    assert _value(out, "encrypted") == "no"
    assert _value(out, "backups").startswith(str(tmp_path / "coachtui-backups"))
    assert _value(out, "settings") == str(settings)
    assert _value(out, "hub") == "postgresql://coach:***@hub.example.org/coaching (settings)"
    for extra in ("postgres", "encrypt", "keyring", "serve", "calendar"):
        assert _value(out, f"[{extra}]")  # installed (with its version) or how to add it
    assert _value(out, "teams") == "1"
    assert settings.read_text().count(SECRET) == 1  # read, never rewritten


def test_info_on_a_missing_database_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = _info(home, COACHTUI_HUB=f"postgresql://coach:{SECRET}@hub.example.org/x")
    assert result.returncode == 1 and result.stdout == ""
    database = home / "data" / "coachtui.db"
    assert result.stderr.startswith(f"coachtui: there is no database at {database};")
    assert result.stderr.count("\n") == 1
    assert not home.exists()  # nothing made: no folder, no database, no settings


def test_info_on_an_encrypted_database(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.encrypted import PASSPHRASE, encrypted_database

    monkeypatch.delenv("COACHTUI_PASSPHRASE", raising=False)
    encrypted_database(db_path)
    assert main(["--db", str(db_path), "info"]) == 1  # without its passphrase: one line saying how to give it
    captured = capsys.readouterr()
    assert captured.out == "" and "is encrypted" in captured.err and "COACHTUI_PASSPHRASE" in captured.err
    monkeypatch.setenv("COACHTUI_PASSPHRASE", PASSPHRASE)
    assert main(["--db", str(db_path), "info"]) == 0
    assert _value(capsys.readouterr().out, "encrypted") == "yes (SQLCipher)"


def test_a_missing_extra_is_named_with_the_way_to_add_it(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import coachtui.extras
    from coachtui.store import open_store

    real = coachtui.extras.installed_version
    monkeypatch.setattr(coachtui.extras, "installed_version", lambda d: None if d == "icalendar" else real(d))
    db = tmp_path / "coach.db"
    open_store(str(db)).close()
    assert main(["--db", str(db), "info"]) == 0
    out = capsys.readouterr().out
    assert _value(out, "[calendar]") == "not installed (add the 'calendar' extra for export --format ics)"
    assert _value(out, "settings").endswith("(not there yet: the defaults)")
    assert _value(out, "hub") == "none set"


def test_info_shows_the_rescue_folder_and_how_many_copies_it_holds(tmp_path: Path) -> None:
    from coachtui.store import open_store

    home = tmp_path / "home"
    folder = home / "data" / "unsaved"
    db = tmp_path / "coach.db"
    with open_store(str(db)):
        pass
    result = _info(home, "--db", str(db))
    assert _value(result.stdout, "unsaved") == f"{folder} (no rescue copies)", result.stderr
    folder.mkdir(parents=True)
    for stamp in ("20261201-090000", "20261202-090000"):
        (folder / f"coachtui-unsaved-{stamp}-0a1b2c3d.md").write_text("# Rescued\n")
    (folder / "notes.txt").write_text("not a rescue copy")
    result = _info(home, "--db", str(db))
    assert _value(result.stdout, "unsaved") == f"{folder} (2 rescue copies: text that could not be saved)"
