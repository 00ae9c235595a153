"""``coachtui encrypt`` / ``decrypt`` and every other command on an encrypted database.

The passphrase comes from COACHTUI_PASSPHRASE or is typed on a real terminal (a pty);
errors are one line; the passphrase never shows up in anything printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.encrypted import (
    NEEDLES,
    PASSPHRASE,
    WORDS,
    cipher_query,
    copy_database,
    digest,
    encrypted_database,
    plain_database,
    plain_text_in,
    readable_as_plain_sqlite,
)
from tests.terminal import Terminal

from coachtui.cli import main
from coachtui.store import open_store
from coachtui.store.types import SessionFilter

ENV = "COACHTUI_PASSPHRASE"


@pytest.fixture(autouse=True)
def no_env_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


@pytest.fixture(scope="session")
def encrypted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("encrypted-cli") / "coach.db"
    encrypted_database(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert PASSPHRASE not in out + err
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("coachtui: ")
    return lines[0]


def test_every_command_works_with_the_passphrase_in_the_environment(
    db_path: Path, tmp_path: Path, encrypted_template: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_database(encrypted_template, db_path)
    monkeypatch.setenv(ENV, PASSPHRASE)
    code, out, _ = run(capsys, "--db", str(db_path), "info")
    assert code == 0 and "encrypted     yes (SQLCipher)" in out and "sessions      1" in out
    code, out, _ = run(capsys, "--db", str(db_path), "search", "zanzibarite")
    assert code == 0 and WORDS["title"] in out
    # Export writes plain files, as asked.
    export = tmp_path / "sessions.json"
    code, _, _ = run(capsys, "--db", str(db_path), "export", "--format", "json", "-o", str(export))
    assert code == 0
    assert json.loads(export.read_text("utf-8"))["sessions"][0]["title"] == WORDS["title"]
    assert sorted(plain_text_in(export)) == sorted(NEEDLES)
    markdown = tmp_path / "sessions.md"
    assert run(capsys, "--db", str(db_path), "export", "-o", str(markdown))[0] == 0
    assert WORDS["dilemma"] in markdown.read_text("utf-8")
    # Backup and restore, both encrypted.
    backup = tmp_path / "copy.db"
    assert run(capsys, "--db", str(db_path), "backup", "-o", str(backup))[0] == 0
    assert not readable_as_plain_sqlite(backup) and plain_text_in(backup) == []
    code, out, _ = run(capsys, "--db", str(db_path), "restore", str(backup))
    assert code == 0 and out.startswith(f"Restored {backup} (1 team, 1 session)")
    assert run(capsys, "--db", str(db_path), "vacuum")[0] == 0
    assert plain_text_in(db_path) == [] and not readable_as_plain_sqlite(db_path)
    imported = tmp_path / "other.db"
    code, _, _ = run(capsys, "--db", str(imported), "import", str(export))
    assert code == 0  # an import into a new, plain database
    with open_store(str(imported)) as store:
        assert store.target.key is None and len(store.search_sessions(SessionFilter("plumbrook")).rows) == 1


def test_without_the_passphrase_or_a_terminal_a_command_says_how_to_give_it(
    db_path: Path, encrypted_template: Path, capsys
) -> None:
    copy_database(encrypted_template, db_path)
    before = digest(db_path)
    code, out, err = run(capsys, "--db", str(db_path), "search", "zanzibarite")
    assert code == 1 and out == ""
    assert one_line(err) == (
        f"coachtui: {db_path} is encrypted or not a coachtui database: give its passphrase with "
        "COACHTUI_PASSPHRASE; it was left untouched"
    )
    assert digest(db_path) == before


def test_a_wrong_passphrase_is_one_line_and_changes_nothing(
    db_path: Path, encrypted_template: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_database(encrypted_template, db_path)
    plain_backup = db_path.parent / "plain-backup.db"
    plain_database(plain_backup)
    before = digest(db_path)
    monkeypatch.setenv(ENV, "not the passphrase")
    for command in (["info"], ["backup"], ["vacuum"], ["decrypt"], ["restore", str(plain_backup)]):
        code, out, err = run(capsys, "--db", str(db_path), *command)
        assert code == 1, command
        assert one_line(err).endswith(
            f"wrong passphrase for {db_path} (or it is not a coachtui database); it was left untouched"
        ), command
    assert digest(db_path) == before
    assert not (db_path.parent / "coachtui-backups").exists()


def test_encrypt_with_the_environment_then_decrypt(db_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    plain_database(db_path)
    assert run(capsys, "--db", str(db_path), "backup")[0] == 0
    monkeypatch.setenv(ENV, PASSPHRASE)
    code, out, err = run(capsys, "--db", str(db_path), "encrypt")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Encrypted {db_path} (1 team(s), 1 session(s))."
    folder = db_path.parent / "coachtui-backups"
    (first,) = folder.glob("coach-before-encrypt-*.db")
    assert f"The copy made first is in clear: {first}" in lines
    assert "These 2 backup(s) of it are still in clear:" in lines
    assert "Remove them once you have checked the encrypted database opens: coachtui encrypt --remove-plain-backups" in lines
    assert not readable_as_plain_sqlite(db_path) and plain_text_in(db_path) == []
    assert oct(db_path.stat().st_mode & 0o777) == "0o600"
    assert cipher_query(db_path, "SELECT title FROM coaching_session") == [(WORDS["title"],)]
    # Again: nothing to do.
    code, out, err = run(capsys, "--db", str(db_path), "encrypt")
    assert code == 1 and one_line(err) == (
        f"coachtui: {db_path} is already encrypted (or is not a coachtui database); nothing was changed"
    )
    # Removing the plaintext backups, once the passphrase has opened the database.
    code, out, err = run(capsys, "--db", str(db_path), "encrypt", "--remove-plain-backups")
    assert code == 0 and out.startswith("Removed 2 plaintext backup(s):")
    assert all(plain_text_in(p) == [] for p in folder.iterdir())
    # Decrypt: a backup first (encrypted), then the database is plain again.
    code, out, err = run(capsys, "--db", str(db_path), "decrypt")
    assert (code, err) == (0, "")
    assert out.startswith(f"Decrypted {db_path} (1 team(s), 1 session(s)); it is stored in clear now.")
    (before_decrypt,) = folder.glob("coach-before-decrypt-*.db")
    assert not readable_as_plain_sqlite(before_decrypt) and plain_text_in(before_decrypt) == []
    assert readable_as_plain_sqlite(db_path)
    code, out, err = run(capsys, "--db", str(db_path), "decrypt")
    assert code == 1 and one_line(err) == f"coachtui: {db_path} is not encrypted; nothing was changed"
    monkeypatch.delenv(ENV)
    code, out, _ = run(capsys, "--db", str(db_path), "info")
    assert code == 0 and "encrypted     no" in out


def test_encrypt_without_a_passphrase_changes_nothing(db_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    plain_database(db_path)
    before = digest(db_path)
    monkeypatch.setenv(ENV, "")  # set but empty: no passphrase
    code, out, err = run(capsys, "--db", str(db_path), "encrypt", "--remove-plain-backups")
    assert code == 1 and out == ""
    assert one_line(err) == (
        f"coachtui: no passphrase to encrypt {db_path} with: set COACHTUI_PASSPHRASE, or run this in a "
        "terminal to type one"
    )
    assert digest(db_path) == before and not (db_path.parent / "coachtui-backups").exists()


def test_encrypt_refuses_another_programs_file_and_a_postgres_url(tmp_path: Path, capsys, monkeypatch) -> None:
    import sqlite3

    foreign = tmp_path / "recipes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = digest(foreign)
    monkeypatch.setenv(ENV, PASSPHRASE)
    code, _, err = run(capsys, "--db", str(foreign), "encrypt")
    assert code == 1 and "an SQLite database of another program" in one_line(err)
    assert digest(foreign) == before
    code, _, err = run(capsys, "--db", "postgresql://coach@hub/coaching", "encrypt")
    assert code == 1 and "works on SQLite database files" in one_line(err)


@pytest.mark.parametrize("empty_file", [False, True], ids=["missing", "empty-file"])
def test_encrypt_refuses_a_missing_database_and_creates_nothing(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch, empty_file: bool
) -> None:
    # A mistyped --db must not leave a new encrypted database (and a backup folder)
    # behind, under a name the coach never meant.
    db = tmp_path / "typo.db"
    if empty_file:
        db.touch()
    monkeypatch.setenv(ENV, PASSPHRASE)
    code, out, err = run(capsys, "--db", str(db), "encrypt")
    assert code == 1 and out == ""
    what = f"{db} is an empty file, not a coachtui database" if empty_file else f"there is no database at {db}"
    assert one_line(err) == (
        f"coachtui: {what}; check the path (the app, 'coachtui import' and 'coachtui demo-data' start a new one)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == (["typo.db"] if empty_file else [])
    if empty_file:
        assert db.stat().st_size == 0


# --- typing the passphrase on a real terminal --------------------------------------------------


def _terminal(db: Path, *command: str) -> Terminal:
    env = {name: value for name, value in os.environ.items() if name != ENV}
    # Wide enough that the temporary path in the prompts never wraps.
    return Terminal([sys.executable, "-m", "coachtui", "--db", str(db), *command], env, size=(240, 24))


@pytest.mark.slow
def test_encrypt_asks_twice_on_a_terminal_and_refuses_a_mismatch_or_nothing(db_path: Path) -> None:
    plain_database(db_path)
    before = digest(db_path)
    for first, second, message in (
        ("walk the ward", "walk the wart", "The two passphrases differ; nothing was changed."),
        ("", None, "The passphrase is empty; nothing was changed."),
    ):
        term = _terminal(db_path, "encrypt")
        term.wait_for(f"New passphrase for {db_path}:")
        term.send(first + "\r")
        if second is not None:
            term.wait_for("Type it again:")
            term.send(second + "\r")
        assert term.wait_exit(30) == 1
        assert f"coachtui: {message}" in term.text()
        assert "walk" not in term.text()  # nothing typed was echoed
        assert digest(db_path) == before
    assert not (db_path.parent / "coachtui-backups").exists()
    term = _terminal(db_path, "encrypt")
    term.wait_for("New passphrase")
    term.send(PASSPHRASE + "\r")
    term.wait_for("Type it again:")
    term.send(PASSPHRASE + "\r")
    assert term.wait_exit(60) == 0
    screen = term.text()
    assert f"Encrypted {db_path}" in screen
    assert "walk" not in screen and "⛰" not in screen  # nothing typed was echoed
    assert not readable_as_plain_sqlite(db_path)
    # Any command asks for the passphrase on the terminal, masked; a wrong one is one line.
    term = _terminal(db_path, "search", "plumbrook")
    term.wait_for(f"Passphrase for {db_path}:")
    term.send("walk the wart\r")
    assert term.wait_exit(30) == 1
    assert "coachtui: wrong passphrase for" in term.text() and "wart" not in term.text()
    term = _terminal(db_path, "search", "plumbrook")
    term.wait_for(f"Passphrase for {db_path}:")
    term.send(PASSPHRASE + "\r")
    assert term.wait_exit(30) == 0
    assert WORDS["title"] in term.text() and "⛰" not in term.text()


# --- without the extra installed ---------------------------------------------------------------


def _without_sqlcipher(tmp_path: Path, db: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run coachtui in a Python where ``import sqlcipher3`` fails, as without the extra."""
    shim = tmp_path / "no-sqlcipher"
    (shim / "sqlcipher3").mkdir(parents=True, exist_ok=True)
    (shim / "sqlcipher3" / "__init__.py").write_text("raise ImportError('sqlcipher3 is not installed')\n")
    env = {**os.environ, "PYTHONPATH": str(shim), ENV: PASSPHRASE}
    return subprocess.run(
        [sys.executable, "-m", "coachtui", "--db", str(db), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_the_extra_encrypt_says_how_to_install_it(tmp_path: Path, encrypted_template: Path) -> None:
    plain = tmp_path / "plain.db"
    plain_database(plain)
    before = digest(plain)
    result = _without_sqlcipher(tmp_path, plain, "encrypt")
    assert result.returncode == 1
    assert result.stderr == (
        "coachtui: coachtui encrypt needs SQLCipher; install it from coachtui's source folder with: pip install -e '.[encrypt]'\n"
    )
    assert digest(plain) == before
    locked = copy_database(encrypted_template, tmp_path / "locked.db")
    result = _without_sqlcipher(tmp_path, locked, "info")
    assert result.returncode == 1
    assert result.stderr == (
        f"coachtui: {locked} is encrypted or not a coachtui database; to open an encrypted database, "
        "install it from coachtui's source folder with: pip install -e '.[encrypt]'; it was left untouched\n"
    )
    # A plain database needs nothing extra.
    result = _without_sqlcipher(tmp_path, plain, "info")
    assert result.returncode == 0 and "encrypted     no" in result.stdout
