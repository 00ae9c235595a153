"""How long export and import take on a large history. Prints figures; asserts nothing.

    python bench/exchange.py [--sessions 10000]

Fills a throwaway database with bulk inserts (teams, sessions with questions,
actions and reviews), then times each export format, a redacted export, importing
the JSON into an empty database, and importing it again (a no-op merge).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from coachtui.store import open_store
from coachtui.store.db.models import Action, ActionReview, CoachingSession, PickedQuestion, Team
from coachtui.store.exchange.interchange import dumps
from coachtui.store.types import ExportSelection

WORDS = ["handover", "rota", "huddle", "measure", "trust", "leader", "time", "staff", "test", "data", "voice", "aim"]
PEOPLE = ["Priya Raman", "Tomasz Kowalski", "Sam O'Neill", "Ngozi Adeyemi", "Bea Lind", "Jon Ek"]


def fill(store: object, sessions: int) -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    teams = [
        {
            "id": str(uuid.uuid4()),
            "name": f"Team {i}",
            "name_key": f"team {i}",
            "coach": PEOPLE[i % 6],
            "created_at": start,
            "updated_at": start,
        }
        for i in range(max(1, sessions // 100))
    ]
    rows: dict[type, list[dict[str, object]]] = {CoachingSession: [], PickedQuestion: [], Action: [], ActionReview: []}
    previous_action = None
    for n in range(sessions):
        when = start + dt.timedelta(minutes=37 * n)
        team = teams[n % len(teams)]
        sid = str(uuid.uuid4())
        text = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(40))
        rows[CoachingSession].append(
            {
                "id": sid,
                "team_id": team["id"],
                "coach": PEOPLE[n % 6],
                "title": f"Session {n} {PEOPLE[(n + 1) % 6]}",
                "dilemma": text,
                "context": text[:120],
                "primary_category": "relational",
                "status": "completed",
                "step": "summary",
                "created_at": when,
                "updated_at": when,
                "completed_at": when,
            }
        )
        for k in range(5):
            rows[PickedQuestion].append(
                {
                    "id": str(uuid.uuid4()),
                    "session_id": sid,
                    "question_id": f"q-{k}",
                    "text": "What is in the way?",
                    "source": "lean",
                    "position": k,
                    "note": text[:80],
                    "created_at": when,
                    "updated_at": when,
                }
            )
        for k in range(2):
            aid = str(uuid.uuid4())
            rows[Action].append(
                {
                    "id": aid,
                    "team_id": team["id"],
                    "session_id": sid,
                    "text": f"Try {WORDS[k]} with {PEOPLE[k]}",
                    "owner": PEOPLE[(n + k) % 6],
                    "position": k,
                    "status": "done" if k == 0 and previous_action else "open",
                    "created_at": when,
                    "updated_at": when,
                }
            )
            if k == 0 and previous_action:
                rows[ActionReview].append(
                    {
                        "id": str(uuid.uuid4()),
                        "action_id": previous_action,
                        "session_id": sid,
                        "status": "done",
                        "note": "went well",
                        "created_at": when,
                        "updated_at": when,
                    }
                )
            previous_action = aid if k == 1 else previous_action
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(sa.insert(Team), teams)
        for model, values in rows.items():
            for i in range(0, len(values), 5000):
                conn.execute(sa.insert(model), values[i : i + 5000])


def timed(label: str, func: object) -> object:
    begin = time.perf_counter()
    result = func()  # type: ignore[operator]
    print(f"{label:<34} {time.perf_counter() - begin:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source_path, target_path = Path(folder) / "source.db", Path(folder) / "target.db"
        with open_store(str(source_path)) as source:
            timed(f"fill {args.sessions:,} sessions", lambda: fill(source, args.sessions))
            document = timed("export_json", source.export_json)
            text = timed("  json text (dumps)", lambda: dumps(document))
            print(f"{'  json size':<34} {len(text.encode()) / 1e6:7.1f} MB")
            timed("export_markdown", source.export_markdown)
            timed("export_csv", source.export_csv)
            timed("export_json(redact=True)", lambda: source.export_json(ExportSelection(redact=True)))
            timed("export_file(.zip)", lambda: source.export_file(Path(folder) / "x.zip"))
        with open_store(str(target_path)) as target:
            parsed = json.loads(text)
            timed("import_data into an empty database", lambda: target.import_data(parsed))
            timed("import_data again (nothing new)", lambda: target.import_data(parsed))
    print(f"{'peak memory (max RSS)':<34} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f} MB")


if __name__ == "__main__":
    main()


# --- for bench/run.py -----------------------------------------------------------------

_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - started
if result.returncode:
    sys.exit(result.stderr)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(seconds, used.ru_maxrss, used.ru_utime + used.ru_stime)
"""


# Each format as a coach writes it: the whole history to a JSON file, both CSV tables
# to a zip, the Markdown report; then each of them redacted (for sharing: the check
# for names left included), and the report to standard output.
EXPORTS = (("json", "json"), ("csv", "zip"), ("md", "md"),
           ("json --redact", "json"), ("csv --redact", "zip"), ("md --redact", "md"), ("md to stdout", ""))


def export_figures(dbs: list, table: object) -> None:  # list[common.Database], common.Table
    """``coachtui export --format json|csv|md`` of the whole history, each as a process,
    full and redacted: wall time and peak resident memory (ru_maxrss of the child),
    at each size (they stream: memory stays flat as the history grows)."""
    import subprocess
    import sys

    from common import Figure, process_env  # bench/common.py (run.py puts bench/ on the path)

    peaks: dict[str, dict[str, float]] = {fmt: {} for fmt, _ in EXPORTS}
    timed: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="coachtui-bench-", dir=dbs[-1].path.parent) as folder:
        for db in dbs:
            for fmt, suffix in EXPORTS:
                out = Path(folder) / f"export-{db.size}.{suffix}"
                kind, *how = fmt.split(" ", 1)
                extra = ["--redact"] if how == ["--redact"] else []
                target = ["-o", str(out), "--force"] if suffix else []  # standard output: a pipe
                command = [sys.executable, "-m", "coachtui", "--db", str(db.path), "export", "--format", kind,
                           *extra, *target]
                result = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True,
                                        text=True, env=process_env(), check=True)
                load = os.getloadavg()[0]
                seconds, peak_kb, cpu = result.stdout.split()
                peaks[fmt][db.size] = int(peak_kb) / 1024
                size_mb = out.stat().st_size / 1e6 if suffix else 0
                out.unlink(missing_ok=True)
                what = "whole history" if kind == "json" else "both tables, zip" if kind == "csv" else "the report"
                # The JSON export, run just before in the same loop, is the others' baseline:
                # it sees the same machine and the same load.
                timed[fmt] = float(seconds)
                versus = "" if fmt == "json" else f", {float(seconds) / timed['json']:.2f}x the json export's"
                table.add(Figure("export", f"export --format {fmt}, {what} ({db.size}, {size_mb:.0f} MB)",
                                 [float(seconds)], "s", "< 15 s at 100k", lambda m, p: m < 15,
                                 note=f"{float(cpu):.1f} s of CPU{versus}; load average {load:.1f}"))
                table.add(Figure("export", f"  its peak memory ({fmt}, {db.size})", [peaks[fmt][db.size]], "MB",
                                 "< 200 MB", lambda m, p: m < 200))
    for fmt, by_size in peaks.items():
        if len(by_size) > 1:
            sizes = list(by_size)
            table.add(Figure("export", f"  peak memory growth ({fmt}) {sizes[0]} -> {sizes[-1]}",
                             [by_size[sizes[-1]] - by_size[sizes[0]]], "MB", "< 20 MB (flat)",
                             lambda m, p: m < 20))
