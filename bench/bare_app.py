"""The baseline for start-up figures: a bare Textual app (a Header, a Label and a
Footer), started the same way as coachtui. With the argument ``sqlmodel`` it first
imports SQLModel: the least any app must do before it can show database rows."""

import sys

if sys.argv[1:] == ["sqlmodel"]:
    import sqlmodel  # noqa: F401

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Label


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Bare app ready")
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
