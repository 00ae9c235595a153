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

A team's ``members`` (an action learning set's, one JSON text) merge **member by
member** the same way: a member changed on one side only takes that side's entry; a
member changed differently on both keeps the later change (each member carries when
it was last joined, marked left or back: a member marked left and back again was
changed, though they look as before) and is a conflict like a field's, whose two
values are the members as each side has them. Those times are kept as a record's
are: going to the hub, a change later than the hub's clock (a laptop running fast, a
clock that read 2099) is stamped in the hub's time instead, and in comparisons a
time from the future counts as the receiver's clock.

``status`` of an action and ``name_key`` of a team are derived (from the reviews, from
the name): they merge like the others but are never reported as conflicts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from coachtui.store.exchange.interchange import BOOL, INT, SPECS, STAMP
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
    own: dict[str, Any] = {}  # fields that hold neither side's value but a merge of both
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
        elif (kind, name) == ("teams", "members"):
            members = merge_members(known, mine[name], theirs[name], sent_newer=sent_newer, limit=limit)
            if members.value == theirs[name]:
                take_sent.add(name)
            elif members.value != mine[name]:
                own[name] = members.value
            if members.clash:
                conflicts.append(
                    FieldConflict(
                        kind, here["id"], name, members.mine, members.theirs, "sent" if members.sent_won else "here",
                        str(here.get("updated_by", "")), str(sent.get("updated_by", "")),
                    )
                )
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
    if not take_sent and not own:
        return Merge(here, write=False, mixed=False, differs_from_sent=True, conflicts=tuple(conflicts))
    if take_sent == differing:
        return Merge(sent, write=True, mixed=False, differs_from_sent=False, conflicts=tuple(conflicts))
    row = dict(here)
    for name in take_sent:
        row[name] = sent[name]
    row.update(own)
    newer = sent if sent_newer else here
    for name in ("updated_at", "updated_by"):
        if name in row:
            row[name] = newer[name]
    if "updated_at" in row:
        row["updated_at"] = max(clamp(here["updated_at"], limit), clamp(sent["updated_at"], limit))
    return Merge(row, write=True, mixed=True, differs_from_sent=True, conflicts=tuple(conflicts))


def edited_since(kind: str, row: Row, base: dict[str, Any]) -> list[str]:
    """The fields of ``row`` (not derived ones) that differ from ``base``: what was
    edited here since both sides last agreed."""
    current = fields_of(kind, row)
    later = SPECS[kind].later_defaults
    return [
        name for name in _MERGED[kind]
        if name not in DERIVED.get(kind, ()) and current[name] != (base[name] if name in base else later.get(name, _UNKNOWN))
    ]


@dataclass(frozen=True, slots=True)
class Members:
    """A set's members merged: ``value`` the merged list (the column's JSON text);
    where members clashed, ``mine``/``theirs`` the list with each side's entries for
    them, and whether the sender's won (``sent_won``)."""

    value: str
    clash: bool = False
    mine: str = ""
    theirs: str = ""
    sent_won: bool = False


def members_of(text: Any) -> list[dict[str, Any]]:
    """A team's ``members`` column as its JSON entries, unknown keys kept ('' or bad
    JSON: none)."""
    try:
        found = json.loads(text) if isinstance(text, str) and text.strip() else []
    except ValueError:
        return []
    return [item for item in found if isinstance(item, dict) and str(item.get("name", "")).strip()] if isinstance(found, list) else []


def members_text(members: list[dict[str, Any]]) -> str:
    """The ``members`` column for these entries."""
    return json.dumps(members, ensure_ascii=False) if members else ""  # as types.members_to_json writes it


def member_changed(item: dict[str, Any]) -> dt.datetime | None:
    """When a member last joined, left or came back (None: not known, or unreadable)."""
    try:
        stamp = dt.datetime.fromisoformat(str(item.get("changed") or ""))
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


def members_later_than(text: Any, limit: dt.datetime) -> bool:
    """Whether a member of this ``members`` column was changed after ``limit``."""
    if not isinstance(text, str) or '"changed"' not in text:
        return False
    return any((stamp := member_changed(item)) is not None and stamp > limit for item in members_of(text))


def members_at_most(text: str, limit: dt.datetime, now: Callable[[dt.datetime], dt.datetime]) -> str:
    """The ``members`` column with each change later than ``limit`` stamped ``now(it)``
    instead (in the receiver's time, as a record's stamps from the future are); the
    rest of the text as it was."""
    try:
        items = json.loads(text)
    except ValueError:
        return text
    if not isinstance(items, list):
        return text
    for item in items:
        if isinstance(item, dict) and (stamp := member_changed(item)) is not None and stamp > limit:
            item["changed"] = now(stamp).astimezone(dt.UTC).isoformat()
    return json.dumps(items, ensure_ascii=False)


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def merge_members(
    base: Any, mine: Any, theirs: Any, *, sent_newer: bool, limit: dt.datetime | None = None
) -> Members:
    """Merge two versions of a set's members against the one both sides agreed on,
    member by member (matched by name, ignoring case). Which of two changes to one
    member is later: their times, those from the future (later than ``limit``, the
    receiver's clock) counting as ``limit``, as a record's do; at the same moment,
    the newer record (``sent_newer``)."""

    def changed(item: dict[str, Any]) -> dt.datetime:
        stamp = member_changed(item) or _EARLIEST
        return min(stamp, limit) if limit is not None else stamp

    def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {" ".join(str(item["name"]).split()).casefold(): item for item in items}

    known, here, there = by_name(members_of(base)), by_name(members_of(mine)), by_name(members_of(theirs))
    merged: dict[str, dict[str, Any]] = {}
    mine_view: dict[str, dict[str, Any]] = {}
    theirs_view: dict[str, dict[str, Any]] = {}
    sent_won = []
    for key in [*here, *(key for key in there if key not in here)]:
        old, ours, others = known.get(key), here.get(key), there.get(key)
        if ours == others or others == old:
            pick = ours
        elif ours == old:
            pick = others
        elif ours is None or others is None:
            pick = ours or others
        elif (ours.get("name"), ours.get("left")) == (others.get("name"), others.get("left")):
            pick = max(ours, others, key=changed)  # the same change twice
        else:  # changed differently on both: the later change holds
            later = (changed(others), sent_newer) > (changed(ours), not sent_newer)
            pick = others if later else ours
            sent_won.append(later)
            mine_view[key], theirs_view[key] = ours, others
        if pick is not None:
            merged[key] = pick
    value = list(merged.values())
    if value == list(here.values()):
        text = mine if isinstance(mine, str) else members_text(value)
    elif value == list(there.values()):
        text = theirs if isinstance(theirs, str) else members_text(value)
    else:
        text = members_text(value)
    if not sent_won:
        return Members(text)
    return Members(
        text,
        clash=True,
        mine=members_text([mine_view.get(key, item) for key, item in merged.items()]),
        theirs=members_text([theirs_view.get(key, item) for key, item in merged.items()]),
        sent_won=all(sent_won) if len(set(sent_won)) == 1 else sent_newer,
    )


# --- the stored bases ---------------------------------------------------------------------------


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


def save_bases(
    conn: sa.Connection, hub_id: str, bases: dict[tuple[str, str], dict[str, Any]],
    stored: list[tuple[str, str, str, str]] | None = None,
) -> None:
    """Remember these versions as the last synced ones with ``hub_id`` (one upsert
    for all of them); ``stored``: more, made by :func:`stored_bases`, written in
    the same order."""
    from coachtui.store.sync.bulk import upsert_raw

    rows = [
        (hub_id, kind, ident, _ENCODER.encode(bases[(kind, ident)])) for kind, ident in sorted(bases)
    ]
    if stored:
        rows = sorted([*rows, *stored], key=lambda row: (row[1], row[2]))
    upsert_raw(conn, "sync_base", ("hub_id", "kind", "id", "content"), ("hub_id", "kind", "id"), rows)


# --- the same, from stored rows (a whole history copied: ``bulk``) ------------------------------

_json_text = json.encoder.encode_basestring_ascii  # what _ENCODER writes for text


def stored_bases(hub_id: str, stored: dict[str, list[tuple[Any, ...]]]) -> list[tuple[str, str, str, str]]:
    """``sync_base`` rows for these records as SQLite stores them (by kind: tuples in
    the interchange columns' order, ``bulk.Snapshot``): the same text :func:`save_bases`
    writes for each (the same JSON, byte for byte), made from the stored values
    without converting them to Python values first."""
    found = []
    for kind in sorted(stored):  # in the order save_bases writes them
        rows = stored[kind]
        encode = _base_encoder(kind)
        found += [(hub_id, kind, row[0], encode(row)) for row in rows]
    return found


def _base_encoder(kind: str) -> Callable[[tuple[Any, ...]], str]:
    """``pattern % (value, value, ...)``, each value converted by the cheapest call
    its column allows (most are text that is never NULL: the JSON quoting itself, in C)."""
    spec = SPECS[kind]
    kinds = dict(spec.fields)
    template, parts = [], []
    for name in merged_fields(kind):
        template.append(f"{_json_text(name)}: %s")
        field_kind = kinds[name]
        base = field_kind.rstrip("?")
        convert: Callable[[Any], str] = {BOOL: _bool, STAMP: _stamp, INT: _int}.get(base, _text)
        if convert is _text and not field_kind.endswith("?"):
            convert = _json_text  # text that cannot be NULL
        parts.append((spec.columns.index(name), convert))
    pattern = "{" + ", ".join(template) + "}"  # column names hold no %

    def encode(row: tuple[Any, ...]) -> str:
        return pattern % tuple([convert(row[index]) for index, convert in parts])

    return encode


def _bool(value: Any) -> str:
    return "null" if value is None else ("true" if value else "false")


def _stamp(value: Any) -> str:
    return "null" if value is None else _json_text(_iso_stamp(value))


def _int(value: Any) -> str:
    return "null" if value is None else int.__repr__(value)


def _text(value: Any) -> str:
    return "null" if value is None else _json_text(value)


def _iso_stamp(text: str) -> str:
    """A stored UTC timestamp as ``datetime.isoformat`` writes it with its zone."""
    if len(text) == 26 and text[10] == " " and text[19] == ".":
        if text.endswith("000000"):
            return f"{text[:10]}T{text[11:19]}+00:00"
        return f"{text[:10]}T{text[11:]}+00:00"
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).isoformat()
