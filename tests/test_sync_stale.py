"""Sync and what a laptop had not seen (issue 18): a deletion from a laptop that had
not synced another coach's edit, a conflict settled with the value already kept, and
a set's members changed on a laptop whose clock is wrong. Two laptops (SQLite) and a
hub (a SQLite file, and PostgreSQL); each test checks what the databases hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coachtui.store import open_store
from test_sync import content
from test_sync_merge import MEMBERS, conflicts, hub_content


@pytest.fixture
def ana(tmp_path: Path, clock):
    with open_store(str(tmp_path / "ana.db"), clock=clock, coach="Ana") as store:
        yield store


@pytest.fixture
def ben(tmp_path: Path, clock):
    with open_store(str(tmp_path / "ben.db"), clock=clock, coach="Ben") as store:
        yield store


def _a_set(ana, ben, hub_url: str):  # type: ignore[no-untyped-def]
    team = ana.create_team("North leads")
    for name in MEMBERS:
        ana.add_member(team.id, name)
    ana.sync(hub_url)
    ben.sync(hub_url)
    return team


# --- a set's members and wrong clocks ----------------------------------------------------------


class Shifted:
    """The computer's clock, set ``offset`` wrong (a PostgreSQL hub keeps real time)."""

    def __init__(self) -> None:
        self.offset = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def test_a_member_change_stamped_in_the_future_does_not_beat_a_later_change(tmp_path: Path, hub_url) -> None:
    """Ana's clock read 2099 when she marked Dev as left (it was put right before she
    synced); Ben marked Dev as left on another day after her sync: his later change
    holds everywhere, and hers is listed."""
    wrong = Shifted()
    with open_store(str(tmp_path / "ana.db"), clock=wrong, coach="Ana") as ana, open_store(
        str(tmp_path / "ben.db"), clock=Shifted(), coach="Ben"
    ) as ben:
        team = _a_set(ana, ben, hub_url)
        wrong.offset = dt.datetime(2099, 1, 1, tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)
        ana.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 3))
        wrong.offset = dt.timedelta(0)  # put right
        ana.sync(hub_url)
        ben.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 2))  # after Ana's sync
        ben.sync(hub_url)
        ana.sync(hub_url)
        for store in (ana, ben):
            assert store.get_team(team.id).members[1].left == dt.date(2026, 12, 2)
        assert content(ana) == content(ben) == hub_content(hub_url)
        assert [c["kept"] for c in conflicts(ben) if c["field"] == "members"] == ["mine"]
        # no member is stamped later than now anywhere
        with open_store(hub_url) as hub:
            stamps = [m.changed for m in hub.get_team(team.id).members]
        assert all(stamp < "2027" for stamp in stamps)


@pytest.mark.postgres
def test_a_laptop_two_hours_fast_does_not_win_a_clash_on_a_member(tmp_path: Path, pg, clock) -> None:
    """Both mark Dev as left, on different days, before syncing; Ana's clock runs two
    hours fast, Ben's change is a moment later: Ben's holds, as a record's field would.
    (The PostgreSQL hub's clock is the reference.)"""
    hub_url = pg.new_url()
    real = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
    fast = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # noqa: E731
    with open_store(str(tmp_path / "a.db"), clock=fast, coach="Ana") as ana, open_store(
        str(tmp_path / "b.db"), clock=real, coach="Ben"
    ) as ben:
        team = _a_set(ana, ben, hub_url)
        ana.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 3))
        ben.member_left(team.id, "Dev Shah", left=dt.date(2026, 12, 2))  # a moment later
        ana.sync(hub_url)
        ben.sync(hub_url)
        ana.sync(hub_url)
        for store in (ana, ben):
            assert store.get_team(team.id).members[1].left == dt.date(2026, 12, 2)
        assert content(ana) == content(ben) == hub_content(hub_url)
        assert [c["kept"] for c in conflicts(ben) if c["field"] == "members"] == ["mine"]
        assert [(c["mine"] != c["theirs"], c["kept"]) for c in conflicts(ana) if c["field"] == "members"] == [
            (True, "theirs")
        ]
