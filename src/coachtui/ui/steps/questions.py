"""Step 5 — Questions: pick reflection questions, the chosen category's first."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from coachtui.catalog import Question
from coachtui.store.types import PickedQuestionInfo
from coachtui.text import one_line, visible
from coachtui.ui.modals import TextPromptScreen
from coachtui.ui.widgets.literal import LiteralInput
from coachtui.ui.steps.base import StepPane, enclosing

ADD_ID = "__add__"


class BankList(OptionList):
    # The list keys are on the hint line under each list, not in the footer (which
    # they would push off the screen at 80 columns).
    BINDINGS = [Binding("space", "toggle_pick", "Pick/unpick", show=False, id="questions.toggle")]

    def action_toggle_pick(self) -> None:
        if self.highlighted is not None:
            option = self.get_option_at_index(self.highlighted)
            step = enclosing(self, QuestionsStep)
            if step is not None and option.id:
                step.activate_option(option.id)


class PickedList(OptionList):
    BINDINGS = [
        Binding("n,enter", "note", "Note", show=False, id="questions.note"),
        Binding("delete,backspace", "remove", "Remove", show=False, id="questions.remove"),
        Binding("shift+up", "move(-1)", "Move up", show=False, id="questions.up"),
        Binding("shift+down", "move(1)", "Move down", show=False, id="questions.down"),
    ]

    def _step(self) -> QuestionsStep | None:
        return enclosing(self, QuestionsStep)

    def action_note(self) -> None:
        step = self._step()
        if step is not None and self.highlighted is not None:
            step.edit_note(self.highlighted)

    def action_remove(self) -> None:
        step = self._step()
        if step is not None and self.highlighted is not None:
            step.remove_picked(self.highlighted)

    def action_move(self, delta: int) -> None:
        step = self._step()
        if step is not None and self.highlighted is not None:
            step.move_picked(self.highlighted, delta)


class QuestionsStep(StepPane):
    step_id = "questions"
    HELP = """\
## Questions

The question bank, with the chosen category's questions first, then the general
frames (curiosity prompts, kata, GROW, PDSA review, model for improvement, action
learning review), then the rest.

- **Type** to filter. If what you typed is a new question, **enter** on
  *Add as a new question* keeps it for reuse and picks it.
- **enter** or **space** picks or unpicks the highlighted question.
- **tab** to the picked list: **n** adds a note beside a question,
  **delete** removes it, **shift+↑/↓** reorders.
"""

    BINDINGS = [
        Binding("down", "bank_cursor(1)", show=False, id="questions.cursor-down"),
        Binding("up", "bank_cursor(-1)", show=False, id="questions.cursor-up"),
    ]

    def __init__(self) -> None:
        super().__init__(id="questions")

    def compose(self) -> ComposeResult:
        yield LiteralInput(placeholder="Type to filter, or write a new question", id="question-filter")
        with Horizontal(id="questions-columns"):
            with Vertical(id="bank-column"):
                yield BankList(id="bank")
                yield Static("enter or space picks · tab to the picked list", classes="hint", markup=False)
            with Vertical(id="picked-column"):
                yield Label("Picked", id="picked-label", classes="section")
                yield PickedList(id="picked")
                yield Static("n note · del remove · shift+↑↓ order", classes="hint", markup=False)

    def activate(self) -> None:
        self._fill_bank(reset=True)
        self._fill_picked()
        self.query_one("#question-filter", Input).focus()
        bank = self.query_one(BankList)
        self.call_after_refresh(bank.scroll_to, y=0, animate=False)

    def refresh_from_model(self) -> None:
        self._fill_bank()
        self._fill_picked()

    # --- the bank -------------------------------------------------------------------------

    def _all_questions(self) -> list[tuple[str, list[Question]]]:
        """Groups of (heading, questions) in the order the coach wants them."""
        catalog = self.coach_app.catalog
        model = self.model
        primary = model.primary if model else None
        secondary = model.secondary if model else None
        custom = [
            Question(id=c.id, text=c.text, category=c.category, custom=True)
            for c in self.controller.custom_questions
        ]
        groups: list[tuple[str, list[Question]]] = []
        seen: set[str] = set()
        for category_id in (primary, secondary):
            if category_id:
                name = catalog.category(category_id).name
                items = list(catalog.questions_for(category_id)) + [q for q in custom if q.category == category_id]
                groups.append((name, items))
                seen.add(category_id)
        for frame in catalog.frames:
            groups.append((frame.name, list(catalog.questions_in_frame(frame.id))))
        for category in catalog.categories:
            if category.id not in seen:
                items = list(catalog.questions_for(category.id)) + [q for q in custom if q.category == category.id]
                groups.append((category.name, items))
        loose = [q for q in custom if q.category is None]
        if loose:
            groups.append(("Your own questions", loose))
        return groups

    def _picked_ids(self) -> set[str]:
        model = self.model
        return {q.question_id for q in model.questions} if model else set()

    def _fill_bank(self, reset: bool = False) -> None:
        bank = self.query_one(BankList)
        text = " ".join(self.query_one("#question-filter", Input).value.split())
        words = text.casefold().split()
        picked = self._picked_ids()
        previous = bank.highlighted_option.id if bank.highlighted_option is not None else None
        options: list[Option | None] = []
        self._questions: dict[str, Question] = {}
        if text:
            options.append(Option(Content(f"+ Add as a new question: “{one_line(text, 80)}”"), id=ADD_ID))
        exact = False
        for heading, questions in self._all_questions():
            matching = [q for q in questions if all(w in q.text.casefold() for w in words)]
            if not matching:
                continue
            options.append(Option(Content(f"── {heading} ──"), disabled=True))
            for question in matching:
                self._questions[question.id] = question
                exact = exact or question.text.casefold() == text.casefold()
                mark = "☑" if question.id in picked else "☐"
                options.append(Option(Content(f"{mark} {visible(question.text)}"), id=question.id))
        if exact and options and isinstance(options[0], Option) and options[0].id == ADD_ID:
            options.pop(0)
        bank.clear_options()
        bank.add_options(options)
        ids = [o.id for o in options if isinstance(o, Option) and not o.disabled]
        if not ids:
            return
        target = previous if previous in ids and not text and not reset else ids[0]
        bank.highlighted = next(i for i, o in enumerate(options) if isinstance(o, Option) and o.id == target)

    @on(Input.Changed, "#question-filter")
    def _filter(self) -> None:
        self._fill_bank()

    @on(Input.Submitted, "#question-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        bank = self.query_one(BankList)
        option = bank.highlighted_option
        if option is not None and option.id:
            self.activate_option(option.id)

    def action_bank_cursor(self, delta: int) -> None:
        bank = self.query_one(BankList)
        if delta > 0:
            bank.action_cursor_down()
        else:
            bank.action_cursor_up()

    @on(OptionList.OptionSelected, "#bank")
    def _bank_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.activate_option(event.option.id)

    def activate_option(self, option_id: str) -> None:
        model = self.model
        if model is None:
            return
        if option_id == ADD_ID:
            self._add_new()
            return
        question = self._questions.get(option_id)
        if question is None:
            return
        picked = list(model.questions)
        if any(q.question_id == option_id for q in picked):
            picked = [q for q in picked if q.question_id != option_id]
        else:
            picked.append(PickedQuestionInfo(question_id=question.id, text=question.text, source=question.source))
        self.controller.set_questions(picked)
        self._fill_bank()
        self._fill_picked()

    def _add_new(self) -> None:
        model = self.model
        filter_input = self.query_one("#question-filter", Input)
        text = " ".join(filter_input.value.split())
        if model is None or not text:
            return
        if len(text) > 2000:
            self.app.notify("Keep a question under 2,000 characters.", severity="warning", markup=False)
            return
        question = self.controller.add_custom_question(text, model.primary, model.coach)
        picked = list(model.questions)
        if not any(q.question_id == question.id for q in picked):
            picked.append(PickedQuestionInfo(question_id=question.id, text=question.text, source="custom"))
            self.controller.set_questions(picked)
        filter_input.value = ""
        self._fill_bank()
        self._fill_picked()
        self.app.notify("New question kept for reuse and picked.", markup=False)

    # --- the picked list ------------------------------------------------------------------

    def _fill_picked(self) -> None:
        model = self.model
        picked = self.query_one(PickedList)
        highlighted = picked.highlighted
        picked.clear_options()
        questions = model.questions if model else []
        self.query_one("#picked-label", Label).update(f"Picked ({len(questions)})")
        for number, question in enumerate(questions, 1):
            text = f"{number}. {visible(question.text)}"
            if question.note.strip():
                text += f"\n   ✎ {one_line(question.note, 200)}"
            picked.add_option(Option(Content(text), id=question.question_id))
        if questions:
            picked.highlighted = min(highlighted or 0, len(questions) - 1)

    def edit_note(self, index: int) -> None:
        model = self.model
        if model is None or index >= len(model.questions):
            return
        question = model.questions[index]

        def done(value: str | None) -> None:
            if value is None or self.model is None:
                return
            updated = [replace(q, note=value) if q.question_id == question.question_id else q for q in self.model.questions]
            self.controller.set_questions(updated)
            self._fill_picked()

        self.app.push_screen(
            TextPromptScreen(
                f"Note beside: {one_line(question.text, 60)}",
                value=question.note,
                multiline=True,
                help_text="What did the team say? ctrl+s saves, esc cancels.",
            ),
            done,
        )

    def remove_picked(self, index: int) -> None:
        model = self.model
        if model is None or index >= len(model.questions):
            return
        picked = [q for i, q in enumerate(model.questions) if i != index]
        self.controller.set_questions(picked)
        self._fill_bank()
        self._fill_picked()

    def move_picked(self, index: int, delta: int) -> None:
        model = self.model
        if model is None:
            return
        target = index + delta
        if not 0 <= target < len(model.questions):
            return
        picked = list(model.questions)
        picked[index], picked[target] = picked[target], picked[index]
        self.controller.set_questions(picked)
        self._fill_picked()
        self.query_one(PickedList).highlighted = target
