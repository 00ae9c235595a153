"""An action learning set's meeting driven through the real app (issue 22, item 2):
members added on the team list (f8), three presenters in turn (f9), each with their
own dilemma and actions, and the review of every member's actions, member by member."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from coachtui.ui.modals import StepPickerScreen, TextPromptScreen

from .helpers import painted, paste, query, ready, saved, screen_text, shows, type_text, wait_for

SET = "North leads"
MEMBERS = ("Asha Patel", "Ben Okafor", "Carys Jones")


@pytest.fixture
def set_with_actions(db_path: Path):  # type: ignore[no-untyped-def]
    """North leads met a fortnight ago: each member took an action away."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team(SET)
        for name in (*MEMBERS, "Dev Shah"):
            team = store.add_member(team.id, name)
        first = store.start_session(team.id, "Ana")
        store.save_draft(first.id, presenter="Dev Shah", dilemma="Beds")
        store.add_action(first.id, "Ask for the data", "Dev Shah", dt.date.today() + dt.timedelta(days=3))
        later = store.add_presenter(first.id, "Asha Patel")
        store.save_draft(later.id, dilemma="A quiet team")
        store.add_action(later.id, "Try a round at the huddle", "Asha Patel")
        store.add_action(later.id, "Ask the matron", "Asha Patel")
        for part in (first, later):
            store.complete_session(part.id)
    return db_path


async def screenshot(app, name: str) -> None:  # type: ignore[no-untyped-def]
    """An SVG (and a PNG when rsvg-convert is there) for a person to look at, in
    COACHTUI_SCREENSHOTS when it is set."""
    folder = os.environ.get("COACHTUI_SCREENSHOTS")
    if not folder:
        return
    svg = app.save_screenshot(filename=f"{name}.svg", path=folder)
    if shutil.which("rsvg-convert"):
        subprocess.run(["rsvg-convert", svg, "-o", svg.removesuffix(".svg") + ".png"], check=True)


async def present(pilot, app, choice: str, title: str) -> None:  # type: ignore[no-untyped-def]
    """f9, then pick ``choice`` (its digit) in the presenter picker."""
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(app.screen, StepPickerScreen), what="the presenter picker")
    await shows(pilot, title)  # on the screen, as the coach reads it before choosing
    await pilot.press(choice)
    await wait_for(pilot, lambda: not isinstance(app.screen, StepPickerScreen), what="the picker closed")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_three_presenter_meeting(make_app, set_with_actions: Path, size) -> None:
    app = make_app()
    width = size[0]
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "North")
        await pilot.press("enter")
        # the review: every member's actions, member by member
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        text = await shows(pilot, "Try a round at the huddle")
        assert "f9 Presenter" in text.splitlines()[-1]  # the key, in the footer
        rows = [line for line in text.splitlines() if "Asha Patel" in line or "Dev Shah" in line]
        assert rows[0].index("Asha Patel") < len(rows[0]) // 2  # the member column, first
        assert [r for r in rows if "Dev Shah" in r and "Ask for the data" in r or r.strip().startswith("│ Dev")]
        await screenshot(app, f"sets-review-{width}")
        await pilot.press("d")  # Asha's first action: done
        # presenter 1: nobody named yet, f9 names them
        await present(pilot, app, "3", "Who is presenting?")  # Carys Jones
        await shows(pilot, "Carys Jones presenting (1 of 1).")
        await pilot.press("ctrl+g", "3")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await paste(pilot, "Rota gaps")
        await pilot.press("tab")
        await paste(pilot, "We cannot fill the weekend rota")
        await pilot.press("ctrl+g", "6")
        await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="the actions step")
        await paste(pilot, "Ask the bank office")
        await pilot.press("enter")  # owner left empty: the presenter's
        await shows(pilot, "Action added.")
        # f9 on the last presenter: add Asha as presenter 2
        await present(pilot, app, "2", "Presenters of this meeting")  # 1 Carys, then add: 2 Asha, 3 Ben, 4 Dev
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="presenter 2's dilemma")
        text = await shows(pilot, "2/2")
        if width >= 100:
            assert "▸ 2/2 Asha Patel" in text.splitlines()[1]  # the step bar names them
        assert "2/2 Asha Patel" in text  # the status bar does at every width
        assert app.query_one("#title").value == ""  # their own dilemma
        await paste(pilot, "Quiet huddles")
        await pilot.press("tab")
        await paste(pilot, "Nobody speaks at the huddle")
        await pilot.press("ctrl+g", "6")
        await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="the actions step")
        await paste(pilot, "Start with a round")
        await pilot.press("enter")
        await shows(pilot, "Action added.")
        await screenshot(app, f"sets-actions-{width}")
        # and Ben as presenter 3
        await present(pilot, app, "3", "Presenters of this meeting")  # 1 Carys, 2 Asha, then add: 3 Ben, 4 Dev
        await shows(pilot, "3/3")
        await pilot.press("ctrl+g", "6")  # Ben's actions: none yet, and nothing said about Asha's
        await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="Ben's actions")
        text = await shows(pilot, "Owner: Ben")
        assert "Action added." not in text and "Start with a round" not in text
        await pilot.press("ctrl+g", "3")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "title", what="Ben's title")
        await paste(pilot, "PDSA stalls")
        await pilot.press("tab")
        await paste(pilot, "Cycles never finish")
        await screenshot(app, f"sets-presenter3-{width}")
        if os.environ.get("COACHTUI_SCREENSHOTS"):  # every step of presenter 3, for a person to look at
            for digit, step in (("4", "category"), ("5", "questions"), ("6", "actions"), ("7", "summary"), ("3", "dilemma")):
                await pilot.press("ctrl+g", digit)
                await wait_for(pilot, lambda step=step: app.session_screen.current_step == step, what=step)
                await pilot.pause(0.3)
                await screenshot(app, f"sets-presenter3-{step}-{width}")
            await pilot.press("end")
        # f9 on the last again: back to the first
        await present(pilot, app, "1", "Presenters of this meeting")
        await shows(pilot, "1/3")
        assert app.query_one("#title").value == "Rota gaps"
        await present(pilot, app, "2", "Presenters of this meeting")  # f9 asks on every presenter
        await shows(pilot, "2/3")
        assert app.focused.id == "title"
        assert app.query_one("#title").value == "Quiet huddles"
        await saved(pilot)
    rows = query(
        set_with_actions,
        "SELECT turn, presenter, title, dilemma FROM coaching_session WHERE status = 'draft' ORDER BY turn",
    )
    assert rows == [
        (1, "Carys Jones", "Rota gaps", "We cannot fill the weekend rota"),
        (2, "Asha Patel", "Quiet huddles", "Nobody speaks at the huddle"),
        (3, "Ben Okafor", "PDSA stalls", "Cycles never finish"),
    ]
    assert sorted(query(set_with_actions, "SELECT text, owner FROM action WHERE status = 'open'")) == [
        ("Ask for the data", "Dev Shah"),
        ("Ask the bank office", "Carys Jones"),
        ("Ask the matron", "Asha Patel"),
        ("Start with a round", "Asha Patel"),
    ]
    assert query(set_with_actions, "SELECT text, status FROM action WHERE status = 'done'") == [
        ("Try a round at the huddle", "done")
    ]


async def test_members_are_added_and_one_leaves_from_the_team_list(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "South leads")
        await pilot.press("enter")  # a new team
        await wait_for(pilot, lambda: app.session_screen.current_step != "team", what="the session")
        await pilot.press("ctrl+g", "1")
        await wait_for(pilot, lambda: app.session_screen.current_step == "team", what="the team list")
        await type_text(pilot, "South")
        for name in ("Asha Patel", "Ben Okafor"):
            if not isinstance(app.screen, TextPromptScreen):
                await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the members prompt")
            await paste(pilot, name)
            await pilot.press("enter")
            await shows(pilot, f"{name} joined")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the prompt again")
        assert "• Asha Patel" in screen_text(app) and "• Ben Okafor" in screen_text(app)
        await paste(pilot, "asha patel")  # typed again: said, not taken as "she has left"
        await pilot.press("enter")
        await shows(pilot, "Asha Patel is already a member")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the prompt again")
        await paste(pilot, "-asha patel")
        await pilot.press("enter")
        await shows(pilot, "Mark Asha Patel as having left")
        await pilot.press("enter")  # Left
        await shows(pilot, "Asha Patel has left")
        await shows(pilot, "(left ")
        await pilot.press("escape")
        await saved(pilot)
    (members,) = query(db_path, "SELECT members FROM team WHERE name = 'South leads'")[0]
    assert '"name": "Asha Patel", "left": "20' in members and '"name": "Ben Okafor", "left": ""' in members


async def test_a_refused_save_of_another_presenter_is_asked_about_with_their_part_on_screen(
    make_app, db_path: Path
) -> None:
    """Presenter 2's title is typed, the coach moves on to presenter 1 at once, and the
    save comes back refused (another coach changed that part first): presenter 2 is
    brought back in hand and asked about; keep mine saves it on top."""
    from textual.widgets import Button

    from coachtui.store import open_store
    from coachtui.ui.modals import ConflictScreen

    with open_store(str(db_path)) as store:
        team = store.create_team(SET)
        for name in MEMBERS:
            team = store.add_member(team.id, name)
        first = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(first.id, presenter="Asha Patel", title="Beds", dilemma="No beds")
        second = store.add_presenter(first.id, "Ben Okafor", "Ana Ruiz")
        store.save_draft(second.id, title="Voice", dilemma="Quiet huddles")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # resume the draft offered: the whole meeting
        await wait_for(pilot, lambda: len(app.session.parts) == 2, what="the meeting")
        await pilot.press("f9", "2")  # Asha in hand: on to Ben
        await shows(pilot, "2/2 Ben Okafor")
        with open_store(str(db_path)) as other:  # another coach, meanwhile
            other.save_draft(second.id, title="Bo's words", expected_version=other.get_session(second.id).version)
        assert app.focused.id == "title"  # a presenter's part opens at its title
        await pilot.press("tab", "end", "space", *"of", "space", *"the", "space", *"team", "f9", "1")  # and on at once, to Asha
        await wait_for(
            pilot, lambda: isinstance(app.screen, ConflictScreen) and app.screen.shown_at, timeout=15,
            what="the conflict question, painted",
        )
        assert app.session.model.session_id == second.id  # Ben's part, on screen
        assert "Bo's words" not in screen_text(app)
        # the question says whose part of the meeting it is about
        flat = " ".join(screen_text(app).replace("│", " ").split())
        assert "Ben Okafor's part of the meeting (presenter 2)" in flat
        assert "everything you typed for Ben Okafor" in flat
        app.screen.query_one("#conflict-keep", Button).press()  # as a click does (no coordinates to miss)
        await wait_for(pilot, lambda: not isinstance(app.screen, ConflictScreen), what="the answer")
        await shows(pilot, "Saving Ben Okafor's part")  # the toast names the part kept
        await saved(pilot)
        # Ben's part on screen shows the other coach's title now: this window never changed it
        await wait_for(pilot, lambda: app.query_one("#title").value == "Bo's words", what="their title")
        assert app.session.model.session_id == second.id
    # (the dilemma had the focus: typed on, kept on top; the title is the other coach's,
    # which keep mine leaves as they saved it)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session WHERE id = ?", second.id) == [
        ("Bo's words", "Quiet huddles of the team")
    ]
    assert query(db_path, "SELECT title FROM coaching_session WHERE id = ?", first.id) == [("Beds",)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_history_lists_a_meeting_once_and_deleting_it_says_so(make_app, set_with_actions: Path, size) -> None:
    """History lists the meeting as one row naming its presenters; opening it shows
    the same name and every presenter's part; deleting it asks about the meeting and
    its presenters, and takes them all. An untitled ordinary session is called by
    the start of its dilemma both in the list and opened."""
    from coachtui.store import open_store
    from coachtui.ui.modals import ConfirmScreen
    from coachtui.ui.screens.detail import SessionDetailScreen
    from coachtui.ui.screens.history import HistoryScreen

    with open_store(str(set_with_actions)) as store:
        ward = store.create_team("Ward 4")
        plain = store.start_session(ward.id, "Ana")
        store.save_draft(plain.id, dilemma="Falls rise at night")
        store.complete_session(plain.id)
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        history = app.screen
        await wait_for(pilot, lambda: len(history.window.rows) == 2, what="the two rows")
        text = await shows(pilot, "Falls rise at night")
        meeting_lines = [line for line in text.splitlines() if "North leads" in line]
        assert len(meeting_lines) <= 2  # its row (and the line under the table when it is highlighted)
        assert "Meeting: Dev Shah, Asha" in text  # the title column names the presenters
        await screenshot(app, f"sets-history-{size[0]}")
        # the untitled session: the start of its dilemma, opened as in the list
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the session")
        text = await shows(pilot, "Ward 4 — Falls rise at night")
        assert "Untitled session" not in text and "ntitled" not in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history again")
        table = history.query_one("#history-table")
        table.move_cursor(row=[bool(r.presenters) for r in history.window.rows].index(True))  # the meeting's row
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionDetailScreen), what="the meeting")
        text = await shows(pilot, "Meeting: Dev Shah, Asha Patel")
        assert "2. Asha Patel presents" in text or "Asha Patel presents" in app.screen.query_one("#detail-md").source
        await screenshot(app, f"sets-detail-{size[0]}")
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        text = await shows(pilot, "2 presenters")
        flat = " ".join(text.split())
        assert "Delete the meeting of North leads" in flat and "(Dev Shah, Asha Patel)" in flat.replace("│ ", "")
        assert "untitled" not in flat
        await pilot.press("y")
        await shows(pilot, "Meeting of 2 presenters")  # the toast
    assert query(set_with_actions, "SELECT count(*) FROM coaching_session WHERE team_id != ?", ward.id) == [(0,)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_review_looks_back_on_every_presenter_of_the_last_meeting(
    make_app, set_with_actions: Path, size
) -> None:
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "North")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        last = app.screen.query_one("#review-last-md")
        await wait_for(pilot, lambda: "A quiet team" in last.source, what="the second presenter in the look back")
        source = last.source
        # each presenter in turn: their name, the issue they brought, the actions they agreed
        assert source.index("1. Dev Shah: Beds") < source.index("Ask for the data")
        assert source.index("Ask for the data") < source.index("2. Asha Patel: A quiet team")
        assert source.index("2. Asha Patel: A quiet team") < source.index("Try a round at the huddle")
        assert "Ask the matron" in source and "2 presenters" in source
        # the meeting's date, whole on the screen (a heading cut it to '2026' at 80 columns)
        met = app.session.review_model.last_session.created_at.astimezone()
        await shows(pilot, f"Met on {met:%Y-%m-%d}.")
        await screenshot(app, f"sets-review-last-{size[0]}")


async def test_a_set_of_more_than_nine_members_picks_its_presenter_by_name(make_app, db_path: Path) -> None:
    from coachtui.store import open_store
    from coachtui.ui.modals import PickerScreen

    names = [f"Member {letter}" for letter in "ABCDEFGHIJK"] + ["Zara Quinn"]
    with open_store(str(db_path)) as store:
        team = store.create_team("Big set")
        for name in names:
            team = store.add_member(team.id, name)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Big set")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="the session")
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), what="the presenter list")
        assert len(app.screen.options) == 12  # every member, not the first nine
        await type_text(pilot, "zara")
        await pilot.press("enter")
        await shows(pilot, "Zara Quinn presenting (1 of 1).")
        await saved(pilot)
    assert query(db_path, "SELECT presenter FROM coaching_session") == [("Zara Quinn",)]


async def test_the_status_bar_names_the_presenter_at_80_columns_whatever_the_set_is_called(
    make_app, db_path: Path
) -> None:
    from coachtui.store import open_store
    from coachtui.ui.widgets.statusbar import StatusBar

    with open_store(str(db_path)) as store:
        team = store.create_team("Northern quality leads (action learning set) of the region")
        for name in MEMBERS:
            team = store.add_member(team.id, name)
        first = store.start_session(team.id, "Ana")
        store.save_draft(first.id, presenter="Asha Patel", title="Beds", dilemma="No beds")
        second = store.add_presenter(first.id, "Ben Okafor", "Ana")
        store.save_draft(second.id, title="Quiet huddles on every ward", dilemma="Nobody speaks")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.drafts.resume(first.id)  # as the drafts list does
        await wait_for(pilot, lambda: len(app.session.parts) == 2, what="the meeting")
        await pilot.press("ctrl+g", "3", "f9", "2")  # f9 asks which presenter: the digit chooses
        await wait_for(pilot, lambda: app.session.presenter_index == 1, what="presenter 2")
        bar = app.screen.query_one(StatusBar)
        await wait_for(pilot, lambda: "2/2 Ben Okafor" in screen_text(app).splitlines()[0], what="the status bar")
        top = screen_text(app).splitlines()[0]
        assert "saved" in top or "saving" in top  # the save state still shows at the right
        assert bar.context.startswith("2/2 Ben Okafor · Northern")
        await screenshot(app, "sets-status-80")


async def test_keep_mine_keeps_the_unsaved_words_of_both_presenters(make_app, db_path: Path) -> None:
    """Another coach changed both presenters' parts (the context of each) while this
    window typed in both dilemmas: presenter 1's, then at once presenter 2's. Both
    saves are refused; keep mine (asked presenter by presenter) saves both
    presenters' typing on top, and keeps the other coach's contexts."""
    from textual.widgets import Button

    from coachtui.store import open_store
    from coachtui.ui.modals import ConflictScreen

    from .test_keep_mine import slow_disk

    with open_store(str(db_path)) as store:
        team = store.create_team(SET)
        for name in MEMBERS:
            team = store.add_member(team.id, name)
        first = store.start_session(team.id, "Ana Ruiz")
        store.save_draft(first.id, presenter="Asha Patel", title="Beds", dilemma="No beds")
        second = store.add_presenter(first.id, "Ben Okafor", "Ana Ruiz")
        store.save_draft(second.id, title="Voice", dilemma="Quiet huddles")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # resume the draft offered: the whole meeting
        await wait_for(pilot, lambda: len(app.session.parts) == 2, what="the meeting")
        await shows(pilot, "1/2 Asha Patel")
        with open_store(str(db_path)) as other:  # another coach, meanwhile, on both parts
            for part, context in ((first, "Asha's ward"), (second, "Ben's ward")):
                other.save_draft(part.id, context=context, expected_version=other.get_session(part.id).version)
        await pilot.press("ctrl+g", "3")  # Asha's dilemma step, at her title
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "title", what="her title")
        with slow_disk(app) as slow:  # the saves wait (a slow disk) while the coach types on
            disk = slow()
            # Asha's dilemma, then straight on to Ben's, before either is saved
            await pilot.press("tab", "end", "space", *"at", "space", *"night", "f9", "2")
            await shows(pilot, "2/2 Ben Okafor")
            await pilot.press("tab", "end", "space", *"on", "space", *"Mondays")
            await wait_for(pilot, lambda: app.saver.unsaved(second.id), what="Ben's words queued")
            disk.go()
        answered = 0
        while answered < 2:
            await wait_for(
                pilot, lambda: isinstance(app.screen, ConflictScreen) and app.screen.shown_at, timeout=15,
                what="a conflict question, painted",
            )
            asked = app.screen
            # one question at a time, about the part in hand beneath it
            who = app.session.model.presenter
            await wait_for(  # the question names the part in hand beneath it, once drawn
                pilot, lambda who=who: f"{who}'s part of the meeting" in " ".join(screen_text(app).replace("│", " ").split()),
                what=f"the question about {who}'s part",
            )
            asked.query_one("#conflict-keep", Button).press()  # keep mine, as a click does
            await wait_for(pilot, lambda asked=asked: app.screen is not asked, what="the answer")
            answered += 1
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, ConflictScreen) or (
                    not app.saver.conflicts and not app.recovery.asking_about and app.save_status.state == "saved"
                ),
                timeout=15, what="the next question, or all saved",
            )
            if not isinstance(app.screen, ConflictScreen):
                break
        await saved(pilot)
    assert query(db_path, "SELECT dilemma, context FROM coaching_session WHERE id = ?", first.id) == [
        ("No beds at night", "Asha's ward")
    ]
    assert query(db_path, "SELECT dilemma, context FROM coaching_session WHERE id = ?", second.id) == [
        ("Quiet huddles on Mondays", "Ben's ward")
    ]


@pytest.fixture
def meeting_of_three(db_path: Path):  # type: ignore[no-untyped-def]
    """North leads' meeting: Asha (environment), Ben (relational), Carys (capability)."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team(SET)
        for name in MEMBERS:
            team = store.add_member(team.id, name)
        part = store.start_session(team.id, "Ana")
        for name, title, dilemma, category in (
            ("Asha Patel", "Winter beds", "No beds on Mondays", "environment"),
            ("Ben Okafor", "Quiet team", "The team says nothing in huddles", "relational"),
            ("Carys Jones", "PDSA", "We never finish a cycle", "capability"),
        ):
            if name != "Asha Patel":
                part = store.add_presenter(part.id, name, "Ana")
            store.save_draft(part.id, presenter=name, title=title, dilemma=dilemma, primary_category=category)
        for each in store.meeting(part.id):
            store.complete_session(each.id)
    return db_path


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_history_shows_the_category_of_the_presenter_found(make_app, meeting_of_three: Path, size) -> None:
    """A search that hits a later presenter shows their name and category on the
    meeting's row (it showed the first presenter's category); the list unsearched
    names no single presenter's category, and the line under the table gives each."""
    from textual.widgets import Input

    from coachtui.ui.screens.history import HistoryScreen

    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        history = app.screen
        await wait_for(pilot, lambda: len(history.window.rows) == 1, what="the meeting's row")

        def flat() -> str:
            return " ".join(screen_text(app).replace("│", " ").split())

        def row() -> str:  # the table's row on screen (its date first)
            return next((line for line in screen_text(app).splitlines() if line.lstrip("│ ").startswith("20")), "")

        await wait_for(pilot, lambda: "Meeting: Asha" in row(), what="the row on screen")
        # under the table: every presenter's category
        await wait_for(
            pilot, lambda: "Asha Patel (environment), Ben Okafor (relational), Carys Jones (capability)" in flat(),
            what="each presenter's category under the table",
        )
        assert "environment" not in row() or "relational" in row(), row()  # not the first presenter's alone
        await screenshot(app, f"sets-history-categories-{size[0]}")
        search = history.query_one("#history-search", Input)
        for words, turn, category in (("huddles", 1, "relational"), ("carys", 2, "capability")):
            name = MEMBERS[turn]
            search.value = words
            await wait_for(
                pilot, lambda turn=turn: [r.matched for r in history.window.rows] == [(turn,)], what=words
            )
            await wait_for(pilot, lambda category=category: category in row(), what=f"{category} on the row")
            assert "environment" not in row(), row()
            assert f"{name}: " in row() or f"{name} · Meeting" in row(), row()  # whose part held the words
            await screenshot(app, f"sets-history-found-{words}-{size[0]}")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_summary_step_reads_like_the_minutes_of_the_meeting(make_app, set_with_actions: Path, size) -> None:
    """The summary step (and what y copies) opens with the meeting's heading and the
    progress on members' actions, before '1. ... presents', as the report and the
    meeting's view do (it sat inside the first presenter's part)."""
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "North")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Try a round at the huddle")
        await pilot.press("d")  # Asha's first action: done
        await present(pilot, app, "3", "Who is presenting?")  # Carys Jones
        await shows(pilot, "Carys Jones presenting (1 of 1).")
        await present(pilot, app, "2", "Presenters of this meeting")  # add Asha as presenter 2
        await shows(pilot, "2/2")
        await pilot.press("ctrl+g", "7")
        await wait_for(pilot, lambda: app.session_screen.current_step == "summary", what="the summary step")
        summary = app.screen.query_one("#summary-md")
        await wait_for(pilot, lambda: "2. Asha Patel presents" in summary.source, what="both presenters")
        source = summary.source
        assert source.lstrip().startswith("# Meeting of North leads")
        assert "**Presenters:** Carys Jones, Asha Patel" in source
        assert source.index("Progress on members' actions") < source.index("1. Carys Jones presents")
        assert source.count("Progress on members' actions") == 1
        await shows(pilot, "Meeting of North leads")  # on the screen, at the top
        await screenshot(app, f"sets-summary-{size[0]}")
        await saved(pilot)


async def test_the_tracker_shows_one_member_s_actions_across_meetings(make_app, set_with_actions: Path) -> None:
    """o on the tracker lists the set's members among the owners; picking one shows
    their actions from every meeting, and no one else's (issue 22, item 4)."""
    from coachtui.store import open_store
    from coachtui.ui.modals import PickerScreen
    from coachtui.ui.screens.tracker import TrackerScreen

    with open_store(str(set_with_actions)) as store:  # a later meeting: Asha presents again
        team = next(t for t in store.list_teams() if t.name == SET)
        later = store.start_session(team.id, "Ana")
        store.save_draft(later.id, presenter="Ben Okafor", dilemma="Handover")
        store.add_action(later.id, "Shadow the night handover", "Ben Okafor")
        asha = store.add_presenter(later.id, "Asha Patel")
        store.save_draft(asha.id, dilemma="Still quiet")
        store.add_action(asha.id, "Ask each nurse one question", "Asha Patel")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, TrackerScreen), what="the tracker")
        tracker = app.screen
        await wait_for(pilot, lambda: len(tracker.rows) == 5, what="every open action")
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen), what="the owners")
        text = await shows(pilot, "Dev Shah")
        assert "Asha Patel" in text and "Ben Okafor" in text
        await type_text(pilot, "asha")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, PickerScreen), what="the picker closed")
        await wait_for(pilot, lambda: {a.owner for a in tracker.rows} == {"Asha Patel"}, what="Asha's actions")
        text = await shows(pilot, "o Owner: Asha Patel")
        assert sorted(a.text for a in tracker.rows) == [
            "Ask each nurse one question", "Ask the matron", "Try a round at the huddle"
        ]
        for mine in ("Ask each nurse one question", "Ask the matron", "Try a round at the huddle"):
            assert mine in text
        assert "Ask for the data" not in text and "Shadow the night handover" not in text
        await screenshot(app, "sets-tracker-member-80")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_explainer_tells_a_trainer_about_sets(make_app, db_path: Path, size) -> None:
    """F6's explainer ends with how the categories serve an action learning set, the
    keys that run one and the demo's set (issue 22, item 5), whole on the screen."""
    from coachtui.ui.screens.explainer import ExplainerScreen

    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        await shows(pilot, "Capability")
        def flat() -> str:
            return " ".join(screen_text(app).replace("│", " ").replace("▎", " ").replace("▊", " ").split())

        def whole() -> bool:  # its heading and its last words
            return "Coaching a group: action learning sets" in flat() and "Northern quality leads" in flat()

        # read on as a trainer would: a page at a time to the section, then a line at a
        # time (scrolling is animated: each check waits for the keys' scroll)
        for _key in range(40):
            if whole():
                break
            await pilot.press("down" if "Coaching a group" in screen_text(app) else "space")
            await pilot.pause(0.3)
        await wait_for(pilot, whole, what="the whole section on screen")
        assert "In an action learning set" in flat()
        assert "f8 on the team list" in flat() and "f9 names who presents" in flat()
        await screenshot(app, f"sets-explainer-{size[0]}")


async def test_a_session_of_an_ordinary_team_shows_nothing_of_sets(make_app, db_path: Path, seeded) -> None:
    """A one-presenter session reads as it always did (issue 22, item 2): no
    presenter in the status bar or the step bar, no f9 in the footer, f9 does
    nothing, and its summary has no meeting heading."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="the session")
        await pilot.press("ctrl+g", "3")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await paste(pilot, "Night handover")
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("ctrl+g", "7")
        await wait_for(pilot, lambda: app.session_screen.current_step == "summary", what="the summary")
        text = await shows(pilot, "Night handover")
        lines = text.splitlines()
        assert "presenter" not in lines[0] and "1/1" not in lines[0] and "1/1" not in lines[1]
        assert "f9" not in lines[-1] and "Presenter" not in lines[-1]
        source = app.screen.query_one("#summary-md").source
        assert source.startswith("# Night handover") and "Meeting of" not in source and "presents" not in source
        assert len(app.session.parts) <= 1
        await saved(pilot)
    assert query(db_path, "SELECT count(*), max(turn), max(presenter) FROM coaching_session WHERE status = 'draft'") == [
        (1, 1, "")
    ]


@pytest.fixture
def set_ten(db_path: Path):  # type: ignore[no-untyped-def]
    """Set Ten: Amy Ash and Bob Birch, each with an open action from the last meeting."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Set Ten")
        for name in ("Amy Ash", "Bob Birch"):
            team = store.add_member(team.id, name)
        first = store.start_session(team.id, "Ana")
        store.save_draft(first.id, presenter="Amy Ash", title="Handover", dilemma="Beds")
        store.add_action(first.id, "Call the bed manager", "Amy Ash")
        later = store.add_presenter(first.id, "Bob Birch")
        store.save_draft(later.id, dilemma="Rota")
        store.add_action(later.id, "Ask for the rota data", "Bob Birch")
        for part in (first, later):
            store.complete_session(part.id)
    return db_path


async def test_f9_and_a_digit_on_the_review_goes_to_the_presenter_s_title(make_app, set_ten: Path) -> None:
    """f9, 1 and 'dispatch delays' on the Review step named Amy as presenter but stayed
    on the review, where d, p and s marked her action stuck. The digit now goes to her
    dilemma step with the title focused, as it does for later presenters."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Set Ten")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Call the bed manager")
        for key in ("f9", "1", *"dispatch delays"):  # one read
            app.post_message(events.Key(key if key != " " else "space", key if len(key) == 1 else None))
        await wait_for(pilot, lambda: app.query_one("#title").value == "dispatch delays", what="Amy's title")
        assert app.session_screen.current_step == "dilemma" and app.focused.id == "title"
        await shows(pilot, "Amy Ash")
        await saved(pilot)
    assert query(set_ten, "SELECT presenter, title FROM coaching_session WHERE status = 'draft'") == [
        ("Amy Ash", "dispatch delays")
    ]
    assert query(set_ten, "SELECT count(*) FROM action_review") == [(0,)]
    assert query(set_ten, "SELECT DISTINCT status FROM action") == [("open",)]


async def test_n_and_a_note_after_tab_on_the_review_are_kept(make_app, set_ten: Path) -> None:
    """tab on the review moves the focus to the last session beside the list, where n
    and the note typed on did nothing: the words were lost. The list's keys mark its
    highlighted action from there too."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Set Ten")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Call the bed manager")
        for key in ("tab", "n", *"late"):  # one read
            app.post_message(events.Key(key, "\t" if key == "tab" else key))
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note")
        await wait_for(pilot, lambda: "late" in screen_text(app), what="the note typed")
        await type_text(pilot, " start")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, TextPromptScreen), what="the note closed")
        await pilot.press("s")  # still on the last session: marks Amy's action
        await shows(pilot, "late start")
        await saved(pilot)
    assert query(set_ten, "SELECT r.status, r.note, a.text FROM action_review r JOIN action a ON a.id = r.action_id") == [
        ("stuck", "late start", "Call the bed manager")
    ]


async def test_a_key_typed_straight_after_ctrl_s_on_a_note_is_not_typed_into_it(make_app, set_ten: Path) -> None:
    """n, a note, ctrl+s and p in one read: the p went into the note still closing
    ("latep", and the action unmarked). It now waits for the note to go, and marks."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Set Ten")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        await shows(pilot, "Call the bed manager")
        for key in ("n", *"late", "ctrl+s", "p"):  # one read
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await shows(pilot, "late")
        await wait_for(pilot, lambda: query(set_ten, "SELECT count(*) FROM action_review") == [(1,)], what="the mark")
        await saved(pilot)
    assert query(set_ten, "SELECT r.status, r.note, a.text FROM action_review r JOIN action a ON a.id = r.action_id") == [
        ("in_progress", "late", "Call the bed manager")
    ]
