"""The tree passes ruff with the rules chosen in pyproject.toml ([tool.ruff.lint]).

A finding fails the suite the way a failing test would, so an unsorted import, an
unused name or a swallowed exception is fixed when it is written, not found later.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "src", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
