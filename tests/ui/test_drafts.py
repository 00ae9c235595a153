"""Drafts at start and when picking a team: an empty draft is not kept or offered, and
a team's own unfinished session is offered instead of opening a second one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coachtui.ui.modals import ChoiceScreen, ResumeScreen
from coachtui.ui.screens.session import SessionScreen

from .helpers import painted, query, ready, saved, screen_text, shows, type_text, wait_for


def _sessions(db_path: Path) -> list[tuple[str, str, str]]:
    return query(
        db_path,
        "SELECT t.name, s.title, s.status FROM coaching_session s JOIN team t ON t.id = s.team_id "
        "ORDER BY t.name, s.title",
    )


async def test_an_empty_draft_is_not_offered_at_start(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.start_session(seeded["team"].id, coach="Ana Ruiz")  # started, then nothing typed
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ResumeScreen)
        assert app.focused is not None and app.focused.id == "team-filter"


async def test_an_old_empty_draft_is_cleared_away_at_start(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    with open_store(str(db_path), clock=lambda: two_days_ago) as store:
        old = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        kept = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(kept.id, title="Half done")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
        assert [d.id for d in app.screen.drafts] == [kept.id]
        await wait_for(
            pilot, lambda: not query(db_path, "SELECT id FROM coaching_session WHERE id = ?", old.id),
            what="the empty draft to go",
        )
    assert query(db_path, "SELECT count(*) FROM coaching_session WHERE id = ?", kept.id) == [(1,)]


async def test_quitting_an_empty_draft_does_not_keep_it(make_app, seeded, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Year 9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        await saved(pilot)
        assert ("Year 9 maths", "", "draft") in _sessions(db_path)
        await pilot.press("ctrl+q")
    assert _sessions(db_path) == [("Ward 4", "Falls at night", "completed")]


async def test_a_new_session_leaves_no_empty_draft_behind(make_app, seeded, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Year 9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        app.session_screen.new_session()  # ctrl+p → "New session"
        await saved(pilot)
        assert _sessions(db_path) == [("Ward 4", "Falls at night", "completed")]
        await pilot.press("ctrl+u")
        await type_text(pilot, "Year 9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await type_text(pilot, "Fractions")
        await saved(pilot)
        app.session_screen.new_session()
        await saved(pilot)
    assert _sessions(db_path) == [("Ward 4", "Falls at night", "completed"), ("Year 9 maths", "Fractions", "draft")]


async def test_picking_a_team_with_a_draft_offers_it(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        draft = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Half done", dilemma="We were talking about", step="dilemma")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
        await pilot.press("n")  # not now: a new session
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the team list")
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the offer of the team's draft")
        await shows(pilot, "Half done")
        await pilot.press("enter")  # resume it (the default)
        await wait_for(pilot, lambda: app.session.model is not None, what="the session")
        assert app.session.model.session_id == draft.id
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await saved(pilot)
    assert _sessions(db_path) == [("Ward 4", "Falls at night", "completed"), ("Ward 4", "Half done", "draft")]


async def test_a_new_session_can_still_be_started_beside_the_teams_draft(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        draft = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Half done")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the team list")
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the offer of the team's draft")
        await pilot.press("escape")  # neither: stay on the team list
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the team list")
        assert app.session.model is None
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), what="the offer again")
        await pilot.press("n")  # start a new one after all
        await wait_for(pilot, lambda: app.session.model is not None, what="the new session")
        assert app.session.model.session_id != draft.id
        await wait_for(pilot, lambda: app.session_screen.current_step == "review" and painted(app), what="the review step")
        await type_text(pilot, "d")  # marks the first earlier action done: the new draft has content
        await saved(pilot)
    drafts = query(db_path, "SELECT count(*) FROM coaching_session WHERE status = 'draft'")
    assert drafts == [(2,)]


def _ward_draft(db_path: Path):  # type: ignore[no-untyped-def]
    """Ana's draft for Ward 4, with a title and a dilemma."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4", coach="Ana Ruiz")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Rota chaos", dilemma="Night shift misses the huddle.", step="dilemma")
    return draft


async def _resume_offered(pilot) -> None:  # type: ignore[no-untyped-def]
    app = await ready(pilot)
    await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the offer")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session.model is not None, what="the draft open")


async def _type_into_the_gone_draft(pilot) -> None:  # type: ignore[no-untyped-def]
    """Type on in the dilemma: the save is refused, and keeping the text is offered."""
    app = pilot.app
    app.query_one("#dilemma-text").focus()
    await type_text(pilot, " Bo covers")
    await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen) and painted(app), timeout=20, what="the offer to keep it")


async def test_a_draft_discarded_in_another_window_loses_nothing_in_the_window_that_has_it_open(
    make_app, db_path: Path, isolated_home: Path
) -> None:
    """Two windows on one database file: the second discards the draft the first has
    open. The first says so in one line and keeps every word (a new draft, and a
    rescue copy until then); nothing there breaks."""
    from coachtui import rescue
    from coachtui.ui.modals import ConfirmScreen

    draft = _ward_draft(db_path)
    first, second = make_app(), make_app()
    async with first.run_test(size=(100, 30), notifications=True) as pa, second.run_test(
        size=(100, 30), notifications=True
    ) as pb:
        await _resume_offered(pa)
        await ready(pb)
        await wait_for(pb, lambda: isinstance(second.screen, ResumeScreen) and painted(second), what="the offer, second window")
        await pb.press("d")
        await wait_for(pb, lambda: isinstance(second.screen, ConfirmScreen) and painted(second), what="discard?")
        await pb.press("y")
        await saved(pb)
        assert query(db_path, "SELECT count(*) FROM coaching_session") == [(0,)]
        await _type_into_the_gone_draft(pa)
        text = await shows(pa, "New draft (n)")
        assert "deleted" in text or "no longer" in text
        assert [rescue.session_of(p) for p in rescue.files()] == [draft.id]  # safe meanwhile
        await pa.press("n")
        await saved(pa)
        await shows(pa, "Kept as a new draft")
        assert first.is_running
    rows = query(db_path, "SELECT title, dilemma, status FROM coaching_session")
    assert rows == [("Rota chaos", "Night shift misses the huddle. Bo covers", "draft")]


async def test_a_team_deleted_in_another_window_loses_nothing_in_the_window_with_its_session_open(
    make_app, db_path: Path
) -> None:
    from coachtui.ui.modals import ConfirmScreen

    _ward_draft(db_path)
    first, second = make_app(), make_app()
    async with first.run_test(size=(100, 30), notifications=True) as pa:
        await _resume_offered(pa)
        async with second.run_test(size=(100, 30), notifications=True) as pb:
            await ready(pb)
            await wait_for(pb, lambda: isinstance(second.screen, ResumeScreen) and painted(second), what="the offer, second window")
            await pb.press("n")
            await type_text(pb, "Ward 4")
            await pb.press("ctrl+d")
            await wait_for(pb, lambda: isinstance(second.screen, ConfirmScreen) and painted(second), what="delete?")
            await pb.press("y")
            await pb.press("ctrl+q")  # deleted now, not after the undo window
            await wait_for(pb, lambda: not second.is_running, what="the second window closed")
        assert query(db_path, "SELECT count(*) FROM team") == [(0,)]
        await _type_into_the_gone_draft(pa)
        await shows(pa, "New draft (n)")
        await pa.press("n")
        await saved(pa)
        await shows(pa, "Kept as a new draft")
        await pa.press("ctrl+n")  # the steps still work
        assert first.is_running
    assert query(db_path, "SELECT t.name, s.title, s.dilemma FROM coaching_session s JOIN team t ON t.id = s.team_id") == [
        ("Ward 4", "Rota chaos", "Night shift misses the huddle. Bo covers")
    ]


async def test_picking_a_team_reuses_its_empty_draft_left_by_a_crash(make_app, seeded, db_path: Path) -> None:
    """kill -9 on the Review step left an empty "(untitled)" draft; picking the team
    again started a second one beside it, and every crash added another."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        left = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(left.id, step="review")  # the crash came before anything was typed
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.model is not None, what="a session")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        assert app.session.model.session_id == left.id
        await pilot.press("ctrl+g", "3")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await type_text(pilot, "Rota")
        await saved(pilot)
    assert query(db_path, "SELECT id, title FROM coaching_session WHERE status = 'draft'") == [(left.id, "Rota")]


def _draft(db_path: Path, team_name: str = "Ward 4", **fields: str) -> str:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team(team_name)
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, **fields)
        return draft.id


async def test_keys_typed_on_the_team_list_before_the_offer_are_not_taken_by_it(
    make_app, db_path: Path, monkeypatch
) -> None:
    """A tester typed a new team's name, enter and a title while a busy machine was
    still opening the database: the offer of the old draft came up then and took
    them (its n started afresh, enter resumed the old draft). Once the coach is typing
    on the list, the drafts are named in a notice and what was typed is carried out."""
    from coachtui.ui.startup import Startup

    from .helpers import Notices
    from .test_keys import burst

    _draft(db_path, title="Rota", dilemma="Night shifts", step="dilemma")
    opened: list[object] = []
    store_ready = Startup.store_ready
    monkeypatch.setattr(Startup, "store_ready", lambda self, message: opened.append(message))  # a slow opening
    notices = Notices()
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notices) as pilot:
        await wait_for(pilot, lambda: opened, what="the database to open")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "team-filter", what="the filter")
        burst(app, *"Team Two", "enter", *"Staffing gaps overnight")
        await wait_for(pilot, lambda: "one moment" in screen_text(app), what="enter to wait for the database")
        store_ready(app.startup, opened[0])  # the database is open now
        await wait_for(
            pilot, lambda: app.session.model is not None and app.session.model.title == "Staffing gaps overnight",
            what="the title",
        )
        assert not isinstance(app.screen, ResumeScreen)
        assert any("Resume a draft" in str(note.message) for note in notices)
        await saved(pilot)
        assert "Staffing gaps overnight" in screen_text(app)
    assert ("Team Two", "Staffing gaps overnight", "draft") in _sessions(db_path)
    assert ("Ward 4", "Rota", "draft") in _sessions(db_path)


async def test_with_nothing_typed_the_offer_is_still_asked(make_app, db_path: Path) -> None:
    _draft(db_path, title="Rota", dilemma="Night shifts", step="dilemma")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the offer")
        await shows(pilot, "Unfinished sessions")


async def test_a_draft_resumed_from_the_palette_closes_the_offer_at_start(make_app, db_path: Path) -> None:
    """ctrl+p "Resume a draft" while the offer at start was showing opened the draft
    behind the offer, which stayed on top and took what was typed next."""
    from .test_keys import burst

    _draft(db_path, title="Rota", dilemma="Night shifts", step="dilemma")
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the offer")
        offer = app.screen
        await pilot.press("ctrl+p")
        await type_text(pilot, "Resume a draft")
        await shows(pilot, "Carry on with an unfinished session")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and app.screen is not offer,
                       what="the palette's list of drafts")
        burst(app, "enter", *" Plum edit on B.")
        await wait_for(
            pilot, lambda: app.session.model is not None and app.session.model.dilemma.endswith("on B."),
            what="the words in the dilemma",
        )
        assert offer not in app.screen_stack
        assert not isinstance(app.screen, ResumeScreen)
        await saved(pilot)
        assert "Night shifts Plum edit on B." in screen_text(app)
    assert query(db_path, "SELECT dilemma FROM coaching_session") == [("Night shifts Plum edit on B.",)]


async def test_the_name_typed_at_first_start_does_not_turn_the_offer_into_a_notice(make_app, db_path: Path) -> None:
    """Keys typed for the name prompt are not typing on the team list: the drafts
    are still offered in the dialog once the name is given."""
    from coachtui.config import Settings

    _draft(db_path, title="Rota", dilemma="Night shifts", step="dilemma")
    app = make_app(Settings(coach_name="", name_asked=False))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await shows(pilot, "What is your name?")
        await type_text(pilot, "Ana Ruiz\n")
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the offer")
        await shows(pilot, "Unfinished sessions")


def _offer_then_burst(monkeypatch, app, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """The keys arrive the moment the offer at start comes up, before it is painted:
    a coach typing a team's name as the app starts, at tmux speed (the offer comes
    once the database is open, a second or more after the team list)."""
    from coachtui.ui.drafts import Drafts

    from .test_keys import burst

    offer = Drafts.offer

    def offer_and_type(self: Drafts, drafts: object, *, typed_before: int = 0) -> None:
        offer(self, drafts, typed_before=typed_before)  # type: ignore[arg-type]
        if isinstance(app.screen, ResumeScreen):
            burst(app, *keys)

    monkeypatch.setattr(Drafts, "offer", offer_and_type)


async def _typed_on_the_list(pilot, app, notices, team: str, title: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: app.session.model is not None and app.session.model.title == title,
                   what="the new session's title")
    assert app.session.model.team.name == team
    assert not isinstance(app.screen, ResumeScreen)
    assert any("Resume a draft" in str(note.message) for note in notices)  # the draft is named in a notice
    await saved(pilot)
    assert title in screen_text(app)


@pytest.mark.parametrize("team", ["Ward 7", "day unit", "nights"])
async def test_words_typed_as_the_offer_comes_up_go_to_the_team_list(
    make_app, db_path: Path, monkeypatch, team: str
) -> None:
    """A tester typed "Ward 7", enter, "Rota slips" (keys 10 ms apart) as the app
    started: the offer of the old draft came up between two keys and took them. W, a
    and r did nothing on its list and were gone, d asked to discard the draft, and the
    rest waited behind that question. Keys typed before the coach could see the offer
    were typed for the team list: the offer gives way to the notice, and they go there
    (the d of "day unit" discards nothing, the n of "nights" starts no new session)."""
    from .helpers import Notices

    _draft(db_path, title="Rota", dilemma="Night shifts", step="dilemma")
    app = make_app()
    _offer_then_burst(monkeypatch, app, *team, "enter", *"Rota slips")
    notices = Notices()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notices) as pilot:
        await _typed_on_the_list(pilot, app, notices, team, "Rota slips")
    assert _sessions(db_path) == sorted([(team, "Rota slips", "draft"), ("Ward 4", "Rota", "draft")])


async def test_a_team_name_typed_at_the_offer_once_seen_goes_to_the_team_list(make_app, db_path: Path) -> None:
    """The offer on the screen, the coach types a team's name anyway: its letters
    answer nothing there (they were lost). They are the start of a team's name: the
    offer gives way to the notice and the name goes to the team list."""
    from .helpers import Notices
    from .test_keys import burst

    _draft(db_path, title="Rota", dilemma="Night shifts", step="dilemma")
    notices = Notices()
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notices) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the offer")
        burst(app, *"Ward 7", "enter", *"Rota slips")
        await _typed_on_the_list(pilot, app, notices, "Ward 7", "Rota slips")
    assert _sessions(db_path) == [("Ward 4", "Rota", "draft"), ("Ward 7", "Rota slips", "draft")]
