"""Step 7 — Summary: the whole session on one screen; complete it, copy it, save it."""

from __future__ import annotations

from dataclasses import replace

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Markdown, Static

from coachtui.store.exchange.markdown import meeting_markdown
from coachtui.store.types import DRAFT_TEXT_FIELDS
from coachtui.ui.format import show_markdown
from coachtui.ui.modals import ConfirmScreen
from coachtui.ui.steps.base import StepPane, enclosing, goes_to_filter
from coachtui.ui.typeahead import seen_when_typed
from coachtui.ui.widgets.literal import LiteralInput


class SummaryScroll(VerticalScroll):
    """The summary, where the step's keys act (c, y, f, n)."""

    def typing_goes_to(self, event: events.Key | events.Paste) -> Input | None:
        """The "What we learned today" field, for words typed here (see
        typeahead.KeyHold.route and :meth:`SummaryStep.typed_on`)."""
        step = enclosing(self, SummaryStep)
        return step.typed_on(event) if step is not None else None

    def may_start_words(self, key: str) -> bool:
        """The step's keys (c y f n) wait a moment: a character straight after one
        makes both the start of "What we learned today" ("clearly the rota",
        "cycle time", "next time ask earlier", "feedback matters")."""
        return key in ("c", "y", "f", "n")


class SummaryStep(StepPane):
    step_id = "summary"
    HELP = """\
## Summary

Everything from this session on one screen, as the team will remember it.

| key | |
|---|---|
| **c** | complete the session (it needs a team and a dilemma; if earlier actions are not reviewed or no category is chosen, you are asked once) |
| **y** | copy the summary as Markdown to the clipboard |
| **f** | export it to a file: Markdown, JSON (for coachtui import) or CSV |
| **n** | start a new session |
| **tab** | "What we learned today": a line the team takes away (saved as you type, searchable, exported) |

Any other letter starts that line too. So does every key typed before the summary
was on the screen (straight after ctrl+g 7 or ctrl+n, in one go): c, y, f and n act
once you can see the step. One of them with another character straight after it
(within half a second: "clearly the rota", "next time") starts the line as well; on
its own it acts half a second later.

Completing files the session in the team's history; its actions become the team's
open actions to review next time. You can still go back and amend it.
"""

    BINDINGS = [
        # on the line under the summary rather than in the footer (cut at 80 columns)
        Binding("c", "complete", "Complete", show=False, id="summary.complete"),
        Binding("y", "copy", "Copy", show=False, id="summary.copy"),
        Binding("f", "save_file", "Export", show=False, id="summary.file"),
        Binding("n", "new_session", "New session", show=False, id="summary.new"),
    ]

    def __init__(self) -> None:
        super().__init__(id="summary")

    def compose(self) -> ComposeResult:
        yield Static("", id="summary-status", markup=False)
        yield LiteralInput(
            placeholder="What we learned today (optional, tab): a line the team takes away",
            id="insight",
            max_length=DRAFT_TEXT_FIELDS["insight"],
        )
        with SummaryScroll(id="summary-scroll"):
            yield Markdown("", id="summary-md")
        yield Static(
            "c complete · y copy as Markdown · f save as a file · n new session",
            id="summary-keys",
            classes="hint",
            markup=False,
        )

    def on_mount(self) -> None:
        self.watch_for_paint()

    def activate(self) -> None:
        self.refresh_from_model()
        # The summary's keys have the focus at once: focused a moment later, it was
        # taken from "What we learned today" in the middle of the words typed on.
        self.screen.set_focus(self.query_one("#summary-scroll"), scroll_visible=False)
        self.shown_afresh()

    def typed_on(self, event: events.Key | events.Paste) -> Input | None:
        """Where a key typed at the summary goes instead of acting: a paste, a key
        typed before the step was on the screen, or a letter that is none of its
        keys go into "What we learned today" (and the focus with them); the step's
        keys act once the coach can see it."""
        insight = self.query_one("#insight", Input)
        if self.model is None:
            return None
        if isinstance(event, events.Paste):
            return insight if event.text else None
        if not seen_when_typed(self.shown_at, event):
            return insight if goes_to_filter(event, frozenset({"backspace"})) else None
        own = frozenset({"backspace", "space", *self.screen.active_bindings})  # a space starts no line
        return insight if goes_to_filter(event, own) else None

    def refresh_from_model(self) -> None:
        model = self.model
        status = self.query_one("#summary-status", Static)
        insight = self.query_one("#insight", LiteralInput)
        if model is None:
            status.update("")
            show_markdown(self.query_one("#summary-md", Markdown), "")
            return
        if insight.value != model.insight:
            insight.load(model.insight)
        if model.status == "completed":
            status.update(Content("✓ Completed and saved."))
            status.set_class(False, "error")
        else:
            missing = self.controller.missing_for_completion()
            if missing:
                status.update(Content(f"Draft — to complete it, the session needs {' and '.join(missing)} (step 3)."))
            else:
                status.update(Content("Draft — press c to complete it.  y copy · f save as file"))
            status.set_class(bool(missing), "error")
        show_markdown(self.query_one("#summary-md", Markdown), self._meeting_markdown(for_display=True))

    def _meeting_markdown(self, *, for_display: bool = False) -> str:
        """The session; a set's meeting: every presenter in turn, like its minutes. On
        screen the insight of the part in hand is left out: its own field shows it."""
        parts = self.controller.parts or ([self.model] if self.model is not None else [])
        catalog = self.coach_app.catalog
        details = [
            replace(part.to_detail(), insight="") if for_display and part is self.model else part.to_detail()
            for part in parts
        ]
        # (one presenter: the session as it always read)
        return meeting_markdown(details, catalog, for_display=for_display)

    @on(Input.Changed, "#insight")
    def _insight_changed(self, event: Input.Changed) -> None:
        if self.model is not None:
            self.controller.set_fields(insight=event.value)

    @on(Input.Submitted, "#insight")
    def _insight_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#summary-scroll").focus()

    def _markdown_for_export(self) -> str | None:
        model = self.model
        if model is None:
            return None
        return self._meeting_markdown()

    def action_complete(self) -> None:
        model = self.model
        if model is None:
            return
        if model.status != "completed" and not model.missing_for_completion():
            gaps = self._gaps()
            if gaps:  # one question for everything that is left open
                said = " and ".join(gaps)
                self.app.push_screen(
                    ConfirmScreen(
                        f"{said[:1].upper()}{said[1:]}. Complete the session anyway?",
                        yes="Complete anyway",
                        no="Go back",
                    ),
                    lambda confirmed: self._complete() if confirmed else None,
                )
                return
        self._complete()

    def _gaps(self) -> list[str]:
        """What a coach may have meant to do before completing: review the earlier
        actions, choose a category."""
        model = self.model
        if model is None:
            return []
        gaps = []
        unreviewed = sum(1 for item in model.review_items if item.status is None)
        if unreviewed == 1:
            gaps.append("1 earlier action is not reviewed (step 2)")
        elif unreviewed:
            gaps.append(f"{unreviewed} earlier actions are not reviewed (step 2)")
        if not (model.primary or model.unsure):
            gaps.append("no category is chosen (step 4)")
        return gaps

    def _complete(self) -> None:
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
            if self.model is not None and self.model.primary:
                self.coach_app.learning.relearn((f"{self.model.title}\n{self.model.dilemma}", self.model.primary))
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
        self.coach_app.exports.sessions([model.session_id], suggested=model.team.name)

    def action_new_session(self) -> None:
        self.coach_app.session_screen.new_session()
