"""Keys as a real terminal delivers them: bursts, F-keys inside text fields, pastes.

Each test runs ``python -m coachtui`` on a pseudo-terminal, writes keys in one burst
(as ``tmux send-keys`` or a laggy SSH link delivers them) and then reads what the
database holds. Nothing here waits a fixed time for something to happen: every wait
is for a condition, with a generous deadline for a loaded machine.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.terminal import Terminal, coachtui_command
from tests.test_kill import _env

pytestmark = pytest.mark.slow

# What xterm (TERM=xterm-256color) sends for these keys.
F1, F2, F3, F4, F5, F6 = "\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS", "\x1b[15~", "\x1b[17~"
TAB, SHIFT_TAB, ENTER, ESC = "\t", "\x1b[Z", "\r", "\x1b"
UP, HOME, CTRL_HOME, CTRL_END, BACKSPACE = "\x1b[A", "\x1b[H", "\x1b[1;5H", "\x1b[1;5F", "\x7f"
CTRL_B, CTRL_G, CTRL_N, CTRL_P, CTRL_Q, CTRL_S, CTRL_Y, CTRL_Z = (
    "\x02", "\x07", "\x0e", "\x10", "\x11", "\x13", "\x19", "\x1a"
)

# Text no terminal should be allowed to mangle.
ESCAPED = "A\x1b[31mRED\x1b[0mB end"
PERSIAN = "می\u200cخواهم"  # "I want": the zero-width non-joiner is part of the spelling
JOINED = "👩\u200d💻 and \u202eRLO\u202c and a\u00a0b"  # ZWJ emoji, right-to-left override, no-break space


def paste(text: str) -> str:
    """``text`` as a terminal sends a paste (bracketed paste mode, which Textual turns on)."""
    return "\x1b[200~" + text + "\x1b[201~"


class Coach:
    """The app on a pseudo-terminal, and the database it writes."""

    def __init__(self, db: Path, home: Path, keys: str = "", hub: str = "") -> None:
        self.db = db
        env = _env(home)
        if hub:  # the network's hub, as the coach set it
            with open(Path(env["COACHTUI_CONFIG_DIR"]) / "settings.toml", "a") as settings:
                settings.write(f"hub = {hub!r}\n")
        if keys:  # the coach's own [keys] (a TOML table's lines)
            with open(Path(env["COACHTUI_CONFIG_DIR"]) / "settings.toml", "a") as settings:
                settings.write(f"\n[keys]\n{keys}\n")
        self.term = Terminal(coachtui_command(db), env)
        self.exited = False

    def send(self, keys: str | bytes) -> None:
        """Write ``keys`` in one burst."""
        self.term.send(keys)

    def shows(self, text: str) -> str:
        self.assert_alive()
        return self.term.wait_for(text, timeout=30)

    def row(self, sql: str) -> tuple:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return tuple(conn.execute(sql).fetchone() or ())
        finally:
            conn.close()

    def rows(self, sql: str) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
        finally:
            conn.close()

    def holds(self, sql: str, expected: object, timeout: float = 30.0) -> None:
        """Wait until ``sql`` reads ``expected`` from the database (the app saves
        within a second of the last key; a loaded machine may take longer)."""
        deadline = time.monotonic() + timeout
        got: object = None
        while time.monotonic() < deadline:
            self.assert_alive()
            try:
                got = self.rows(sql) if isinstance(expected, list) else self.row(sql)
            except sqlite3.OperationalError as exc:  # busy for a moment
                got = exc
            if got == expected:
                return
            self.term.pump(0.1)
        raise AssertionError(f"the database holds {got!r}, not {expected!r}; the screen shows:\n{self.term.text()}")

    def assert_alive(self) -> None:
        if self.exited:
            raise AssertionError("the app has ended")
        pid, status = os.waitpid(self.term.pid, os.WNOHANG)
        if pid:
            self.exited = True
            self.term.pump(0.5)
            text = self.term.text()
            os.close(self.term.fd)
            raise AssertionError(
                f"the app ended (exit code {os.waitstatus_to_exitcode(status)}); the screen shows:\n{text}"
            )

    def quit(self) -> None:
        """ctrl+q: the app ends normally once everything is saved."""
        self.assert_alive()
        self.send(CTRL_Q)
        code = self.term.wait_exit(timeout=30)
        self.exited = True
        assert code == 0, self.term.text()

    def close(self) -> None:
        if not self.exited:
            self.exited = True
            self.term.kill()


@contextmanager
def coach(tmp_path: Path, *, drafts: tuple[dict[str, str], ...] = (), keys: str = "") -> Iterator[Coach]:
    """The app on a database with the team "Ward 4" (and ``drafts`` of it)."""
    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        team = store.create_team("Ward 4")
        for fields in drafts:
            draft = store.start_session(team.id, coach="Ana Ruiz")
            store.save_draft(draft.id, **fields)
    app = Coach(db, tmp_path / "home", keys)
    try:
        yield app
    finally:
        app.close()


@contextmanager
def new_session(tmp_path: Path) -> Iterator[Coach]:
    """A new session for Ward 4, on the dilemma step with the title focused."""
    with coach(tmp_path) as app:
        app.shows("Ward 4")
        app.send(ENTER)
        app.shows("Dilemma, in your words")
        yield app


@contextmanager
def resumed(tmp_path: Path, title: str, dilemma: str) -> Iterator[Coach]:
    """A draft with a title and a dilemma, resumed from the offer at start."""
    with coach(tmp_path, drafts=({"title": title, "dilemma": dilemma, "step": "dilemma"},)) as app:
        app.shows("Unfinished sessions")
        app.send(ENTER)
        app.shows("Dilemma, in your words")
        app.shows(dilemma.splitlines()[0])
        yield app


SESSION = "SELECT title, dilemma, context FROM coaching_session"
DRAFT = SESSION + " WHERE status = 'draft'"


# --- 1: app keys win inside text fields ------------------------------------------------------


def test_f6_inside_the_dilemma_opens_the_categories_and_the_text_stays(tmp_path: Path) -> None:
    """TextArea's own f6 selected the line, and the next key replaced it."""
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(F6 + "X")  # X goes to the explainer, which has no use for it
        app.shows("Improvement science capability")
        app.send(ESC)
        app.shows("Dilemma, in your words")
        app.send("!")
        app.holds("SELECT dilemma FROM coaching_session", ("Night team misses the huddle!",))
        app.quit()


def test_function_keys_win_inside_every_field_of_the_dilemma_step(tmp_path: Path) -> None:
    """F1-F6 do what the help says in the title, the dilemma and the context, and
    the text typed around them stays exactly as typed."""
    with new_session(tmp_path) as app:
        for field, text in enumerate(("Rota", "Night team", "Ward sister")):
            if field:
                app.send(TAB)
            app.send(text[:2])
            app.send(F1)
            app.shows("pgup pgdn scroll")
            app.send(ESC)
            app.shows("Dilemma, in your words")
            app.send(F6)
            app.shows("Improvement science capability")
            app.send(F6)  # f6 again closes it
            app.shows("Dilemma, in your words")
            app.send(F3)
            app.shows("Search every session")
            app.send(F2)
            app.shows("Dilemma, in your words")
            app.send(text[2:])
        app.holds(SESSION, ("Rota", "Night team", "Ward sister"))
        app.quit()


# --- 6: a resumed draft carries on at the end ------------------------------------------------


def test_a_resumed_draft_carries_on_at_the_end_and_ctrl_end_goes_there(tmp_path: Path) -> None:
    with resumed(tmp_path, "Rota", "Night team\nkeeps missing") as app:
        app.send(" the huddle")
        app.holds("SELECT dilemma FROM coaching_session", ("Night team\nkeeps missing the huddle",))
        app.send(CTRL_HOME + "> " + CTRL_END + "!")
        app.holds("SELECT dilemma FROM coaching_session", ("> Night team\nkeeps missing the huddle!",))
        app.send(UP + CTRL_END + "?")
        app.holds("SELECT dilemma FROM coaching_session", ("> Night team\nkeeps missing the huddle!?",))
        app.quit()


# --- 7: text stored exactly as typed or pasted -------------------------------------------------


def test_keys_typed_straight_after_tab_follow_the_focus(tmp_path: Path) -> None:
    with new_session(tmp_path) as app:
        app.send("Rota" + TAB + "Night team" + TAB + "Ward sister" + SHIFT_TAB + SHIFT_TAB + "s")
        app.holds(SESSION, ("Rotas", "Night team", "Ward sister"))
        app.quit()


def test_editing_keys_in_a_burst_apply_in_the_order_typed(tmp_path: Path) -> None:
    """Backspace, home, ctrl+home... are bindings, which Textual ran only after the
    letters typed behind them: ``abc`` backspace ``d`` deleted the ``d``."""
    with new_session(tmp_path) as app:
        app.send(
            "Rotx" + BACKSPACE + "a" + ENTER  # enter in the title moves on to the dilemma
            + "abc" + ENTER + "def" + CTRL_HOME + "X" + CTRL_END + "Y" + HOME + "Z" + BACKSPACE + BACKSPACE + "W"
            + TAB + "ctx"
        )
        app.holds(SESSION, ("Rota", "XabcWdefY", "ctx"))
        app.quit()


def test_a_paste_with_escape_sequences_is_stored_exactly(tmp_path: Path) -> None:
    with new_session(tmp_path) as app:
        app.send(paste(ESCAPED) + TAB + paste(ESCAPED + "\rsecond line\x00") + TAB + "typed")
        app.holds(SESSION, (ESCAPED, ESCAPED + "\nsecond line\x00", "typed"))
        app.quit()


def test_zero_width_and_direction_characters_typed_are_kept(tmp_path: Path) -> None:
    with new_session(tmp_path) as app:
        app.send(PERSIAN + TAB + PERSIAN + " " + JOINED + TAB + JOINED)
        app.holds(SESSION, (PERSIAN, PERSIAN + " " + JOINED, JOINED))
        app.quit()


def test_bytes_that_are_not_text_do_not_end_the_app(tmp_path: Path) -> None:
    with new_session(tmp_path) as app:
        app.send(b"Ro\xff\xfeta")
        app.holds("SELECT title FROM coaching_session", ("Ro\ufffd\ufffdta",))
        app.quit()


# --- 8: the step picker --------------------------------------------------------------------------


def test_ctrl_g_and_two_digits_in_one_burst_goes_to_the_step_and_types_the_second(tmp_path: Path) -> None:
    with resumed(tmp_path, "Rota", "Night team") as app:
        # the dilemma's body has the focus; ctrl+g 3 goes to the step's first field, the title
        app.send(CTRL_G + "34")
        app.holds("SELECT title, dilemma FROM coaching_session", ("Rota4", "Night team"))
        app.send(CTRL_G + "6" + CTRL_G + "3" + "5")  # away and back, the 5 typed after
        app.holds("SELECT title, dilemma FROM coaching_session", ("Rota45", "Night team"))
        app.send(paste(CTRL_G + "34"))  # a paste is text: it goes into the field as it is
        app.holds("SELECT title, dilemma FROM coaching_session", ("Rota45" + CTRL_G + "34", "Night team"))
        app.shows("Dilemma, in your words")
        app.quit()


# --- the whole session at machine speed ----------------------------------------------------------


def test_a_whole_session_typed_at_machine_speed(tmp_path: Path) -> None:
    """Bursts through every step, F1-F6 and the ctrl keys inside every text field,
    pastes with escape sequences: the app stays up and the database holds exactly
    what was typed."""
    import datetime as dt

    from coachtui.store import open_store

    db = tmp_path / "coach.db"
    with open_store(str(db)) as store:
        team = store.create_team("Ward 4")
        earlier = store.start_session(team.id, coach="Ana Ruiz")
        store.save_draft(earlier.id, title="Falls", dilemma="Nobody reads the chart")
        store.add_action(earlier.id, "Plot ten more points", owner="Sam", due=dt.date(2026, 11, 20))
        store.complete_session(earlier.id)
    app = Coach(db, tmp_path / "home")

    def visit_the_other_screens(back_to: str) -> None:
        """F1-F6 and ctrl+p, each closed again, from wherever the focus is."""
        for key, shown, close in (
            (F1, "pgup pgdn scroll", ESC),
            (F3, "Search every session", F2),
            (F4, "Action tracker", F2),
            (F5, "Recurring themes", F2),
            (F6, "The four categories", F6),
            (CTRL_P, "Search for commands", ESC),
        ):
            app.send(key)
            app.shows(shown)
            app.send(close)
            app.shows(back_to)

    try:
        app.shows("Ward 4")
        app.send("Ward" + ENTER)  # the filter finds the team, enter starts the session
        app.shows("Plot ten more points")  # step 2: the review
        app.send("d")  # done
        app.holds("SELECT status FROM action", ("done",))
        app.send("n")  # a note on it, in the note dialog's text area
        app.shows("ctrl+s or esc closes")
        app.send("They " + paste(ESCAPED))
        visit_the_other_screens("ctrl+s or esc closes")
        app.send(" " + PERSIAN + CTRL_HOME + "> " + CTRL_END + "." + CTRL_S)
        app.holds("SELECT note FROM action_review", ("> They " + ESCAPED + " " + PERSIAN + ".",))
        app.send(CTRL_N + "Rota")  # step 3; the title follows straight away
        app.shows("Dilemma, in your words")
        visit_the_other_screens("Dilemma, in your words")
        app.send(" at night" + TAB + paste(ESCAPED) + TAB + PERSIAN)
        app.holds(DRAFT, ("Rota at night", ESCAPED, PERSIAN))
        visit_the_other_screens("Dilemma, in your words")
        # Undo and redo the context (it reads as before), then on in the same burst.
        app.send(CTRL_Z + CTRL_Y + SHIFT_TAB + CTRL_END + "\r" + JOINED + CTRL_B + CTRL_N + TAB + "!")
        app.holds(DRAFT, ("Rota at night", ESCAPED + "\n" + JOINED, PERSIAN + "!"))
        app.send(CTRL_G + "4" + "3")  # the category step: 3 is relational
        app.holds("SELECT primary_category FROM coaching_session WHERE status = 'draft'", ("relational",))
        app.send(CTRL_N + "huddle")  # step 5: the filter follows straight away
        app.shows("Picked")
        visit_the_other_screens("Picked")
        app.send(CTRL_G + "6" + "Share the chart" + TAB + "Kim" + TAB + "2026-12-01" + ENTER)
        app.holds(
            f"SELECT text, owner, due_date FROM action WHERE session_id != '{earlier.id}'",
            ("Share the chart", "Kim", "2026-12-01"),
        )
        visit_the_other_screens("New action")
        app.send(CTRL_G + "7")
        app.shows("Summary")
        app.assert_alive()
        app.holds(DRAFT, ("Rota at night", ESCAPED + "\n" + JOINED, PERSIAN + "!"))
        app.quit()
    finally:
        app.close()


# --- found by trying to break it: the last word typed before ctrl+q ----------------------------


def test_keys_typed_in_the_same_burst_as_ctrl_q_are_saved_before_the_app_ends(tmp_path: Path) -> None:
    """A coach (or ssh, or a text expander) sends the last words and ctrl+q together:
    the words reach the field and the database before the app quits."""
    with resumed(tmp_path, "Rota", "Night team misses the huddle") as app:
        app.send(TAB)
        app.send("Ward sister")
        app.holds("SELECT context FROM coaching_session", ("Ward sister",))
        app.send(" and HCAs" + CTRL_Q)
        code = app.term.wait_exit(timeout=30)
        app.exited = True
        assert code == 0, app.term.text()
        assert app.row("SELECT context FROM coaching_session") == ("Ward sister and HCAs",)


# --- found by a tester: a letter given to quit -------------------------------------------------


def test_a_letter_given_to_quit_is_typed_in_the_dilemma_and_the_app_goes_on(tmp_path: Path) -> None:
    """'"app.quit" = "a"' was used: "banana" typed in the dilemma ended the app and
    "bnn" was saved. The letter is left out (and said, see tests/ui/test_keymap.py);
    quit keeps its other key."""
    with coach(tmp_path, drafts=({"title": "Rota", "dilemma": "", "step": "dilemma"},), keys='"app.quit" = "a,f9"') as app:
        app.shows("Unfinished sessions")
        app.send(ENTER)  # resume the draft
        app.shows("Dilemma, in your words")
        app.send("banana split")  # the dilemma has the focus
        app.holds("SELECT dilemma FROM coaching_session", ("banana split",))
        app.send("\x1b[20~")  # f9
        code = app.term.wait_exit(timeout=30)
        app.exited = True
        assert code == 0, app.term.text()


# --- found by a tester: a cleared one-line field could not be undone ---------------------------


def test_a_title_wiped_with_ctrl_u_ctrl_w_or_ctrl_k_comes_back_with_ctrl_z(tmp_path: Path) -> None:
    """ctrl+z did nothing in the title, and the empty title was saved."""
    ctrl_k, ctrl_u, ctrl_w = "\x0b", "\x15", "\x17"
    with new_session(tmp_path) as app:
        app.send("Rota at night")
        app.holds("SELECT title FROM coaching_session", ("Rota at night",))
        app.send(ctrl_w)
        app.holds("SELECT title FROM coaching_session", ("Rota at ",))
        app.send(ctrl_u)
        app.holds("SELECT title FROM coaching_session", ("",))
        app.send(CTRL_Z)
        app.holds("SELECT title FROM coaching_session", ("Rota at ",))
        app.send(CTRL_Z + HOME + ctrl_k)  # back before ctrl+w; then all of it, from the start
        app.holds("SELECT title FROM coaching_session", ("",))
        app.send(CTRL_Z + CTRL_Z + CTRL_Y + "!")  # back, back to empty, forward again, and on
        app.holds("SELECT title FROM coaching_session", ("Rota at night!",))
        app.quit()
