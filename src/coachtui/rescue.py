"""Rescue copies: the private Markdown files a session is written to when the database
refuses its saves (another window saved first, the session is gone, the disk is full
at quitting).

They are plain text holding everything the session said, so they must not outlive a
session the coach deletes for good. Each is named
``coachtui-unsaved-<yyyymmdd-hhmmss>-<first 8 characters of the session id>.md`` and
goes to ``<data folder>/unsaved/`` (or the home folder when that cannot be written).
Since this module exists its first line also records the whole session id, in a
Markdown comment; a file written before (no such line) belongs to a session when its
name ends in that session's first 8 characters.

Standard library only; nothing is read or written when imported.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from pathlib import Path

FOLDER_NAME = "unsaved"
# (theirs-: another window's version, kept when keep mine wrote over its words)
_NAME = re.compile(r"coachtui-unsaved-\d{8}-\d{6}-(?:theirs-)?([0-9A-Za-z-]{1,8})\.md")
_MARK = re.compile(r"<!-- coachtui session ([0-9A-Za-z-]+) -->")


def folder() -> Path:
    from coachtui import paths

    return paths.data_dir() / FOLDER_NAME


def file_name(session_id: str, stamp: str, *, theirs: bool = False) -> str:
    return f"coachtui-unsaved-{stamp}-{'theirs-' if theirs else ''}{session_id[:8]}.md"


def contents(session_id: str, markdown: str) -> str:
    """The text of a rescue file: the session's id on a first line, then its Markdown."""
    return f"<!-- coachtui session {session_id} -->\n{markdown}"


def files() -> list[Path]:
    """Every rescue file there is, in the rescue folder and the home folder."""
    found: list[Path] = []
    for place in (folder(), Path.home()):
        with contextlib.suppress(OSError):
            found += sorted(p for p in place.iterdir() if _NAME.fullmatch(p.name) and p.is_file())
    return found


def session_of(path: Path) -> str | None:
    """The session a rescue file holds: the id on its first line, else (a file of an
    older coachtui) the first 8 characters its name ends in; None when unreadable."""
    name = _NAME.fullmatch(path.name)
    if name is None:
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            first = handle.readline()
    except OSError:
        return None
    mark = _MARK.fullmatch(first.strip())
    return mark.group(1) if mark else name.group(1)


def files_of(session_ids: Iterable[str]) -> list[Path]:
    """The rescue files holding any of these sessions' text."""
    ids = set(session_ids)
    prefixes = {i[:8] for i in ids}
    wanted = []
    for path in files():
        held = session_of(path)
        if held is not None and (held in ids or (len(held) <= 8 and held in prefixes)):
            wanted.append(path)
    return wanted


def remove_for(session_ids: Iterable[str]) -> list[Path]:
    """Delete the rescue files of these sessions (deleted for good); returns those
    it removed (a file it cannot remove stays, and the rest still go)."""
    removed = []
    for path in files_of(session_ids):
        with contextlib.suppress(FileNotFoundError):
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path)
    return removed
