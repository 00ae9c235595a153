"""The coach's settings file: TOML, defaults, round trip, private and atomic, and the
one-time move from an older coachtui's settings.json."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from coachtui.config import Settings, SettingsError, load_settings, save_settings
from coachtui.paths import settings_file


def test_defaults_when_missing_an_error_when_broken(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == Settings()
    broken = tmp_path / "broken.toml"
    for text, says in (
        ("theme = ", "line 1: Invalid value"),
        ('theme = "nord"\ncoach_name = "Ana', "line 2: Unterminated string"),
        ("[theme\n", "line 1"),
        (b"\xfftheme = 'nord'", "not UTF-8"),
    ):
        if isinstance(text, bytes):
            broken.write_bytes(text)
        else:
            broken.write_text(text)
        with pytest.raises(SettingsError, match=says) as caught:
            load_settings(broken)
        assert "\n" not in str(caught.value) and str(broken) in str(caught.value)


def test_round_trip_is_private_and_toml(isolated_home: Path) -> None:
    import tomllib

    settings = Settings(coach_name="Ana Ruiz", theme="textual-light", backups_to_keep=3)
    save_settings(settings)
    path = settings_file()
    assert path == isolated_home / "config" / "settings.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_settings() == settings
    assert tomllib.loads(path.read_text())["coach_name"] == "Ana Ruiz"
    assert path.read_text().startswith("# coachtui settings")
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]


def test_wrong_types_and_unknown_keys_are_refused_not_ignored(tmp_path: Path) -> None:
    """Ignoring them used to put a default in their place: a mistyped backups_to_keep
    fell back to 14 and the next start deleted the backups above it."""
    path = tmp_path / "settings.toml"
    for text, says in (
        ('theme = "nord"\ncoach_name = 5', "line 2: coach_name should be a name in quotes, not 5"),
        ('theme = "nord"\nbackups_to_keep = true', "line 2: backups_to_keep should be a whole number"),
        ('theme = "nord"\nbackups_to_keep = -3', "line 2: backups_to_keep should be a whole number"),
        ('theme = "nord"\n\n"colour" = "red"', "line 3: unknown setting 'colour'"),
        ('theme = "nord"\n[colours]\nnext = "f8"', "line 2: unknown setting 'colours'"),
        ('theme = "nord"\nkeys = "f8"', "line 2: keys should be a table of keys"),
        ("learn_since = 2026-01-01", "line 1: learn_since should be a time in quotes, not 2026-01-01"),
        ('theme = "nord"\nlearn_categories = "yes"', 'line 2: learn_categories should be true or false, not "yes"'),
    ):
        path.write_text(text)
        with pytest.raises(SettingsError, match=says):
            load_settings(path)
        assert path.read_text() == text


def test_a_byte_order_mark_is_not_a_mistake(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b'\xef\xbb\xbfcoach_name = "Ana Ruiz"\nbackups_to_keep = 30\n')
    assert load_settings(path) == Settings(coach_name="Ana Ruiz", backups_to_keep=30)


def test_an_old_settings_json_is_moved_to_toml_once_and_kept(isolated_home: Path) -> None:
    folder = isolated_home / "config"
    folder.mkdir(parents=True)
    old = folder / "settings.json"
    text = json.dumps({"coach_name": "Ana Ruiz", "name_asked": True, "backups_to_keep": 30}, indent=2)
    old.write_text(text)
    settings = load_settings()
    assert settings == Settings(coach_name="Ana Ruiz", name_asked=True, backups_to_keep=30)
    assert sorted(p.name for p in folder.iterdir()) == ["settings.json.migrated", "settings.toml"]
    assert (folder / "settings.json.migrated").read_text() == text  # never lost
    assert load_settings() == settings  # read from the TOML from now on
    # A settings.json that turns up again later is not read over the TOML.
    old.write_text(json.dumps({"coach_name": "Someone Else"}))
    assert load_settings() == settings


def test_an_old_settings_json_with_a_mistake_is_reported_and_not_moved(isolated_home: Path) -> None:
    folder = isolated_home / "config"
    folder.mkdir(parents=True)
    old = folder / "settings.json"
    broken = '{"coach_name": "Ana Ruiz",\n "backups_to_keep": 30,}'
    old.write_text(broken)
    with pytest.raises(SettingsError, match=r"settings\.json, line 2"):
        load_settings()
    assert [p.name for p in folder.iterdir()] == ["settings.json"]
    assert old.read_text() == broken


def test_a_json_path_is_still_read_as_json(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"theme": "nord",\n "coach_name": 5}')
    with pytest.raises(SettingsError, match="line 2: coach_name should be a name"):
        load_settings(path)
    path.write_text('{"theme": "nord"}')
    assert load_settings(path) == Settings(theme="nord")


def test_what_reads_of_a_file_with_mistakes_is_used(tmp_path: Path) -> None:
    from coachtui.config import usable_settings

    path = tmp_path / "settings.toml"
    path.write_text(
        'coach_name = "Ana Ruiz"\ntheme = nord\nbackups_to_keep = -3\nprojector = true\n'
        '[keys]\n"app.history" = "f3,ctrl+o"\n"app.quit" = "ctrl q"\n'
    )
    with pytest.raises(SettingsError):
        load_settings(path)
    settings = usable_settings(path)
    assert (settings.coach_name, settings.theme, settings.backups_to_keep, settings.projector) == (
        "Ana Ruiz",
        Settings().theme,
        Settings().backups_to_keep,
        True,
    )
    assert settings.keys == {"app.history": "f3,ctrl+o"}
    assert usable_settings(tmp_path / "missing.toml") == Settings(name_asked=True)
