"""One session in full: everything it recorded, the actions it agreed and reviewed.

From here a session can be amended (reopened in the session flow), exported, copied
or deleted for good. Dismisses with True when the session changed or went.

Deleting names the version of the session this screen shows: if another coach
changed it since, nothing is deleted and the coach reloads it (to see the change)
or deletes it anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

from coachtui.store.exchange.markdown import meeting_markdown
from coachtui.store.types import SessionDetail, SessionFilter
from coachtui.text import one_line, session_label
from coachtui.ui.appref import coach_app
from coachtui.ui.messages import ConflictFound, WriteDone, WriteRefused, deliver
from coachtui.ui.modals import ConfirmScreen
from coachtui.ui.widgets.statusbar import StatusBar
from coachtui.ui.workers import in_thread, reason, tell

if TYPE_CHECKING:
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

    def __init__(self, session_id: str, *, read_only: bool = False) -> None:
        super().__init__(id="detail-screen")
        self.session_id = session_id
        # another team's session opened from "What others tried": read, not changed
        self.read_only = read_only
        self.detail: SessionDetail | None = None
        # a set's meeting opened by its first session: every presenter's part, in turn
        self.parts: list[SessionDetail] = []
        self.changed = False
        # The team's sessions, newest first, to read on with ] and [ (None: not yet read).
        self.team_sessions: list[str] | None = None

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with VerticalScroll(id="detail-scroll"):
            yield Markdown("Loading…", id="detail-md")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and action in ("amend", "delete"):
            return False
        return True

    def on_mount(self) -> None:
        self.query_one("#detail-scroll").focus()
        self._load()

    @in_thread(exclusive=True, group="detail", doing="read the session", then="_show", failed="_failed")
    def _load(self) -> tuple[SessionDetail, list[SessionDetail], list[str]]:
        store = self.coach_app.ready_store
        detail = store.get_session(self.session_id)
        # a meeting's first session stands for the meeting (as history lists it)
        parts = store.meeting(detail.id) if detail.meeting_id is None else [detail]
        team_sessions = self.team_sessions
        if team_sessions is None or detail.id not in team_sessions:
            team_sessions = store.session_ids_matching(SessionFilter(team_id=detail.team_id), parts=False)
        return detail, parts, team_sessions

    def _failed(self, error: BaseException) -> None:
        tell(self.app, reason(error))
        self.dismiss(True)

    def _show(self, result: tuple[SessionDetail, list[SessionDetail], list[str]]) -> None:
        detail, parts, team_sessions = result
        if detail.id != self.session_id:
            return  # the coach has moved on with ] or [ meanwhile
        self.detail = detail
        self.parts = parts
        self.team_sessions = team_sessions
        where = ""  # first, where a narrow screen cannot cut it off
        if detail.id in team_sessions:
            where = f"{team_sessions.index(detail.id) + 1} of {len(team_sessions)}: "
        self.query_one(StatusBar).context = f"{where}{one_line(detail.team_name, 40)} — {self.shown_as()}"
        self.query_one("#detail-md", Markdown).update(
            meeting_markdown(parts or [detail], self.coach_app.catalog, for_display=True)
        )
        self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)

    def shown_as(self) -> str:
        """What history calls this row: a meeting by its presenters, a session by its
        title or the start of its dilemma."""
        detail = self.detail
        if detail is None:
            return ""
        if len(self.parts) > 1:
            return "Meeting: " + ", ".join(one_line(p.presenter, 30) or "?" for p in self.parts)
        label = session_label(detail.title, detail.dilemma, 50) or "untitled session"
        return f"{one_line(detail.presenter, 30)}: {label}" if detail.presenter.strip() else label

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
            self.app.copy_to_clipboard(meeting_markdown(self.parts or [self.detail], self.coach_app.catalog))
            self.app.notify("Session copied as Markdown (if your terminal allows clipboard access).", markup=False)

    def action_export(self) -> None:
        if self.detail is not None:
            ids = [part.id for part in self.parts] or [self.detail.id]
            self.coach_app.exports.sessions(ids, suggested=self.detail.team_name)

    def action_amend(self) -> None:
        detail = self.detail
        if detail is None:
            return
        self.dismiss(True)
        self.coach_app.drafts.amend(detail.id, detail.version)

    def action_delete(self) -> None:
        detail = self.detail
        if detail is None:
            return
        parts = self.parts or [detail]
        meeting = len(parts) > 1
        open_now = {part.session_id for part in self.coach_app.session.parts}
        if self.coach_app.session.model is not None and open_now & {part.id for part in parts}:
            # Deleting it would leave the coach typing into a session that cannot be saved.
            what = "meeting" if meeting else "session"
            self.app.notify(
                f"This {what} is open in the session screen (f2), so it cannot be deleted. "
                f"Start another session first (ctrl+p, New session), then delete it.",
                severity="warning",
                markup=False,
                timeout=8,
            )
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(detail.id, detail.version)

        team = one_line(detail.team_name, 40)
        if meeting:
            names = ", ".join(one_line(part.presenter, 30) or "?" for part in parts)
            question = (
                f"Delete the meeting of {team} on {detail.created_at.astimezone():%Y-%m-%d} with {len(parts)} "
                f"presenters ({names}) for good, with every presenter's dilemma, questions, notes and the "
                "actions they agreed? This cannot be undone."
            )
        else:
            title = session_label(detail.title, detail.dilemma, 50)
            named = f"the session “{title}”" if title else "the untitled session"
            question = (
                f"Delete {named} of {team} for good, with its questions, notes and the actions it agreed? "
                "This cannot be undone."
            )
        self.app.push_screen(
            ConfirmScreen(question, yes="Delete for good", no="Keep", danger=True),
            done,
        )

    def _delete(self, session_id: str, version: int) -> None:
        """Queue the deletion, of the version this screen shows only."""
        app = self.coach_app
        app.edits.delete_session(
            session_id,
            version,
            on_done=lambda _none: deliver(app, self, WriteDone("deleted", session_id)),
            on_conflict=lambda conflict: deliver(app, self, ConflictFound(conflict)),
            on_refused=lambda exc: deliver(app, self, WriteRefused("delete", session_id, str(exc))),
        )

    @on(ConflictFound)
    def _changed_meanwhile(self, event: ConflictFound) -> None:
        """Someone changed the session since it was shown: nothing was deleted."""
        from coachtui.ui.conflicts import ask_keep_or_reload

        event.stop()
        conflict = event.conflict

        def done(choice: str | None) -> None:
            self.coach_app.saver.resolve(conflict.record_id)
            if choice == "keep" and conflict.again is not None:
                conflict.again(conflict.current_version)
            else:
                self.query_one("#detail-md", Markdown).update("Loading…")
                self._load()
                self.app.notify("Reloaded: this is the session as it is now.", markup=False)

        ask_keep_or_reload(self.app, conflict, done)

    @on(WriteRefused)
    def _not_deleted(self, event: WriteRefused) -> None:
        event.stop()
        self.app.notify(event.error, severity="error", markup=False)

    @on(WriteDone)
    def _deleted(self, event: WriteDone) -> None:
        event.stop()
        what = f"Meeting of {len(self.parts)} presenters" if len(self.parts) > 1 else "Session"
        self.app.notify(f"{what} deleted for good. (coachtui vacuum clears it from the file's free space too.)",
                        markup=False)
        self.dismiss(True)
