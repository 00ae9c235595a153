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

    def sync_history(self) -> list[tuple[str, object]]:
        """(hub, when this database last synced with it) for every hub it has synced
        with, most recent first (for "last synced ..." in the app and ``info``). The
        hub is shown as :attr:`Store.location` shows databases (no password)."""
        import sqlalchemy as sa

        from coachtui.store.models import SyncState

        table = SyncState.__table__  # type: ignore[attr-defined]
        with self._read() as session:  # type: ignore[attr-defined]
            rows = session.connection().execute(
                sa.select(table.c.hub, table.c.synced_at).order_by(table.c.synced_at.desc())
            ).all()
        return [(row.hub, row.synced_at) for row in rows]
