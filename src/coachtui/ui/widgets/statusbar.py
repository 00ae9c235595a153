"""The one-line bar at the top: what session this is, and whether it is saved."""

from __future__ import annotations

import time

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from coachtui.session.saver import SaveStatus
from coachtui.text import one_line


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        width: 1fr;
        background: $primary-background;
        color: $text;
        padding: 0 1;
    }
    StatusBar.-error { background: $error; color: $text; text-style: bold; }
    StatusBar.-demo { background: $warning; color: $text; text-style: bold; }
    """

    context: reactive[str] = reactive("")
    save: reactive[SaveStatus] = reactive(SaveStatus("idle"))
    marker: reactive[str] = reactive("")
    # how far a sync running in the background got ("" when none runs)
    sync: reactive[str] = reactive("")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    def on_mount(self) -> None:
        if getattr(self.app, "demo", False):
            self.marker = "DEMO"
            self.add_class("-demo")
        self.set_interval(5, self._tick)
        self._follow_app()
        self._paint()

    def on_show(self) -> None:
        self.sync = str(getattr(self.app, "sync_progress", "") or "")
        self._follow_app()

    def _follow_app(self) -> None:
        """The save state as it is now (it changed while this bar was not shown)."""
        status = getattr(self.app, "save_status", None)
        if isinstance(status, SaveStatus):
            self.save = status

    def _tick(self) -> None:
        if self.save.state == "saved":
            self._paint()

    def watch_context(self) -> None:
        self._paint()

    def watch_save(self) -> None:
        self._paint()

    def watch_marker(self) -> None:
        self._paint()

    def watch_sync(self) -> None:
        self._paint()

    def _save_text(self) -> str:
        status = self.save
        if status.state == "error":
            return f"NOT SAVED YET, retrying: {status.message}"
        if status.state in {"conflict", "dropped"}:
            return f"NOT SAVED: {status.message}"
        if status.state in {"pending", "saving"}:
            return "saving…"
        if status.state == "saved" and status.saved_at is not None:
            age = time.time() - status.saved_at
            return "saved ✓" if age < 60 else f"saved {int(age // 60)} min ago"
        return ""

    def _paint(self) -> None:
        if not self.is_mounted:
            return
        left = f"{self.marker} — coachtui (sample data, thrown away on exit)" if self.marker else "coachtui"
        if self.context:
            left += " │ " + one_line(self.context)
        right = self._save_text()
        if self.sync:
            right = f"{self.sync}  {right}" if right else self.sync
        width = max(10, self.size.width - 2)
        room = width - len(right) - 1
        if len(left) > room:
            left = left[: max(0, room - 1)] + "…"
        self.update(Content(left.ljust(room) + " " + right))
        self.set_class(self.save.state in {"error", "conflict", "dropped"}, "-error")

    def on_resize(self) -> None:
        self._paint()
