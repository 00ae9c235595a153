"""Nothing lost (issue 15, items 2, 3, 8, 9): a save that says "saved" is on disk, a
typo in the settings file costs nothing, import keeps the app's own limits, and demo
mode neither reads the coach's settings nor leaves its database behind.

Fast tests, plus a few real-terminal ones (marked slow) that drive ``python -m
coachtui`` in a pseudo-terminal and then look at the disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.terminal import Terminal, coachtui_command

from coachtui import config
from coachtui.cli import main
from coachtui.config import Settings, load_settings


def _env(home: Path, settings: str | None = None, **extra: str) -> dict[str, str]:
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    if settings is not None:
        (config / "settings.toml").write_text(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHTUI_")}
    env.update(
        HOME=str(home),
        COACHTUI_CONFIG_DIR=str(config),
        COACHTUI_DATA_DIR=str(home / "data"),
        TERM="xterm-256color",
        COLUMNS="80",
        LINES="24",
        **extra,
    )
    return env


def _until(condition, what: str, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _dilemma(db: Path) -> tuple[str, int] | None:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT dilemma, version FROM coaching_session").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row


# --- item 2: "saved ✓" means on disk ---------------------------------------------------------


def test_every_database_connection_commits_with_a_full_sync(tmp_path: Path) -> None:
    """synchronous=NORMAL in WAL mode leaves the last commits in the page cache: a power
    cut loses them although the app said "saved". FULL syncs the log on every commit."""
    from coachtui.store import open_store

    with open_store(str(tmp_path / "coach.db")) as store:
        for _ in range(2):  # a fresh connection and one from the pool
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


_SYSCALL = re.compile(r"^\d+\s+(pwrite64|fdatasync|fsync)\((\d+)<([^>]*)>")


def _wal_commits(trace: str, wal: str) -> tuple[int, bool]:
    """(commits synced, whether something was written to the log after its last sync)."""
    synced, dirty = 0, False
    for line in trace.splitlines():
        match = _SYSCALL.match(line)
        if not match or match.group(3) != wal:
            continue
        if match.group(1) == "pwrite64":
            dirty = True
        elif dirty:
            synced, dirty = synced + 1, False
    return synced, dirty


@pytest.mark.slow
def test_each_autosave_is_synced_to_disk_before_the_next_keystroke_batch(tmp_path: Path) -> None:
    """The real app under strace while the coach types: every write to the write-ahead
    log is followed by an fsync/fdatasync of it, one per save; nothing "saved" sits in
    the page cache waiting for a power cut."""
    strace = shutil.which("strace")
    assert strace, "this test needs strace (the OS package) to watch the app's fsync calls"
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 4")
    trace_file = tmp_path / "trace.txt"
    command = [strace, "-f", "-qq", "-y", "-e", "trace=pwrite64,fdatasync,fsync", "-o", str(trace_file),
               *coachtui_command(db)]
    app = Terminal(command, _env(tmp_path / "home", _toml({"coach_name": "Ana Ruiz", "name_asked": True})))
    try:
        app.wait_for("Ward 4", timeout=60)
        app.send("\r")
        app.wait_for("Dilemma, in your words", timeout=60)
        app.send("\t", pause=0.2)
        typed = ""
        for burst in ("Rota chaos.", " Night team never sees the chart.", " Huddle moves."):
            app.send(burst)
            typed += burst
            app.wait_for("saved ✓", timeout=30)
            _until(lambda t=typed: (row := _dilemma(db)) is not None and row[0] == t, f"{typed!r} in the database")
        dilemma, version = _dilemma(db)  # type: ignore[misc]
    finally:
        # the laptop dies: kill -9 coachtui itself (strace's child), no clean close
        children = Path(f"/proc/{app.pid}/task/{app.pid}/children").read_text().split()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
        app.wait_exit(timeout=30)
    assert dilemma == typed
    synced, dirty = _wal_commits(trace_file.read_text(), f"{db}-wal")
    assert not dirty, "the last save was written to the log but never synced to disk"
    assert synced >= version - 1 >= 3  # one synced commit per save at least


def _root_tool(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout.strip()


@contextlib.contextmanager
def _mounted(image: Path, folder: Path) -> Iterator[Path]:
    """``image`` as a disk on a loop device, mounted at ``folder``. Skips the test where
    the machine allows no loop device (not root, in a container without one): there the
    pragma and strace tests above stand in for it."""
    if os.geteuid() != 0 or not all(shutil.which(t) for t in ("losetup", "mount", "umount")):
        pytest.skip("a loop device needs root and losetup/mount: the pragma and strace tests stand in")
    try:
        device = _root_tool("losetup", "-f", "--show", str(image))
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"no loop device on this machine ({exc}): the pragma and strace tests stand in")
    try:
        folder.mkdir(exist_ok=True)
        try:
            _root_tool("mount", device, str(folder))
        except subprocess.CalledProcessError as exc:
            pytest.skip(f"cannot mount a loop device here ({exc.stderr.strip()}): the strace test stands in")
        try:
            yield folder
        finally:
            _root_tool("umount", str(folder))
    finally:
        _root_tool("losetup", "-d", device)


@pytest.mark.slow
def test_a_power_cut_after_saved_loses_nothing(tmp_path: Path) -> None:
    """A real power cut, simulated: the database is on an ext4 disk image on a loop
    device; right after the app says "saved ✓" the image is copied as it is (what the
    disk holds; the kernel's page cache is what a power cut loses), then the copy is
    mounted (the journal replayed, as at the next boot) and the database read."""
    if not shutil.which("mkfs.ext4"):
        pytest.skip("mkfs.ext4 is not installed: the pragma and strace tests stand in")
    from coachtui.store import open_store

    image, snapshot = tmp_path / "disk.img", tmp_path / "after-the-power-cut.img"
    with image.open("wb") as disk:
        disk.truncate(64 * 2**20)
    _root_tool("mkfs.ext4", "-q", "-F", str(image))
    typed = ""
    with _mounted(image, tmp_path / "disk") as disk:
        db = disk / "coach.db"
        with open_store(str(db)) as store:
            store.create_team("Ward 4")
        os.sync()  # the database as it was before the session: on disk
        env = _env(tmp_path / "home", _toml({"coach_name": "Ana Ruiz", "name_asked": True}))
        app = Terminal(coachtui_command(db), env)
        try:
            app.wait_for("Ward 4", timeout=60)
            app.send("\r")
            app.wait_for("Dilemma, in your words", timeout=60)
            app.send("\t", pause=0.2)
            for burst in ("Rota chaos.", " Night team never sees the chart.", " Huddle moves."):
                app.send(burst)
                typed += burst
                _until(lambda t=typed: (row := _dilemma(db)) is not None and row[0] == t, f"{typed!r} saved")
            app.wait_for("saved ✓", timeout=30)
            shutil.copyfile(image, snapshot)  # the power goes: only what reached the disk is left
        finally:
            app.kill()
    with _mounted(snapshot, tmp_path / "rebooted") as disk:
        conn = sqlite3.connect(disk / "coach.db")  # read-write: SQLite recovers its log, as after a reboot
        try:
            teams = conn.execute("SELECT name FROM team").fetchall()
            sessions = conn.execute("SELECT dilemma FROM coaching_session").fetchall()
        finally:
            conn.close()
    assert teams == [("Ward 4",)]  # the disk and the database came back
    assert sessions == [(typed,)]  # and so did every save the app called saved


# --- item 3: a typo in the settings file ------------------------------------------------------


GOOD_SETTINGS = {"coach_name": "Ana Ruiz", "name_asked": True, "theme": "nord", "backups_to_keep": 30,
                 "hub": "/shared/hub.db"}


def _typo(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _toml(settings: dict[str, object]) -> str:
    import tomli_w

    return tomli_w.dumps(settings)


@pytest.mark.parametrize(
    ("old", "new", "line", "says"),
    [
        ('"nord"', '"nord', 3, "line 3"),  # a missing quote
        ("backups_to_keep", "bakups_to_keep", 4, "bakups_to_keep"),  # a mistyped name
        ("30", '"30"', 4, "backups_to_keep"),  # a number in quotes
        ("30", "-3", 4, "backups_to_keep"),
        ('"Ana Ruiz"', '"' + "A" * 81 + '"', 1, "coach_name"),  # longer than the app allows
    ],
)
def test_a_settings_file_that_cannot_be_read_is_reported_with_its_line(
    tmp_path: Path, old: str, new: str, line: int, says: str
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(_typo(_toml(GOOD_SETTINGS), old, new))
    with pytest.raises(getattr(config, "SettingsError", ())) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and f"line {line}" in message and says in message


def test_missing_settings_are_the_defaults_and_a_good_file_is_read_whole(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()
    path = tmp_path / "settings.toml"
    path.write_text(_toml(GOOD_SETTINGS))
    assert load_settings(path) == Settings(**GOOD_SETTINGS)  # type: ignore[arg-type]


def _make_backups(db: Path, days: int) -> list[str]:
    import datetime as dt

    from coachtui.store import open_store

    with open_store(str(db)) as store:
        store.create_team("Ward 4")
        start = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
        for day in range(days):
            store.ensure_daily_backup(keep=1000, now=start + dt.timedelta(days=day))
    return sorted(p.name for p in (db.parent / "coachtui-backups").iterdir())


@pytest.mark.slow
def test_the_app_on_a_broken_settings_file_says_so_and_changes_nothing(tmp_path: Path) -> None:
    """One typo used to mean: name, hub and theme gone, and backups_to_keep back to 14,
    so the start deleted 16 of the 30 kept backups. Now the app says which file and
    line, runs on its defaults, and rewrites nothing and deletes nothing."""
    db = tmp_path / "coach.db"
    before = _make_backups(db, 20)
    assert len(before) == 20
    broken = _typo(_toml(GOOD_SETTINGS), '"nord"', '"nord')
    env = _env(tmp_path / "home", broken)
    settings = Path(env["COACHTUI_CONFIG_DIR"]) / "settings.toml"
    app = Terminal(coachtui_command(db), env, size=(120, 30))
    try:
        screen = app.wait_for("line 3", timeout=60)
        assert "settings.toml" in screen
        app.wait_for("Ward 4", timeout=60)
        # today's backup is made, none deleted
        _until(lambda: len(list((db.parent / "coachtui-backups").iterdir())) == 21, "today's backup")
        app.send("\x11")  # ctrl+q
        assert app.wait_exit(timeout=30) == 0
    except BaseException:
        app.kill()
        raise
    assert settings.read_text() == broken
    after = sorted(p.name for p in (db.parent / "coachtui-backups").iterdir())
    assert set(before) < set(after) and len(after) == 21


def test_config_path_and_show(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = isolated_home / "config" / "settings.toml"
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out == f"{path}\n"
    assert main(["config", "show"]) == 0  # no file yet: the defaults, and no file made
    out = capsys.readouterr().out
    assert "backups_to_keep" in out and "14" in out and "defaults" in out
    assert not path.exists()
    path.parent.mkdir(parents=True)
    path.write_text(_toml(GOOD_SETTINGS))
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"coach_name\s+Ana Ruiz", out) and re.search(r"backups_to_keep\s+30", out)


def test_config_show_reports_a_broken_file_in_one_line_and_leaves_it(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_home / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    broken = _typo(_toml(GOOD_SETTINGS), '"nord"', '"nord')
    path.write_text(broken)
    assert main(["config", "show"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and str(path) in captured.err and "line 3" in captured.err
    assert path.read_text() == broken


# --- item 8: import keeps the app's limits --------------------------------------------------------


def _export(tmp_path: Path) -> dict:  # type: ignore[type-arg]
    import datetime as dt

    from coachtui.store import open_store
    from coachtui.store.types import PickedQuestionInfo

    with open_store(str(tmp_path / "source.db")) as store:
        team = store.create_team("Ward 4", coach="Ana Ruiz")
        session = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(session.id, title="Falls", dilemma="Nobody reads the chart.")
        action = store.add_action(session.id, "Plot ten more points", owner="Sam", due=dt.date(2026, 11, 20))
        store.record_review(action.id, "done", "Plotted", session_id=session.id)
        question = store.add_custom_question("What would the night team say?")
        store.set_questions(session.id, [PickedQuestionInfo(question.id, question.text, "custom", note="Ask Sam")])
        return store.export_json()


def _limits() -> list[tuple[str, str, int]]:
    from coachtui.store.types import FIELD_LIMITS

    return [(table, field, limit) for (table, field), limit in FIELD_LIMITS.items()]


@pytest.mark.parametrize(("table", "field", "limit"), _limits(), ids=lambda v: str(v))
def test_import_refuses_what_the_app_refuses(tmp_path: Path, table: str, field: str, limit: int) -> None:
    """Each limit the app keeps (one table of them, shared by the UI, the store and
    import): one character more is refused naming the record and field, and nothing
    of the file is imported; exactly the limit is accepted."""
    from coachtui.store import open_store
    from coachtui.store.errors import ImportRefused

    document = _export(tmp_path)
    assert document[table], f"the export has no {table}"
    with open_store(str(tmp_path / "target.db")) as store:
        document[table][0][field] = "x" * (limit + 1)
        with pytest.raises(ImportRefused) as caught:
            store.import_data(document, source="big.json")
        message = str(caught.value)
        assert "\n" not in message and f"{table}[0].{field}" in message and f"{limit:,}" in message
        assert store.stats()["teams"] == 0 and store.list_custom_questions() == []
        document[table][0][field] = "x" * limit
        store.import_data(document)
        assert store.stats()["teams"] == 1


@pytest.mark.parametrize("table", ["actions", "custom_questions"])
def test_import_refuses_an_empty_text_the_app_would_refuse(tmp_path: Path, table: str) -> None:
    from coachtui.store import open_store
    from coachtui.store.errors import ImportRefused

    document = _export(tmp_path)
    document[table][0]["text"] = "   "
    with open_store(str(tmp_path / "target.db")) as store:
        with pytest.raises(ImportRefused, match=rf"{table}\[0\]\.text: it is empty"):
            store.import_data(document)
        assert store.stats()["teams"] == 0


def test_import_of_a_70000_character_owner_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _export(tmp_path)
    document["actions"][0]["owner"] = "O" * 70_000
    source = tmp_path / "big.json"
    source.write_text(json.dumps(document))
    target = tmp_path / "target.db"
    from coachtui.store import open_store

    with open_store(str(target)):  # an existing, empty database
        pass
    assert main(["--db", str(target), "import", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "actions[0].owner" in err and "200" in err and "nothing was changed" in err
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM team").fetchone() == (0,)
    conn.close()


def test_the_ui_and_the_store_use_the_same_limits() -> None:
    from coachtui.store import records, types
    from coachtui.ui.steps import actions

    assert actions.OWNER_MAX is types.OWNER_MAX == types.FIELD_LIMITS[("actions", "owner")]
    assert records.OWNER_MAX is types.OWNER_MAX
    assert types.FIELD_LIMITS[("teams", "name")] == types.TEAM_NAME_MAX
    assert types.FIELD_LIMITS[("sessions", "title")] == types.DRAFT_TEXT_FIELDS["title"]


# --- item 9: demo mode ------------------------------------------------------------------------


def _demo_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("coachtui-demo-*"))


def _start_demo(tmp_path: Path) -> tuple[Terminal, Path]:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = _env(tmp_path / "home", _toml({"coach_name": "Trainer Own-Name", "name_asked": True}), TMPDIR=str(tmp))
    app = Terminal([sys.executable, "-m", "coachtui", "--demo"], env)
    app.wait_for("DEMO", timeout=60)
    _until(lambda: any((f / "demo.db").exists() for f in _demo_folders(tmp)), "the demo database", timeout=60)
    app.wait_for("Unfinished sessions", timeout=60)
    return app, tmp


@pytest.mark.slow
def test_closing_the_terminal_removes_the_demo_database(tmp_path: Path) -> None:
    app, tmp = _start_demo(tmp_path)
    os.close(app.fd)  # the terminal window is closed: the kernel hangs up (SIGHUP)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and os.waitpid(app.pid, os.WNOHANG) == (0, 0):
        time.sleep(0.05)
    else:
        if time.monotonic() >= deadline:
            os.kill(app.pid, signal.SIGKILL)
            os.waitpid(app.pid, 0)
            raise AssertionError("coachtui kept running after its terminal closed")
    assert _demo_folders(tmp) == []


@pytest.mark.slow
def test_sighup_removes_the_demo_database(tmp_path: Path) -> None:
    app, tmp = _start_demo(tmp_path)
    os.kill(app.pid, signal.SIGHUP)
    try:
        app.wait_exit(timeout=30)
    except BaseException:
        app.kill()
        raise
    assert _demo_folders(tmp) == []


@pytest.mark.slow
def test_closing_the_terminal_mid_typing_saves_the_typing_and_ends_the_app(tmp_path: Path) -> None:
    """The same hang-up on the coach's own database: what is on screen is saved, and
    the process ends (Textual's shutdown alone waits for ever on a closed terminal)."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        store.create_team("Ward 4")
    app = Terminal(coachtui_command(db), _env(tmp_path / "home", _toml({"coach_name": "Ana", "name_asked": True})))
    app.wait_for("Ward 4", timeout=60)
    app.send("\r")
    app.wait_for("Dilemma, in your words", timeout=60)
    app.send("\t", pause=0.2)
    app.send("Typed as the window closed")
    app.wait_for("Typed as the window closed")
    os.close(app.fd)
    deadline = time.monotonic() + 30
    while os.waitpid(app.pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(app.pid, signal.SIGKILL)
            os.waitpid(app.pid, 0)
            raise AssertionError("coachtui kept running after its terminal closed")
        time.sleep(0.05)
    row = _dilemma(db)
    assert row is not None and row[0] == "Typed as the window closed"


def test_demo_mode_does_not_read_the_coachs_settings(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README: in demo mode the coach's settings are never opened. The trainer's own
    name must not turn up on the sessions made in the demo."""
    import coachtui.config
    from coachtui.ui.app import create_app

    path = isolated_home / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text(_toml({"coach_name": "Trainer Own-Name", "name_asked": True, "theme": "nord"}))
    opened: list[object] = []
    real = coachtui.config.load_settings
    monkeypatch.setattr(coachtui.config, "load_settings", lambda *a, **k: opened.append(a) or real(*a, **k))
    monkeypatch.setattr("coachtui.ui.app.load_settings", coachtui.config.load_settings, raising=False)
    app = create_app(str(isolated_home / "ignored.db"), demo=True)
    assert opened == []
    assert app.settings.coach_name != "Trainer Own-Name" and app.settings.theme != "nord"
