"""The old home of :class:`Store` and :func:`open_store`, kept so that existing
imports keep working; the store's calls live in ``store/api.py``."""

from __future__ import annotations

from coachtui.store.api import Store, open_store
from coachtui.store.types import STEPS

__all__ = ["STEPS", "Store", "open_store"]
