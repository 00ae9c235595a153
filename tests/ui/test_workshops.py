"""For trainers: the category explainer, the "why this suggestion" panel and the
high-contrast theme for projectors, driven through the real app."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.command import CommandPalette
from textual.containers import VerticalScroll

from coachtui.catalog import load_catalog
from coachtui.config import load_settings
from coachtui.ui.app import CoachApp
from coachtui.ui.modals import HelpScreen
from coachtui.ui.screens.explainer import ExplainerScreen
from coachtui.ui.screens.session import SessionScreen
from coachtui.ui.themes import HIGH_CONTRAST

from .helpers import paste, query, ready, saved, screen_text, shows, type_text, wait_for

CATALOG = load_catalog()


def words(text: str) -> str:
    """Text with every run of whitespace made one space: wrapping does not matter."""
    return " ".join(text.split())


async def explainer_text(pilot) -> str:  # type: ignore[no-untyped-def]
    """Everything the explainer shows for its current category, read off the screen
    page by page (as a reader scrolls), put back together line by line."""
    app = pilot.app
    body = app.screen.query_one("#explainer-body", VerticalScroll)
    body.scroll_home(animate=False)
    await pilot.pause()
    lines: dict[int, str] = {}
    while True:
        region = body.scrollable_content_region
        rows = screen_text(app).splitlines()
        top = round(body.scroll_y)
        for offset in range(region.height):
            lines[top + offset] = rows[region.y + offset][region.x : region.right]
        if top >= body.max_scroll_y:
            break
        await pilot.press("pagedown")
        await wait_for(pilot, lambda top=top: round(body.scroll_y) != top, what="the page to scroll")
        await pilot.pause()
    return words("\n".join(lines[index] for index in sorted(lines)))


async def start_session_at_category(pilot, dilemma: str) -> CoachApp:  # type: ignore[no-untyped-def]
    app = await ready(pilot)
    await type_text(pilot, "Ward 4")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
    await paste(pilot, "Huddles keep being cancelled")
    await pilot.press("tab")
    await paste(pilot, dilemma)
    await pilot.press("ctrl+g", "4")
    await wait_for(pilot, lambda: app.session_screen.current_step == "category", what="the category step")
    return app


# --- the explainer -----------------------------------------------------------------------


async def test_the_explainer_teaches_all_four_categories_at_80x24(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        assert "1 Capability" in screen_text(app) and "4 Environment" in screen_text(app)
        for category in CATALOG.categories:
            await pilot.press(category.key)
            await shows(pilot, f"{category.key}  {category.name}")
            shown = await explainer_text(pilot)
            assert words(category.summary) in shown
            assert words(category.description) in shown
            assert len(category.signals) >= 4
            for signal in category.signals:
                assert f"• {words(signal.text)}" in shown
            assert len(category.examples) == 2
            for example in category.examples:
                assert f"• “{words(example)}”" in shown
            questions = CATALOG.questions_for(category.id)
            assert f"Reflection questions ({len(questions)})" in shown
            for number, question in enumerate(questions, 1):
                assert f"{number}. {words(question.text)}" in shown
            # What the suggestion looks for is there on request, and only then.
            assert "words:" not in shown
            await pilot.press("w")
            shown = await explainer_text(pilot)
            first = category.signals[0]
            assert f"words: {words(', '.join(first.words))}" in shown
            await pilot.press("w")


async def test_arrows_and_tab_move_between_categories(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("f6")
        await shows(pilot, "1  Improvement science capability")
        await pilot.press("right")
        await shows(pilot, "2  Improvement as continuous learning")
        await pilot.press("tab", "tab")
        await shows(pilot, "4  Environmental conditions")
        await pilot.press("right")  # round to the first again
        await shows(pilot, "1  Improvement science capability")
        await pilot.press("left")
        await shows(pilot, "4  Environmental conditions")
        await pilot.press("shift+tab")
        await shows(pilot, "3  Coach and team relational dynamics")
        # Roomy at 120×40: the questions sit beside the description, no scrolling needed.
        text = screen_text(app)
        first_question = CATALOG.questions_for("relational")[0].text
        assert "Reflection questions (10)" in text
        assert words(first_question)[:30] in words(text)
        description_row = next(i for i, line in enumerate(text.splitlines()) if "What it is about" in line)
        assert "Reflection questions" in text.splitlines()[description_row]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the session screen")


async def test_e_on_the_category_step_explains_the_highlighted_card_and_esc_returns(
    make_app, db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start_session_at_category(pilot, "The manager cancelled three huddles because of staffing.")
        await pilot.press("3")  # relational is the primary category...
        await pilot.press("right")  # ...and the highlight moves on to environmental conditions
        await shows(pilot, "Primary: Coach and team relational dynamics")
        # the step's keys are on the line above the footer (a notice may cover it now)
        assert "e explain" in str(app.screen.query_one("#category-keys").content)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        await shows(pilot, "4  Environmental conditions")
        await pilot.press("1")
        await shows(pilot, "1  Improvement science capability")
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await shows(pilot, "The four categories")
        await shows(pilot, "show that category")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer again")
        await pilot.press("escape")
        # Back where the coach was: same step, same highlighted card, same choice.
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the session")
        assert app.session_screen.current_step == "category"
        assert app.focused is not None and app.focused.id == "card-environment"
        await shows(pilot, "Primary: Coach and team relational dynamics")
        await pilot.press("p")  # and the keys still work on the highlighted card
        await shows(pilot, "Primary: Environmental conditions")
        await saved(pilot)
    assert query(db_path, "SELECT title, dilemma, primary_category FROM coaching_session") == [
        ("Huddles keep being cancelled", "The manager cancelled three huddles because of staffing.", "environment")
    ]


async def test_f6_in_the_middle_of_typing_loses_nothing(make_app, db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await type_text(pilot, "Huddles")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        await pilot.press("2")
        await shows(pilot, "2  Improvement as continuous learning")
        await pilot.press("f6")  # f6 again closes it, like esc
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the session")
        assert app.focused is not None and app.focused.id == "title"  # the cursor is where it was
        await type_text(pilot, " stop")
        await saved(pilot)
        await shows(pilot, "Huddles stop")
    assert query(db_path, "SELECT title FROM coaching_session") == [("Huddles stop",)]


async def test_the_palette_opens_the_explainer(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await type_text(pilot, "Explain the four")
        await shows(pilot, "Explain the four categories")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        await shows(pilot, "1  Improvement science capability")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the session")
        await shows(pilot, "Welcome! Create your first team")


# --- why this suggestion -----------------------------------------------------------------


async def test_why_this_suggestion_quotes_the_words_that_pushed_each_way(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await start_session_at_category(
            pilot, "The manager cancelled our huddles because of staffing, and nobody opens the spreadsheet."
        )
        await shows(pilot, "★ Suggested: Environmental conditions (84%), because of “cancelled”, “staffing”")
        await pilot.press("w")
        text = words(await shows(pilot, "Why this suggestion"))
        assert "★ Environmental conditions: 84%" in text
        assert "Coach and team relational dynamics: 16%" in text
        assert "Your words that point to Environmental conditions rather than Coach and team relational dynamics:" in text
        assert "• “cancelled” 1.0" in text and "• “staffing” 0.8" in text
        assert "Your words that point to Coach and team relational dynamics instead:" in text
        assert "• “The manager” 0.9" in text
        assert "Environmental conditions — No protected time; meetings cancelled or squeezed out: “cancel”" in text
        assert "Improvement science capability — Unsure what to measure, or measuring inconsistently: “spreadsheet”" in text
        await pilot.press("end")  # the panel scrolls: the rest is below
        text = words(await shows(pilot, "How it works"))
        assert "not the context" in text and "you decide" in text
        assert "w or esc: back to the cards" in text
        await pilot.press("escape")
        await shows(pilot, "1  Improvement science capability")
        assert "Why this suggestion" not in screen_text(app)
        await pilot.press("w", "e")  # explain from the why panel: starts at the suggestion
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        await shows(pilot, "4  Environmental conditions")


async def test_a_close_call_says_unsure_between_two(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await start_session_at_category(pilot, "Nobody has time to look at the data and the manager won't discuss it.")
        text = words(await shows(pilot, "★ Unsure between"))
        assert "Coach and team relational dynamics" in text and "Environmental conditions" in text
        await pilot.press("w")
        await shows(pilot, "are close.")


async def test_why_says_when_the_coachs_own_sessions_moved_the_suggestion(make_app, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ten completed sessions about people leaving, filed under relational (the model
    says environment): a new one like them is suggested as relational, and w says why:
    how many sessions, and what the new one has in common with them."""
    from coachtui.catalog.train import read_labelled
    from coachtui.store import open_store

    turnover = read_labelled(Path(__file__).parents[2] / "bench" / "data" / "turnover.tsv")
    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 9", coach="Ana Ruiz")
        for example in turnover[:10]:
            session = store.start_session(team.id, coach="Ana Ruiz")
            store.save_draft(session.id, title="Staffing", dilemma=example.text, primary_category="relational")
            store.complete_session(session.id)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(
            pilot,
            lambda: app.suggest_adaptation is not None and app.suggest_adaptation.examples == 10,
            what="the suggestion to learn from the completed sessions",
        )
        await start_session_at_category(pilot, "Every month someone new joins and someone leaves.")
        await shows(pilot, "★ Suggested: Coach and team relational dynamics")
        await pilot.press("w")
        said = (
            "You filed 10 similar dilemmas under Coach and team relational dynamics "
            "(alike in “Staffing gaps, turnover and people leaving”,"
        )
        # read off the panel with its border taken out: where it wraps does not matter
        await wait_for(pilot, lambda: said in words(screen_text(app).replace("│", " ")), what=repr(said))


async def test_the_suggestion_learns_from_completed_sessions_and_can_be_told_not_to(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await start_session_at_category(pilot, "The new lead talks over everyone in the huddle.")
        await pilot.press("3")
        await pilot.press("ctrl+g", "7")
        await pilot.press("c")
        await shows(pilot, "Session completed")
        await wait_for(
            pilot,
            lambda: app.suggest_adaptation is not None and app.suggest_adaptation.examples == 1,
            what="the suggestion to learn from the completed session",
        )
        app.clear_notifications()  # the toast would cover the explainer's text that is read off the screen
        await pilot.press("ctrl+g", "4", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        assert "It has learned from 1 completed session in this database" in await explainer_text(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExplainerScreen), what="the explainer to close")
        app.learning.toggle()
        await shows(pilot, "no longer learns")
        assert app.suggest_adaptation is None and app.settings.learn_categories is False
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainerScreen), what="the explainer")
        assert "Learning from your sessions is off" in await explainer_text(pilot)


async def test_why_before_any_dilemma_says_what_to_do(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await pilot.press("ctrl+g", "4")
        await pilot.press("w")
        await shows(pilot, "Nothing to read yet: write the dilemma first (step 3).")


# --- the high-contrast theme -------------------------------------------------------------


async def test_the_high_contrast_theme_is_offered_chosen_and_saved(make_app, settings_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert HIGH_CONTRAST in app.available_themes
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await type_text(pilot, "Theme")
        await shows(pilot, "Change the current theme")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, CommandPalette) and app.screen.query_one("Input").value == "",
            what="the list of themes",
        )
        await type_text(pilot, "coachtui-high")
        await shows(pilot, HIGH_CONTRAST)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == HIGH_CONTRAST, what="the theme to change")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), what="the palette to close")
        assert app.has_class(f"-theme-{HIGH_CONTRAST}")
    assert tomllib.loads(settings_path.read_text("utf-8"))["theme"] == HIGH_CONTRAST
    again = make_app(settings=load_settings(settings_path))
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert again.theme == HIGH_CONTRAST
        assert again.current_theme.background is not None
        assert again.current_theme.foreground == "#000000"


# --- projector mode (issue 20, item 12) ------------------------------------------------------


async def _palette(pilot, words: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await type_text(pilot, words)
    await shows(pilot, words)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), what="the palette to close")


async def test_projector_mode_is_one_palette_entry_and_gives_the_coachs_theme_back(
    make_app, settings_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        app.theme = "nord"  # the coach's own theme
        await pilot.pause()
        await _palette(pilot, "Projector mode")
        await wait_for(pilot, lambda: app.theme == HIGH_CONTRAST, what="the high-contrast theme")
        assert app.has_class("-projector") and app.cursor_blink is False
        await shows(pilot, "Projector mode: high contrast")
        saved_settings = tomllib.loads(settings_path.read_text("utf-8"))
        assert saved_settings["projector"] is True and saved_settings["theme"] == "nord"
    # The next start is in projector mode too; turning it off brings the coach's theme back.
    again = make_app(settings=load_settings(settings_path))
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        assert again.theme == HIGH_CONTRAST and again.has_class("-projector")
        await _palette(pilot, "Projector mode")
        await wait_for(pilot, lambda: again.theme == "nord", what="the coach's theme")
        assert not again.has_class("-projector") and again.cursor_blink is True
    saved_settings = tomllib.loads(settings_path.read_text("utf-8"))
    assert saved_settings["projector"] is False and saved_settings["theme"] == "nord"
