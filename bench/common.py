"""What the benchmark scripts share: cached demo databases, timing, and the table.

Every figure is a list of samples with a median, a 95th percentile, a target and a
verdict. Figures, not tests: timing depends on the machine and on what else runs on
it, so the table also records the machine's load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
TODAY = dt.date(2026, 11, 20)
SEED = 7
SIZES = (1_000, 10_000, 100_000)


def bench_folder() -> Path:
    """Where the demo databases are cached between runs ($COACHTUI_BENCH_DIR or a
    private folder in the system's temporary folder)."""
    value = os.environ.get("COACHTUI_BENCH_DIR", "").strip()
    folder = Path(value) if value else Path(tempfile.gettempdir()) / "coachtui-bench"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sizes_up_to(largest: int) -> list[int]:
    """1k, 10k and 100k sessions, up to (and always including) ``largest``."""
    return sorted({s for s in SIZES if s <= largest} | {largest})


# --- demo databases ------------------------------------------------------------------------


def source_key() -> str:
    """Cache key: the generator, schema and migration code that shape the database."""
    store = SRC / "coachtui" / "store"
    digest = hashlib.sha256()
    # (The files moved into store/demo/, store/db/ and store/sync/: a key made of the
    # old names hashed nothing, and a changed generator or schema kept the old cache.)
    for name in ("demo/__init__.py", "demo/content.py", "db/search_index.py", "db/pg_search.py",
                 "sync/changes.py", "db/database.py", "db/models.py"):
        if (store / name).exists():
            digest.update((store / name).read_bytes())
    for migration in sorted((store / "db" / "migrations" / "versions").glob("*.py")):
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:12]


def teams_for(sessions: int) -> int:
    """200 teams at 100k sessions (as the history issue asks), fewer for small sizes."""
    return min(200, max(10, sessions // 500))


# A few long-coached teams hold about half the sessions, the many others share the
# rest (at 100k: three teams of ~17k sessions, 197 of ~250), so per-team figures
# (one team's history, themes, tracker) meet a large team as a coach's would.
LARGE_TEAMS = 3


@dataclass(frozen=True)
class Database:
    path: Path
    sessions: int
    teams: int
    seconds: float  # generation time, wall clock
    cpu: float | None
    load: float | None
    cached: bool

    @property
    def label(self) -> str:
        return f"{self.sessions:,}"

    @property
    def size(self) -> str:
        return f"{self.sessions // 1000}k" if self.sessions >= 1000 and self.sessions % 1000 == 0 else str(self.sessions)


def demo_database(sessions: int, *, rebuild: bool = False, folder: Path | None = None) -> Database:
    """A demo database of ``sessions`` sessions made by ``coachtui demo-data``'s
    generator, built once and reused while the store code that shapes it is unchanged."""
    from coachtui.store import open_store
    from coachtui.store.demo import generate_demo_data

    folder = folder or bench_folder()
    teams = teams_for(sessions)
    path = folder / f"demo-{sessions}-{teams}-L{LARGE_TEAMS}-{SEED}-{source_key()}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and not rebuild:
        data = json.loads(meta.read_text())
        return Database(path, sessions, teams, data["seconds"], data.get("cpu"), data.get("load"), True)
    for stale in folder.glob(f"demo-{sessions}-{teams}-*"):  # built by older code
        stale.unlink()
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    with open_store(str(path)) as store:
        generate_demo_data(store, sessions=sessions, teams=teams, seed=SEED, today=TODAY, large_teams=LARGE_TEAMS)
    seconds = time.perf_counter() - started  # including the final checkpoint on close
    cpu = time.process_time() - cpu  # both threads
    load = os.getloadavg()[0]
    meta.write_text(json.dumps({"seconds": seconds, "cpu": cpu, "load": load}))
    return Database(path, sessions, teams, seconds, cpu, load, False)


def scratch_copy(db: Database, folder: Path) -> Path:
    """A writable copy of a cached database (benchmarks that write never touch the cache)."""
    import shutil

    target = folder / f"scratch-{db.sessions}.db"
    for extra in ("", "-wal", "-shm"):
        Path(f"{target}{extra}").unlink(missing_ok=True)
    shutil.copyfile(db.path, target)
    os.chmod(target, 0o600)
    return target


# --- timing --------------------------------------------------------------------------------


def process_env(**extra: str) -> dict[str, str]:
    """The environment for the processes the bench starts: this one's, except that
    Python caches bytecode as it does by default (PYTHONDONTWRITEBYTECODE, set in
    some sandboxes and CI images, would make every start of coachtui from a source
    checkout compile its modules again, while the baselines' packages come compiled)."""
    env = {**os.environ, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env



def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds for each of ``runs`` calls of ``action``."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- the table -----------------------------------------------------------------------------


@dataclass
class Figure:
    """One line of the table: samples, how to show them, and the target they meet."""

    section: str
    name: str
    samples: list[float]
    unit: str = "ms"
    target: str = ""
    # Judges the figure from (median, p95); None for a reference figure (a baseline).
    check: Callable[[float, float], bool] | None = None
    note: str = ""
    # Why the figure was not measured (no samples): shown in the table as SKIPPED.
    skipped: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return p95(self.samples) if self.samples else float("nan")

    @property
    def ok(self) -> bool | None:
        if self.skipped or self.check is None:
            return None
        return self.check(self.median, self.p95)

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "SKIPPED"
        return {None: "", True: "PASS", False: "FAIL"}[self.ok]

    def show(self, value: float) -> str:
        if value != value:  # nan: not measured
            return "-"
        if self.unit == "x":
            return f"{value:.2f}x"
        if self.unit == "ms":
            return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
        if self.unit == "s":
            return f"{value:.1f} s"
        if self.unit == "MB":
            return f"{value:.0f} MB"
        return f"{value:g} {self.unit}"


@dataclass
class Table:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    echo: bool = True

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        if self.echo:
            print(
                f"  {figure.section:<10} {figure.name + (': ' + figure.skipped if figure.skipped else ''):<52} median {figure.show(figure.median):>9}  "
                f"p95 {figure.show(figure.p95):>9}  {figure.target:<18} {figure.verdict}"
                + (f"  ({figure.note})" if figure.note else ""),
                file=sys.stderr,
                flush=True,
            )
        return figure

    def note(self, text: str) -> None:
        self.notes.append(text)
        if self.echo:
            print(f"  note: {text}", file=sys.stderr, flush=True)

    def rows(self) -> list[tuple[str, ...]]:
        rows = []
        for f in self.figures:
            count = f" (n={len(f.samples)})" if len(f.samples) > 1 else ""
            name = f"{f.name}: {f.skipped}" if f.skipped else f.name + count
            if f.note:  # what the figure stands beside (its baseline, the load)
                name += f" ({f.note})"
            rows.append((f.section, name, f.show(f.median), f.show(f.p95), f.target, f.verdict))
        return rows

    def render(self, markdown: bool = False) -> str:
        header = ("area", "figure", "median", "p95", "target", "result")
        rows = self.rows()
        if markdown:
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        else:
            widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
            rule = "  ".join("-" * w for w in widths)
            lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip(), rule]
            lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
        return "\n".join(lines)

    @property
    def failures(self) -> list[Figure]:
        return [f for f in self.figures if f.ok is False]

    @property
    def skipped(self) -> list[Figure]:
        return [f for f in self.figures if f.skipped]


def machine_line() -> str:
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}, "
        f"Python {sys.version.split()[0]}"
    )
