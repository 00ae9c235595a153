"""``coachtui serve``: the app in a real browser, and one clear line when it cannot start."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Headless Chromium as root, with no network and no GPU: no sandbox, nothing fetched
# in the background, a profile of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# textual-serve draws the terminal with xterm.js on a canvas, so the page has no text
# to read. This keeps a handle on the page's xterm Terminal when it is created (the
# page stores it as `this.terminal`), so the test can read the terminal's own buffer:
# exactly the characters the browser shows.
CAPTURE_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && value.buffer.active) { window.__coachtuiTerminal = value; }
  },
});
"""
TERMINAL_TEXT = """() => {
  const term = window.__coachtuiTerminal;
  if (!term) {
    const rows = document.querySelector(".xterm-rows, .xterm-accessibility-tree");
    return rows ? rows.innerText : "";
  }
  const buffer = term.buffer.active;
  const lines = [];
  for (let row = 0; row < term.rows; row++) {
    const line = buffer.getLine(buffer.viewportY + row);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def coachtui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coachtui", *args], capture_output=True, text=True, timeout=60, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("coachtui: ") and expected in lines[0], lines[0]


# --- errors: one line, never a traceback ---------------------------------------------------


def test_a_port_in_use_is_one_line(db_path: Path) -> None:
    with socket.socket() as other_server:
        other_server.bind(("127.0.0.1", 0))
        other_server.listen()
        port = other_server.getsockname()[1]
        result = coachtui("--db", str(db_path), "serve", "--port", str(port))
    assert_one_line_error(result, f"port {port} is already in use on 127.0.0.1")
    assert not db_path.exists()  # nothing was opened or created


def test_a_host_name_that_does_not_resolve_is_one_line(db_path: Path) -> None:
    result = coachtui("--db", str(db_path), "serve", "--host", "not a host!", "--port", str(free_port()))
    assert_one_line_error(result, "cannot serve on host 'not a host!'")


def test_an_address_of_another_machine_is_one_line(db_path: Path) -> None:
    # 192.0.2.0/24 is reserved for documentation: never an address of this machine.
    result = coachtui("--db", str(db_path), "serve", "--host", "192.0.2.1", "--port", str(free_port()))
    assert_one_line_error(result, "that address does not belong to this machine")


def test_a_port_out_of_range_is_one_line(db_path: Path) -> None:
    assert_one_line_error(coachtui("--db", str(db_path), "serve", "--port", "70000"), "between 1 and 65535")
    usage = coachtui("--db", str(db_path), "serve", "--port", "eighty")
    assert usage.returncode == 2 and len(usage.stderr.splitlines()) == 1 and "Traceback" not in usage.stderr


def test_the_served_command_is_this_coachtui_on_the_same_database() -> None:
    from coachtui.ui.serve import app_command

    command = app_command("/data/coach notes.db")
    assert f"exec {sys.executable} -m coachtui --db '/data/coach notes.db'" in command
    assert "--demo" in app_command("/data/coach notes.db", demo=True)
    assert "coach notes" not in app_command("/data/coach notes.db", demo=True)


def test_only_loopback_addresses_count_as_this_machine_only() -> None:
    from coachtui.ui.serve import check_address

    port = free_port()
    assert check_address("127.0.0.1", port).local
    assert check_address("localhost", port).local
    # Checked by binding and releasing at once: nothing listens on the network here.
    assert not check_address("0.0.0.0", port).local


def test_the_served_page_loads_no_font_from_the_internet() -> None:
    from coachtui.ui.serve import offline_page

    static = "http://127.0.0.1:8000/static/"
    page = (
        "<html><head>\n"
        f'<link rel="stylesheet" href="{static}css/xterm.css" />\n'
        '<link\n  rel="stylesheet"\n  href="https://fonts.googleapis.com/css?family=Roboto%20Mono"\n/>\n'
        "</head><body></body></html>"
    )
    served = offline_page(page, static)
    assert "googleapis" not in served
    assert f'href="{static}css/xterm.css"' in served  # the server's own files stay
    assert f'url("{static}fonts/RobotoMono-VariableFont_wght.ttf")' in served


# --- the real thing: a browser opens the served app ------------------------------------------


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)

    def live_processes(self) -> list[int]:
        """Processes still running in the server's process group (the server and the
        coachtui apps it started for each browser tab)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == self.process.pid and state != "Z":
                found.append(int(entry.name))
        return found


def _drain(stream, into: list[str]) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        into.append(line)


@pytest.fixture
def served(db_path: Path) -> Iterator[Served]:
    """``coachtui serve`` on a free port, on a database with one team, for a coach whose
    name is already known (so the first screen is the team list)."""
    from coachtui import paths
    from coachtui.config import Settings, save_settings
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Ward 4 (night shift)")
    save_settings(Settings(coach_name="Ana Ruiz", name_asked=True), paths.settings_file())

    server = start_serve(["--db", str(db_path), "serve"])
    try:
        yield server
    finally:
        stop(server)


def start_serve(args: list[str], env: dict[str, str] | None = None) -> Served:
    """Start ``coachtui ARGS --port P`` in its own process group; wait for its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "coachtui", *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group, as in a terminal of its own
    )
    server = Served(process, "")
    for stream, into in ((process.stdout, server.stdout), (process.stderr, server.stderr)):
        threading.Thread(target=_drain, args=(stream, into), daemon=True).start()
    deadline = time.monotonic() + 20
    # The address to open, with the token that lets a browser in.
    while (printed := re.search(rf"open (http://\S+:{port}/\S*) in a browser", server.output())) is None:
        if process.poll() is not None or time.monotonic() > deadline:
            stop(server)
            raise AssertionError(f"serve did not start: {server.output()}")
        time.sleep(0.05)
    server.url = printed.group(1)
    return server


def stop(server: Served) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)


def _saved_title(db_path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT t.name, s.title FROM coaching_session s JOIN team t ON t.id = s.team_id").fetchall()
    finally:
        conn.close()


def wait_for_text(page, text: str) -> str:  # type: ignore[no-untyped-def]
    page.wait_for_function(f"({TERMINAL_TEXT})().includes({text!r})", timeout=30_000)
    return page.evaluate(TERMINAL_TEXT)


@pytest.mark.slow
def test_a_browser_runs_the_served_app_on_the_same_database(served: Served, db_path: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 760},
        )
        try:
            page = browser.new_page()
            page.add_init_script(CAPTURE_TERMINAL)
            fetched: list[str] = []
            page.on("request", lambda request: fetched.append(request.url))
            page.goto(served.url)
            # The app's first screen, drawn in the page's terminal.
            text = wait_for_text(page, "Which team are you coaching")
            assert "Ward 4 (night shift)" in text
            # The page runs offline: everything it loads, the font too, comes from the server.
            origin = served.url.split("/?")[0]
            assert [url for url in fetched if not url.startswith((origin, origin.replace("http", "ws")))] == []
            assert any(url.endswith("/static/fonts/RobotoMono-VariableFont_wght.ttf") for url in fetched)
            page.screenshot(path=str(tmp_path / "browser.png"))
            assert (tmp_path / "browser.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

            # Until the terminal has the focus, the page says to click it; then it goes.
            assert page.is_visible("#coachtui-focus")
            assert "Click to start typing" in page.inner_text("#coachtui-focus")
            page.mouse.click(640, 380)  # a click on the terminal, where the team list is
            page.wait_for_selector("#coachtui-focus", state="hidden", timeout=5000)

            # Keys typed in the browser reach the app, and what is typed lands in the
            # database the server was given.
            page.focus(".xterm-helper-textarea")
            page.keyboard.press("Enter")
            wait_for_text(page, "Dilemma, in your words")
            page.keyboard.type("Huddles keep being cancelled")
            text = wait_for_text(page, "Huddles keep being cancelled")
            # The browser keeps ctrl+n for itself: the footer offers the key it lets through.
            assert "^n" not in text and "ctrl+n" not in text
            deadline = time.monotonic() + 10
            while _saved_title(db_path) != [("Ward 4 (night shift)", "Huddles keep being cancelled")]:
                assert time.monotonic() < deadline, _saved_title(db_path)
                time.sleep(0.1)

            # The explainer, as a trainer would put it on the projector.
            page.keyboard.press("F6")
            wait_for_text(page, "The four categories of improvement coaching challenges")
            wait_for_text(page, "Improvement science capability")
            wait_for_text(page, "Hint words")
            page.screenshot(path=str(tmp_path / "browser-explainer.png"))
            page.keyboard.press("Escape")
            wait_for_text(page, "Dilemma, in your words")
            # f3 is the browser's "find again": alt+i opens the history instead.
            page.keyboard.press("Alt+i")
            wait_for_text(page, "Search every session")
            page.keyboard.press("Alt+s")
            wait_for_text(page, "Dilemma, in your words")

            # Ctrl+C in the server's terminal (the whole process group gets SIGINT) stops
            # it cleanly with the browser still open: every app quits, nothing is left.
            assert len(served.live_processes()) >= 2  # the server and the browser's app
            os.killpg(served.process.pid, signal.SIGINT)
            assert served.process.wait(timeout=20) == 0
        finally:
            browser.close()
    time.sleep(0.2)  # let the reader threads take the last lines
    assert "coachtui serve: stopped" in served.output()
    assert "Traceback" not in served.output()
    assert served.live_processes() == []
    assert _saved_title(db_path) == [("Ward 4 (night shift)", "Huddles keep being cancelled")]


@pytest.mark.slow
def test_serve_demo_shows_sample_data_in_a_browser_and_leaves_real_data_alone(tmp_path: Path) -> None:
    import hashlib

    from playwright.sync_api import sync_playwright

    from coachtui import paths
    from coachtui.config import Settings, save_settings
    from coachtui.store import open_store

    real = tmp_path / "real" / "coachtui.db"
    real.parent.mkdir()
    with open_store(str(real)) as store:
        store.create_team("A real team")
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    save_settings(Settings(coach_name="Trainer", name_asked=True), paths.settings_file())
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in real.parent.iterdir()}
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = start_serve(["serve", "--demo"], env={"COACHTUI_DB": str(real), "TMPDIR": str(temp)})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                str(tmp_path / "chromium-profile"),
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1280, "height": 760},
            )
            try:
                page = browser.new_page()
                page.add_init_script(CAPTURE_TERMINAL)
                page.goto(server.url)
                text = wait_for_text(page, "Unfinished sessions")  # the sample drafts
                assert "DEMO — coachtui" in text
                assert "A real team" not in text
                page.screenshot(path=str(tmp_path / "demo.png"))
                assert (tmp_path / "demo.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                assert [p.name for p in temp.iterdir() if p.name.startswith("coachtui-demo-")]
                os.killpg(server.process.pid, signal.SIGINT)
                assert server.process.wait(timeout=20) == 0
            finally:
                browser.close()
    finally:
        stop(server)
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in real.parent.iterdir()} == before
    assert not [p for p in temp.iterdir() if p.name.startswith("coachtui-demo-")]  # thrown away on exit
