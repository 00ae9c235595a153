"""Snapshots of every step at 80×24 (a laptop in a huddle) and 120×40.

Time is frozen and the database is seeded through the store, so each snapshot shows
a realistic session: a team with earlier actions to review and a draft in progress.
Update them after a deliberate change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from coachtui.config import Settings
from coachtui.store.types import PickedQuestionInfo
from coachtui.ui.app import create_app
from coachtui.ui.modals import ResumeScreen

from .conftest import FAST_SAVES
from .helpers import painted, saved, wait_for

NOW = dt.datetime(2026, 11, 18, 10, 30, tzinfo=dt.UTC)
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
STEPS = {"team": 1, "review": 2, "dilemma": 3, "category": 4, "questions": 5, "actions": 6, "summary": 7}


@pytest.fixture
def frozen() -> Iterator[None]:
    """Frozen time, in UTC, so dates on screen are the same on every machine."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        with time_machine.travel(NOW, tick=False):
            yield
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


def seed(db_path: Path) -> str:
    """Teams, an earlier completed session with actions, and a draft in progress."""
    from coachtui.store import open_store

    clock_now = [NOW - dt.timedelta(days=30)]

    def clock() -> dt.datetime:
        clock_now[0] += dt.timedelta(seconds=1)
        return clock_now[0]

    with open_store(str(db_path), clock=clock) as store:
        for name in ("Year 9 maths", "Outpatients clinic", "District data team"):
            store.create_team(name)
        ward = store.create_team("Ward 4 (night shift)")
        earlier = store.start_session(ward.id, coach="Ana Ruiz")
        store.save_draft(
            earlier.id,
            title="Falls at night",
            dilemma="The team collects falls data but nobody reads the run chart.",
            primary_category="capability",
        )
        store.add_action(earlier.id, "Plot ten more points on the run chart", owner="Sam", due=dt.date(2026, 11, 13))
        store.add_action(earlier.id, "Ask matron for thirty minutes of protected time", owner="Lee")
        store.add_action(earlier.id, "Share the chart at the evening handover", owner="Kim", due=dt.date(2026, 11, 25))
        store.complete_session(earlier.id)
        clock_now[0] = NOW - dt.timedelta(minutes=20)
        draft = store.start_session(ward.id, coach="Ana Ruiz")
        store.save_draft(
            draft.id,
            title="Huddles keep being cancelled",
            dilemma=(
                "The manager cancelled the last three huddles because of staffing, and the night\n"
                "team says improvement is something the day shift does."
            ),
            context="Matron, two nurses and a healthcare assistant in the room.",
            primary_category="environment",
            secondary_category="relational",
            suggested_category="environment",
            suggestion_reasons=["No protected time; meetings cancelled or squeezed out"],
            step="review",
        )
        store.set_questions(
            draft.id,
            [
                PickedQuestionInfo("env-03", "What could the team stop doing to make room for improvement work?",
                                   "environment", note="Drop the second paperwork check"),
                PickedQuestionInfo("kata-2", "Where are you now? What does the work really look like today?", "kata"),
            ],
        )
        store.add_action(draft.id, "Book a fifteen-minute huddle slot with matron", owner="Lee",
                         due=dt.date(2026, 11, 25))
        store.add_action(draft.id, "Ask the night team what gets in the way", owner="Sam")
        return draft.id


async def steady(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let everything be saved and drawn before the snapshot."""
    await saved(pilot)
    await pilot.pause(0.3)


def app_at(db_path: Path, settings_path: Path, theme: str | None = None):  # type: ignore[no-untyped-def]
    # A steady cursor: a blinking one would be caught in either phase.
    settings = Settings(coach_name="Ana Ruiz", name_asked=True, cursor_blink=False)
    if theme is not None:
        settings = settings.with_changes(theme=theme)
    return create_app(str(db_path), settings=settings, settings_path=settings_path, save_delays=FAST_SAVES)


@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
@pytest.mark.parametrize("step", list(STEPS))
def test_step(step: str, size: str, snap_compare, frozen, db_path: Path, settings_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(db_path)
    app = app_at(db_path, settings_path)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
        if step == "team":
            await pilot.press("n")
        else:
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.session.model is not None, what="the session")
            await pilot.press("ctrl+g", str(STEPS[step]))
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_resume_offer(snap_compare, frozen, db_path: Path, settings_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(db_path)
    app = app_at(db_path, settings_path)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
        await steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def seed_demo(db_path: Path) -> None:
    from coachtui.store import open_store
    from coachtui.store.demo import generate_demo_data

    with open_store(str(db_path)) as store:
        generate_demo_data(store, sessions=120, teams=6, seed=11, today=NOW.date())


@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
@pytest.mark.parametrize("area", ["f3", "f4", "f5"], ids=["history", "tracker", "themes"])
def test_facilitator_area(area: str, size: str, snap_compare, frozen, db_path: Path, settings_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed_demo(db_path)
    app = app_at(db_path, settings_path)

    def loaded() -> bool:
        import re

        from .helpers import screen_text

        screen = app.screen
        # Rows are there, and drawn at their full width: a whole date is on screen.
        if area == "f3":
            rows = bool(getattr(screen, "window", None) and screen.window.rows)
            return rows and re.search(r"\d{4}-\d\d-\d\d", screen_text(app)) is not None
        if area == "f4":
            rows = bool(getattr(screen, "rows", None))
            return rows and re.search(r"\d{4}-\d\d-\d\d", screen_text(app)) is not None
        chart = screen.query("#themes-chart")
        return bool(chart and chart.first().months)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        # the sample coaches' drafts are not offered to Ana at start
        await wait_for(pilot, lambda: app.store is not None and app.focused is not None, what="the team step")
        await pilot.press(area)
        await wait_for(pilot, loaded, what="the area's data")
        await pilot.pause(0.5)
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


# --- for trainers: the explainer, the why panel, the projector theme -----------------------


async def _at_category_step(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen) and painted(app), what="the resume offer")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.session.model is not None, what="the session")
    await pilot.press("ctrl+g", "4")
    await wait_for(pilot, lambda: app.session_screen.current_step == "category", what="the category step")


@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
def test_explainer(size: str, snap_compare, frozen, db_path: Path, settings_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(db_path)
    app = app_at(db_path, settings_path)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _at_category_step(pilot)
        await pilot.press("e")  # opens at the highlighted card: the primary, environmental conditions
        await steady(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_why_this_suggestion(snap_compare, frozen, db_path: Path, settings_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(db_path)
    app = app_at(db_path, settings_path)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _at_category_step(pilot)
        await pilot.press("w")
        await steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("screen", ["category", "explainer"])
def test_high_contrast(screen: str, snap_compare, frozen, db_path: Path, settings_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The projector theme at the smallest size: solid lines, bold focus, full-strength text."""
    from coachtui.ui.themes import HIGH_CONTRAST

    seed(db_path)
    app = app_at(db_path, settings_path, theme=HIGH_CONTRAST)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _at_category_step(pilot)
        if screen == "explainer":
            await pilot.press("e")
        await steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
