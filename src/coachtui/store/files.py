"""Writing export files safely: all or nothing, readable by the owner only.

Standard library only, so the UI can use it without loading the database layer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from coachtui.store.errors import ExportFailed

# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark; other
# spreadsheets and Python's csv module (encoding="utf-8-sig") skip it.
CSV_ENCODING = "utf-8-sig"


def write_export(path: str | os.PathLike[str], content: str | bytes) -> Path:
    """Write ``content`` (text is written as UTF-8) to ``path`` atomically, mode 0600.

    The bytes go to a new temporary file in the same folder, are flushed to disk and
    only then renamed over ``path``: a reader, a crash or a full disk never sees a
    half-written export, and an existing file is replaced only by a complete one.
    Raises :class:`ExportFailed` (one line) when the file cannot be written.
    """
    target = Path(path).expanduser()
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
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
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise ExportFailed(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    _sync_folder(folder)
    return target


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


def csv_zip_bytes(tables: Mapping[str, str], when: dt.datetime | None = None) -> bytes:
    """Several CSV tables in one zip (``sessions.csv``, ``actions.csv``).

    The zip is reproducible: members in the given order, each stamped with ``when``
    (the export time) and marked owner-only.
    """
    stamp = (when or dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).astimezone(dt.UTC)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100600 & 0xFFFF) << 16
            archive.writestr(info, csv_bytes(text))
    return buffer.getvalue()
