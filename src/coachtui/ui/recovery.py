"""The open session's saves refused for good: another window or coach saved it
first, or it is gone. The coach is asked (at a pause in the typing) to keep theirs,
reload, or keep the text as a new draft; meanwhile it is kept in a private file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from coachtui.text import one_line
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.session.conflicts import Conflict
    from coachtui.session.model import SessionModel
    from coachtui.ui.app import CoachApp

# Seconds without typing before a dialog about a refused save opens.
PAUSE_BEFORE_ASKING = 0.8


class Recovery:
    def __init__(self, app: CoachApp) -> None:
        self.app = app
        self.asking_about: set[str] = set()  # sessions the coach is being asked about
        # Private copies of sessions whose saves were refused, one file a session.
        self.copies: dict[str, Path] = {}
        self.copy_due = False

    # --- while the session cannot be saved ----------------------------------------------------

    def session_changed(self) -> None:
        app = self.app
        try:
            screen = app.session_screen
        except Exception:  # noqa: BLE001 - during start-up
            return
        screen.session_changed()
        if self.unsettled() and not self.copy_due:
            # The database refuses this session's saves until the coach settles it:
            # what is typed meanwhile goes to a private file, within half a second.
            self.copy_due = True
            app.set_timer(0.5, self._keep_unsettled_copy)

    def unsettled(self) -> bool:
        """Whether the open session's saves are refused for now (another window
        or coach saved it first, or it is gone) and wait for the coach's answer."""
        model = self.app.session.model
        if model is None:
            return False
        return model.session_id in self.app.saver.conflicts or self.app.saver.is_lost(model.session_id)

    def _keep_unsettled_copy(self) -> None:
        self.copy_due = False
        if self.unsettled():
            self.write_copy(quiet=True)

    def write_copy(self, *, quiet: bool = False, theirs: SessionModel | None = None) -> Path | None:
        """Write the open session, as on screen, to a private Markdown file: one
        file a session, written again with each call (``quiet``: no notification
        when it cannot be written; the next change tries again). ``theirs``: write
        that version instead (another window's, about to be written over by keep
        mine), to a file of its own."""
        import datetime as dt

        from coachtui import rescue
        from coachtui.config import write_private_text
        from coachtui.store.exchange.markdown import session_markdown

        app = self.app
        model = theirs if theirs is not None else app.session.model
        if model is None:
            return None
        # the session's id on the first line: deleting it for good removes the file
        text = rescue.contents(model.session_id, session_markdown(model.to_detail(), app.catalog))
        known = self.copies.get(model.session_id) if theirs is None else None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        candidates = [known] if known is not None else [
            folder / rescue.file_name(model.session_id, stamp, theirs=theirs is not None)
            for folder in (rescue.folder(), Path.home())
        ]
        errors = []
        for path in candidates:
            try:
                write_private_text(path, text)
            except OSError as exc:
                errors.append(f"{path.parent}: {exc.strerror or exc}")
                continue
            if theirs is None:
                self.copies[model.session_id] = path
            return path
        if not quiet:
            app.notify("Could not write a copy: " + "; ".join(errors), severity="error", markup=False)
        return None

    # --- asking the coach ------------------------------------------------------------------------

    def _in_hand(self, session_id: str) -> bool:
        """Whether ``session_id`` is the part on screen, bringing it in hand first when
        it is another presenter of the open meeting (each presenter's saves are
        settled with their own part on screen)."""
        parts = [part.session_id for part in self.app.session.parts]
        model = self.app.session.model
        if model is not None and model.session_id != session_id and session_id in parts:
            self.app.session_screen.show_presenter(parts.index(session_id))
            model = self.app.session.model
        return model is not None and model.session_id == session_id

    def refused(self, conflict: Conflict) -> None:
        app = self.app
        model = app.session.model
        if model is None or not self._in_hand(conflict.session_id):
            app.saver.resolve(conflict.session_id)
            return
        if conflict.session_id in self.asking_about:
            return  # one question at a time; the answer settles every refusal
        if self._answered_before(conflict):
            return  # a save under way as the coach answered, told late: settled by it
        self.asking_about.add(conflict.session_id)
        self.write_copy(quiet=True)  # until the coach answers, the text is safe in a file
        self._ask_at_a_pause(conflict)

    def _answered_before(self, conflict: Conflict) -> bool:
        """The refused save named a version older than the one the coach's last
        answer (reload, or keep mine) gave the session: it was under way as they
        answered, and the news of it came after. The answer settled it."""
        named = getattr(conflict.error, "expected_version", None)
        known = self.app.saver.version_of(conflict.session_id)
        return isinstance(named, int) and known is not None and named < known

    def _ask_at_a_pause(self, conflict: Conflict) -> None:
        """Ask once the coach pauses: a dialog popping up mid-word would take the
        next keys (and a letter could answer it). Until then the status bar says
        the typing is not saved, and what is typed stays in the field."""
        app = self.app
        if not self._in_hand(conflict.session_id):
            self.asking_about.discard(conflict.session_id)
            app.saver.resolve(conflict.session_id)
            return
        if app.saver.quiet_for() < PAUSE_BEFORE_ASKING:
            app.set_timer(0.2, lambda: self._ask_at_a_pause(conflict))
            return
        if conflict.kind == "lost":
            self._offer_new_draft(conflict)
        else:
            self._ask_keep_or_reload(conflict)

    def keeps_unsaved_session(self) -> bool:
        """Before the open session is closed (a new session, another draft): if its
        typing cannot be saved, say so and offer to keep it, instead of dropping it.
        True: the coach is being asked; do not close it now."""
        app = self.app
        waiting = [part for part in app.session.parts if part.session_id in app.saver.conflicts]
        if waiting and app.session.model not in waiting:  # another presenter's: theirs on screen
            self._in_hand(waiting[0].session_id)
        model = app.session.model
        if model is None or model.session_id not in app.saver.conflicts:
            return False
        if app.saver.is_lost(model.session_id) and model.session_id not in self.asking_about:
            from coachtui.session.conflicts import Conflict
            from coachtui.store.errors import NotFound

            self.asking_about.add(model.session_id)
            why = app.saver.conflicts[model.session_id]
            error = NotFound(why[:1].upper() + why[1:] + ".")  # not capitalize(): "deleted by bo lind"
            self._offer_new_draft(Conflict("lost", model.session_id, model.session_id, error))
        else:
            app.notify(
                "This session's latest typing is not saved (see the status bar): settle that first.",
                severity="warning",
                markup=False,
            )
        return True

    def when_still_there(self, then: Callable[[], object]) -> None:
        """Before the open session is left for another (a new session, another
        draft): ``then`` once it is known to be still in the database. Deleted for
        good in another window while this one typed nothing (no refused save said
        so), it is lost now, and the coach is offered to keep its text first."""
        app = self.app
        if self.keeps_unsaved_session():
            return
        model = app.session.model
        if model is None or model.is_empty:
            then()
            return
        self._check_still_there(model.session_id, then)

    @in_thread(group="session-still-there", doing="check the session is still there", then="_checked")
    def _check_still_there(
        self, session_id: str, then: Callable[[], object]
    ) -> tuple[str, BaseException | None, Callable[[], object]]:
        from coachtui.ui.saving import gone

        return session_id, gone(self.app, session_id), then

    def _checked(self, result: tuple[str, BaseException | None, Callable[[], object]]) -> None:
        session_id, lost, then = result
        model = self.app.session.model
        if model is None or model.session_id != session_id:
            return  # the coach has moved on meanwhile
        if lost is not None:
            self.app.saver.mark_lost(session_id, lost)
            self.keeps_unsaved_session()
            return
        then()

    def _offer_new_draft(self, conflict: Conflict) -> None:
        from coachtui.ui.modals import ChoiceScreen

        app = self.app

        def done(choice: str | None) -> None:
            self.asking_about.discard(conflict.session_id)
            model = app.session.model
            if model is None or model.session_id != conflict.session_id:
                return
            if choice == "new":
                app.session.keep_as_new_draft()
                app.notify("Kept as a new draft: everything you typed is saved again.", markup=False)
            elif choice == "copy":
                path = self.write_copy()
                if path is not None:
                    app.notify(f"A copy is in {path}. This session is still not saved.", markup=False, timeout=10)

        reason = one_line(str(conflict.error), 160)
        app.push_screen(
            ChoiceScreen(
                f"{reason} What you typed is still on your screen, but it cannot be saved into that session: "
                "keep it as a new draft, or save a copy to a file?",
                [
                    # short enough for all three to show side by side at 80 columns
                    ("n", "New draft", "new"),
                    ("s", "Copy to a file", "copy"),
                    ("esc", "Not now", ""),
                ],
            ),
            done,
        )

    def _presenter_of(self, session_id: str) -> tuple[str, int]:
        """(presenter, turn) when the session is one part of the open meeting of
        several presenters; ("", 0) otherwise."""
        parts = self.app.session.parts
        if len(parts) < 2:
            return "", 0
        for index, part in enumerate(parts):
            if part.session_id == session_id:
                return part.presenter or f"Presenter {index + 1}", index + 1
        return "", 0

    def _ask_keep_or_reload(self, conflict: Conflict) -> None:
        from coachtui.ui.conflicts import ask_keep_or_reload

        def done(choice: str | None) -> None:
            self._settle(conflict.session_id, choice == "keep")

        presenter, turn = self._presenter_of(conflict.session_id)
        ask_keep_or_reload(self.app, conflict, done, presenter=presenter, turn=turn)

    def _settle(self, session_id: str, keep: bool) -> None:
        self._read_again(session_id, keep)

    @in_thread(group="session-conflict", doing="read the session again", then="_read", failed="_not_settled")
    def _read_again(self, session_id: str, keep: bool) -> tuple[bool, SessionModel]:
        """Read the session as it is now (in a worker): to keep mine on top of (what
        this window did not change is shown as the other window left it), or to reload."""
        from coachtui.session.model import SessionModel

        return keep, SessionModel.load(self.app.ready_store, session_id)

    def _read(self, result: tuple[bool, SessionModel]) -> None:
        keep, theirs = result
        if keep:
            self._kept_mine(theirs)
        else:
            self._reloaded(theirs)

    def _kept_mine(self, theirs: SessionModel) -> None:
        app = self.app
        session_id = theirs.session_id
        self.asking_about.discard(session_id)
        model = app.session.model
        if model is None or model.session_id != session_id:
            app.saver.resolve(session_id)
            return
        presenter, _turn = self._presenter_of(session_id)
        screen = app.session_screen
        screen.keep_typing()  # keys on their way from the fields count as changed here
        # the other window's words that keep mine writes over are kept in a file
        merged = app.session.merged_with(theirs)
        replaced = app.session.replaced_by_mine(theirs, merged)
        path = self.write_copy(theirs=theirs) if replaced else None
        screen.show_kept(merged)
        app.session.keep_mine(theirs.version)
        yours = f"{one_line(presenter, 40)}'s part as you typed it" if presenter else "yours"
        kept = f" What you wrote over ({', '.join(replaced)}): theirs is kept in {path}." if path is not None else ""
        app.notify(f"Saving {yours} on top of the other change.{kept}", markup=False, timeout=10 if kept else 5)

    def _reloaded(self, model: SessionModel) -> None:
        app = self.app
        self.asking_about.discard(model.session_id)
        current = app.session.model
        if current is None or current.session_id != model.session_id:
            app.saver.resolve(model.session_id)
            return
        presenter, _turn = self._presenter_of(model.session_id)
        path = self.write_copy()
        app.saver.track(model.session_id, model.version)
        app.saver.resolve(model.session_id)
        app.saver.discard_unsaved(model.session_id)
        app.session_screen.resume(model)
        kept = f" What you had typed is in {path}." if path is not None else ""
        what = f"{one_line(presenter, 40)}'s part of the meeting" if presenter else "the session"
        app.notify(f"Reloaded: this is {what} as it is now.{kept}", markup=False, timeout=10)

    def _not_settled(self, error: BaseException) -> None:
        from coachtui.ui.workers import reason

        model = self.app.session.model
        if model is not None:
            self.asking_about.discard(model.session_id)
        self.app.notify(
            f"Could not read the session again: {reason(error)}", severity="error", markup=False, timeout=10
        )
