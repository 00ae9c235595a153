"""Step 4 — Category: place the dilemma in one of the four categories.

coachtui suggests a category from the dilemma's words and says why; the coach decides.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Click
from textual.widgets import Static

from coachtui.catalog import Category, Suggestion, suggest_category
from coachtui.catalog.suggest import Evidence, is_unsure
from coachtui.ui.format import bullet_list
from coachtui.ui.steps.base import StepPane, enclosing

# The suggestion reads this much of the title and dilemma: plenty for any real
# dilemma, and a pasted megabyte does not stall the screen.
SUGGEST_LIMIT = 50_000


class SignalList(Static):
    """A card's signals, each whole: those that do not fit are counted, never cut
    mid-sentence ("+ 2 more: e explains")."""

    def __init__(self, signals: list[str]) -> None:
        super().__init__("", classes="card-signals", markup=False)
        self.signals = signals

    def on_resize(self) -> None:
        self.update(Content(self.fitted(self.size.width, self.size.height)))

    def fitted(self, width: int, height: int) -> str:
        import textwrap

        if width < 8 or height < 1:
            return ""
        blocks = [
            textwrap.wrap(signal, width, initial_indent="• ", subsequent_indent="  ") or ["•"]
            for signal in self.signals
        ]
        lines: list[str] = []
        for index, block in enumerate(blocks):
            more = len(blocks) - index - 1
            room = height - (1 if more else 0)  # a line to say how many are left out
            if len(lines) + len(block) > room:
                left = len(blocks) - index
                lines.append(f"+ {left} more: e explains"[:width])
                return "\n".join(lines[:height])
            lines += block
        return "\n".join(lines)


class CategoryCard(Vertical, can_focus=True):
    """One category: name, summary, description and the signals that point to it."""

    def __init__(self, category: Category) -> None:
        super().__init__(id=f"card-{category.id}", classes="category-card")
        self.category = category

    def compose(self) -> ComposeResult:
        yield Static(Content(f"{self.category.key}  {self.category.name}"), classes="card-title")
        yield Static(Content(self.category.summary), classes="card-summary")
        yield Static("", classes="card-badge", markup=False)
        yield Static(Content(self.category.description), classes="card-description")
        yield SignalList([signal.text for signal in self.category.signals])

    def set_state(self, *, primary: bool, secondary: bool, suggested: bool) -> None:
        self.set_class(primary, "-primary")
        self.set_class(secondary, "-secondary")
        self.set_class(suggested, "-suggested")
        badges = []
        if primary:
            badges.append("PRIMARY")
        if secondary:
            badges.append("SECONDARY")
        if suggested:
            badges.append("★ suggested")
        badge = self.query_one(".card-badge", Static)
        badge.update(" · ".join(badges))
        badge.display = bool(badges)

    def on_click(self, event: Click) -> None:
        self.focus()
        step = enclosing(self, CategoryStep)
        if step is not None and event.chain >= 2:
            step.set_primary(self.category.id)


class CategoryStep(StepPane):
    step_id = "category"
    HELP = """\
## Category

Which of the four categories of improvement coaching challenges is this dilemma
mostly about? The suggestion (★) reads the dilemma's words, weighed by what
hundreds of labelled dilemmas (and your own completed sessions) taught it; when
two categories are close it says it is unsure between them. **w** shows which of
your words pushed which way. You decide.

| key | |
|---|---|
| **1 2 3 4** | make that category the primary one |
| **←↑↓→** | move between the cards |
| **p** / **enter** | primary: the highlighted card |
| **s** | secondary: the highlighted card (optional) |
| **x** | clear the secondary category |
| **0** | not sure yet |
| **w** | why this suggestion: the words that pushed toward it and away from the runner-up |
| **e** | explain the four categories: signals, examples, questions (esc comes back) |
"""

    BINDINGS = [
        Binding("1", "primary_key('1')", "Capability", show=False, id="category.1"),
        Binding("2", "primary_key('2')", "Learning", show=False, id="category.2"),
        Binding("3", "primary_key('3')", "Relational", show=False, id="category.3"),
        Binding("4", "primary_key('4')", "Environment", show=False, id="category.4"),
        Binding("p,enter", "primary_focused", "Primary", show=False, id="category.primary"),
        Binding("s", "secondary_focused", "Secondary", show=False, id="category.secondary"),
        # Rarely needed, so it leaves its footer room to "e Explain" (f1 lists it).
        Binding("x", "clear_secondary", "Clear 2nd", show=False, id="category.clear"),
        Binding("0", "unsure", "Not sure", show=False, id="category.unsure"),
        Binding("w", "why", "Why?", show=False, id="category.why"),
        Binding("e", "explain", "Explain", show=False, id="category.explain"),
        Binding("escape", "close_why", show=False, id="category.close-why"),
        Binding("left", "move(-1)", show=False, id="category.left"),
        Binding("right", "move(1)", show=False, id="category.right"),
        Binding("up", "move(-2)", show=False, id="category.up"),
        Binding("down", "move(2)", show=False, id="category.down"),
    ]

    def __init__(self) -> None:
        super().__init__(id="category")
        self._suggestions: tuple[Suggestion, ...] = ()
        self._suggested_for: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="suggestion", markup=False)
        yield Static("", id="category-choice", markup=False)
        with Grid(id="category-grid"):
            for category in self.coach_app.catalog.categories:
                yield CategoryCard(category)
        with VerticalScroll(id="why-panel"):
            yield Static("", id="why-text", markup=False)
        # the step's keys, here rather than in the footer, which has room for the
        # keys of every step only
        yield Static(
            "1–4 or p primary · s secondary · 0 not sure · w why? · e explain · arrows move",
            id="category-keys",
            classes="hint",
            markup=False,
        )

    def on_mount(self) -> None:
        self.query_one("#why-panel").display = False

    def on_resize(self) -> None:
        self.set_class(self.size.height < 30, "-compact")

    def activate(self) -> None:
        self.refresh_from_model()
        model = self.model
        target = model.primary if model and model.primary else None
        if target is None and self._suggestions and self._suggestions[0].score > 0:
            target = self._suggestions[0].category_id
        self.query_one(f"#card-{target or 'capability'}").focus()

    # --- suggestion -------------------------------------------------------------------

    def _update_suggestion(self) -> None:
        model = self.model
        if model is None:
            return
        # The dilemma in the coach's words (and its title) is what the suggestion reads;
        # the context field lists who is in the room, which says little about the kind
        # of challenge.
        text = "\n".join((model.title[:SUGGEST_LIMIT], model.dilemma[:SUGGEST_LIMIT]))
        if text == self._suggested_for:
            return
        self._suggested_for = text
        self._suggestions = suggest_category(text, self.coach_app.catalog, adaptation=self.coach_app.suggest_adaptation)
        best = self._best()
        reasons = [f"“{e.words}”" for e in best.pushing[:6]] if best else []
        reasons += [reason.signal for reason in best.reasons] if best else []
        self.controller.set_fields(suggested=best.category_id if best else None, suggestion_reasons=reasons)

    def _best(self) -> Suggestion | None:
        return self._suggestions[0] if self._suggestions and self._suggestions[0].score > 0 else None

    def _suggestion_text(self) -> str:
        model = self.model
        if model is None or not model.dilemma.strip():
            return "No suggestion yet: write the dilemma first (step 3)."
        best = self._best()
        if best is None:
            return "No suggestion: nothing in the dilemma points to a category yet. Your call."
        words = ", ".join(f"“{e.words}”" for e in best.pushing[:3]) or ", ".join(f"“{w}”" for w in best.matched_words[:3])
        because = f", because of {words}" if words else ""
        if is_unsure(self._suggestions):
            runner = self._suggestions[1]
            return f"★ Unsure between {best.name} ({best.share:.0%}) and {runner.name} ({runner.share:.0%}){because}.  (w: why)"
        return f"★ Suggested: {best.name} ({best.share:.0%}){because}.  (w: why)"

    # --- state --------------------------------------------------------------------------

    def refresh_from_model(self) -> None:
        self._update_suggestion()
        model = self.model
        self.query_one("#suggestion", Static).update(Content(self._suggestion_text()))
        catalog = self.coach_app.catalog
        if model is None:
            choice = ""
        elif model.unsure:
            choice = "Not sure yet (press 1–4 when you are)."
        elif model.primary:
            choice = f"Primary: {catalog.category(model.primary).name}"
            if model.secondary:
                choice += f"  ·  Secondary: {catalog.category(model.secondary).name}"
        else:
            choice = "Press 1–4 for the primary category, s for a secondary one, 0 if not sure yet."
        self.query_one("#category-choice", Static).update(Content(choice))
        suggested = model.suggested if model else None
        for card in self.query(CategoryCard):
            card.set_state(
                primary=bool(model and model.primary == card.category.id),
                secondary=bool(model and model.secondary == card.category.id),
                suggested=suggested == card.category.id,
            )
        if self.query_one("#why-panel").display:
            self.query_one("#why-text", Static).update(self._why_text())

    def _why_text(self) -> Group:
        """Everything the suggestion used, so a coach (or a trainer) can check it: how
        sure it is, the coach's words that pushed toward it and toward the runner-up,
        the signals that matched, then how it works."""
        parts: list[RenderableType] = [Text("Why this suggestion", style="bold"), Text("")]
        model = self.model
        best = self._best()
        if model is None or not (model.title.strip() or model.dilemma.strip()):
            parts.append(Text("Nothing to read yet: write the dilemma first (step 3)."))
        elif best is None:
            parts.append(Text("Nothing in the dilemma points to a category yet, so there is no suggestion. Your call."))
        else:
            runner = self._suggestions[1]
            if is_unsure(self._suggestions):
                parts.append(Text(f"Unsure: {best.name} and {runner.name} are close.", style="bold"))
            parts.append(
                bullet_list(
                    [("★" if s is best else " ", f"{s.name}: {s.share:.0%}") for s in self._suggestions],
                )
            )
            if best.learned:
                alike = ", ".join(f"“{thing}”" for thing in best.learned_alike)
                parts.append(
                    Text(
                        f"You filed {best.learned} similar dilemma{'' if best.learned == 1 else 's'} under "
                        f"{best.name}"
                        + (f" (alike in {alike})" if alike else "")
                        + "; that moved the suggestion toward it."
                    )
                )
            parts += [Text(""), Text(f"Your words that point to {best.name} rather than {runner.name}:")]
            parts.append(_evidence_list(best.pushing))
            parts += [Text(""), Text(f"Your words that point to {runner.name} instead:")]
            parts.append(_evidence_list(best.pulling))
            signalled = [s for s in self._suggestions if s.reasons]
            if signalled:
                parts += [Text(""), Text("Signals a coach would notice, found in the dilemma:")]
                for suggestion in signalled:
                    parts.append(
                        bullet_list(
                            [("•", f"{suggestion.name} — {r.signal}: " + ", ".join(f"“{w}”" for w in r.words)) for r in suggestion.reasons],
                            indent=2,
                        )
                    )
        learned = self.coach_app.suggest_adaptation
        learned_line = (
            f"It has also learned from {learned.examples} completed session"
            + ("" if learned.examples == 1 else "s")
            + " in this database (ctrl+p → “Suggestion: learning from sessions” turns that off)."
            if learned is not None and learned.examples
            else "It learns from sessions you complete here, on this machine only (ctrl+p → “Suggestion: learning from sessions”)."
        )
        parts += [
            Text(""),
            Text("How it works", style="bold"),
            Text(
                "coachtui reads the dilemma's title and text (not the context). A small model trained on "
                "hundreds of dilemmas labelled by coaches weighs every word and pair of words; the signal "
                "words of each category add to it. The number after each word is how hard it pushed. "
                + learned_line
                + " It only starts the conversation: you decide."
            ),
            Text(""),
            Text("w or esc: back to the cards  ·  e: the four categories, with every signal"),
        ]
        return Group(*parts)

    def _focused_card(self) -> CategoryCard | None:
        focused = self.screen.focused
        return focused if isinstance(focused, CategoryCard) else None

    def set_primary(self, category_id: str) -> None:
        model = self.model
        if model is None:
            return
        secondary = None if model.secondary == category_id else model.secondary
        self.controller.set_fields(primary=category_id, secondary=secondary, unsure=False)
        self.refresh_from_model()

    def action_primary_key(self, key: str) -> None:
        category = next((c for c in self.coach_app.catalog.categories if c.key == key), None)
        if category is not None:
            self.query_one(f"#card-{category.id}").focus()
            self.set_primary(category.id)

    def action_primary_focused(self) -> None:
        card = self._focused_card()
        if card is not None:
            self.set_primary(card.category.id)

    def action_secondary_focused(self) -> None:
        model = self.model
        card = self._focused_card()
        if model is None or card is None:
            return
        if not model.primary:
            self.app.notify("Choose the primary category first (1–4).", markup=False)
            return
        if card.category.id == model.primary:
            self.app.notify("That is already the primary category.", markup=False)
            return
        self.controller.set_fields(secondary=card.category.id)
        self.refresh_from_model()

    def action_clear_secondary(self) -> None:
        if self.model is not None:
            self.controller.set_fields(secondary=None)
            self.refresh_from_model()

    def action_unsure(self) -> None:
        if self.model is not None:
            self.controller.set_fields(primary=None, secondary=None, unsure=True)
            self.refresh_from_model()

    def action_why(self) -> None:
        panel = self.query_one("#why-panel")
        panel.display = not panel.display
        self.query_one("#category-grid").display = not panel.display
        if panel.display:
            self.query_one("#why-text", Static).update(self._why_text())
            panel.focus()
        else:
            self.activate()

    def highlighted_category(self) -> str | None:
        """The category the coach is looking at: the highlighted card, else (while the
        why panel hides the cards) the primary or suggested category."""
        card = self._focused_card()
        if card is not None:
            return card.category.id
        model = self.model
        if model is None:
            return None
        return model.primary or model.suggested

    def action_explain(self) -> None:
        from coachtui.ui.screens.explainer import open_explainer

        open_explainer(self.coach_app, self.highlighted_category())

    def action_close_why(self) -> None:
        if not self.query_one("#why-panel").display:
            raise SkipAction()
        self.action_why()

    def action_move(self, delta: int) -> None:
        cards = list(self.query(CategoryCard))
        card = self._focused_card()
        index = cards.index(card) if card in cards else 0
        cards[(index + delta) % len(cards)].focus()


def _evidence_list(evidence: tuple[Evidence, ...]) -> RenderableType:
    if not evidence:
        return Text("  (none)")
    return bullet_list([("•", f"“{e.words}”  {abs(e.weight):.1f}") for e in evidence], indent=2)
