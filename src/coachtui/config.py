"""The coach's own settings (name, theme), kept in a small JSON file.

Read and written only when asked. A missing file gives the defaults. A file that
cannot be used as it is (a typo, a mistyped name, a value of the wrong kind) raises
:class:`SettingsError`, one line naming the file and the line: the callers then run on
the defaults and leave the file alone, so one typo never costs the coach their
settings (or, through ``backups_to_keep``, their backups). Writes go through a
temporary file so a crash never leaves half a file.

:func:`load_settings` is the only place that reads the file's format.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from coachtui import paths

DEFAULT_THEME = "textual-dark"


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

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


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
}


def _valid(name: str, value: object) -> bool:
    from coachtui.store.types import COACH_NAME_MAX

    default = getattr(Settings(), name)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if name == "coach_name":
        return isinstance(value, str) and len(" ".join(value.split())) <= COACH_NAME_MAX
    return isinstance(value, str)


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default: the settings file); the defaults if there is
    no file. Raises :class:`SettingsError` if the file is there but not usable."""
    path = path or paths.settings_file()
    try:
        text = path.read_text("utf-8-sig")  # an editor's byte order mark is fine
    except FileNotFoundError:
        return Settings()
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.strerror or exc})") from None

    def line_of(name: str) -> int:
        found = re.search(re.escape(json.dumps(name)) + r"\s*:", text)
        return text.count("\n", 0, found.start()) + 1 if found else 1

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path}, line {exc.lineno}: {exc.msg} (column {exc.colno})") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}, line 1: expected settings between {{ and }}")
    known = {f.name for f in fields(Settings)}
    for name, value in data.items():
        where = f"{path}, line {line_of(name)}"
        if name not in known:
            raise SettingsError(f"{where}: unknown setting {name!r} (known: {', '.join(_KINDS)})")
        if not _valid(name, value):
            raise SettingsError(f"{where}: {name} should be {_KINDS[name]}, not {json.dumps(value)[:40]}")
    return Settings(**data)


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


def save_settings(settings: Settings, path: Path | None = None) -> None:
    settings = _hub_password_moved_out(settings)
    write_private_text(path or paths.settings_file(), json.dumps(asdict(settings), indent=2) + "\n")


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
