"""The benchmark suite still runs: `bench/run.py --quick` prints every figure.

Only that the table is complete is checked here, never the times themselves (they
depend on the machine; the bench prints them with their targets). The store figures
run on PostgreSQL too, on the test server, in schemas the bench drops at the end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The simulated coaches who file one kind of dilemma elsewhere than the corpus does
# (bench/data/coaches.toml), and their figures with no target and with one.
DIFFERING = ("files people leaving under relational", "files data and run charts under learning")
LEARNING_REFERENCE = (
    "agreement after 0 sessions",
    "agreement after 5 sessions",
    "agreement after 10 sessions",
    "dev top-1 on other kinds (",
    "dev top-1 on all 110, its own kind too: without memory",
    "dev top-1 on all 110, its own kind too: lowest with memory",
)
LEARNING_TARGETS = ("agreement after 20 sessions", "dev top-1 on other kinds: worst change")


def _coach_figures(figures: tuple[str, ...]) -> list[str]:
    return [f"coach who {who}: {figure}" for who in DIFFERING for figure in figures]


FIGURES = [
    "baseline: bare Textual app, first frame",
    "baseline: bare Textual app, its label shown",
    "baseline: bare Textual app, ctrl+q to exit",
    "coachtui: first frame",
    "coachtui: first team name shown (1k sessions)",
    "coachtui: ctrl+q to exit, settled",
    "coachtui: ctrl+q to exit, as the list shows",
    "first frame / bare app's",
    "first team name / bare app's label",
    "quit, settled / bare app's quit",
    "quit as the list shows / bare app's quit",
    "export --format json, whole history (1k",
    "its peak memory (json, 1k)",
    "peak memory growth (json) 300 -> 1k",
    "export --format csv, both tables, zip (1k",
    "its peak memory (csv, 1k)",
    "peak memory growth (csv) 300 -> 1k",
    "export --format md, the report (1k",
    "its peak memory (md, 1k)",
    "peak memory growth (md) 300 -> 1k",
    "step change: key to the next step rendered",
    "autosave: one field to synced on disk (1k sessions)",
    "reference: the same save, not synced (1k sessions)",
    "open history (f3) to its rows rendered",
    "open history (f3) the first time after start",
    "open action tracker (f4) to its rows rendered",
    "history search: keystroke to rows rendered",
    "history search: keystroke to the letter shown",
    "search: first page of 50",
    "search with a team/category/coach filter",
    "count matches (text, text + category)",
    "action tracker: first page of 100 open",
    "theme counts, 12 months, all teams",
    "dominant categories, every team",
    "list teams (the team step)",
    "coachtui search staff (whole process)",
    "ratio search / import sqlmodel",
    "resident at start (1k sessions)",
    "resident, history open at the end (1k)",
    "history growth 300 -> 1k sessions",
    "corpus (1,501), 2 folds on a fifth (quick): top-1",
    "dev set (120, never trained on): top-2",
    "load the model (in a worker, after the store opens)",
    "suggest for a 1,000-word dilemma, with reasons",
    *_coach_figures(LEARNING_REFERENCE + LEARNING_TARGETS),
    "coach who files people leaving as the corpus does: dev top-1, worst change",
    "coach who files data and run charts as the corpus does: dev top-1, worst change",
    "suggest for a 1,000-word dilemma, 200 coach sessions learned",
]

# Shown beside the figures they are compared with; they have no target of their own.
REFERENCE = {
    "baseline: bare Textual app, first frame",
    "baseline: bare Textual app, its label shown",
    "baseline: bare Textual app, ctrl+q to exit",
    "coachtui: first frame",
    "coachtui: first team name shown (1k sessions)",
    "coachtui: ctrl+q to exit, settled",
    "coachtui: ctrl+q to exit, as the list shows",
    "coachtui search staff (whole process)",
    "reference: the same save, not synced (1k sessions)",
    "resident at start (1k sessions)",
    *_coach_figures(LEARNING_REFERENCE),
}


# Measured on SQLite and, on the line below, on PostgreSQL, at each size.
STORE_FIGURES = [
    "search: first page of 50",
    "count matches (text, text + category)",
    "action tracker: first page of 100 open",
    "list teams (the team step)",
]


def _bench_schemas(pg) -> set[str]:  # type: ignore[no-untyped-def]
    with pg.connect() as conn:
        return {name for (name,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench%'")}


@pytest.mark.slow
@pytest.mark.postgres
def test_quick_bench_prints_every_figure(tmp_path: Path, pg) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "COACHTUI_BENCH_DIR": str(tmp_path / "bench"), "HOME": str(tmp_path)}
    env.pop("COACHTUI_BENCH_PG_URL", None)
    before = _bench_schemas(pg)
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--pg-url", pg.server],
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
    for figure in STORE_FIGURES:
        for size in ("300", "1k"):
            for area in ("store", "pg"):
                assert any(line.startswith(f"{area} {size} ") and figure in line for line in lines), (area, size, figure)
    assert "SKIPPED" not in result.stdout
    assert _bench_schemas(pg) <= before  # its PostgreSQL schemas are gone again
    # Nothing was written outside the bench folder and the test's own folder.
    assert not (ROOT / "bench" / "coachtui.db").exists()
