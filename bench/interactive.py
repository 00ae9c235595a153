"""How quickly the running app answers a key, and how quickly an autosave is on disk.

The app runs headless in this process (``App.run_test``, as in the Pilot tests) at
120x40. Keys are posted to the app as the terminal driver posts them, without
Pilot's ``press()`` (which waits for the whole app to go idle, about 70 ms per key
even in a bare app). A key's latency is the time from posting it to the first frame
the app renders (its compositor update, handed to ``App._display``) that shows the
result: the new step, or the rows of the new search. That includes Textual's frame
pacing (at most 60 frames a second) and the database work in worker threads.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Database, Figure, Table, timed

SIZE = (120, 40)
# What a facilitator types into the history search, one key at a time, a key every
# TYPING_GAP seconds (brisk typing: about 60 words a minute) plus the time to render.
SEARCH_WORDS = ("staff", "rota", "measure", "huddle", "minibus", "trust")
TYPING_GAP = 0.12


class FrameClock:
    """Times keys, from posting them to the first rendered frame that shows their result."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._waiting: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                for condition, future in self._waiting:
                    if not future.done() and condition():
                        future.set_result(time.perf_counter())

        app._display = display

    async def press(self, key: str, shows: Callable[[], bool], timeout: float = 30.0) -> float:
        """Milliseconds from posting ``key`` until a frame is rendered while ``shows()``."""
        return (await self.press_until(key, shows, timeout=timeout))[0]

    async def press_until(self, key: str, *conditions: Callable[[], bool], timeout: float = 30.0) -> list[float]:
        """Milliseconds from posting ``key`` to the first frame rendered while each
        condition holds."""
        from textual import events

        loop = asyncio.get_running_loop()
        self._waiting = [(condition, loop.create_future()) for condition in conditions]
        character = key if len(key) == 1 else None
        started = time.perf_counter()
        self.app.post_message(events.Key(key, character))
        try:
            rendered = await asyncio.wait_for(asyncio.gather(*(f for _, f in self._waiting)), timeout)
        finally:
            self._waiting = []
        return [(at - started) * 1000 for at in rendered]


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError("timed out")
        await asyncio.sleep(0.005)


def make_app(database: Path) -> Any:
    """The app as ``coachtui`` runs it (with its garbage-collector settings, see
    coachtui.ui.hold_gc), in this process, headless."""
    from coachtui.config import Settings
    from coachtui.ui import hold_gc

    hold_gc()
    from coachtui.ui.app import create_app

    settings = Settings(coach_name="Bench", name_asked=True, backups_to_keep=0)
    return create_app(str(database), settings=settings, settings_path=database.with_suffix(".settings.toml"))


async def _started(pilot: Any) -> Any:
    """The app with its store open and the resume offer (if any) answered with 'new'."""
    from coachtui.ui.modals import ResumeScreen

    app = pilot.app
    await until(lambda: app.store is not None)
    await pilot.pause(0.3)
    if isinstance(app.screen, ResumeScreen):
        app.screen.dismiss("new")
        await pilot.pause(0.1)
    return app


# --- step changes ----------------------------------------------------------------------------


async def _step_changes(database: Path, rounds: int) -> list[float]:
    from coachtui.session.model import STEP_IDS

    app = make_app(database)
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot)
        clock = FrameClock(app)
        screen = app.session_screen
        screen.open_team(app.teams[0])
        await until(lambda: screen.current_step in ("review", "dilemma"))
        await pilot.pause(0.2)
        for _ in range(rounds):
            for key, delta in (("ctrl+n", 1), ("ctrl+b", -1)):
                while True:
                    index = STEP_IDS.index(screen.current_step) + delta
                    if not 1 <= index < len(STEP_IDS):
                        break
                    target = STEP_IDS[index]
                    samples.append(await clock.press(key, lambda t=target: screen.current_step == t))
                    await pilot.pause(0.05)
    return samples


def step_figures(database: Path, rounds: int, table: Table) -> None:
    samples = asyncio.run(_step_changes(database, rounds))
    table.add(Figure("session", "step change: key to the next step rendered", samples,
                     target="< 50 ms", check=lambda m, p: m < 50))


# --- autosave --------------------------------------------------------------------------------


def autosave_figures(database: Path, label: str, runs: int, table: Table) -> None:
    """One field of a draft saved, as the save queue saves it: ``Store.save_draft``
    (BEGIN IMMEDIATE, one UPDATE and the search index, COMMIT in WAL mode) until it is
    on disk: with ``synchronous=FULL`` the commit returns only after the write-ahead
    log is synced, which is what "saved ✓" promises. The same save without the sync
    (``synchronous=NORMAL``, which a power cut can undo) is shown below it as a
    reference: the difference is what durability costs per save."""
    from coachtui.store import open_store
    from coachtui.store.db import database as store_database

    samples: dict[str, list[float]] = {}
    for mode in ("NORMAL", store_database.SYNCHRONOUS):
        store_database.SYNCHRONOUS, kept = mode, store_database.SYNCHRONOUS
        try:
            with open_store(str(database)) as store:
                team = store.list_teams()[0]
                draft = store.start_session(team.id, coach="Bench")
                text = "The night shift cannot find time to plot the run chart"
                counter = iter(range(1_000_000))
                samples[mode] = timed(
                    lambda draft=draft, text=text, counter=counter: store.save_draft(
                        draft.id, dilemma=f"{text} {next(counter)}"),
                    runs)
                store.discard_draft(draft.id)
        finally:
            store_database.SYNCHRONOUS = kept
    durable = samples.pop(store_database.SYNCHRONOUS)
    # Saves run in a worker, at most one per debounce (0.3 s): a durable save under
    # 50 ms keeps "saving…" on screen for less time than the coach can notice.
    table.add(Figure("session", f"autosave: one field to synced on disk ({label} sessions)", durable,
                     target="< 50 ms", check=lambda m, p: m < 50))
    table.add(Figure("session", f"reference: the same save, not synced ({label} sessions)", samples["NORMAL"]))
    table.note(f"autosave ({label} sessions): the database was on {filesystem(database)}")


def filesystem(path: Path) -> str:
    """The file system ``path`` is on, as /proc/mounts names it (tmpfs would make an
    fsync free, and the durable figure meaningless)."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "an unknown file system"
    resolved = str(path.resolve())
    best = max(
        ((point, kind) for point, kind in mounts if resolved == point or resolved.startswith(point.rstrip("/") + "/")),
        key=lambda m: len(m[0]),
        default=("?", "an unknown file system"),
    )
    return f"{best[1]} ({best[0]})"


# --- history and the action tracker --------------------------------------------------------------


async def _facilitator(db: Database, runs: int) -> dict[str, list[float]]:
    from coachtui.ui.screens.history import HistoryScreen
    from coachtui.ui.screens.tracker import TrackerScreen

    app = make_app(db.path)
    out: dict[str, list[float]] = {"history": [], "tracker": [], "search": [], "echo": []}
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot)
        clock = FrameClock(app)
        history: HistoryScreen | None = None
        tracker: TrackerScreen | None = None
        for _ in range(runs):
            old = history.window if history is not None else None
            out["history"].append(await clock.press("f3", lambda o=old: isinstance(app.screen, HistoryScreen)
                                                    and app.screen.window is not o and bool(app.screen.window.rows)))
            history = app.screen  # type: ignore[assignment]
            await pilot.pause(0.2)
            old = tracker.rows if tracker is not None else None
            out["tracker"].append(await clock.press("f4", lambda o=old: isinstance(app.screen, TrackerScreen)
                                                    and app.screen.rows is not o))
            tracker = app.screen  # type: ignore[assignment]
            await pilot.pause(0.2)
        await clock.press("f3", lambda: isinstance(app.screen, HistoryScreen))
        assert history is not None
        await pilot.pause(0.3)
        screen = history
        for word in SEARCH_WORDS[: max(2, runs)]:
            box = screen.query_one("#history-search")
            if box.value:  # type: ignore[attr-defined]
                old = screen.window
                box.value = ""  # type: ignore[attr-defined]
                await until(lambda o=old: screen.window is not o)
                await pilot.pause(0.3)
            typed = ""
            for char in word:
                typed += char
                old = screen.window
                echo, rows = await clock.press_until(
                    char, lambda t=typed, box=box: box.value == t,  # type: ignore[attr-defined]
                    lambda o=old, t=typed: screen.filters.text == t and screen.window is not o)
                out["echo"].append(echo)
                out["search"].append(rows)
                await pilot.pause(TYPING_GAP)
    return out


def facilitator_figures(db: Database, runs: int, table: Table) -> None:
    samples = asyncio.run(_facilitator(db, runs))
    section = f"ui {db.size}"
    table.add(Figure(section, "open history (f3) to its rows rendered", samples["history"],
                     target="< 300 ms", check=lambda m, p: p < 300))
    # The first visit styles the new screen (no private Textual counter skips it).
    table.add(Figure(section, "open history (f3) the first time after start", samples["history"][:1],
                     target="< 300 ms", check=lambda m, p: m < 300))
    table.add(Figure(section, "open action tracker (f4) to its rows rendered", samples["tracker"],
                     target="< 300 ms", check=lambda m, p: p < 300))
    table.add(Figure(section, "history search: keystroke to rows rendered", samples["search"],
                     target="< 100 ms", check=lambda m, p: m < 100))
    table.add(Figure(section, "history search: keystroke to the letter shown", samples["echo"],
                     target="p95 < 50 ms", check=lambda m, p: p < 50))
