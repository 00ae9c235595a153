"""Run a real coachtui process on a pseudo-terminal and read its screen.

The process draws with escape sequences; pyte (a VT100 emulator) turns them back
into the characters a person would see.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pyte

from coachtui.ui.typeahead import REACTION


class Terminal:
    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)) -> None:
        self.columns, self.lines = size
        self.screen = pyte.Screen(self.columns, self.lines)
        self.stream = pyte.ByteStream(self.screen)
        pid, fd = os.forkpty()
        if pid == 0:  # the child: become coachtui
            try:
                # as a terminal's shell starts a command: ctrl+c interrupts it (a test run
                # started in the background, as `nohup … &` does, ignores SIGINT, and an
                # ignored signal stays ignored across exec)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.execvpe(args[0], args, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", self.lines, self.columns, 0, 0))
        os.kill(pid, signal.SIGWINCH)

    def pump(self, seconds: float = 0.05) -> None:
        """Read whatever the process has drawn, for up to ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(0.0, remaining))
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.stream.feed(data)
            elif remaining <= 0:
                return

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        """Wait until ``needle`` is on the screen, and as long again as a person takes
        to react to what they see (the app takes a key sooner than that for one typed
        before they saw the screen: typeahead.REACTION)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.1)
            if needle in self.text():
                self.pump(REACTION)
                return self.text()
        raise AssertionError(f"{needle!r} never appeared; the screen shows:\n{self.text()}")

    def send(self, data: str | bytes, *, pause: float = 0.0) -> None:
        os.write(self.fd, data.encode() if isinstance(data, str) else data)
        self.pump(pause)

    def type(self, text: str, *, delay: float = 0.02) -> None:
        for char in text:
            self.send(char, pause=delay)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)

    def wait_exit(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        raise AssertionError("the process did not exit")


def coachtui_command(db: Path) -> list[str]:
    return [sys.executable, "-m", "coachtui", "--db", str(db)]
