"""A deletion against an edit made elsewhere that the deleting laptop (or the editing
one) had not synced yet, whichever came first by the clock: the deletion holds
everywhere and the edit is listed as a conflict on the laptop that made it (or on
the deleting one, when the edit reached the hub first), keep mine / keep theirs as
the README's "Sync" says. A tester's network undid such deletions silently: an edit
stamped after the deletion brought the session back everywhere, listed nowhere.
Two laptops (SQLite), a hub file and PostgreSQL; each test checks the databases."""

from __future__ import annotations

import pytest

from test_sync import content, session_with_everything
from test_sync_merge import REWRITE, conflicts, hub_content
from test_sync_stale import _gone

WHATS = ["session", "action"]


def _delete(store, what: str, session, action) -> None:  # type: ignore[no-untyped-def]
    if what == "session":
        store.delete_session(session.id)
    else:
        store.remove_action(action.id)


def _edit(store, what: str, session, action) -> None:  # type: ignore[no-untyped-def]
    if what == "session":
        store.save_draft(session.id, dilemma=REWRITE)
    else:
        store.update_action(action.id, text=REWRITE)


def _has_rewrite(store, what: str, session, action) -> bool:  # type: ignore[no-untyped-def]
    if what == "session":
        return store.get_session(session.id).dilemma == REWRITE
    return store.get_action(action.id).text == REWRITE


@pytest.mark.parametrize("what", WHATS)
def test_a_deletion_holds_against_an_edit_made_after_it_that_had_not_seen_it(ana, ben, hub_url, clock, what) -> None:
    """Ana deletes and syncs; Ben, who had not synced since, changes the record a
    few minutes later (his clock says after the deletion) and syncs: the deletion
    holds, and Ben's sync lists his words ("deleted by Ana while you changed it")."""
    from coachtui.commands.sync import report_lines
    from coachtui.store.sync import conflicts as conflict_module

    team, session, action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    _delete(ana, what, session, action)
    ana.sync(hub_url)
    clock.advance(minutes=5)
    _edit(ben, what, session, action)
    report = ben.sync(hub_url)
    assert ana.sync(hub_url).conflicts == ()
    assert all(_gone(store, what, team, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)
    (listed,) = report.conflicts
    assert (listed.kind, listed.restores, listed.theirs_by) == ("sessions" if what == "session" else "actions",
                                                                 "mine", "Ana")
    assert "deleted by Ana while you changed it here" in "\n".join(report_lines(report))
    assert [c.id for c in conflict_module.list_conflicts(ben.db)] == [listed.id]
    assert conflict_module.list_conflicts(ana.db) == []
    # keep mine puts it back, and the next syncs take it back to everyone
    clock.advance(minutes=1)
    conflict_module.resolve(ben.db, listed.id, "mine")
    ben.sync(hub_url)
    ana.sync(hub_url)
    assert all(_has_rewrite(store, what, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)
    assert conflicts(ana) == conflicts(ben) == []


@pytest.mark.parametrize("what", WHATS)
def test_a_deletion_holds_against_an_edit_stamped_after_it_that_reached_the_hub_first(
    ana, ben, hub_url, clock, what
) -> None:
    """Ana deletes (and does not sync yet); Ben changes the record a few minutes later
    and syncs first; then Ana syncs: her deletion holds everywhere, and her sync lists
    Ben's words ("you deleted it before Ben's changes reached you"); keep theirs puts
    them back for everyone."""
    from coachtui.store.sync import conflicts as conflict_module

    team, session, action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    _delete(ana, what, session, action)
    clock.advance(minutes=5)
    _edit(ben, what, session, action)
    assert ben.sync(hub_url).conflicts == ()
    report = ana.sync(hub_url)
    ben.sync(hub_url)
    assert all(_gone(store, what, team, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)
    (listed,) = report.conflicts
    assert (listed.restores, listed.theirs_by) == ("theirs", "Ben")
    assert REWRITE in listed.describe() and "before Ben's changes to it reached you" in listed.describe()
    assert conflict_module.list_conflicts(ben.db) == []
    clock.advance(minutes=1)
    conflict_module.resolve(ana.db, listed.id, "theirs")
    ana.sync(hub_url)
    ben.sync(hub_url)
    assert all(_has_rewrite(store, what, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)


def test_a_deletion_without_edits_elsewhere_goes_everywhere_and_lists_nothing(ana, ben, hub_url, clock) -> None:
    team, session, action = session_with_everything(ana, clock)
    ana.sync(hub_url)
    ben.sync(hub_url)
    ana.delete_session(session.id)
    clock.advance(minutes=5)
    ben.save_draft(session_with_everything(ben, clock, title="Another")[1].id, dilemma=REWRITE)
    assert ana.sync(hub_url).conflicts == ben.sync(hub_url).conflicts == ana.sync(hub_url).conflicts == ()
    assert all(_gone(store, "session", team, session, action) for store in (ana, ben))
    assert content(ana) == content(ben) == hub_content(hub_url)
