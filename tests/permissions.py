"""Read-only files and folders that stay read-only for root too.

The tests run as root in CI, and root ignores permission bits: the capability
CAP_DAC_OVERRIDE lets it write anywhere. Linux capabilities belong to each thread, so
:func:`permission_bits_apply` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
*calling thread's* effective set (they stay permitted, so they can be raised again) and
restores them afterwards. Inside it, ``chmod`` works for root exactly as for a coach's
account; for a normal user it changes nothing, since the bits already apply.

Everything that must feel the permission (opening the store, its connections, the
writes) has to run in the thread that entered the context: a test does that by simply
calling the store from the test function.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import stat
from collections.abc import Iterator
from pathlib import Path

_VERSION_3 = 0x20080522
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _capget() -> tuple[_Header, ctypes.Array[_Data]]:
    header, data = _Header(_VERSION_3, 0), (_Data * 2)()
    if _libc().capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    return header, data


def _capset(header: _Header, data: ctypes.Array[_Data]) -> None:
    if _libc().capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


@contextlib.contextmanager
def permission_bits_apply() -> Iterator[None]:
    """Within this block, this thread obeys file permission bits, even as root."""
    if os.geteuid() != 0:
        yield
        return
    header, data = _capget()
    saved = data[0].effective
    data[0].effective &= ~((1 << CAP_DAC_OVERRIDE) | (1 << CAP_DAC_READ_SEARCH))
    _capset(header, data)
    try:
        yield
    finally:
        header, data = _capget()
        data[0].effective = saved
        _capset(header, data)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) without write permission, restored afterwards."""
    before = stat.S_IMODE(path.stat().st_mode)
    os.chmod(path, before & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        os.chmod(path, before)


def can_write(path: Path) -> bool:
    """Whether this thread can really write ``path`` (a file: open it for appending; a
    folder: create a file in it). Tests assert it, so a fault that did not take hold
    cannot pass unnoticed."""
    try:
        if path.is_dir():
            probe = path / ".write-probe"
            probe.touch()
            probe.unlink()
        else:
            with path.open("ab"):
                pass
    except PermissionError:
        return False
    return True
