"""The command line: version, help, --db anywhere, one-line errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coachtui import __version__
from coachtui.cli import main


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coachtui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_version_and_help_as_a_real_process() -> None:
    result = run_cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"coachtui {__version__}")
    result = run_cli("--help")
    assert result.returncode == 0
    assert "--db PATH|URL" in result.stdout
    assert "info" in result.stdout


def test_db_option_before_or_after_the_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from coachtui.store import open_store

    before, after = tmp_path / "before.db", tmp_path / "after.db"
    for path in (before, after):
        open_store(str(path)).close()
    assert main(["--db", str(before), "info"]) == 0
    assert f"database      {before}" in capsys.readouterr().out
    assert main(["info", "--db", str(after)]) == 0
    assert f"database      {after}" in capsys.readouterr().out
    # Both given: the one nearest the subcommand wins.
    assert main(["--db", str(before), "info", "--db", str(after)]) == 0
    assert f"database      {after}" in capsys.readouterr().out


def test_db_from_the_environment_then_the_data_folder(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # 'info' only reads: the database it would use is named in its error when missing.
    assert main(["info"]) == 1
    assert f"there is no database at {isolated_home / 'data' / 'coachtui.db'};" in capsys.readouterr().err
    monkeypatch.setenv("COACHTUI_DB", str(tmp_path / "env.db"))
    assert main(["info"]) == 1
    assert f"there is no database at {tmp_path / 'env.db'};" in capsys.readouterr().err
    assert not (isolated_home / "data").exists() and not (tmp_path / "env.db").exists()


def test_info_reports_what_the_database_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from coachtui.store import open_store

    path = tmp_path / "c.db"
    with open_store(str(path)) as store:
        team = store.create_team("Ward 4")
        store.start_session(team.id)
    assert main(["info", "--db", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "teams         1" in out and "drafts        1" in out and "sessions      0" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "coachtui: unrecognized arguments: --bogus (see 'coachtui --help')"),
        (["nonsense"], "coachtui: argument COMMAND: invalid choice: 'nonsense'"),
        (["info", "--db"], "coachtui info: argument --db: expected one argument"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(message.split(" (see")[0].replace("coachtui info: ", "coachtui: "))


def test_a_foreign_file_is_one_line_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000))
    before = path.read_bytes()
    result = run_cli("info", "--db", str(path))
    assert result.returncode == 1
    assert result.stderr == f"coachtui: {path} is not a coachtui database (not an SQLite file); it was left untouched\n"
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_missing_postgres_driver_or_bad_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "--db", "oracle://x/y"]) == 1
    err = capsys.readouterr().err
    assert err == "coachtui: unsupported database URL scheme 'oracle' (use a file path, sqlite:///PATH or postgresql://...)\n"


def test_opening_the_app_parses_without_loading_the_subcommands(tmp_path: Path) -> None:
    """`coachtui --db X` goes straight to the app: no subcommand module is imported
    before the first paint; anything else still gets the whole parser."""
    code = (
        "import sys, coachtui.cli as cli; seen = {}\n"
        "cli._run_app = lambda args: seen.update(db=args.db, demo=args.demo) or 0\n"
        "assert cli.main(sys.argv[1:]) == 0\n"
        "print(seen['db'], seen['demo'], sorted(m for m in sys.modules if m.startswith('coachtui.commands.')))\n"
    )
    path = tmp_path / "c.db"
    for args, demo in (["--db", str(path)], False), ([f"--db={path}", "--demo"], True):
        result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        assert result.stdout.split("\n")[0] == f"{path} {demo} []"
    result = run_cli("--demo", "--db")
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert result.stderr.startswith("coachtui: argument --db: expected one argument")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], (None, False)),
        (["--db", "a.db"], ("a.db", False)),
        (["--db=b.db", "--demo"], ("b.db", True)),
        (["--demo", "--db", "a.db", "--db", "c.db"], ("c.db", True)),
        (["--db="], ("", False)),
    ],
)
def test_a_command_line_that_opens_the_app_is_read_as_argparse_reads_it(words: list[str], expected: tuple) -> None:
    # Opening the app reads its few options without argparse (start-up time): the
    # same answer as the full parser gives.
    from coachtui import cli

    assert cli._opens_the_app(words)
    parsed = cli.build_parser(commands=False).parse_args(words)
    assert (parsed.db, parsed.demo, parsed.command) == (*expected, None)
    quick = cli._app_options(words)
    assert (quick.db, quick.demo, quick.command) == (*expected, None)
