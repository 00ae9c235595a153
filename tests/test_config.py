"""The coach's settings file: defaults, round trip, private and atomic."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from coachtui.config import Settings, SettingsError, load_settings, save_settings
from coachtui.paths import settings_file


def test_defaults_when_missing_an_error_when_broken(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.json") == Settings()
    broken = tmp_path / "broken.json"
    for text, says in (("{not json", "line 1"), ('["a list"]', "line 1"), (b"\xff{}", "not UTF-8")):
        if isinstance(text, bytes):
            broken.write_bytes(text)
        else:
            broken.write_text(text)
        with pytest.raises(SettingsError, match=says):
            load_settings(broken)


def test_round_trip_is_private(isolated_home: Path) -> None:
    settings = Settings(coach_name="Ana Ruiz", theme="textual-light", backups_to_keep=3)
    save_settings(settings)
    path = settings_file()
    assert path == isolated_home / "config" / "settings.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_settings() == settings
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]


def test_wrong_types_and_unknown_keys_are_refused_not_ignored(tmp_path: Path) -> None:
    """Ignoring them used to put a default in their place: a mistyped backups_to_keep
    fell back to 14 and the next start deleted the backups above it."""
    path = tmp_path / "s.json"
    for text, says in (
        ('{"theme": "nord",\n "coach_name": 5}', "line 2: coach_name should be a name"),
        ('{"theme": "nord",\n "backups_to_keep": true}', "line 2: backups_to_keep should be a whole number"),
        ('{"theme": "nord",\n\n "colour": "red"}', "line 3: unknown setting 'colour'"),
    ):
        path.write_text(text)
        with pytest.raises(SettingsError, match=says):
            load_settings(path)
        assert path.read_text() == text


def test_a_byte_order_mark_is_not_a_mistake(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(b'\xef\xbb\xbf{"coach_name": "Ana Ruiz", "backups_to_keep": 30}')
    assert load_settings(path) == Settings(coach_name="Ana Ruiz", backups_to_keep=30)
