"""Write a long text in the coach's own editor ($VISUAL or $EDITOR), as git, jrnl
and posting do.

The text goes to a private temporary file (0600, removed afterwards), the app hands
the terminal to the editor and waits, then takes the file's text back as saved. Nothing
changes unless the editor ends well and the text differs; the change is one undoable
edit, and the field saves it like anything typed.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from textual.app import App, SuspendNotSupported
from textual.notifications import SeverityLevel

from coachtui.editor import editor_command


@dataclass(frozen=True)
class Edited:
    text: str | None  # the new text, or None to leave the field as it is
    message: str  # one line for the coach
    severity: SeverityLevel = "information"


def edit_in_editor(app: App[object], text: str) -> Edited:
    command = editor_command()
    if command is None:
        return Edited(None, "No editor set: set $VISUAL or $EDITOR (e.g. export EDITOR=nano) to use ctrl+e.", "warning")
    fd, name = tempfile.mkstemp(prefix="coachtui-", suffix=".md")  # 0600: the text is confidential
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        failed: OSError | None = None
        try:
            with app.suspend():
                # Caught inside: Textual resumes the app only when the block ends well.
                try:
                    result = subprocess.run([*command, str(path)], check=False)
                except OSError as exc:
                    failed = exc
        except SuspendNotSupported:
            return Edited(None, "Your editor cannot open here (no terminal to hand it): the text is as it was.", "warning")
        if failed is not None:
            reason = failed.strerror or str(failed)
            return Edited(None, f"Could not start the editor {command[0]!r}: {reason}. Check $VISUAL / $EDITOR.", "error")
        if result.returncode != 0:
            return Edited(None, f"The editor ended with an error (code {result.returncode}): the text is as it was.", "warning")
        try:
            edited = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return Edited(None, "The editor left no file behind: the text is as it was.", "warning")
    finally:
        path.unlink(missing_ok=True)
    # Taken exactly as the editor saved it, newlines at the end too: they are the
    # coach's text as much as the rest.
    if edited == text:
        return Edited(None, "No change from the editor.")
    return Edited(edited, "Text taken from your editor (ctrl+z undoes it).")
