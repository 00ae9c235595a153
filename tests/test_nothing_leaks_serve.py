"""``coachtui serve`` answers only its own user: the address it printed (with its token),
from its own page. Every request here is a real HTTP or WebSocket request to a real
``coachtui serve`` process on a free loopback port."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from test_serve import Served, start_serve, stop

pytestmark = pytest.mark.slow


@pytest.fixture
def server(db_path: Path) -> Iterator[Served]:
    from coachtui import paths
    from coachtui.config import Settings, save_settings
    from coachtui.store import open_store

    with open_store(str(db_path)) as store:
        store.create_team("Ward 4 (night shift)")
    save_settings(Settings(coach_name="Ana Ruiz", name_asked=True), paths.settings_file())
    served = start_serve(["--db", str(db_path), "serve"])
    try:
        yield served
    finally:
        stop(served)


def _parts(served: Served) -> tuple[str, str, str]:
    """(base http://host:port, the token, the Host header value) of the printed URL."""
    url = urllib.parse.urlsplit(served.url)
    token = urllib.parse.parse_qs(url.query).get("token", [""])[0]
    return f"{url.scheme}://{url.netloc}", token, url.netloc


def test_the_printed_address_carries_a_long_random_token(server: Served) -> None:
    base, token, _host = _parts(server)
    assert base.startswith("http://127.0.0.1:")
    assert len(token) >= 32, server.url
    other = start_serve(["serve", "--demo"])
    try:
        assert _parts(other)[1] != token  # a new one each time
    finally:
        stop(other)


async def _page(base: str, *, query: str = "", headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/{query}", headers=headers or {}, allow_redirects=False) as response:
            return response.status, await response.text()


async def _websocket(
    base: str, *, query: str = "", headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None
) -> int:
    """Open the app's WebSocket; the HTTP status of the answer (101 when it opened, after
    the app drew its first screen)."""
    ws_url = "ws" + base.removeprefix("http") + "/ws" + query
    async with aiohttp.ClientSession(cookies=cookies) as session:
        try:
            async with session.ws_connect(ws_url, headers=headers or {}) as websocket:
                message = await websocket.receive(timeout=30)
                assert message.type == aiohttp.WSMsgType.BINARY, message
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def _apps(served: Served) -> list[int]:
    """The coachtui apps the server started (its process group, less the server)."""
    return [pid for pid in served.live_processes() if pid != served.process.pid]


def test_each_refusal_is_403_and_starts_no_app(server: Served) -> None:
    base, token, host = _parts(server)
    own = {"Origin": base}
    assert _apps(server) == []

    # The page: no token, a wrong one, another site's Host header (DNS rebinding).
    assert asyncio.run(_page(base))[0] == 403
    assert asyncio.run(_page(base, query="?token=guess"))[0] == 403
    assert asyncio.run(_page(base, query=f"?token={token[:-1]}"))[0] == 403
    port = host.rsplit(":", 1)[1]
    assert asyncio.run(_page(base, query=f"?token={token}", headers={"Host": f"evil.example:{port}"}))[0] == 403

    # The WebSocket that starts an app: same refusals, and another page's Origin.
    assert asyncio.run(_websocket(base, headers=own)) == 403
    assert asyncio.run(_websocket(base, query="?token=guess", headers=own)) == 403
    assert asyncio.run(_websocket(base, query=f"?token={token}", headers={"Origin": "http://evil.example"})) == 403
    assert asyncio.run(_websocket(base, query=f"?token={token}", headers={"Origin": "null"})) == 403
    assert (
        asyncio.run(_websocket(base, query=f"?token={token}", headers={"Origin": base, "Host": f"evil.example:{port}"}))
        == 403
    )
    assert asyncio.run(_websocket(base, headers=own, cookies={f"coachtui-serve-{port}": "guess"})) == 403
    # Downloads (screenshots, saved summaries) and the page's files too.
    assert asyncio.run(_page(base, query="download/anything"))[0] == 403
    assert asyncio.run(_page(base, query="static/js/textual.js"))[0] == 403
    assert _apps(server) == []  # nothing was started for any of them
    assert "Traceback" not in server.output()


def test_the_token_opens_the_page_and_the_app(server: Served) -> None:
    base, token, host = _parts(server)
    port = host.rsplit(":", 1)[1]

    async def visit() -> tuple[int, str, int, int]:
        # (aiohttp keeps cookies of a numeric address only when told to; browsers do.)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            # The printed address: the token is swapped for a cookie, and the address
            # bar (on a projector) shows no token.
            async with session.get(server.url, allow_redirects=False) as first:
                assert first.status in {302, 303}, first.status
                location = first.headers["Location"]
                assert token not in location
                set_cookie = first.headers["Set-Cookie"]
            async with session.get(base + "/") as page:
                status, text = page.status, await page.text()
            async with session.get(base + "/static/js/textual.js") as script:
                script_status = script.status
            ws_url = "ws" + base.removeprefix("http") + "/ws?width=80&height=24"
            async with session.ws_connect(ws_url, headers={"Origin": base}) as websocket:
                message = await websocket.receive(timeout=30)
                assert message.type == aiohttp.WSMsgType.BINARY, message
                apps = len(_apps(server))
        return status, text + "\n" + set_cookie, script_status, apps

    status, text, script_status, apps = asyncio.run(visit())
    assert status == 200 and "textual-terminal" in text
    assert f"coachtui-serve-{port}=" in text and "HttpOnly" in text and "SameSite=Strict" in text
    assert script_status == 200
    assert apps == 1
    # A client that is not a browser may give the token on the WebSocket itself.
    assert asyncio.run(_websocket(base, query=f"?token={token}&width=80&height=24", headers={"Origin": base})) == 101
    # localhost is this machine too.
    localhost = f"http://localhost:{port}"
    assert asyncio.run(_page(localhost, query=f"?token={token}"))[0] in {302, 303}
    deadline = time.monotonic() + 20
    while _apps(server):  # each app ends when its WebSocket closes
        assert time.monotonic() < deadline, _apps(server)
        time.sleep(0.1)


def test_a_network_address_is_told_it_needs_the_token(db_path: Path) -> None:
    served = start_serve(["--db", str(db_path), "serve", "--host", "0.0.0.0"])
    try:
        deadline = time.monotonic() + 10
        while "warning" not in served.output():
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.05)
        _base, token, _host = _parts(served)
        assert len(token) >= 32
        assert "with its token" in served.output()
        assert "not encrypted" in served.output()
    finally:
        stop(served)


# --- the hub's password: never printed ------------------------------------------------------

PASSWORD = "s3c@qx7"  # an '@' the coach did not percent-encode


def _coachtui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coachtui", *args],
        capture_output=True, text=True, timeout=60, check=False, env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    "hub",
    [
        f"postgresql://coach:{PASSWORD}@127.0.0.1:9/hub",
        "postgresql://coach@127.0.0.1:9/hub?password=s3cqx7",
        "postgresql://coach:s3cqx7@127.0.0.1:9/hub?sslmode=require&password=s3cqx7",
        "postgresql://coach:s3cqx7@127.0.0.1:notaport/hub",
    ],
)
def test_sync_never_prints_the_hub_password(db_path: Path, hub: str) -> None:
    from coachtui.store import open_store

    open_store(str(db_path)).close()  # sync needs a database to start from
    result = _coachtui("--db", str(db_path), "sync", "--hub", hub)
    assert result.returncode != 0
    assert "s3c" not in result.stdout + result.stderr and "qx7" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("coachtui: "), result.stderr


def test_info_never_prints_a_hub_password_kept_by_an_older_sync(db_path: Path) -> None:
    import datetime as dt
    import sqlite3

    from coachtui.store import open_store

    with open_store(str(db_path)):
        pass
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "INSERT INTO sync_state (hub_id, hub, pushed_seq, pulled_seq, synced_at) VALUES (?, ?, 0, 0, ?)",
            ("h1", "postgresql+psycopg://coach@hub.example.org/hub?password=s3cqx7", dt.datetime(2026, 11, 2)),
        )
    conn.close()
    result = _coachtui("--db", str(db_path), "info")
    assert result.returncode == 0, result.stderr
    assert "synced" in result.stdout and "hub.example.org" in result.stdout
    assert "s3cqx7" not in result.stdout


@pytest.mark.parametrize(
    "database", ["postgresql://coach@127.0.0.1:9/hub?password=s3cqx7", f"postgresql://coach:{PASSWORD}@127.0.0.1:9/hub"]
)
def test_a_server_database_that_cannot_be_reached_is_named_without_its_password(database: str) -> None:
    result = _coachtui("--db", database, "info")
    assert result.returncode == 1
    assert "127.0.0.1" in result.stderr and "Traceback" not in result.stderr
    assert "s3c" not in result.stderr and "qx7" not in result.stderr, result.stderr
