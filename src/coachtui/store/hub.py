"""The store's sync calls (mixed into Store); the work is in ``store/sync.py``,
loaded only when a sync runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coachtui.store.sync import SyncReport


class HubMixin:
    """Mixed into Store."""

    def sync(self, hub: str, *, full: bool = False) -> SyncReport:
        """Push this database's new and changed records (and deletions) to the hub at
        ``hub`` (a URL or path of another coachtui database) and pull the others'.
        Idempotent; newest edit wins; see ``store/sync.py`` for the rules. ``full``:
        compare everything, not only what changed since the last sync (after a hub
        was restored from a backup). Raises :class:`SyncFailed` with one line that
        says what was left unchanged; retrying is safe."""
        from coachtui.store.sync import sync

        return sync(self, hub, full=full)  # type: ignore[arg-type]
