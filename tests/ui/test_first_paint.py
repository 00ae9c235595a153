"""What the first frame costs: the modules loaded by the time it is painted.

Start-up speed is measured in bench/ (a real terminal, beside a bare Textual app);
this checks, deterministically, that nothing the first screen does not show is
loaded before it: each such module is import time the coach waits through."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

# The app in a fresh process, the team list read ahead as coachtui.ui.run does, and
# the loaded modules noted as the first frame has been painted (after_first_paint:
# from then on the store, the other steps and the rest load on purpose).
_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys

    from coachtui.config import Settings
    from coachtui.ui import EarlyTeams

    early = EarlyTeams(sys.argv[1])
    early.wait()
    from coachtui.ui.app import create_app
    from coachtui.ui.startup import Startup

    loaded = []
    after_first_paint = Startup.after_first_paint

    def noting(self):
        if not loaded:
            loaded.append(sorted(sys.modules))
            shown.append(self.app.session_screen.team_step.query_one("#team-table").row_count)
        after_first_paint(self)

    shown = []
    Startup.after_first_paint = noting
    # Textual's Ready comes as the first frame has been painted: the rows it holds.
    in_first_frame = []
    first_frame = Startup.first_frame

    def counting(self):
        in_first_frame.append(self.app.session_screen.team_step.query_one("#team-table").row_count)
        rules.extend(rule.selectors for rule in self.app.stylesheet.rules)
        first_frame(self)

    rules = []

    Startup.first_frame = counting
    app = create_app(sys.argv[1], settings=Settings(coach_name="Ana Ruiz", name_asked=True),
                     settings_path=sys.argv[2], early_teams=early)

    async def main():
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(1000):  # until the first frame is painted, at most ~10 s
                if loaded:
                    break
                await pilot.pause(0.01)
            for _ in range(1000):  # until the store has listed the teams, at most ~10 s
                if app.store is not None:
                    break
                await pilot.pause(0.01)
            await pilot.pause()
            table = app.session_screen.team_step.query_one("#team-table")
            later.append([row.key.value for row in table.ordered_rows])

    later = []
    asyncio.run(main())
    print(json.dumps({"modules": loaded[0] if loaded else None, "rows": shown[0] if shown else None,
                      "first_frame": in_first_frame[0] if in_first_frame else None, "rules": rules,
                      "later": later[0] if later else None}))
    """
)


def _start(db_path: Path, settings_path: Path) -> dict[str, Any]:
    """Start the app on a 100x30 screen: the modules loaded by the first paint
    ("modules"), the team list's rows then ("rows"), in the first frame itself
    ("first_frame") and the keys of its rows once the store has listed the teams
    ("later"); the selectors of the stylesheet's rules in the first frame ("rules")."""
    import json

    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(db_path), str(settings_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["modules"] is not None, "the first frame was never painted"
    return answer


def _loaded_at_first_paint(db_path: Path, settings_path: Path) -> tuple[set[str], int]:
    answer = _start(db_path, settings_path)
    return set(answer["modules"]), answer["rows"]


def test_the_first_frame_loads_nothing_it_does_not_show(db_path: Path, settings_path: Path) -> None:
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Ward 4", coach="Ana Ruiz")
        store.create_team("Year 9 maths")
    modules, rows = _loaded_at_first_paint(db_path, settings_path)
    assert rows == 2  # the team list is in the first frame
    later = {
        # the database layer, opened once the list is shown
        "sqlalchemy", "sqlmodel", "alembic", "coachtui.store.api", "coachtui.store.db.models",
        # the store's values beyond the team list's and the limits (store/basics.py):
        # its two dozen dataclasses took ~17 ms to define
        "coachtui.store.types",
        # the question bank, the date parser, the other steps and screens
        "coachtui.catalog", "dateparser", "coachtui.ui.steps.review", "coachtui.ui.steps.category",
        "coachtui.ui.screens.history", "coachtui.ui.modals", "coachtui.ui.palette",
        # the app's parts the first screen never uses (made when first needed)
        "coachtui.ui.syncing", "coachtui.ui.exports", "coachtui.ui.screenshots",
        "textual.widgets._text_area", "textual.widgets._markdown",
        # Rich's table of emoji names (~4,000 entries): the team list's column
        # headings are plain text, never markup with :emoji: codes.
        "rich._emoji_codes",
    }
    assert sorted(modules & later) == []


def test_the_first_frame_holds_only_the_teams_a_screen_can_show(db_path: Path, settings_path: Path) -> None:
    """Each row of Textual's table costs a measure and a cursor update before it can
    be painted: with a few hundred teams the list took longer than the rest of the
    first frame. The first frame gets the teams a screen can show (30 lines here);
    the others follow straight after, in the same order, each once."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        for number in range(80):
            store.create_team(f"Ward {number}", coach="Ana Ruiz")
        listed = [team.id for team in store.list_teams()]
    answer = _start(db_path, settings_path)
    assert 0 < answer["first_frame"] <= 30
    assert answer["later"] == listed


def test_the_first_frame_parses_only_the_rules_of_the_first_screen(db_path: Path, settings_path: Path) -> None:
    """Textual parses the app's stylesheet before the first frame: the rules of the
    six other steps, the dialogs and the other screens (four fifths of it) come once
    it is painted (later.tcss)."""
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Ward 4", coach="Ana Ruiz")
    rules = " ".join(_start(db_path, settings_path)["rules"])
    assert "#team-table" in rules
    for later in ("#review-table", "#dilemma-text", ".category-card", ".dialog", "#history-table", "#others"):
        assert later not in rules


async def test_the_rules_of_the_other_screens_come_before_their_widgets(make_app: Any) -> None:
    """A prompt opened before the first paint (the coach's name, on a first start)
    is a 70-column dialog, not the screen's whole width; the steps mounted after
    the first paint have their own layout (the review list fills its column)."""
    from textual.widgets import DataTable

    from coachtui.config import Settings
    from coachtui.ui.modals import TextPromptScreen

    from .helpers import wait_for

    app = make_app(Settings(coach_name="", name_asked=False))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TextPromptScreen), what="the name prompt")
        await pilot.pause()
        assert app.screen.query_one(".dialog").outer_size.width == 70
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(app.session_screen.query("#review-table")), what="the review step")
        assert str(app.session_screen.query_one("#review-table", DataTable).styles.height) == "1fr"
