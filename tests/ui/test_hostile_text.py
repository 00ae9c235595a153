"""Hostile text through the whole session: no exception, stored exactly, shown literally.

Rich markup, ANSI escapes, control characters and NUL, emoji and combining marks,
right-to-left text, a 10,000-character title and a 1 MB paste go in through the
screens; the database must hold them exactly, and the screens must show them as
text (with ␛, ␀ and ⇄ standing in for what has no glyph), never obey them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from coachtui.ui.modals import TextPromptScreen

from .helpers import paste, query, ready, saved, screen_text, shows, type_text, wait_for

TEAM = "[bold]Ward[/] \x1b[31m4\x00 🙂"
TEAM_SHOWN = "[bold]Ward[/] ␛[31m4␀ 🙂"
TITLE = ("[link=http://evil.example]click[/link] \x1b[2J\x07 שלום " * 200)[:10_000]
CONTEXT = "מטרונית \u202eevil\u202c e\u0301 👩‍⚕️ [/]"
CONTEXT_SHOWN = "מטרונית ⇄evil⇄ e\u0301 👩‍⚕️ [/]"
LINE = "[red]not red[/] \x1b[1mnot bold\x1b[0m *not em* \\x00 "
PASTE = "\n".join(f"{n:05d} {LINE}" + "x" * 40 for n in range(10_000))  # ~1 MB
NOTE = "note \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ [italic]"
NOTE_SHOWN = "note ␛]8;;http://evil␛\\link␛]8;;␛\\ [italic]"
QUESTION = "What would [b]they[/b] say? \x1b[5m"
ACTION = "=HYPERLINK(\"http://evil\") [/] \x1b[7m"
OWNER = "[yellow]Sam[/]"


async def test_hostile_text_through_the_whole_flow(make_app, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team(TEAM)
        earlier = store.start_session(team.id)
        store.save_draft(earlier.id, dilemma="Earlier " + LINE, title="Earlier [bold]one[/]")
        store.add_action(earlier.id, "Earlier \x1b[31maction\x00", owner=OWNER, due=dt.date(2026, 12, 1))
        store.complete_session(earlier.id)

    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        assert TEAM_SHOWN in await shows(pilot, TEAM_SHOWN)  # the team list
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        screen = await shows(pilot, "Earlier ␛[31maction␀")  # the review list
        assert "Earlier [bold]one[/]" in screen  # the last session's summary
        assert TEAM_SHOWN in screen  # the status bar
        await pilot.press("s", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the note editor")
        await paste(pilot, NOTE)
        await shows(pilot, NOTE_SHOWN)  # in the editor
        await pilot.press("ctrl+s")
        await shows(pilot, "Note: " + NOTE_SHOWN)

        await pilot.press("ctrl+g", "3")
        await paste(pilot, TITLE)
        await pilot.press("tab")
        await paste(pilot, PASTE)
        await shows(pilot, "09999 [red]not red[/] ␛[1mnot bold␛[0m *not em* \\x00")  # the view follows the cursor
        await pilot.press("tab")
        await paste(pilot, CONTEXT)
        await shows(pilot, CONTEXT_SHOWN)
        await saved(pilot)

        await pilot.press("ctrl+n", "1", "ctrl+n")  # category, then questions
        await paste(pilot, QUESTION)
        await pilot.press("up", "enter")  # "+ Add as a new question"
        await shows(pilot, "What would [b]they[/b] say? ␛[5m")

        await pilot.press("ctrl+n")
        await paste(pilot, ACTION)
        await pilot.press("tab")
        await paste(pilot, OWNER)
        await pilot.press("enter")
        screen = await shows(pilot, '=HYPERLINK("http://evil") [/] ␛[7m')
        assert OWNER in screen

        await pilot.press("ctrl+n")
        screen = await shows(pilot, "[link=http://evil.example]click[/link] ␛[2J␇")  # summary heading
        await pilot.press("c")
        await shows(pilot, "Completed and saved")
        await saved(pilot)
        assert "Traceback" not in screen_text(app)

    session = query(db_path, "SELECT title, dilemma, context, status FROM coaching_session WHERE id != ?", earlier.id)
    assert session == [(TITLE, PASTE, CONTEXT, "completed")]
    assert query(db_path, "SELECT name FROM team") == [(TEAM,)]
    assert query(db_path, "SELECT note FROM action_review") == [(NOTE,)]
    assert query(db_path, "SELECT text FROM custom_question") == [(QUESTION,)]
    assert query(db_path, "SELECT text FROM picked_question") == [(QUESTION,)]
    assert query(db_path, "SELECT text, owner FROM action WHERE session_id != ?", earlier.id) == [(ACTION, OWNER)]


async def test_hostile_names_in_the_resume_offer_and_the_palette(make_app, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team(TEAM)
        draft = store.start_session(team.id)
        store.save_draft(draft.id, title="[bold]draft[/] \x1b[31m")
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await ready(pilot)
        screen = await shows(pilot, "[bold]draft[/] ␛[31m")
        assert TEAM_SHOWN in screen
        await pilot.press("n")
        await pilot.press("ctrl+p")
        await type_text(pilot, "start")
        await shows(pilot, f"Start a session with {TEAM_SHOWN}")
