"""Unfinished sessions: offered at start, resumed from the palette, reopened to amend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.session.model import SessionModel
    from coachtui.store.api import Store
    from coachtui.store.types import SessionInfo
    from coachtui.ui.app import CoachApp


def session_model(store: Store, session_id: str) -> SessionModel:
    """Everything the steps show of a saved session (in a worker thread): the session,
    its team, the earlier actions it reviews and the team's session before it."""
    from coachtui.session.model import SessionModel

    detail = store.get_session(session_id)
    team = store.get_team(detail.team_id)
    to_review = store.actions_to_review(session_id)
    last = store.last_session(team.id, before=session_id)
    return SessionModel.from_detail(detail, team, to_review, last)


class Drafts:
    def __init__(self, app: CoachApp) -> None:
        self.app = app

    def offer(self, drafts: list[SessionInfo]) -> None:
        """At start: offer the coach's own drafts, or go straight to the team list."""
        from coachtui.ui.modals import ResumeScreen

        app = self.app
        drafts = self.own(drafts)
        team_step = app.session_screen.pane("team")
        if not drafts:
            team_step.activate()
            return
        team_step.forget_pending_choice()  # type: ignore[attr-defined]

        def done(choice: str | None) -> None:
            if choice and choice != "new":
                self.resume(choice)
            else:
                app.session_screen.pane("team").activate()

        app.push_screen(ResumeScreen(drafts, discard=self.discard), done)

    def own(self, drafts: list[SessionInfo]) -> list[SessionInfo]:
        """The drafts to offer at start: this coach's own (and unnamed ones). A shared
        or synced database holds other coaches' unfinished sessions too; those stay
        one palette command away ("Resume a draft"). Demo mode offers all of them."""
        me = " ".join(self.app.settings.coach_name.split()).casefold()
        if self.app.demo or not me:
            return drafts
        return [d for d in drafts if " ".join(d.coach.split()).casefold() in ("", me)]

    def discard(self, session_id: str) -> None:
        self.app.saver.submit("discard draft", lambda store: store.discard_draft(session_id))

    def resume(self, session_id: str) -> None:
        if not self.app.recovery.keeps_unsaved_session():
            self._load(session_id)

    def amend(self, session_id: str) -> None:
        """Reopen a completed session as a draft and carry on with it in the steps."""
        self._load(session_id, reopen=True)

    @in_thread(exclusive=True, group="session-load")
    def _load(self, session_id: str, *, reopen: bool = False) -> None:
        from coachtui.store.errors import StoreError

        app = self.app
        store = app.store
        if store is None:
            return
        try:
            app.saver.flush(timeout=3)
            if reopen:
                store.reopen_session(session_id)
            model = session_model(store, session_id)
        except StoreError as exc:
            what = "reopen it" if reopen else "open that session"
            app.call_from_thread(app.notify, f"Could not {what}: {exc}", severity="error", markup=False)
            return
        app.call_from_thread(self._amend_shown if reopen else app.session_screen.resume, model)

    def _amend_shown(self, model: SessionModel) -> None:
        self.app.switch_mode("session")
        self.app.session_screen.resume(model)
        self.app.notify("Reopened for amending: it is a draft again until you complete it.", markup=False)

    # --- "Resume a draft" in the palette ---------------------------------------------------------

    def pick(self) -> None:
        self._load_for_palette()

    @in_thread(exclusive=True, group="drafts")
    def _load_for_palette(self) -> None:
        app = self.app
        store = app.store
        if store is None:
            return
        current = app.session.model.session_id if app.session.model else None
        empty = store.empty_draft_ids()
        drafts = [d for d in store.list_drafts() if d.id != current and d.id not in empty]
        app.call_from_thread(self._show, drafts)

    def _show(self, drafts: list[SessionInfo]) -> None:
        from coachtui.ui.modals import ResumeScreen

        app = self.app
        if not drafts:
            app.notify("No other unfinished sessions.", markup=False)
            return

        def done(choice: str | None) -> None:
            if choice and choice != "new":
                if app.current_mode != "session":
                    app.switch_mode("session")
                self.resume(choice)

        app.push_screen(ResumeScreen(drafts, discard=self.discard), done)
