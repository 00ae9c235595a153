"""The coach's own text editor, as git, jrnl and posting find it."""

from __future__ import annotations

import os
import shlex


def editor_command() -> list[str] | None:
    """$VISUAL, else $EDITOR, split as a shell would (``code --wait`` works); a value
    a shell could not split is tried as one program name. None when neither is set."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value) or None
            except ValueError:
                return [value]
    return None
