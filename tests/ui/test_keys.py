"""Keys the way a terminal delivers them, with Pilot: several keys queued before the
first is handled (as one read of a fast burst), F-keys inside text fields, pastes.
The real-terminal versions are in tests/test_real_keys.py."""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import query, ready, saved, type_text, wait_for
from textual import events

from coachtui.ui.driver import PasteParser
from coachtui.ui.modals import HelpScreen
from coachtui.ui.screens.explainer import ExplainerScreen


def burst(app, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Queue ``keys`` at once, before any is handled: one read of a fast typist."""
    for key in keys:
        character = {"tab": "\t", "enter": "\r", "backspace": "\x7f"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def on_the_dilemma(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot)
    await type_text(pilot, "Ward 7")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")


async def test_f6_inside_the_dilemma_opens_the_categories_and_the_text_stays(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        await type_text(pilot, "Rota")
        await pilot.press("tab")
        await type_text(pilot, "Night team")
        await pilot.press("f6", "X")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExplainerScreen), what="the session again")
        await type_text(pilot, "!")
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session") == [("Rota", "Night team!")]


async def test_f1_help_names_undo_and_ctrl_end_and_f1_closes_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        await pilot.press("tab", "f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        text = app.screen.markdown  # type: ignore[attr-defined]
        assert "**ctrl+z** / **ctrl+y** | undo / redo" in text
        assert "**ctrl+end**" in text
        await pilot.press("f1")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), what="the help to close")
        assert app.focused is app.query_one("#dilemma-text")


async def test_keys_queued_behind_tab_follow_the_focus(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, "R", "o", "t", "x", "backspace", "a", "enter", "N", "i", "g", "h", "t", "tab", "W", "a", "r", "d")
        await wait_for(pilot, lambda: app.query_one("#context-text").text == "Ward", what="the context")
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma, context FROM coaching_session") == [("Rota", "Night", "Ward")]


async def test_zero_width_and_direction_characters_typed_are_kept(make_app, db_path: Path) -> None:
    persian = "می\u200cخواهم"
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, *persian, "tab", *persian, "\u202e", "\u00a0")
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text.endswith("\u00a0"), what="the dilemma")
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session") == [(persian, persian + "\u202e\u00a0")]


async def test_ctrl_g_and_two_digits_queued_together_go_to_the_step_and_type_the_second(
    make_app, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, "R", "o", "t", "a", "tab", "N")
        burst(app, "ctrl+g", "6", "ctrl+g", "3", "4")
        # ctrl+g 3 lands on the step's first field, the title
        await wait_for(pilot, lambda: app.query_one("#title").value == "Rota4", what="the 4 in the title")
        assert app.session_screen.current_step == "dilemma"
        assert app.is_running
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session") == [("Rota4", "N")]


async def test_a_resumed_draft_carries_on_at_the_end(make_app, seeded, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        draft = store.start_session(seeded["team"].id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Half done", dilemma="We were\ntalking about", step="dilemma")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.session.model is None and len(app.screen_stack) > 1, what="the offer")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is app.query_one("#dilemma-text"), what="the dilemma")
        await type_text(pilot, " the rota")
        await pilot.press("up", "ctrl+end", "!")
        await saved(pilot)
    assert query(db_path, "SELECT dilemma FROM coaching_session WHERE id = ?", draft.id) == [
        ("We were\ntalking about the rota!",)
    ]


# --- the paste parser --------------------------------------------------------------------------


def tokens(*reads: str) -> list[object]:
    parser = PasteParser()
    found: list[object] = []
    for data in reads:
        found.extend(parser.feed(data))
    return [
        ("paste", t.text) if isinstance(t, events.Paste) else ("key", t.key) if isinstance(t, events.Key) else t
        for t in found
    ]


def test_a_paste_holding_escape_sequences_comes_whole() -> None:
    pasted = "A\x1b[31mRED\x1b[0mB end\rline two\x00\x07"
    assert tokens("x\x1b[200~" + pasted + "\x1b[201~y") == [("key", "x"), ("paste", pasted), ("key", "y")]


def test_paste_markers_split_between_reads() -> None:
    pasted = "A\x1b[31mRED"
    whole = "\x1b[200~" + pasted + "\x1b[201~z"
    for cut in range(1, len(whole)):
        assert tokens(whole[:cut], whole[cut:]) == [("paste", pasted), ("key", "z")], cut


def test_keys_outside_a_paste_are_read_as_before() -> None:
    assert tokens("\x1b[1;5Hq\x1bOP\t\x1b[Z") == [
        ("key", "ctrl+home"), ("key", "q"), ("key", "f1"), ("key", "tab"), ("key", "shift+tab")
    ]


def test_esc_and_a_space_digit_or_stop_straight_after_read_as_alt() -> None:
    """ESC and a space, digit or punctuation within ESCDELAY: Textual dropped the esc
    (ESC space read as space) or read a macOS option character (ESC 1 as '¡'). They
    read as alt+ that key, as ESC and a letter do (KeyHold splits an unbound one)."""
    for typed, key in [(" ", "alt+space"), ("1", "alt+1"), (".", "alt+full_stop"), ("?", "alt+question_mark"),
                       ("-", "alt+minus"), ("=", "alt+equals_sign"), ("a", "alt+a")]:
        assert tokens("\x1b" + typed, "") == [("key", key)], typed


async def test_a_choice_answered_twice_in_one_burst_closes_once(make_app) -> None:  # type: ignore[no-untyped-def]
    """Two answer keys queued together (a burst, a double press): the dialog closes
    once and the app goes on (found by trying to break it: Textual raised
    ScreenStackError and the app ended)."""
    from textual import events

    from coachtui.ui.modals import ChoiceScreen

    app = make_app()
    answers: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dialog = ChoiceScreen("Carry on?", [("n", "New", "new"), ("r", "Resume", "resume")])
        app.push_screen(dialog, answers.append)
        await pilot.pause()
        for key in ("n", "r"):
            dialog.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
        assert answers == ["new"]
        assert app.is_running and not isinstance(app.screen, ChoiceScreen)


async def test_words_typed_just_before_ctrl_b_ctrl_n_are_kept(make_app, db_path: Path) -> None:
    """Leaving the step and coming back in the same burst reloaded the fields from
    the session while the letters typed just before were still on their way to it:
    "and" was stored as "a" (found by the fast-typing run in a real terminal)."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        burst(app, "R", "o", "t", "a", "tab", *"Night and day", "ctrl+b", "ctrl+n", *" shifts")
        await wait_for(pilot, lambda: app.query_one("#dilemma-text").text.endswith("s"), what="the dilemma")
        assert app.query_one("#dilemma-text").text == "Night and day shifts"
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session") == [("Rota", "Night and day shifts")]


async def test_letters_the_field_has_but_the_session_not_yet_survive_a_step_change(
    make_app, db_path: Path
) -> None:
    """The race itself: the dilemma holds letters whose Changed event is still queued
    when the coach leaves the step and comes back."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_the_dilemma(pilot, app)
        await type_text(pilot, "Rota")
        await pilot.press("tab")
        await type_text(pilot, "Night a")
        area = app.query_one("#dilemma-text")
        area.insert("nd")  # as the field handles two more keys; its Changed event is queued
        app.session_screen.go("review")
        app.session_screen.go("dilemma")
        await pilot.pause()
        assert area.text == "Night and"
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma FROM coaching_session") == [("Rota", "Night and")]


def test_esc_and_b_or_f_straight_after_read_as_alt_not_word_moves() -> None:
    """ESC b and ESC f read as ctrl+left and ctrl+right (iTerm word moves): esc and 'banana'
    typed fast moved the cursor in a note instead of closing it. They read as alt+b and
    alt+f, like ESC and any other letter; ctrl+left and ctrl+right are still word moves."""
    assert tokens("\x1bb", "") == [("key", "alt+b")]
    assert tokens("\x1bf", "") == [("key", "alt+f")]
    assert tokens("\x1b[1;5D\x1b[1;5C") == [("key", "ctrl+left"), ("key", "ctrl+right")]
