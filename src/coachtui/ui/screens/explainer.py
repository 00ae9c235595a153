"""The category explainer: the four categories of improvement coaching challenges, taught.

A trainer walks a room of new coaches through the categories one at a time: what each
is about, the signals a coach would notice in a huddle, two example dilemmas and the
reflection questions the bank holds for it. It is a screen pushed over whatever is
open (usually the session), so closing it returns exactly where the coach was; it
only reads the catalog and never touches the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static, Tab, Tabs

from coachtui.catalog import Catalog, Category
from coachtui.ui.appref import coach_app
from coachtui.ui.format import bullet_list
from coachtui.ui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from collections.abc import Callable

    from coachtui.ui.app import CoachApp

# At this width and more the questions get a column of their own beside the rest.
WIDE = 110

EXPLAINER_HELP = """\
## The four categories

Research with improvement coaches found that the challenges they meet fall into four
categories. This page teaches them: what each is about, the signals a coach would
notice, two example dilemmas, and the reflection questions coachtui offers for it.
In a session, the category step (step 4) suggests a category from the dilemma's
words; press **w** there to see which words and signals it used.

| key | |
|---|---|
| **1 2 3 4** | show that category |
| **←** / **→**, **tab** | previous / next category |
| **↑ ↓**, **page up/down**, **space** | scroll |
| **home** / **end** | top / bottom |
| **w** | show the words in a dilemma that hint at each signal (what the suggestion looks for) |
| **esc** / **f6** | back to where you were (nothing is lost) |
"""


SETS_TEXT = (
    "The four categories serve a facilitator of a group as well. In an action learning set, "
    "four to eight members meet every few weeks: the meeting opens with progress on every member's "
    "agreed actions, then members present an issue in turn while the others ask only open "
    "questions, and each presenter commits to their own actions. In coachtui a team with members "
    "is a set (f8 on the team list adds them); in its meetings f9 names who presents, then goes to "
    "another presenter or adds one, and each presenter's issue is put in a category of its own. The "
    "demo data holds one: “Northern quality leads”."
)


def short_label(category: Category) -> str:
    """The tab label: the category's key and one word (its id, capitalised)."""
    return f"{category.key} {category.id.capitalize()}"


class CategoryTabs(Tabs, can_focus=False):
    """The row of four categories; the screen's keys drive it, so it never takes focus."""


class ExplainerScreen(Screen[None]):
    """Teaches the four categories, one at a time."""

    HELP = EXPLAINER_HELP

    BINDINGS = [
        Binding("escape", "close", "Back", id="explainer.close"),
        *(
            Binding(str(number), f"show_key('{number}')", f"Category {number}", show=False, id=f"explainer.{number}")
            for number in range(1, 5)
        ),
        # Priority: the scrolling body would otherwise take ← → for sideways scrolling.
        Binding("left", "cycle(-1)", "Previous", key_display="←", priority=True, id="explainer.previous"),
        Binding("right", "cycle(1)", "Next", key_display="→", priority=True, id="explainer.next"),
        Binding("shift+tab", "cycle(-1)", "Previous", show=False, priority=True, id="explainer.previous-tab"),
        Binding("tab", "cycle(1)", "Next", show=False, priority=True, id="explainer.next-tab"),
        Binding("space", "page_down", "Scroll", show=False, id="explainer.page"),
        Binding("w", "toggle_words", "Hint words", id="explainer.words"),
    ]

    category_id: reactive[str] = reactive("", init=False)
    show_words: reactive[bool] = reactive(False, init=False)

    def __init__(self, catalog: Catalog, category_id: str | None = None) -> None:
        super().__init__(id="explainer-screen")
        self.catalog = catalog
        ids = catalog.category_ids
        self._start = category_id if category_id in ids else ids[0]

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="explainer-status")
        yield CategoryTabs(
            *(Tab(short_label(c), id=f"tab-{c.id}") for c in self.catalog.categories),
            active=f"tab-{self._start}",
            id="explainer-tabs",
        )
        with VerticalScroll(id="explainer-body"):
            yield Static("", id="explainer-title", markup=False)
            yield Static("", id="explainer-summary", markup=False)
            with Horizontal(id="explainer-columns"):
                with Vertical(id="explainer-main"):
                    yield Static("What it is about", classes="explainer-heading")
                    yield Static("", id="explainer-description", markup=False)
                    yield Static("", id="explainer-signals-heading", classes="explainer-heading", markup=False)
                    yield Static("", id="explainer-signals", markup=False)
                    yield Static("Example dilemmas", classes="explainer-heading")
                    yield Static("", id="explainer-examples", markup=False)
                    yield Static("How coachtui suggests a category", classes="explainer-heading")
                    yield Static("", id="explainer-learning", markup=False)
                    yield Static("Coaching a group: action learning sets", classes="explainer-heading")
                    yield Static(Content(SETS_TEXT), id="explainer-sets", markup=False)
                with Vertical(id="explainer-side"):
                    yield Static("", id="explainer-questions-heading", classes="explainer-heading", markup=False)
                    yield Static("", id="explainer-questions", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        bar = self.query_one(StatusBar)
        bar.context = "The four categories of improvement coaching challenges"
        bar.save = self.coach_app.save_status
        self.category_id = self._start
        self.query_one("#explainer-body").focus()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")

    # --- what is shown ---------------------------------------------------------------------

    @property
    def category(self) -> Category:
        return self.catalog.category(self.category_id)

    def watch_category_id(self, category_id: str) -> None:
        self.query_one(CategoryTabs).active = f"tab-{category_id}"
        self._paint()
        self.query_one("#explainer-body", VerticalScroll).scroll_home(animate=False)

    def watch_show_words(self) -> None:
        self._paint()

    def _paint(self) -> None:
        category = self.category
        self._set("#explainer-title", f"{category.key}  {category.name}")
        self._set("#explainer-summary", category.summary)
        self._set("#explainer-description", category.description)
        self._set("#explainer-signals-heading", "Signals a coach may notice" + (
            "  (and the words in a dilemma that hint at each; * matches any ending)" if self.show_words else ""
        ))
        self.query_one("#explainer-signals", Static).update(self._signals(category))
        self.query_one("#explainer-examples", Static).update(
            bullet_list([("•", f"“{example}”") for example in category.examples])
        )
        self._set("#explainer-learning", self._learning_text())
        questions = self.catalog.questions_for(category.id)
        self._set("#explainer-questions-heading", f"Reflection questions ({len(questions)})")
        self.query_one("#explainer-questions", Static).update(
            bullet_list([(f"{number}.", question.text) for number, question in enumerate(questions, 1)])
        )

    def _learning_text(self) -> str:
        from coachtui.catalog.classifier import load_model

        model = load_model()
        trained = f"a model trained on {model.corpus_size:,} dilemmas labelled by coaches" if model else "the signals above"
        app = self.coach_app
        if not app.settings.learn_categories:
            learned = "Learning from your sessions is off (ctrl+p → “Suggestion: learning from sessions on/off”)."
        else:
            count = app.suggest_adaptation.examples if app.suggest_adaptation is not None else 0
            learned = (
                f"It has learned from {count} completed session{'' if count == 1 else 's'} in this database, "
                "on this machine only; `coachtui suggest-forget` makes it forget them."
            )
        return f"The ★ suggestion on the category step reads the dilemma with {trained} and the signals above. {learned}"

    def _signals(self, category: Category) -> Table:
        items: list[tuple[str, str | Text]] = []
        for signal in category.signals:
            items.append(("•", signal.text))
            if self.show_words:
                items.append(("", Text("words: " + ", ".join(signal.words), style="italic")))
        return bullet_list(items)

    def _set(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(Content(text))

    # --- keys ------------------------------------------------------------------------------

    def show(self, category_id: str) -> None:
        """Show one category (ignored when ``category_id`` is not a category)."""
        if category_id in self.catalog.category_ids:
            self.category_id = category_id

    def action_show_key(self, key: str) -> None:
        category = next((c for c in self.catalog.categories if c.key == key), None)
        if category is not None:
            self.show(category.id)

    def action_cycle(self, delta: int) -> None:
        ids = self.catalog.category_ids
        self.category_id = ids[(ids.index(self.category_id) + delta) % len(ids)]

    def action_page_down(self) -> None:
        self.query_one("#explainer-body", VerticalScroll).scroll_page_down()

    def action_toggle_words(self) -> None:
        self.show_words = not self.show_words

    def action_close(self) -> None:
        self.dismiss(None)

    def keys_wait_after(self, key: str) -> tuple[Callable[[], bool], float] | None:
        """esc (or f6) closes this: the keys after it wait until it has gone, so they
        reach the step below, and an f6 straight after opens it afresh (pushed while
        this one was still being taken down, Textual ended the app: DuplicateIds)."""
        if key not in ("escape", "f6"):
            return None
        from coachtui.ui.typeahead import DIALOG_WAIT

        return (lambda: not self.is_attached), DIALOG_WAIT

    @on(Tabs.TabActivated)
    def _tab_clicked(self, event: Tabs.TabActivated) -> None:
        tab_id = event.tab.id or ""
        self.show(tab_id.removeprefix("tab-"))


def open_explainer(app: CoachApp, category_id: str | None = None) -> None:
    """Show the four categories, starting at ``category_id`` or, by default, at the
    category the coach is looking at: the highlighted card on the category step, else
    the session's primary category. Closing it returns to exactly where they were."""
    if isinstance(app.screen, ExplainerScreen):
        if category_id:
            app.screen.show(category_id)
        return
    if category_id is None:
        category_id = _category_in_view(app)
    app.push_screen(ExplainerScreen(app.catalog, category_id))


def _category_in_view(app: CoachApp) -> str | None:
    session_screen = app.session_screen
    if session_screen.current_step == "category":
        highlighted = session_screen.category_step.highlighted_category()
        if highlighted:
            return highlighted
    model = app.session.model
    return model.primary if model is not None else None
