"""Unfinished sessions: offered at start, resumed from the palette, reopened to amend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coachtui.ui.messages import ConflictFound, WriteDone, WriteRefused
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.session.conflicts import Conflict
    from coachtui.session.model import SessionModel
    from coachtui.store.types import SessionInfo
    from coachtui.ui.app import CoachApp
    from coachtui.ui.modals import ResumeScreen


class Drafts:
    def __init__(self, app: CoachApp) -> None:
        self.app = app
        self._offered: ResumeScreen | None = None  # the offer at start, while it is showing

    def offer(self, drafts: list[SessionInfo], *, typed_before: int = 0) -> None:
        """At start: offer the coach's own drafts, or go straight to the team list.

        The offer comes once the database is open, which can take seconds on a busy
        machine, and the team list is on the screen well before that. If the coach
        has typed since it came up (``typed_before``: keys that arrived before the team
        list was theirs, such as the name prompt's), a dialog now would take keys
        meant for the list (a team's name, enter, a title): then the drafts are
        named in a notice instead, and what was typed is carried out."""
        from coachtui.ui.modals import ResumeScreen

        app = self.app
        drafts = self.own(drafts)
        team_step = app.session_screen.team_step
        if not drafts:
            team_step.activate()
            return
        if app.keys.arrived > typed_before:
            team_step.activate()
            self._name_in_notice(drafts)
            return
        team_step.forget_pending_choice()
        screen = self._offered = ResumeScreen(drafts, discard=self.discard, at_start=True)

        def done(choice: str | None) -> None:
            if self._offered is not screen:
                return  # closed by a draft opened another way (close_offer)
            self._offered = None
            if choice == ResumeScreen.TYPING_ON:  # typed as it came up: the keys are the list's
                app.session_screen.pane("team").activate()
                self._name_in_notice(screen.drafts)
            elif choice and choice != "new":
                self.resume(choice)
            else:
                app.session_screen.pane("team").activate()

        app.push_screen(screen, done)

    def _name_in_notice(self, drafts: list[SessionInfo]) -> None:
        """The drafts are not offered in a dialog (the coach is typing on the team
        list): a notice names them, and how to carry on with one."""
        many = len(drafts) > 1
        self.app.notify(
            f"You have {len(drafts)} unfinished session{'s' if many else ''}: ctrl+p, "
            f"\"Resume a draft\" carries on with {'one' if many else 'it'}.",
            title="Unfinished sessions",
            timeout=20,
            markup=False,
        )

    def close_offer(self) -> None:
        """A draft is being opened another way (the palette's "Resume a draft", or
        amending from history): that answers the offer at start, which closes, so
        the keys typed next reach the session, not a dialog left behind it."""
        screen, self._offered = self._offered, None
        if screen is not None and self.app.screen is screen:
            screen.dismiss(None)

    def own(self, drafts: list[SessionInfo]) -> list[SessionInfo]:
        """The drafts to offer at start: this coach's own (and unnamed ones). A shared
        or synced database holds other coaches' unfinished sessions too; those stay
        one palette command away ("Resume a draft"). Demo mode offers all of them."""
        me = " ".join(self.app.settings.coach_name.split()).casefold()
        if self.app.demo or not me:
            return drafts
        return [d for d in drafts if " ".join(d.coach.split()).casefold() in ("", me)]

    def discard(self, session_id: str) -> None:
        def discard(store: Any) -> None:
            from coachtui import rescue

            parts = [part.id for part in store.meeting(session_id)]  # a meeting goes with every presenter
            store.discard_draft(session_id)
            rescue.remove_for(parts)  # deleted for good: their rescue copies too

        self.app.saver.submit("discard draft", discard)

    def resume(self, session_id: str, *, afresh: bool = False) -> None:
        """Open the draft ``session_id``; ``afresh``: an empty draft taken as a new
        session, which opens as a new one does (on the review of earlier actions, or
        on the dilemma when there are none), not on the step it was left on."""
        self.close_offer()
        self.app.recovery.when_still_there(lambda: self._load(session_id, afresh))

    def amend(self, session_id: str, version: int) -> None:
        """Reopen a completed session as a draft (the version the coach saw, through
        the save queue) and carry on with it in the steps."""
        app = self.app
        app.edits.reopen_session(
            session_id,
            version,
            on_done=lambda model: app.post_message(WriteDone("amend", session_id, model)),
            on_conflict=lambda conflict: app.post_message(ConflictFound(conflict)),
            on_refused=lambda exc: app.post_message(WriteRefused("amend", session_id, str(exc))),
        )

    def amend_written(self, parts: list[SessionModel]) -> None:
        self.app.switch_mode("session")
        self.close_offer()
        self.app.session_screen.resume(parts[0], parts)
        self.app.notify("Reopened for amending: it is a draft again until you complete it.", markup=False)

    def amend_refused(self, conflict: Conflict) -> None:
        """Someone changed the session since the coach opened it: the same question
        as everywhere. Amend anyway reopens it as it is now; reload shows it again."""
        from coachtui.ui.conflicts import ask_keep_or_reload

        app = self.app

        def done(choice: str | None) -> None:
            app.saver.resolve(conflict.record_id)
            if choice == "keep" and conflict.again is not None:
                conflict.again(conflict.current_version)
            else:
                from coachtui.ui.screens.detail import SessionDetailScreen

                app.push_screen(SessionDetailScreen(conflict.record_id))
                app.notify(f"Reloaded: this is the session as {conflict.who} left it.", markup=False)

        ask_keep_or_reload(app, conflict, done)

    @in_thread(exclusive=True, group="session-load", doing="open that session", then="_loaded")
    def _load(self, session_id: str, afresh: bool = False) -> tuple[list[SessionModel], bool] | None:
        from coachtui.session.model import SessionModel

        app = self.app
        store = app.store
        if store is None:
            return None
        app.saver.flush(timeout=3)  # the draft as this app last typed it
        parts = SessionModel.load_meeting(store, session_id)  # every presenter of a set's meeting
        return (parts, afresh) if parts else None

    def _loaded(self, loaded: tuple[list[SessionModel], bool] | None) -> None:
        if loaded is None:
            return
        parts, afresh = loaded
        if afresh:
            self.app.session_screen.carry_on_afresh(parts[0])
        else:
            self.app.session_screen.resume(parts[0], parts)

    # --- "Resume a draft" in the palette ---------------------------------------------------------

    def pick(self) -> None:
        self._load_for_palette()

    @in_thread(exclusive=True, group="drafts", doing="read the drafts", then="_show")
    def _load_for_palette(self) -> list[SessionInfo] | None:
        app = self.app
        store = app.store
        if store is None:
            return None
        current = app.session.model.session_id if app.session.model else None
        empty = store.empty_draft_ids()
        return [d for d in store.list_drafts() if d.id != current and d.id not in empty]

    def _show(self, drafts: list[SessionInfo] | None) -> None:
        from coachtui.ui.modals import ResumeScreen

        app = self.app
        if drafts is None:
            return
        if not drafts:
            app.notify("No other unfinished sessions.", markup=False)
            return

        def done(choice: str | None) -> None:
            if choice and choice != "new":
                if app.current_mode != "session":
                    app.switch_mode("session")
                self.resume(choice)

        app.push_screen(ResumeScreen(drafts, discard=self.discard), done)
