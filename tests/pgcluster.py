"""A throwaway PostgreSQL cluster on loopback, for the tests, CI and the benchmarks.

    python3 tests/pgcluster.py start FOLDER   # prints the URL of a fresh database
    python3 tests/pgcluster.py stop FOLDER    # stops the server and removes FOLDER

Standard library only (``.ci/run`` calls it with the system Python before any
virtualenv exists). It uses the server binaries of the OS package (Debian's
``postgresql``: ``/usr/lib/postgresql/<version>/bin``). PostgreSQL refuses to run
as root, so when run as root the cluster belongs to the ``postgres`` system user
(commands go through ``runuser``).

The cluster is for tests only: it listens on 127.0.0.1 alone, on a free port, with a
password for the test user, and trades durability for speed (``fsync=off``). The
test user owns its database but is not a superuser, as a hub's user would be.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

USER = "coach"
DATABASE = "coachtui_test"
SYSTEM_USER = "postgres"


def bin_dir() -> Path | None:
    """The folder with ``initdb``/``pg_ctl`` (newest version installed), or None."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def available() -> bool:
    return bin_dir() is not None and (os.geteuid() != 0 or _has_system_user())


def _has_system_user() -> bool:
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        return False
    return shutil.which("runuser") is not None


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SYSTEM_USER, "--", *command]
    return command


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(_as_owner(command), capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _locale() -> list[str]:
    names = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    for name in ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"):
        if name in names:
            return [f"--locale={name}"]
    return ["--no-locale"]


def start(folder: Path) -> str:
    """Create and start a cluster in ``folder`` (must not exist, or be empty); return
    the URL of a database owned by the (non-superuser) test user."""
    binaries = bin_dir()
    if binaries is None:
        raise RuntimeError("PostgreSQL's server binaries are not installed (Debian: apt-get install postgresql)")
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam(SYSTEM_USER)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    folder.chmod(0o700)
    data, password = folder / "data", secrets.token_hex(12)
    secret = folder / "password"
    secret.write_text(password + "\n")
    if os.geteuid() == 0:
        os.chown(secret, owner.pw_uid, owner.pw_gid)
    _run([
        str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--encoding=UTF8", *_locale(),
        "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={secret}",
    ])
    port = free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
        "-c shared_buffers=64MB"
    )
    _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start"])
    (folder / "port").write_text(f"{port}\n")
    psql = [str(binaries / "psql"), "-h", str(folder), "-p", str(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1"]
    _run([*psql, "-d", "postgres", "-c", f"CREATE ROLE {USER} LOGIN PASSWORD '{password}'"])
    _run([*psql, "-d", "postgres", "-c", f"CREATE DATABASE {DATABASE} OWNER {USER}"])
    return f"postgresql://{USER}:{password}@127.0.0.1:{port}/{DATABASE}"


def stop(folder: Path) -> None:
    """Stop the cluster in ``folder`` (if it runs) and remove the folder."""
    binaries = bin_dir()
    data = folder / "data"
    if binaries is not None and (data / "postmaster.pid").exists():
        with contextlib.suppress(RuntimeError):
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
    for _attempt in range(50):
        try:
            shutil.rmtree(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    folder = Path(argv[2]).absolute()
    try:
        if argv[1] == "start":
            print(start(folder))
        else:
            stop(folder)
    except RuntimeError as exc:
        print(f"pgcluster: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
