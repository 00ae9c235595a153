"""Merging a validated export into the database, in the caller's one transaction.

Rules:

* A record is the same record when it has the same id. A picked question is also the
  same when it is the same question in the same session, and a custom question when
  it has the same text (so two laptops do not end up with the question twice); a team
  is also the same when it has the same name ignoring case (two laptops' "Ward 4"
  become one team: the file's sessions and actions are filed under the local team,
  which keeps its own name and settings).
* A record on both sides keeps the newer edit (``updated_at``); equal means unchanged,
  so importing a file twice adds and changes nothing. Nothing is ever deleted.
* A redacted export only adds records that are not here yet: its pseudonyms ("Coach A",
  "Team 3F9A2C") never replace a record here, however new its edit; the records it
  leaves alone are counted as ``skipped``. The records it adds are noted
  (``redacted_import``): a full export of one of them replaces it, unless it was
  edited here since (then the newer edit wins, as for any record); counted as
  ``replaced``.
* Every reference must point at a record in the file or already in the database,
  and team names must stay unique, or nothing is written.
* Afterwards every action the import touched has the status of its newest review
  (or keeps the exported status when it has no review here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from coachtui.store.db.models import RedactedImport
from coachtui.store.errors import ImportRefused
from coachtui.store.exchange.interchange import SPECS, TABLES, ValidExport
from coachtui.store.exchange.rows import CHUNK, fetch, fetch_in, in_clauses, table_of
from coachtui.store.types import ImportCounts, ImportSummary

KIND_NAMES = {
    "teams": "teams",
    "sessions": "sessions",
    "picked_questions": "questions",
    "custom_questions": "custom questions",
    "actions": "actions",
    "action_reviews": "reviews",
}
REDACTED: sa.Table = getattr(RedactedImport, "__table__")  # noqa: B009 - SQLModel does not declare it
# Inserting in this order satisfies the foreign keys.
WRITE_ORDER = ("teams", "sessions", "custom_questions", "picked_questions", "actions", "action_reviews")
# What a reference may point at: (field, the list it refers to, what to call it).
REFERENCES = {
    "sessions": (("team_id", "teams", "a team"),),
    "picked_questions": (("session_id", "sessions", "a session"),),
    "actions": (("team_id", "teams", "a team"), ("session_id", "sessions", "a session")),
    "action_reviews": (("action_id", "actions", "an action"), ("session_id", "sessions", "a session")),
}


@dataclass
class Plan:
    """What merging one kind of record will write (shared with sync)."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    # (local id, new values) — values hold only the columns that change
    updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0


def _local_by_id(session: Session, key: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in fetch_in(session, key, "id", ids)}


def existing_ids(session: Session, key: str, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are records of ``key`` here."""
    table = table_of(key)
    found: set[str] = set()
    for clause in in_clauses(session, table.c.id, ids):
        found.update(session.execute(sa.select(table.c.id).where(clause)).scalars())
    return found


def _newer(row: dict[str, Any], local: dict[str, Any]) -> bool:
    return bool(row["updated_at"] > local["updated_at"])


def changed_fields(key: str, row: dict[str, Any], local: dict[str, Any], keep: tuple[str, ...]) -> dict[str, Any]:
    """The values that make ``local`` into ``row`` (but the columns in ``keep``)."""
    values = {name: row[name] for name in SPECS[key].columns if name not in ("id", *keep)}
    if "version" in values:
        # Always move forward, so anyone holding the old version sees the change.
        values["version"] = max(row["version"], local["version"] + 1)
    return values


def merge(session: Session, export: ValidExport, coach: str = "") -> ImportSummary:
    """Merge ``export`` into the database through ``session`` (already in a write
    transaction). Raises :class:`ImportRefused` before writing anything when the
    file does not fit the database. ``coach``: this database's coach, credited with
    the records the import writes (``updated_by``), as a save here is: sync then
    tells this coach, not the record's first author, if one of those texts loses."""
    tables = {key: [dict(row) for row in rows] for key, rows in export.tables.items()}
    team_map, merged_names = _map_teams(session, tables["teams"])
    for key in ("sessions", "actions"):
        for row in tables[key]:
            row["team_id"] = team_map.get(row["team_id"], row["team_id"])
    _check_references(session, tables, team_map)

    plans: dict[str, Plan] = {}
    plans["teams"] = _plan_teams(session, tables["teams"], team_map)
    for key in ("sessions", "actions", "action_reviews"):
        plans[key] = _plan_by_id(session, key, tables[key])
    plans["picked_questions"] = _plan_picked(session, tables["picked_questions"])
    plans["custom_questions"] = _plan_custom(session, tables["custom_questions"])
    skipped = _keep_local_text(plans) if export.redacted else 0
    replaced = 0 if export.redacted else _replace_redacted(session, tables, team_map, plans)
    _check_team_names(session, plans["teams"])
    if coach:
        _credit(plans, coach)

    connection = session.connection()
    try:
        for key in WRITE_ORDER:
            write_plan(connection, key, plans[key])
        fixed = _refresh_statuses(session, connection, plans)
        _note_redacted(connection, plans, export.redacted)
    except sa.exc.IntegrityError as exc:
        detail = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise ImportRefused(f"it conflicts with the database ({detail})") from None

    counts = []
    for spec in TABLES:
        plan = plans[spec.key]
        updated = len(plan.updates)
        unchanged = plan.unchanged
        if spec.key == "actions":
            updated += len(fixed)
            unchanged -= len(fixed & {row["id"] for row in tables["actions"]})
        counts.append(ImportCounts(KIND_NAMES[spec.key], len(plan.inserts), updated, unchanged))
    return ImportSummary(
        counts=tuple(counts), merged_teams=tuple(merged_names), redacted=export.redacted, skipped=skipped,
        replaced=replaced,
    )


def _credit(plans: dict[str, Plan], coach: str) -> None:
    """The records written (new or changed) are last written by ``coach``."""
    for key in CREDITED:
        plan = plans[key]
        for row in plan.inserts:
            row["updated_by"] = coach
        for _local_id, values in plan.updates:
            values["updated_by"] = coach


# The kinds of record that say who last wrote them
CREDITED = ("teams", "sessions", "actions")


def _keep_local_text(plans: dict[str, Plan]) -> int:
    """Drop every update from ``plans`` (a redacted file's text is pseudonyms, never
    better than ours); returns how many records that leaves alone."""
    skipped = 0
    for plan in plans.values():
        skipped += len(plan.updates)
        plan.updates = []
    return skipped


def _marked(session: Session, key: str, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` came in from a redacted export."""
    found: set[str] = set()
    for clause in in_clauses(session, REDACTED.c.id, ids):
        found.update(session.execute(sa.select(REDACTED.c.id).where(REDACTED.c.kind == key, clause)).scalars())
    return found


def _replace_redacted(
    session: Session, tables: dict[str, list[dict[str, Any]]], team_map: dict[str, str], plans: dict[str, Plan]
) -> int:
    """Plan to replace, with this full file's version, each record here that came from
    a redacted export and has not been edited since (its edit is not newer than the
    file's). Returns how many."""
    replaced = 0
    for key, rows in tables.items():
        plan = plans[key]
        planned = {local_id for local_id, _values in plan.updates}
        ids = {team_map.get(row["id"], row["id"]) if key == "teams" else row["id"] for row in rows}
        marked = _marked(session, key, ids)
        replaced += len(marked & planned)  # the file's edit is newer anyway
        marked -= planned
        if not marked:
            continue
        local = _local_by_id(session, key, marked)
        for row in rows:
            current = local.get(row["id"])
            if current is None or _newer(current, row):
                continue
            plan.updates.append((row["id"], changed_fields(key, row, current, ())))
            plan.unchanged -= 1
            replaced += 1
    return replaced


def _note_redacted(connection: sa.Connection, plans: dict[str, Plan], redacted: bool) -> None:
    """A redacted file's new records are noted; a full file's records are not any more."""
    for key, plan in plans.items():
        if redacted:
            rows = [{"kind": key, "id": row["id"]} for row in plan.inserts]
            for start in range(0, len(rows), CHUNK):
                connection.execute(sa.insert(REDACTED), rows[start : start + CHUNK])
            continue
        ids = [local_id for local_id, _values in plan.updates]
        for clause in in_clauses(connection, REDACTED.c.id, ids):
            connection.execute(sa.delete(REDACTED).where(REDACTED.c.kind == key, clause))


# --- teams ---------------------------------------------------------------------------


def _local_teams(session: Session) -> list[dict[str, Any]]:
    return fetch(session, "teams")


def _map_teams(session: Session, teams: list[dict[str, Any]]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """File team id → local team id, for teams that exist here under another id but
    the same name (ignoring case)."""
    local = _local_teams(session)
    by_id = {row["id"]: row for row in local}
    by_key = {row["name_key"]: row for row in local}
    mapping: dict[str, str] = {}
    merged: list[tuple[str, str]] = []
    targets: dict[str, int] = {}
    for index, team in enumerate(teams):
        target = team["id"]
        if team["id"] not in by_id and team["name_key"] in by_key:
            target = by_key[team["name_key"]]["id"]
            mapping[team["id"]] = target
            merged.append((team["name"], by_key[team["name_key"]]["name"]))
        if target in targets:
            raise ImportRefused(
                f"teams[{index}]: two teams in the file would become the same local team {team['name']!r}"
            )
        targets[target] = index
    return mapping, merged


def _plan_teams(session: Session, teams: list[dict[str, Any]], mapping: dict[str, str]) -> Plan:
    plan = Plan()
    local = {row["id"]: row for row in _local_teams(session)}
    for team in teams:
        target = mapping.get(team["id"], team["id"])
        current = local.get(target)
        if current is None:
            plan.inserts.append(team)
        elif target == team["id"] and _newer(team, current):
            plan.updates.append((target, changed_fields("teams", team, current, ())))
        else:
            # Equal or older, or merged by name: a merged team keeps its local name
            # and settings (importing should not rename a team here).
            plan.unchanged += 1
    return plan


def _check_team_names(session: Session, plan: Plan) -> None:
    """Team names are unique ignoring case: refuse an import that would break that
    (a team renamed elsewhere to a name another team has here)."""
    final = {row["id"]: (row["name_key"], row["name"]) for row in _local_teams(session)}
    for team_id, values in plan.updates:
        final[team_id] = (values["name_key"], values["name"])
    for row in plan.inserts:
        final[row["id"]] = (row["name_key"], row["name"])
    owners: dict[str, str] = {}
    for team_id, (key, name) in final.items():
        if key in owners and owners[key] != team_id:
            raise ImportRefused(
                f"the team {name!r} in the file has been renamed to a name another team has here; "
                "rename one of them and import again"
            )
        owners[key] = team_id


# --- references ------------------------------------------------------------------------


def _check_references(session: Session, tables: dict[str, list[dict[str, Any]]], team_map: dict[str, str]) -> None:
    in_file = {key: {row["id"] for row in rows} for key, rows in tables.items()}
    in_file["teams"] = {team_map.get(i, i) for i in in_file["teams"]}
    for key, references in REFERENCES.items():
        for name, target, what in references:
            wanted = {row[name] for row in tables[key] if row[name] is not None} - in_file[target]
            if not wanted:
                continue
            missing = wanted - existing_ids(session, target, wanted)
            if missing:
                index = next(i for i, row in enumerate(tables[key]) if row[name] in missing)
                raise ImportRefused(
                    f"{key}[{index}].{name}: refers to {what} that is neither in the file nor in the database"
                )


# --- other records -----------------------------------------------------------------------


def _plan_by_id(session: Session, key: str, rows: list[dict[str, Any]]) -> Plan:
    plan = Plan()
    local = _local_by_id(session, key, (row["id"] for row in rows))
    for row in rows:
        current = local.get(row["id"])
        if current is None:
            plan.inserts.append(row)
        elif _newer(row, current):
            plan.updates.append((row["id"], changed_fields(key, row, current, ())))
        else:
            plan.unchanged += 1
    return plan


def _plan_matched(
    key: str,
    rows: list[dict[str, Any]],
    local: dict[str, dict[str, Any]],
    natural: dict[Any, dict[str, Any]],
    natural_key: Any,
) -> Plan:
    plan = Plan()
    targets: set[str] = set()
    for index, row in enumerate(rows):
        current = local.get(row["id"])
        keep: tuple[str, ...] = ()
        if current is None:
            current = natural.get(natural_key(row))
            keep = ("created_at",)
        target = current["id"] if current is not None else row["id"]
        if target in targets:
            raise ImportRefused(f"{key}[{index}]: two records in the file would become the same record here")
        targets.add(target)
        if current is None:
            plan.inserts.append(row)
        elif _newer(row, current):
            plan.updates.append((current["id"], changed_fields(key, row, current, keep)))
        else:
            plan.unchanged += 1
    return plan


def _plan_picked(session: Session, rows: list[dict[str, Any]]) -> Plan:
    local = _local_by_id(session, "picked_questions", (row["id"] for row in rows))
    same_question = {
        (row["session_id"], row["question_id"]): row
        for row in fetch_in(session, "picked_questions", "session_id", {row["session_id"] for row in rows})
    }
    return _plan_matched(
        "picked_questions", rows, local, same_question, lambda row: (row["session_id"], row["question_id"])
    )


def _plan_custom(session: Session, rows: list[dict[str, Any]]) -> Plan:
    local = _local_by_id(session, "custom_questions", (row["id"] for row in rows))
    same_text: dict[str, dict[str, Any]] = {}
    for row in sorted(
        fetch_in(session, "custom_questions", "text", {row["text"] for row in rows}),
        key=lambda r: (r["created_at"], r["id"]),
    ):
        same_text.setdefault(row["text"], row)
    return _plan_matched("custom_questions", rows, local, same_text, lambda row: row["text"])


# --- writing ------------------------------------------------------------------------------


def write_plan(connection: sa.Connection, key: str, plan: Plan) -> None:
    table = table_of(key)
    if plan.inserts:
        for start in range(0, len(plan.inserts), CHUNK):
            connection.execute(sa.insert(table), plan.inserts[start : start + CHUNK])
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for local_id, values in plan.updates:
        names = tuple(values)
        groups.setdefault(names, []).append({"b_id": local_id, **{f"b_{n}": v for n, v in values.items()}})
    for names, params in groups.items():
        statement = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id", type_=table.c.id.type))
            .values({n: sa.bindparam(f"b_{n}", type_=table.c[n].type) for n in names})
        )
        connection.execute(statement, params)


def _refresh_statuses(session: Session, connection: sa.Connection, plans: dict[str, Plan]) -> set[str]:
    """Give every touched action the status of its newest review. Returns the ids
    of actions whose status this changed (and that the plan did not already count)."""
    counted = {row["id"] for row in plans["actions"].inserts} | {i for i, _ in plans["actions"].updates}
    reviews = plans["action_reviews"]
    touched = counted | {row["action_id"] for row in reviews.inserts}
    if reviews.updates:
        changed_reviews = {i for i, _ in reviews.updates}
        touched |= {row["action_id"] for row in fetch_in(session, "action_reviews", "id", changed_reviews)}
    if not touched:
        return set()
    latest: dict[str, dict[str, Any]] = {}
    for row in fetch_in(session, "action_reviews", "action_id", touched):
        current = latest.get(row["action_id"])
        rank = (row["updated_at"], row["created_at"], row["id"])
        if current is None or rank > (current["updated_at"], current["created_at"], current["id"]):
            latest[row["action_id"]] = row
    actions = table_of("actions")
    fixes = []
    for row in fetch_in(session, "actions", "id", latest):
        status = latest[row["id"]]["status"]
        if row["status"] != status:
            fixes.append({"b_id": row["id"], "b_status": status})
    if fixes:
        connection.execute(
            sa.update(actions)
            .where(actions.c.id == sa.bindparam("b_id", type_=actions.c.id.type))
            .values(status=sa.bindparam("b_status", type_=actions.c.status.type)),
            fixes,
        )
    return {fix["b_id"] for fix in fixes} - counted
