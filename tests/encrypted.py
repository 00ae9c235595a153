"""Helpers for tests of encrypted databases: a session with words found nowhere else,
encrypting a database, reading an encrypted file through SQLCipher, byte searches."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

# A quote, a double quote and a non-ASCII character: the passphrase reaches SQLCipher
# through PRAGMA key, which takes no bound parameters.
PASSPHRASE = "it's a \"long\" walk ⛰ to the ward"
# Words that appear nowhere else (not in the question bank, not in the schema), so
# finding their bytes in a file means the session's text is there in clear.
WORDS = {
    "title": "Quokkaline handover muddle",
    "dilemma": "The zanzibarite rota keeps slipping",
    "context": "Present: marmalex, the night sister",
    "note": "Ask about the fennelgrove checklist",
    "action": "Draft the plumbrook audit",
}
NEEDLES = ("Quokkaline", "zanzibarite", "marmalex", "fennelgrove", "plumbrook")


def key() -> Any:
    from coachtui.store.db.crypto import Key

    return Key(PASSPHRASE)


def add_session(store: Any, team_name: str = "Ward 9", *, complete: bool = True) -> str:
    """A session whose title, dilemma, context, question note and action hold WORDS."""
    from coachtui.store.types import PickedQuestionInfo

    team = store.find_team(team_name) or store.create_team(team_name, coach="Ana Ruiz")
    draft = store.start_session(team.id, coach="Ana Ruiz")
    store.save_draft(
        draft.id,
        title=WORDS["title"],
        dilemma=WORDS["dilemma"],
        context=WORDS["context"],
        primary_category="capability",
    )
    store.set_questions(draft.id, [PickedQuestionInfo("kata-1", "What is the target?", "bank", WORDS["note"])])
    store.add_action(draft.id, WORDS["action"], owner="Sam")
    if complete:
        store.complete_session(draft.id)
    return draft.id


def plain_database(path: Path, clock: Any = None) -> str:
    """A plain coachtui database at ``path`` holding one session with WORDS."""
    from coachtui.store import open_store

    kwargs = {"clock": clock} if clock is not None else {}
    with open_store(str(path), **kwargs) as store:
        return add_session(store)


def encrypted_database(path: Path) -> str:
    """An encrypted coachtui database at ``path`` (made plain, then encrypted)."""
    from coachtui.store.upkeep.encryption import encrypt_database

    session_id = plain_database(path)
    encrypt_database(path, key())
    return session_id


def copy_database(template: Path, path: Path) -> Path:
    """A copy of the (closed) database ``template`` at ``path``, 0600. Copies of one
    encrypted template share its key: encrypting afresh for every test costs a second."""
    import os
    import shutil

    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    return path


def cipher_query(path: Path, sql: str, passphrase: str = PASSPHRASE) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on an encrypted file, read through SQLCipher."""
    from coachtui.store.db import crypto

    conn = crypto.connect(path, crypto.Key(passphrase), mode="ro")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def plain_text_in(path: Path) -> list[str]:
    """Which of NEEDLES (any case) are in the bytes of ``path``."""
    data = path.read_bytes().lower()
    return [word for word in NEEDLES if word.lower().encode() in data]


def readable_as_plain_sqlite(path: Path) -> bool:
    """Whether the standard sqlite3 can read ``path``'s schema. Only call it when no
    SQLCipher connection of this process has the file open (see store/db/crypto.py)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        assert "not a database" in str(exc)
        return False
    finally:
        conn.close()
    return True


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
