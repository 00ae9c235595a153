"""A keyring backend for tests: a JSON file named by $COACHTUI_TEST_KEYRING, so that a
test and the coachtui processes it starts see the same "platform keyring". Chosen with
PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring (tests/ on PYTHONPATH) or set_keyring()."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ["COACHTUI_TEST_KEYRING"])

    def entries(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self.entries()
        entries[f"{service}\n{username}"] = password
        self.path.write_text(json.dumps(entries), "utf-8")

    def delete_password(self, service: str, username: str) -> None:
        entries = self.entries()
        if entries.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError(username)
        self.path.write_text(json.dumps(entries), "utf-8")
