"""Before a session leaves the app: the export dialog's check for names left (with
"Hide people's names" ticked it lists the capitalised words in the redacted export
that might still be names), and the crash-recovery copy's Markdown."""

from __future__ import annotations

from pathlib import Path

from coachtui.ui.screens.export import ExportScreen

from .helpers import paste, ready, type_text, wait_for


def _preview(app) -> str:  # type: ignore[no-untyped-def]
    from textual.widgets import Static

    widget = app.screen.query_one("#export-preview", Static)
    return str(widget.render()) if widget.display else ""


async def test_hiding_names_lists_the_words_left_that_might_be_names(make_app, db_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4", coach="Ana Ruiz")
        store.create_team("Pharmacy", coach="Chidi Okafor")
        session = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(
            session.id,
            title="Handover at night",
            dilemma="Dr Okafor and ana agree. Lindqvist, who joined the handover, does not.",
            context="Kowalczyk's rota; the NQT asked Dr. Brandt.",
        )
        store.add_action(session.id, "Ask Tom about the rota", owner="Tom, Bea")
        store.complete_session(session.id)

    app = make_app()
    async with app.run_test(size=(100, 36), notifications=True) as pilot:
        await ready(pilot)
        app.exports.sessions([session.id], suggested="Ward 4")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ExportScreen) and bool(app.screen.query("#export-preview")),
            what="the export dialog",
        )
        assert _preview(app) == ""  # nothing to check while names are kept
        path = app.screen.query_one("#export-path")
        assert "ward-4" in path.value
        await pilot.click("#export-redact")
        await wait_for(pilot, lambda: "Lindqvist" in _preview(app), what="the preview")
        # the file's name does not give the team away either (found by the tester)
        assert "ward" not in path.value.casefold() and "-redacted-" in path.value
        shown = _preview(app)
        # Unknown names without a title are left, and listed for the coach to check.
        assert "Lindqvist" in shown and "Kowalczyk" in shown
        # Known names and titled names are gone from the export, so not listed.
        for gone in ("Okafor", "Brandt", "Ana", "Tom", "Bea", "Ruiz"):
            assert gone not in shown.replace("Coach", ""), (gone, shown)
        # Pseudonyms, acronyms and ordinary words used in lower case are not names.
        for word in ("Person", "NQT", "Handover"):
            assert word not in shown.replace("Coach", ""), (word, shown)
        await pilot.click("#export-redact")
        await wait_for(pilot, lambda: _preview(app) == "", what="the preview to go")
        assert "ward-4" in path.value


async def test_the_crash_recovery_copy_reads_as_typed(make_app) -> None:
    typed = "Ward 7 (Respiratory): this term, it 'worked'.\n    Fourth: nobody knew."
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 7")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session_screen.current_step == "dilemma", what="the dilemma step")
        await pilot.press("tab")
        await paste(pilot, typed)
        await wait_for(
            pilot, lambda: app.session.model is not None and app.session.model.dilemma == typed, what="the dilemma"
        )
        path = app.recovery.write_copy()
    assert path is not None
    text = path.read_text("utf-8")
    assert "Ward 7 (Respiratory): this term, it 'worked'.  \n\u00a0\u00a0\u00a0\u00a0Fourth: nobody knew." in text
    assert "\\" not in text and "&#32;" not in text


async def test_hide_names_says_on_or_off_in_words_not_only_in_colour(make_app, db_path: Path) -> None:
    """The box read ▐X▌ ticked or not, told apart by colour only (a tester with
    NO_COLOR could not tell)."""
    from textual.widgets import Checkbox

    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4")
        session = store.start_session(team.id)
        store.save_draft(session.id, title="Handover")
    app = make_app()
    async with app.run_test(size=(100, 36), notifications=True) as pilot:
        await ready(pilot)
        app.exports.sessions([session.id], suggested="Ward 4")
        await wait_for(pilot, lambda: bool(app.screen.query("#export-redact")), what="the export dialog")
        box = app.screen.query_one("#export-redact", Checkbox)
        assert str(box.render()).rstrip().endswith("Hide people's names (pseudonyms instead): off")
        await pilot.click("#export-redact")
        await wait_for(pilot, lambda: str(box.render()).rstrip().endswith(": on"), what="the box to say on")
        await pilot.click("#export-redact")
        await wait_for(pilot, lambda: str(box.render()).rstrip().endswith(": off"), what="the box to say off")
