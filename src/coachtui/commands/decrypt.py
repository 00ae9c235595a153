"""``coachtui decrypt``: turn an encrypted database back into a plain one."""

from __future__ import annotations

import argparse
import sys

NAME = "decrypt"
HELP = "store the database in clear again (asks for its passphrase)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Turn an encrypted database back into a plain SQLite file: backed up first (that "
        "backup stays encrypted), copied, checked, then put in its place. Quit every "
        "coachtui using the database first."
    )


def run(args: argparse.Namespace) -> int:
    from coachtui.store.db import crypto, database
    from coachtui.store.db.target import parse_target
    from coachtui.store.errors import BackupError, EncryptionUnavailable
    from coachtui.store.upkeep import encryption

    target = parse_target(args.db)
    if target.path is None:
        print("coachtui: coachtui decrypt works on SQLite database files", file=sys.stderr)
        return 1
    path = target.path
    try:
        crypto.driver()
    except EncryptionUnavailable:
        raise EncryptionUnavailable(f"coachtui decrypt needs SQLCipher; {crypto.INSTALL_HINT}") from None
    if not path.exists():
        raise BackupError(f"There is no database at {path}.")
    if not encryption.looks_encrypted(path):
        database.inspect_file(path)  # another program's file says so
        print(f"coachtui: {path} is not encrypted; nothing was changed", file=sys.stderr)
        return 1
    state = database.inspect_file(path)  # asks for the passphrase, or refuses a wrong one
    assert state.key is not None
    database.check_revision(state.revision, str(path))
    report = encryption.decrypt_database(path, state.key)
    print(f"Decrypted {path} ({report.teams} team(s), {report.sessions} session(s)); it is stored in clear now.")
    print(
        f"The backup made first, {report.backup}, is encrypted with the passphrase, "
        "as are the other backups made while the database was encrypted."
    )
    return 0
