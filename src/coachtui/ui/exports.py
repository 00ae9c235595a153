"""Exports: the export dialog, then the file written in a worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.store.types import SessionFilter
    from coachtui.ui.app import CoachApp


class Exports:
    def __init__(self, app: CoachApp) -> None:
        self.app = app

    def sessions(
        self, session_ids: list[str], suggested: str, what: str = "this session", *, which: SessionFilter | None = None
    ) -> None:
        """Export these sessions; ``which``: the filter that chose them (history's),
        which a report then names."""
        from coachtui.ui.screens.export import ExportScreen

        self.app.push_screen(
            ExportScreen(
                what, name_hint=suggested, session_ids=tuple(session_ids), which=which, database=self._database_file()
            ),
            self._run,
        )

    def team_report(self, team_id: str | None, name: str, what: str, *, session_ids: list[str] | None = None) -> None:
        """Export a team's (or every team's) report; ``session_ids`` narrows it to
        those sessions (the trends screen's coach filter)."""
        from coachtui.ui.screens.export import ExportScreen

        self.app.push_screen(
            ExportScreen(
                what,
                name_hint=f"{name}-report",
                team_id=team_id,
                session_ids=tuple(session_ids or ()),
                database=self._database_file(),
            ),
            self._run,
        )

    def _database_file(self) -> Path | None:
        """The open database's file (None: PostgreSQL), which no export may replace."""
        return self.app.store.target.path if self.app.store is not None else None

    def _run(self, request: object) -> None:
        if request is not None:
            self._write(request)

    @in_thread(group="export", doing="export")
    def _write(self, request: Any) -> None:
        """Write the file (``app.notify`` posts a message: safe from this thread)."""
        from coachtui.store.errors import StoreError
        from coachtui.store.types import ExportSelection, SessionFilter

        app = self.app
        store = app.store
        if store is None:
            return
        app.saver.flush(timeout=3)
        which = request.which or SessionFilter(session_ids=request.session_ids or None, team_id=request.team_id)
        selection = ExportSelection(which, redact=request.redact, fmt=None if request.fmt == "ics" else request.fmt)
        try:
            if request.fmt == "ics":
                from coachtui.commands.ics import write_calendar

                path, count = write_calendar(store, request.path, selection)
                noun = "open action" if count == 1 else "open actions"
                app.notify(f"Exported {count} {noun} with a due date to {path}", markup=False, timeout=8)
                return
            result = store.export_file(request.path, selection)
        except (StoreError, OSError) as exc:
            message = str(exc) if isinstance(exc, StoreError) else (exc.strerror or str(exc))
            app.notify(f"Not exported: {message}", severity="error", markup=False)
            return
        noun = "session" if result.sessions == 1 else "sessions"
        app.notify(f"Exported {result.sessions} {noun} to {result.path}", markup=False, timeout=8)
