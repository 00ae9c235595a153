"""Export dialog: choose a format, a file and whether to hide people's names.

The caller says what to export (sessions by id, or one team's report); the file is
written by the store, atomically and readable by the coach only. The file name is
checked as the ``export`` command checks it (``store/exchange/files.py``): never the
database, its side files or a backup, and an existing file only when it is an
earlier export of the same kind. With names hidden, the dialog lists the
capitalised words left in the redacted export that might still be names
(redaction only knows the names the database holds and names after a title), so
the coach can check before sharing.
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

from coachtui.store.types import SessionFilter
from coachtui.ui.widgets.literal import LiteralInput
from coachtui.ui.workers import in_thread, reason

FORMATS = (
    ("md", "Markdown report", ".md"),
    ("json", "JSON (for coachtui import)", ".json"),
    ("csv", "CSV for spreadsheets (zip of sessions and actions)", ".zip"),
    ("ics", "Calendar: the open actions with a due date (.ics)", ".ics"),
)


def offered_formats() -> tuple[str, ...]:
    """The formats the dialog offers: the calendar only with its optional package."""
    from coachtui.extras import missing

    return ("md", "json", "csv") if missing("icalendar") else ("md", "json", "csv", "ics")


@dataclass(frozen=True)
class ExportRequest:
    """What the coach asked for; ``session_ids`` or ``team_id`` say what to export."""

    path: Path
    fmt: str
    redact: bool
    session_ids: tuple[str, ...] = ()
    team_id: str | None = None
    description: str = ""
    # The filter the sessions were chosen by (history's search), for the report to
    # name; when given it says which sessions instead of the ids.
    which: SessionFilter | None = None
    extra: dict[str, object] = field(default_factory=dict)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "coachtui"


def check_path(value: str, fmt: str = "md", database: Path | None = None, redacted: bool | None = None) -> str | None:
    """Why an export in ``fmt`` cannot go to the file ``value`` (None: it can)."""
    from coachtui.store.errors import ExportFailed
    from coachtui.store.exchange.files import check_output

    try:
        if fmt == "ics":
            from coachtui.commands.ics import calendar_target

            calendar_target(value, database=database)
        else:
            check_output(value, fmt, database=database, redacted=redacted)
    except ExportFailed as exc:
        text = str(exc)
        return text[:1].upper() + text[1:] + "."
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
        which: SessionFilter | None = None,
        formats: tuple[str, ...] | None = None,
        folder: Path | None = None,
        database: Path | None = None,
    ) -> None:
        super().__init__(classes="modal")
        self.what = what
        self.name_hint = name_hint
        self.session_ids = session_ids
        self.team_id = team_id
        self.which = which
        offered = offered_formats() if formats is None else formats
        self.formats = [f for f in FORMATS if f[0] in offered]
        self.folder = folder or Path.home()
        self.database = database  # the database file exported from: never written over
        self.fmt = self.formats[0][0]

    def _default_path(self, fmt: str, redact: bool = False) -> str:
        """The file name offered; with names hidden it does not carry the team's
        name either (a shared file's name is read before its content)."""
        suffix = next(s for f, _label, s in FORMATS if f == fmt)
        stamp = dt.date.today().isoformat()
        name = "redacted" if redact else slug(self.name_hint)
        return str(self.folder / f"coachtui-{name}-{stamp}{suffix}")

    @property
    def _redact(self) -> bool:
        return self.query_one("#export-redact", Checkbox).value

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
                yield Checkbox(_redact_label(False), id="export-redact")
                yield Static("", id="export-preview", classes="help", markup=False)
                yield Static("", id="export-error", classes="error", markup=False)
                yield Static(
                    "Readable by you only; only an earlier export like it is replaced.",
                    id="export-help",
                    classes="help",
                    markup=False,
                )

    def on_mount(self) -> None:
        self.query_one("#export-preview", Static).display = False
        self.query_one("#export-path").focus()

    @on(Checkbox.Changed, "#export-redact")
    def _redact_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = _redact_label(event.value)  # said in words: the box shows ▐X▌ either way
        path_input = self.query_one("#export-path", Input)
        if path_input.value == self._default_path(self.fmt, not event.value):  # not edited by hand
            path_input.value = self._default_path(self.fmt, event.value)
        preview = self.query_one("#export-preview", Static)
        preview.display = event.value
        if event.value:
            preview.update(Content("Looking for names left in the export…"))
            self._check_names()

    @in_thread(
        exclusive=True, group="export-preview", doing="check the export for names", then="_checked", failed="_not_checked"
    )
    def _check_names(self) -> list[str] | None:
        from coachtui.store.types import ExportSelection, SessionFilter

        store = getattr(self.app, "store", None)
        if store is None:
            return None
        saver = getattr(self.app, "saver", None)
        if saver is not None:
            saver.flush(timeout=3)  # what was just typed is part of the export
        which = self.which or SessionFilter(session_ids=self.session_ids or None, team_id=self.team_id)
        words: list[str] = store.redaction_check(ExportSelection(which))
        return words

    def _checked(self, words: list[str] | None) -> None:
        if words is not None:
            self._show_check(words, "")

    def _not_checked(self, error: BaseException) -> None:
        self._show_check(None, reason(error))

    def _show_check(self, words: list[str] | None, error: str) -> None:
        preview = self.query_one("#export-preview", Static)
        if not self.query_one("#export-redact", Checkbox).value:
            return
        if words is None:
            text = f"Could not check the export for names: {error}"
        elif words:
            text = "Might still be names, check before sharing: " + ", ".join(words) + "."
        else:
            text = "No capitalised words left that look like names."
        preview.update(Content(text))

    @on(RadioSet.Changed, "#export-format")
    def _format(self, event: RadioSet.Changed) -> None:
        previous = self._default_path(self.fmt, self._redact)
        self.fmt = (event.pressed.id or "fmt-md").removeprefix("fmt-")
        path_input = self.query_one("#export-path", Input)
        if path_input.value == previous:  # not edited by hand: follow the format
            path_input.value = self._default_path(self.fmt, self._redact)

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
        error = check_path(value, self.fmt, self.database, self._redact)
        # A refusal takes the help line's place: at 80x24 both would not fit.
        self.query_one("#export-help", Static).display = not error
        if error:
            shown = self.query_one("#export-error", Static)
            shown.update(Content(error))
            # the fields scroll at 80x24: the refusal comes into view, whole
            self.call_after_refresh(shown.scroll_visible, animate=False)
            return
        self.dismiss(
            ExportRequest(
                path=Path(value.strip()).expanduser(),
                fmt=self.fmt,
                redact=self.query_one("#export-redact", Checkbox).value,
                session_ids=self.session_ids,
                team_id=self.team_id,
                description=self.what,
                which=self.which,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def _redact_label(on: bool) -> str:
    """The box's label, saying whether it is ticked (not by colour alone: NO_COLOR)."""
    return f"Hide people's names (pseudonyms instead): {'on' if on else 'off'}"
