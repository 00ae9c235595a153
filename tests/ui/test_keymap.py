"""The coach's own keys (settings.toml's [keys]; issue 20, item 4)."""

from __future__ import annotations

from pathlib import Path

from coachtui.config import SettingsError, load_settings, read_settings_file, save_settings
from coachtui.ui.app import create_app
from coachtui.ui.keymap import binding_ids, keymap_for
from coachtui.ui.modals import HelpScreen
from coachtui.ui.screens.history import HistoryScreen

from .conftest import FAST_SAVES
from .helpers import Notices, query, ready, saved, wait_for


def help_text(app: object) -> str:
    from textual.widgets import Markdown

    screen = app.screen  # type: ignore[attr-defined]
    return "\n".join(block.source for block in screen.query(Markdown))


KEYS = 'coach_name = "Ana Ruiz"\nname_asked = true\n\n[keys]\n"app.history" = "ctrl+o"\n'


async def test_a_key_of_the_coachs_own_replaces_the_apps(db_path: Path, settings_path: Path) -> None:
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text(KEYS)
    app = create_app(str(db_path), settings_path=settings_path, save_delays=FAST_SAVES)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f3")  # replaced: f3 no longer opens the history
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history opened by ctrl+o")
        await pilot.press("f1")  # the help lists the coach's own keys
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("end")  # at the end of the help
        await wait_for(pilot, lambda: "| `app.history` | **ctrl+o** |" in help_text(app), what="the coach's keys")
    assert settings_path.read_text() == KEYS  # read, never rewritten


async def test_a_key_name_that_names_nothing_is_said_with_the_nearest(db_path: Path, settings_path: Path) -> None:
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text(KEYS.replace("app.history", "app.histroy"))
    app = create_app(str(db_path), settings_path=settings_path, save_delays=FAST_SAVES)
    notices = Notices()
    async with app.run_test(size=(120, 30), notifications=True, message_hook=notices) as pilot:
        await ready(pilot)
        said = '"app.histroy" is not one of coachtui\'s keys (did you mean "app.history"?); it does nothing'
        await wait_for(pilot, lambda: any(said in notice.message for notice in notices), what="the notice")
        assert app.settings.coach_name == "Ana Ruiz"  # the rest of the settings is used
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="f3 still opens the history")


def test_keys_that_are_not_keys_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('theme = "nord"\n\n[keys]\n"app.quit" = "ctrl+q"\n"app.history" = "ctrl h"\n')
    try:
        read_settings_file(path)
    except SettingsError as exc:
        assert str(exc).startswith(f"{path}, line 5: ")
        assert '"ctrl h" is not a key' in str(exc)
    else:
        raise AssertionError("a key with a space in it was accepted")
    path.write_text('[keys]\n"app.history" = 3\n')
    try:
        read_settings_file(path)
    except SettingsError as exc:
        assert f"{path}, line 2" in str(exc) and "in quotes" in str(exc)
    else:
        raise AssertionError("a number was accepted as keys")


def test_keys_survive_the_app_saving_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(KEYS)
    settings = load_settings(path)
    save_settings(settings.with_changes(theme="nord"), path)  # as the app does on a theme change
    again = load_settings(path)
    assert again.keys == {"app.history": "ctrl+o"} and again.theme == "nord"


def test_every_binding_has_an_id_a_coach_can_use() -> None:
    ids = binding_ids()
    for expected in ("app.history", "session.next", "tracker.done", "category.why", "text.editor"):
        assert expected in ids
    assert all(binding.id and "." in binding.id for binding in ids.values())


async def test_a_key_text_fields_use_is_not_taken_from_them(db_path: Path, settings_path: Path) -> None:
    """Found by trying it: "app.history" = "ctrl+y" took redo from every field; after
    ctrl+z the coach's words could not come back. Such a key is left out, and said."""
    from coachtui.ui.screens.session import SessionScreen

    settings_path.parent.mkdir(parents=True)
    settings_path.write_text(KEYS.replace('"ctrl+o"', '"ctrl+y,f9"'))
    app = create_app(str(db_path), settings_path=settings_path, save_delays=FAST_SAVES)
    notices = Notices()
    async with app.run_test(size=(120, 30), notifications=True, message_hook=notices) as pilot:
        await ready(pilot)
        said = '[keys] "app.history": ctrl+y is redo in a text field; it is not used for this command'
        await wait_for(pilot, lambda: any(said in notice.message for notice in notices), what="the notice")
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("f9")  # the other key is used
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history opened by f9")


async def test_a_key_that_types_is_not_given_to_a_command_that_acts_from_anywhere(
    db_path: Path, settings_path: Path
) -> None:
    """Found by a tester: "app.quit" = "a" was taken, and typing "banana" in the
    dilemma quit the app. A key that types a character is left out for a command
    that acts while a text field has the focus, and said; a command of a list keeps
    its letter (there letters are commands)."""
    from tests.ui.test_keys import on_the_dilemma

    settings_path.parent.mkdir(parents=True)
    settings_path.write_text(
        KEYS.replace('"app.history" = "ctrl+o"', '"app.quit" = "a,f9"\n"session.next" = "space,ctrl+n"\n"tracker.done" = "D"')
    )
    app = create_app(str(db_path), settings_path=settings_path, save_delays=FAST_SAVES)
    notices = Notices()
    async with app.run_test(size=(120, 30), notifications=True, message_hook=notices) as pilot:
        await on_the_dilemma(pilot, app)
        for said in (
            '[keys] "app.quit": a types a character in a text field; it is not used for this command',
            '[keys] "session.next": space types a character in a text field; it is not used for this command',
        ):
            await wait_for(pilot, lambda said=said: any(said in notice.message for notice in notices), what=said)
        assert not any("tracker.done" in notice.message for notice in notices)
        await pilot.press("tab", *"banana split")
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text == "banana split", what="the dilemma")
        assert app.is_running
        await saved(pilot)
        assert query(db_path, "SELECT dilemma FROM coaching_session") == [("banana split",)]
        assert keymap_for(app)["tracker.done"] == "D"
        assert keymap_for(app)["app.quit"] == "f9" and keymap_for(app)["session.next"] == "ctrl+n"


def test_every_priority_binding_outside_app_and_session_is_on_a_screen_without_text_fields() -> None:
    """The letters a coach may give a priority binding depend on where it acts (see
    keymap.ACT_IN_TEXT_FIELDS): a new one on a screen with a text field must be
    added there, or a letter given to it would be taken from the field."""
    from textual.dom import DOMNode

    from coachtui.ui.keymap import ACT_IN_TEXT_FIELDS

    binding_ids()  # every module of the UI imported
    owners: dict[str, str] = {}
    classes: list[type] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        for binding in cls.__dict__.get("BINDINGS", []):
            if getattr(binding, "priority", False) and cls.__module__.startswith("coachtui."):
                owners[binding.id] = cls.__name__
    elsewhere = {owner for binding_id, owner in owners.items() if not binding_id.startswith(ACT_IN_TEXT_FIELDS)}
    assert elsewhere == {"ExplainerScreen", "StepPickerScreen", "ResumeScreen"}  # no text field on any
    assert {owners[binding_id] for binding_id in owners if binding_id.startswith(ACT_IN_TEXT_FIELDS)} == {
        "CoachApp",
        "SessionScreen",
    }
