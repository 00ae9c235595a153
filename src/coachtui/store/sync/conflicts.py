"""Conflicts a sync found: a field two coaches changed differently before either synced.

The record keeps the newer value (on every side); the laptop that found the conflict
keeps both values in ``sync_conflict`` until its coach chooses: keep mine (this
laptop's value), keep theirs (the hub's), or keep both (for text: the kept text, a
blank line, then the other). Choosing is an ordinary edit of the record, so the next
sync takes it to the hub and the other laptops. Nothing typed is dropped silently:
a deletion from another laptop that took edits made here is a conflict too
(``DELETED``), whose "mine" is the records as edited here, to put back; and so is a
deletion from here that took another coach's edits this laptop had not received yet,
whose "theirs" is the records as the hub had them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

from coachtui.store.db.engine import Database
from coachtui.store.db.models import UTCDateTime
from coachtui.store.errors import InvalidInput, NotFound
from coachtui.store.exchange.interchange import SPECS, TEXT
from coachtui.store.exchange.rows import table_of
from coachtui.store.sync import tables
from coachtui.store.sync.fields import decode, encode
from coachtui.store.sync.tables import CONFLICT
from coachtui.text import where_it_differs

CHOICES = ("mine", "theirs", "both")
# On a hub, ``sync_conflict`` keeps notes of the values that lost a conflict there (the
# hub's, to a newer one a laptop sent), marked so in the ``hub`` column: the laptop
# whose value it was hears of it when it next receives the record (``told``). A note
# goes once the coach it names has been told (``forget_told``), or once no laptop can
# be told of it any more: its record is gone from the hub, or no longer holds the value
# that won (someone settled it or wrote the field again; ``prune_notes``). A note that
# names no coach stays until then: any laptop that had the lost value may still need it.
LOST = "(lost on this hub)"
# A conflict settled with the value its field already holds writes nothing to the
# record, so nothing would tell the other laptops that list it. The settlement is kept
# as a note instead, marked so in the ``hub`` column (``mine``: the value kept, the
# field's; ``theirs``: the other): on the laptop until its next sync takes it to the
# hub, and on the hub, where every laptop that syncs drops the conflicts it lists over
# the same two values of the same field (``drop_settled_by_notes``). A hub's note goes
# once its record is gone or its field holds another value (``prune_notes``): a later
# edit has moved on from both.
SETTLED = "(settled)"
NOTES = (LOST, SETTLED)
# On a hub, a deletion a laptop sent that took another coach's edits it had not seen
# (``deleted_unseen``) is also kept as a note for that laptop: the ``hub`` column says
# ``TO_TELL`` and the laptop's database id. The hub commits the deletion before the
# laptop saves the conflict; if that save fails, the laptop's next sync finds the note
# there (``to_tell``). A laptop keeps the ids of the notes it saved; its next sync drops
# them from the hub.
TO_TELL = "(to tell) "
# The field of a conflict between a deletion from another laptop and edits made here
# that it had not seen: the deletion holds (it was newer); ``mine`` keeps the edited
# records, whole, so that keeping mine restores them (and the next sync takes them
# everywhere, as an edit newer than the deletion); keeping theirs lets them go.
DELETED = tables.DELETED
KIND_NAME = {
    "teams": "team",
    "sessions": "session",
    "custom_questions": "custom question",
    "picked_questions": "question",
    "actions": "action",
    "action_reviews": "review",
}


@dataclass(frozen=True, slots=True)
class Conflict:
    """``mine``: this laptop's value; ``theirs``: the hub's (another coach's);
    ``kept``: which one the record holds ("mine" or "theirs")."""

    id: str
    kind: str
    record_id: str
    field: str
    mine: Any
    theirs: Any
    kept: str
    mine_by: str = ""
    theirs_by: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "record_id": self.record_id, "field": self.field,
            "mine": self.mine, "theirs": self.theirs, "kept": self.kept,
            "mine_by": self.mine_by, "theirs_by": self.theirs_by,
        }

    @property
    def other(self) -> Any:
        """The value the record does not hold."""
        return self.theirs if self.kept == "mine" else self.mine

    @property
    def deletion(self) -> bool:
        """A deletion elsewhere against edits made here (``DELETED``)."""
        return self.field == DELETED

    @property
    def members(self) -> bool:
        """A set's members changed differently on both sides (settled member by member)."""
        return (self.kind, self.field) == ("teams", "members")

    @property
    def restores(self) -> str:
        """Of a deletion (``DELETED``): the choice that puts the records back, "mine"
        (edits made here that a deletion from elsewhere took) or "theirs" (another
        coach's edits that a deletion from here took before this laptop had them)."""
        return "theirs" if isinstance(self.theirs, dict) else "mine"

    @property
    def records(self) -> dict[str, Any]:
        """Of a deletion: the records to put back, and their edited text."""
        found = self.theirs if self.restores == "theirs" else self.mine
        return found if isinstance(found, dict) else {}

    @property
    def shown_mine(self) -> str:
        """This laptop's value as the coach reads it."""
        if self.deletion:
            return str(self.records.get("edited", "")) if self.restores == "mine" else "(deleted)"
        if self.members:
            return _members_shown(self.mine, self.theirs)
        return str(self.mine)

    @property
    def shown_theirs(self) -> str:
        if self.deletion:
            return str(self.records.get("edited", "")) if self.restores == "theirs" else "(deleted)"
        if self.members:
            return _members_shown(self.theirs, self.mine)
        return str(self.theirs)

    @property
    def heading(self) -> str:
        """What clashed, in a few words (the app's list): "the session's dilemma: yours
        was kept", "the action was deleted by Bo Ng"."""
        what = KIND_NAME.get(self.kind, self.kind)
        by = self.theirs_by or "another coach"
        if self.deletion and self.restores == "theirs":
            return f"the {what}: you deleted it before {by}'s changes reached you"
        if self.deletion:
            return f"the {what}: deleted by {by} while you changed it here"
        kept = "yours" if self.kept == "mine" else f"{self.theirs_by or 'the hub'}'s"
        return f"the {what}'s {self.field.replace('_', ' ')}: {kept} was kept"

    def describe(self) -> str:
        """One line: which field, which value was kept, the other value."""
        if self.deletion and self.restores == "theirs":
            what = KIND_NAME.get(self.kind, self.kind)
            return (
                f"conflict {self.id[:8]}: you deleted the {what} before {self.theirs_by or 'another coach'}'s "
                f"changes to it reached you; it stays deleted unless you keep theirs: {_short(self.shown_theirs)}"
            )
        if self.deletion:
            what = KIND_NAME.get(self.kind, self.kind)
            return (
                f"conflict {self.id[:8]}: the {what} was deleted by {self.theirs_by or 'another coach'} while you "
                f"changed it here; it stays deleted unless you keep yours: {_short(self.shown_mine)}"
            )
        kept = "yours" if self.kept == "mine" else f"{self.theirs_by or 'the hub'}'s"
        other_by = f"{self.theirs_by or 'the hub'}'s" if self.kept == "mine" else "yours"
        other = _short(self.other, against=self.theirs if self.kept == "mine" else self.mine)
        if self.members:
            other = _short(self.shown_theirs if self.kept == "mine" else self.shown_mine)
        return (
            f"conflict {self.id[:8]}: the {KIND_NAME.get(self.kind, self.kind)}'s {self.field.replace('_', ' ')} "
            f"was changed on both sides; {kept} was kept, {other_by} was {other}"
        )


def _members_by_name(text: Any) -> dict[str, dict[str, Any]]:
    from coachtui.store.sync.fields import members_of

    return {" ".join(str(item["name"]).split()).casefold(): item for item in members_of(text)}


def _members_shown(value: Any, other: Any) -> str:
    """The members that differ between ``value`` and ``other``, as ``value`` has them:
    "Dev Shah left on 2026-12-02", "Asha Patel in the set"."""
    mine, theirs = _members_by_name(value), _members_by_name(other)
    shown = []
    for key, item in mine.items():
        if theirs.get(key) != item:
            left = str(item.get("left") or "")
            shown.append(f"{item.get('name')} {'left on ' + left if left else 'in the set'}")
    return "; ".join(shown)


def _settle_members(current: Any, conflict: Conflict, choice: str) -> str:
    """The members column with the clashing members as ``choice`` has them ("both":
    as the record keeps them), the others as they are now."""
    from coachtui.store.sync.fields import members_of, members_text

    if choice == "both":
        choice = conflict.kept
    chosen = _members_by_name(conflict.mine if choice == "mine" else conflict.theirs)
    other = _members_by_name(conflict.theirs if choice == "mine" else conflict.mine)
    items = members_of(current)
    names = {" ".join(str(item["name"]).split()).casefold(): index for index, item in enumerate(items)}
    for key, item in chosen.items():
        if other.get(key) == item:
            continue
        if key in names:
            items[names[key]] = item
        else:
            items.append(item)
    return members_text(items)


def _members_settled(conflict: Conflict, current: Any) -> bool:
    """Another laptop settled a members conflict: each clashing member is now as the
    other side of this list had them."""
    now = _members_by_name(current)
    other = _members_by_name(conflict.other)
    kept = _members_by_name(conflict.mine if conflict.kept == "mine" else conflict.theirs)
    clashing = [key for key in other if kept.get(key) != other[key]]
    return bool(clashing) and all(now.get(key) == other[key] for key in clashing)


def _short(value: Any, limit: int = 200, against: Any = None) -> str:
    """The value on one line, quoted; a long one cut to ``limit`` characters around
    where it first differs from ``against`` (the value kept), so the part that tells
    the two apart shows."""
    text = "" if value is None else str(value)
    return repr(where_it_differs(text, "" if against is None else str(against), limit))


def _listed() -> sa.ColumnElement[bool]:
    """The rows of ``sync_conflict`` that are conflicts a coach lists (not notes)."""
    return sa.and_(CONFLICT.c.hub.notin_(NOTES), sa.not_(CONFLICT.c.hub.startswith(TO_TELL, autoescape=True)))


def to_tell(conn: sa.Connection, laptop_id: str, found: Iterable[Conflict], saved: Iterable[str],
            now: dt.datetime) -> list[Conflict]:
    """On the hub: keep ``found`` (deletions a laptop just sent, against edits it had not
    seen) as notes for that laptop, and drop the notes it has ``saved`` (their ids).
    Returns the notes for it that it has not saved (a save there failed), then ``found``."""
    marker = f"{TO_TELL}{laptop_id}"
    ids = sorted(set(saved))
    for start in range(0, len(ids), 500):
        conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.hub == marker, CONFLICT.c.id.in_(ids[start : start + 500])))
    waiting = [_from_row(row) for row in conn.execute(sa.select(CONFLICT).where(CONFLICT.c.hub == marker)).all()]
    found = list(found)
    save(conn, found, marker, now)
    return waiting + found


def save(conn: sa.Connection, found: Iterable[Conflict], hub: str, now: dt.datetime) -> None:
    """Keep these conflicts. A newer conflict on the same field replaces an older one
    only when it holds both of the older one's values: otherwise both stay listed (a
    third coach's edit must not take the second's text off the list)."""
    rows = []
    for conflict in found:
        values = {encode(conflict.mine), encode(conflict.theirs)}
        same_field = (
            CONFLICT.c.kind == conflict.kind,
            CONFLICT.c.record_id == conflict.record_id,
            CONFLICT.c.field == conflict.field,
            CONFLICT.c.hub == hub,
        )
        older = conn.execute(sa.select(CONFLICT.c.id, CONFLICT.c.mine, CONFLICT.c.theirs).where(*same_field)).all()
        covered = [row.id for row in older if {row.mine, row.theirs} <= values]
        if covered:
            conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.id.in_(covered)))
        rows.append(
            {
                "id": conflict.id, "kind": conflict.kind, "record_id": conflict.record_id, "field": conflict.field,
                "mine": encode(conflict.mine), "theirs": encode(conflict.theirs), "kept": conflict.kept,
                "mine_by": conflict.mine_by, "theirs_by": conflict.theirs_by, "found_at": now, "hub": hub,
            }
        )
    if rows:
        conn.execute(sa.insert(CONFLICT), rows)


def drop_settled_elsewhere(conn: sa.Connection, keys: Iterable[tuple[str, str]]) -> int:
    """Drop this laptop's conflicts on these records (just received) that another
    laptop has settled: the field now holds the value this list offers as the other
    one, or both texts one after the other (in either order). A field that holds some
    third value settles nothing: the conflict stays listed. Returns how many went."""
    from coachtui.store.exchange.rows import in_clauses

    wanted = set(keys)
    waiting: list[Conflict] = []
    for clause in in_clauses(conn, CONFLICT.c.record_id, {ident for _kind, ident in wanted}):
        for row in conn.execute(sa.select(CONFLICT).where(_listed(), clause)).all():
            if (row.kind, row.record_id) in wanted:
                waiting.append(_from_row(row))
    if not waiting:
        return 0
    from coachtui.store.sync.fields import fields_of

    current: dict[tuple[str, str], dict[str, Any]] = {}
    for kind in {c.kind for c in waiting}:
        table = table_of(kind)
        ids = sorted({c.record_id for c in waiting if c.kind == kind})
        for clause in in_clauses(conn, table.c.id, ids):
            for row in conn.execute(sa.select(table).where(clause)).all():
                current[(kind, row.id)] = fields_of(kind, dict(row._mapping))
    settled = [
        c.id for c in waiting
        if (fields := current.get((c.kind, c.record_id))) is not None
        and (
            _members_settled(c, fields.get(c.field)) if c.members else fields.get(c.field, _GONE) in _settlements(c)
        )
    ]
    for start in range(0, len(settled), 500):
        conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.id.in_(settled[start : start + 500])))
    return len(settled)


def _settlements(conflict: Conflict) -> list[Any]:
    """The values a field holds once a coach settled ``conflict`` with another choice
    than the value it holds already: the other value, or both texts."""
    found = [conflict.other]
    if _is_text(conflict) and isinstance(conflict.mine, str) and isinstance(conflict.theirs, str):
        found += [f"{conflict.mine}\n\n{conflict.theirs}", f"{conflict.theirs}\n\n{conflict.mine}"]
    return found


def deleted_edit(kind: str, ident: str, rows: dict[str, dict[str, dict[str, Any]]],
                 edited: dict[tuple[str, str], list[str]], deleted_by: str) -> Conflict:
    """A deletion of ``kind`` ``ident`` (taking ``rows``, by kind and id, as they are
    here) against the fields ``edited`` here since the last sync: a conflict keeping
    the records to restore and, to read, the edited text."""
    records = {
        record_kind: [{name: decode(encode(value)) for name, value in row.items()} for _id, row in sorted(found.items())]
        for record_kind, found in rows.items()
        if found
    }
    lines = []
    for (record_kind, record_id), names in sorted(edited.items()):
        row = rows.get(record_kind, {}).get(record_id)
        typed = dict(SPECS[record_kind].fields)
        for name in names:
            value = None if row is None else row[name]
            if typed.get(name, "").rstrip("?") == TEXT and name != "coach" and isinstance(value, str) and value.strip():
                lines.append(f"{name.replace('_', ' ')}: {value}")
    top = rows[kind][ident]
    by = {str(rows[k][i].get("updated_by", "") or rows[k][i].get("coach", "")) for k, i in edited if i in rows.get(k, {})}
    # stamped now when put back, so that they are newer than the deletion everywhere
    # (what is inside them comes back with them)
    stamp = [[kind, ident]] + ([["sessions", i] for i in sorted(rows.get("sessions", {}))] if kind == "teams" else [])
    mine = {"edited": "\n".join(lines) or "(changes without text)", "records": records, "stamp": stamp}
    return Conflict(new_id(), kind, ident, DELETED, mine, None, "theirs",
                    next(iter(by)) if len(by) == 1 else str(top.get("updated_by", "")), deleted_by)


def deleted_unseen(kind: str, ident: str, rows: dict[str, dict[str, dict[str, Any]]],
                   edited: dict[tuple[str, str], list[str]], deleted_by: str) -> Conflict:
    """On the hub: a deletion a laptop sent (its coach ``deleted_by``) of ``kind``
    ``ident``, taking ``rows`` (by kind and id, as the hub has them) of which
    ``edited`` were written there after that laptop last received: the conflict that
    laptop lists, "mine" the deletion (kept), "theirs" the records to restore."""
    found = deleted_edit(kind, ident, rows, edited, deleted_by)
    return Conflict(found.id, kind, ident, DELETED, None, found.mine, "mine", deleted_by, found.mine_by)


def _restore(conn: sa.Connection, conflict: Conflict, now: dt.datetime, coach: str) -> None:
    """Put back the records a deletion took (kept in ``conflict``), those whose
    containers are here; the deleted record itself is stamped now, so the next sync
    takes it back everywhere (newer than the deletion)."""
    kept = conflict.records
    records = kept.get("records", {})
    stamp = kept.get("stamp", [[conflict.kind, conflict.record_id]]) if kept else []
    top = table_of(conflict.kind)
    if conn.execute(sa.select(top.c.id).where(top.c.id == conflict.record_id)).first() is not None:
        return  # back already
    from coachtui.store.sync import changes

    grave = changes.tombstone_of(conn, conflict.kind, conflict.record_id)
    if grave is not None and grave[0] >= now:  # the same moment (a clock behind): still after it
        now = grave[0] + dt.timedelta(milliseconds=1)
    present: dict[str, set[str]] = {}
    for kind in changes.KINDS:  # containers first
        table = table_of(kind)
        rows = []
        for data in records.get(kind, []):
            row = {name: _column_value(table.c[name], value) for name, value in data.items() if name in table.c}
            if any(
                row.get(column) is not None and not _exists(conn, parent_kind, row[column], present)
                for column, parent_kind in _PARENT_KINDS.get(kind, {}).items()
            ):
                continue  # its container is gone for good
            if [kind, row["id"]] in stamp:
                row.update({name: value for name, value in (("updated_at", now), ("updated_by", coach)) if name in table.c})
            rows.append(row)
            present.setdefault(kind, set()).add(row["id"])
        if rows:
            conn.execute(sa.insert(table), rows)


_PARENT_KINDS = {
    "sessions": {"team_id": "teams"},
    "picked_questions": {"session_id": "sessions"},
    "actions": {"team_id": "teams", "session_id": "sessions"},
    "action_reviews": {"action_id": "actions", "session_id": "sessions"},
}


def _exists(conn: sa.Connection, kind: str, ident: str, present: dict[str, set[str]]) -> bool:
    if ident in present.get(kind, set()):
        return True
    table = table_of(kind)
    return conn.execute(sa.select(table.c.id).where(table.c.id == ident)).first() is not None


def lost_on_hub(found: Iterable[Any]) -> list[Conflict]:
    """Notes, for the hub, of the hub's values that lost (``FieldConflict`` found
    applying what a laptop sent: "here" is the hub's value)."""
    return [
        Conflict(new_id(), c.kind, c.record_id, c.field, c.here, c.sent, "theirs", c.here_by, c.sent_by)
        for c in found
        if c.kept == "sent"
    ]


def notes_for(conn: sa.Connection, keys: Iterable[tuple[str, str]]) -> list[Conflict]:
    """The hub's notes of values that lost there, for these records."""
    from coachtui.store.exchange.rows import in_clauses

    wanted = set(keys)
    found = []
    for clause in in_clauses(conn, CONFLICT.c.record_id, {ident for _kind, ident in wanted}):
        for row in conn.execute(sa.select(CONFLICT).where(CONFLICT.c.hub == LOST, clause)).all():
            if (row.kind, row.record_id) in wanted:
                found.append(_from_row(row))
    return found


def told(notes: Iterable[Conflict], bases: dict[tuple[str, str], dict[str, Any]], rows: dict[str, dict[str, Any]],
         coach: str) -> list[Conflict]:
    """The notes that concern this laptop (:func:`concerning`), as ordinary conflicts
    to keep here: mine (lost) and theirs (kept)."""
    return [
        Conflict(new_id(), note.kind, note.record_id, note.field, note.mine, note.theirs, "theirs",
                 note.mine_by, note.theirs_by)
        for note in concerning(notes, bases, rows, coach)
    ]


def concerning(notes: Iterable[Conflict], bases: dict[tuple[str, str], dict[str, Any]],
               rows: dict[str, dict[str, Any]], coach: str) -> list[Conflict]:
    """The hub's notes that concern this laptop: the value that lost is the one it
    last agreed with the hub on (it sent it), the record now comes with the value that
    won, and the note names this laptop's coach (when both have a name)."""
    from coachtui.store.sync.fields import fields_of

    found = []
    for note in notes:
        base = bases.get((note.kind, note.record_id))
        row = rows.get(note.kind, {}).get(note.record_id)
        if base is None or row is None or base.get(note.field, object()) != note.mine:
            continue
        if fields_of(note.kind, row).get(note.field) != note.theirs:
            continue
        if note.mine_by and coach and note.mine_by != coach:
            continue
        found.append(note)
    return found


def forget_told(conn: sa.Connection, notes: Iterable[Conflict], coach: str) -> int:
    """On the hub: drop the notes that name ``coach``, who has just been told of them
    (the laptop keeps them in its own list). Returns how many went."""
    ids = sorted({note.id for note in notes if note.mine_by and note.mine_by == coach})
    if not ids:
        return 0
    return conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.hub == LOST, CONFLICT.c.id.in_(ids))).rowcount or 0


def prune_notes(conn: sa.Connection) -> int:
    """On the hub: drop the notes no laptop can be told of any more, because their
    record is gone or no longer holds the value that won (a later edit or a coach's
    choice replaced it: telling of a loss to a value that is itself gone would be
    wrong, and the laptop then takes the record as it is now); the same for settlement
    notes (``SETTLED``), whose ``theirs`` is the value settled against and ``mine``
    the value kept. Returns how many went."""
    rows = conn.execute(sa.select(CONFLICT).where(CONFLICT.c.hub.in_(NOTES))).all()
    notes = [_from_row(row) for row in rows]
    held = {row.id: (note.mine if row.hub == SETTLED else note.theirs) for row, note in zip(rows, notes, strict=True)}
    if not notes:
        return 0
    current = _current_fields(conn, notes)
    dead = [
        note.id for note in notes
        if (fields := current.get((note.kind, note.record_id))) is None or fields.get(note.field, _GONE) != held[note.id]
    ]
    for start in range(0, len(dead), 500):
        conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.id.in_(dead[start : start + 500])))
    return len(dead)


def overturned(conn: sa.Connection, now: dt.datetime) -> int:
    """On the hub: settlement notes (``SETTLED``) whose field now holds the very text
    the coach chose against, written back by another coach's choice (two coaches each
    kept their own text of one conflict): the later choice holds, and the coach whose
    kept text it replaced is told at their next sync, as of a text that lost (a
    ``LOST`` note naming them). The settlement note goes: it settles nothing now.
    Returns how many."""
    notes = [_from_row(row) for row in conn.execute(sa.select(CONFLICT).where(CONFLICT.c.hub == SETTLED)).all()]
    notes = [note for note in notes if not note.members]
    if not notes:
        return 0
    current = _current_fields(conn, notes)
    back = [
        note for note in notes
        if (found := current.get((note.kind, note.record_id))) is not None
        and note.mine != note.theirs and found.get(note.field, _GONE) == note.theirs
    ]
    if not back:
        return 0
    gone = sorted(note.id for note in back)
    for start in range(0, len(gone), 500):
        conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.id.in_(gone[start : start + 500])))
    lost = [Conflict(new_id(), n.kind, n.record_id, n.field, n.mine, n.theirs, "theirs", n.mine_by, n.theirs_by)
            for n in back]
    save(conn, lost, LOST, now)
    return len(lost)


_GONE = object()


def new_id() -> str:
    return str(uuid.uuid4())


def _from_row(row: Any) -> Conflict:
    return Conflict(
        id=row.id, kind=row.kind, record_id=row.record_id, field=row.field, mine=decode(row.mine),
        theirs=decode(row.theirs), kept=row.kept, mine_by=row.mine_by, theirs_by=row.theirs_by,
    )


def list_conflicts(db: Database) -> list[Conflict]:
    """The conflicts not settled yet, oldest first."""
    with db.read() as session:
        rows = session.connection().execute(
            sa.select(CONFLICT).where(_listed()).order_by(CONFLICT.c.found_at, CONFLICT.c.id)
        ).all()
    return [_from_row(row) for row in rows]


def resolve(db: Database, conflict_id: str, choice: str) -> Conflict:
    """Settle a conflict (``conflict_id`` or the first characters of it): ``mine``,
    ``theirs`` or ``both``. Raises :class:`InvalidInput`/:class:`NotFound` in one line."""
    if choice not in CHOICES:
        raise InvalidInput(f"choose mine, theirs or both, not {choice!r}", field="choice")
    with db.write() as session:
        conn = session.connection()
        rows = conn.execute(
            sa.select(CONFLICT).where(CONFLICT.c.id.startswith(conflict_id, autoescape=True), _listed())
        ).all()
        if len(rows) != 1:
            what = "no conflict" if not rows else "more than one conflict"
            raise NotFound(f"{what} starts with {conflict_id!r}; coachtui sync --conflicts lists them")
        conflict = _from_row(rows[0])
        kind = conflict.kind
        table = table_of(kind)
        current = conn.execute(sa.select(table).where(table.c.id == conflict.record_id)).first()
        if conflict.deletion:
            if choice in (conflict.restores, "both"):  # nothing to put beside a deletion: both puts back
                try:
                    _restore(conn, conflict, db.now(), db.coach)
                except sa.exc.IntegrityError:  # the whole choice is undone
                    raise InvalidInput(
                        f"the {KIND_NAME.get(kind, kind)} cannot come back as it was: another team has its name "
                        "now; rename that team and choose again", field="choice",
                    ) from None
        elif current is not None:
            if conflict.members:
                value = _settle_members(current._mapping["members"], conflict, choice)
            else:
                value = _chosen(conflict, choice)
            column = table.c[conflict.field]
            value = _column_value(column, value)
            values: dict[str, Any] = {conflict.field: value}
            if "updated_at" in table.c:
                values["updated_at"] = db.now()
            if "updated_by" in table.c:
                values["updated_by"] = db.coach
            if "version" in table.c:
                values["version"] = table.c.version + 1
            if current._mapping[conflict.field] != value:
                conn.execute(sa.update(table).where(table.c.id == conflict.record_id).values(**values))
            else:  # nothing changes: a note tells the other laptops (SETTLED)
                _note_settled(conn, conflict, choice, db.now())
        conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.id == conflict.id))
    return conflict


def _note_settled(conn: sa.Connection, conflict: Conflict, choice: str, now: dt.datetime) -> None:
    side = choice if choice in ("mine", "theirs") else conflict.kept
    kept, other = (conflict.mine, conflict.theirs) if side == "mine" else (conflict.theirs, conflict.mine)
    settled = Conflict(new_id(), conflict.kind, conflict.record_id, conflict.field, kept, other, "mine",
                       conflict.mine_by, conflict.theirs_by)
    keep_settled(conn, [settled], now)


def settled_here(conn: sa.Connection) -> list[Conflict]:
    """On a laptop: the settlements made here that no hub has heard of yet."""
    return [_from_row(row) for row in conn.execute(sa.select(CONFLICT).where(CONFLICT.c.hub == SETTLED)).all()]


def forget_settled(conn: sa.Connection, found: Iterable[Conflict]) -> None:
    """On a laptop: drop these settlement notes (the hub has them now)."""
    ids = sorted({note.id for note in found})
    for start in range(0, len(ids), 500):
        conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.hub == SETTLED, CONFLICT.c.id.in_(ids[start : start + 500])))


def keep_settled(conn: sa.Connection, found: Iterable[Conflict], now: dt.datetime) -> None:
    """Keep these settlement notes (``SETTLED``), once each: a note over the same two
    values of the same field replaces an older one."""
    rows = []
    for note in found:
        values = {encode(note.mine), encode(note.theirs)}
        same = conn.execute(
            sa.select(CONFLICT.c.id, CONFLICT.c.mine, CONFLICT.c.theirs).where(
                CONFLICT.c.hub == SETTLED, CONFLICT.c.kind == note.kind, CONFLICT.c.record_id == note.record_id,
                CONFLICT.c.field == note.field,
            )
        ).all()
        older = [row.id for row in same if {row.mine, row.theirs} == values]
        if older:
            conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.id.in_(older)))
        rows.append(
            {
                "id": note.id, "kind": note.kind, "record_id": note.record_id, "field": note.field,
                "mine": encode(note.mine), "theirs": encode(note.theirs), "kept": "mine",
                "mine_by": note.mine_by, "theirs_by": note.theirs_by, "found_at": now, "hub": SETTLED,
            }
        )
    if rows:
        conn.execute(sa.insert(CONFLICT), rows)


def listed(conn: sa.Connection) -> list[Conflict]:
    """On a laptop: the conflicts it lists, in the transaction of ``conn``."""
    return [_from_row(row) for row in conn.execute(sa.select(CONFLICT).where(_listed())).all()]


def settled_notes_for(conn: sa.Connection, waiting: Iterable[Conflict]) -> list[Conflict]:
    """On the hub: the settlement notes on the records of these conflicts."""
    from coachtui.store.exchange.rows import in_clauses

    wanted = {(c.kind, c.record_id, c.field) for c in waiting}
    found = []
    for clause in in_clauses(conn, CONFLICT.c.record_id, {ident for _kind, ident, _field in wanted}):
        for row in conn.execute(sa.select(CONFLICT).where(CONFLICT.c.hub == SETTLED, clause)).all():
            if (row.kind, row.record_id, row.field) in wanted:
                found.append(_from_row(row))
    return found


def drop_settled_by_notes(conn: sa.Connection, waiting: Iterable[Conflict], notes: Iterable[Conflict]) -> set[str]:
    """On a laptop: drop the conflicts among ``waiting`` that a settlement note (from
    the hub) settled: the same field, over the same two values. Returns their ids."""
    settled = {
        (note.kind, note.record_id, note.field, frozenset((encode(note.mine), encode(note.theirs)))) for note in notes
    }
    ids = sorted(
        c.id for c in waiting
        if not c.deletion and (c.kind, c.record_id, c.field, frozenset((encode(c.mine), encode(c.theirs)))) in settled
    )
    for start in range(0, len(ids), 500):
        conn.execute(sa.delete(CONFLICT).where(CONFLICT.c.id.in_(ids[start : start + 500])))
    return set(ids)


def _chosen(conflict: Conflict, choice: str) -> Any:
    if choice == "mine":
        return conflict.mine
    if choice == "theirs":
        return conflict.theirs
    if not _is_text(conflict) or not isinstance(conflict.mine, str) or not isinstance(conflict.theirs, str):
        return conflict.mine if conflict.kept == "mine" else conflict.theirs
    kept, other = (conflict.mine, conflict.theirs) if conflict.kept == "mine" else (conflict.theirs, conflict.mine)
    return f"{kept}\n\n{other}"


def _column_value(column: sa.Column[Any], value: Any) -> Any:
    """A value kept as JSON, as ``column`` stores it (a date or a moment comes back
    from its ISO form)."""
    if isinstance(value, str):
        if isinstance(column.type, UTCDateTime):
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if _is_date(column):
            return dt.date.fromisoformat(value)
    return value


def _is_text(conflict: Conflict) -> bool:
    """A field of typed text, whose two values can be kept one after the other."""
    return dict(SPECS[conflict.kind].fields).get(conflict.field) == TEXT


def _has_python_type(column: sa.Column[Any]) -> bool:
    try:
        column.type.python_type  # noqa: B018
    except NotImplementedError:
        return False
    return True


def _is_date(column: sa.Column[Any]) -> bool:
    return _has_python_type(column) and column.type.python_type is dt.date


def _current_fields(conn: sa.Connection, notes: list[Conflict]) -> dict[tuple[str, str], dict[str, Any]]:
    """The fields of the records ``notes`` are about, as they are here now, by
    (kind, id); a record gone is not in it."""
    from sqlmodel import Session

    from coachtui.store.exchange.rows import fetch_in
    from coachtui.store.sync.fields import fields_of

    by_kind: dict[str, set[str]] = {}
    for note in notes:
        by_kind.setdefault(note.kind, set()).add(note.record_id)
    current: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, ids in by_kind.items():
        for row in fetch_in(cast(Session, conn), kind, "id", ids):
            current[(kind, row["id"])] = fields_of(kind, row)
    return current
