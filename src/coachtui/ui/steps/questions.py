"""Step 5 — Questions: pick reflection questions, the chosen category's first."""

from __future__ import annotations

from dataclasses import replace

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from coachtui.catalog import Question
from coachtui.store.types import QUESTION_MAX, PickedQuestionInfo
from coachtui.text import one_line, visible
from coachtui.ui.modals import TextPromptScreen
from coachtui.ui.steps.base import StepPane, enclosing, goes_to_filter, type_into
from coachtui.ui.widgets.literal import LiteralInput

ADD_ID = "__add__"


class BankList(OptionList):
    # The list keys are on the hint line under each list, not in the footer (which
    # they would push off the screen at 80 columns).
    BINDINGS = [Binding("space", "toggle_pick", "Pick/unpick", show=False, id="questions.toggle")]

    KEEP = frozenset({"space"})  # picks; other letters go to the filter

    def typing_goes_to(self, event: events.Key | events.Paste) -> Input | None:
        """The filter, for a letter typed here (see typeahead.KeyHold.route)."""
        step = enclosing(self, QuestionsStep)
        return step.query_one("#question-filter", Input) if step and goes_to_filter(event, self.KEEP) else None

    def on_key(self, event: events.Key) -> None:
        """Letters typed on the list go to the filter (they used to vanish)."""
        step = enclosing(self, QuestionsStep)
        if step is not None:
            type_into(step.query_one("#question-filter", Input), event, keep=self.KEEP)

    def action_toggle_pick(self) -> None:
        if self.highlighted is not None:
            option = self.get_option_at_index(self.highlighted)
            step = enclosing(self, QuestionsStep)
            if step is not None and option.id:
                step.activate_option(option.id)


class QuestionFilter(LiteralInput):
    """The filter field. A text field takes ctrl+d (delete right); on this step it
    deletes the highlighted question of the coach's own (delete still edits)."""

    BINDINGS = [Binding("ctrl+d", "delete_own", "Delete your question", show=False, id="questions.filter-delete")]

    def tab_goes_to(self) -> Widget:
        """Where tab goes from here: the picked list, as the hint says; ↑ ↓ and enter
        already work the bank (shift+tab from the picked list reaches it). The app's
        tab asks (CoachApp.action_focus_now), so the focus moves as the key arrives,
        with no priority binding on a text field to take a key [keys] gives it."""
        return self.screen.query_one("#picked")

    def action_delete_own(self) -> None:
        step = enclosing(self, QuestionsStep)
        if step is not None:
            step.action_delete_own()


class PickedList(OptionList):
    BINDINGS = [
        Binding("n,enter", "note", "Note", show=False, id="questions.note"),
        Binding("delete,backspace", "remove", "Remove", show=False, id="questions.remove"),
        Binding("shift+up", "move(-1)", "Move up", show=False, id="questions.up"),
        Binding("shift+down", "move(1)", "Move down", show=False, id="questions.down"),
    ]

    KEEP = frozenset({"n", "enter", "delete", "backspace"})  # its own keys; other letters go to the filter

    def _step(self) -> QuestionsStep | None:
        return enclosing(self, QuestionsStep)

    def typing_goes_to(self, event: events.Key | events.Paste) -> Input | None:
        """The filter, for a letter typed here (tab from the filter comes here, and the
        coach may type on): see typeahead.KeyHold.route. An n too when it comes with
        no pause after words typed (a note, esc, then 'night shift': the n reopened
        the note, and the rest of the words went into it); n after tab, or once the
        coach has stopped to look at the list, opens the note."""
        step = self._step()
        keep, keys = self.KEEP, getattr(self.app, "keys", None)
        if keys is not None and keys.words_go_on and isinstance(event, events.Key) and event.key == "n":
            keep = keep - {"n"}
        return step.query_one("#question-filter", Input) if step and goes_to_filter(event, keep) else None

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

- **Type** to filter; **enter** picks the first question that matches (↑ ↓ move).
- To keep what you typed as a new question, move up to *+ Add as a new question*
  and press **enter**: it is kept for reuse and picked. Enter alone never adds one.
- **enter** or **space** picks or unpicks the highlighted question.
- Your own questions: **ctrl+r** edits the highlighted one, **ctrl+d** deletes it
  (after asking). Sessions that already asked it keep the words they used.
- **tab** to the picked list: **n** adds a note beside a question (saved as
  you type),
  **delete** removes it, **shift+↑/↓** reorders. Letters typed on there go to
  the filter, an n too when it comes straight after other words.
"""

    BINDINGS = [
        Binding("down", "bank_cursor(1)", show=False, id="questions.cursor-down"),
        Binding("up", "bank_cursor(-1)", show=False, id="questions.cursor-up"),
        Binding("ctrl+r", "edit_own", "Edit your question", show=False, id="questions.edit"),
        Binding("ctrl+d", "delete_own", "Delete your question", show=False, id="questions.delete"),
    ]

    def __init__(self) -> None:
        super().__init__(id="questions")
        self.bank_shown: list[tuple[str | None, str, bool] | None] | None = None  # what the bank lists

    def compose(self) -> ComposeResult:
        yield QuestionFilter(
            placeholder="Type to filter (enter picks); ↑ to “+ Add” keeps a new question", id="question-filter"
        )
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
        # at once, as on the actions step: a late focus would pull keys typed after a
        # tab back into the filter
        self.screen.set_focus(self.query_one("#question-filter", Input), scroll_visible=False)
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
        text = self._filter_text()
        self._filled_for = text
        words = text.casefold().split()
        picked = self._picked_ids()
        previous = bank.highlighted_option.id if bank.highlighted_option is not None else None
        options: list[Option | None] = []
        self._questions: dict[str, Question] = {}
        if text:
            options.append(Option(Content(f"+ Add as a new question (↑ to here, enter): “{one_line(text, 80)}”"), id=ADD_ID))
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
        # Filled again only when the list changed (each visit to the step asked for it).
        shown = [(o.id, str(o.prompt), o.disabled) if isinstance(o, Option) else None for o in options]
        if shown != self.bank_shown:
            self.bank_shown = shown
            bank.clear_options()
            bank.add_options(options)
        # The "+ Add" row is never the default: enter picks the first match, and
        # adding a question is chosen by moving up to it.
        ids = [o.id for o in options if isinstance(o, Option) and not o.disabled and o.id != ADD_ID]
        if not ids:
            bank.highlighted = None
            return
        target = previous if previous in ids and not text and not reset else ids[0]
        bank.highlighted = next(i for i, o in enumerate(options) if isinstance(o, Option) and o.id == target)

    def _filter_text(self) -> str:
        return " ".join(self.query_one("#question-filter", Input).value.split())

    def _fill_if_behind(self) -> None:
        """Keys typed in a burst: the filter may hold more than the bank was last
        filled for (its Changed message still on the way). Act on what is typed."""
        if self._filter_text() != getattr(self, "_filled_for", None):
            self._fill_bank()

    @on(Input.Changed, "#question-filter")
    def _filter(self) -> None:
        self._fill_bank()

    @on(Input.Submitted, "#question-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        bank = self.query_one(BankList)
        self._fill_if_behind()
        option = bank.highlighted_option
        if option is not None and option.id:
            self.activate_option(option.id)
        elif self._filter_text():
            self.app.notify(
                "No question matches that. To keep it as a new question, press ↑ to "
                "“+ Add as a new question”, then enter.",
                markup=False,
            )

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
        if len(text) > QUESTION_MAX:
            self.app.notify(f"Keep a question under {QUESTION_MAX:,} characters.", severity="warning", markup=False)
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

    # --- the coach's own questions -----------------------------------------------------------

    def _own_highlighted(self) -> Question | None:
        """The highlighted question if it is one the coach wrote, else None (said why)."""
        self._fill_if_behind()
        option = self.query_one(BankList).highlighted_option
        question = self._questions.get(option.id) if option is not None and option.id else None
        if question is None:
            self.app.notify("Highlight one of your own questions first.", markup=False)
            return None
        if not question.custom:
            self.app.notify(
                "Only your own questions can be edited or deleted; the bank's stay as they are.", markup=False
            )
            return None
        return question

    def action_edit_own(self) -> None:
        question = self._own_highlighted()
        if question is None:
            return
        others = {c.text.casefold() for c in self.controller.custom_questions if c.id != question.id}

        def check(value: str) -> str | None:
            cleaned = " ".join(value.split())
            if not cleaned:
                return "A question needs some words."
            if len(cleaned) > 2000:
                return "Keep a question under 2,000 characters."
            if cleaned.casefold() in others:
                return "You already have that question."
            return None

        def done(value: str | None) -> None:
            if value is None or " ".join(value.split()) == question.text:
                return
            self.controller.edit_custom_question(question.id, value)
            self._fill_bank()
            self._fill_picked()
            self.app.notify("Question changed.", markup=False)

        self.app.push_screen(
            TextPromptScreen(
                "Edit your question",
                value=question.text,
                validate=check,
                help_text="Sessions that already asked it keep the words they used. esc cancels.",
            ),
            done,
        )

    def action_delete_own(self) -> None:
        from coachtui.ui.modals import ConfirmScreen

        question = self._own_highlighted()
        if question is None:
            return

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                return
            self.controller.delete_custom_question(question.id)
            self._fill_bank()
            self.app.notify(f"Deleted your question “{one_line(question.text, 60)}”.", markup=False)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete your question “{one_line(question.text, 120)}” from the bank for good? "
                "Sessions that asked it keep it.",
                yes="Delete",
                no="Keep",
                danger=True,
            ),
            done,
        )

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
        question, session_id = model.questions[index], model.session_id

        def typed(value: str) -> None:
            # Saved as it is typed, like the dilemma (one write per pause in the typing).
            model = self.model
            if model is None or model.session_id != session_id:
                return
            if any(q.question_id == question.question_id for q in model.questions):
                self.controller.set_question_note(question.question_id, value)
                return
            # Removed meanwhile (another window, then reloaded here): writing on about
            # it is this coach's own change, so it is picked again with the note.
            self.controller.set_questions([*model.questions, replace(question, note=value)])
            self._fill_picked()
            self.app.notify(
                f"“{one_line(question.text, 60)}” was removed in another window: it is picked again with your note.",
                markup=False,
            )

        def done(value: str | None) -> None:
            if value is not None:
                typed(value)
            self._fill_picked()

        def follows() -> str | None:
            """The note as the session holds it now (another window may change it)."""
            model = self.model
            if model is None or model.session_id != session_id:
                return None
            return next((q.note for q in model.questions if q.question_id == question.question_id), None)

        self.app.push_screen(
            TextPromptScreen(
                f"Note beside: {one_line(question.text, 60)}",
                value=question.note,
                multiline=True,
                help_text="What did the team say? It is saved as you type; ctrl+s or esc closes.",
                on_change=typed,
                follows=follows,
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
