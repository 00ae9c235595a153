"""Step 2 — Review: how did the actions agreed last time go? And what was last time about?

On a shared database another coach may mark or change one of these actions while the
session runs (from the tracker, or their own session). A mark made here is saved only
on top of the version this step showed; when it changed, the coach is told who changed
it and chooses to reload it (their mark and note are kept to apply again) or to keep
their mark (saved again on top of the other change).
"""

from __future__ import annotations

import datetime as dt
import json

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Markdown, Static

from coachtui.session.conflicts import Conflict, changer
from coachtui.session.model import ReviewItem, SessionModel
from coachtui.store.exchange.markdown import meeting_look_back, session_markdown
from coachtui.store.types import ActionInfo, ReviewInfo
from coachtui.text import one_line, visible
from coachtui.ui.conflicts import ConflictAsker
from coachtui.ui.format import due_label, show_markdown, status_cell, status_label
from coachtui.ui.messages import ConflictFound
from coachtui.ui.modals import LearningPromptScreen, TextPromptScreen
from coachtui.ui.steps.base import LastSize, StepPane, enclosing, goes_to_filter
from coachtui.ui.typeahead import seen_when_typed
from coachtui.ui.workers import in_thread, reason

STATUS_WIDTH = 13  # "↻ in progress"


MARKS = frozenset("dpsxu")  # the letters that mark (ReviewTable.BINDINGS)


class MarksHighlighted:
    """The review's keys (d p s x u n, ReviewTable.BINDINGS) acted on by the step:
    they mark, or note, the action highlighted in its list."""

    def action_mark(self: Widget, status: str) -> None:
        step = enclosing(self, ReviewStep)
        if step is not None:
            step.mark(status or None)

    def action_note(self: Widget) -> None:
        step = enclosing(self, ReviewStep)
        if step is not None:
            step.edit_note()

    def typing_goes_to(self: Widget, event: events.Key | events.Paste) -> Input | None:
        """The session's title, for words typed here (see typeahead.KeyHold.route and
        :meth:`ReviewStep.typed_on`)."""
        step = enclosing(self, ReviewStep)
        return step.typed_on(event) if step is not None else None

    def may_start_words(self: Widget, key: str) -> bool:
        """A mark's letter waits a moment in a session still without a title: a
        character straight after it makes both the title's first words ("done
        deal", "x-ray backlog"). Not n, nor a mark of a test of change: what they
        open (a note; what happened and what was learned) is typed in straight after
        them."""
        step = enclosing(self, ReviewStep)
        if key not in MARKS or step is None or step.model is None or step.model.title:
            return False
        item = step.current_item()
        return item is not None and not item.action.is_test

    def acts_after(self: Widget, mark: str, key: str) -> bool:
        """n straight after a mark opens the note on it (d, n, the note: one flow);
        after u (undo) it is the n of "until", "unit"."""
        return key == "n" and mark != "u"


class ReviewTable(MarksHighlighted, DataTable):
    """Earlier actions; one key marks each."""

    BINDINGS = [
        # Shown on the line under the list (which wraps), not in the footer: with the
        # step keys the footer would be cut even at 120 columns.
        Binding("d", "mark('done')", "Done", show=False, id="review.done"),
        Binding("p", "mark('in_progress')", "In progress", show=False, id="review.progress"),
        Binding("s", "mark('stuck')", "Stuck", show=False, id="review.stuck"),
        Binding("x", "mark('dropped')", "Dropped", show=False, id="review.dropped"),
        Binding("u", "mark('')", "Undo", show=False, id="review.undo"),
        Binding("n", "note", "Note", show=False, id="review.note"),
    ]


class LastSession(MarksHighlighted, VerticalScroll):
    """The last session, beside the list: tab brings the focus here to scroll it. The
    list's keys still mark its highlighted action (n and a note typed here did nothing,
    and the words were lost)."""

    BINDINGS = ReviewTable.BINDINGS


class ReviewStep(StepPane):
    step_id = "review"
    HELP = """\
## Review

The team's open actions from earlier sessions. Go through them together and mark
how each went — one key each:

| key | meaning |
|---|---|
| **d** | done |
| **p** | in progress |
| **s** | stuck |
| **x** | dropped |
| **u** | undo this session's mark |
| **n** / **enter** | add a note |

In a session still without a title, words typed here are its title: a letter that
is none of these keys, or any key typed before the list was on the screen, takes you
to the title with the words. So does a mark's letter with another character straight
after it (within half a second: "done deal", "p 4 audit"), but for n (the mark and
its note); a mark alone acts half a second later, or as soon as you press an arrow.

A **test of change** (an action agreed with a prediction, marked "Test ·") asks,
as soon as it is marked, what happened and what the team learned: two short fields
under its prediction, saved as you type (**n** opens them again).

Each row shows the action's owner, its due date (overdue marked), how it stood
before this session and its last note. On the right: the actions the last session
agreed, then what it was about and its questions.
Actions marked done or dropped leave the team's open list; they stay visible here
for the rest of this session.

If another coach changed an action since this list showed it, your mark is not saved
and you are told who changed it: **r** reloads it (your mark and note are kept below
the list: mark it again to save them) or **k** keeps yours (saved on top of theirs).
"""

    def __init__(self) -> None:
        super().__init__(id="review")
        # action id -> the newest refused change while the coach is asked about it
        self._conflicts = ConflictAsker(self._settle)
        self._settling: Conflict | None = None  # the conflict whose action is being read again
        # action id -> (status, note, learning) the coach chose to reload over: used
        # again when they mark the action next, never thrown away unasked
        self.kept: dict[str, tuple[str | None, str, str]] = {}
        self.laid_out, self.table_laid_out = LastSize(), LastSize()
        self.rows_shown: object = None  # the columns and rows the table shows

    def compose(self) -> ComposeResult:
        with Horizontal(id="review-columns"):
            with Vertical(id="review-left"):
                yield Label("Actions from earlier sessions", classes="section")
                yield Static("", id="review-empty", markup=False)
                yield ReviewTable(id="review-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="review-note", classes="note", markup=False)
                yield Static(
                    "d done · p in progress · s stuck · x dropped · u undo · n or enter note",
                    id="review-keys",
                    classes="hint",
                    markup=False,
                )
            with LastSession(id="review-last"):
                yield Label("Last session", classes="section")
                yield Markdown("", id="review-last-md")

    def on_mount(self) -> None:
        self.controller.conflict_handlers["review"] = lambda conflict: self.post_message(ConflictFound(conflict))
        self.watch_for_paint()

    def typed_on(self, event: events.Key | events.Paste) -> Input | None:
        """Where words typed at the review's list go instead of marking actions: a
        new session's title, on the dilemma step (the focus and the step with them).
        "Ward 4", enter, "Staff dropped" opened the review (the team has open actions)
        and the d marked the earlier action done; the words were lost. A key typed
        before the coach could see the list, a paste, or a letter that is none of its
        keys (d p s x u n) starts the title; the marks act once the list is seen. A
        session that has a title keeps the review's keys as they are."""
        model = self.model
        if model is None or model.title:
            return None
        keep = frozenset({"space", "backspace"})
        if isinstance(event, events.Key) and seen_when_typed(self.shown_at, event):
            keep |= set(self.screen.active_bindings)
        if not goes_to_filter(event, keep):
            return None
        screen = self.coach_app.session_screen
        screen.go("dilemma", first_field=True)
        return screen.pane("dilemma").query_one("#title", Input)

    def on_resize(self) -> None:
        # the action column takes the room the table has: measure again once laid out
        self.call_after_refresh(self.refresh_from_model)

    @staticmethod
    def _status_cell(item: ReviewItem) -> Text:
        """This session's mark."""
        return Text(status_cell(item.status) if item.status else "· to review", no_wrap=True, overflow="ellipsis")

    @staticmethod
    def _action_cell(item: ReviewItem, width: int, today: dt.date) -> Text:
        """The action; under it its owner and due date (overdue marked); under them how
        it stood before this session and its last note."""
        action = item.action
        facts = [one_line(action.owner, 30)] if action.owner else []
        if action.due is None:
            facts.append("no due date")
        else:
            day = f"{action.due.day} {action.due.strftime('%b')}"
            if action.due.year != today.year:
                day += f" {action.due.year}"
            closed = (item.status or action.status) in ("done", "dropped")
            if action.due < today and not closed:
                day += ", overdue"
            elif action.due == today and not closed:
                day += ", today"
            facts.append(f"due {day}")
        title = f"Test · {action.text}" if action.is_test else action.text
        lines = [one_line(title, width), one_line(" · ".join(facts), width)]
        before = f"was {status_label(action.status)}" if item.status is None and action.status != "open" else ""
        note = item.note if item.status else action.last_note
        if note.strip():
            before = f"{before}: “{one_line(note)}”" if before else f"“{one_line(note)}”"
        if before:
            lines.append(one_line(before, width))
        text = Text(lines[0], no_wrap=True, overflow="ellipsis")
        for line in lines[1:]:
            text.append("\n")
            text.append(line, style="dim")
        return text

    def activate(self) -> None:
        self.refresh_from_model()
        self.query_one(ReviewTable).focus()
        self.shown_afresh()

    def refresh_from_model(self) -> None:
        model = self.model
        table = self.query_one(ReviewTable)
        row = table.cursor_row
        if model is None:
            table.clear(columns=True)
            self.rows_shown = None
            return
        today = dt.date.today()
        # A row has up to three lines, so owner, due date and the last note fit at 80
        # columns too. Measured as last laid out: a step just shown has no size yet,
        # and a class set (then unset) on it restyled every widget in it.
        own_width, _ = self.laid_out.of(self)
        # never laid out yet (shown for the first time): the screen's width stands in,
        # so the first frame already has the layout of its width
        narrow = (own_width or self.app.size.width) < 100
        if self.has_class("-narrow") != narrow:
            self.set_class(narrow, "-narrow")
            # the table's width changes with the layout: its rows are measured again
            # once it is laid out (the step's own size, and so on_resize, stays put)
            self.call_after_refresh(self.refresh_from_model)
        table_width, table_height = self.table_laid_out.of(table)
        scrollbar = 2 if 3 * len(model.review_items) > max(0, table_height - 1) else 0
        members = self._group_by_member(model)
        member_width = min(16, max((len(name) for name in members), default=0)) if members else 0
        columns = 3 if members else 2
        width = max(20, (table_width or own_width) - scrollbar - 2 * columns - STATUS_WIDTH - member_width)
        headers: list[tuple[str, str, int]] = []
        if members:  # an action learning set: every member's actions, member by member
            headers.append(("Member", "member", member_width))
        headers.append(("This session", "status", STATUS_WIDTH))
        headers.append(("Action · owner · due · before", "text", width))
        rows: list[tuple[tuple[Text, ...], str]] = []
        shown = ""
        for item in model.review_items:
            cells: tuple[Text, ...] = (self._status_cell(item), self._action_cell(item, width, today))
            if members:
                owner = item.action.owner or "(no owner)"
                first = owner.casefold() != shown.casefold()
                shown = owner
                cells = (Text(one_line(owner, member_width) if first else "", style="bold"), *cells)
            rows.append((cells, item.action.id))
        # Filled again only when what it shows changed: a step change rebuilt every row.
        drawn = (headers, [(key, [(c.plain, c.spans, str(c.style)) for c in cells]) for cells, key in rows])
        if drawn != self.rows_shown:
            self.rows_shown = drawn
            table.clear(columns=True)
            for label, key, column_width in headers:
                table.add_column(label, key=key, width=column_width)
            for cells, key in rows:
                table.add_row(*cells, key=key, height=len(cells[-1].plain.split("\n")))
        empty = self.query_one("#review-empty", Static)
        if model.review_items:
            empty.update("")
            empty.display = False
            table.display = True
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        else:
            empty.display = True
            table.display = False
            empty.update("No open actions from earlier sessions: nothing to review.")
        last = self.query_one("#review-last-md", Markdown)
        if model.last_session is None:
            show_markdown(last, "_This is the team's first completed session._")
        elif model.last_later:  # a set's meeting: every presenter, their issue and actions
            show_markdown(last, meeting_look_back([model.last_session, *model.last_later], self.coach_app.catalog))
        else:
            text = session_markdown(
                model.last_session, self.coach_app.catalog, for_display=True, heading_level=3, actions_first=True
            )
            show_markdown(last, text)
        self._show_note()

    def _group_by_member(self, model: SessionModel) -> list[str]:
        """On a set's meeting, put the review list in member order (as they joined,
        then anyone else by name) and return the owners in that order; [] otherwise."""
        team = next((t for t in self.coach_app.teams if t.id == model.team.id), model.team)
        if not team.is_set:
            return []
        order = {member.name.casefold(): i for i, member in enumerate(team.members)}
        model.review_items.sort(key=lambda i: (order.get(i.action.owner.casefold(), len(order)), i.action.owner.casefold()))
        return list(dict.fromkeys(i.action.owner or "(no owner)" for i in model.review_items))

    def current_item(self) -> ReviewItem | None:
        model = self.model
        table = self.query_one(ReviewTable)
        if model is None or not model.review_items or table.cursor_row < 0:
            return None
        return model.review_items[min(table.cursor_row, len(model.review_items) - 1)]

    @on(DataTable.RowHighlighted, "#review-table")
    def _highlighted(self) -> None:
        self._show_note()

    @on(DataTable.RowSelected, "#review-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.edit_note()

    def _show_note(self) -> None:
        item = self.current_item()
        note = self.query_one("#review-note", Static)
        if item is None:
            note.update("")
            return
        action = item.action
        parts = [f"Action: {one_line(action.text, 300)}"]
        # What another coach did, and a mark of this coach's not saved because of it,
        # come before the details: the area has room for four lines.
        if item.status is None and action.status != "open":
            model = self.model
            by = action.updated_by if action.updated_by and (model is None or action.updated_by != model.coach) else ""
            now = f"Now: {status_label(action.status)}" + (f", marked by {one_line(by, 40)}" if by else "")
            if action.last_note:
                now += f" — {one_line(action.last_note, 200)}"
            parts.append(now)
        kept = self.kept.get(action.id)
        if kept is not None:
            note_text = f" — {one_line(kept[1], 200)}" if kept[1] else ""
            note_text += f" — learned: {one_line(kept[2], 200)}" if kept[2] else ""
            parts.append(f"Not saved (yours): {status_label(kept[0])}{note_text}")
        waiting = self.waiting().get(action.id)
        if waiting and item.status is None:
            parts.append(f"Note, saved once you mark how it went (d, p, s or x): {one_line(waiting, 200)}")
        details = []
        if action.owner:
            details.append(f"Owner: {visible(action.owner)}")
        if action.due:
            details.append(f"Due: {due_label(action.due)}")
        if details and not action.is_test:  # a test's four lines: the row shows these
            parts.append("   ".join(details))
        if action.is_test:
            parts.append(f"We expected: {one_line(action.prediction, 300)}")
            if item.note:
                parts.append(f"What happened: {one_line(item.note, 300)}")
            if item.learning:
                parts.append(f"Learned: {one_line(item.learning, 300)}")
        elif item.note:
            parts.append(f"Note: {one_line(item.note, 300)}")
        note.update(Content("\n".join(parts)))

    def mark(self, status: str | None) -> None:
        item = self.current_item()
        if item is None:
            return
        if status is None:
            self.controller.clear_review(item.action.id)
        else:
            kept = self.kept.pop(item.action.id, None)
            note = kept[1] if kept is not None and kept[1] and not item.note else None
            learning = kept[2] if kept is not None and kept[2] and not item.learning else None
            notes = self.waiting()
            waiting = notes.pop(item.action.id, "")
            if waiting and not item.note:
                note = waiting
            self.controller.set_review(item.action.id, status, note, learning)
            if waiting:
                self._keep_waiting(notes)  # a review now: no longer a note waiting
        self.refresh_from_model()
        if status is not None and item.action.is_test:
            self.edit_note()  # a test asks what happened and what was learned

    def waiting(self) -> dict[str, str]:
        """Action id -> a note typed before the action was marked. A review is a mark
        (and a note), so the note becomes one with the mark; until then it is kept
        in the session's draft (``review_draft``), saved as it is typed, so leaving
        the session, quitting or a crash loses none of it."""
        model = self.model
        try:
            kept = json.loads(model.review_draft) if model is not None and model.review_draft else {}
        except ValueError:
            return {}
        if not isinstance(kept, dict):
            return {}
        return {key: value for key, value in kept.items() if isinstance(key, str) and isinstance(value, str) and value}

    def _keep_waiting(self, notes: dict[str, str]) -> None:
        kept = {key: value for key, value in notes.items() if value}
        self.controller.set_fields(review_draft=json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else "")

    def edit_note(self) -> None:
        item = self.current_item()
        if item is None:
            return
        action_id = item.action.id
        kept = self.kept.get(action_id)
        marked = item.status is not None

        session_id = self.model.session_id if self.model is not None else None

        if item.action.is_test and marked:  # unmarked: a note, saved with the mark (below)

            def both(result: str, learning: str) -> None:
                # saved as typed, through the save queue, like the note
                if self.model is not None and self.model.session_id == session_id:
                    self.kept.pop(action_id, None)
                    self.controller.set_review_note(action_id, result, learning)

            def words() -> tuple[str, str] | None:
                """The result and learning as the session holds them now."""
                model = self.model
                current = model.review_item(action_id) if model is not None and model.session_id == session_id else None
                return (current.note, current.learning) if current is not None and current.status else None

            self.app.push_screen(
                LearningPromptScreen(
                    item.action.text,
                    item.action.prediction,
                    status_label(item.status),
                    kept[1] if kept is not None and kept[1] and not item.note else item.note,
                    kept[2] if kept is not None and kept[2] and not item.learning else item.learning,
                    both,
                    follows=words,
                ),
                lambda _closed: self.refresh_from_model(),
            )
            return

        def typed(value: str) -> None:
            if self.model is None or self.model.session_id != session_id:
                return
            current = self.model.review_item(action_id)
            notes = self.waiting()
            if current is None or current.status is None:
                notes[action_id] = value  # kept in the draft, a review with the mark (see mark)
                self._keep_waiting(notes)
                return
            # Saved as it is typed, like the dilemma (one write per pause in the typing).
            self.kept.pop(action_id, None)
            if notes.pop(action_id, None) is not None:
                self._keep_waiting(notes)
            self.controller.set_review_note(action_id, value)

        def done(value: str | None) -> None:
            if value is not None:
                typed(value)
            self._show_note()

        def follows() -> str | None:
            """The note as the session holds it now (another window may change it):
            the review's, or the one waiting for the mark."""
            model = self.model
            current = model.review_item(action_id) if model is not None and model.session_id == session_id else None
            if current is None:
                return None
            return current.note if current.status is not None else self.waiting().get(action_id, "")

        self.app.push_screen(
            TextPromptScreen(
                f"Note on: {one_line(item.action.text, 60)}",
                value=(
                    kept[1]
                    if kept is not None and kept[1] and not item.note
                    else item.note or self.waiting().get(action_id, "")
                ),
                multiline=True,
                help_text=(
                    "What happened? It is saved as you type; ctrl+s or esc closes."
                    if marked
                    else "What happened? It is kept as you type; ctrl+s or esc closes, then mark "
                    "how it went (d, p, s or x) and it is saved with the mark."
                ),
                on_change=typed,
                follows=follows,
            ),
            done,
        )

    # --- another coach changed an action first --------------------------------------------

    @on(ConflictFound)
    def _conflict_found(self, event: ConflictFound) -> None:
        event.stop()
        self._conflicts.ask(self.app, event.conflict)

    def _yours(self, conflict: Conflict) -> tuple[str | None, str, str]:
        """What the coach wants for the action now: the newest mark, note and learning
        on screen (typed after the refused write too), else the refused write's."""
        model = self.model
        item = model.review_item(conflict.action_id) if model is not None else None
        if model is not None and model.session_id == conflict.session_id and item is not None and item.status:
            return item.status, item.note, item.learning
        return conflict.status, conflict.note, conflict.learning

    def _settle(self, conflict: Conflict, keep: bool) -> None:
        self._settling = conflict
        self._read_action(conflict, keep)

    @in_thread(group="review-conflict", doing="reload the action", then="_read", failed="_not_read")
    def _read_action(self, conflict: Conflict, keep: bool) -> tuple[Conflict, bool, ActionInfo, ReviewInfo | None]:
        """Read the action, and this session's review of it, as they are now."""
        store = self.coach_app.ready_store
        current = store.get_action(conflict.action_id)
        review = next(
            (r for a, r in store.actions_to_review(conflict.session_id) if a.id == conflict.action_id),
            None,
        )
        return conflict, keep, current, review

    def _read(self, result: tuple[Conflict, bool, ActionInfo, ReviewInfo | None]) -> None:
        self._settled(*result)

    def _not_read(self, error: BaseException) -> None:
        if self._settling is not None:
            self._not_settled(self._settling, reason(error))

    def _not_settled(self, conflict: Conflict, message: str) -> None:
        self.kept[conflict.action_id] = self._yours(conflict)
        self.controller.saver.resolve(conflict.action_id)
        self.app.notify(
            f"Could not reload it: {message} Your mark is kept below the list: mark it again to save it.",
            severity="error",
            markup=False,
            timeout=10,
        )
        self._show_note()

    def _rescue_theirs(self, model: SessionModel, item: ReviewItem, review: ReviewInfo | None) -> object:
        """Keep the session, with the other window's review of ``item`` (``review``),
        in a rescue file: keep mine is about to write over its words."""
        from dataclasses import replace

        if review is None:
            return None
        theirs = replace(
            item, status=review.status, note=review.note, learning=review.learning, reviewed_at=review.created_at
        )
        items = [theirs if other is item else other for other in model.review_items]
        return self.coach_app.recovery.write_copy(theirs=replace(model, review_items=items))

    def _settled(self, conflict: Conflict, keep: bool, current: ActionInfo, review: ReviewInfo | None) -> None:
        controller = self.controller
        model = self.model
        item = model.review_item(conflict.action_id) if model is not None else None
        if model is None or model.session_id != conflict.session_id or item is None:
            controller.saver.resolve(conflict.action_id)
            return  # the coach has moved on to another session
        yours = self._yours(conflict)
        controller.seen(current.id, current.version)
        controller.saver.resolve(current.id)  # before a re-applied change is queued
        item.action = current
        who = (
            one_line(changer(current.updated_by, self.coach_app.settings.coach_name), 40)
            if current.updated_by.strip()
            else conflict.who
        )
        if keep:
            self.kept.pop(current.id, None)
            # both windows' lines of the note are kept; words of theirs that mine
            # overlap, and so write over, are kept in a rescue file first
            theirs = (review.note, review.learning) if review is not None else ("", "")
            (note, learning), replaced = controller.merge_review(current.id, (yours[1], yours[2]), theirs)
            path = self._rescue_theirs(model, item, review) if replaced else None
            controller.set_review(current.id, yours[0] or "open", note, learning)
            kept = f" What you wrote over ({', '.join(replaced)}): theirs is kept in {path}." if path is not None else ""
            self.app.notify(
                f"Saving your mark on top of {who}'s change.{kept}", markup=False, timeout=10 if kept else 5
            )
        else:
            item.status = review.status if review is not None else None
            item.note = review.note if review is not None else ""
            item.learning = review.learning if review is not None else ""
            item.reviewed_at = review.created_at if review is not None else None
            self.kept[current.id] = yours
            self.app.notify(
                f"Reloaded: now {status_label(current.status)}, as {who} left it. "
                "Your mark is kept below the list: mark it again to save it.",
                markup=False,
                timeout=8,
            )
        self.refresh_from_model()
        changed = getattr(self.screen, "session_changed", None)
        if changed is not None:
            changed()  # the step bar follows the model
