"""Merging one record field by field against the version both sides last agreed on.

Each laptop keeps, per hub, the last synced version of every record (``sync_base``,
migration 0007): its synced fields as the hub had them when this laptop last sent or
received the record. Comparing each side with it says which fields changed where:

* a field changed on one side only takes that side's value, whatever the clocks say
  (an edit made after pulling someone's change is later *by construction*, even on a
  laptop whose clock is wrong: the base is the causal order);
* a field changed on both sides to different values is a **conflict**: the record
  keeps the value of the side with the newer edit (``updated_at``, clamped to the
  receiver's clock, then content, so both sides choose the same), and the other
  value is kept in ``sync_conflict`` on the laptop, where the coach sees both and
  chooses (``store/sync/conflicts.py``);
* without a base (a record the two sides got separately, or synced before this
  version of coachtui), the newer edit wins the whole record, as it used to.

``status`` of an action and ``name_key`` of a team are derived (from the reviews, from
the name): they merge like the others but are never reported as conflicts.

A team's ``members`` (an action learning set's) is a set, not one value: changed on
both sides, it merges member by member (:func:`merge_members`): everyone either side
added is kept, and a member's leaving date changed on one side only takes that side's.
Nobody is ever removed from a set, so the union loses nothing and asks nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from coachtui.store.exchange.interchange import SPECS
from coachtui.store.exchange.rows import in_clauses
from coachtui.store.sync.tables import BASE

Row = dict[str, Any]

# Written by sync itself, not merged: who and when follow the side whose edit is newest.
META = frozenset({"id", "version", "created_at", "updated_at", "updated_by"})
DERIVED: dict[str, frozenset[str]] = {"actions": frozenset({"status"}), "teams": frozenset({"name_key"})}
# Stamps from the future (a clock running fast, a file stamped 2099) count as this
# much ahead of the receiver's clock at most.
TOLERANCE = dt.timedelta(minutes=1)


def merged_fields(kind: str) -> tuple[str, ...]:
    return _MERGED[kind]


_MERGED = {kind: tuple(name for name in spec.columns if name not in META) for kind, spec in SPECS.items()}
_AS_IS = (str, int, bool, float)
_UNKNOWN = object()


def _plain(value: Any) -> Any:
    """A value as JSON holds it (dates and datetimes as ISO text)."""
    if value is None or type(value) in _AS_IS:
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _may_convert(field_kind: str) -> bool:
    return field_kind.rstrip("?") in ("timestamp", "date")


# per kind: the merged fields whose values _plain may change (times, dates); the rest
# are taken as they are (fields_of runs for every record a sync moves)
_CONVERTED = {
    kind: frozenset(name for name, field_kind in spec.fields if name in _MERGED[kind] and _may_convert(field_kind))
    for kind, spec in SPECS.items()
}
_ENCODER = json.JSONEncoder(ensure_ascii=True)


def fields_of(kind: str, row: Row) -> dict[str, Any]:
    """The synced fields of ``row``, comparable with a stored base."""
    converted = _CONVERTED[kind]
    if not converted:
        return {name: row[name] for name in _MERGED[kind]}
    return {name: _plain(row[name]) if name in converted else row[name] for name in _MERGED[kind]}


def encode(value: Any) -> str:
    return _ENCODER.encode(_plain(value))


def decode(text: str) -> Any:
    return json.loads(text)


def clamp(stamp: dt.datetime, limit: dt.datetime) -> dt.datetime:
    return min(stamp, limit)


def rank(kind: str, row: Row, limit: dt.datetime) -> tuple[dt.datetime, str]:
    """Which edit is newer: the (clamped) time, then the content (both sides agree)."""
    values = [_plain(row[name]) for name in SPECS[kind].columns if name != "version"]
    return (clamp(row["updated_at"], limit), json.dumps(values, default=str, ensure_ascii=False))


@dataclass(frozen=True, slots=True)
class FieldConflict:
    """A field both sides changed: ``here`` is the receiving side's value, ``sent``
    the sender's, ``kept`` which one the record holds now ("here" or "sent")."""

    kind: str
    record_id: str
    field: str
    here: Any
    sent: Any
    kept: str
    here_by: str
    sent_by: str


@dataclass(frozen=True, slots=True)
class Merge:
    """The outcome for one record on the receiving side."""

    row: Row  # what the record holds afterwards
    write: bool  # the receiving side changes
    mixed: bool  # fields from both sides
    differs_from_sent: bool  # the sender should hear of the result
    conflicts: tuple[FieldConflict, ...] = ()


def merge_record(
    kind: str, base: dict[str, Any] | None, here: Row, sent: Row, limit: dt.datetime, *, from_hub: bool
) -> Merge:
    """Merge ``sent`` into ``here`` (see the module docstring). ``from_hub``: the
    sender is the hub, whose who-and-when a laptop takes when the fields agree."""
    names = merged_fields(kind)
    mine, theirs = fields_of(kind, here), fields_of(kind, sent)
    if mine == theirs:
        same_meta = all(_plain(here[n]) == _plain(sent[n]) for n in ("updated_at", "updated_by", "created_at") if n in here)
        if from_hub and not same_meta:
            return Merge(sent, write=True, mixed=False, differs_from_sent=False)
        return Merge(here, write=False, mixed=False, differs_from_sent=not same_meta)
    sent_newer = rank(kind, sent, limit) > rank(kind, here, limit)
    if base is None:  # no common version: the newer edit wins the whole record
        if sent_newer:
            return Merge(sent, write=True, mixed=False, differs_from_sent=False)
        return Merge(here, write=False, mixed=False, differs_from_sent=True)
    take_sent: set[str] = set()
    unioned: dict[str, Any] = {}  # set fields changed on both sides: the union of both
    conflicts = []
    for name in names:
        if mine[name] == theirs[name]:
            continue
        # a field the base lacks came with a later migration: it held its default then
        known = base[name] if name in base else SPECS[kind].later_defaults.get(name, _UNKNOWN)
        if mine[name] == known:
            take_sent.add(name)
        elif theirs[name] == known:
            continue
        elif (kind, name) in SET_FIELDS:
            both = SET_FIELDS[(kind, name)](known if isinstance(known, str) else "", mine[name], theirs[name], sent_newer)
            if both == theirs[name]:
                take_sent.add(name)
            elif both != mine[name]:
                unioned[name] = both
        else:
            if sent_newer:
                take_sent.add(name)
            if name not in DERIVED.get(kind, ()):
                conflicts.append(
                    FieldConflict(
                        kind, here["id"], name, mine[name], theirs[name], "sent" if sent_newer else "here",
                        str(here.get("updated_by", "") or here.get("coach", "")),
                        str(sent.get("updated_by", "") or sent.get("coach", "")),
                    )
                )
    differing = {name for name in names if mine[name] != theirs[name]}
    if not take_sent and not unioned:
        return Merge(here, write=False, mixed=False, differs_from_sent=True, conflicts=tuple(conflicts))
    if take_sent == differing:
        return Merge(sent, write=True, mixed=False, differs_from_sent=False, conflicts=tuple(conflicts))
    row = dict(here)
    for name in take_sent:
        row[name] = sent[name]
    row.update(unioned)
    newer = sent if sent_newer else here
    for name in ("updated_at", "updated_by"):
        if name in row:
            row[name] = newer[name]
    if "updated_at" in row:
        row["updated_at"] = max(clamp(here["updated_at"], limit), clamp(sent["updated_at"], limit))
    return Merge(row, write=True, mixed=True, differs_from_sent=True, conflicts=tuple(conflicts))


# --- the stored bases ---------------------------------------------------------------------------


def merge_members(base: str, mine: str, theirs: str, theirs_newer: bool) -> str:
    """A set's members changed on both sides since ``base`` (each the ``members``
    column's JSON): everyone on either side, those of the base in its order, then
    those added since by name (the same order on both sides, whichever merges). A
    leaving date changed on one side only takes that side's; changed on both, the
    newer edit's."""
    from coachtui.store.types import Member, members_from_json, members_to_json

    def by_key(text: str) -> dict[str, Member]:
        return {member.name.casefold(): member for member in members_from_json(text)}

    was, here, there = by_key(base), by_key(mine), by_key(theirs)
    added = sorted({*here, *there} - set(was))
    merged: list[Member] = []
    for key in [*(k for k in was if k in here or k in there), *added]:
        ours, other = here.get(key), there.get(key)
        if ours is None or other is None:
            one = ours or other
            if one is not None:  # gone from both sides: a set never loses a member, but be safe
                merged.append(one)
            continue
        before = was.get(key)
        if ours.left == other.left or (before is not None and other.left == before.left):
            merged.append(ours)
        elif before is not None and ours.left == before.left:
            merged.append(other)
        else:
            merged.append(other if theirs_newer else ours)
    return members_to_json(merged)


# Fields holding a set, merged member by member when both sides changed them.
SET_FIELDS = {("teams", "members"): merge_members}


def load_bases(conn: sa.Connection, hub_id: str, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    by_kind: dict[str, list[str]] = {}
    for kind, ident in keys:
        by_kind.setdefault(kind, []).append(ident)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, ids in by_kind.items():
        for clause in in_clauses(conn, BASE.c.id, ids):
            rows = conn.execute(
                sa.select(BASE.c.id, BASE.c.content).where(BASE.c.hub_id == hub_id, BASE.c.kind == kind, clause)
            )
            for ident, text in rows:
                found[(kind, ident)] = json.loads(text)
    return found


def save_bases(conn: sa.Connection, hub_id: str, bases: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Remember these versions as the last synced ones with ``hub_id`` (one upsert
    for all of them)."""
    from coachtui.store.sync.bulk import upsert_raw

    rows = [
        (hub_id, kind, ident, _ENCODER.encode(bases[(kind, ident)])) for kind, ident in sorted(bases)
    ]
    upsert_raw(conn, "sync_base", ("hub_id", "kind", "id", "content"), ("hub_id", "kind", "id"), rows)
