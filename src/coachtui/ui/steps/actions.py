"""Step 6 — Actions: what the team will try before next time, who owns it, by when.

An action can change under the coach on a shared database (another coach marks it in
the tracker, or edits it in an amended session). An edit or a removal is saved only
on top of the version this step showed; if it changed, the coach is told who changed
it and reloads it (their wording goes back into the form, to save again or drop) or
keeps theirs (saved on top of the other change).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Input, Label, Static

from coachtui.dates import DateError, describe, parse_due
from coachtui.session.conflicts import Conflict, changer
from coachtui.session.model import SessionModel
from coachtui.store.types import ACTION_TEXT_MAX, OWNER_MAX, PREDICTION_MAX, ActionInfo
from coachtui.text import one_line
from coachtui.ui.conflicts import ConflictAsker
from coachtui.ui.format import cell, due_label, share_width, text_width
from coachtui.ui.messages import ConflictFound
from coachtui.ui.modals import ConfirmScreen
from coachtui.ui.steps.base import LastSize, StepPane, enclosing
from coachtui.ui.widgets.literal import LiteralInput
from coachtui.ui.workers import in_thread, reason


class ActionTable(DataTable):
    BINDINGS = [
        # said on the hint line under the list, not in the footer (cut at 80 columns)
        Binding("e,enter", "edit", "Edit", show=False, id="actions.edit"),
        Binding("delete,backspace", "remove", "Remove", show=False, id="actions.remove"),
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


FORM_FIELDS = ("action-text", "action-owner", "action-due", "action-prediction")
TEST_MARK = "Test · "  # before a test of change's text in the list


class ActionsStep(StepPane):
    step_id = "actions"
    HELP = """\
## Actions

What will the team try before you meet again? One line per action, with an owner
and a due date.

- Type the action, **tab** to the owner and the due date, **enter** adds it.
- Due dates: `2026-12-01`, `+7d`, `+2w`, `friday` (the coming one, today counting),
  `next friday` (next week's; weeks run Monday to Sunday), `in 2 weeks`, `end of month`,
  `1 Dec`. The line under the form says
  which day and which week it understood.
- **ctrl+t** makes the action a **test of change**: a line opens for the
  prediction ("we expect…"; a test needs one). ctrl+t again makes it an ordinary
  action. At the next session's review, a test asks what happened and what the team
  learned; the learning log (f3 then **l**, or the command palette) gathers them.
- **tab** to the list: **e** / **enter** edits an action (enter saves it again,
  **esc** cancels the edit), **delete** removes it.
- What is in the form is saved as you type, like the dilemma: an action you have
  not added yet is back in the form when you resume the session.

If another coach changed an action since you opened it, your edit is not saved and
you are told who changed it: **r** reloads it (their version in the list, your
wording back in the form to save again) or **k** keeps yours (saved on top).
"""

    BINDINGS = [
        Binding("escape", "cancel_edit", "Cancel edit", show=False, id="actions.cancel"),
        Binding("ctrl+t", "toggle_test", "Test", id="actions.test"),
    ]

    def __init__(self) -> None:
        super().__init__(id="actions")
        self.editing: str | None = None
        # action id -> the newest refused change while the coach is asked about it
        self._conflicts = ConflictAsker(self._settle)
        self._settling: Conflict | None = None  # the conflict whose action is being read again
        # action id -> an edit the coach reloaded over (e on the action brings it back)
        self.kept: dict[str, Conflict] = {}
        # the session (model) whose half-typed action the form shows
        self._form_of: object | None = None
        self._tries = 0  # times the form was submitted (see keys_wait_after)
        self.laid_out, self.table_laid_out = LastSize(), LastSize()
        self.rows_shown: object = None  # the columns and rows the table shows

    def compose(self) -> ComposeResult:
        yield Label("New action", id="action-form-label", classes="section")
        with Horizontal(id="action-form"):
            with Vertical(id="action-text-col"):
                yield LiteralInput(placeholder="What will the team try?", id="action-text")
            with Vertical(id="action-owner-col"):
                yield LiteralInput(placeholder="Owner", id="action-owner")
            with Vertical(id="action-due-col"):
                yield LiteralInput(placeholder="Due (+7d)", id="action-due")
        with Horizontal(id="action-test-row"):
            yield Label("Test of change — we expect:", id="action-test-label")
            yield LiteralInput(placeholder="what will happen, how you will know", id="action-prediction")
        yield Static("", id="action-feedback", markup=False)
        yield ActionTable(id="action-table", cursor_type="row", zebra_stripes=True)
        yield Static(
            "enter add · ctrl+t test of change · tab to the list: e edit · del remove", classes="hint", markup=False
        )

    @property
    def testing(self) -> bool:
        """Whether the form's action is a test of change (its prediction line is open)."""
        return bool(self.query_one("#action-test-row").display)

    def _show_test(self, on: bool) -> None:
        self.query_one("#action-test-row").display = on

    def action_toggle_test(self) -> None:
        """ctrl+t: the action in the form becomes a test of change, or stops being one."""
        prediction = self.query_one("#action-prediction", LiteralInput)
        if self.testing:
            self._show_test(False)
            self._feedback("An ordinary action (no prediction)." if prediction.value.strip() else "")
            self._save_form_draft()
            self._focus_now(self.query_one("#action-text", Input))
            return
        self._show_test(True)
        self._feedback("A test of change: what do you expect will happen?")
        self._save_form_draft()
        self._focus_now(prediction)

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """enter adds the action: the next action typed straight after it waits for
        the emptied form (or the reason it was refused), not the due date."""
        if key != "enter" or self.app.focused is None or self.app.focused.id not in FORM_FIELDS:
            return None
        from coachtui.ui.typeahead import COMMAND_WAIT

        tries = self._tries

        def answered() -> bool:
            return self._tries != tries  # added, or refused with the reason shown

        return answered, COMMAND_WAIT

    def on_mount(self) -> None:
        for kind in ("edit", "remove"):
            self.controller.conflict_handlers[kind] = lambda conflict: self.post_message(ConflictFound(conflict))

    def on_resize(self) -> None:
        # the columns share the table's width: measure again once it is laid out
        self.call_after_refresh(self.refresh_from_model)

    def activate(self) -> None:
        self.refresh_from_model()
        # At once, not Widget.focus's moment later: that late focus landed in the
        # middle of a burst typed after ctrl+g 6 and pulled the keys after the coach's
        # tab back into the action ("Share the chartm", owner "Ki2026-12-01").
        self._focus_now(self.query_one("#action-text", Input))

    def refresh_from_model(self) -> None:
        self._restore_form()
        model = self.model
        presenter = self.controller.owner_for_actions()
        self.query_one("#action-owner", Input).placeholder = f"Owner: {presenter}" if presenter else "Owner"
        table = self.query_one(ActionTable)
        row = table.cursor_row
        if model is None:
            table.clear(columns=True)
            self.rows_shown = None
            return
        today = dt.date.today()
        # Owner and due keep their room; the action takes the rest, cut with an ellipsis
        # (e edits it, in full). Measured as last laid out: a step just shown has no
        # size yet (the resize that follows measures again if it changed).
        own_width, _ = self.laid_out.of(self)
        table_width, table_height = self.table_laid_out.of(table)
        texts = [(one_line(a.text), one_line(a.owner), due_label(a.due, today, a.status)) for a in model.actions]
        scrollbar = 2 if len(texts) > max(0, table_height - 1) else 0
        widths = share_width(
            max(40, table_width or own_width) - scrollbar - 2 * 3,
            [
                (max([6, *(text_width(t) for t, _, _ in texts)]), 20, 4),
                (max([5, *(text_width(o) for _, o, _ in texts)]), 8, 1),
                (max([3, *(text_width(d) for _, _, d in texts)]), 20, 0),
            ],
        )
        rows = [
            (TEST_MARK + text if action.is_test else text, owner, due, action.id)
            for action, (text, owner, due) in zip(model.actions, texts, strict=True)
        ]
        # Filled again only when what it shows changed: a step change rebuilt every row.
        if (widths, rows) != self.rows_shown:
            self.rows_shown = (widths, rows)
            table.clear(columns=True)
            for key, label, width in zip(("text", "owner", "due"), ("Action", "Owner", "Due"), widths, strict=True):
                table.add_column(label, key=key, width=width)
            for text, owner, due, key in rows:
                table.add_row(cell(text, widths[0]), cell(owner, widths[1]), cell(due, widths[2]), key=key)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    # --- the form -----------------------------------------------------------------------

    FORM = (
        ("text", "#action-text"),
        ("owner", "#action-owner"),
        ("due", "#action-due"),
        ("prediction", "#action-prediction"),
    )

    def _restore_form(self) -> None:
        """Another session is open: show the action half-typed in it (saved as it
        was typed), or an empty form."""
        model = self.model
        if model is self._form_of:
            return
        self._form_of = model
        self._feedback("")  # what was said was about the other session's (presenter's) actions
        try:
            saved = json.loads(model.action_draft) if model is not None and model.action_draft else {}
        except ValueError:
            saved = {}
        if not isinstance(saved, dict):
            saved = {}
        self.editing = None
        self.query_one("#action-form-label", Label).update("New action")
        for key, selector in self.FORM:
            value = saved.get(key)
            self.query_one(selector, LiteralInput).load(value if isinstance(value, str) else "")
        self._show_test(saved.get("test") is True)
        editing = saved.get("editing")
        if model is not None and any(a.id == editing for a in model.actions):
            self.editing = editing
            self.query_one("#action-form-label", Label).update("Edit action (enter saves, esc cancels)")

    @on(Input.Changed, "#action-text, #action-owner, #action-due, #action-prediction")
    def _form_changed(self) -> None:
        """What is typed in the form is saved as it is typed, like the dilemma."""
        self._save_form_draft()

    def _save_form_draft(self) -> None:
        model = self.model
        if model is None or model is not self._form_of or model.status != "draft":
            return
        values: dict[str, object] = {key: self.query_one(selector, Input).value for key, selector in self.FORM}
        if self.testing:
            values["test"] = True  # the prediction line is open
        else:
            del values["prediction"]  # an ordinary action's draft is as it was
        draft = ""
        if any(values.values()):
            draft = json.dumps({**values, "editing": self.editing}, ensure_ascii=False, sort_keys=True)
        self.controller.set_fields(action_draft=draft)

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

    @on(Input.Submitted, "#action-text, #action-owner, #action-due, #action-prediction")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.save_form()

    def save_form(self) -> None:
        self._tries += 1
        if self.model is None:
            return
        text_input = self.query_one("#action-text", Input)
        owner_input = self.query_one("#action-owner", Input)
        text, owner = text_input.value.strip(), owner_input.value.strip()
        if not text:
            self._feedback("Write what the team will do first.", error=True)
            self._focus_now(text_input)
            return
        if len(text) > ACTION_TEXT_MAX:
            self._feedback(f"Keep an action to {ACTION_TEXT_MAX:,} characters.", error=True)
            self._focus_now(text_input)
            return
        if len(owner) > OWNER_MAX:
            self._feedback(f"Keep the owner to {OWNER_MAX} characters.", error=True)
            self._focus_now(owner_input)
            return
        ok, due = self._parse_due()
        if not ok:
            self._focus_now(self.query_one("#action-due", Input))
            return
        prediction_input = self.query_one("#action-prediction", Input)
        prediction = prediction_input.value.strip() if self.testing else ""
        if self.testing and not prediction:
            self._feedback("A test of change needs a prediction: what do you expect? (ctrl+t: not a test)", error=True)
            self._focus_now(prediction_input)
            return
        if len(prediction) > PREDICTION_MAX:
            self._feedback(f"Keep a prediction to {PREDICTION_MAX:,} characters.", error=True)
            self._focus_now(prediction_input)
            return
        kind = "Test of change" if prediction else "Action"
        if self.editing is not None:
            self.kept.pop(self.editing, None)
            self.controller.update_action(self.editing, text, owner, due, prediction)
            self._feedback(f"{kind} updated.")
        else:
            # on a set's meeting an action is the presenter's unless another owner is typed
            self.controller.add_action(text, owner or self.controller.owner_for_actions(), due, prediction)
            self._feedback(f"{kind} added.")
        self._clear_form()
        self.refresh_from_model()
        self._focus_now(text_input)

    def _focus_now(self, field: Input) -> None:
        """Focus ``field`` at once (Widget.focus waits a moment): the keys typed after
        enter are let go as soon as the form has answered, and belong there."""
        self.screen.set_focus(field, scroll_visible=False)

    def _clear_form(self) -> None:
        self.editing = None
        for _key, selector in self.FORM:
            self.query_one(selector, Input).value = ""
        self._show_test(False)
        self.query_one("#action-form-label", Label).update("New action")

    def action_cancel_edit(self) -> None:
        if self.editing is not None:
            self.kept.pop(self.editing, None)
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
        kept = self.kept.get(action.id)
        if kept is not None:  # the coach's own wording, not saved after a conflict
            self._edit(action.id, kept.text, kept.owner, kept.due, "Edit action — your unsaved version", kept.prediction)
        else:
            self._edit(action.id, action.text, action.owner, action.due, "Edit action", action.prediction)
        self.query_one("#action-text", Input).focus()

    def _edit(
        self, action_id: str, text: str, owner: str, due: dt.date | None, label: str, prediction: str = ""
    ) -> None:
        self.editing = action_id
        self.query_one("#action-text", LiteralInput).load(text)
        self.query_one("#action-owner", LiteralInput).load(owner)
        self.query_one("#action-due", LiteralInput).load(due.isoformat() if due else "")
        self.query_one("#action-prediction", LiteralInput).load(prediction)
        self._show_test(bool(prediction.strip()))
        self.query_one("#action-form-label", Label).update(Content(f"{label} (enter saves, esc cancels)"))

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

    # --- another coach changed an action first --------------------------------------------

    @on(ConflictFound)
    def _conflict_found(self, event: ConflictFound) -> None:
        event.stop()
        self._conflicts.ask(self.app, event.conflict)

    def _yours(self, conflict: Conflict) -> tuple[str, str, dt.date | None, str]:
        """What the coach wants the action to say now: the newest wording on screen
        (an edit made after the refused one, whose write the answer settles, too),
        else the refused edit's."""
        model = self.model
        if conflict.kind == "edit" and model is not None and model.session_id == conflict.session_id:
            shown = next((a for a in model.actions if a.id == conflict.action_id), None)
            if shown is not None:
                return shown.text, shown.owner, shown.due, shown.prediction
        return conflict.text, conflict.owner, conflict.due, conflict.prediction

    def _settle(self, conflict: Conflict, keep: bool) -> None:
        self._settling = conflict
        self._read_action(conflict, keep)

    @in_thread(group="actions-conflict", doing="reload the action", then="_read", failed="_not_read")
    def _read_action(self, conflict: Conflict, keep: bool) -> tuple[Conflict, bool, ActionInfo]:
        """Read the action as it is now (in a worker thread)."""
        return conflict, keep, self.coach_app.ready_store.get_action(conflict.action_id)

    def _read(self, result: tuple[Conflict, bool, ActionInfo]) -> None:
        self._settled(*result)

    def _not_read(self, error: BaseException) -> None:
        if self._settling is not None:
            self._not_settled(self._settling, reason(error))

    def _not_settled(self, conflict: Conflict, message: str) -> None:
        if conflict.kind == "edit":
            self.kept[conflict.action_id] = conflict
            message += " Your wording is kept: e on the action brings it back."
        self.controller.saver.resolve(conflict.action_id)
        self.app.notify(f"Could not reload it: {message}", severity="error", markup=False, timeout=10)

    def _rescue_theirs(self, model: SessionModel, current: ActionInfo) -> object:
        """Keep the session, with the action as the other window saved it
        (``current``), in a rescue file: keep mine is about to write over its words."""
        from dataclasses import replace

        actions = [current if action.id == current.id else action for action in model.actions]
        if all(action.id != current.id for action in actions):
            actions = sorted([*actions, current], key=lambda action: action.position)
        return self.coach_app.recovery.write_copy(theirs=replace(model, actions=actions))

    def _settled(self, conflict: Conflict, keep: bool, current: ActionInfo) -> None:
        controller = self.controller
        model = self.model
        if model is None or model.session_id != conflict.session_id:
            controller.saver.resolve(conflict.action_id)
            return  # the coach has moved on to another session
        yours = self._yours(conflict)
        controller.seen(current.id, current.version)
        controller.saver.resolve(current.id)  # before a re-applied change is queued
        if any(a.id == current.id for a in model.actions):
            model.replace_action(current)
        else:  # a refused removal: it is still there
            model.actions = sorted([*model.actions, current], key=lambda a: a.position)
        who = (
            one_line(changer(current.updated_by, self.coach_app.settings.coach_name), 40)
            if current.updated_by.strip()
            else conflict.who
        )
        if keep:
            self.kept.pop(current.id, None)
            text, owner, due, prediction = yours
            theirs = (current.text, current.owner, current.prediction)
            if conflict.kind == "remove":
                # removed anyway: their words, if they changed them, are kept in a rescue file
                seen = controller.action_seen(current.id)
                replaced = ["action"] if seen is not None and seen != theirs else []
                controller.remove_action(current.id)
            else:
                (text, owner, prediction), replaced = controller.merge_action(current.id, (text, owner, prediction), theirs)
                controller.update_action(current.id, text, owner, due, prediction)
            path = self._rescue_theirs(model, current) if replaced else None
            kept = f" What you wrote over ({', '.join(replaced)}): theirs is kept in {path}." if path is not None else ""
            self._feedback(f"Saving yours on top of {who}'s change.")
            if kept:
                self.app.notify(f"Saving yours on top of {who}'s change.{kept}", markup=False, timeout=10)
        elif conflict.kind == "remove":
            self._feedback(f"Not removed: {who} changed it (see the list). del removes it anyway.")
        else:
            controller.seen(current.id, current.version, (current.text, current.owner, current.prediction))
            self.kept[current.id] = conflict
            form_free = self.editing is None and not any(
                self.query_one(selector, Input).value for _key, selector in self.FORM
            )
            if form_free:  # never over what the coach is typing now
                self._edit(
                    current.id, conflict.text, conflict.owner, conflict.due,
                    "Edit action — your unsaved version", conflict.prediction,
                )
                self._feedback(f"Reloaded {who}'s version. Yours is in the form: enter saves it, esc drops it.")
            else:
                self._feedback(f"Reloaded {who}'s version. Yours is kept: e on the action brings it back.")
        self.refresh_from_model()
        changed = getattr(self.screen, "session_changed", None)
        if changed is not None:
            changed()
