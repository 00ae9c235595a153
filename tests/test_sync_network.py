"""A small network, at random (issue 18, item 6): three laptops edit the same sessions
and sync in turn through one hub, for a few rounds. Afterwards every laptop and the
hub hold the same records, and no text anyone typed is lost: each is the value of its
field, or listed in a conflict to choose from, or was replaced on a laptop that had it
on screen (an edit of the coach's own). ``bench/sync.py --network`` runs it at scale."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachtui.store import open_store
from coachtui.store.sync import conflicts as conflict_module
from test_sync import content, session_with_everything

LAPTOPS = ("Ana", "Ben", "Cho")
FIELDS = ("title", "dilemma", "context")

# one edit: (session 0 or 1, field, minutes the clock moves on before it)
edits = st.tuples(st.integers(0, 1), st.sampled_from(FIELDS), st.integers(0, 3))
# a round: what each laptop types before its turn to sync
rounds = st.lists(st.tuples(*(st.lists(edits, max_size=3) for _ in LAPTOPS)), min_size=1, max_size=3)


def _fresh(template: Path, path: Path) -> str:
    """A new, empty coachtui database: a copy of an empty one made once (migrating
    takes a while), given its own database id."""
    if not template.exists():
        open_store(str(template)).close()
    shutil.copy(template, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE coachtui_meta SET value = ? WHERE key = 'database_id'", (str(uuid.uuid4()),))
    conn.close()
    return str(path)


def _hub(backend: str, folder: Path, template: Path, pg) -> str:  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        return _fresh(template, folder / "hub.db")
    return str(pg.new_url())


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=rounds)
def test_three_laptops_end_up_the_same_and_lose_no_text(backend, tmp_path, pg, clock, plan) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / uuid.uuid4().hex[:8]
    folder.mkdir()
    template = tmp_path / "empty.db"
    hub = _hub(backend, folder, template, pg)
    stores = [open_store(_fresh(template, folder / f"{name}.db"), clock=clock, coach=name) for name in LAPTOPS]
    try:
        first = stores[0]
        sessions = [session_with_everything(first, clock, title=f"Shared {n}")[1].id for n in range(2)]
        for store in (*stores, *stores):
            store.sync(hub)
        typed: set[tuple[str, str, str]] = set()  # (session, field, text)
        replaced: set[tuple[str, str, str]] = set()  # texts a coach had on screen and typed over
        counter = 0
        for turn in plan:
            for store, laptop_edits in zip(stores, turn, strict=True):
                for session_index, name, minutes in laptop_edits:
                    clock.advance(minutes=minutes)
                    ident = sessions[session_index]
                    replaced.add((ident, name, getattr(store.get_session(ident), name)))
                    counter += 1
                    text = f"{store.db.coach} typed {name} #{counter}"
                    store.save_draft(ident, **{name: text})
                    typed.add((ident, name, text))
                store.sync(hub)
        for store in (*stores, *stores):
            store.sync(hub)

        with open_store(hub) as hub_store:
            at_hub = content(hub_store)
        for store in stores:
            assert content(store) == at_hub, f"{store.db.coach}'s laptop differs from the hub"
        kept = {
            (c.record_id, c.field, value)
            for store in stores
            for c in conflict_module.list_conflicts(store.db)
            for value in (c.mine, c.theirs)
        }
        final = {(ident, name, getattr(first.get_session(ident), name)) for ident in sessions for name in FIELDS}
        lost = typed - final - kept - replaced
        assert not lost, f"typed and gone without a trace: {sorted(lost)}"
    finally:
        for store in stores:
            store.close()
