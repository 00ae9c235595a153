"""Serve the TUI in a web browser with textual-serve (for projecting in a workshop).

Each browser tab that opens the page starts its own ``coachtui`` process on the same
database (textual-serve runs the command with its web driver). The address is checked
by binding to it first, so a port in use or a host that is not this machine gives one
clear line instead of a traceback from deep inside the web server.

Only the person who started the server gets in (:class:`Gate`): every request must
carry the random token printed at start (the printed address has it; the page then
keeps it in a cookie), name this server in its Host header (so a web page that points
its own name at 127.0.0.1 -- DNS rebinding -- is refused) and, when a browser says
which page it comes from (Origin), come from this server's own page. Anything else is
403 before any app is started.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import os
import re
import secrets
import shlex
import socket
import sys
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServeError(Exception):
    """The server cannot start; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int
    local: bool = True
    """Only this machine can connect (every address it binds is a loopback one)."""

    @property
    def url(self) -> str:
        """The address a browser opens (an IPv6 literal goes in brackets; a wildcard
        host is reached through this machine's name)."""
        host = self.host
        if host in {"0.0.0.0", "::", ""}:
            host = socket.gethostname()
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def _host_and_port(value: str, default_port: int | None) -> tuple[str, int | None] | None:
    """("name", port) of a Host header or an Origin's ``host[:port]``; None if malformed."""
    try:
        parts = urllib.parse.urlsplit("//" + value)
        port = parts.port if parts.port is not None else default_port
    except ValueError:
        return None
    if not parts.hostname or parts.username is not None or parts.path or parts.query:
        return None
    return parts.hostname.lower().rstrip("."), port


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Gate:
    """Who may use the server: the holder of ``token``, through a name of this server,
    from this server's own page. :meth:`refusal` says why a request is refused."""

    address: Address
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def cookie(self) -> str:
        # Cookies are shared by every port of a host: one name per port keeps two
        # servers on one machine apart.
        return f"coachtui-serve-{self.address.port}"

    @property
    def url(self) -> str:
        """The address to open, with the token (printed at start)."""
        return f"{self.address.url}/?token={self.token}"

    def host_allowed(self, host_header: str) -> bool:
        parsed = _host_and_port(host_header, 80)
        if parsed is None:
            return False
        name, port = parsed
        if port != self.address.port:
            return False
        names = set(LOOPBACK_NAMES) | {self.address.host.lower()}
        if not self.address.local:
            # Served to a network: the machine's own names or any address typed as
            # numbers. A name that is not this machine's (DNS rebinding) stays out.
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
            return name in names or _is_ip(name)
        return name in names

    def token_matches(self, given: str | None) -> bool:
        return given is not None and bool(given) and secrets.compare_digest(given.encode(), self.token.encode())

    def refusal(self, *, host: str, origin: str | None, token: str | None, cookie: str | None) -> str | None:
        """Why a request with these headers is refused, or None to let it in."""
        if not self.host_allowed(host):
            return "this server answers only to its own address"
        if origin is not None:
            parsed = urllib.parse.urlsplit(origin) if origin != "null" else None
            if (
                parsed is None
                or parsed.scheme != "http"
                or _host_and_port(parsed.netloc, 80) != _host_and_port(host, 80)
            ):
                return "this server only answers its own page"
        if not (self.token_matches(token) or self.token_matches(cookie)):
            return "open the address coachtui serve printed, with its token"
        return None


def app_command(database: str, *, demo: bool = False) -> str:
    """The shell command each browser session runs: this same coachtui, with the
    same Python, on the same database (or in demo mode).

    Ctrl+C in the trainer's terminal signals every process in its group, the apps
    included; an app killed that way could lose its last second of typing. So each app
    ignores SIGINT (an ignored signal survives ``exec``, and Python then installs no
    handler of its own) and the server asks it to quit instead, as it does when a
    browser tab closes."""
    argv = [sys.executable, "-m", "coachtui"]
    argv += ["--demo"] if demo else ["--db", database]
    command = shlex.join(argv)
    if os.name == "posix":
        command = f"trap '' INT; exec {command}"
    return command


def check_address(host: str, port: int) -> Address:
    """Bind (and release) every address ``host`` resolves to, as the server will.

    Raises :class:`ServeError` with a one-line reason when that is impossible."""
    if not 1 <= port <= 65535:
        raise ServeError(f"--port must be between 1 and 65535, not {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) and exc.strerror else "not a valid host name"
        raise ServeError(f"cannot serve on host {host!r}: {reason}") from None
    local = True
    for family, kind, proto, _name, sockaddr in infos:
        local = local and ipaddress.ip_address(sockaddr[0].split("%")[0]).is_loopback
        with socket.socket(family, kind, proto) as probe:
            # The web server sets SO_REUSEADDR too: a port that only has connections
            # closing down (TIME_WAIT) is free for it, a listening one is not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(sockaddr)
            except OSError as exc:
                raise ServeError(_bind_error(host, port, exc)) from None
    return Address(host, port, local=local)


def _bind_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {host}: stop the other server or pick another --port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot serve on host {host!r}: that address does not belong to this machine"
    if exc.errno == errno.EACCES:
        return f"not allowed to use port {port} on {host}: ports below 1024 need special rights; pick another --port"
    return f"cannot serve on {host} port {port}: {exc.strerror or exc}"


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


# textual-serve's page loads its font from Google Fonts: a workshop room may have no
# internet, and a page that calls out tells a third party who is coaching when. The
# same font ships with textual-serve (static/fonts), so the page uses that copy.
_REMOTE_STYLESHEET = re.compile(r"<link\b[^>]*\bhref=[\"']https?://[^\"']*[\"'][^>]*>", re.IGNORECASE)
_LOCAL_FONT = """<style>
      @font-face {{ font-family: "Roboto Mono"; font-style: normal; font-weight: 100 700;
        src: url("{static}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }}
      @font-face {{ font-family: "Roboto Mono"; font-style: italic; font-weight: 100 700;
        src: url("{static}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype"); }}
    </style>"""


# Keys typed into the page reach the app only once its terminal has the focus: until
# then (a fresh page, or after a click elsewhere) a banner says so. Pure CSS: it shows
# while nothing in the page has the focus, and lets clicks through to the terminal.
_FOCUS_BANNER = """<style>
      #coachtui-focus { display: none; position: fixed; top: 12px; left: 50%;
        transform: translateX(-50%); z-index: 30; pointer-events: none;
        padding: 8px 20px; border-radius: 6px; background: #5e0ba7; color: #fff;
        font: 16px "Roboto Mono", menlo, monospace; }
      body.-first-byte:not(:focus-within) #coachtui-focus { display: block; }
    </style>"""
_FOCUS_BANNER_TEXT = '<div id="coachtui-focus" role="status">Click to start typing</div>'


def offline_page(page: str, static_url: str) -> str:
    """textual-serve's page without anything it would fetch from the internet (its
    remote stylesheets, the font, are replaced by the font files it serves itself),
    and with a banner saying to click the terminal while it does not have the focus."""
    removed = 0

    def drop_remote(link: re.Match[str]) -> str:
        nonlocal removed
        if f'"{static_url}' in link[0] or f"'{static_url}" in link[0]:
            return link[0]  # the server's own files
        removed += 1
        return ""

    page = _REMOTE_STYLESHEET.sub(drop_remote, page)
    if removed:
        page = page.replace("</head>", _LOCAL_FONT.format(static=static_url) + "\n  </head>", 1)
    page = page.replace("</head>", _FOCUS_BANNER + "\n  </head>", 1)
    return re.sub(r"(<body\b[^>]*>)", lambda body: body[1] + _FOCUS_BANNER_TEXT, page, count=1)


def serve(database: str, address: Address, *, demo: bool = False) -> int:
    """Run the web server until Ctrl+C (or SIGTERM); returns the exit code."""
    import aiohttp_jinja2
    from aiohttp import web
    from aiohttp.web_runner import GracefulExit
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class CoachAppService(AppService):
        """One browser tab's coachtui. Stopping it waits until the process has ended
        (it may still be saving after it closes its output), so the server never
        exits with an app left running on its own."""

        async def stop(self) -> None:
            await super().stop()
            process = self._process
            if process is None or process.returncode is not None:
                return
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                process.kill()
                await process.wait()

    class CoachServer(Server):
        """textual-serve, introduced in one line that shows the URL and not the
        command (which would print the database location, maybe with a password)."""

        def initialize_logging(self) -> None:
            # The web server's access log would fill the trainer's terminal.
            logging.basicConfig(level=logging.WARNING, format="coachtui serve: %(message)s")

        async def _make_app(self) -> web.Application:
            # textual-serve 1.1.3 builds its routes here; the gate goes in front of all
            # of them (the page, the WebSocket that starts an app, downloads, files).
            app = await super()._make_app()
            app.middlewares.append(guard)
            return app

        async def on_startup(self, app: object) -> None:
            print(f"coachtui serve: open {gate.url} in a browser (Ctrl+C stops)", flush=True)
            if not address.local:
                print(
                    "coachtui serve: warning: anyone on the network who is given this address with its token "
                    "can open the coaching notes in this database, and the connection is not encrypted",
                    file=sys.stderr,
                    flush=True,
                )

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            """textual-serve's page, with the WebSocket and files on the address the
            browser used (its own Host, checked by the gate), so that a page opened as
            localhost talks to localhost and its cookie goes along."""
            base = f"http://{request.host}"
            context = {
                "font_size": _int(request.query.get("fontsize"), 16),
                "app_websocket_url": f"ws://{request.host}/ws",
                "config": {"static": {"url": f"{base}/static/"}},
                "application": {"name": self.title},
            }
            page = aiohttp_jinja2.render_string("app_index.html", request, context)
            return web.Response(text=offline_page(page, f"{base}/static/"), content_type="text/html")

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve 1.1.3's handler, with CoachAppService, and each session
            kept track of so that stopping the server can end it."""
            task = asyncio.current_task()
            if task is not None:
                sessions.add(task)
            websocket = web.WebSocketResponse(heartbeat=15)
            width = _int(request.query.get("width"), 80)
            height = _int(request.query.get("height"), 24)
            app_service: CoachAppService | None = None
            try:
                await websocket.prepare(request)
                app_service = CoachAppService(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception:  # noqa: BLE001 - one browser session failing must not stop the server
                logging.getLogger("textual-serve").warning("a browser session ended with an error", exc_info=False)
            finally:
                if app_service is not None:
                    await app_service.stop()
                if task is not None:
                    sessions.discard(task)
            return websocket

        async def on_shutdown(self, app: object) -> None:
            """Stopping: end every browser session now (each app is told to quit and
            saves what it has), rather than wait for the browsers to go away."""
            for task in list(sessions):
                task.cancel()
            if sessions:
                await asyncio.wait(list(sessions), timeout=15)

    gate = Gate(address)

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        refusal = gate.refusal(
            host=request.host,
            origin=request.headers.get("Origin"),
            token=request.query.get("token"),
            cookie=request.cookies.get(gate.cookie),
        )
        if refusal is not None:
            return web.Response(status=403, text=f"coachtui serve: {refusal}.\n")
        if request.path == "/" and gate.token_matches(request.query.get("token")):
            # Swap the token in the address for a cookie, so the address bar (maybe on
            # a projector) and the browser's history do not show it.
            query = [(k, v) for k, v in request.query.items() if k != "token"]
            location = "/" + (f"?{urllib.parse.urlencode(query)}" if query else "")
            response = web.HTTPSeeOther(location)
            response.set_cookie(gate.cookie, gate.token, path="/", httponly=True, samesite="Strict")
            return response
        return await handler(request)

    sessions: set[asyncio.Task[Any]] = set()
    server = CoachServer(
        app_command(database, demo=demo),
        host=address.host,
        port=address.port,
        title="coachtui",
        public_url=address.url,
    )
    try:
        server.serve()
    except GracefulExit:
        pass
    except OSError as exc:
        # Someone took the port between the check and the start.
        print(f"coachtui: {_bind_error(address.host, address.port, exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    print("coachtui serve: stopped", flush=True)
    return 0
