"""Sync a coach's database (the working copy on a laptop) with a network's hub.

``coachtui sync --hub URL`` pushes what changed here since the last sync with that
hub and pulls what the others changed there. The hub is any coachtui database
(PostgreSQL in a network; a SQLite file works too); it is migrated on first use.

**What moves.** Each side's change log (``store/sync/changes.py``) says which records
were written since the counter value the last sync reached, so a sync moves only
those: the records themselves and, for anything inside a session, the whole
session (its questions, actions and reviews, a few rows), plus the teams they
belong to; and the tombstones of records deleted for good. A first sync with a
hub (or ``--full``) moves everything; into a side that holds no record yet (an empty
hub, a new laptop) it copies the tables instead of merging record by record, with
the same outcome (``store/sync/bulk.py``), and the whole sessions a laptop receives
that it never had are copied beside the records merged (``_one_sided``). Sync keeps, per hub, how far pushing and
pulling have got (``sync_state``, keyed by the hub's database id).

**Who wins.** The same rules run on the receiving side of each direction:

* A record on both sides is merged **field by field** against the version both
  sides last agreed on (kept per hub on the laptop, ``sync_base``; see
  ``store/sync/fields.py``): a field changed on one side only takes that side's
  value, whatever the clocks say; a field changed differently on both keeps the
  newer edit (``updated_at``; at the same moment, the content that sorts last, so
  both sides choose the same) and the other value is kept in ``sync_conflict`` for
  the coach to choose (``store/sync/conflicts.py``). Without such a version (records
  the sides got separately), the newer edit wins the whole record. Equal means
  unchanged: running sync twice moves nothing.
* **Clocks.** The base gives the order of edits that saw each other; wall-clock
  time only breaks ties between edits that did not. Stamps later than the
  receiver's clock count as its clock: going to the hub they are rewritten (the
  hub's clock is the reference, a PostgreSQL server's or, for a hub file, that of
  the file system keeping it: a laptop's measured lead is taken off first, so a
  laptop 2 h fast does not beat a later edit); coming from the hub they only count
  so in comparisons. The report says when this laptop's clock is off.
* A deletion counts as an edit at ``deleted_at``. A record is deleted when its
  deletion is at least as new as every edit of it *and of everything inside it*
  (a team's sessions, a session's questions, actions and reviews); otherwise it
  stays, as it is on the side that edited it later, and the deletion is forgotten.
  So deleting a team for good removes it everywhere, unless a laptop that had not
  heard of the deletion went on coaching that team afterwards: then the team and
  what was done later come back, while its sessions nobody touched after the
  deletion stay deleted. A session (or action) that comes back comes back whole,
  with the questions, actions and reviews deleted along with it. Deleting a record
  deletes what is inside it, as it does here.
* A deletion that takes edits made on this laptop since its last sync (the laptop
  that deleted had not seen them) is a conflict, as a field changed on both sides is:
  the newer deletion holds, and the laptop keeps the records it took, as edited, in
  ``sync_conflict`` (``conflicts.DELETED``); keeping mine puts them back, and the next
  sync takes them everywhere (an edit newer than the deletion); keeping theirs lets
  them go. The other way round too: a deletion a laptop sends of records written on
  the hub after it last received from there (another coach's edit it had not seen)
  holds, and that laptop keeps the records, as the hub had them, in a conflict whose
  "theirs" puts them back (``conflicts.deleted_unseen``). The hub commits the deletion
  before the laptop saves that conflict, so it keeps the conflict too, as a note for
  that laptop, until the laptop has saved it: a save there that fails (a full disk)
  loses nothing, the next sync lists it (``conflicts.to_tell``).
* Two teams with the same name (ignoring case) and different ids are one team
  ("Ward 4" created on two laptops): the hub keeps its own, files the laptop's
  sessions and actions under it, and the laptop then adopts the hub's team (its
  sessions and actions move to it). The same question picked twice in one session,
  or the same custom question written twice, keeps the newer record.
* An action's status is that of its newest review (``open`` without one), set
  again where a sync brought a review the sender did not know of (or took one
  away); data nobody changed stays as it is, even where its stamps disagree.
* Whatever the receiving side kept over what was sent (a newer edit, a kept
  record) is sent back in the same sync, so both sides end up the same.

**Batches, failures, stopping.** Changes move a batch at a time (:data:`BATCH` change-log
entries, a session's records side by side): first this laptop's, each batch one
transaction on the hub and then one here that keeps the versions sent and how far
sending got; then the hub's, each batch read there and applied here in one
transaction that keeps how far receiving got (``sync_state``, and within one counter
value the last entry done, in ``coachtui_meta``). A hub that cannot be reached, or a
connection lost half-way, leaves the batch in progress undone (one clear line says
so; if the hub had committed it, the laptop's half failed and the next sync sends it
again, which changes nothing there); the batches before it stay, and the next sync
continues after them. Stopping a sync (ctrl+c, or ``cancelled``) works the same way.
What such a sync moved counts as seen by the laptop at the next one: the hub's counter
values its batches took there, and the last entry it received, stay in
``coachtui_meta`` until a sync has received everything up to them, so deleting a record
it moved is not taken for deleting another coach's edit unseen.
``progress`` hears after each batch.

**Conflicts settled elsewhere.** A conflict listed on two laptops (the one that found
it, and the one told of its lost value) goes from the other's list once a record it
receives holds the other value or both texts: a coach settled it and synced. Settled
with the value the field holds already, nothing is written to the record: a note
travels instead (``conflicts.SETTLED``), and each laptop that syncs drops the
conflicts it lists over the same two values of that field.

**Conflicts lost on the hub.** When a laptop's newer value wins over the hub's in a
field both changed, the hub keeps a note of the value that lost; the laptop that had
sent it lists the conflict when it next receives the record (``conflicts.told``).

Counter values on the hub are handed out in commit order (every writer takes the
write lock first), so "changed since N" never misses a record a slower writer
committed later.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlmodel import Session

from coachtui.store.db import dialects
from coachtui.store.db.engine import Database, open_database
from coachtui.store.db.models import Meta, SyncChange, SyncState, Tombstone
from coachtui.store.db.target import parse_target
from coachtui.store.errors import StoreError, SyncFailed, SyncStopped
from coachtui.store.exchange.interchange import SPECS, STAMP
from coachtui.store.exchange.merge import Plan, changed_fields, existing_ids, write_plan
from coachtui.store.exchange.rows import fetch, fetch_in, in_clauses, table_of
from coachtui.store.sync import bulk, changes, conflicts, fields
from coachtui.store.sync.conflicts import Conflict
from coachtui.store.sync.tables import table_of_model

KINDS = changes.KINDS
STAMPS = ("created_at", "updated_at", "completed_at")
# Deletions are decided for containers first: deleting a team settles its sessions.
DELETE_ORDER = ("teams", "sessions", "actions", "custom_questions", "picked_questions", "action_reviews")
PARENTS = bulk.PARENTS
KIND_NAMES = {
    "teams": ("team", "teams"),
    "sessions": ("session", "sessions"),
    "custom_questions": ("custom question", "custom questions"),
    "picked_questions": ("question", "questions"),
    "actions": ("action", "actions"),
    "action_reviews": ("review", "reviews"),
}
CHUNK = 500
SKEW_REPORTED = dt.timedelta(minutes=2)

Row = dict[str, Any]


# --- what moves ---------------------------------------------------------------------------


@dataclass
class Changeset:
    """Records (by kind and id) and tombstones on their way from one side to the other."""

    rows: dict[str, dict[str, Row]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    tombstones: dict[tuple[str, str], tuple[dt.datetime, str]] = field(default_factory=dict)
    # the last synced version of records sent (their fields), by (kind, id)
    bases: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # the receiver's clock: later stamps count as this (and, going to the hub, become it)
    limit: dt.datetime | None = None
    to_hub: bool = False
    # how far the sender's clock is ahead of the receiver's, when known
    ahead: dt.timedelta = dt.timedelta(0)
    # from a hub: its notes of values that lost a conflict there, for these records
    notes: list[conflicts.Conflict] = field(default_factory=list)
    # on a laptop: the hub whose agreed versions (and this laptop's counter value when
    # it last sent) tell which records were edited here since the last sync; a
    # deletion of one of them keeps the edit as a conflict (None: it is not checked)
    agreed_with: tuple[str, int] | None = None
    # going to the hub: the hub's counter value the sender had received up to, the
    # ranges of counter values its batches took there since (this sync's, and those of
    # a sync that stopped half-way: the sender has those), and the last entry a sync
    # that stopped half-way received after that value (None: none); a deletion sent of
    # records written there since then (edits the sender had not seen) keeps them as a
    # conflict for the sender (None: it is not checked)
    seen: tuple[int, tuple[tuple[int, int], ...], Entry | None] | None = None
    # records new to the receiver, as SQLite stores them (``bulk.Snapshot`` rows, by
    # kind, sorted by id): written as they are, beside the rows merged (``_one_sided``)
    copied: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add_row(self, kind: str, row: Row) -> None:
        self.rows[kind][row["id"]] = row

    def add_tombstone(self, kind: str, ident: str, deleted_at: dt.datetime, coach: str) -> None:
        known = self.tombstones.get((kind, ident))
        if known is None or known[0] < deleted_at:
            self.tombstones[(kind, ident)] = (deleted_at, coach)

    def update(self, other: Changeset) -> None:
        for kind, rows in other.rows.items():
            self.rows[kind].update(rows)
        for (kind, ident), (deleted_at, coach) in other.tombstones.items():
            self.add_tombstone(kind, ident, deleted_at, coach)

    def drop(self, other: Changeset) -> None:
        """Leave out the records and tombstones ``other`` holds."""
        for kind, rows in other.rows.items():
            mine = self.rows[kind]
            for ident in rows.keys() & mine.keys():
                del mine[ident]
        for key in other.tombstones.keys() & self.tombstones.keys():
            del self.tombstones[key]

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values()) + len(self.tombstones)


def _fetch(conn: sa.Connection, kind: str) -> list[Row]:
    return fetch(cast(Session, conn), kind)


def _fetch_in(conn: sa.Connection, kind: str, column: str, ids: Iterable[str]) -> list[Row]:
    return fetch_in(cast(Session, conn), kind, column, ids)


def _existing_ids(conn: sa.Connection, kind: str, ids: Iterable[str]) -> set[str]:
    return existing_ids(cast(Session, conn), kind, ids)


def _tombstones(conn: sa.Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[dt.datetime, str]]:
    table = table_of_model(Tombstone)
    by_kind: dict[str, set[str]] = {}
    for kind, ident in keys:
        by_kind.setdefault(kind, set()).add(ident)
    found = {}
    for kind, ids in by_kind.items():
        for clause in in_clauses(conn, table.c.id, ids):
            for row in conn.execute(
                sa.select(table.c.id, table.c.deleted_at, table.c.coach).where(table.c.kind == kind, clause)
            ):
                found[(kind, row.id)] = (row.deleted_at, row.coach)
    return found


def _rows_by_id(conn: sa.Connection, kind: str, ids: Iterable[str]) -> dict[str, Row]:
    return {row["id"]: row for row in _fetch_in(conn, kind, "id", ids)}


def _add_sessions(conn: sa.Connection, out: Changeset, session_ids: set[str], known: dict[str, Row] | None = None) -> None:
    """Whole sessions: the session rows, their questions, actions, and the reviews of
    those actions or made in them (with the reviewed actions), and their teams.
    ``known``: session rows already read."""
    known = known or {}
    sessions = {ident: known[ident] for ident in session_ids if ident in known}
    sessions.update(_rows_by_id(conn, "sessions", session_ids - set(sessions)))
    picked = _fetch_in(conn, "picked_questions", "session_id", sessions)
    actions = {row["id"]: row for row in _fetch_in(conn, "actions", "session_id", sessions)}
    reviews = {row["id"]: row for row in _fetch_in(conn, "action_reviews", "action_id", actions)}
    reviews.update({row["id"]: row for row in _fetch_in(conn, "action_reviews", "session_id", sessions)})
    reviewed = {row["action_id"] for row in reviews.values()} - set(actions)
    actions.update(_rows_by_id(conn, "actions", reviewed))
    for row in sessions.values():
        out.add_row("sessions", row)
    for row in picked:
        out.add_row("picked_questions", row)
    for row in actions.values():
        out.add_row("actions", row)
    for row in reviews.values():
        out.add_row("action_reviews", row)
    teams = {row["team_id"] for row in sessions.values()} | {row["team_id"] for row in actions.values()}
    for row in _rows_by_id(conn, "teams", teams).values():
        out.add_row("teams", row)


def _links(conn: sa.Connection, kind: str, ids: Iterable[str], *columns: str) -> dict[str, tuple[Any, ...]]:
    """For the records of ``kind`` among ``ids`` that exist: these columns of each
    (what they belong to), without reading the whole rows."""
    table = table_of(kind)
    found: dict[str, tuple[Any, ...]] = {}
    for clause in in_clauses(conn, table.c.id, ids):
        for row in conn.execute(sa.select(table.c.id, *(table.c[name] for name in columns)).where(clause)).all():
            found[row[0]] = tuple(row[1:])
    return found


def collect(conn: sa.Connection, entries: Iterable[tuple[str, str]]) -> Changeset:
    """What to send for these changed records (see the module docstring)."""
    out = Changeset()
    by_kind: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for kind, ident in entries:
        if kind in by_kind:
            by_kind[kind].add(ident)
    # records inside a session travel with it: here only which session they are in
    live: dict[str, dict[str, Any]] = {
        kind: _rows_by_id(conn, kind, by_kind[kind]) for kind in ("teams", "sessions", "custom_questions")
    }
    live["picked_questions"] = _links(conn, "picked_questions", by_kind["picked_questions"], "session_id")
    live["actions"] = _links(conn, "actions", by_kind["actions"], "session_id")
    live["action_reviews"] = _links(conn, "action_reviews", by_kind["action_reviews"], "session_id", "action_id")
    gone = [(kind, ident) for kind, ids in by_kind.items() for ident in ids if ident not in live[kind]]
    out.tombstones.update(_tombstones(conn, gone))
    sessions = set(live["sessions"])
    sessions |= {link[0] for link in live["picked_questions"].values()}
    sessions |= {link[0] for link in live["actions"].values()}
    sessions |= {link[0] for link in live["action_reviews"].values() if link[0] is not None}
    reviewed = {link[1] for link in live["action_reviews"].values()}
    sessions |= {link[0] for link in _links(conn, "actions", reviewed, "session_id").values()}
    _add_sessions(conn, out, sessions, live["sessions"])
    for kind in ("teams", "custom_questions"):
        for row in live[kind].values():
            out.add_row(kind, row)
    return out


def collect_all(conn: sa.Connection) -> Changeset:
    """Everything: every record and every tombstone (one read of each table, for a
    sync that moves a whole history)."""
    out = Changeset()
    for kind in KINDS:
        for row in _fetch(conn, kind):
            out.add_row(kind, row)
    _add_all_tombstones(conn, out)
    return out


def _add_all_tombstones(conn: sa.Connection, out: Changeset) -> None:
    table = table_of_model(Tombstone)
    for grave in conn.execute(sa.select(table)).all():
        out.add_tombstone(grave.kind, grave.id, grave.deleted_at, grave.coach)


def _all_keys(conn: sa.Connection) -> list[tuple[str, str]]:
    """Every record and tombstone here, as (kind, id)."""
    keys = [(kind, str(ident)) for kind in KINDS for ident in conn.execute(sa.select(table_of(kind).c.id)).scalars()]
    graves = table_of_model(Tombstone)
    return keys + [(row.kind, row.id) for row in conn.execute(sa.select(graves.c.kind, graves.c.id))]


def collect_subtrees(conn: sa.Connection, records: dict[str, set[str]]) -> Changeset:
    """These records with everything inside them (to send back what was kept)."""
    out = Changeset()
    wanted: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for kind, ids in records.items():
        for found_kind, found in changes.subtree(conn, kind, ids).items():
            wanted[found_kind] |= found
    _add_sessions(conn, out, wanted["sessions"])
    for kind in ("teams", "actions", "picked_questions", "action_reviews", "custom_questions"):
        for row in _rows_by_id(conn, kind, wanted[kind] - set(out.rows[kind])).values():
            out.add_row(kind, row)
    return out


# --- deciding ------------------------------------------------------------------------------


@dataclass
class Applied:
    """What applying a changeset did on the receiving side."""

    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    merged_teams: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0
    # records left out because what they belong to is not here, and was not deleted
    # here: a later batch of the same sync may bring it (counted as skipped if none does)
    waiting: set[tuple[str, str]] = field(default_factory=set)
    send_back: Changeset = field(default_factory=Changeset)
    conflicts: list[fields.FieldConflict] = field(default_factory=list)
    merged: int = 0  # records that took fields from both sides
    clamped: int = 0  # stamps from the future brought back to the receiver's clock
    # records sent that the receiver holds afterwards (not left out, not deleted)
    settled: set[tuple[str, str]] = field(default_factory=set)
    # the sessions this apply deleted on the receiving side (a tombstone applied)
    gone_sessions: set[str] = field(default_factory=set)
    # on a laptop: deletions that took edits made here since the last sync (kept to restore)
    deleted_edits: list[Conflict] = field(default_factory=list)
    # on the hub: deletions sent that took edits the sender had not seen (the sender
    # lists them, to restore)
    deleted_unseen: list[Conflict] = field(default_factory=list)


class _Apply:
    """One changeset applied in the receiver's open write transaction."""

    def __init__(self, conn: sa.Connection, incoming: Changeset, *, adopt_teams: bool) -> None:
        self.conn = conn
        self.result = Applied()
        self.limit = (incoming.limit or dt.datetime.now(dt.UTC)) + fields.TOLERANCE
        self.ahead = incoming.ahead if incoming.ahead > fields.TOLERANCE else dt.timedelta(0)
        self.bases = incoming.bases
        self.from_hub = not incoming.to_hub
        self.copied = incoming.copied
        if self.copied and self.from_hub:  # (going to the hub, none is later than its clock: ``_one_sided``)
            self.result.clamped += bulk.Snapshot(self.copied, []).later_than(self.limit)
        self.agreed_with = incoming.agreed_with if self.from_hub else None
        self.seen = None if self.from_hub else incoming.seen
        self.start_seq = changes.current_seq(conn) if self.seen is not None else 0
        self.clamped_ids: set[str] = set()  # records whose stamps this side brought back to now
        self.rows = {
            kind: {ident: self._clamped(kind, row) for ident, row in rows.items()} for kind, rows in incoming.rows.items()
        }
        self.sent = {kind: dict(rows) for kind, rows in self.rows.items()}
        self.sent_tombstones = {key: self._clamped_grave(value) for key, value in incoming.tombstones.items()}
        self.adopt_teams = adopt_teams
        self.existed: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.inserted: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.updated: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.removed: dict[str, set[str]] = {kind: set() for kind in KINDS}
        self.kept: dict[str, set[str]] = {kind: set() for kind in KINDS}
        # actions whose reviews were deleted here (their status may change)
        self.reviewed_actions: set[str] = set()
        self.absent: set[tuple[str, str]] = set()  # parents found missing here
        self.orphans: list[tuple[tuple[str, str], tuple[str, str]]] = []  # ... and each record they left out
        # on the hub: its tombstones of records sent that it wrote after the sender
        # last received (``note_unseen``)
        self.unseen_graves: set[tuple[str, str]] = set()

    def _clamped(self, kind: str, row: Row) -> Row:
        """Going to the hub, stamps later than the hub's clock become its clock (a
        laptop's clock running fast, a file stamped 2099): the record's, and those of a
        set's members (when each last joined, left or came back)."""
        limit = self.limit
        late_members = kind == "teams" and fields.members_later_than(row.get("members"), limit)
        for name in STAMPS:  # most rows: nothing from the future
            value = row.get(name)
            if isinstance(value, dt.datetime) and value > limit:
                break
        else:
            if not late_members:
                return row
        row = dict(row)
        for name in STAMPS:
            value = row.get(name)
            if isinstance(value, dt.datetime) and value > self.limit:
                self.result.clamped += 1
                if not self.from_hub:
                    row[name] = self._now_at_most(value)
                    self.clamped_ids.add(row["id"])
        if late_members:
            self.result.clamped += 1
            if not self.from_hub:
                row["members"] = fields.members_at_most(row["members"], limit, self._now_at_most)
                self.clamped_ids.add(row["id"])
        return row

    def _now_at_most(self, stamp: dt.datetime) -> dt.datetime:
        """A stamp from the future, in the receiver's time: less the sender's measured
        lead (a clock 2 h fast), and no later than now."""
        return min(stamp - self.ahead, self.limit - fields.TOLERANCE)

    def _clamped_grave(self, grave: tuple[dt.datetime, str]) -> tuple[dt.datetime, str]:
        if grave[0] > self.limit and not self.from_hub:
            self.result.clamped += 1
            return (self._now_at_most(grave[0]), grave[1])
        return grave

    # --- teams with the same name ----------------------------------------------------

    def map_teams(self) -> None:
        incoming = self.rows["teams"]
        if not incoming:
            return
        here = _fetch(self.conn, "teams")
        by_id = {row["id"]: row for row in here}
        by_key = {row["name_key"]: row for row in here}
        mapping: dict[str, str] = {}
        for ident, team in sorted(incoming.items()):
            local = by_key.get(team["name_key"])
            if ident in by_id or local is None or local["id"] == ident:
                continue
            if local["id"] in incoming:
                raise SyncFailed(
                    f"two teams are called {team['name']!r} (ignoring case); rename one of them and sync again"
                )
            self.result.merged_teams.append((local["name"], team["name"]) if self.adopt_teams else (team["name"], local["name"]))
            if self.adopt_teams:
                self._adopt(team, local)
                self.existed["teams"].add(ident)
            else:
                mapping[ident] = local["id"]
                del incoming[ident]
                self.result.send_back.add_row("teams", local)
        for kind in ("sessions", "actions"):
            for row in self.rows[kind].values():
                row["team_id"] = mapping.get(row["team_id"], row["team_id"])
            if mapping and self.copied.get(kind):
                index = SPECS[kind].columns.index("team_id")
                self.copied[kind] = [
                    (*row[:index], mapping.get(row[index], row[index]), *row[index + 1 :]) for row in self.copied[kind]
                ]

    def _adopt(self, team: Row, local: Row) -> None:
        """Make the hub's team ours: our team of the same name hands over its sessions
        and actions and goes (no tombstone: nothing was deleted)."""
        table = table_of("teams")
        self.conn.execute(sa.update(table).where(table.c.id == local["id"]).values(name_key="\x01" + local["id"]))
        self.conn.execute(sa.insert(table), [team])
        for kind in ("sessions", "actions"):
            child = table_of(kind)
            self.conn.execute(sa.update(child).where(child.c.team_id == local["id"]).values(team_id=team["id"]))
        self.conn.execute(sa.delete(table).where(table.c.id == local["id"]))
        del self.rows["teams"][team["id"]]

    # --- the same question twice ----------------------------------------------------------

    def dedupe(self) -> None:
        picked = self.rows["picked_questions"]
        if picked:
            here = _fetch_in(self.conn, "picked_questions", "session_id", {r["session_id"] for r in picked.values()})
            self._dedupe("picked_questions", {(r["session_id"], r["question_id"]): r for r in here},
                         lambda r: (r["session_id"], r["question_id"]))
        custom = self.rows["custom_questions"]
        if custom:
            here = sorted(
                _fetch_in(self.conn, "custom_questions", "text", {r["text"] for r in custom.values()}),
                key=lambda r: (r["created_at"], r["id"]),
                reverse=True,
            )
            self._dedupe("custom_questions", {r["text"]: r for r in here}, lambda r: r["text"])

    def _dedupe(self, kind: str, here: dict[Any, Row], key: Any) -> None:
        """Two records for one thing: the newer one stays (with its id); the other is
        deleted as superseded, at the moment the newer was written."""
        incoming = self.rows[kind]
        for ident, row in sorted(incoming.items()):
            other = here.get(key(row))
            if other is None or other["id"] == ident:
                continue
            if fields.rank(kind, row, self.limit) > fields.rank(kind, other, self.limit):
                changes.bury(self.conn, {kind: {other["id"]}}, row["updated_at"], "")
                table = table_of(kind)
                self.conn.execute(sa.delete(table).where(table.c.id == other["id"]))
                self.removed[kind].add(other["id"])
                self.existed[kind].add(other["id"])
            else:
                del incoming[ident]
                changes.bury(self.conn, {kind: {ident}}, other["updated_at"], "")
                self.result.send_back.add_row(kind, other)
                self.result.send_back.add_tombstone(kind, ident, other["updated_at"], "")

    # --- records ------------------------------------------------------------------------------

    def upsert(self) -> None:
        total = sum(len(rows) for rows in self.rows.values()) + sum(len(rows) for rows in self.copied.values())
        with bulk.quiet_triggers(self.conn, total >= bulk.BULK_ROWS) as written:
            self._upsert(written)
        self._tell_deleted_parents()

    def _upsert(self, written: bulk.Written) -> None:
        present: dict[str, set[str]] = {kind: set() for kind in KINDS}
        for kind in KINDS:  # parents before children
            incoming = self.rows[kind]
            copied = self.copied.get(kind, [])
            if copied:  # new here, nothing to decide: written as they are, below
                self._note_copied(written, kind, copied)
                present[kind] |= {row[0] for row in copied}
            here = _rows_by_id(self.conn, kind, incoming)
            self.existed[kind] |= set(here)
            present[kind] |= set(here)
            for column, parent_kind in PARENTS.get(kind, ()):  # the parents not sent: one query
                wanted = {row[column] for row in incoming.values()} - present[parent_kind] - {None}
                found = _existing_ids(self.conn, parent_kind, wanted)
                present[parent_kind] |= found
                self.absent |= {(parent_kind, ident) for ident in wanted - found}
            plan = Plan()
            for ident in sorted(incoming):
                row = incoming[ident]
                if not self._parents_present(kind, row, present):
                    continue
                current = here.get(ident)
                if current is None:
                    plan.inserts.append(row)
                    self.inserted[kind].add(ident)
                    present[kind].add(ident)
                    written.inserted[kind].add(ident)
                    self._note(written, kind, row)
                    if ident in self.clamped_ids:  # the sender hears of its new times
                        self.result.send_back.add_row(kind, row)
                    continue
                outcome = fields.merge_record(
                    kind, self.bases.get((kind, ident)), current, row, self.limit, from_hub=self.from_hub
                )
                self.result.conflicts.extend(outcome.conflicts)
                if outcome.write:
                    plan.updates.append((ident, changed_fields(kind, outcome.row, current, ())))
                    self.updated[kind].add(ident)
                    self.rows[kind][ident] = outcome.row
                    self._note(written, kind, outcome.row)
                    self._note(written, kind, current)
                self.result.merged += outcome.mixed
                if outcome.differs_from_sent or ident in self.clamped_ids:
                    self.result.send_back.add_row(kind, outcome.row)
            if written.enabled:
                bulk.insert_rows(self.conn, kind, plan.inserts, copied)
                plan.inserts = []
            assert written.enabled or not copied  # copies are chosen from BULK_ROWS records on
            write_plan(self.conn, kind, plan)

    @staticmethod
    def _note(written: bulk.Written, kind: str, row: Row) -> None:
        written.records[kind].add(row["id"])
        if kind == "sessions":
            written.sessions.add(row["id"])
        elif kind in ("picked_questions", "actions", "action_reviews") and row.get("session_id"):
            written.sessions.add(row["session_id"])
        elif kind == "teams":
            written.teams.add(row["id"])  # its name is in its sessions' search rows

    def _note_copied(self, written: bulk.Written, kind: str, rows: list[tuple[Any, ...]]) -> None:
        """What :meth:`_note` notes, and the records counted as inserted, for these
        stored rows."""
        ids = {row[0] for row in rows}
        self.inserted[kind] |= ids
        written.inserted[kind] |= ids
        written.records[kind] |= ids
        if kind == "sessions":
            written.sessions |= ids
        elif kind in ("picked_questions", "actions", "action_reviews"):
            index = SPECS[kind].columns.index("session_id")
            written.sessions |= {row[index] for row in rows if row[index]}

    def _parents_present(self, kind: str, row: Row, present: dict[str, set[str]]) -> bool:
        for column, parent_kind in PARENTS.get(kind, ()):
            parent = row[column]
            if parent is None or parent in present[parent_kind]:
                continue
            if (parent_kind, parent) not in self.absent and _existing_ids(self.conn, parent_kind, [parent]):
                present[parent_kind].add(parent)
                continue
            # Its session (or team, or action) is not here: deleted here (then the
            # record goes with it, and the sender hears of the deletion), or not come
            # yet (a later batch of this sync brings it, with the record again).
            self.absent.add((parent_kind, parent))
            self.orphans.append(((parent_kind, parent), (kind, row["id"])))
            self.result.waiting.add((kind, row["id"]))
            return False
        return True

    def _tell_deleted_parents(self) -> None:
        """The records left out because what they belong to was deleted here: counted,
        and the sender hears of the deletions (one query). The others wait for their
        parent to come in a later batch (``Applied.waiting``)."""
        graves = _tombstones(self.conn, {parent for parent, _record in self.orphans})
        for (kind, ident), grave in graves.items():
            self.result.send_back.add_tombstone(kind, ident, *grave)
        gone = {record for parent, record in self.orphans if parent in graves}
        self.result.skipped += len(gone)
        self.result.waiting -= gone

    # --- deletions ------------------------------------------------------------------------------

    def note_unseen(self, own: dict[tuple[str, str], tuple[dt.datetime, str]]) -> None:
        """On the hub, before the records sent are written (writing them logs them
        afresh): of its tombstones of those records, the ones written after the sender
        last received from the hub. The sender had not heard of those deletions: what
        it sends of them is an edit made meanwhile, not a record it put back."""
        if self.seen is None or not own:
            return
        since, ranges, received = self.seen
        self.unseen_graves = _written_since(self.conn, list(own), since, skip=ranges, received=received)

    def _deletion_holds(self, key: tuple[str, str], deleted_at: dt.datetime, tree: dict[str, set[str]]) -> bool:
        """Whether a deletion takes a record still here (or sent back). Where it is known
        what each side had seen, by that and not by the clocks: a deletion holds against
        edits made without knowing of it (they are listed as a conflict, see ``_delete``),
        and a record sent that its sender had seen deleted was put back on purpose (keep
        mine or theirs). Otherwise (a first sync, ``--full``) the later of the deletion
        and the last edit inside the record wins."""
        if self.seen is not None:  # the hub, hearing from a laptop
            return key in self.sent_tombstones or key in self.unseen_graves
        if self.agreed_with is not None and key in self.sent_tombstones:  # a laptop, told by the hub
            return True
        return min(deleted_at, self.limit) >= self._last_edit(tree)

    def settle_deletions(self, own: dict[tuple[str, str], tuple[dt.datetime, str]]) -> None:
        """Apply the tombstones sent, and this side's own tombstones of records the
        changeset brought back, containers first. A session or action that stays
        (something in it is newer than its deletion) keeps what was deleted along
        with it: a session is one piece of work."""
        graves = dict(own)
        for key, value in self.sent_tombstones.items():
            if key not in graves or graves[key][0] < value[0]:
                graves[key] = value
        revived: dict[tuple[str, str], dt.datetime] = {}
        for kind in DELETE_ORDER:
            mine = {ident: value for (grave_kind, ident), value in graves.items() if grave_kind == kind}
            if not mine:
                continue
            # one query for the kind (deleting a container earlier may have taken some)
            here = _rows_by_id(self.conn, kind, mine)
            absent: dict[tuple[dt.datetime, str], set[str]] = {}
            for ident in sorted(set(mine) - set(here)):
                absent.setdefault(mine[ident], set()).add(ident)
            for (deleted_at, coach), ids in absent.items():  # keep the news for others
                changes.bury(self.conn, {kind: ids}, deleted_at, coach)
            for ident in sorted(here):
                deleted_at, coach = mine[ident]
                if ident in self.removed[kind]:
                    continue  # went with a container just now
                if any(revived.get(container) == deleted_at for container in _containers(kind, here[ident])):
                    revived[(kind, ident)] = deleted_at  # deleted along with its container, back with it
                    continue
                tree = changes.subtree(self.conn, kind, [ident])
                if self._deletion_holds((kind, ident), deleted_at, tree):
                    self._delete(kind, ident, tree, deleted_at, coach)
                    continue
                # edited after the deletion: it stays
                if kind in ("sessions", "actions"):
                    revived[(kind, ident)] = deleted_at
                if (kind, ident) in self.sent_tombstones:
                    self.kept[kind].add(ident)  # the sender deleted it: send it back

    def _delete(self, kind: str, ident: str, tree: dict[str, set[str]], deleted_at: dt.datetime, coach: str) -> None:
        if self.agreed_with is not None:
            self._keep_edits(kind, ident, tree, coach)
        elif self.seen is not None:
            self._keep_unseen(kind, ident, tree, coach)
        changes.bury(self.conn, tree, deleted_at, coach)
        if tree["action_reviews"]:
            self.reviewed_actions |= {
                row["action_id"]
                for row in _fetch_in(self.conn, "action_reviews", "id", tree["action_reviews"])
            }
        table = table_of(kind)
        self.conn.execute(sa.delete(table).where(table.c.id == ident))
        for tree_kind, ids in tree.items():
            self.removed[tree_kind] |= ids
            for sent_id in ids & set(self.rows[tree_kind]):  # the sender still has them: tell it
                self.result.send_back.add_tombstone(tree_kind, sent_id, deleted_at, coach)

    def _keep_edits(self, kind: str, ident: str, tree: dict[str, set[str]], deleted_by: str) -> None:
        """Before a deletion sent from the hub is applied here: if anything it takes was
        edited here since the last sync (its agreed version differs, or it was written
        here since then and never agreed on), the edited records are kept as a conflict
        to restore them (``conflicts.deleted_edit``)."""
        assert self.agreed_with is not None
        hub_id, since = self.agreed_with
        rows = {tree_kind: _rows_by_id(self.conn, tree_kind, ids) for tree_kind, ids in tree.items() if ids}
        keys = [(tree_kind, record_id) for tree_kind, found in rows.items() for record_id in found]
        bases = fields.load_bases(self.conn, hub_id, keys)
        unagreed = [key for key in keys if key not in bases]
        new_here = _written_since(self.conn, unagreed, since) if unagreed else set()
        edited: dict[tuple[str, str], list[str]] = {}
        for key in keys:
            row = rows[key[0]][key[1]]
            if key in bases:
                changed = fields.edited_since(key[0], row, bases[key])
            elif key in new_here:
                changed = fields.edited_since(key[0], row, {})
            else:
                continue
            if changed:
                edited[key] = changed
        if not edited:
            return
        if kind == "teams":  # the team comes back with the sessions edited here, not the others
            rows = _sessions_holding(rows, ident, edited)
        self.result.deleted_edits.append(conflicts.deleted_edit(kind, ident, rows, edited, deleted_by))

    def _keep_unseen(self, kind: str, ident: str, tree: dict[str, set[str]], deleted_by: str) -> None:
        """On the hub, before a deletion a laptop sent is applied: if anything it takes
        was written here after that laptop last received from the hub (another coach's
        edit it had not seen), those records are kept as a conflict for that laptop,
        whose "theirs" restores them (``conflicts.deleted_unseen``)."""
        assert self.seen is not None
        since, own, received = self.seen
        keys = [(tree_kind, record_id) for tree_kind, ids in tree.items() for record_id in ids]
        written = _written_since(self.conn, keys, since, upto=self.start_seq, skip=own, received=received)
        if not written:
            return
        rows = {tree_kind: _rows_by_id(self.conn, tree_kind, ids) for tree_kind, ids in tree.items() if ids}
        edited: dict[tuple[str, str], list[str]] = {}
        for key in sorted(written):
            row = rows.get(key[0], {}).get(key[1])
            if row is not None and (names := fields.edited_since(key[0], row, {})):
                edited[key] = names
        if not edited:
            return
        if kind == "teams":  # the team would come back with the sessions edited, not the others
            rows = _sessions_holding(rows, ident, edited)
        self.result.deleted_unseen.append(conflicts.deleted_unseen(kind, ident, rows, edited, deleted_by))

    def _last_edit(self, tree: dict[str, set[str]]) -> dt.datetime:
        latest = dt.datetime.min.replace(tzinfo=dt.UTC)
        for kind, ids in tree.items():
            table = table_of(kind)
            values = sorted(ids)
            for start in range(0, len(values), CHUNK):
                found = self.conn.execute(
                    sa.select(sa.func.max(table.c.updated_at)).where(table.c.id.in_(values[start : start + CHUNK]))
                ).scalar()
                if found is not None:
                    latest = max(latest, found)
        return min(latest, self.limit)

    # --- afterwards ------------------------------------------------------------------------------

    def refresh_statuses(self) -> None:
        """An action whose reviews here are not the ones its sender knew (a review
        came from elsewhere, or went) gets the status of its newest review ("open"
        without one), as the service keeps it; not an edit, so its updated_at stays.
        An action whose newest review is the one the sender's status came from keeps
        the status sent: sync leaves data nobody changed as it is."""
        touched = set(self.inserted["actions"]) | set(self.updated["actions"]) | self.reviewed_actions
        touched |= {row["action_id"] for row in self.rows["action_reviews"].values()}
        touched -= self.removed["actions"]
        # An action new here has only the reviews that came with it: its status is the
        # one sent, unless one of its reviews was left out (not one waiting for the
        # session it was made in, which a later batch brings: ``_parents_present``).
        waiting = self.result.waiting
        left_out = {
            row["action_id"]
            for ident, row in self.sent["action_reviews"].items()
            if ident not in self.inserted["action_reviews"] and ("action_reviews", ident) not in waiting
        }
        touched -= self.inserted["actions"] - left_out - self.reviewed_actions
        # one of its reviews waits for a later batch: judged when that brings it
        touched -= {self.sent["action_reviews"][ident]["action_id"] for kind, ident in waiting if kind == "action_reviews"}
        if not touched:
            return
        latest: dict[str, tuple[Any, ...]] = {}
        for row in _fetch_in(self.conn, "action_reviews", "action_id", touched):
            rank = (row["updated_at"], row["created_at"], row["id"])
            if row["action_id"] not in latest or rank > latest[row["action_id"]][0]:
                latest[row["action_id"]] = (rank, row["status"])
        known: dict[str, tuple[Any, ...]] = {}
        for row in self.sent["action_reviews"].values():
            rank = (row["updated_at"], row["created_at"], row["id"])
            if row["action_id"] not in known or rank > known[row["action_id"]]:
                known[row["action_id"]] = rank
        table = table_of("actions")
        for row in _fetch_in(self.conn, "actions", "id", touched):
            ident = row["id"]
            newest_here = latest[ident][0][2] if ident in latest else None
            newest_sent = known[ident][2] if ident in known else None
            sent = self.sent["actions"].get(ident)
            if (
                sent is not None
                and sent["status"] == row["status"]
                and ident not in self.reviewed_actions
                and newest_here == newest_sent
            ):
                continue  # the status sent already follows this newest review
            status = latest[row["id"]][1] if row["id"] in latest else "open"
            if row["status"] != status:
                self.conn.execute(sa.update(table).where(table.c.id == row["id"]).values(status=status))
                fresh = {**row, "status": status}
                if ident in self.result.send_back.rows["actions"] or (sent is not None and sent["status"] != status):
                    self.result.send_back.add_row("actions", fresh)  # the sender hears the status

    def count(self) -> Applied:
        result = self.result
        for kind in KINDS:
            result.added[kind] = len(self.inserted[kind] - self.removed[kind])
            result.updated[kind] = len(self.updated[kind] - self.removed[kind])
            result.deleted[kind] = len(self.removed[kind] - self.inserted[kind])
            result.settled |= {(kind, ident) for ident in (self.existed[kind] | self.inserted[kind]) - self.removed[kind]}
        result.gone_sessions = self.removed["sessions"] - self.inserted["sessions"]
        if any(self.kept.values()):
            result.send_back.update(collect_subtrees(self.conn, self.kept))
        return result


def apply(conn: sa.Connection, incoming: Changeset, *, adopt_teams: bool) -> Applied:
    """Merge ``incoming`` into the database behind ``conn`` (inside its write
    transaction), by the rules in the module docstring. ``adopt_teams``: on a
    laptop, a hub's team of the same name as ours replaces ours; on the hub, ours
    (the hub's) stays and the sender's records are filed under it."""
    work = _Apply(conn, incoming, adopt_teams=adopt_teams)
    own = _tombstones(conn, [(kind, ident) for kind in KINDS for ident in incoming.rows[kind]])
    work.note_unseen(own)
    try:
        work.map_teams()
        work.dedupe()
        work.upsert()
        work.settle_deletions(own)
        work.refresh_statuses()
    except sa.exc.IntegrityError as exc:
        if "name_key" in str(exc.orig):
            raise SyncFailed(
                "a team was renamed to the name another team has on the other side; rename one of them and sync again"
            ) from None
        raise SyncFailed(f"the two sides disagree in a way sync cannot settle ({_first_line(exc)})") from None
    return work.count()


def apply_copy(
    conn: sa.Connection, snapshot: bulk.Snapshot, *, limit: dt.datetime, ahead: dt.timedelta, to_hub: bool,
    fresh: bool = True,
) -> Applied:
    """What :func:`apply` does with a whole history sent to a database that holds no
    record and no tombstone (``bulk.empty``), done by copying: every record is new
    there, so nothing is merged, and the outcome is the same. The tombstones go
    through :func:`apply` (there are few). The caller has checked that nothing needs
    deciding (``Snapshot.copyable``; going to the hub, no stamp from the future)."""
    bulk.copy_in(conn, snapshot, fresh=fresh)
    graves = Changeset(limit=limit, ahead=ahead, to_hub=to_hub)
    for kind, ident, deleted_at, coach in snapshot.tombstones:
        graves.add_tombstone(kind, ident, deleted_at, coach)
    result = apply(conn, graves, adopt_teams=not to_hub)
    for kind, rows in snapshot.rows.items():
        result.added[kind] += len(rows)
        result.settled |= {(kind, row[0]) for row in rows}
    if not to_hub:  # from the hub, stamps from the future only count so in comparisons
        result.clamped += snapshot.later_than(limit + fields.TOLERANCE)
    return result


def _still_copyable(conn: sa.Connection, part: bulk.Snapshot) -> bool:
    """None of the records of ``part`` (a later part of a history being copied) is
    here yet: nobody sent them meanwhile."""
    for kind, rows in part.rows.items():
        if rows and _existing_ids(conn, kind, [row[0] for row in rows]):
            return False
    return True


def _from_the_future(snapshot: bulk.Snapshot, limit: dt.datetime) -> bool:
    """A stamp in ``snapshot`` later than ``limit``: a record's, or a set's member's."""
    if snapshot.later_than(limit):
        return True
    index = SPECS["teams"].columns.index("members")
    return any(fields.members_later_than(row[index], limit) for row in snapshot.rows.get("teams", ()))


def _clause(exc: BaseException) -> str:
    """A store error's one line, to go inside a longer sentence."""
    text = " ".join(str(exc).split()).rstrip(".")
    first, _, rest = text.partition(" ")
    if first in {"Cannot", "The", "There", "That", "This"}:
        return f"{first.lower()} {rest}"
    return text


def _containers(kind: str, row: Row) -> list[tuple[str, str]]:
    """The session (and action) a record belongs to, as tombstone keys."""
    if kind in ("picked_questions", "actions"):
        return [("sessions", row["session_id"])]
    if kind == "action_reviews":
        found = [("actions", row["action_id"])]
        if row["session_id"] is not None:
            found.append(("sessions", row["session_id"]))
        return found
    return []


def _sessions_holding(rows: dict[str, dict[str, Row]], team_id: str, edited: dict[tuple[str, str], list[str]]) -> dict[str, dict[str, Row]]:
    """Of a deleted team's records (by kind and id): the team and the whole sessions
    holding the ``edited`` records."""
    actions = rows.get("actions", {})
    held: set[str] = set()
    for kind, ident in edited:
        row = rows[kind][ident]
        if kind == "sessions":
            held.add(ident)
        elif kind in ("picked_questions", "actions"):
            held.add(row["session_id"])
        elif kind == "action_reviews":
            held.add(row["session_id"] or actions.get(row["action_id"], {}).get("session_id", ""))
    kept_actions = {ident for ident, row in actions.items() if row["session_id"] in held}
    return {
        "teams": {team_id: rows["teams"][team_id]},
        "sessions": {ident: row for ident, row in rows.get("sessions", {}).items() if ident in held},
        "picked_questions": {i: r for i, r in rows.get("picked_questions", {}).items() if r["session_id"] in held},
        "actions": {ident: actions[ident] for ident in kept_actions},
        "action_reviews": {
            i: r for i, r in rows.get("action_reviews", {}).items() if r["session_id"] in held or r["action_id"] in kept_actions
        },
    }


class _Logged(NamedTuple):
    """A change-log entry's record, as :func:`_groups` reads it."""

    kind: str
    id: str


def _written_since(
    conn: sa.Connection, keys: list[tuple[str, str]], since: int, *, upto: int | None = None,
    skip: Iterable[tuple[int, int]] = (), received: Entry | None = None,
) -> set[tuple[str, str]]:
    """Of these records, those the change log says were last written after ``since``
    (up to ``upto``, not within the ``skip`` ranges of counter values, and not at or
    before the entry ``received``, where a sync that stopped half-way got to)."""
    table = table_of_model(SyncChange)
    found: dict[tuple[str, str], int] = {}
    ranges = [(low, high) for low, high in skip if high > low]
    for kind in {kind for kind, _ident in keys}:
        ids = {ident for key_kind, ident in keys if key_kind == kind}
        for clause in in_clauses(conn, table.c.id, ids):
            where = [table.c.kind == kind, table.c.seq > since, clause]
            if upto is not None:
                where.append(table.c.seq <= upto)
            rows = conn.execute(sa.select(table.c.id, table.c.seq).where(*where))
            found.update(((kind, ident), seq) for ident, seq in rows if not any(low < seq <= high for low, high in ranges))
    if received is None:
        return set(found)
    # received before stopping: every entry before ``received`` in the order batches go
    # (counter value, then session, kind and id)
    level = [_Logged(kind, ident) for (kind, ident), seq in found.items() if seq == received[0]]
    group = _groups(conn, level) if level else {}
    return {
        (kind, ident) for (kind, ident), seq in found.items()
        if seq > received[0] or (seq == received[0] and (seq, group.get((kind, ident), ""), kind, ident) > received)
    }


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --- the whole sync ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindCounts:
    kind: str
    added: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def moved(self) -> bool:
        return bool(self.added or self.updated or self.deleted)

    def describe(self) -> str:
        """``2 sessions added, 1 session deleted`` ("" when nothing moved)."""
        one, many = KIND_NAMES[self.kind]
        parts = []
        for count, verb in ((self.added, "added"), (self.updated, "updated"), (self.deleted, "deleted")):
            if count:
                parts.append(f"{count} {one if count == 1 else many} {verb}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync moved. ``pushed``/``pulled``: counts per kind of record, as applied
    on the hub / here. ``merged_teams``: (team here, the hub's team) pairs that were
    the same team under two ids. ``first``: the first sync with this hub (or
    ``--full``): everything was compared."""

    hub: str
    pushed: tuple[KindCounts, ...]
    pulled: tuple[KindCounts, ...]
    merged_teams: tuple[tuple[str, str], ...] = ()
    first: bool = False
    skipped: int = 0
    seconds: float = 0.0
    # records that took fields from both sides; fields changed on both sides
    merged: int = 0
    conflicts: tuple[conflicts.Conflict, ...] = ()
    # how far this laptop's clock is ahead of the hub's (None: not known, a hub file that cannot be stamped)
    skew: dt.timedelta | None = None
    # stamps from the future (a clock running fast) brought back to the receiver's time
    clamped: int = 0
    # the sessions deleted here because they were deleted elsewhere (their private
    # rescue copies, outside the database, go with them: coachtui.rescue)
    deleted_sessions: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        return any(c.moved for c in (*self.pushed, *self.pulled)) or bool(self.merged_teams)

    @property
    def clock_off(self) -> bool:
        """This laptop's clock differs from the hub's by more than a couple of minutes."""
        return self.skew is not None and abs(self.skew) > SKEW_REPORTED


def _counts(applied: Applied) -> tuple[KindCounts, ...]:
    return tuple(
        KindCounts(kind, applied.added[kind], applied.updated[kind], applied.deleted[kind]) for kind in KINDS
    )


def database_id(conn: sa.Connection) -> str:
    table = table_of_model(Meta)
    return str(conn.execute(sa.select(table.c.value).where(table.c.key == "database_id")).scalar_one())


def _state(conn: sa.Connection, hub_id: str) -> tuple[int, int] | None:
    table = table_of_model(SyncState)
    row = conn.execute(sa.select(table.c.pushed_seq, table.c.pulled_seq).where(table.c.hub_id == hub_id)).first()
    return (row.pushed_seq, row.pulled_seq) if row is not None else None


def _save_state(conn: sa.Connection, hub_id: str, hub: str, pushed: int, pulled: int, now: dt.datetime) -> None:
    table = table_of_model(SyncState)
    values = {"hub": hub, "pushed_seq": pushed, "pulled_seq": pulled, "synced_at": now}
    done = conn.execute(sa.update(table).where(table.c.hub_id == hub_id).values(**values))
    if not done.rowcount:
        conn.execute(sa.insert(table).values(hub_id=hub_id, **values))


def _touch(conn: sa.Connection, changeset: Changeset) -> None:
    """Log these records (and tombstones) as written now, so the next sync sends them."""
    entries = {(kind, ident) for kind, rows in changeset.rows.items() for ident in rows}
    entries |= set(changeset.tombstones)
    if not entries:
        return
    seq = changes.next_seq(conn)
    bulk.upsert_raw(conn, "sync_change", ("kind", "id", "seq"), ("kind", "id"),
                    [(kind, ident, seq) for kind, ident in sorted(entries)])


# How many change-log entries (records, tombstones) one batch moves at most: each batch
# is a transaction on the hub and one here, so an interrupted sync keeps what it moved.
# A session's records travel together, but a review made in a later session about an
# action of an earlier one makes neighbouring batches overlap (and an action's status
# may settle only at the batch that brings its newest review): batches are large, a
# 10,000-session history goes in one. COACHTUI_SYNC_BATCH overrides it (tuning, tests).
BATCH = 100_000
BATCH_ENV = "COACHTUI_SYNC_BATCH"


def _batch_size() -> int:
    text = os.environ.get(BATCH_ENV, "")
    return int(text) if text.isdigit() and int(text) > 0 else BATCH

Progress = Callable[[str, int, int], None]
# a change-log entry: counter value, the session it belongs to ("" for a team, a custom
# question or a deleted record), kind, id. In this order a session's records are side
# by side, so a batch of them sends each whole session once.
Entry = tuple[int, str, str, str]


def sync(
    local: Database,
    hub_url: str,
    *,
    full: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SyncReport:
    """Push this database's changes to the hub at ``hub_url`` and pull the others'.
    ``progress(phase, done, total)`` hears how far it got ("send", then "receive";
    counted in records); ``cancelled()`` is asked between batches. Raises
    :class:`SyncFailed` (one line, saying what was left unchanged), or
    :class:`SyncStopped` when stopped (ctrl+c, or ``cancelled``)."""
    started = time.perf_counter()
    target = parse_target(hub_url)
    shown = target.display
    if target.path is not None and not target.path.exists():
        # Most likely a typo: syncing would quietly start a new, empty hub there.
        raise SyncFailed(
            f"cannot sync: there is no hub at {shown} (give the hub's postgresql:// URL, or create a hub "
            f"file first by opening it once in the app: coachtui --db {shown}); nothing was changed here"
        )
    try:
        hub = open_database(hub_url, clock=local.clock, coach=local.coach)
    except StoreError as exc:
        raise SyncFailed(f"cannot sync: {_clause(exc)}; nothing was changed here") from None
    run = _Run(local, hub, shown, progress or (lambda phase, done, total: None), cancelled or (lambda: False))
    try:
        return run.sync(full=full, started=started)
    except KeyboardInterrupt:
        raise SyncStopped(run.stopped()) from None
    finally:
        hub.close()


def _batches(entries: list[Entry]) -> list[list[Entry]]:
    """Entries (in order) cut into batches of about :data:`BATCH`, not inside a session."""
    size = _batch_size()
    found: list[list[Entry]] = []
    current: list[Entry] = []
    for entry in entries:
        if len(current) >= size and entry[:2] != current[-1][:2]:
            found.append(current)
            current = []
        current.append(entry)
    if current:
        found.append(current)
    return found


def _entries(conn: sa.Connection, after: int, upto: int, resume: Entry | None = None) -> list[Entry]:
    """The entries of what was written in (after, upto], in order; past ``resume``
    (where a stopped sync got to) when given."""
    table = table_of_model(SyncChange)
    rows = conn.execute(
        sa.select(table.c.seq, table.c.kind, table.c.id).where(table.c.seq > after, table.c.seq <= upto).order_by(table.c.seq)
    ).all()  # in order of seq (its index): sorting the entries below then costs little
    group: dict[tuple[str, str], str] = {}
    if len(rows) > _batch_size() or resume is not None:  # more than one batch: keep sessions together
        group = _groups(conn, rows)
    if group:
        found = sorted((seq, group.get((kind, ident), ""), kind, ident) for seq, kind, ident in rows)
    else:
        found = sorted((seq, "", kind, ident) for seq, kind, ident in rows)
    if resume is not None:
        found = [entry for entry in found if entry > resume]
    return found


def _pending(
    conn: sa.Connection, after: int, upto: int, resume: Entry | None, skip: Iterable[tuple[int, int]] = ()
) -> tuple[int, list[Entry] | None, int]:
    """What is to move: the entries written in (after, upto] but not in the ``skip``
    ranges of counter values (what this sync wrote there itself), past ``resume``.
    Returns how many, the entries (None when they need not be listed: a whole history,
    nothing left out, that goes in one batch), and how many were left out. Counting
    first saves listing tens of thousands of entries when none are to move, or when
    a first sync sends everything anyway."""
    table = table_of_model(SyncChange)
    ranges = [(low, high) for low, high in skip if high > low]
    within = sa.and_(table.c.seq > after, table.c.seq <= upto)
    total = int(conn.execute(sa.select(sa.func.count()).where(within)).scalar() or 0)
    skipped = 0
    if ranges and total:
        own = sa.or_(*(sa.and_(table.c.seq > low, table.c.seq <= high) for low, high in ranges))
        skipped = int(conn.execute(sa.select(sa.func.count()).where(within, own)).scalar() or 0)
    if total == skipped:
        return 0, [], skipped
    if after == 0 and resume is None and not skipped and total <= _batch_size():
        return total, None, 0
    entries = [entry for entry in _entries(conn, after, upto, resume) if not any(low < entry[0] <= high for low, high in ranges)]
    return len(entries), entries, skipped


def _groups(conn: sa.Connection, rows: Iterable[Any]) -> dict[tuple[str, str], str]:
    """The session each logged record belongs to (by kind and id)."""
    by_kind: dict[str, set[str]] = {}
    for row in rows:
        by_kind.setdefault(str(row.kind), set()).add(str(row.id))
    group: dict[tuple[str, str], str] = {("sessions", ident): ident for ident in by_kind.get("sessions", ())}
    for kind in ("picked_questions", "actions"):
        for ident, (session_id,) in _links(conn, kind, by_kind.get(kind, ()), "session_id").items():
            group[(kind, ident)] = session_id
    reviews = _links(conn, "action_reviews", by_kind.get("action_reviews", ()), "session_id", "action_id")
    reviewed = _links(conn, "actions", {action for _session, action in reviews.values()}, "session_id")
    for ident, (session_id, action_id) in reviews.items():
        group[("action_reviews", ident)] = session_id or reviewed.get(action_id, ("",))[0]
    return group


def _resume_key(hub_id: str, phase: str) -> str:
    return f"sync_resume:{phase}:{hub_id}"


def _resume(conn: sa.Connection, hub_id: str, phase: str) -> Entry | None:
    """Where a sync with this hub that stopped half-way got to ("push" or "pull")."""
    table = table_of_model(Meta)
    text = conn.execute(sa.select(table.c.value).where(table.c.key == _resume_key(hub_id, phase))).scalar()
    if text is None:
        return None
    seq, group, kind, ident = json.loads(text)
    return (int(seq), str(group), str(kind), str(ident))


def _save_resume(conn: sa.Connection, hub_id: str, phase: str, entry: Entry | None) -> None:
    table = table_of_model(Meta)
    key = _resume_key(hub_id, phase)
    conn.execute(sa.delete(table).where(table.c.key == key))
    if entry is not None:
        conn.execute(sa.insert(table).values(key=key, value=json.dumps(list(entry))))


def _meta_list(conn: sa.Connection, key: str) -> list[Any]:
    """A list sync keeps in ``coachtui_meta`` (as JSON; none: empty)."""
    table = table_of_model(Meta)
    text = conn.execute(sa.select(table.c.value).where(table.c.key == key)).scalar()
    found = json.loads(text) if text else []
    return found if isinstance(found, list) else []


def _save_meta_list(conn: sa.Connection, key: str, values: list[Any]) -> None:
    table = table_of_model(Meta)
    conn.execute(sa.delete(table).where(table.c.key == key))
    if values:
        conn.execute(sa.insert(table).values(key=key, value=json.dumps(values)))


def _own_ranges(conn: sa.Connection, hub_id: str) -> list[tuple[int, int]]:
    """The hub's counter values this laptop's batches took since it last received
    everything from the hub (a sync that stopped half-way leaves them: what they wrote
    there, this laptop has)."""
    return [(int(low), int(high)) for low, high in _meta_list(conn, f"sync_own:{hub_id}")]


def _save_own_ranges(conn: sa.Connection, hub_id: str, ranges: list[tuple[int, int]]) -> None:
    _save_meta_list(conn, f"sync_own:{hub_id}", [list(pair) for pair in ranges])


def _told(conn: sa.Connection, hub_id: str) -> list[str]:
    """The ids of the hub's notes of deletions sent from here against edits not seen
    here (``conflicts.to_tell``) that this laptop has saved as conflicts: the next
    batch sent drops them from the hub."""
    return [str(ident) for ident in _meta_list(conn, f"sync_told:{hub_id}")]


class _Run:
    """One sync: the laptop's changes go to the hub a batch at a time (a transaction
    there, then one here keeping the versions sent and how far it got), then the
    hub's come here the same way. What a batch moved stays when a later one fails or
    the coach stops: the next sync continues from there."""

    def __init__(self, local: Database, hub: Database, shown: str, progress: Progress, cancelled: Callable[[], bool]) -> None:
        self.local, self.hub, self.shown = local, hub, shown
        self.progress, self.cancelled = progress, cancelled
        self.pushed = Applied()
        self.pulled = Applied()
        self.found: list[conflicts.Conflict] = []
        self.sent = [0, 0]  # records sent, of
        self.received = [0, 0]
        # the laptop's counter as this sync last left it: while it matches, nobody
        # else saved here, and what sync itself wrote need not go to the hub again
        self.expected = 0
        self.quiet = True
        self.settled: set[tuple[str, str]] = set()  # records this sync left on the hub as sent
        # the state saved after each batch: sent up to / received up to (counter values)
        self.pushed_seq = 0
        self.pulled_seq = 0
        self.since = 0
        # the hub's counter values this sync's batches took (and those of a sync that
        # stopped half-way since this laptop last received everything: it has them)
        self.own: list[tuple[int, int]] = []
        self.pull_from: Entry | None = None  # the last entry a sync that stopped half-way received
        self.laptop_id = ""

    def stopped(self) -> str:
        sent, of = self.sent
        received, of_received = self.received
        done = []
        if of:
            done.append(f"sent {sent:,} of {of:,} records")
        if of_received:
            done.append(f"received {received:,} of {of_received:,}")
        moved = "; ".join(done) if done else "nothing had moved yet"
        return f"sync with {self.shown} stopped: {moved}; what moved is kept, run sync again to continue"

    def _check(self) -> None:
        if self.cancelled():
            raise SyncStopped(self.stopped())

    def sync(self, *, full: bool, started: float) -> SyncReport:
        shown = self.shown
        # 1. Where the last sync with this hub left off (reads: the coach can go on
        #    saving meanwhile).
        try:
            with self.hub.read() as hub_session:
                hub_conn = hub_session.connection()
                hub_id = database_id(hub_conn)
                hub_seq = changes.current_seq(hub_conn)
                _hub_now, skew = _hub_clock(hub_conn, self.local, self.hub)
            with self.local.read() as session:
                conn = session.connection()
                self.laptop_id = database_id(conn)
                if self.laptop_id == hub_id:
                    raise SyncFailed(f"the hub {shown} is this database itself; give the network's hub")
                state = _state(conn, hub_id)
                # a hub whose counter went back was restored from a copy: compare everything,
                # and trust no version agreed on since that copy was made
                restored = state is not None and state[1] > hub_seq
                first = full or state is None or restored
                pushed_seq, pulled_seq = (0, 0) if first or state is None else state
                mark = changes.current_seq(conn)
                # a sync stopped half-way goes on from where it got to
                push_from = None if first else _resume(conn, hub_id, "push")
                pull_from = None if first else _resume(conn, hub_id, "pull")
                self.own = [] if first else _own_ranges(conn, hub_id)
                total, outgoing, _skipped = _pending(conn, pushed_seq, mark, push_from)
        except SyncFailed:
            raise
        except StoreError as exc:
            raise SyncFailed(f"cannot sync with {shown}: {_clause(exc)}; nothing was changed, here or on the hub") from None
        self.expected = mark
        self.pushed_seq, self.pulled_seq = pushed_seq, pulled_seq
        self.since = pushed_seq  # what was written here after this had not reached the hub
        self.pull_from = pull_from
        trust_bases = not (full or restored)

        # 2. Send, a batch at a time.
        self.sent = [0, total]
        self.progress("send", 0, total)
        own = self.own
        # nothing to send: the hub still hears from us; None: the whole history, unlisted
        batches = [[]] if outgoing is None else _batches(outgoing) or [[]]
        for number, batch in enumerate(batches, 1):
            self._check()
            whole = pushed_seq == 0 and push_from is None and len(batches) == 1  # the whole history
            own.append(self._send(hub_id, batch, trust_bases, mark, last=number == len(batches), whole=whole))
            self.sent[0] = total if outgoing is None else self.sent[0] + len(batch)
            self.progress("send", self.sent[0], self.sent[1])

        # 3. Receive what the others wrote since the last sync, a batch at a time (less
        #    what this sync's batches wrote there: this laptop has that).
        self._check()
        try:
            with self.hub.read() as hub_session:
                hub_conn = hub_session.connection()
                top = changes.current_seq(hub_conn)
                total, incoming, skipped = _pending(hub_conn, pulled_seq, top, pull_from, own)
        except StoreError as exc:
            raise SyncFailed(self._failed_receiving(exc, reading=True)) from None
        self.received = [0, total]
        self.progress("receive", 0, total)
        batches = [[]] if incoming is None else _batches(incoming) or [[]]
        for number, batch in enumerate(batches, 1):
            self._check()
            whole = pulled_seq == 0 and pull_from is None and not skipped and len(batches) == 1
            self._receive(hub_id, batch, top, last=number == len(batches), whole=whole)
            self.received[0] = total if incoming is None else self.received[0] + len(batch)
            self.progress("receive", self.received[0], self.received[1])
        self._drop_settled()
        pushed, pulled = self.pushed, self.pulled
        return SyncReport(
            hub=shown,
            pushed=_counts(pushed),
            pulled=_counts(pulled),
            merged_teams=tuple(dict.fromkeys(pushed.merged_teams + pulled.merged_teams)),
            first=first,
            # (left out waiting for a parent that no batch brought: as if deleted)
            skipped=pushed.skipped + pulled.skipped + len(pushed.waiting) + len(pulled.waiting),
            seconds=time.perf_counter() - started,
            merged=pushed.merged + pulled.merged,
            conflicts=tuple(self.found),
            skew=skew,
            clamped=pushed.clamped + pulled.clamped,
            deleted_sessions=tuple(sorted(pulled.gone_sessions)),
        )

    def _send(
        self, hub_id: str, batch: list[Entry], trust_bases: bool, mark: int, *, last: bool, whole: bool
    ) -> tuple[int, int]:
        """One batch to the hub (one transaction there), then here: what the hub kept
        differently, the versions agreed on and how far sending got (one transaction
        here). Returns the hub's counter values the batch took."""
        if whole and bulk.enabled():
            try:
                return self._send_copy(hub_id, mark, trust_bases, last=last)
            except bulk.Unsuitable:
                pass  # the hub holds records already (or the rows need deciding): merge
        if bulk.enabled():
            try:
                return self._send_batch(hub_id, batch, trust_bases, mark, last=last, whole=whole, copy=True)
            except bulk.Unsuitable:
                pass  # the hub took meanwhile something a copied record collides with: merge
        return self._send_batch(hub_id, batch, trust_bases, mark, last=last, whole=whole, copy=False)

    def _send_batch(
        self, hub_id: str, batch: list[Entry], trust_bases: bool, mark: int, *, last: bool, whole: bool, copy: bool
    ) -> tuple[int, int]:
        """:meth:`_send`, merging record by record; with ``copy``, the whole sessions
        new to the hub are copied as they are stored instead (``_one_sided``). Raises
        :class:`bulk.Unsuitable` (having changed nothing) when, by the time the batch
        is written there, a copied record would collide with what the hub took since."""
        shown = self.shown
        try:
            keys = [(kind, ident) for _seq, _group, kind, ident in batch]
            here: _Here | None = None
            late = dt.datetime.max.replace(tzinfo=dt.UTC)
            if copy:
                with self.local.read() as session:
                    if whole:
                        keys = _all_keys(session.connection())
                with self.hub.read() as hub_session:
                    hub_conn = hub_session.connection()
                    here = _Here.read(hub_conn, {ident for kind, ident in keys if kind == "sessions"})
                    late = _hub_clock(hub_conn, self.local, self.hub)[0] + fields.TOLERANCE
            with self.local.read() as session:
                conn = session.connection()
                if here is not None:
                    outgoing = _one_sided(conn, keys, here, late)
                    if whole:
                        _add_all_tombstones(conn, outgoing)
                else:
                    outgoing = collect_all(conn) if whole else collect(conn, keys)
                # what an earlier batch of this sync already left on the hub, unchanged
                # since, need not go again (whole sessions overlap between batches)
                changed = set(keys)
                for kind, rows in outgoing.rows.items():
                    for ident in [i for i in rows if (kind, i) in self.settled and (kind, i) not in changed]:
                        del rows[ident]
                outgoing.to_hub = True
                settled = conflicts.settled_here(conn) if last else []
                told = _told(conn, hub_id)
                if trust_bases:
                    outgoing.bases = fields.load_bases(conn, hub_id, _keys(outgoing))
                    if self.pulled_seq or self.pull_from:  # what this laptop had received of the hub's
                        outgoing.seen = (self.pulled_seq, tuple(self.own), self.pull_from)
        except StoreError as exc:
            raise SyncFailed(f"cannot sync with {shown}: {_clause(exc)}; {self._kept()}, here or on the hub") from None
        with self._pushing() as hub_conn:
            if outgoing.copied and not _still_new(hub_conn, outgoing):
                raise bulk.Unsuitable
            hub_now, skew = _hub_clock(hub_conn, self.local, self.hub)
            outgoing.limit = hub_now
            outgoing.ahead = skew or dt.timedelta(0)
            before = changes.current_seq(hub_conn)
            pushed = apply(hub_conn, outgoing, adopt_teams=False)
            # deletions from here against edits not seen here: kept there too until saved
            # here (and those a failed save here left there)
            pushed.deleted_unseen = conflicts.to_tell(hub_conn, self.laptop_id, pushed.deleted_unseen, told, hub_now)
            # conflicts settled here with the value kept: the other laptops hear of it there
            conflicts.keep_settled(hub_conn, settled, hub_now)
            self._after_push(hub_conn, pushed, hub_now, last=last)
            after = changes.current_seq(hub_conn)
        sent = _fields(outgoing)
        stored = fields.stored_bases(hub_id, outgoing.copied)  # with the hub's teams (``map_teams``)
        self._settle_sent(hub_id, pushed, mark, batch, trust_bases, (before, after), last=last, sent=lambda keys: sent,
                          save_sent=lambda _conn: sent, settled=settled, stored=stored,
                          told=[c.id for c in pushed.deleted_unseen])
        return before, after

    def _send_copy(self, hub_id: str, mark: int, trust_bases: bool, *, last: bool) -> tuple[int, int]:
        """The whole history into an empty hub, copied (``bulk``): the same outcome as
        merging record by record, in a fraction of the time. Raises
        :class:`bulk.Unsuitable` (having changed nothing) when the hub is not empty or
        the records need deciding; the caller then merges them."""
        shown = self.shown
        try:
            with self.local.read() as session:
                snapshot = bulk.read_all(session.connection())
                settled = conflicts.settled_here(session.connection()) if last else []
        except StoreError as exc:
            raise SyncFailed(f"cannot sync with {shown}: {_clause(exc)}; {self._kept()}, here or on the hub") from None
        if not snapshot.copyable():
            raise bulk.Unsuitable
        if self.local.target.path is not None and self.hub.target.path is not None:
            snapshot.source = self.local.target.path  # this sync's own hub connection may attach it
        # a part at a time (``Snapshot.parts``), each kept on both sides once copied
        parts = snapshot.parts()
        took = (0, 0)
        for number, part in enumerate(parts):
            final = number == len(parts) - 1
            if number:
                self._check()
            with self._pushing() as hub_conn:
                hub_now, skew = _hub_clock(hub_conn, self.local, self.hub)
                # stamps from the future are rewritten on the way to the hub: the merge does that
                if not number and (not bulk.empty(hub_conn) or _from_the_future(snapshot, hub_now + fields.TOLERANCE)):
                    raise bulk.Unsuitable
                if number and not _still_copyable(hub_conn, part):
                    raise bulk.Unsuitable  # another laptop sent meanwhile what collides: merge the rest
                before = changes.current_seq(hub_conn)
                pushed = apply_copy(hub_conn, part, limit=hub_now, ahead=skew or dt.timedelta(0), to_hub=True,
                                    fresh=not number)
                if final:  # conflicts settled here with the value kept: the other laptops hear of it there
                    conflicts.keep_settled(hub_conn, settled, hub_now)
                self._after_push(hub_conn, pushed, hub_now, last=last and final)
                after = changes.current_seq(hub_conn)
            took = (before, after)
            self._settle_copied(hub_id, pushed, mark, trust_bases, took, fields.stored_bases(hub_id, part.rows),
                                last=last and final, settled=settled if final else [])
            self.sent[0] += len(part)
            if not final:
                self.own.append(took)  # the caller keeps the last part's
                self.progress("send", self.sent[0], self.sent[1])
        return took

    def _settle_copied(
        self, hub_id: str, pushed: Applied, mark: int, trust_bases: bool, took: tuple[int, int],
        texts: list[tuple[str, str, str, str]], *, last: bool, settled: list[Conflict],
    ) -> None:
        """:meth:`_settle_sent` after a part copied to the hub: ``texts``, the versions sent."""

        def sent(keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
            return {(kind, ident): fields.decode(text) for _hub, kind, ident, text in texts if (kind, ident) in keys}

        def save_sent(conn: sa.Connection) -> dict[tuple[str, str], dict[str, Any]]:
            bulk.save_base_rows(conn, hub_id, texts)
            return {}

        self._settle_sent(hub_id, pushed, mark, [], trust_bases, took, last=last, sent=sent,
                          save_sent=save_sent, settled=settled)

    @contextlib.contextmanager
    def _pushing(self) -> Iterator[sa.Connection]:
        """The hub's write transaction of one batch sent, its failures said in one line."""
        shown = self.shown
        try:
            with self.hub.write() as hub_session:
                yield hub_session.connection()
        except SyncFailed as exc:
            raise SyncFailed(f"cannot sync with {shown}: {exc}; {self._kept()}, here or on the hub") from None
        except StoreError as exc:
            raise SyncFailed(f"sync with {shown} failed: {_clause(exc)}; {self._kept()}, here or on the hub: run sync again") from None

    def _after_push(self, hub_conn: sa.Connection, pushed: Applied, hub_now: dt.datetime, *, last: bool) -> None:
        # the laptop whose value lost hears of it when it next receives the record
        conflicts.save(hub_conn, conflicts.lost_on_hub(pushed.conflicts), conflicts.LOST, hub_now)
        # a coach's choice that put back the text another coach chose against: that
        # coach hears of it as of a text that lost
        conflicts.overturned(hub_conn, hub_now)
        if last:  # notes of lost values (and settlements) no laptop can be told of any more go
            conflicts.prune_notes(hub_conn)

    def _settle_sent(
        self,
        hub_id: str,
        pushed: Applied,
        mark: int,
        batch: list[Entry],
        trust_bases: bool,
        took: tuple[int, int],
        *,
        last: bool,
        sent: Callable[[set[tuple[str, str]]], dict[tuple[str, str], dict[str, Any]]],
        save_sent: Callable[[sa.Connection], dict[tuple[str, str], dict[str, Any]]],
        settled: Iterable[Conflict] = (),
        stored: list[tuple[str, str, str, str]] | None = None,
        told: list[str] | None = None,
    ) -> None:
        """Here, after a batch went to the hub (one transaction): what the hub kept
        differently, the versions agreed on and how far sending got. ``sent(keys)``:
        the fields sent of these records; ``save_sent``: keeps the versions sent
        (returning those still to save); ``settled``: the settlement notes the hub
        now has (they go from here); ``took``: the hub's counter values the batch took
        (kept until this laptop has received everything up to them); ``told``: the
        ids of the hub's notes of deletions sent from here that this batch saves here
        as conflicts (the next batch drops them there; None: no note was read)."""
        shown = self.shown
        try:
            with self.local.write() as session:
                conn = session.connection()
                back = pushed.send_back
                back.limit = self.local.now()
                back.agreed_with = (hub_id, self.since) if trust_bases else None
                # what this laptop sent is what the hub merged against
                back_keys = _keys(back)
                back.bases = fields.load_bases(conn, hub_id, back_keys)
                back.bases.update(sent(set(back_keys)))
                quiet = self._quiet(conn)
                pulled = apply(conn, back, adopt_teams=True)
                versions = dict(save_sent(conn))
                versions.update(_fields(back))
                # the versions of records copied (``stored``), unless the hub sent them back
                _save_bases(conn, hub_id, versions, [row for row in stored or () if (row[1], row[2]) not in versions])
                conflicts.drop_settled_elsewhere(conn, _keys(back))
                conflicts.forget_settled(conn, settled)  # the hub has them
                found = _conflicts(pushed, pulled) + pulled.deleted_edits + pushed.deleted_unseen
                conflicts.save(conn, found, shown, self.local.now())
                _touch(conn, pulled.send_back)
                now_seq = changes.current_seq(conn)
                if last:
                    # everything up to the mark has gone: what sync wrote here since (what
                    # the hub kept differently) need not go back
                    self.pushed_seq = now_seq if quiet else mark
                _save_resume(conn, hub_id, "push", None if last or not batch else batch[-1])
                _save_own_ranges(conn, hub_id, [*self.own, took])
                if told is not None:
                    _save_meta_list(conn, f"sync_told:{hub_id}", told)
                _save_state(conn, hub_id, shown, self.pushed_seq, self.pulled_seq, self.local.now())
                self.expected = now_seq
        except StoreError as exc:
            raise SyncFailed(
                f"the hub {shown} has this database's changes, but saving the hub's here failed: "
                f"{_clause(exc)}; {self._kept()} here: run sync again to finish"
            ) from None
        self._add(pushed, pulled, found)
        self.settled |= pushed.settled - {(kind, ident) for kind, rows in back.rows.items() for ident in rows}

    def _quiet(self, conn: sa.Connection) -> bool:
        """Nobody saved here since this sync last wrote (or read) here."""
        if changes.current_seq(conn) != self.expected:
            self.quiet = False
        return self.quiet

    def _receive(self, hub_id: str, batch: list[Entry], top: int, *, last: bool, whole: bool) -> None:
        if whole and bulk.enabled():
            try:
                self._receive_copy(hub_id, top, last=last)
                return
            except bulk.Unsuitable:
                pass  # this laptop holds records already (or the rows need deciding): merge
        if not whole and bulk.enabled():
            try:
                self._receive_batch(hub_id, batch, top, last=last, whole=whole, copy=True)
                return
            except bulk.Unsuitable:
                pass  # the coach saved meanwhile something a copied record collides with: merge
        self._receive_batch(hub_id, batch, top, last=last, whole=whole, copy=False)

    def _receive_batch(self, hub_id: str, batch: list[Entry], top: int, *, last: bool, whole: bool, copy: bool) -> None:
        """One batch from the hub, merged record by record; with ``copy``, the whole
        sessions new here are copied as they are stored instead (``_one_sided``).
        Raises :class:`bulk.Unsuitable` (having changed nothing) when, by the time the
        batch is written here, a copied record would collide with what the coach saved."""
        keys = [(kind, ident) for _seq, _group, kind, ident in batch]
        here: _Here | None = None
        try:
            if copy:
                with self.local.read() as session:
                    here = _Here.read(session.connection(), {ident for kind, ident in keys if kind == "sessions"})
            with self.hub.read() as hub_session:
                hub_conn = hub_session.connection()
                if whole:
                    incoming = collect_all(hub_conn)
                elif here is not None:
                    incoming = _one_sided(hub_conn, keys, here)
                else:
                    incoming = collect(hub_conn, keys)
                incoming.notes = conflicts.notes_for(hub_conn, _keys(incoming))
        except StoreError as exc:
            raise SyncFailed(self._failed_receiving(exc, reading=True)) from None
        try:
            with self.local.write() as session:
                conn = session.connection()
                if incoming.copied and not _still_new(conn, incoming):
                    raise bulk.Unsuitable
                quiet = self._quiet(conn)
                incoming.limit = self.local.now()
                incoming.bases = fields.load_bases(conn, hub_id, _keys(incoming))
                incoming.agreed_with = (hub_id, self.since)
                # this laptop's values that lost a conflict on the hub (it sent them earlier)
                concerning = conflicts.concerning(incoming.notes, incoming.bases, incoming.rows, self.local.coach)
                told = conflicts.told(concerning, incoming.bases, incoming.rows, self.local.coach)
                pulled = apply(conn, incoming, adopt_teams=True)
                _save_bases(conn, hub_id, _fields(incoming), fields.stored_bases(hub_id, incoming.copied))
                # conflicts listed here that another laptop settled (and synced)
                conflicts.drop_settled_elsewhere(conn, _keys(incoming) + _copied_keys(incoming))
                found = _conflicts(Applied(), pulled) + pulled.deleted_edits
                seen = {(c.kind, c.record_id, c.field) for c in found}
                found += [c for c in told if (c.kind, c.record_id, c.field) not in seen]
                self._settle_received(conn, hub_id, found, pulled, top, batch, quiet=quiet, last=last)
        except StoreError as exc:
            raise SyncFailed(self._failed_receiving(exc)) from None
        self._add(Applied(), pulled, found)
        self._forget_told(concerning)

    def _receive_copy(self, hub_id: str, top: int, *, last: bool) -> None:
        """The hub's whole history into this empty database, copied (``bulk``). Raises
        :class:`bulk.Unsuitable` (having changed nothing) when this database is not
        empty or the records need deciding; the caller then merges them. (An empty
        laptop has no values that lost a conflict on the hub: no notes to read.)"""
        with self.local.read() as session:
            if not bulk.empty(session.connection(), hub_id):
                raise bulk.Unsuitable
        try:
            with self.hub.read() as hub_session:
                snapshot = bulk.read_all(hub_session.connection())
        except StoreError as exc:
            raise SyncFailed(self._failed_receiving(exc, reading=True)) from None
        if not snapshot.copyable():
            raise bulk.Unsuitable
        # a part at a time (``Snapshot.parts``), each kept here once copied
        parts = snapshot.parts()
        for number, part in enumerate(parts):
            final = number == len(parts) - 1
            if number:
                self._check()
            try:
                with self.local.write() as session:
                    conn = session.connection()
                    if not number and not bulk.empty(conn, hub_id):  # the coach saved meanwhile
                        raise bulk.Unsuitable
                    if number and not _still_copyable(conn, part):
                        raise bulk.Unsuitable  # merge the rest
                    quiet = self._quiet(conn)
                    pulled = apply_copy(conn, part, limit=self.local.now(), ahead=dt.timedelta(0), to_hub=False,
                                        fresh=not number)
                    bulk.save_base_rows(conn, hub_id, fields.stored_bases(hub_id, part.rows))
                    found = _conflicts(Applied(), pulled)
                    self._settle_received(conn, hub_id, found, pulled, top, [], quiet=quiet, last=last and final)
            except StoreError as exc:
                raise SyncFailed(self._failed_receiving(exc)) from None
            self._add(Applied(), pulled, found)
            self.received[0] += len(part)
            if not final:
                self.progress("receive", self.received[0], self.received[1])

    def _settle_received(
        self, conn: sa.Connection, hub_id: str, found: list[conflicts.Conflict], pulled: Applied, top: int,
        batch: list[Entry], *, quiet: bool, last: bool,
    ) -> None:
        """The end of a batch received, in its transaction here: the conflicts found,
        what to send back next time, and how far receiving got."""
        conflicts.save(conn, found, self.shown, self.local.now())
        # what this side kept over the hub's (a save made during the sync) goes next time
        _touch(conn, pulled.send_back)
        now_seq = changes.current_seq(conn)
        if quiet:  # what sync wrote here need not go back
            self.pushed_seq = now_seq
        if last:
            self.pulled_seq = top
            _save_own_ranges(conn, hub_id, [])  # received up to them: nothing to tell apart any more
        _save_resume(conn, hub_id, "pull", None if last or not batch else batch[-1])
        _save_state(conn, hub_id, self.shown, self.pushed_seq, self.pulled_seq, self.local.now())
        self.expected = now_seq

    def _drop_settled(self) -> None:
        """The conflicts listed here that a coach on another laptop settled with the
        value the field holds already (the hub's settlement notes) go from the list.
        Housekeeping: if it fails, they go at a later sync."""
        with contextlib.suppress(StoreError):
            with self.local.read() as session:
                waiting = [c for c in conflicts.listed(session.connection()) if not c.deletion]
            if not waiting:
                return
            with self.hub.read() as hub_session:
                notes = conflicts.settled_notes_for(hub_session.connection(), waiting)
            if not notes:
                return
            with self.local.write() as session:
                # listed again: the coach may have settled some meanwhile
                dropped = conflicts.drop_settled_by_notes(session.connection(), conflicts.listed(session.connection()), notes)
            self.found = [c for c in self.found if c.id not in dropped]

    def _forget_told(self, notes: list[conflicts.Conflict]) -> None:
        """The hub's notes this laptop's coach was just told of (and keeps here) go
        from the hub. Housekeeping: if the hub cannot be written now, the notes stay
        until their record changes again (``conflicts.prune_notes``)."""
        if not any(note.mine_by and note.mine_by == self.local.coach for note in notes):
            return
        with contextlib.suppress(StoreError):
            with self.hub.write() as hub_session:
                conflicts.forget_told(hub_session.connection(), notes, self.local.coach)

    def _kept(self) -> str:
        if self.sent[0]:
            return f"the {self.sent[0]:,} records sent before are kept on both sides, nothing else was changed"
        return "nothing was changed"

    def _failed_receiving(self, exc: BaseException, *, reading: bool = False) -> str:
        step = "reading the hub's changes" if reading else "saving the hub's here"
        kept = f"the {self.received[0]:,} records received before are kept" if self.received[0] else "nothing more was changed here"
        return (
            f"the hub {self.shown} has this database's changes, but {step} failed: {_clause(exc)}; "
            f"{kept}: run sync again to finish"
        )

    def _add(self, pushed: Applied, pulled: Applied, found: list[conflicts.Conflict]) -> None:
        for total, part in ((self.pushed, pushed), (self.pulled, pulled)):
            total.added.update(part.added)
            total.updated.update(part.updated)
            total.deleted.update(part.deleted)
            total.merged_teams.extend(part.merged_teams)
            total.skipped += part.skipped
            # left out for a parent not come yet, until a later batch brings them
            total.waiting = (total.waiting | part.waiting) - part.settled
            total.merged += part.merged
            total.clamped += part.clamped
            total.gone_sessions |= part.gone_sessions
        self.found.extend(found)


def _keys(changeset: Changeset) -> list[tuple[str, str]]:
    return [(kind, ident) for kind, rows in changeset.rows.items() for ident in rows]


def _fields(changeset: Changeset) -> dict[tuple[str, str], dict[str, Any]]:
    return {(kind, ident): fields.fields_of(kind, row) for kind, rows in changeset.rows.items() for ident, row in rows.items()}


def _save_bases(
    conn: sa.Connection, hub_id: str, bases: dict[tuple[str, str], dict[str, Any]],
    stored: list[tuple[str, str, str, str]] | None = None,
) -> None:
    """Remember the versions agreed on, except of records deleted for good just now
    (a deletion keeps nothing of a record's text). ``stored``: the versions of
    records copied (``fields.stored_bases``; none of them deleted: ``_still_new``)."""
    for key in _tombstones(conn, bases):
        del bases[key]
    fields.save_bases(conn, hub_id, bases, stored)


def _copied_keys(changeset: Changeset) -> list[tuple[str, str]]:
    return [(kind, row[0]) for kind, rows in changeset.copied.items() for row in rows]


# --- records new to a laptop, copied ------------------------------------------------------------
#
# A laptop joining a network pulls every session the others wrote: tens of thousands of
# records it has never had. Merging them one by one costs a conversion to Python values
# and back for every value, and grows with the hub. Whole sessions the laptop has never
# had (nor deleted) are copied instead, as the hub stores them, written in the same
# statement as the rows merged beside them and logged, indexed and kept as synced
# versions exactly as the merge does (tests/test_sync_bulk.py compares the two). A
# session is merged as before when anything in it needs deciding: a record of it the
# laptop holds or deleted, a review in it of an action in a session that is not copied
# (or the other way round), a team that is neither here nor sent, or that the sync
# replaces or deletes, a deletion or a note of a lost value that concerns it.

# From how many new sessions a batch copies them (fewer: they merge, in no time).
COPY_SESSIONS = 50


@dataclass
class _Here:
    """What a laptop holds that says which sessions received are new to it."""

    sessions: set[str]  # of the sessions asked about, those here
    teams: dict[str, str]  # every team here: id, name_key
    graves: set[tuple[str, str]]  # every tombstone here: (kind, id)

    @staticmethod
    def read(conn: sa.Connection, sessions: set[str]) -> _Here:
        teams = table_of("teams")
        graves = table_of_model(Tombstone)
        return _Here(
            _existing_ids(conn, "sessions", sessions),
            {row.id: row.name_key for row in conn.execute(sa.select(teams.c.id, teams.c.name_key))},
            {(row.kind, row.id) for row in conn.execute(sa.select(graves.c.kind, graves.c.id))},
        )


def _replaced(teams: dict[str, str], incoming: Changeset) -> set[str]:
    """The teams here that a team received replaces (same name, another id:
    ``_Apply.map_teams``)."""
    by_key = {key: ident for ident, key in teams.items()}
    return {
        by_key[row["name_key"]]
        for ident, row in incoming.rows["teams"].items()
        if ident not in teams and row["name_key"] in by_key
    }


def _one_sided(
    conn: sa.Connection, keys: list[tuple[str, str]], here: _Here, late: dt.datetime | None = None
) -> Changeset:
    """What the sender (``conn``) sends for these changed records: as :func:`collect`,
    except that the whole sessions new to the receiver (``here``) are read as they
    are stored, in ``copied`` (see above). ``late``: going to the hub, a session with
    a stamp later than this is merged (the merge brings it back to the hub's clock)."""
    candidates = {ident for kind, ident in keys if kind == "sessions"} - here.sessions
    candidates -= {ident for kind, ident in here.graves if kind == "sessions"}
    if len(candidates) < COPY_SESSIONS:
        return collect(conn, keys)
    column = {kind: {name: index for index, name in enumerate(SPECS[kind].columns)} for kind in KINDS}
    sessions = {row[0]: row for row in bulk.read_in(conn, "sessions", "id", candidates)}
    picked = bulk.read_in(conn, "picked_questions", "session_id", sessions)
    actions = bulk.read_in(conn, "actions", "session_id", sessions)
    reviews = {row[0]: row for row in bulk.read_in(conn, "action_reviews", "action_id", [row[0] for row in actions])}
    reviews.update((row[0], row) for row in bulk.read_in(conn, "action_reviews", "session_id", sessions))
    # each record goes with a session; the teams each session's records are filed under
    owner: dict[tuple[str, str], str] = {("sessions", ident): ident for ident in sessions}
    teams: dict[str, set[str]] = {ident: {row[column["sessions"]["team_id"]]} for ident, row in sessions.items()}
    owner.update((("picked_questions", row[0]), row[column["picked_questions"]["session_id"]]) for row in picked)
    action_session: dict[str, str] = {}
    for row in actions:
        session = row[column["actions"]["session_id"]]
        owner[("actions", row[0])] = action_session[row[0]] = session
        teams[session].add(row[column["actions"]["team_id"]])
    bad: set[str] = set()
    together: list[tuple[str, str]] = []  # sessions copied both or neither
    for ident, row in reviews.items():
        held_in = row[column["action_reviews"]["session_id"]]
        session = action_session.get(row[column["action_reviews"]["action_id"]])
        if session is None:  # made in a new session, about an action that is not: merge
            bad.add(held_in)
            continue
        owner[("action_reviews", ident)] = session
        if held_in is not None and held_in != session:
            if held_in in sessions:
                together.append((session, held_in))
            else:
                bad.add(session)
    buried = {owner[key] for key in here.graves if key in owner}
    if late is not None:
        text = late.astimezone(dt.UTC).strftime(bulk.STAMP_TEXT)
        for kind, rows in (("sessions", sessions.values()), ("picked_questions", picked), ("actions", actions),
                           ("action_reviews", reviews.values())):
            stamps = [index for index, (_name, field_kind) in enumerate(SPECS[kind].fields) if field_kind.rstrip("?") == STAMP]
            buried |= {owner[(kind, row[0])] for row in rows if (kind, row[0]) in owner
                       and any(row[index] is not None and row[index] > text for index in stamps)}
    chosen = set(sessions) - bad - buried
    while True:
        while any((first in chosen) != (second in chosen) for first, second in together):
            chosen -= {ident for pair in together if not set(pair) <= chosen for ident in pair}
        copied = {key for key, session in owner.items() if session in chosen}
        # the teams come as with the sessions merged (``_add_sessions``)
        filed = sorted({("teams", team) for ident in chosen for team in teams[ident]})
        incoming = collect(conn, [key for key in keys if key not in copied] + filed)
        drop = {owner[(kind, ident)] for kind, rows in incoming.rows.items() for ident in rows if (kind, ident) in copied}
        drop |= {owner[key] for key in incoming.tombstones if key in copied}
        # the teams they are filed under are here, or come (and are not deleted here), and stay
        gone = _replaced(here.teams, incoming) | {ident for kind, ident in incoming.tombstones if kind == "teams"}
        filed_here = (set(here.teams) | set(incoming.rows["teams"])) - gone
        filed_here -= {ident for kind, ident in here.graves if kind == "teams"}
        drop |= {ident for ident in chosen if not teams[ident] <= filed_here}
        drop |= {owner[(note.kind, note.record_id)] for note in conflicts.notes_for(conn, copied)}
        if not drop:
            break
        chosen -= drop
    if len(chosen) < COPY_SESSIONS:
        return collect(conn, keys)
    incoming.copied = {kind: [] for kind in KINDS}
    for kind, rows in (("sessions", sessions.values()), ("picked_questions", picked), ("actions", actions),
                       ("action_reviews", reviews.values())):
        incoming.copied[kind] = sorted((row for row in rows if (kind, row[0]) in copied), key=lambda row: row[0])
    return incoming


def _still_new(conn: sa.Connection, incoming: Changeset) -> bool:
    """In the laptop's write transaction: the records to copy are still new here, none
    deleted here, and their teams are here and stay (the coach may have saved since
    they were chosen)."""
    keys = _copied_keys(incoming)
    by_kind: dict[str, set[str]] = {}
    for kind, ident in keys:
        by_kind.setdefault(kind, set()).add(ident)
    if any(_existing_ids(conn, kind, ids) for kind, ids in by_kind.items()):
        return False
    wanted: set[str] = set()
    for kind in ("sessions", "actions"):
        index = SPECS[kind].columns.index("team_id")
        wanted |= {row[index] for row in incoming.copied.get(kind, [])}
    table = table_of("teams")
    teams = {row.id: row.name_key for row in conn.execute(sa.select(table.c.id, table.c.name_key))}
    if not wanted <= set(teams) | set(incoming.rows["teams"]) or wanted & _replaced(teams, incoming):
        return False
    return not _tombstones(conn, [*keys, *(("teams", ident) for ident in wanted)])


def _hub_clock(conn: sa.Connection, local: Database, hub: Database) -> tuple[dt.datetime, dt.timedelta | None]:
    """The hub's time, and how far this laptop's clock is ahead of it (None when the
    hub has no clock to go by). A PostgreSQL hub's is its server's. A hub file's is
    the clock that stamps the file when it is written: its modification time, set to
    now (on a shared folder, the file server's clock; on a file of this computer's,
    this computer's, so nothing is off). This laptop's clock is read after the hub's,
    so the lead measured is never less than the true one: a laptop running fast has
    its stamps taken back a little too far rather than too little."""
    if dialects.of(conn) is dialects.sqlite:
        hub_now = file_clock(hub.target.path)
        if hub_now is None:
            return local.now(), None
    else:
        hub_now = conn.exec_driver_sql("SELECT statement_timestamp()").scalar()
    assert isinstance(hub_now, dt.datetime)
    return hub_now, local.now() - hub_now


def file_clock(path: Path | None) -> dt.datetime | None:
    """The time of the file system that keeps ``path``: the file's modification time,
    set to now (None when it cannot be: no file, no right to write it)."""
    if path is None:
        return None
    try:
        os.utime(path)
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return dt.datetime.fromtimestamp(stamp / 1e9, dt.UTC)


def _conflicts(pushed: Applied, pulled: Applied) -> list[conflicts.Conflict]:
    """The conflicts of both directions, seen from this laptop (mine: its value)."""
    found = []
    for conflict in pushed.conflicts:  # on the hub: "here" is the hub's value
        found.append(
            conflicts.Conflict(
                conflicts.new_id(), conflict.kind, conflict.record_id, conflict.field, conflict.sent, conflict.here,
                "mine" if conflict.kept == "sent" else "theirs", conflict.sent_by, conflict.here_by,
            )
        )
    for conflict in pulled.conflicts:  # here: "sent" is the hub's value
        found.append(
            conflicts.Conflict(
                conflicts.new_id(), conflict.kind, conflict.record_id, conflict.field, conflict.here, conflict.sent,
                "mine" if conflict.kept == "here" else "theirs", conflict.here_by, conflict.sent_by,
            )
        )
    return found


def sync_history(db: Database) -> list[tuple[str, object]]:
    """(hub, when this database last synced with it), most recent first."""
    table = table_of_model(SyncState)
    with db.read() as session:
        rows = session.connection().execute(
            sa.select(table.c.hub, table.c.synced_at).order_by(table.c.synced_at.desc())
        ).all()
    return [(row.hub, row.synced_at) for row in rows]
