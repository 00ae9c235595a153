"""One session in full: everything it recorded, the actions it agreed and reviewed.

From here a session can be amended (reopened in the session flow), exported, copied
or deleted for good. Dismisses with True when the session changed or went.

Deleting names the version of the session this screen shows: if another coach
changed it since, nothing is deleted and the coach reloads it (to see the change)
or deletes it anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from coachtui.store.exchange.markdown import session_markdown
from coachtui.store.types import SessionDetail, SessionFilter
from coachtui.text import one_line
from coachtui.ui.modals import ConfirmScreen, ConflictScreen
from coachtui.ui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from coachtui.store.errors import StaleRecord
    from coachtui.ui.app import CoachApp


class SessionDetailScreen(Screen[bool]):
    HELP = """\
## A session

Everything the session recorded: the dilemma, its category, the questions and notes,
the earlier actions it reviewed and the actions it agreed.

| key | |
|---|---|
| **]** / **[** | the team's next older / newer session |
| **a** | amend: reopen it in the session steps |
| **x** | export it to a file (Markdown, JSON or CSV) |
| **y** | copy it as Markdown |
| **delete** | delete it for good (asks first) |
| **esc** | back |
"""

    BINDINGS = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("a", "amend", "Amend", id="detail.amend"),
        Binding("x", "export", "Export", id="detail.export"),
        Binding("y", "copy", "Copy", show=False, id="detail.copy"),  # in f1 help, as [ is
        Binding("delete", "delete", "Delete", id="detail.delete"),
        Binding("right_square_bracket", "move(1)", "Older", key_display="]", id="detail.older"),
        # Not in the footer, to keep it whole at 80 columns ("] Older" tells the pair).
        Binding("left_square_bracket", "move(-1)", "Newer", key_display="[", show=False, id="detail.newer"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__(id="detail-screen")
        self.session_id = session_id
        self.detail: SessionDetail | None = None
        self.changed = False
        # The team's sessions, newest first, to read on with ] and [ (None: not yet read).
        self.team_sessions: list[str] | None = None

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with VerticalScroll(id="detail-scroll"):
            yield Markdown("Loading…", id="detail-md")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-scroll").focus()
        self._load()

    @work(thread=True, exclusive=True, group="detail")
    def _load(self) -> None:
        from coachtui.store.errors import StoreError

        store = self.coach_app.ready_store
        try:
            detail = store.get_session(self.session_id)
            team_sessions = self.team_sessions
            if team_sessions is None or detail.id not in team_sessions:
                team_sessions = store.session_ids_matching(SessionFilter(team_id=detail.team_id))
        except StoreError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, detail, team_sessions)

    def _failed(self, message: str) -> None:
        self.app.notify(message, severity="error", markup=False)
        self.dismiss(True)

    def _show(self, detail: SessionDetail, team_sessions: list[str]) -> None:
        if detail.id != self.session_id:
            return  # the coach has moved on with ] or [ meanwhile
        self.detail = detail
        self.team_sessions = team_sessions
        where = ""  # first, where a narrow screen cannot cut it off
        if detail.id in team_sessions:
            where = f"{team_sessions.index(detail.id) + 1} of {len(team_sessions)}: "
        self.query_one(StatusBar).context = f"{where}{detail.team_name} — {detail.title or 'untitled session'}"
        self.query_one("#detail-md", Markdown).update(
            session_markdown(detail, self.coach_app.catalog, for_display=True)
        )
        self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)

    def action_move(self, step: int) -> None:
        """The team's next older (1) or newer (-1) session, in place of this one."""
        sessions = self.team_sessions
        if sessions is None or self.session_id not in sessions:
            return
        at = sessions.index(self.session_id) + step
        if not 0 <= at < len(sessions):
            which = "oldest" if step > 0 else "newest"
            self.app.notify(f"This is the team's {which} session.", markup=False)
            return
        self.session_id = sessions[at]
        self.detail = None  # nothing to amend, export or delete until it is shown
        self._load()

    def action_back(self) -> None:
        self.dismiss(self.changed)

    def action_copy(self) -> None:
        if self.detail is not None:
            self.app.copy_to_clipboard(session_markdown(self.detail, self.coach_app.catalog))
            self.app.notify("Session copied as Markdown (if your terminal allows clipboard access).", markup=False)

    def action_export(self) -> None:
        if self.detail is not None:
            self.coach_app.exports.sessions([self.detail.id], suggested=self.detail.team_name)

    def action_amend(self) -> None:
        detail = self.detail
        if detail is None:
            return
        self.dismiss(True)
        self.coach_app.drafts.amend(detail.id)

    def action_delete(self) -> None:
        detail = self.detail
        if detail is None:
            return
        open_now = self.coach_app.session.model
        if open_now is not None and open_now.session_id == detail.id:
            # Deleting it would leave the coach typing into a session that cannot be saved.
            self.app.notify(
                "This session is open in the session screen (f2), so it cannot be deleted. "
                "Start another session first (ctrl+p, New session), then delete it.",
                severity="warning",
                markup=False,
                timeout=8,
            )
            return
        title = one_line(detail.title, 50) or "untitled"

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(detail.id, detail.version)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete the session “{title}” of {one_line(detail.team_name, 40)} for good, with its "
                "questions, notes and the actions it agreed? This cannot be undone.",
                yes="Delete for good",
                no="Keep",
                danger=True,
            ),
            done,
        )

    @work(thread=True, group="detail-delete")
    def _delete(self, session_id: str, version: int) -> None:
        from coachtui.store.errors import StaleRecord, StoreError

        try:
            self.coach_app.ready_store.delete_session(session_id, expected_version=version)
        except StaleRecord as exc:
            self.app.call_from_thread(self._changed_meanwhile, session_id, exc)
            return
        except StoreError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._deleted)

    def _changed_meanwhile(self, session_id: str, error: StaleRecord) -> None:
        """Someone changed the session since it was shown: nothing was deleted."""

        def done(choice: str | None) -> None:
            if choice == "keep":
                self._delete(session_id, error.current_version)
            else:
                self.query_one("#detail-md", Markdown).update("Loading…")
                self._load()
                self.app.notify("Reloaded: this is the session as it is now.", markup=False)

        self.app.push_screen(
            ConflictScreen(str(error), "You asked to delete it for good.", keep_label="Delete anyway"), done
        )

    def _deleted(self) -> None:
        self.app.notify("Session deleted for good. (coachtui vacuum clears it from the file's free space too.)",
                        markup=False)
        self.dismiss(True)
