"""Writing export files safely: all or nothing, readable by the owner only, and
never over the database, its backups or a file coachtui did not write.

Standard library only, so the UI can use it without loading the database layer.
:func:`check_output` is the one check of where an export may go, used by the
``export`` command, the export dialog (with the summary's "save as file" and the
themes report) and :meth:`Store.export_file` itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from coachtui.store.errors import ExportFailed
from coachtui.store.types import FORMATS

# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark; other
# spreadsheets and Python's csv module (encoding="utf-8-sig") skip it.
CSV_ENCODING = "utf-8-sig"
BOM = "\ufeff".encode()


# What an export of each kind is called in messages ("an earlier coachtui ... export").
KIND_NAMES = {**{f.key: f.name for f in FORMATS}, "zip": "CSV zip"}
SQLITE_HEADER = b"SQLite format 3\x00"
_JSON_EXPORT = re.compile(rb'\s*\{\s*"format"\s*:\s*"coachtui-export"')
# A Markdown report's heading and the line of counts under it: a hand-written file
# that merely starts "# Coaching report" is not taken for one.
_MD_EXPORT = re.compile(
    rb"# Coaching report\r?\n\r?\nExported \d{4}-\d\d-\d\d[^\n]* \xc2\xb7 [\d,]+ teams? \xc2\xb7 "
    rb"[\d,]+ sessions? \xc2\xb7 [\d,]+ agreed actions?\r?\n"
)
# How an earlier export says it was redacted: the JSON header's flag, the report's
# note under its heading, the zip's comment. (A single CSV file has no room for a
# mark, so whether it was redacted is not known.)
_JSON_REDACTED = re.compile(rb'\n  "redacted"\s*:\s*true\s*,')
_MD_REDACTED = re.compile(rb"\n_Redacted: people's names are replaced by pseudonyms")
ZIP_REDACTED = b"coachtui export, redacted"


def export_kind(path: str | os.PathLike[str], fmt: str) -> str:
    """The kind of file an export in format ``fmt`` to ``path`` is: md, json, csv
    (one table) or zip (both tables)."""
    if fmt == "csv" and Path(path).suffix.lower() == ".zip":
        return "zip"
    return fmt


def _kind_of_file(path: Path) -> str | None:
    """What an existing file holds: "database" (SQLite), or the kind of an earlier
    coachtui export (md, json, csv, zip), or None (anything else)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    if head.startswith(SQLITE_HEADER):
        return "database"
    if head.startswith(b"PK\x03\x04"):
        with contextlib.suppress(OSError, zipfile.BadZipFile):
            with zipfile.ZipFile(path) as archive:
                if archive.namelist() == ["sessions.csv", "actions.csv"]:
                    return "zip"
        return None
    if _JSON_EXPORT.match(head):
        return "json"
    text = head.removeprefix(b"\xef\xbb\xbf")
    if _MD_EXPORT.match(text):
        return "md"
    from coachtui.store.exchange.report import ACTION_COLUMNS, SESSION_COLUMNS

    first_line = text.split(b"\r\n", 1)[0]
    if head.startswith(b"\xef\xbb\xbf") and first_line in (
        ",".join(SESSION_COLUMNS).encode(),
        ",".join(ACTION_COLUMNS).encode(),
    ):
        return "csv"
    return None


def _redacted_file(path: Path, kind: str | None) -> bool | None:
    """Whether the earlier export ``path`` of ``kind`` was redacted (None: cannot tell)."""
    try:
        if kind == "zip":
            with zipfile.ZipFile(path) as archive:
                return archive.comment == ZIP_REDACTED
        if kind in ("json", "md"):
            with open(path, "rb") as handle:
                head = handle.read(8192)
            return bool((_JSON_REDACTED if kind == "json" else _MD_REDACTED).search(head))
    except (OSError, zipfile.BadZipFile):
        return None
    return None


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same place once links and ``..`` are
    followed, or two names (hard links) of one existing file."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _databases(database: Path | None) -> list[tuple[Path, str]]:
    """The databases an export must never land on, with what to call each: the one
    exported from, and the coach's own default database."""
    from coachtui.paths import data_dir, default_database

    found = []
    if database is not None:
        found.append((Path(database).absolute(), "the database itself"))
    for value in (default_database(), str(data_dir() / "coachtui.db")):
        if "://" not in value:
            path = Path(value).expanduser().absolute()
            if not any(_same_file(path, known) for known, _ in found):
                found.append((path, "the default database"))
    return found


def check_output(
    path: str | os.PathLike[str],
    fmt: str,
    *,
    database: Path | None = None,
    force: bool = False,
    force_hint: str = "",
    redacted: bool | None = None,
) -> Path:
    """Where an export in format ``fmt`` may be written, or :class:`ExportFailed`
    (one line, nothing written) saying why not.

    Never: onto the database exported from (``database``) or the default database,
    under any name (a link, a relative path); onto a database's ``-wal``, ``-shm`` or
    ``-journal`` file; into a ``coachtui-backups`` folder; onto any SQLite database
    (a backup kept elsewhere). An existing file is replaced only when it is an earlier
    coachtui export of the same kind (a Markdown report by a Markdown report...),
    or with ``force``; ``force_hint`` says how to ask for that (e.g. "add --force").
    A redacted export and a full one (``redacted``, None when the caller does not
    say) are different kinds: neither replaces the other without ``force`` (a full
    copy lost under pseudonyms, or real names where a shared file was).
    """
    from coachtui.store.db.database import BACKUP_FOLDER, SIDE_FILES

    text = os.fspath(path).strip()
    if not text:
        raise ExportFailed("give a file name")
    target = Path(text).expanduser()
    if target.is_symlink():
        # Written where the link points, as a shell's > writes: the link stays a
        # link (replacing it with a file broke it), and every check below is of
        # the file it names.
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise ExportFailed(f"cannot write {target}: it is a folder; add a file name")
    if not target.parent.is_dir():
        raise ExportFailed(f"cannot write {target}: the folder {target.parent} does not exist")
    for db, called in _databases(database):
        if _same_file(target, db):
            raise ExportFailed(f"{target} is {called}; choose another file name")
        for suffix in SIDE_FILES:
            if _same_file(target, db.with_name(db.name + suffix)):
                owner = "the database's own" if called == "the database itself" else "the default database's"
                raise ExportFailed(f"{target} is {owner} {suffix} file; choose another file name")
        if target.resolve().parent == (db.parent / BACKUP_FOLDER).resolve():
            raise ExportFailed(f"{target} is in the backups folder; choose another folder")
    if target.resolve().parent.name == BACKUP_FOLDER:
        raise ExportFailed(f"{target} is in a backups folder; choose another folder")
    for suffix in SIDE_FILES:
        # another database's log or journal, present or not: SQLite would read it as one
        base = target.name.removesuffix(suffix)
        if base != target.name and (target.parent / base).is_file():
            raise ExportFailed(f"{target} belongs to the database {target.parent / base}; choose another file name")
    if not (target.exists() or target.is_symlink()):
        return target
    if target.exists() and not target.is_file():
        # a device or a named pipe: never replaced, and never read (a pipe would hang)
        raise ExportFailed(f"cannot write {target}: it is not a regular file")
    found = _kind_of_file(target)
    if found == "database":
        raise ExportFailed(f"{target} is a database; choose another file name")
    expected = export_kind(target, fmt)
    if found != expected and not force:
        how = f"choose another file name, or {force_hint}" if force_hint else "choose another file name"
        raise ExportFailed(
            f"{target} already exists and is not an earlier coachtui {KIND_NAMES[expected]} export; {how}"
        )
    if redacted is not None and not force:
        was = _redacted_file(target, found)
        if was is not None and was != redacted:
            how = f"choose another file name, or {force_hint}" if force_hint else "choose another file name"
            there, this = ("redacted", "full") if was else ("full", "redacted")
            raise ExportFailed(f"{target} is a {there} coachtui export and this one is {this}; {how}")
    return target


def write_export(path: str | os.PathLike[str], content: str | bytes) -> Path:
    """Write ``content`` (text is written as UTF-8) to ``path`` atomically, mode 0600.

    The bytes go to a new temporary file in the same folder, are flushed to disk and
    only then renamed over ``path``: a reader, a crash or a full disk never sees a
    half-written export, and an existing file is replaced only by a complete one.
    Raises :class:`ExportFailed` (one line) when the file cannot be written.
    """
    return write_export_stream(path, [content])[0]


def write_export_stream(path: str | os.PathLike[str], chunks: Iterable[str | bytes]) -> tuple[Path, int]:
    """:func:`write_export` for content made while it is written: each chunk (text as
    UTF-8) goes to the temporary file as it comes, so an export never has to be
    held in memory whole. Returns the path and the number of bytes written. If making
    a chunk fails (the database, a full disk), the temporary file is removed and the
    target left as it was."""

    def fill(handle: BinaryIO) -> None:
        for chunk in chunks:
            handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)

    return write_export_with(path, fill)


def write_export_with(path: str | os.PathLike[str], fill: Callable[[BinaryIO], object]) -> tuple[Path, int]:
    """:func:`write_export_stream` for content written by ``fill(handle)`` into the
    temporary file (a zip written member by member). Returns the path and the size."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise ExportFailed(f"cannot write {target}: it is a folder")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        # mkstemp creates the file 0600 whatever the umask is.
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise ExportFailed(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            size = handle.tell()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise ExportFailed(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    _sync_folder(folder)
    return target, size


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def csv_bytes(text: str) -> bytes:
    """A CSV table as file bytes: UTF-8 with a byte order mark, for spreadsheets."""
    return text.encode(CSV_ENCODING)


def csv_zip_bytes(tables: Mapping[str, str], when: dt.datetime | None = None, *, redacted: bool = False) -> bytes:
    """Several CSV tables in one zip (``sessions.csv``, ``actions.csv``); a redacted
    one says so in the zip's comment.

    The zip is reproducible: members in the given order, each stamped with ``when``
    (the export time) and marked owner-only.
    """
    buffer = io.BytesIO()
    write_csv_zip(buffer, {name: [text] for name, text in tables.items()}, when, redacted=redacted)
    return buffer.getvalue()


def write_csv_zip(
    handle: BinaryIO,
    tables: Mapping[str, Iterable[str | bytes]],
    when: dt.datetime | None = None,
    *,
    redacted: bool = False,
) -> None:
    """:func:`csv_zip_bytes` into ``handle``, each table given in pieces and written
    to its member as they come (a table is never held whole)."""
    stamp = (when or dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).astimezone(dt.UTC)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, pieces in tables.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100600 & 0xFFFF) << 16
            with archive.open(info, "w") as member:
                member.write(BOM)
                for piece in pieces:
                    member.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
        if redacted:
            archive.comment = ZIP_REDACTED
