"""Palette → Screenshot: an SVG of the screen, readable by the coach only.

Textual's own command writes to ~/Downloads with the default permissions (readable by
everyone on the machine) and fails with no reason when that folder does not exist.
A screenshot shows coaching notes, so here it is written owner-only (0600), to the
Downloads folder if there is one, else to ``screenshots/`` in coachtui's data folder
(made owner-only), and the coach is told the file's full path -- or, if it cannot be
written, why. In a web browser (``coachtui serve``) the browser receives it, as before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from coachtui import paths
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp

SCREENSHOT_FOLDER = "screenshots"


def screenshot_folder() -> Path:
    """The Downloads folder if it exists, else the data folder's ``screenshots/`` (made
    owner-only if missing). Raises OSError when that folder cannot be made."""
    import platformdirs

    downloads = platformdirs.user_downloads_path()
    if downloads.is_dir():
        return downloads
    folder = paths.data_dir() / SCREENSHOT_FOLDER
    paths.ensure_private_dir(folder)
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "there is a file of that name, not a folder", str(folder))
    return folder


def write_private(folder: Path, stem: str, text: str) -> Path:
    """Write ``text`` to a new file ``stem.svg`` (or ``stem-2.svg``…) in ``folder``,
    readable by its owner only; never replaces a file, never leaves half of one."""
    for number in range(1, 1000):
        path = folder / (f"{stem}.svg" if number == 1 else f"{stem}-{number}.svg")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        try:
            os.fchmod(fd, 0o600)  # whatever the umask says
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return path
    raise FileExistsError(f"too many screenshots named {stem} already")


class Screenshots:
    """Palette → Screenshot, for the app."""

    def __init__(self, app: CoachApp) -> None:
        self.app = app

    def take(self) -> None:
        app = self.app
        if app.is_web:
            app.deliver_screenshot()  # the browser gets it (textual-serve's download)
            return
        svg = app.export_screenshot()
        stem = f"coachtui {dt.datetime.now():%Y-%m-%d %H.%M.%S}"
        self._write_screenshot(svg, stem)

    @in_thread(group="screenshot", doing="save the screenshot")
    def _write_screenshot(self, svg: str, stem: str) -> None:
        app = self.app
        folder: Path | None = None
        try:
            folder = screenshot_folder()
            path = write_private(folder, stem, svg)
        except OSError as exc:
            where = f" in {exc.filename}" if exc.filename else (f" in {folder}" if folder else "")
            app.notify(  # a posted message: safe from this thread
                f"Could not save the screenshot{where}: {exc.strerror or exc}.",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return
        app.notify(
            f"Screenshot saved (only you can read it): {path}", title="Screenshot", markup=False
        )
