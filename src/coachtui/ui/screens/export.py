"""Export dialog: choose a format, a file and whether to hide people's names.

The caller says what to export (sessions by id, or one team's report); the file is
written by the store, atomically and readable by the coach only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from coachtui.ui.widgets.literal import LiteralInput

FORMATS = (
    ("md", "Markdown report", ".md"),
    ("json", "JSON (for coachtui import)", ".json"),
    ("csv", "CSV for spreadsheets (zip of sessions and actions)", ".zip"),
)


@dataclass(frozen=True)
class ExportRequest:
    """What the coach asked for; ``session_ids`` or ``team_id`` say what to export."""

    path: Path
    fmt: str
    redact: bool
    session_ids: tuple[str, ...] = ()
    team_id: str | None = None
    description: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "coachtui"


def check_path(value: str) -> str | None:
    if not value.strip():
        return "Give a file name."
    path = Path(value.strip()).expanduser()
    if path.is_dir():
        return "That is a folder; add a file name."
    if not path.parent.is_dir():
        return f"There is no folder {path.parent}."
    return None


class ExportScreen(ModalScreen[ExportRequest | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(
        self,
        what: str,
        *,
        name_hint: str,
        session_ids: tuple[str, ...] = (),
        team_id: str | None = None,
        formats: tuple[str, ...] = ("md", "json", "csv"),
        folder: Path | None = None,
    ) -> None:
        super().__init__(classes="modal")
        self.what = what
        self.name_hint = name_hint
        self.session_ids = session_ids
        self.team_id = team_id
        self.formats = [f for f in FORMATS if f[0] in formats]
        self.folder = folder or Path.home()
        self.fmt = self.formats[0][0]

    def _default_path(self, fmt: str) -> str:
        suffix = next(s for f, _label, s in FORMATS if f == fmt)
        stamp = dt.date.today().isoformat()
        return str(self.folder / f"coachtui-{slug(self.name_hint)}-{stamp}{suffix}")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="export-dialog"):
            with Horizontal(classes="buttons"):
                yield Button("Export (enter)", id="export-go", variant="primary")
                yield Button("Cancel (esc)", id="export-cancel")
            with VerticalScroll(id="export-body", can_focus=False):
                yield Label(Content(f"Export {self.what}"), classes="title")
                with RadioSet(id="export-format"):
                    for index, (fmt, label, _suffix) in enumerate(self.formats):
                        yield RadioButton(label, value=index == 0, id=f"fmt-{fmt}")
                yield Label("File", classes="field-label")
                yield LiteralInput(self._default_path(self.fmt), id="export-path")
                yield Checkbox("Hide people's names (pseudonyms instead)", id="export-redact")
                yield Static("", id="export-error", classes="error", markup=False)
                yield Static("The file is readable by you only; an existing file is replaced.", classes="help",
                             markup=False)

    def on_mount(self) -> None:
        self.query_one("#export-path").focus()

    @on(RadioSet.Changed, "#export-format")
    def _format(self, event: RadioSet.Changed) -> None:
        previous = self._default_path(self.fmt)
        self.fmt = (event.pressed.id or "fmt-md").removeprefix("fmt-")
        path_input = self.query_one("#export-path", Input)
        if path_input.value == previous:  # not edited by hand: follow the format
            path_input.value = self._default_path(self.fmt)

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._go()

    @on(Button.Pressed, "#export-go")
    def _pressed_go(self) -> None:
        self._go()

    @on(Button.Pressed, "#export-cancel")
    def _pressed_cancel(self) -> None:
        self.dismiss(None)

    def _go(self) -> None:
        value = self.query_one("#export-path", Input).value
        error = check_path(value)
        if error:
            self.query_one("#export-error", Static).update(Content(error))
            return
        self.dismiss(
            ExportRequest(
                path=Path(value.strip()).expanduser(),
                fmt=self.fmt,
                redact=self.query_one("#export-redact", Checkbox).value,
                session_ids=self.session_ids,
                team_id=self.team_id,
                description=self.what,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
