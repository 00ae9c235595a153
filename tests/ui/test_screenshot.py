"""Palette → Screenshot: a private file in a folder that exists, and the coach is told where."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.command import CommandPalette

from .helpers import Notices, ready, shows, type_text, wait_for


async def take_screenshot(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await type_text(pilot, "Screenshot")
    await shows(pilot, "Screenshot")
    await pilot.press("enter")


def _saved_note(notes: Notices) -> str:
    saved = [n.message for n in notes if "creenshot" in n.message]
    return saved[-1] if saved else ""


async def test_without_a_downloads_folder_it_goes_to_the_data_folder_readable_by_the_coach_only(
    make_app, seeded, isolated_home: Path
) -> None:
    assert not (isolated_home / "Downloads").exists()
    folder = isolated_home / "data" / "screenshots"  # COACHTUI_DATA_DIR is home/data in the tests
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        await shows(pilot, "Ward 4")
        await take_screenshot(pilot)
        await wait_for(pilot, lambda: folder.is_dir() and any(folder.iterdir()) and _saved_note(notes), what="the file")
        note = _saved_note(notes)
        await pilot.pause()
    (saved,) = list(folder.iterdir())
    assert saved.suffix == ".svg"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "Ward 4" in saved.read_text("utf-8").replace("&#160;", " ")
    assert str(saved) in note
    assert not (isolated_home / "Downloads").exists()  # no folder made where the coach did not ask


async def test_with_a_downloads_folder_it_goes_there_private_and_two_never_overwrite(
    make_app, seeded, isolated_home: Path
) -> None:
    downloads = isolated_home / "Downloads"
    downloads.mkdir(parents=True)
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        await take_screenshot(pilot)
        await wait_for(pilot, lambda: len(list(downloads.iterdir())) == 1 and _saved_note(notes), what="the first")
        await take_screenshot(pilot)
        await wait_for(pilot, lambda: len(list(downloads.iterdir())) == 2, what="the second")
        await wait_for(pilot, lambda: all(str(p) in " ".join(n.message for n in notes)
                                          for p in downloads.iterdir()), what="both told")
    for saved in downloads.iterdir():
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600, saved
    assert not (isolated_home / "data" / "screenshots").exists()


async def test_a_folder_that_cannot_be_made_says_why(make_app, seeded, isolated_home: Path) -> None:
    data = isolated_home / "data"
    data.mkdir(parents=True)
    (data / "screenshots").write_text("not a folder")  # (root can write anywhere: this fails for everyone)
    app = make_app()
    notes = Notices()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=notes) as pilot:
        await ready(pilot)
        await take_screenshot(pilot)
        await wait_for(pilot, lambda: any(n.severity == "error" for n in notes), what="the error")
        (note,) = [n.message for n in notes if n.severity == "error"]
    assert note == f"Could not save the screenshot in {data / 'screenshots'}: there is a file of that name, not a folder."
    assert (data / "screenshots").read_text() == "not a folder"
