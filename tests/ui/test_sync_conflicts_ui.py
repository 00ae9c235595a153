"""The conflicts a sync found, seen and settled in the app at 80×24: the list scrolls,
its keys stay on screen, each text shows the part that differs, and the highlighted
conflict's texts show whole."""

from __future__ import annotations

from pathlib import Path

from coachtui.config import Settings
from coachtui.store import open_store

from .helpers import query, ready, shows, wait_for
from .test_sync_ui import make_hub, open_sync_prompt

SHARED = (
    "The night staff say the handover is rushed because the ward round runs late, the bleep goes "
    "off twice and nobody has read the falls plan since Tuesday; "
)
ANA = SHARED + "Ana: the day plan never reaches the night staff at all."
BEN = SHARED + "Ben: the handover sheet is lost at 21:00 every night."
ANA_CONTEXT = SHARED + "Ana context: two falls this month near the bay windows."
BEN_CONTEXT = SHARED + "Ben context: the sensor mats were moved to bay 3."


def both_rewrote(db_path: Path, tmp_path: Path, *, sync_here: bool) -> tuple[Path, str]:
    """Ana (this laptop) and Ben both rewrote the dilemma and the context of the same
    session, Ben synced; with ``sync_here`` Ana's laptop synced too (coachtui sync in a
    shell), so two conflicts are waiting in it."""
    hub = make_hub(tmp_path)
    with open_store(str(db_path)) as mine:
        mine.sync(str(hub))
        (session,) = [r for r in mine.search_sessions().rows if r.title == "Falls at night"]
        mine.save_draft(session.id, dilemma=ANA, context=ANA_CONTEXT)
    with open_store(str(tmp_path / "ben.db"), coach="Ben Okafor") as ben:
        ben.sync(str(hub))
        ben.save_draft(session.id, dilemma=BEN, context=BEN_CONTEXT)
        ben.sync(str(hub))
    if sync_here:
        with open_store(str(db_path)) as mine:
            assert len(mine.sync(str(hub)).conflicts) == 2
    return hub, session.id


async def test_at_80x24_the_conflicts_list_scrolls_keeps_its_keys_and_shows_what_differs(
    make_app, seeded, db_path: Path, tmp_path: Path
) -> None:
    from coachtui.ui.syncing import SyncConflictsScreen, SyncReportScreen

    hub, session_id = both_rewrote(db_path, tmp_path, sync_here=False)
    app = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=str(hub)))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=20, what="the report")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncConflictsScreen), what="the conflicts")
        text = await shows(pilot, "Changed on both sides: 2 waiting")
        # each says which session it is
        assert "“Falls at night” (Ward 4) — dilemma: Ben Okafor's was kept" in text
        assert "“Falls at night” (Ward 4) — context: Ben Okafor's was kept" in text
        # the keys are on screen, and each text shows where it differs, not the start both share
        assert "m keep mine · t keep theirs · b keep both" in text
        for words in ("yours: …since Tuesday; Ana: the day plan", "Okafor's: …since Tuesday; Ben: the handover",
                      "yours: …since Tuesday; Ana context: two falls", "Okafor's: …since Tuesday; Ben context: the"):
            assert words in text, words
        first, second = [conflict.field for conflict in app.screen.waiting]  # type: ignore[attr-defined]
        mine = {"dilemma": ANA, "context": ANA_CONTEXT}
        theirs = {"dilemma": BEN, "context": BEN_CONTEXT}
        # the highlighted conflict's text shows whole below the list
        assert "Yours:" in text and " ".join(mine[first].split()[-2:]) in text
        # the second is reached with the arrow keys; tab goes to its full texts, which scroll to their end
        await pilot.press("down")
        await shows(pilot, " ".join(mine[second].split()[-2:]))
        await pilot.press("tab", "end")
        text = await shows(pilot, " ".join(theirs[second].split()[-2:]))
        assert "m keep mine · t keep theirs · b keep both" in text
        await pilot.press("t")  # keep theirs: Ben's
        await shows(pilot, "Changed on both sides: 1 waiting")
        await pilot.press("m")  # keep mine: Ana's
        await shows(pilot, "No conflicts: nothing is waiting for your choice.")
    (row,) = query(db_path, f"SELECT {first}, {second} FROM coaching_session WHERE id = '{session_id}'")
    assert row == (mine[first], theirs[second])
    # nothing is waiting (keeping the text a field holds leaves a note for the next sync)
    assert query(db_path, "SELECT count(*) FROM sync_conflict WHERE hub != '(settled)'") == [(0,)]


async def test_at_120x40_both_conflicts_and_their_texts_fit(make_app, seeded, db_path: Path, tmp_path: Path) -> None:
    from coachtui.ui.syncing import SyncConflictsScreen, SyncReportScreen

    hub, _session_id = both_rewrote(db_path, tmp_path, sync_here=False)
    app = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=str(hub)))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=20, what="the report")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncConflictsScreen), what="the conflicts")
        text = await shows(pilot, "Ben context: the sensor mats")
        for words in ("Ana: the day plan never", "Ben: the handover sheet is", "Ana context: two falls",
                      "m keep mine · t keep theirs · b keep both"):
            assert words in text, words
        # the highlighted conflict's two texts, whole, with no scrolling
        highlighted = app.screen.waiting[0]  # type: ignore[attr-defined]
        text = await shows(pilot, " ".join(highlighted.theirs.split()[-2:]))
        assert " ".join(highlighted.mine.split()[-2:]) in text and text.count("Yours:") == 1


async def test_conflicts_a_cli_sync_left_are_told_at_start_and_settled_from_the_palette(
    make_app, seeded, db_path: Path, tmp_path: Path
) -> None:
    """coachtui sync in a shell found two conflicts: the app says so when it starts,
    and ctrl+p → "Sync conflicts" lists them to settle."""
    from textual.command import CommandPalette

    from coachtui.ui.syncing import SyncConflictsScreen

    from .helpers import Notices, type_text

    hub, session_id = both_rewrote(db_path, tmp_path, sync_here=True)
    notices = Notices()
    app = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=str(hub)))
    async with app.run_test(size=(80, 24), notifications=True, message_hook=notices) as pilot:
        await ready(pilot)
        told = "2 sync conflicts are waiting for your choice: ctrl+p → “Sync conflicts: settle them”"
        await wait_for(pilot, lambda: any(told in str(n.message) for n in notices), what="the notice")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await type_text(pilot, "conflict")
        await shows(pilot, "Sync conflicts: settle them")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncConflictsScreen), what="the conflicts")
        await shows(pilot, "Changed on both sides: 2 waiting")
        await pilot.press("b")
        await shows(pilot, "Changed on both sides: 1 waiting")
        await pilot.press("b")
        await shows(pilot, "No conflicts: nothing is waiting for your choice.")
    ((dilemma, context),) = query(db_path, f"SELECT dilemma, context FROM coaching_session WHERE id = '{session_id}'")
    assert "Ana: the day plan" in dilemma and "Ben: the handover sheet" in dilemma
    assert "Ana context" in context and "Ben context" in context


async def test_an_in_app_sync_with_nothing_new_says_conflicts_are_waiting_and_c_shows_them(
    make_app, seeded, db_path: Path, tmp_path: Path
) -> None:
    from coachtui.ui.syncing import SyncConflictsScreen, SyncReportScreen

    hub, _session_id = both_rewrote(db_path, tmp_path, sync_here=True)
    app = make_app(settings=Settings(coach_name="Ana Ruiz", name_asked=True, hub=str(hub)))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(pilot)
        await open_sync_prompt(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncReportScreen), timeout=20, what="the report")
        text = await shows(pilot, "Still waiting from an earlier sync: 2 conflicts")
        assert "Press c to see both versions" in text and "c to settle the conflicts" in text
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncConflictsScreen), what="the conflicts")
        await shows(pilot, "Changed on both sides: 2 waiting")
