"""Step 1, the team list: typing always filters, managing a team needs a modifier key
and can be undone, and creating a team never races the list's own reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.ui.modals import ConfirmScreen, TextPromptScreen
from coachtui.ui.screens.session import SessionScreen

from .helpers import painted, query, ready, saved, screen_text, shows, type_text, wait_for


def _teams(db_path: Path) -> list[tuple[str, int]]:
    return query(db_path, "SELECT name, archived FROM team ORDER BY name")


@pytest.fixture
def three_teams(db_path: Path) -> dict[str, str]:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        ids = {name: store.create_team(name, coach="Ana Ruiz").id for name in ("Ward 7", "Year 9 maths", "Ward 4")}
    return ids


async def _focus_list(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: bool(app.query("#team-table")), what="the team list")
    await pilot.press("tab")
    assert app.focused is not None and app.focused.id == "team-table"


# --- item 9: the reload and the creation ------------------------------------------------------


async def test_a_reload_that_lands_before_the_new_team_does_not_end_the_app(make_app, db_path: Path) -> None:
    """The list's reload can read the new team and reach the screen before the
    creation's own answer does: the team must show once, not end the app."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        step = app.session_screen.pane("team")
        real_create = app.store.create_team

        def create_then_reload(name: str, coach: str = ""):  # type: ignore[no-untyped-def]
            team = real_create(name, coach=coach)
            app.call_from_thread(step.show_teams, app.store.list_teams())  # the reload wins the race
            return team

        app.store.create_team = create_then_reload  # type: ignore[method-assign]
        await type_text(pilot, "Ward 7")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="the new session")
        await saved(pilot)
        assert [t.name for t in step.teams].count("Ward 7") == 1
        assert query(db_path, "SELECT count(*) FROM coaching_session") == [(1,)]
    assert query(db_path, "SELECT name FROM team") == [("Ward 7",)]


async def test_enter_twice_on_a_new_name_creates_the_team_once(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 7")
        await pilot.press("enter", "enter", "enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="the new session")
        await saved(pilot)
        await pilot.pause(0.2)
        assert "already a team" not in screen_text(app)
        assert query(db_path, "SELECT count(*) FROM coaching_session") == [(1,)]
    assert query(db_path, "SELECT name FROM team") == [("Ward 7",)]


async def test_a_name_typed_before_the_database_opens_creates_the_team_once(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await type_text(pilot, "Ward 7")  # straight away: the store is still opening
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="the new session")
        await saved(pilot)
        assert query(db_path, "SELECT count(*) FROM coaching_session") == [(1,)]
    assert query(db_path, "SELECT name FROM team") == [("Ward 7",)]


# --- item 2: typing on the list filters; managing needs a modifier and can be undone -----------


async def test_letters_typed_on_the_list_go_to_the_filter(make_app, three_teams, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await _focus_list(pilot)
        await type_text(pilot, "ward 7")
        assert app.query_one("#team-filter").value == "ward 7"
        assert not isinstance(app.screen, TextPromptScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        assert app.session.model.team.name == "Ward 7"
        await saved(pilot)
    assert _teams(db_path) == [("Ward 4", 0), ("Ward 7", 0), ("Year 9 maths", 0)]


async def test_backspace_on_the_list_edits_the_filter(make_app, three_teams) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "wardx")
        await _focus_list(pilot)
        await pilot.press("backspace", "space", "4")
        assert app.query_one("#team-filter").value == "ward 4"


async def test_ctrl_a_in_the_filter_goes_to_the_start_of_the_line_and_archives_nothing(
    make_app, three_teams, db_path: Path
) -> None:
    """ctrl+a archived the highlighted team at once: a coach with the "start of line"
    habit archived teams by accident. In the filter it is the start of the line; on
    the list it does nothing either."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "ear 9")
        await pilot.press("ctrl+a", "Y")
        assert app.query_one("#team-filter").value == "Year 9"
        await _focus_list(pilot)
        await pilot.press("ctrl+a")
        await saved(pilot)
        assert "Archived" not in screen_text(app)
    assert _teams(db_path) == [("Ward 4", 0), ("Ward 7", 0), ("Year 9 maths", 0)]


async def test_archiving_needs_ctrl_o_and_can_be_undone(make_app, three_teams, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Year 9")
        await pilot.press("ctrl+o")
        await shows(pilot, "Archived Year 9 maths")
        await saved(pilot)
        await wait_for(pilot, lambda: ("Year 9 maths", 1) in _teams(db_path), what="the archive")
        await pilot.press("ctrl+z")
        await shows(pilot, "Restored Year 9 maths")
        await wait_for(pilot, lambda: ("Year 9 maths", 0) in _teams(db_path), what="the undo")
    assert _teams(db_path) == [("Ward 4", 0), ("Ward 7", 0), ("Year 9 maths", 0)]


async def test_an_archived_team_can_be_shown_and_restored(make_app, three_teams, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.archive_team(three_teams["Ward 7"])
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert "Ward 7" not in screen_text(app)
        await pilot.press("ctrl+t")  # show archived teams
        await shows(pilot, "Ward 7 (archived)")
        await type_text(pilot, "ward 7")
        await pilot.press("enter")  # an archived team is not opened: it says how to restore it
        await shows(pilot, "ctrl+o")
        assert app.session.model is None
        await pilot.press("ctrl+o")
        await shows(pilot, "Restored Ward 7")
        await wait_for(pilot, lambda: ("Ward 7", 0) in _teams(db_path), what="the restore")


async def test_renaming_needs_ctrl_r_and_can_be_undone(make_app, three_teams, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the rename prompt")
        await pilot.press("ctrl+u")
        await type_text(pilot, "Ward 4 North")
        await pilot.press("enter")
        await wait_for(pilot, lambda: ("Ward 4 North", 0) in _teams(db_path), what="the rename")
        await shows(pilot, "Renamed Ward 4")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: ("Ward 4", 0) in _teams(db_path), what="the undo")
    assert _teams(db_path) == [("Ward 4", 0), ("Ward 7", 0), ("Year 9 maths", 0)]


async def _delete_highlighted(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("ctrl+u")
    await type_text(pilot, name)
    await pilot.press("ctrl+d")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
    await pilot.press("y")
    await shows(pilot, f"Deleted {name}")


async def test_deleting_asks_first_and_can_be_undone(make_app, three_teams, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 7")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("n")  # keep it
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the team list")
        await _delete_highlighted(pilot, "Ward 7")
        assert [t.name for t in app.session_screen.pane("team").teams] == ["Ward 4", "Year 9 maths"]
        await pilot.press("ctrl+z")  # changed my mind
        await shows(pilot, "Ward 7 is back")
        step = app.session_screen.pane("team")
        await wait_for(pilot, lambda: "Ward 7" in [t.name for t in step.teams], what="Ward 7 back on the list")
        await pilot.press("ctrl+q")  # nothing is waiting to be deleted any more
    assert len(_teams(db_path)) == 3
    assert query(db_path, "SELECT count(*) FROM tombstone") == [(0,)]


async def test_a_deleted_team_is_gone_once_the_undo_time_is_up(
    make_app, three_teams, db_path: Path, monkeypatch
) -> None:
    from coachtui.ui.steps import team as team_module

    monkeypatch.setattr(team_module, "UNDO_DELETE_SECONDS", 0.3)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "Ward 7")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: ("Ward 7", 0) not in _teams(db_path), what="the deletion")
        await pilot.press("ctrl+z")
        await shows(pilot, "already deleted for good")
    assert _teams(db_path) == [("Ward 4", 0), ("Year 9 maths", 0)]
    assert query(db_path, "SELECT count(*) FROM tombstone WHERE kind = 'teams'") == [(1,)]


async def test_quitting_inside_the_undo_window_still_deletes_the_team(make_app, three_teams, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 7")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the confirmation")
        await pilot.press("y")
        await shows(pilot, "Deleted Ward 7")
        assert len(_teams(db_path)) == 3  # not yet: it can still be undone
        await pilot.press("ctrl+q")
    assert _teams(db_path) == [("Ward 4", 0), ("Year 9 maths", 0)]


async def test_the_hint_and_help_name_the_new_keys(make_app, three_teams) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        hint = str(app.query_one("#team-hint").render())
        for key in ("ctrl+r", "ctrl+o", "ctrl+d", "ctrl+z"):
            assert key in hint
        await pilot.press("f1")
        text = await shows(pilot, "ctrl+z")
        assert "ctrl+o" in text and "ctrl+r" in text
        assert "r rename, a archive" not in text  # the old one-letter keys are gone


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_create_row_shows_whole_with_a_long_filter(make_app, three_teams, size, tmp_path: Path) -> None:
    """With a long name typed, "+ Create team “…”" ran past the list's right edge:
    the row was cut off mid-word, its closing quote out of sight."""
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: bool(app.query("#team-table")), what="the team list")
        name = "Ward 7 night shift respiratory and cardiac step-down unit team"
        await type_text(pilot, name)
        text = await shows(pilot, "+ Create team")
        app.save_screenshot(str(tmp_path / "team.svg"))
        row = next(line for line in text.splitlines() if "+ Create team" in line)
        assert "”" in row, row  # the end of the row is on screen
        if size[0] >= 120:  # room for the whole name: it is not cut at all
            assert f"“{name}”" in row, row
        table = app.query_one("#team-table")
        assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)


# --- near-duplicate teams (found by a tester) ---------------------------------------------------


@pytest.fixture
def larchfield(db_path: Path) -> str:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Ward 4", coach="Ana Ruiz")
        return store.create_team("Larchfield Hospital Ward 26", coach="Ana Ruiz").id


async def on_the_list(pilot) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot)
    await wait_for(pilot, lambda: bool(pilot.app.query("#team-table")), what="the team list")


async def test_the_filter_matches_words_in_any_order(make_app, larchfield: str, db_path: Path) -> None:
    """'larch ward 26' found nothing ("one continuous piece of the name"), and enter
    created a new team beside Larchfield Hospital Ward 26."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_list(pilot)
        await type_text(pilot, "26 larch ward")
        await shows(pilot, "Larchfield Hospital Ward 26")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        assert app.session.model.team.id == larchfield
        await saved(pilot)
    assert [name for name, _ in _teams(db_path)] == ["Larchfield Hospital Ward 26", "Ward 4"]


async def test_a_name_close_to_a_team_asks_before_creating(make_app, larchfield: str, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_list(pilot)
        await type_text(pilot, "Larchfeild Hospital Ward 26")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await shows(pilot, "There is already a team called")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the team list again")
        assert app.session.model is None
        assert app.focused is not None and app.focused.id == "team-filter"
        assert app.focused.value == "Larchfeild Hospital Ward 26"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question again")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        assert app.session.model.team.name == "Larchfeild Hospital Ward 26"
        # Ward 5 is another ward, not a near-duplicate of Ward 4: no question
        await saved(pilot)
    assert [name for name, _ in _teams(db_path)] == [
        "Larchfeild Hospital Ward 26", "Larchfield Hospital Ward 26", "Ward 4"
    ]


async def test_another_ward_number_is_created_without_a_question(make_app, larchfield: str, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_list(pilot)
        await type_text(pilot, "Ward 5")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        assert app.session.model.team.name == "Ward 5"
        await saved(pilot)
    assert [name for name, _ in _teams(db_path)] == ["Larchfield Hospital Ward 26", "Ward 4", "Ward 5"]


async def test_the_filter_is_empty_when_the_coach_comes_back_after_a_session(make_app, db_path: Path) -> None:
    """After a session the team list still held its filter ("Set Ten", scrolled out of
    view in a narrow field): typing the name again made a team "Set TenSet Ten". Back
    on the team step after a session, the filter is empty."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Set Ten")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Set Ten")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step != "team", what="the session")
        await type_text(pilot, "Rota")  # its title
        await pilot.press("ctrl+g", "7")
        await wait_for(pilot, lambda: app.session_screen.current_step == "summary", what="the summary")
        await pilot.press("n")  # a new session: back to the team list
        await wait_for(pilot, lambda: app.session_screen.current_step == "team", what="the team list")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "team-filter", what="the filter")
        assert app.query_one("#team-filter").value == ""
        await type_text(pilot, "Set Ten")
        await pilot.press("enter")
        await shows(pilot, "has an unfinished session of yours")  # the team, not a new one: its draft
        await pilot.press("r")
        await wait_for(pilot, lambda: app.session_screen.current_step != "team", what="the session again")
        await saved(pilot)
    assert query(db_path, "SELECT name FROM team") == [("Set Ten",)]
    assert query(db_path, "SELECT title FROM coaching_session") == [("Rota",)]
