"""The old import path of ``coachtui.store.upkeep.encryption`` (encrypting a file)."""

from coachtui.store.upkeep.encryption import (
    decrypt_database,
    encrypt_database,
    looks_encrypted,
    plain_backups,
    remove_plain_backups,
)

__all__ = ["decrypt_database", "encrypt_database", "looks_encrypted", "plain_backups", "remove_plain_backups"]
