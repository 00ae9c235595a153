"""Fixtures for driving the real app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coachtui.config import Settings
from coachtui.ui.app import CoachApp, create_app

# Short save delays keep the tests quick; the production values are in create_app.
FAST_SAVES = (0.05, 0.2)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, fully migrated database, made once per test run."""
    from coachtui.store import open_store

    path = tmp_path_factory.mktemp("template") / "template.db"
    with open_store(str(path)) as store:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def db_path(tmp_path: Path, migrated_template: Path) -> Path:
    """UI tests start from a copy of the migrated template (opening a brand-new
    database, with its migrations, is covered by the store tests)."""
    import os
    import shutil

    path = tmp_path / "coach.db"
    shutil.copyfile(migrated_template, path)
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.toml"


@pytest.fixture
def make_app(db_path: Path, settings_path: Path) -> Callable[..., CoachApp]:
    def make(settings: Settings | None = None, database: Path | None = None) -> CoachApp:
        chosen = settings if settings is not None else Settings(coach_name="Ana Ruiz", name_asked=True)
        return create_app(
            str(database or db_path), settings=chosen, settings_path=settings_path, save_delays=FAST_SAVES
        )

    return make


@pytest.fixture
def seeded(db_path: Path):  # type: ignore[no-untyped-def]
    """A database with one team that had a completed session with three actions."""
    import datetime as dt

    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        team = store.create_team("Ward 4", coach="Ana Ruiz")
        store.create_team("Year 9 maths")
        first = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(
            first.id,
            title="Falls at night",
            dilemma="Nobody can read the run chart.",
            primary_category="capability",
        )
        a1 = store.add_action(first.id, "Plot ten more points", owner="Sam", due=dt.date(2026, 11, 20))
        a2 = store.add_action(first.id, "Ask matron for protected time", owner="Lee")
        a3 = store.add_action(first.id, "Share the chart at handover", owner="Kim")
        store.complete_session(first.id)
        return {"team": team, "session": first, "actions": (a1, a2, a3)}
