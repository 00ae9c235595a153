"""What the coach sees, timed on a real terminal: a process on a pseudo-terminal whose
output goes through pyte (a VT100 emulator, as tests/terminal.py uses) onto an
emulated 100x30 screen, and the moment a text is on that screen.

Times run from just before the fork. A figure of coachtui is always measured
interleaved, run by run, with the same figure of a bare Textual app (Header, Label,
Footer: ``bench/bare_app.py``) started the same way in the same loop, so both see
the same machine load, and the table shows the ratio of each pair.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import termios
import time

import pyte

COLUMNS, LINES = 100, 30
CTRL_Q = "\x11"


class Screen:
    """A process on a COLUMNS x LINES pseudo-terminal and the screen it has drawn."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.perf_counter()
        pid, fd = os.forkpty()
        if pid == 0:  # the child: size the terminal before the program looks at it
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
                os.execvpe(args[0], args, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.exit_status: int | None = None
        # Readable when the process has ended (Linux 5.3+): no polling for the exit.
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.pidfd = None

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def _read(self, timeout: float) -> bool:
        """Feed what the process has drawn within ``timeout`` to the screen; False at
        the end of its output."""
        watched = [self.fd] + ([self.pidfd] if self.pidfd is not None else [])
        ready, _, _ = select.select(watched, [], [], max(0.0, timeout))
        if self.fd in ready:
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:
                return False
            if not data:
                return False
            self.stream.feed(data)
        return True

    def wait_for(self, seen: str | None, *, timeout: float = 60.0) -> float:
        """Seconds from the start until ``seen`` is on the screen (``None``: until
        anything but blanks is)."""
        deadline = time.perf_counter() + timeout
        while True:
            shown = self.text()
            if (seen in shown) if seen is not None else shown.strip():
                return time.perf_counter() - self.started
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or not self._read(remaining):
                raise RuntimeError(f"{seen!r} never appeared; the screen shows:\n{shown}")

    def settle(self, seconds: float) -> None:
        """Keep the screen up to date for ``seconds`` (the process does its start-up work)."""
        deadline = time.perf_counter() + seconds
        while (remaining := deadline - time.perf_counter()) > 0 and self._read(remaining):
            pass

    def quit(self, keys: str = CTRL_Q, *, timeout: float = 30.0) -> float:
        """Seconds from sending ``keys`` until the process has exited."""
        sent = time.perf_counter()
        os.write(self.fd, keys.encode())
        deadline = sent + timeout
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                ended = time.perf_counter()
                self.exit_status = os.waitstatus_to_exitcode(status)
                self._close()
                return ended - sent
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise RuntimeError(f"the process did not exit; the screen shows:\n{self.text()}")
            # Drain the terminal (a process blocked writing to it never exits) and wake
            # on the exit itself, or every 5 ms where there is no pidfd.
            if not self._read(min(remaining, 0.005 if self.pidfd is None else remaining)):
                with contextlib.suppress(OSError):
                    select.select([self.pidfd] if self.pidfd is not None else [], [], [], min(remaining, 0.005))

    def kill(self) -> None:
        if self.exit_status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.exit_status = -signal.SIGKILL
            self._close()

    def _close(self) -> None:
        for fd in (self.fd, self.pidfd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.pidfd = None

    def __enter__(self) -> Screen:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
