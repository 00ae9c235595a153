"""The hub's password, typed in the app's "Sync with the hub" prompt, goes to the
platform keyring (or nowhere, where there is none): never into settings.toml, never
on screen afterwards."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import tomli_w
from keyring.backends import fail
from textual.command import CommandPalette

from coachtui.config import Settings, load_settings, save_settings
from coachtui.hubpass import KEYRING_SERVICE
from coachtui.ui.syncing import SyncReportScreen

from .helpers import Notices, paste, ready, screen_text, shows, type_text, wait_for
from .test_sync_ui import open_sync_prompt

sys.path.insert(0, str(Path(__file__).parent.parent))
from file_keyring import FileKeyring

SECRET = "s3cqx7"
TYPED = f"postgresql://coach:{SECRET}@127.0.0.1:9/hub"
KEPT = "postgresql://coach@127.0.0.1:9/hub"


@pytest.fixture
def platform_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FileKeyring]:
    monkeypatch.setenv("COACHTUI_TEST_KEYRING", str(tmp_path / "keyring.json"))
    before = keyring.get_keyring()
    backend = FileKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # what a server or a bare Linux install has
    try:
        yield
    finally:
        keyring.set_keyring(before)


def _nothing_holds_the_password(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text("utf-8", errors="replace"), path


async def _error(pilot, notes: Notices) -> str:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), timeout=30, what="error")
    return [n.message for n in notes if n.severity == "error"][-1]


async def test_a_typed_password_goes_to_the_keyring_not_the_settings_file(
    make_app, seeded, settings_path: Path, platform_keyring: FileKeyring
) -> None:
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await paste(pilot, TYPED)
        await pilot.press("enter")
        message = await _error(pilot, notes)  # nothing listens on port 9
        assert "cannot reach" in message and SECRET not in message
        assert SECRET not in screen_text(app)
    assert tomllib.loads(settings_path.read_text("utf-8"))["hub"] == KEPT
    _nothing_holds_the_password(settings_path.parent)
    assert platform_keyring.get_password(KEYRING_SERVICE, KEPT) == SECRET

    # Next time the address is offered without its password.
    again = make_app(settings=load_settings(settings_path))
    async with again.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        prompt = await open_sync_prompt(pilot)
        assert prompt.query_one("#prompt-input").value == KEPT
        assert SECRET not in screen_text(again)


async def test_a_settings_file_holding_a_password_is_cleaned_on_the_next_save(
    make_app, seeded, settings_path: Path, platform_keyring: FileKeyring
) -> None:
    from coachtui.config import write_private_text

    # as an older coachtui wrote it
    write_private_text(settings_path, tomli_w.dumps({"coach_name": "Ana Ruiz", "name_asked": True, "hub": TYPED}))
    app = make_app(settings=load_settings(settings_path))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        prompt = await open_sync_prompt(pilot)
        assert prompt.query_one("#prompt-input").value == KEPT  # not on screen, even once
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await type_text(pilot, "Cursor blinking")
        await shows(pilot, "steady cursor")
        await pilot.press("enter")
        await shows(pilot, "Cursor blinking off.")
    saved = tomllib.loads(settings_path.read_text("utf-8"))
    assert saved["hub"] == KEPT and saved["cursor_blink"] is False
    _nothing_holds_the_password(settings_path.parent)
    assert platform_keyring.get_password(KEYRING_SERVICE, KEPT) == SECRET


async def test_without_a_keyring_the_password_is_used_not_kept_and_the_coach_is_told(
    make_app, seeded, settings_path: Path, no_keyring: None
) -> None:
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await paste(pilot, TYPED)
        await pilot.press("enter")
        message = await _error(pilot, notes)
        assert SECRET not in message
        await wait_for(pilot, lambda: any("pgpass" in n.message for n in notes), what="the hint")
        (hint,) = [n.message for n in notes if "pgpass" in n.message]
        assert "not kept" in hint
    assert tomllib.loads(settings_path.read_text("utf-8"))["hub"] == KEPT
    _nothing_holds_the_password(settings_path.parent)


def test_saving_settings_never_writes_a_hub_password(tmp_path: Path, no_keyring: None) -> None:
    path = tmp_path / "settings.toml"
    save_settings(Settings(hub="postgresql://coach@127.0.0.1:9/hub?sslmode=require&password=" + SECRET), path)
    assert SECRET not in path.read_text("utf-8")
    assert load_settings(path).hub == "postgresql://coach@127.0.0.1:9/hub?sslmode=require"


@pytest.mark.postgres
async def test_the_password_kept_in_the_keyring_is_what_syncs_next_time(
    make_app, seeded, settings_path: Path, platform_keyring: FileKeyring, pg
) -> None:
    import urllib.parse

    from coachtui.store import open_store

    hub = pg.new_url()  # postgresql://user:password@127.0.0.1:port/db?options=... (password needed)
    with open_store(hub):
        pass
    parts = urllib.parse.urlsplit(hub)
    without = urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}@{parts.hostname}:{parts.port}"))
    platform_keyring.set_password(KEYRING_SERVICE, without, parts.password)
    app = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=without))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        prompt = await open_sync_prompt(pilot)
        assert prompt.query_one("#prompt-input").value == without
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=30, what="the report")
        text = await shows(pilot, "Pushed to the hub")
        assert parts.password not in text


@pytest.mark.postgres
async def test_without_a_keyring_a_typed_password_serves_the_whole_run_and_is_not_saved(
    make_app, seeded, settings_path: Path, no_keyring: None, pg
) -> None:
    import urllib.parse

    from coachtui.store import open_store

    hub = pg.new_url()
    with open_store(hub):
        pass
    parts = urllib.parse.urlsplit(hub)
    without = urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}@{parts.hostname}:{parts.port}"))
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await paste(pilot, hub)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=30, what="the report")
        await pilot.press("escape")
        prompt = await open_sync_prompt(pilot)
        assert prompt.query_one("#prompt-input").value == without
        await pilot.press("enter")  # the password typed a moment ago is still known
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=30, what="the 2nd report")
        await shows(pilot, "Nothing to push or pull")
        assert not [n for n in notes if n.severity == "error"]
    assert tomllib.loads(settings_path.read_text("utf-8"))["hub"] == without
    assert parts.password not in settings_path.read_text("utf-8")
