"""History, search, the action tracker and themes (read-mostly queries for facilitators).

Methods here are mixed into :class:`coachtui.store.service.Store`; they use its
``_read()``/``_write()`` sessions and helpers.
"""

from __future__ import annotations


class HistoryMixin:
    """Mixed into Store."""
