"""The pure layers pass a strict type check (mypy, configured in pyproject.toml).

Each package listed here is held to ``strict = true``: a new ``Any`` leaking out, an
unchecked ``None`` or a wrong return type fails the suite, as a failing test would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRICT_PACKAGES = ["src/coachtui/catalog", "src/coachtui/session", "src/coachtui/store"]


def test_the_strict_packages_type_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--no-error-summary", *STRICT_PACKAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
