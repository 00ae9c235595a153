"""Step 6 — Actions: what the team will try before next time, who owns it, by when."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Input, Label, Static

from coachtui.dates import DateError, describe, parse_due
from coachtui.store.types import ActionInfo
from coachtui.text import one_line
from coachtui.ui.format import cell, due_label
from coachtui.ui.modals import ConfirmScreen
from coachtui.ui.widgets.literal import LiteralInput
from coachtui.ui.steps.base import StepPane, enclosing

OWNER_MAX = 200


class ActionTable(DataTable):
    BINDINGS = [
        Binding("e,enter", "edit", "Edit", id="actions.edit"),
        Binding("delete,backspace", "remove", "Remove", id="actions.remove"),
    ]

    def _step(self) -> ActionsStep | None:
        return enclosing(self, ActionsStep)

    def action_edit(self) -> None:
        step = self._step()
        if step is not None:
            step.edit_current()

    def action_remove(self) -> None:
        step = self._step()
        if step is not None:
            step.remove_current()


class ActionsStep(StepPane):
    step_id = "actions"
    HELP = """\
## Actions

What will the team try before you meet again? One line per action, with an owner
and a due date.

- Type the action, **tab** to the owner and the due date, **enter** adds it.
- Due dates: `2026-12-01`, `+7d`, `+2w`, `friday`, `next friday`, `in 2 weeks`,
  `1 Dec`. The line under the form says which day it understood.
- **tab** to the list: **e** / **enter** edits an action (enter saves it again,
  **esc** cancels the edit), **delete** removes it.
"""

    BINDINGS = [Binding("escape", "cancel_edit", "Cancel edit", show=False, id="actions.cancel")]

    def __init__(self) -> None:
        super().__init__(id="actions")
        self.editing: str | None = None

    def compose(self) -> ComposeResult:
        yield Label("New action", id="action-form-label", classes="section")
        with Horizontal(id="action-form"):
            with Vertical(id="action-text-col"):
                yield LiteralInput(placeholder="What will the team try?", id="action-text")
            with Vertical(id="action-owner-col"):
                yield LiteralInput(placeholder="Owner", id="action-owner")
            with Vertical(id="action-due-col"):
                yield LiteralInput(placeholder="Due: +7d, friday…", id="action-due")
        yield Static("", id="action-feedback", markup=False)
        yield ActionTable(id="action-table", cursor_type="row", zebra_stripes=True)
        yield Static("enter add · tab to the list: e edit · del remove", classes="hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(ActionTable)
        table.add_column("Action", key="text")
        table.add_column("Owner", key="owner")
        table.add_column("Due", key="due")

    def activate(self) -> None:
        self.refresh_from_model()
        self.query_one("#action-text", Input).focus()

    def refresh_from_model(self) -> None:
        model = self.model
        table = self.query_one(ActionTable)
        row = table.cursor_row
        table.clear()
        if model is None:
            return
        today = dt.date.today()
        for action in model.actions:
            table.add_row(
                cell(action.text, 80),
                cell(action.owner, 30),
                cell(due_label(action.due, today)),
                key=action.id,
            )
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    # --- the form -----------------------------------------------------------------------

    def _feedback(self, text: str, error: bool = False) -> None:
        feedback = self.query_one("#action-feedback", Static)
        feedback.update(Content(text))
        feedback.set_class(error, "error")

    def _parse_due(self) -> tuple[bool, dt.date | None]:
        text = self.query_one("#action-due", Input).value
        try:
            return True, parse_due(text)
        except DateError as exc:
            message = str(exc)
            self._feedback(message[:1].upper() + message[1:], error=True)
            return False, None

    @on(Input.Changed, "#action-due")
    def _due_changed(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self._feedback("")
            return
        ok, due = self._parse_due()
        if ok and due is not None:
            past = " — that is in the past" if due < dt.date.today() else ""
            self._feedback(f"Due {describe(due)}{past}")

    @on(Input.Submitted, "#action-text, #action-owner, #action-due")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.save_form()

    def save_form(self) -> None:
        if self.model is None:
            return
        text_input = self.query_one("#action-text", Input)
        owner_input = self.query_one("#action-owner", Input)
        text, owner = text_input.value.strip(), owner_input.value.strip()
        if not text:
            self._feedback("Write what the team will do first.", error=True)
            text_input.focus()
            return
        if len(owner) > OWNER_MAX:
            self._feedback(f"Keep the owner to {OWNER_MAX} characters.", error=True)
            owner_input.focus()
            return
        ok, due = self._parse_due()
        if not ok:
            self.query_one("#action-due", Input).focus()
            return
        if self.editing is not None:
            self.controller.update_action(self.editing, text, owner, due)
            self._feedback("Action updated.")
        else:
            self.controller.add_action(text, owner, due)
            self._feedback("Action added.")
        self._clear_form()
        self.refresh_from_model()
        text_input.focus()

    def _clear_form(self) -> None:
        self.editing = None
        for selector in ("#action-text", "#action-owner", "#action-due"):
            self.query_one(selector, Input).value = ""
        self.query_one("#action-form-label", Label).update("New action")

    def action_cancel_edit(self) -> None:
        if self.editing is not None:
            self._clear_form()
            self._feedback("Edit cancelled.")

    # --- the list -------------------------------------------------------------------------

    def _current(self) -> ActionInfo | None:
        model = self.model
        table = self.query_one(ActionTable)
        if model is None or not model.actions or table.cursor_row < 0:
            return None
        return model.actions[min(table.cursor_row, len(model.actions) - 1)]

    def edit_current(self) -> None:
        action = self._current()
        if action is None:
            return
        self.editing = action.id
        self.query_one("#action-text", LiteralInput).load(action.text)
        self.query_one("#action-owner", LiteralInput).load(action.owner)
        self.query_one("#action-due", LiteralInput).load(action.due.isoformat() if action.due else "")
        self.query_one("#action-form-label", Label).update("Edit action (enter saves, esc cancels)")
        self.query_one("#action-text", Input).focus()

    def remove_current(self) -> None:
        action = self._current()
        if action is None:
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                if self.editing == action.id:
                    self._clear_form()
                self.controller.remove_action(action.id)
                self.refresh_from_model()
                self._feedback("Action removed.")

        self.app.push_screen(
            ConfirmScreen(f"Remove the action “{one_line(action.text, 60)}”?", yes="Remove", no="Keep", danger=True),
            done,
        )
