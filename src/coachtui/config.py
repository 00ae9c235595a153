"""The coach's own settings (name, theme, hub, backups), kept in a small TOML file.

Read (``tomllib``) and written (``tomli-w``) only when asked. A missing file gives the
defaults. A file that cannot be used as it is (a typo, a mistyped name, a value of the
wrong kind) raises :class:`SettingsError`, one line naming the file and the line: the
callers then run on the defaults and leave the file alone, so one typo never costs the
coach their settings (or, through ``backups_to_keep``, their backups). Writes go
through a temporary file so a crash never leaves half a file.

Older coachtui kept the settings as ``settings.json``: where there is no
``settings.toml`` yet but that file is there (and readable), it is copied into
``settings.toml`` once and renamed ``settings.json.migrated`` (never deleted). A path
ending in ``.json`` is read as JSON.

:func:`load_settings` is the only place that reads the file's formats.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from coachtui import paths

DEFAULT_THEME = "textual-dark"
MIGRATED_SUFFIX = ".migrated"


@dataclass(frozen=True, slots=True)
class Settings:
    coach_name: str = ""
    name_asked: bool = False
    theme: str = DEFAULT_THEME
    cursor_blink: bool = True
    backups_to_keep: int = 14
    hub: str = ""  # the network hub's address for syncing from the app
    # The category suggestion learns from completed sessions (on this machine only);
    # `coachtui suggest-forget` sets learn_since so it forgets what came before.
    learn_categories: bool = True
    learn_since: str = ""  # ISO time; sessions completed before it are not learned from
    # Projector mode: the high-contrast theme, a steady cursor and bold text, whatever
    # `theme` and `cursor_blink` say (they come back when it is turned off).
    projector: bool = False
    # The coach's own keys: a binding's id (as f1's help and the README list them) and
    # the keys for it, e.g. {"app.history": "f3,ctrl+o"} (Textual's keymap).
    keys: dict[str, str] = field(default_factory=dict)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


class SettingsError(Exception):
    """The settings file exists but cannot be used; the message is one line that
    names the file (and the line, where there is one)."""


# What each setting must be, said the way the error message says it.
_KINDS: dict[str, str] = {
    "coach_name": "a name in quotes",
    "name_asked": "true or false",
    "theme": "a theme name in quotes",
    "cursor_blink": "true or false",
    "backups_to_keep": "a whole number, 0 or more",
    "hub": "an address in quotes",
    "learn_categories": "true or false",
    "learn_since": "a time in quotes",
    "projector": "true or false",
    "keys": 'a table of keys, one line each, such as "app.history" = "f3,ctrl+o"',
}

# One key as Textual names it: "f3", "ctrl+o", "alt+right", "question_mark", "a".
_KEY_NAME = re.compile(r"(?:(?:ctrl|alt|shift|super|meta|hyper)\+)*(?:[a-z0-9_]+|[^\s,+])")

_FILE_HEADER = (
    "# coachtui settings. Change them in the app, or here ('coachtui config edit' opens this\n"
    "# file in your editor and checks it afterwards); a mistake is reported with its line.\n\n"
)


def _valid(name: str, value: object) -> bool:
    from coachtui.store.basics import COACH_NAME_MAX

    default = getattr(Settings(), name)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if name == "keys":
        return isinstance(value, dict)
    if name == "coach_name":
        return isinstance(value, str) and len(" ".join(value.split())) <= COACH_NAME_MAX
    return isinstance(value, str)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text("utf-8-sig")  # an editor's byte order mark is fine
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except IsADirectoryError:
        raise SettingsError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _parse_toml(path: Path, text: str) -> tuple[dict[str, object], dict[str, int]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if found:
            message = message[: found.start()]
            raise SettingsError(f"{path}, line {found[1]}: {message} (column {found[2]})") from None
        message = re.sub(r"\s*\(at end of document\)$", "", message)
        raise SettingsError(f"{path}, line {text.count(chr(10)) + 1}: {message} (at the end of the file)") from None
    lines = {}
    for name in data:
        pattern = r"^[ \t]*(?:\[[ \t]*)?(?:" + "|".join(
            re.escape(form) for form in (name, json.dumps(name), f"'{name}'")
        ) + r")[ \t]*[=\]]"
        found = re.search(pattern, text, re.MULTILINE)
        lines[name] = text.count("\n", 0, found.start()) + 1 if found else 1
    keys = data.get("keys")
    if isinstance(keys, dict):
        start = text.find("[keys]")
        for binding in keys:
            found = re.compile(
                r"^[ \t]*(?:keys[ \t]*\.[ \t]*)?(?:" + "|".join(
                    re.escape(form) for form in (binding, json.dumps(binding), f"'{binding}'")
                ) + r")[ \t]*=", re.MULTILINE
            ).search(text, max(start, 0))
            if found:
                lines[f"keys.{binding}"] = text.count("\n", 0, found.start()) + 1
    return data, lines


def _parse_json(path: Path, text: str) -> tuple[dict[str, object], dict[str, int]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path}, line {exc.lineno}: {exc.msg} (column {exc.colno})") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}, line 1: expected settings between {{ and }}")
    lines = {}
    for name in data:
        found = re.search(re.escape(json.dumps(name)) + r"\s*:", text)
        lines[name] = text.count("\n", 0, found.start()) + 1 if found else 1
    return data, lines


def _checked(path: Path, data: dict[str, Any], lines: dict[str, int]) -> Settings:
    found = _problems(data, lines)
    if found:
        line, problem = found[0]
        raise SettingsError(f"{path}, line {line}: {problem}")
    return Settings(**data)


def _problems(data: dict[str, Any], lines: dict[str, int]) -> list[tuple[int, str]]:
    """Every setting that is unknown or of the wrong kind, with its line."""
    known = {f.name for f in fields(Settings)}
    found: list[tuple[int, str]] = []
    for name, value in data.items():
        line = lines.get(name, 1)
        if name not in known:
            found.append((line, f"unknown setting {name!r} (known: {', '.join(_KINDS)})"))
        elif not _valid(name, value):
            shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else _toml_value(value)
            found.append((line, f"{name} should be {_KINDS[name]}, not {shown[:40]}"))
    if isinstance(data.get("keys"), dict):
        found += _key_problems(data["keys"], lines)
    return found


def _key_problems(keys: dict[str, object], lines: dict[str, int]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for binding, value in keys.items():
        line = lines.get(f"keys.{binding}", lines.get("keys", 1))
        if not isinstance(value, str):
            found.append((line, f'the keys for "{binding}" go in quotes, such as "f3,ctrl+o"'))
            continue
        names = [part.strip() for part in value.split(",")]
        wrong = next((part for part in names if not _KEY_NAME.fullmatch(part)), None)
        if wrong is not None:
            found.append((
                line,
                f'"{binding}" = {json.dumps(value)}: {json.dumps(wrong)} is not a key '
                '(keys are written like "f3", "ctrl+o" or "alt+right", separated by commas)',
            ))
    return found


def settings_mistakes(path: Path) -> list[tuple[int, str]]:
    """Every mistake in the settings file ``path``, each with its line (0: the whole
    file), in the order of the lines; none for a usable file or no file. A line that
    does not read as TOML is reported and left out, so the lines after it are checked
    too. Never writes."""
    try:
        text = _read_text(path)
    except SettingsError as exc:
        return [(0, str(exc).removeprefix(f"{path}: "))]
    if text is None:
        return []
    if path.suffix.lower() == ".json":
        try:
            read_settings_file(path)
        except SettingsError as exc:
            found = re.match(re.escape(str(path)) + r", line (\d+): (.*)$", str(exc))
            return [(int(found[1]), found[2])] if found else [(0, str(exc))]
        return []
    rows = text.splitlines()
    found: list[tuple[int, str]] = []
    for _ in range(len(rows) + 1):  # leave out each line a mistake is found on, in turn
        try:
            data, lines = _parse_toml(path, "\n".join(rows))
            break
        except SettingsError as exc:
            where = re.match(re.escape(str(path)) + r", line (\d+): (.*)$", str(exc))
            if where is None:
                return sorted(found + [(0, str(exc))])
            line = int(where[1])
            found.append((line, where[2]))
            if line > len(rows) or not rows[line - 1]:
                return sorted(found)  # at the end of the file, or a blank line: nothing more to leave out
            rows[line - 1] = ""
    else:
        return sorted(found)
    return sorted(found + _problems(data, lines))


def unknown_keys(settings: Settings, known: Collection[str], path: Path | None = None) -> list[str]:
    """One line for each key in ``settings.keys`` that names no binding in ``known``
    (with the nearest binding, where one is close): such a key does nothing."""
    import difflib

    problems = []
    for binding in settings.keys:
        if binding in known:
            continue
        close = difflib.get_close_matches(binding, known, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        where = f"{path}: " if path is not None else ""
        problems.append(f'{where}[keys] "{binding}" is not one of coachtui\'s keys{hint}; it does nothing')
    return problems


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, default=str, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def read_settings_file(path: Path) -> Settings | None:
    """The settings in ``path`` (TOML; JSON where the name ends in ``.json``), or None
    if there is no such file. Raises :class:`SettingsError` if it is not usable.
    Never writes anything."""
    text = _read_text(path)
    if text is None:
        return None
    parse = _parse_json if path.suffix.lower() == ".json" else _parse_toml
    return _checked(path, *parse(path, text))


def usable_settings(path: Path) -> Settings:
    """What can still be used of a settings file with a mistake: every setting on a
    line that reads and of the right kind (the coach's name above all: without it the
    app would offer every coach's drafts as theirs); the defaults for the rest. For a
    run that reports the mistake; never raises, never writes."""
    try:
        text = _read_text(path)
    except SettingsError:
        text = None
    if text is None or path.suffix.lower() == ".json":
        return Settings(name_asked=True)
    lines = text.splitlines()
    data: dict[str, object] = {}
    for _ in range(len(lines) + 1):  # leave out each line a mistake is found on, in turn
        try:
            data = tomllib.loads("\n".join(lines))
            break
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
            if not found:
                break
            lines[int(found[1]) - 1] = ""
    kept: dict[str, Any] = {}
    for name, value in data.items():
        if name in _KINDS and _valid(name, value):
            kept[name] = value
    keys = kept.get("keys")
    if isinstance(keys, dict):
        kept["keys"] = {
            binding: value
            for binding, value in keys.items()
            if isinstance(value, str) and all(_KEY_NAME.fullmatch(part.strip()) for part in value.split(","))
        }
    kept.setdefault("name_asked", True)  # asked again, the answer could not be kept
    return Settings(**kept)


def legacy_settings_file(path: Path | None = None) -> Path:
    """Where an older coachtui kept the settings that belong in ``path``."""
    return (path or paths.settings_file()).with_suffix(".json")


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default: the settings file); the defaults if there is
    no file. Raises :class:`SettingsError` if the file is there but not usable.

    A missing ``settings.toml`` beside an older ``settings.json`` is migrated once (see
    the module's docstring); a JSON file that cannot be used is reported and left as
    it is, and nothing is written."""
    path = path or paths.settings_file()
    settings = read_settings_file(path)
    if settings is not None:
        return settings
    if path.suffix.lower() != ".toml":
        return Settings()
    legacy = legacy_settings_file(path)
    settings = read_settings_file(legacy)
    if settings is None:
        return Settings()
    with contextlib.suppress(OSError):  # a read-only folder: read it again next time
        save_settings(settings, path)
        legacy.rename(legacy.with_name(legacy.name + MIGRATED_SUFFIX))
    return settings


def write_private_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only."""
    paths.ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def settings_text(settings: Settings) -> str:
    """The settings file's text for ``settings`` (TOML, with a short header)."""
    import tomli_w

    data = asdict(settings)
    if not data["keys"]:
        del data["keys"]  # no empty [keys] table: the README says how to add one
    return _FILE_HEADER + tomli_w.dumps(data)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    settings = _hub_password_moved_out(settings)
    write_private_text(path or paths.settings_file(), settings_text(settings))


def _hub_password_moved_out(settings: Settings) -> Settings:
    """The hub's password never goes into the file: an address with one (typed by
    hand, or kept by an older coachtui) is saved without it, and the password goes to
    the platform keyring where there is one (see ``hubpass``)."""
    if not settings.hub:
        return settings
    from coachtui.hubpass import remember, split_hub

    address = split_hub(settings.hub)
    if address.password is None:
        return settings
    remember(address.url, address.password)
    return replace(settings, hub=address.url)
