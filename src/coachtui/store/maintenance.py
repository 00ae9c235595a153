"""Backups, restore, vacuum and other care of the database file.

Methods here are mixed into :class:`coachtui.store.service.Store`; they use its
``_read()``/``_write()`` sessions and helpers.
"""

from __future__ import annotations


class MaintenanceMixin:
    """Mixed into Store."""
