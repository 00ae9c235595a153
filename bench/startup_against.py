"""The first frame of this checkout against another commit's, taking turns with the bare app.

    python bench/startup_against.py REF [--rounds 11] [--sessions 100000]

Each round starts the bare Textual app (bench/bare_app.py), coachtui as it was at the
commit REF (its src/ taken with ``git archive`` into a temporary folder) and coachtui
as it is checked out, one after the other, on the real-terminal harness
(bench/terminal.py), on the cached demo database of ``--sessions`` sessions. It prints,
for the first frame and the first team name, each one's median and its ratio to the
bare app's in the same round, with the load average at the start and at the end: the
figures a change to the start-up is judged by, all three seeing the same machine load.
The first round is not counted (it fills the file cache and compiles REF's modules).
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, SRC, demo_database, machine_line, p95
from startup import BARE_APP, Setup, coachtui_args, first_team

import terminal


def export_src(ref: str, folder: Path) -> Path:
    """The src/ folder of commit ``ref``, written under ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", help="the commit to compare with (a branch, tag or hash)")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--sessions", type=int, default=100_000)
    args = parser.parse_args()
    db = demo_database(args.sessions)
    name = first_team(db.path)
    with tempfile.TemporaryDirectory(prefix="coachtui-against-") as folder:
        env = Setup.make(Path(folder)).env
        before = export_src(args.ref, Path(folder) / "ref")
        coachtui = coachtui_args(db.path)  # as bench/startup.py starts it
        apps = {
            "bare app": ([sys.executable, str(BARE_APP)], "Bare app ready", SRC),
            args.ref: (coachtui, name, before),
            "checkout": (coachtui, name, SRC),
        }
        samples: dict[str, dict[str, list[float]]] = {app: {"frame": [], "name": []} for app in apps}
        print(f"start: {machine_line()}")
        for round_ in range(args.rounds + 1):
            for app, (command, needle, src) in apps.items():
                with terminal.Screen(command, {**env, "PYTHONPATH": str(src)}) as screen:
                    frame = screen.wait_for(None)
                    shown = screen.wait_for(needle)
                if round_:
                    samples[app]["frame"].append(frame * 1000)
                    samples[app]["name"].append(shown * 1000)
        print(f"end:   {machine_line()}")
        bare = samples["bare app"]
        for app in apps:
            for figure in ("frame", "name"):
                times = samples[app][figure]
                ratios = [a / b for a, b in zip(times, bare[figure], strict=True)]
                print(
                    f"{app:>12} first {figure:<5} {statistics.median(times):7.0f} ms  "
                    f"{statistics.median(ratios):.2f}x the bare app's (p95 {p95(ratios):.2f}x)"
                )


if __name__ == "__main__":
    main()
