"""Saving as seen by the coach: the status bar, a dropped write, and quitting only
once everything is saved (or the coach chose what happens to what is not)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from coachtui.text import one_line
from coachtui.ui.widgets.statusbar import StatusBar
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from textual.screen import Screen

    from coachtui.session.saver import SaveStatus
    from coachtui.ui.app import CoachApp


def gone(app: CoachApp, session_id: str) -> BaseException | None:
    """Why the session is no longer in the database (who deleted it, when known),
    or None while it is there or the database cannot tell now (read in a worker)."""
    from coachtui.store.errors import NotFound

    store = app.store
    if store is None:
        return None
    try:
        store.get_session(session_id)
    except NotFound as missing:
        return missing
    except Exception:  # noqa: BLE001 - cannot tell now: nothing is held up by it
        return None
    return None


class Saving:
    def __init__(self, app: CoachApp) -> None:
        self.app = app
        # Asked on the way out what to do with what is not saved (the database is not
        # answering, another window saved first): once everything is saved (the coach
        # kept theirs at the conflict question that came up above it) the answer no
        # longer matters, and the app quits, as the coach asked.
        self._quit_question: Screen[str | None] | None = None

    def status_changed(self, status: SaveStatus) -> None:
        app = self.app
        app.save_status = status
        question = self._quit_question
        if status.state == "saved" and question is not None and question in app.screen_stack:
            self._quit_question = None
            app.exit()
            return
        # The bars of the screens on show (any mode: the tracker's, a dialog's
        # screen below); a bar shown later takes app.save_status (StatusBar.on_show).
        # Each screen has its bar at its top, as its first child: querying the whole
        # screen walked every widget of the session's seven steps, on each save.
        for screen in app.screen_stack:
            for bar in screen.query_children(StatusBar):
                bar.save = status
        with suppress(NoMatches, KeyError):  # the session screen may not be installed or composed yet
            app.session_screen.query_one(StatusBar).save = status

    def dropped(self, label: str, error: str) -> None:
        self.app.notify(f"Could not save ({label}): {error}", severity="error", timeout=10, markup=False)

    # --- quitting ----------------------------------------------------------------------------

    def after_queued_input(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once every key already typed has reached its field and
        the field's change has reached the session: hop along the focused widget's
        ancestors, each hop queued behind what that widget still has to handle."""
        focused = self.app.focused
        nodes = list(focused.ancestors_with_self) if focused is not None else [self.app]

        def hop(index: int) -> None:
            if index >= len(nodes):
                callback()
            else:
                nodes[index].call_later(hop, index + 1)

        hop(0)

    def quit_asked(self) -> None:
        """Quit, once each thing typed and not saved has been asked about, in turn:
        words in a dialog, words typed ahead still waiting for their turn (names
        typed on behind "Mark Ann as having left?") and tracker notes held for their
        mark, then what the database refused or has not taken yet (a review note
        typed before its mark is kept in the session's draft)."""
        self._queue_pending_deletions()
        typing, was = self._typed_in_a_dialog()
        waiting = self.app.keys.words_waiting().strip()
        # A held note open in its dialog again and changed there is asked about once, as the dialog's.
        held = [note for note in self.app.tracker_notes.values() if note.strip() and not (typing and note == was)]
        parts = []
        if typing:
            parts.append(f"what you are typing in this dialog ({one_line(typing, 200)})")
        if waiting:
            parts.append(f"what you typed ahead, waiting for its turn ({one_line(waiting, 200)})")
        if held:
            which = "a tracker note" if len(held) == 1 else f"{len(held)} tracker notes"
            parts.append(f"{which} not recorded yet ({one_line('; '.join(held), 200)})")
        if parts:
            self._ask_before_losing(
                f"Not saved: {' and '.join(parts)}. Quit and lose it? (esc stays)", then=self._quit_unless_unsaved
            )
            return
        self._quit_unless_unsaved()

    def _quit_unless_unsaved(self) -> None:
        saver = self.app.saver
        open_conflicts = saver.conflicts
        if open_conflicts or saver.dropped:
            self._confirm_quit_with_unsaved(list(open_conflicts.values()) or [saver.dropped])
            return
        self.quit_when_saved(check=True)

    def _typed_in_a_dialog(self) -> tuple[str, str]:
        """Text typed in an open dialog that is kept nowhere until it is answered (a
        note on a tracker mark, a team's new name), and the text the dialog opened with."""
        from coachtui.ui.modals import TextPromptScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, TextPromptScreen) and screen.unsaved_text():
                return screen.unsaved_text(), screen.value
        return "", ""

    def _ask_before_losing(self, question: str, *, then: Callable[[], object]) -> None:
        """Words typed that are not in the database yet, and not by a fault (a dialog
        waits for its answer, a tracker note its mark): quitting never drops them
        unasked. esc goes back to them; "quit" goes on to ``then``."""
        from coachtui.ui.modals import ChoiceScreen

        def done(choice: str | None) -> None:
            if choice == "quit":
                then()

        self.app.push_screen(
            ChoiceScreen(question, [("b", "Back to it", "back"), ("q", "Quit, losing it", "quit")]), done
        )

    def _queue_pending_deletions(self) -> None:
        """A team deleted inside its undo window is deleted now: quitting waits for
        it like any other write (and asks if another coach changed the team first)."""
        with suppress(NoMatches, KeyError):  # the session screen may not be composed yet
            self.app.session_screen.team_step.delete_pending_now()

    def _confirm_quit_with_unsaved(self, lines: list[str]) -> None:
        """Something typed is not in the database (another coach saved first, the
        session is gone, or a write was refused): quitting never drops it unasked."""
        from coachtui.ui.modals import ChoiceScreen

        app = self.app
        model = app.session.model
        lost = model is not None and app.saver.is_lost(model.session_id)

        def done(choice: str | None) -> None:
            self._quit_question = None
            if choice == "new":
                app.session.keep_as_new_draft()
                self.quit_when_saved()
            elif choice == "copy":
                path = app.recovery.write_copy()
                if path is not None:
                    app.exit(message=f"coachtui: what was not saved is in {path}")
            elif choice == "quit":
                self.quit_when_saved()

        choices: list[tuple[str, str, str]] = []
        offers: list[str] = []
        if lost:
            choices.append(("n", "New draft", "new"))
            offers.append("Keep my text as a new draft and quit")
        if model is not None:
            choices.append(("s", "Copy to a file", "copy"))
            offers.append("save a copy to a file and quit")
        choices.append(("q", "Quit and lose it", "quit"))
        offers.append("quit and lose it")
        what = one_line("; ".join(lines), 200)
        options = ", ".join(offers[:-1]) + " or " + offers[-1] if len(offers) > 1 else offers[0]
        question = f"Not saved: {what}. {options[:1].upper()}{options[1:]}? (esc stays)"
        asked = ChoiceScreen(question, choices)
        if app.saver.conflicts:
            # settled at the conflict question (kept, saved): quit then. Not for a
            # write refused for good: a later write landing does not bring it back.
            self._quit_question = asked
        app.push_screen(asked, done)

    def quit_when_saved(self, *, check: bool = False) -> None:
        """Quit once everything queued is written. ``check``: first make sure the
        open session is still in the database (another window may have deleted it
        for good while this one typed nothing: no refused write said so), and ask
        before what is on screen goes with it."""
        app = self.app
        model = app.session.model
        session_id = model.session_id if check and model is not None and not model.is_empty else None
        if app.saver.pending == 0 and session_id is None:
            app.exit()
            return
        if app.saver.pending:
            app.notify("Saving before quitting…", markup=False)
        self._quit_after_saving(session_id)

    @in_thread(exclusive=True, group="quit", doing="save before quitting", then="_flushed_on_quit")
    def _quit_after_saving(self, session_id: str | None) -> tuple[bool, BaseException | None]:
        flushed = self.app.saver.flush(timeout=3)
        return flushed, (gone(self.app, session_id) if flushed and session_id is not None else None)

    def _flushed_on_quit(self, result: tuple[bool, BaseException | None]) -> None:
        flushed, lost = result
        app = self.app
        model = app.session.model
        if lost is not None and model is not None and model.session_id == getattr(lost, "record_id", None):
            app.saver.mark_lost(model.session_id, lost)  # asked below, as a refused save is
        if flushed:
            # Written, or refused: a save refused on the way out (someone else saved
            # first, the session is gone) is asked about like one refused before.
            self._saved_on_quit()
        else:
            self._cannot_save_on_quit()

    def _saved_on_quit(self) -> None:
        saver = self.app.saver
        if saver.conflicts or saver.dropped:
            self._confirm_quit_with_unsaved(list(saver.conflicts.values()) or [saver.dropped])
            return
        self.app.exit()

    def _cannot_save_on_quit(self) -> None:
        from coachtui.ui.modals import ChoiceScreen

        app = self.app

        def done(choice: str | None) -> None:
            self._quit_question = None
            if choice == "copy":
                path = app.recovery.write_copy()
                if path is not None:
                    app.exit(message=f"coachtui: the unsaved session was written to {path}")
            elif choice == "quit":
                app.exit()

        reason = app.saver.last_error or "the database is not answering"
        self._quit_question = question = ChoiceScreen(
            f"Some changes are not in the database yet: {one_line(reason, 200).rstrip('.')}. "
            "coachtui keeps retrying while it runs; left open, this question quits as soon as they are "
            "saved. A copy to a file quits now and keeps them there.",
            [
                ("k", "Keep trying", "keep"),
                ("s", "Copy to a file", "copy"),
                ("q", "Quit, losing them", "quit"),
            ],
        )
        app.push_screen(question, done)

    def shut_down(self) -> None:
        """The app is unmounting: save what is left, close the store, remove a demo."""
        app = self.app
        app.session.leave()  # an empty draft is not kept
        app.saver.flush(timeout=2)
        app.saver.stop()
        if app.store is not None:
            app.store.close()
        app.demo_data.remove()
        app.startup.release_hangup()
