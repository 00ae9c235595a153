"""``coachtui encrypt``: keep the whole database encrypted with a passphrase (SQLCipher)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from coachtui.store.db.crypto import Key

NAME = "encrypt"
HELP = "encrypt the database with a passphrase (needs coachtui[encrypt])"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Turn the database into an encrypted one (SQLCipher, AES-256): backed up first, "
        "copied into an encrypted file, checked, then put in its place. The passphrase is "
        "typed twice, or taken from COACHTUI_PASSPHRASE. From then on coachtui asks for "
        "it at start, and backups are encrypted with it too. Quit every coachtui using "
        "the database first. A forgotten passphrase cannot be recovered."
    )
    parser.add_argument(
        "--remove-plain-backups",
        action="store_true",
        help="afterwards, delete the backups of this database that are still in clear "
        "(also works on a database that is already encrypted)",
    )


def _show(paths: list[Path]) -> None:
    for path in paths:
        print(f"  {path}")


def _remove_plain(db: Path, key: Key) -> None:
    from coachtui.store.upkeep.encryption import remove_plain_backups

    removed = remove_plain_backups(db, key)
    if removed:
        print(f"Removed {len(removed)} plaintext backup(s):")
        _show(removed)
        print("(Deleted files can linger on the disk until overwritten; full-disk encryption covers that.)")
    else:
        print("There were no plaintext backups to remove.")


def run(args: argparse.Namespace) -> int:
    from coachtui.askpass import new_passphrase
    from coachtui.store import open_store
    from coachtui.store.db import crypto, database
    from coachtui.store.db.target import parse_target
    from coachtui.store.errors import EncryptionUnavailable
    from coachtui.store.upkeep import encryption

    target = parse_target(args.db)
    if target.path is None:
        print(
            "coachtui: coachtui encrypt works on SQLite database files; protect a PostgreSQL hub "
            "with the server's own encryption",
            file=sys.stderr,
        )
        return 1
    path = target.path
    try:
        crypto.driver()
    except EncryptionUnavailable:
        raise EncryptionUnavailable(f"coachtui encrypt needs SQLCipher; {crypto.INSTALL_HINT}") from None
    if encryption.looks_encrypted(path):
        if not args.remove_plain_backups:
            print(f"coachtui: {path} is already encrypted (or is not a coachtui database); nothing was changed", file=sys.stderr)
            return 1
        state = database.inspect_file(path)  # asks for the passphrase, or refuses a wrong one
        assert state.key is not None
        _remove_plain(path, state.key)
        return 0
    # Refuses another program's file, or a missing one (a mistyped path), before asking anything.
    database.refuse_missing(path, database.inspect_file(path))
    key = crypto.Key(new_passphrase(path))
    open_store(str(path), create=False).close()  # brings an old database up to date
    report = encryption.encrypt_database(path, key)
    print(f"Encrypted {path} ({report.teams} team(s), {report.sessions} session(s)).")
    print(
        "coachtui now asks for the passphrase at start (or reads COACHTUI_PASSPHRASE); "
        "backups from now on are encrypted with it. A forgotten passphrase cannot be recovered."
    )
    if args.remove_plain_backups:
        _remove_plain(path, key)
        return 0
    print(f"The copy made first is in clear: {report.backup}")
    plain = encryption.plain_backups(path)
    if plain:
        print(f"These {len(plain)} backup(s) of it are still in clear:")
        _show(plain)
        print("Remove them once you have checked the encrypted database opens: coachtui encrypt --remove-plain-backups")
    return 0
