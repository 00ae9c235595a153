"""Step 7 — Summary: the whole session on one screen; complete it, copy it, save it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from coachtui.store.markdown import session_markdown
from coachtui.ui.modals import TextPromptScreen
from coachtui.ui.steps.base import StepPane


def default_export_path(team_name: str, when: dt.datetime, folder: Path | None = None) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", team_name.casefold()).strip("-")[:40] or "session"
    return (folder or Path.home()) / f"coachtui-{slug}-{when.astimezone().strftime('%Y-%m-%d')}.md"


class SummaryStep(StepPane):
    step_id = "summary"
    HELP = """\
## Summary

Everything from this session on one screen, as the team will remember it.

| key | |
|---|---|
| **c** | complete the session (it needs a team and a dilemma) |
| **y** | copy the summary as Markdown to the clipboard |
| **f** | save the summary as a Markdown file |
| **n** | start a new session |

Completing files the session in the team's history; its actions become the team's
open actions to review next time. You can still go back and amend it.
"""

    BINDINGS = [
        Binding("c", "complete", "Complete", id="summary.complete"),
        Binding("y", "copy", "Copy", id="summary.copy"),
        Binding("f", "save_file", "Save file", id="summary.file"),
        Binding("n", "new_session", "New session", id="summary.new"),
    ]

    def __init__(self) -> None:
        super().__init__(id="summary")

    def compose(self) -> ComposeResult:
        yield Static("", id="summary-status", markup=False)
        with VerticalScroll(id="summary-scroll"):
            yield Markdown("", id="summary-md")

    def activate(self) -> None:
        self.refresh_from_model()
        self.query_one("#summary-scroll").focus()

    def refresh_from_model(self) -> None:
        model = self.model
        status = self.query_one("#summary-status", Static)
        if model is None:
            status.update("")
            self.query_one("#summary-md", Markdown).update("")
            return
        if model.status == "completed":
            status.update(Content("✓ Completed and saved.  y copy · f save as file · n new session"))
            status.set_class(False, "error")
        else:
            missing = model.missing_for_completion()
            if missing:
                status.update(Content(f"Draft — to complete it, the session needs {' and '.join(missing)} (step 3)."))
            else:
                status.update(Content("Draft — press c to complete it.  y copy · f save as file"))
            status.set_class(bool(missing), "error")
        markdown = session_markdown(model.to_detail(), self.coach_app.catalog, for_display=True)
        self.query_one("#summary-md", Markdown).update(markdown)

    def _markdown_for_export(self) -> str | None:
        model = self.model
        if model is None:
            return None
        return session_markdown(model.to_detail(), self.coach_app.catalog)

    def action_complete(self) -> None:
        if self.model is None:
            return
        missing = self.controller.complete()
        if missing:
            self.app.notify(
                f"Not completed: the session needs {' and '.join(missing)}. Step 3 is where it goes.",
                severity="warning",
                markup=False,
            )
        else:
            self.app.notify("Session completed. Its actions are now the team's open actions.", markup=False)
        self.refresh_from_model()

    def action_copy(self) -> None:
        text = self._markdown_for_export()
        if text is None:
            return
        self.app.copy_to_clipboard(text)
        self.app.notify("Summary copied as Markdown (if your terminal allows clipboard access).", markup=False)

    def action_save_file(self) -> None:
        model = self.model
        if model is None:
            return
        suggested = default_export_path(model.team.name, model.created_at)

        def validate(value: str) -> str | None:
            if not value.strip():
                return "Give a file name."
            path = Path(value.strip()).expanduser()
            if path.is_dir():
                return "That is a folder; add a file name."
            if not path.parent.is_dir():
                return f"There is no folder {path.parent}."
            return None

        def done(value: str | None) -> None:
            if value is not None:
                self._write_file(Path(value.strip()).expanduser())

        self.app.push_screen(
            TextPromptScreen(
                "Save the summary as a Markdown file",
                value=str(suggested),
                validate=validate,
                help_text="The file is readable by you only. An existing file is replaced.",
            ),
            done,
        )

    @work(thread=True, group="summary-file")
    def _write_file(self, path: Path) -> None:
        from coachtui.config import write_private_text

        text = self._markdown_for_export()
        if text is None:
            return
        try:
            write_private_text(path, text)
        except OSError as exc:
            self.app.call_from_thread(
                self.app.notify, f"Could not save {path}: {exc.strerror or exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self.app.notify, f"Saved {path}", markup=False)

    def action_new_session(self) -> None:
        self.screen.new_session()  # type: ignore[attr-defined]
