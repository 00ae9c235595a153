"""The masked prompt for an encrypted database's passphrase, shown at start.

The screen only collects the passphrase: the app tries it (in its store-opening worker)
and answers with :meth:`PassphraseScreen.wrong` or by closing the screen. The text
typed is masked, never kept in the widget after it is submitted, and never saved.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from coachtui.ui.widgets.literal import LiteralInput


class PassphraseScreen(ModalScreen[None]):
    """Ask for the passphrase of the encrypted database at ``location``."""

    BINDINGS = [Binding("escape", "quit", "Quit", id="passphrase.quit")]

    def __init__(self, location: str, on_submit: Callable[[str], None]) -> None:
        super().__init__(classes="modal")
        self.location = location
        self._on_submit = on_submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("This database is encrypted", classes="title")
            yield Static(Content(f"Type the passphrase of {self.location}."), classes="question")
            yield LiteralInput(password=True, placeholder="Passphrase", id="passphrase-input")
            yield Static("", id="passphrase-error", classes="error", markup=False)
            yield Static("enter opens it · esc quits", classes="help", markup=False)

    def on_mount(self) -> None:
        self.query_one("#passphrase-input", Input).focus()

    @on(Input.Submitted, "#passphrase-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one("#passphrase-input", Input)
        passphrase = event.value
        field.value = ""
        if not passphrase:
            self._say("Type the passphrase, then press enter.")
            return
        field.disabled = True
        self._say("Opening…", error=False)
        self._on_submit(passphrase)

    def wrong(self, message: str = "Wrong passphrase: try again (esc quits).") -> None:
        """The passphrase did not open the database: say so and let the coach retry."""
        field = self.query_one("#passphrase-input", Input)
        field.disabled = False
        field.value = ""
        field.focus()
        self._say(message)

    def _say(self, message: str, *, error: bool = True) -> None:
        status = self.query_one("#passphrase-error", Static)
        status.set_class(error, "error")
        status.update(Content(message))

    def action_quit(self) -> None:
        self.app.exit()
