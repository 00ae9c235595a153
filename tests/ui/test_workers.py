"""@in_thread started from another worker's thread (the trends screen's count of
themes once started its recurring topics so): the result still reaches ``then``."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import App
from textual.worker import Worker

from coachtui.ui import workers
from coachtui.ui.workers import in_thread

from .helpers import wait_for


class Registrations(dict):  # type: ignore[type-arg]
    """Records, for each follow-up, whether it was registered on the UI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.on_ui_thread: list[bool] = []

    def __setitem__(self, key: Any, value: Any) -> None:
        try:
            asyncio.get_running_loop()
            self.on_ui_thread.append(True)
        except RuntimeError:
            self.on_ui_thread.append(False)
        super().__setitem__(key, value)


class Owner:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.shown: list[str] = []

    @in_thread(then="_show")
    def outer(self) -> str:
        self.inner()
        return "outer"

    @in_thread(then="_show")
    def inner(self) -> str:
        return "inner"

    def _show(self, result: str) -> None:
        self.shown.append(result)


class WorkerApp(App[None]):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        workers.follow_up(self, event)


async def test_a_worker_started_from_a_worker_thread_is_followed_up_on_the_ui_thread(monkeypatch) -> None:
    registrations = Registrations()
    monkeypatch.setattr(workers, "_follow_ups", registrations)
    app = WorkerApp()
    async with app.run_test() as pilot:
        owner = Owner(app)
        owner.outer()
        await wait_for(pilot, lambda: sorted(owner.shown) == ["inner", "outer"], what="both results")
    # Registered off the UI thread, a quick worker's result could arrive first and be dropped.
    assert registrations.on_ui_thread == [True, True]
