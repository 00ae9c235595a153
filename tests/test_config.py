"""The coach's settings file: defaults, round trip, private and atomic."""

from __future__ import annotations

import stat
from pathlib import Path

from coachtui.config import Settings, load_settings, save_settings
from coachtui.paths import settings_file


def test_defaults_when_missing_or_broken(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.json") == Settings()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert load_settings(broken) == Settings()
    broken.write_text('["a list"]')
    assert load_settings(broken) == Settings()


def test_round_trip_is_private(isolated_home: Path) -> None:
    settings = Settings(coach_name="Ana Ruiz", theme="textual-light", backups_to_keep=3)
    save_settings(settings)
    path = settings_file()
    assert path == isolated_home / "config" / "settings.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_settings() == settings
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]


def test_wrong_types_and_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"coach_name": 5, "theme": "nord", "backups_to_keep": true, "colour": "red"}')
    assert load_settings(path) == Settings(theme="nord")
