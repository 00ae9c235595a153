"""Start-up and memory of the real coachtui process, on a pseudo-terminal.

Each start is timed from just before the process is forked until a given text
appears in what it has drawn, read from the terminal exactly as a terminal would
get it (escape sequences removed, the text in the order it was written). The
baselines start the same way in the same run, interleaved with coachtui: a bare
Textual app (``bench/bare_app.py``), and the same app importing SQLModel first.

Memory is the process's resident set (VmRSS in /proc) at start, and after opening
history (f3), moving to the list and pressing End (the oldest page).
"""

from __future__ import annotations

import codecs
import os
import re
import select
import signal
import sqlite3
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Database, Figure, Table, process_env

BARE_APP = Path(__file__).resolve().with_name("bare_app.py")
COLUMNS, LINES = 120, 40
# Escape sequences a full-screen app writes: CSI (colours, cursor moves, modes),
# OSC (titles, clipboard) and two-character escapes.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|\x1b[ -/][@-~]|[\x00-\x08\x0b-\x1f]")

KEYS = {"f3": "\x1bOR", "down": "\x1b[B", "end": "\x1b[F", "n": "n"}


class Process:
    """A process on a pseudo-terminal of COLUMNS x LINES, and what it has drawn."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        import fcntl
        import termios

        self.started = time.perf_counter()
        pid, fd = os.forkpty()
        if pid == 0:  # the child
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
                os.execvpe(args[0], args, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self.text = ""  # everything drawn so far, escape sequences removed

    def pump(self, seconds: float, *, until: str | None = None, start: int = 0) -> bool:
        """Read what the process draws for ``seconds``, or until ``until`` appears
        (returns whether it did)."""
        deadline = time.perf_counter() + seconds
        while (remaining := deadline - time.perf_counter()) > 0:
            if until is not None and until in self.text[start:]:
                return True
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                break
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:
                break
            if not data:
                break
            self._feed(data)
        return until is not None and until in self.text[start:]

    def _feed(self, data: bytes) -> None:
        chunk = self._pending + self._decoder.decode(data)
        # Keep an unfinished escape sequence at the end for the next read.
        cut = chunk.rfind("\x1b")
        if cut != -1 and len(chunk) - cut < 64 and not _ESCAPES.match(chunk, cut):
            chunk, self._pending = chunk[:cut], chunk[cut:]
        else:
            self._pending = ""
        self.text += _ESCAPES.sub("", chunk)

    def wait_for(self, needle: str, *, start: int = 0, timeout: float = 60.0) -> float:
        """Seconds from the start of the process until ``needle`` is drawn (searching
        what was drawn from position ``start`` on)."""
        if not self.pump(timeout, until=needle, start=start):
            raise RuntimeError(f"{needle!r} never appeared; last drawn: {self.text[-400:]!r}")
        return time.perf_counter() - self.started

    def send(self, key: str) -> None:
        os.write(self.fd, KEYS.get(key, key).encode())

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return kb / 1024

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@dataclass(frozen=True)
class Setup:
    """An environment for coachtui that never touches the user's own files: its own
    settings (a coach name, so no name prompt; no daily backup of the big database)
    and data folders."""

    env: dict[str, str]

    @classmethod
    def make(cls, folder: Path, coach: str = "Bench") -> Setup:
        config, data = folder / "config", folder / "data"
        config.mkdir(parents=True, exist_ok=True)
        data.mkdir(parents=True, exist_ok=True)
        (config / "settings.toml").write_text(
            tomli_w.dumps({"coach_name": coach, "name_asked": True, "backups_to_keep": 0})
        )
        env = {
            **process_env(),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "COACHTUI_CONFIG_DIR": str(config),
            "COACHTUI_DATA_DIR": str(data),
        }
        for name in ("COLUMNS", "LINES", "TEXTUAL", "COACHTUI_DB"):
            env.pop(name, None)
        return cls(env)


def coachtui_args(db: Path) -> list[str]:
    script = Path(sys.executable).with_name("coachtui")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "coachtui"]
    return [*command, "--db", str(db)]


def time_start(args: list[str], env: dict[str, str], needles: list[str]) -> list[float]:
    """Seconds to each needle (in order) for one start; the process is then killed."""
    process = Process(args, env)
    try:
        return [process.wait_for(needle) for needle in needles]
    finally:
        process.kill()


def startup_figures(db: Database, runs: int, table: Table, *, settle: float = 2.5) -> None:
    """What the coach sees on a real terminal (bench/terminal.py), each figure
    interleaved run by run with the same figure of the bare Textual app: process
    start to the first frame, to the first team name (the bare app: its label), and
    ctrl+q to the process's exit, once the app has settled and straight after the
    first team name is shown (the store still opening)."""
    import terminal

    with tempfile.TemporaryDirectory(prefix="coachtui-bench-") as folder:
        env = Setup.make(Path(folder)).env
        name = first_team(db.path)
        apps = {
            "bare": ([sys.executable, str(BARE_APP)], "Bare app ready"),
            "coachtui": (coachtui_args(db.path), name),
        }
        figures = ("frame", "shown", "quit", "quit at once")
        samples: dict[str, dict[str, list[float]]] = {app: {f: [] for f in figures} for app in apps}
        for run in range(runs + 1):
            for app, (args, needle) in apps.items():
                with terminal.Screen(args, env) as screen:
                    frame = screen.wait_for(None)
                    shown = screen.wait_for(needle)
                    screen.settle(settle)
                    quit_settled = screen.quit()
                with terminal.Screen(args, env) as screen:
                    screen.wait_for(needle)
                    quit_at_once = screen.quit()
                if run:  # the first round warms the file cache and Python's bytecode
                    for figure, seconds in zip(figures, (frame, shown, quit_settled, quit_at_once), strict=True):
                        samples[app][figure].append(seconds * 1000)
        bare, coach = samples["bare"], samples["coachtui"]

        def ratio(figure: str) -> list[float]:
            return [a / b for a, b in zip(coach[figure], bare[figure], strict=True)]

        section = "startup"
        table.add(Figure(section, "baseline: bare Textual app, first frame", bare["frame"]))
        table.add(Figure(section, "baseline: bare Textual app, its label shown", bare["shown"]))
        table.add(Figure(section, "baseline: bare Textual app, ctrl+q to exit", bare["quit"]))
        table.add(Figure(section, "coachtui: first frame", coach["frame"]))
        table.add(Figure(section, f"coachtui: first team name shown ({db.size} sessions)", coach["shown"]))
        table.add(Figure(section, "coachtui: ctrl+q to exit, settled", coach["quit"]))
        table.add(Figure(section, "coachtui: ctrl+q to exit, as the list shows", coach["quit at once"]))
        table.add(Figure(section, "  first frame / bare app's", ratio("frame"), "x", "<= 1.2x",
                         lambda m, p: m <= 1.2))
        table.add(Figure(section, "  first team name / bare app's label", ratio("shown"), "x", "<= 1.2x",
                         lambda m, p: m <= 1.2))
        table.add(Figure(section, "  quit, settled / bare app's quit", ratio("quit"), "x", "<= 1.1x",
                         lambda m, p: m <= 1.1))
        table.add(Figure(section, "  quit as the list shows / bare app's quit", ratio("quit at once"), "x",
                         "<= 1.1x", lambda m, p: m <= 1.1))
        table.note(
            f"startup: {runs} rounds after one untimed round (warm file cache), each starting coachtui and the "
            f"bare app twice in turn on a {terminal.COLUMNS}x{terminal.LINES} pseudo-terminal read through pyte; "
            f"times from the fork to the text on the emulated screen, and from ctrl+q to the process's exit "
            f"({settle:g} s after the start, or as soon as the list shows); ratios are per round"
        )


def first_team(db: Path) -> str:
    """The name at the top of the team list (read as the app first reads it)."""
    from coachtui.store.db.quick import peek_teams

    teams = peek_teams(str(db))
    if not teams:
        raise RuntimeError(f"{db} has no teams to list")
    return teams[0].name


def _draft_coach(db: Path) -> str | None:
    """The coach with the latest unfinished session: started as that coach, the app
    offers it once the store is open (a sign the store is open)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT coach FROM coaching_session WHERE status = 'draft' AND coach != '' "
            "ORDER BY updated_at DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def _oldest_day(db: Path) -> str:
    """The date (local time, as history shows it) of the oldest session."""
    import datetime as dt

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (value,) = conn.execute("SELECT min(created_at) FROM coaching_session").fetchone()
    finally:
        conn.close()
    stamp = dt.datetime.fromisoformat(str(value))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone().strftime("%Y-%m-%d")


def memory_figures(dbs: list[Database], table: Table) -> None:
    """VmRSS at start and with history open at its oldest page, for each database."""
    with tempfile.TemporaryDirectory(prefix="coachtui-bench-") as folder:
        results = {}
        for db in dbs:
            coach = _draft_coach(db.path)
            env = Setup.make(Path(folder) / db.size, coach or "Bench").env
            process = Process(coachtui_args(db.path), env)
            try:
                process.wait_for("Which team are you coaching?")
                # Started as a coach with a draft, the app offers it once the store is
                # open (the first list is read before); starting afresh leaves it.
                if coach is not None:
                    process.wait_for("Unfinished sessions")
                    process.send("n")
                process.pump(1.0)
                at_start = process.rss_mb()
                mark = len(process.text)
                process.send("f3")
                process.wait_for(f"{db.sessions:,} sessions", start=mark)
                mark = len(process.text)
                process.send("down")
                process.pump(0.2)
                process.send("end")
                process.wait_for(_oldest_day(db.path), start=mark)
                process.pump(1.0)
                in_history = process.rss_mb()
            finally:
                process.kill()
            results[db.sessions] = (at_start, in_history)
            table.add(Figure("memory", f"resident at start ({db.size} sessions)", [at_start], "MB"))
            table.add(Figure("memory", f"resident, history open at the end ({db.size})", [in_history], "MB",
                             "< 150 MB", lambda m, p: m < 150))
        smallest, largest = min(results), max(results)
        if smallest != largest:
            growth = results[largest][1] - results[smallest][1]
            table.add(Figure("memory", f"  history growth {dbs[0].size} -> {dbs[-1].size} sessions", [growth],
                             "MB", "< 20 MB (flat)", lambda m, p: m < 20))
