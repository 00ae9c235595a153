"""The open session's saves refused for good: another window or coach saved it
first, or it is gone. The coach is asked (at a pause in the typing) to keep theirs,
reload, or keep the text as a new draft; meanwhile it is kept in a private file.

While nothing is being typed, the session on screen is checked for changes made
on disk by another window or a ``coachtui sync`` in a shell, and shown as it is
now: the coach does not go on typing over text that is no longer there. That
holds with a note editor open over the session (a question's note, a review's):
an editor whose text is all saved (untouched since) shows the other window's
note; one with typing not saved yet is left as it is, and its save, refused,
goes through keep mine (both notes merged, or theirs kept in a file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachtui.text import one_line
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.session.conflicts import Conflict
    from coachtui.session.model import SessionModel
    from coachtui.ui.app import CoachApp
    from coachtui.ui.modals import LearningPromptScreen, TextPromptScreen

# Seconds without typing before a dialog about a refused save opens.
PAUSE_BEFORE_ASKING = 0.8
# Seconds between two looks at the version of the session on screen: a change
# on disk seen at one look (and the same at the next) is shown, when nothing is
# being typed meanwhile.
LOOK_EVERY = 2.0


def _reviews_of(model: SessionModel) -> list[tuple[str, str, str, str]]:
    """The reviews a session shows, as :meth:`Store.session_reviews` gives them."""
    return sorted(
        (item.action.id, str(item.status), item.note, item.learning) for item in model.review_items if item.status
    )


class Recovery:
    def __init__(self, app: CoachApp) -> None:
        self.app = app
        self.asking_about: set[str] = set()  # sessions the coach is being asked about
        # of those, the ones whose question is on screen or being settled: one at a
        # time, with its part of the meeting in hand beneath it
        self.showing: set[str] = set()
        # Private copies of sessions whose saves were refused, one file a session.
        self.copies: dict[str, Path] = {}
        self.copy_due = False
        # looking for changes made on disk: one look at a time; the newer version
        # (session id, version) the last look found; how many times it was time to look
        self._looking = False
        self._newer: tuple[str, int] | None = None
        self.looks = 0
        # session id -> its reviews as a look last found them on disk (and showed):
        # a review's words change no version, so they are compared as they are
        self._reviews_found: dict[str, list[tuple[str, str, str, str]]] = {}
        self._reviews_read: list[tuple[str, str, str, str]] | None = None  # by the look under way

    # --- the session on screen changed on disk (another window, a sync) ----------------------

    def watch(self) -> None:
        """Look for changes on disk to the session on screen, from now on."""
        self.app.set_interval(LOOK_EVERY, self._look, name="session-watch")

    def _editor(self) -> TextPromptScreen | LearningPromptScreen | None:
        """The note editor open right over the session that follows it (a question's
        or a review's note, a test's result and learning), if that is on top."""
        from coachtui.ui.modals import LearningPromptScreen, TextPromptScreen

        app = self.app
        stack = app.screen_stack
        if len(stack) < 2 or stack[-2] is not app.session_screen:
            return None
        top = stack[-1]
        if isinstance(top, (TextPromptScreen, LearningPromptScreen)) and top.follows is not None:
            return top
        return None

    def _idle(self, session_id: str) -> bool:
        """Nothing of the session is being typed, waits to be saved, or is asked
        about, and no dialog is open over it but a note editor following it."""
        app = self.app
        saver = app.saver
        return (
            app.store is not None
            and bool(app.screen_stack)  # not while the app is closing: its screens are down
            and (app.screen is app.session_screen or self._editor() is not None)
            and not saver.pending
            and not saver.conflicts
            and not self.asking_about
            and not saver.unsaved(session_id)
            and saver.quiet_for() >= LOOK_EVERY
        )

    def _look(self) -> None:
        self.looks += 1
        model = self.app.session.model
        if self._looking or model is None or not self._idle(model.session_id):
            self._newer = None  # looked at again once the coach stops
            return
        known = self.app.saver.version_of(model.session_id)
        if known is None:
            return  # not written yet (a new draft)
        self._looking = True
        # the reviews shown, when this part holds the session's review (a meeting's
        # later presenters show their first presenter's)
        shown = _reviews_of(model) if self.app.session.review_model is model else None
        self._read_newer(model.session_id, known, self._newer, shown)

    @in_thread(group="session-watch", doing="look for changes to the session", then="_looked", failed="_not_looked")
    def _read_newer(
        self,
        session_id: str,
        known: int,
        seen: tuple[str, int] | None,
        shown: list[tuple[str, str, str, str]] | None,
    ) -> tuple[str, int, SessionModel | None]:
        """The session's version now and, when it is newer than ``known`` and was
        already so at the last look (``seen``: a sync writes in several steps), the
        session as it is now; the same when its reviews on disk are not the ones
        ``shown`` (nor the ones a look found and showed before: shown once)."""
        from coachtui.session.model import SessionModel

        store = self.app.ready_store
        version = store.session_version(session_id)
        if version is None or version < known:
            return session_id, known, None
        if version == known:
            if shown is None:
                return session_id, known, None
            found = store.session_reviews(session_id)
            if found == shown or found == self._reviews_found.get(session_id):
                return session_id, known, None
            self._reviews_read = found  # marked as shown once it is (see _looked)
            return session_id, known, SessionModel.load(store, session_id)
        if seen != (session_id, version):
            return session_id, version, None
        return session_id, version, SessionModel.load(store, session_id)

    def _not_looked(self, error: BaseException) -> None:
        """A look that failed (the database busy, the session gone): the next one
        tries again, and a save says what is wrong if anything is."""
        self._looking = False
        self._newer = None
        self._reviews_read = None

    def _looked(self, result: tuple[str, int, SessionModel | None]) -> None:
        session_id, version, theirs = result
        self._looking = False
        found, self._reviews_read = self._reviews_read, None
        app = self.app
        known = app.saver.version_of(session_id)
        self._newer = (session_id, version) if known is not None and version > known else None
        current = app.session.model
        if theirs is None or current is None or current.session_id != session_id:
            return
        screen = app.session_screen
        screen.keep_typing()  # keys on their way from the fields count as typing
        if not self._idle(session_id) or known is None or theirs.version < known:
            return  # the coach has started typing: a refused save will merge it
        if theirs.version == known and _reviews_of(theirs) == _reviews_of(current):
            if found is not None:  # nothing the review list shows (changed back meanwhile)
                self._reviews_found[session_id] = found
            return
        self._newer = None
        theirs.step = current.step
        editor = self._editor()
        before: Any = editor.follows() if editor is not None and editor.follows is not None else None
        app.saver.track(session_id, theirs.version)
        app.session.loaded(theirs)
        screen.show_kept(theirs)
        if found is not None:
            self._reviews_found[session_id] = found  # shown: not read again until it changes
        if editor is not None:
            editor.follow(before)  # an untouched note editor shows the note as it is now
        presenter, _turn = self._presenter_of(session_id)
        what = f"{one_line(presenter, 40)}'s part" if presenter else "This session"
        app.notify(f"{what} was changed in another window or by a sync: shown as it is now.", markup=False)

    def show_settled(self, now: SessionModel) -> None:
        """A sync conflict settled in the app rewrote the session on screen: shown as
        it is now, at once. Left to the looks above, the form kept the old text (and
        version) for seconds, and the next key's save was refused as "changed in
        another window" though there is one window."""
        app = self.app
        current = app.session.model
        if current is None or current.session_id != now.session_id:
            return
        known = app.saver.version_of(now.session_id)
        if known is None or now.version <= known or app.saver.unsaved(now.session_id):
            return  # typed meanwhile: its refused save merges the two, as for any other change
        self._newer = None
        now.step = current.step
        app.saver.track(now.session_id, now.version)
        app.session.loaded(now)
        app.session_screen.show_kept(now)

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

    def write_copy(
        self, *, quiet: bool = False, theirs: SessionModel | None = None, part: SessionModel | None = None
    ) -> Path | None:
        """Write the open session, as on screen, to a private Markdown file: one
        file a session, written again with each call (``quiet``: no notification
        when it cannot be written; the next change tries again). ``theirs``: write
        that version instead (another window's, about to be written over by keep
        mine), to a file of its own. ``part``: that presenter's part of the open
        meeting instead of the one on screen."""
        import datetime as dt

        from coachtui import rescue
        from coachtui.config import write_private_text
        from coachtui.store.exchange.markdown import session_markdown

        app = self.app
        model = theirs if theirs is not None else part if part is not None else app.session.model
        if model is None:
            return None
        # the session's id on the first line: deleting it for good removes the file
        markdown = session_markdown(model.to_detail(), app.catalog)
        drafts = model.drafts_markdown()  # typed, but no record yet: in the file too
        text = rescue.contents(model.session_id, f"{markdown}\n\n{drafts}" if drafts else markdown)
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

    def _part(self, session_id: str) -> SessionModel | None:
        """The open meeting's part (an ordinary session: the session) ``session_id`` is."""
        return next((part for part in self.app.session.parts if part.session_id == session_id), None)

    def _done_asking(self, session_id: str) -> None:
        self.asking_about.discard(session_id)
        self.showing.discard(session_id)

    def refused(self, conflict: Conflict) -> None:
        app = self.app
        # another part's question is open: its part stays in hand beneath it
        part = self._part(conflict.session_id) if self.showing else None
        if app.session.model is None or (part is None and not self._in_hand(conflict.session_id)):
            app.saver.resolve(conflict.session_id)
            return
        if conflict.session_id in self.asking_about:
            return  # one question at a time; the answer settles every refusal
        if self._answered_before(conflict):
            return  # a save under way as the coach answered, told late: settled by it
        self.asking_about.add(conflict.session_id)
        self.write_copy(quiet=True, part=part)  # until the coach answers, the text is safe in a file
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
        if self.showing - {conflict.session_id} and self._part(conflict.session_id) is not None:
            # another presenter's question first (their part is in hand beneath it)
            app.set_timer(0.2, lambda: self._ask_at_a_pause(conflict))
            return
        if not self._in_hand(conflict.session_id):
            self._done_asking(conflict.session_id)
            app.saver.resolve(conflict.session_id)
            return
        if app.saver.quiet_for() < PAUSE_BEFORE_ASKING:
            app.set_timer(0.2, lambda: self._ask_at_a_pause(conflict))
            return
        self.showing.add(conflict.session_id)
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
            self.showing.add(model.session_id)
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
            self._done_asking(conflict.session_id)
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
        self._done_asking(session_id)
        # its part in hand (another presenter's question may have brought theirs)
        if app.session.model is None or not self._in_hand(session_id):
            app.saver.resolve(session_id)
            return
        presenter, _turn = self._presenter_of(session_id)
        screen = app.session_screen
        screen.keep_typing()  # keys on their way from the fields count as changed here
        # both sides' changes to different lines of a text are kept; the other
        # window's words that mine overlap and write over are kept in a file
        merged, replaced = app.session.merge(theirs)
        path = self.write_copy(theirs=theirs) if replaced else None
        screen.show_kept(merged)
        app.session.keep_mine(theirs)
        yours = f"{one_line(presenter, 40)}'s part as you typed it" if presenter else "yours"
        kept = f" What you wrote over ({', '.join(replaced)}): theirs is kept in {path}." if path is not None else ""
        app.notify(f"Saving {yours} on top of the other change.{kept}", markup=False, timeout=10 if kept else 5)

    def _reloaded(self, model: SessionModel) -> None:
        app = self.app
        self._done_asking(model.session_id)
        if app.session.model is None or not self._in_hand(model.session_id):
            app.saver.resolve(model.session_id)
            return
        presenter, _turn = self._presenter_of(model.session_id)
        path = self.write_copy()
        app.saver.track(model.session_id, model.version)
        app.saver.resolve(model.session_id)
        app.saver.discard_unsaved(model.session_id)
        app.session.loaded(model)
        app.session_screen.resume(model)
        kept = f" What you had typed is in {path}." if path is not None else ""
        what = f"{one_line(presenter, 40)}'s part of the meeting" if presenter else "the session"
        app.notify(f"Reloaded: this is {what} as it is now.{kept}", markup=False, timeout=10)

    def _not_settled(self, error: BaseException) -> None:
        from coachtui.ui.workers import reason

        model = self.app.session.model
        if model is not None:
            self._done_asking(model.session_id)
        self.showing.clear()  # the question is to be asked again at the next refusal
        self.app.notify(
            f"Could not read the session again: {reason(error)}", severity="error", markup=False, timeout=10
        )
