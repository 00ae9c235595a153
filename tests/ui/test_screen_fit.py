"""The coach's screens at 80×24 and 120×40 (issue 14, items 10, 11, 12 and 15):
columns share the width, nothing is cut without an ellipsis, and what a row needs
(owner, team, due date, last note) is on screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coachtui.ui.modals import ResumeScreen

from .helpers import painted, screen_text, shows, wait_for

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
LONG_TEAM = "Cardiology Unit, Tanners Cross Hospital"
LONG_ACTION = "Collect two weeks of baseline case notes completed on time across both sites and plot them"
MID_ACTION = "Ask the night team what gets in the way of the huddle at 3am"
TITLE = "Huddles keep being cancelled"


def seed(db_path: Path) -> dict[str, str]:
    """A team with a long name; a completed session whose actions are stuck, in
    progress, done (overdue date) and open; a draft after it."""
    from coachtui.store import open_store

    today = dt.date.today()
    with open_store(str(db_path)) as store:
        team = store.create_team(LONG_TEAM, coach="Ana Ruiz")
        first = store.start_session(team.id, coach="Jonas Berg")
        store.save_draft(first.id, title=TITLE, dilemma="The manager cancels huddles.", primary_category="environment")
        stuck = store.add_action(first.id, LONG_ACTION, owner="Vikram Shah", due=today - dt.timedelta(days=8))
        going = store.add_action(first.id, MID_ACTION, owner="Kim", due=today + dt.timedelta(days=20))
        done = store.add_action(first.id, "Share the run chart", owner="Lee", due=today - dt.timedelta(days=3))
        store.complete_session(first.id)
        store.record_review(stuck.id, "stuck", "Waiting for IT to open the folder", coach="Ana Ruiz")
        store.record_review(going.id, "in_progress", "Half the team asked", coach="Ana Ruiz")
        store.record_review(done.id, "done", "", coach="Ana Ruiz")
        draft = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(draft.id, title="Second look", step="review")
        return {"draft": draft.id, "stuck": stuck.id}


def shown_whole_or_cut(screen: str, text: str, at_least: int = 15) -> bool:
    """``text`` is on screen whole, or its start (``at_least`` characters or more)
    followed by an ellipsis: never cut silently."""
    if text in screen:
        return True
    return any(f"{text[:n]}…" in screen or f"{text[:n].rstrip()}…" in screen for n in range(at_least, len(text)))


def region_text(app, widget) -> str:  # type: ignore[no-untyped-def]
    """The words on screen where ``widget`` is, its wrapped lines joined."""
    region = widget.content_region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return " ".join(" ".join(line[region.x : region.right].split()) for line in lines)


def dialog_text(app) -> str:  # type: ignore[no-untyped-def]
    """The words in the open dialog, its wrapped lines joined."""
    return region_text(app, app.screen.query_one(".dialog"))


async def open_draft(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session.model is not None, what="the session")


# --- item 10: columns share the width ---------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
async def test_tracker_shows_owner_and_team_at_every_width(make_app, db_path: Path, size: str) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=SIZES[size], notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("f4")
        screen = await shows(pilot, "Vikram Shah")
        await pilot.pause(0.2)
        screen = screen_text(app)
        table = screen.split("Due", 1)[1].split("Waiting for IT", 1)[0]  # the rows, above the detail
        assert "Vikram Shah" in table and "Kim" in table
        assert shown_whole_or_cut(table, LONG_TEAM)
        assert shown_whole_or_cut(table, LONG_ACTION)
        assert shown_whole_or_cut(table, MID_ACTION)


async def test_tracker_at_120_columns_leaves_no_room_unused_while_text_is_cut(make_app, db_path: Path) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("f4")
        await shows(pilot, "Vikram Shah")
        await pilot.pause(0.2)
        row = next(line for line in screen_text(app).splitlines() if "Vikram Shah" in line and "…" in line)
        assert len(row.rstrip()) >= 120 - 4, row


async def test_a_done_action_is_not_called_overdue(make_app, db_path: Path) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("f4")
        await shows(pilot, "Vikram Shah")
        await pilot.press("c")  # closed ones too
        screen = await shows(pilot, "Share the run chart")
        row = next(line for line in screen.splitlines() if "Share the run chart" in line)
        assert "done" in row and "overdue" not in row and "⚠" not in row
        # the in-progress mark does not look like cut text
        progress = next(line for line in screen.splitlines() if MID_ACTION[:20] in line)
        assert "in progress" in progress and "… in progress" not in progress


@pytest.mark.parametrize("size", list(SIZES))
async def test_history_titles_are_not_cut_to_a_stub(make_app, db_path: Path, size: str) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=SIZES[size], notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("f3")
        screen = await shows(pilot, TITLE)
        row = next(line for line in screen.splitlines() if TITLE in line)
        assert "Cardiology" in row
        if size == "120x40":
            assert "Jonas Berg" in row
        else:  # the coach moves to the line under the list, with the whole title
            await pilot.press("tab")
            await pilot.press("down")
            await wait_for(
                pilot,
                lambda: f"Jonas Berg · {LONG_TEAM} — {TITLE}" in " ".join(
                    line.strip() for line in screen_text(app).splitlines()
                ),
                what="the whole title under the list",
            )


async def test_history_says_one_session_matches(make_app, db_path: Path) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("f3")
        await shows(pilot, TITLE)
        for key in "huddles":
            await pilot.press(key)
        screen = await shows(pilot, "1 session matches")
        assert "1 session match\n" not in screen


@pytest.mark.parametrize("size", list(SIZES))
async def test_a_long_action_leaves_owner_and_due_on_screen(make_app, db_path: Path, size: str) -> None:
    from coachtui.store import open_store

    ids = seed(db_path)
    with open_store(str(db_path)) as store:
        store.add_action(ids["draft"], LONG_ACTION + " and then again", owner="Vikram Shah", due=dt.date(2030, 3, 4))
    app = make_app()
    async with app.run_test(size=SIZES[size], notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("ctrl+g", "6")
        await wait_for(pilot, lambda: app.session_screen.current_step == "actions", what="the actions step")
        screen = await shows(pilot, "2030-03-04")
        row = next(line for line in screen.splitlines() if "2030-03-04" in line)
        assert "Vikram Shah" in row
        assert shown_whole_or_cut(row, LONG_ACTION)


# --- item 12: the review step -----------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
async def test_review_rows_show_owner_due_and_how_it_stood(make_app, db_path: Path, size: str) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=SIZES[size], notifications=True) as pilot:
        await open_draft(pilot)
        await wait_for(pilot, lambda: app.session_screen.current_step == "review", what="the review step")
        screen = await shows(pilot, "was stuck")
        table = screen.split("Last session", 1)[1]
        lines = table.splitlines()
        # each row: the action, then owner and due date, then how it stood and its note
        stuck = next(i for i, line in enumerate(lines) if "was stuck" in line)
        assert "Vikram Shah" in lines[stuck - 1] and "overdue" in lines[stuck - 1]
        assert shown_whole_or_cut(lines[stuck], "was stuck: “Waiting for IT to open the folder”", at_least=14)
        going = next(i for i, line in enumerate(lines) if "was in progress" in line)
        assert "Kim" in lines[going - 1] and "overdue" not in lines[going - 1]
        assert "not reviewed" not in screen


async def test_the_last_session_panel_starts_with_its_actions(make_app, db_path: Path) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_draft(pilot)
        screen = await shows(pilot, "Actions agreed")
        panel = [line.split("▏", 1)[1].strip() for line in screen.splitlines() if "▏" in line]
        panel = [line for line in panel if line and "palette" not in line]
        assert panel[0] == "Last session"
        assert panel[1] == "Actions agreed"
        assert panel.index("Actions agreed") < panel.index(TITLE)


async def test_completing_with_unreviewed_actions_and_no_category_asks_once(make_app, db_path: Path) -> None:
    from coachtui.store import open_store
    from coachtui.ui.modals import ConfirmScreen

    from .helpers import query, saved

    ids = seed(db_path)
    with open_store(str(db_path)) as store:
        store.save_draft(ids["draft"], dilemma="Short")
        # one of the three is reviewed in this session already
        store.record_review(ids["stuck"], "done", "", session_id=ids["draft"], coach="Ana Ruiz")
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("ctrl+g", "7")
        await wait_for(pilot, lambda: app.session_screen.current_step == "summary", what="the summary")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question")
        await shows(pilot, "anyway?")
        screen = dialog_text(app)
        assert "1 earlier action is not reviewed" in screen and "no category is chosen" in screen
        await pilot.press("n")  # go back: still a draft
        await saved(pilot)
        assert query(db_path, "SELECT status FROM coaching_session WHERE id = ?", ids["draft"]) == [("draft",)]
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and painted(app), what="the question again")
        await pilot.press("y")
        await shows(pilot, "Completed and saved")
        assert not isinstance(app.screen, ConfirmScreen)  # one question, not one per gap
        await saved(pilot)
    assert query(db_path, "SELECT status FROM coaching_session WHERE id = ?", ids["draft"]) == [("completed",)]


# --- item 11: nothing below the screen, nothing cut mid-word --------------------------------


async def test_the_export_dialog_fits_80_by_24(make_app, db_path: Path) -> None:
    from coachtui.ui.screens.export import ExportScreen

    seed(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("ctrl+g", "7")
        await wait_for(pilot, lambda: app.session_screen.current_step == "summary", what="the summary")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), what="the export dialog")
        screen = await shows(pilot, "Export (enter)")
        assert "Cancel (esc)" in screen
        assert "Hide people's names" in screen and "Markdown report" in screen


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("step", ["1", "2", "3", "4", "5", "6", "7"])
async def test_the_footer_is_never_cut(make_app, db_path: Path, size: str, step: str) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=SIZES[size], notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("ctrl+g", step)
        await wait_for(pilot, lambda: app.session_screen.current_step is not None, what="the step")
        await pilot.pause(0.3)
        footer = screen_text(app).rstrip("\n").splitlines()[-1]
        assert "f1 Help" in footer, footer


async def test_the_review_keys_are_said_once_and_whole(make_app, db_path: Path) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_draft(pilot)
        screen = await shows(pilot, "was stuck")
        flat = " ".join(line.split("▏")[0].strip() for line in screen.splitlines())
        assert "d done · p in progress · s stuck · x dropped · u undo · n or enter note" in flat
        footer = screen.rstrip("\n").splitlines()[-1]
        assert "Note" not in footer and "f1 Help" in footer


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(("step", "focus", "hint"), [
    ("5", "bank", "enter or space picks"),
    ("5", "picked", "n note · del remove · shift+↑↓ order"),
    ("6", "action-table", "tab to the list: e edit · del remove"),
])
async def test_a_focused_list_keeps_the_footer_whole_and_its_hint_says_the_keys(
    make_app, db_path: Path, size: str, step: str, focus: str, hint: str
) -> None:
    from coachtui.store import open_store
    from coachtui.store.types import PickedQuestionInfo

    ids = seed(db_path)
    with open_store(str(db_path)) as store:
        store.set_questions(ids["draft"], [PickedQuestionInfo("kata-2", "Where are you now?", "kata")])
        store.add_action(ids["draft"], "Book a huddle slot", owner="Lee")
    app = make_app()
    async with app.run_test(size=SIZES[size], notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("ctrl+g", step)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id in ("question-filter", "action-text"),
                       what="the step's first field")
        for _ in range(4):
            if app.focused is not None and app.focused.id == focus:
                break
            # tab from the question filter goes to the picked list; shift+tab from
            # there reaches the bank
            await pilot.press("shift+tab" if focus == "bank" and app.focused.id == "picked" else "tab")
        assert app.focused is not None and app.focused.id == focus
        await pilot.pause(0.2)
        screen = screen_text(app)
        footer = screen.rstrip("\n").splitlines()[-1]
        assert "f1 Help" in footer, footer
        assert "⏎" not in footer  # the hint names the keys; the footer does not say them otherwise
        assert hint in region_text(app, app.focused.parent.query_one(".hint"))


async def test_the_mark_dialog_title_is_not_cut(make_app, db_path: Path) -> None:
    from coachtui.ui.modals import TextPromptScreen

    seed(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("f4")
        await shows(pilot, "Vikram Shah")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the mark dialog")
        await pilot.pause(0.2)
        flat = dialog_text(app)
        assert "Mark “Collect two weeks of baseline case notes" in flat
        assert "” as done" in flat


@pytest.mark.parametrize("size", list(SIZES))
async def test_category_cards_show_whole_signals(make_app, db_path: Path, size: str) -> None:
    from coachtui.ui.steps.category import CategoryCard

    seed(db_path)
    app = make_app()
    async with app.run_test(size=SIZES[size], notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("ctrl+g", "4")
        await wait_for(pilot, lambda: app.session_screen.current_step == "category", what="the category step")
        await pilot.pause(0.3)
        screen = screen_text(app)
        for card in app.screen.query(CategoryCard):
            region = card.content_region
            lines = [line[region.x : region.right].rstrip() for line in screen.splitlines()[region.y : region.bottom]]
            body = "\n".join(lines)
            signals = [s.text for s in card.category.signals]
            shown = [" ".join(chunk.split()) for chunk in body.split("• ")[1:]]
            if "more: e explains" in body:
                shown[-1] = shown[-1].split("+ ")[0].strip()
            for text in shown:
                assert text in signals, (card.category.id, text)
            assert shown or "more: e explains" in body


# --- item 15: the trends chart ------------------------------------------------------------------


def _contrast(one: tuple[int, int, int], two: tuple[int, int, int]) -> float:
    def luminance(rgb: tuple[int, int, int]) -> float:
        def channel(c: int) -> float:
            v = c / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "coachtui-high-contrast"])
async def test_every_category_in_the_trends_chart_can_be_seen(make_app, db_path: Path, theme: str) -> None:
    from textual.color import Color

    from coachtui.ui.widgets.chart import TrendChart

    seed(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_draft(pilot)
        app.theme = theme
        await pilot.press("f5")
        screen = await shows(pilot, "Environmental conditions")
        assert "Trends" in screen.splitlines()[0]
        chart = app.screen.query_one(TrendChart)
        await wait_for(pilot, lambda: bool(chart.months), what="the chart")
        await pilot.pause(0.2)
        screen = screen_text(app)
        assert "░" not in screen  # too faint for a projector
        background = Color.parse(app.theme_variables["background"])
        rendered = chart.render()
        for span in rendered.spans:
            piece = rendered.plain[span.start : span.end].strip()
            if not piece or piece[0] not in "█▓▒▚":
                continue
            color = span.style.color.get_truecolor()  # type: ignore[union-attr]
            ratio = _contrast((color.red, color.green, color.blue), (background.r, background.g, background.b))
            assert ratio >= 3.0, (theme, piece, ratio)  # WCAG 1.4.11: non-text contrast


async def test_the_trends_legend_keeps_each_swatch_with_its_name(make_app, db_path: Path) -> None:
    seed(db_path)
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_draft(pilot)
        await pilot.press("f5")
        screen = await shows(pilot, "Environmental conditions")
        await pilot.pause(0.2)
        screen = screen_text(app)
        for swatch, name in (
            ("██", "Improvement science capability"),
            ("▓▓", "Improvement as continuous learning"),
            ("▒▒", "Coach and team relational dynamics"),
            ("▚▚", "Environmental conditions"),
            ("··", "not sure"),
        ):
            assert f"{swatch} {name}" in screen, name
