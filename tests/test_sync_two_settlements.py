"""Two coaches settle one conflict differently, each keeping their own text: the
choice that arrives later replaces the text the other coach chose to keep, and that
coach's next sync lists it as a new conflict (both texts, the three choices), as a
text that lost does. A tester's network lost one text silently this way: listed
nowhere, on no laptop and not on the hub. Two laptops (SQLite), a hub file and
PostgreSQL; the choices are made in either order against the syncs."""

from __future__ import annotations

import pytest

from test_sync import content
from test_sync_merge import _lost_conflict, conflicts, hub_content

ANA = "Night staff miss the huddle. Ana: move it after the drug round."
BEN = "Night staff miss the huddle. Ben: ask the night sister to run it."


@pytest.mark.parametrize("ben_syncs_first", [False, True], ids=["ana-syncs-first", "ben-syncs-first"])
def test_two_coaches_keeping_their_own_text_lose_neither(ana, ben, hub_url, clock, ben_syncs_first) -> None:
    from coachtui.commands.sync import conflict_lines
    from coachtui.store.sync import conflicts as conflict_module

    session = _lost_conflict(ben, ana, hub_url, clock, "dilemma", ANA, BEN)  # Ben's text kept, both list it
    ana.sync(hub_url)
    assert [(c["mine"], c["kept"]) for c in conflicts(ben)] == [(BEN, "mine")]
    assert [(c["mine"], c["kept"]) for c in conflicts(ana)] == [(ANA, "theirs")]
    clock.advance(minutes=1)
    conflict_module.resolve(ben.db, conflicts(ben)[0]["id"], "mine")  # keeps the text kept: a note
    if ben_syncs_first:
        ben.sync(hub_url)
    conflict_module.resolve(ana.db, conflicts(ana)[0]["id"], "mine")  # puts her text back
    ana.sync(hub_url)
    report = ben.sync(hub_url)
    # Ana's choice arrived later: it holds, and Ben is told that his kept text lost
    assert ana.get_session(session.id).dilemma == ben.get_session(session.id).dilemma == ANA
    assert content(ana) == content(ben) == hub_content(hub_url)
    (listed,) = report.conflicts
    assert (listed.field, listed.mine, listed.theirs, listed.kept) == ("dilemma", BEN, ANA, "theirs")
    assert (listed.mine_by, listed.theirs_by) == ("Ben", "Ana")
    assert BEN in "\n".join(conflict_lines(conflict_module.list_conflicts(ben.db)))
    assert conflicts(ana) == []
    assert ben.sync(hub_url).conflicts == () and len(conflicts(ben)) == 1  # listed once
    # the three choices: both puts the two texts everywhere
    conflict_module.resolve(ben.db, listed.id, "both")
    ben.sync(hub_url)
    ana.sync(hub_url)
    both = ana.get_session(session.id).dilemma
    assert BEN in both and ANA in both and both == ben.get_session(session.id).dilemma
    assert conflicts(ana) == conflicts(ben) == []
    assert content(ana) == content(ben) == hub_content(hub_url)


def test_a_settlement_nobody_contradicts_lists_nothing_new(ana, ben, hub_url, clock) -> None:
    from coachtui.store.sync import conflicts as conflict_module

    session = _lost_conflict(ben, ana, hub_url, clock, "dilemma", ANA, BEN)
    ana.sync(hub_url)
    conflict_module.resolve(ben.db, conflicts(ben)[0]["id"], "mine")
    ben.sync(hub_url)
    ana.sync(hub_url)  # Ana's listing goes: Ben settled it
    ben.sync(hub_url)
    assert conflicts(ana) == conflicts(ben) == []
    assert ana.get_session(session.id).dilemma == ben.get_session(session.id).dilemma == BEN
