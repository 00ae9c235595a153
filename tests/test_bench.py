"""The benchmark suite still runs: `bench/run.py --quick` prints every figure.

Only that the table is complete is checked here, never the times themselves (they
depend on the machine; the bench prints them with their targets)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FIGURES = [
    "baseline: bare Textual app, first paint",
    "baseline: bare app + import sqlmodel, first paint",
    "coachtui: first paint (team step)",
    "coachtui: team list filled (1k sessions)",
    "first paint / bare app",
    "team list / (bare app + sqlmodel)",
    "step change: key to the next step rendered",
    "autosave: one field to committed (1k sessions)",
    "open history (f3) to its rows rendered",
    "open action tracker (f4) to its rows rendered",
    "history search: keystroke to rows rendered",
    "search: first page of 50",
    "action tracker: first page of 100 open",
    "coachtui search staff (whole process)",
    "ratio search / import sqlmodel",
    "resident at start (1k sessions)",
    "resident, history open at the end (1k)",
    "history growth 300 -> 1k sessions",
]

# Shown beside the figures they are compared with; they have no target of their own.
REFERENCE = {
    "baseline: bare Textual app, first paint",
    "baseline: bare app + import sqlmodel, first paint",
    "coachtui: first paint (team step)",
    "coachtui: team list filled (1k sessions)",
    "coachtui search staff (whole process)",
    "resident at start (1k sessions)",
}


@pytest.mark.slow
def test_quick_bench_prints_every_figure(tmp_path: Path) -> None:
    env = {**os.environ, "COACHTUI_BENCH_DIR": str(tmp_path / "bench"), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick"],
        capture_output=True, text=True, timeout=600, env=env, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("area"))
    assert header.split() == ["area", "figure", "median", "p95", "target", "result"]
    for figure in FIGURES:
        row = next((line for line in lines if figure in line), None)
        assert row is not None, f"{figure!r} missing from:\n{result.stdout}"
        if figure not in REFERENCE:
            assert row.rstrip().endswith(("PASS", "FAIL")), row
    # Nothing was written outside the bench folder and the test's own folder.
    assert not (ROOT / "bench" / "coachtui.db").exists()
