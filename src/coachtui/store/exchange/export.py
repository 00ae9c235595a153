"""Reading what an export holds out of the database, in a fixed order.

The selection is sessions (all, one team's, those created since a moment, or given
ids) with everything that belongs to them: picked questions, agreed actions and
reviews of those actions. It is self-contained, so it can be imported into an empty
database: a team is included when a selected session or action refers to it, a
review when both its action and its session (if any) are included, a custom question
when a selected session picked it (or, without a team or session filter, every
custom question created in the period).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from coachtui.store.db import dialects
from coachtui.store.db.models import (
    Action,
    ActionReview,
    CoachingSession,
    CustomQuestion,
    Team,
    table,
)
from coachtui.store.exchange.interchange import OPT_DATE, OPT_STAMP, SPECS, STAMP, format_stamp
from coachtui.store.exchange.rows import fetch, fetch_in, table_of
from coachtui.store.types import OPEN_STATUSES, SessionFilter


@dataclass
class ExportData:
    """The rows of one export, with Python values (datetimes, dates)."""

    tables: dict[str, list[dict[str, Any]]]
    exported_at: dt.datetime
    team_id: str | None = None
    since: dt.datetime | None = None
    session_ids: tuple[str, ...] | None = None
    redacted: bool = False
    # The filter as it was asked for (reports name it: "team Ward 4 · since ...").
    which: SessionFilter | None = None
    # Context for reports only (never in the JSON): the exported teams' open actions
    # agreed in sessions outside the selection, actions reviewed in a selected
    # session but agreed outside it, and those reviews.
    extra_actions: list[dict[str, Any]] = field(default_factory=list)
    extra_reviews: list[dict[str, Any]] = field(default_factory=list)

    @property
    def filtered(self) -> bool:
        return self.team_id is not None or self.since is not None or self.session_ids is not None


def sessions_where(team_id: str | None, since: dt.datetime | None, s_table: Any = None) -> list[Any]:
    """The conditions on the sessions table (or ``s_table``, an alias of it) that
    select one team's sessions (None: any team's) created since ``since`` (None: ever)."""
    if s_table is None:
        s_table = table_of("sessions")
    where = []
    if team_id is not None:
        where.append(s_table.c.team_id == team_id)
    if since is not None:
        where.append(s_table.c.created_at >= since)
    return where


def by_stamp(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["created_at"], r["id"]))


def collect(
    session: Session,
    *,
    exported_at: dt.datetime,
    team_id: str | None = None,
    since: dt.datetime | None = None,
    session_ids: Sequence[str] | None = None,
    for_report: bool = False,
) -> ExportData:
    data = ExportData(
        tables={},
        exported_at=exported_at,
        team_id=team_id,
        since=since,
        session_ids=tuple(session_ids) if session_ids is not None else None,
    )
    where = sessions_where(team_id, since)
    if session_ids is not None:
        sessions = fetch_in(session, "sessions", "id", session_ids, *where)
    else:
        sessions = fetch(session, "sessions", *where)
    sessions = by_stamp(sessions)
    order = {row["id"]: index for index, row in enumerate(sessions)}

    if not data.filtered:
        picked = fetch(session, "picked_questions")
        actions = fetch(session, "actions")
        reviews = fetch(session, "action_reviews")
        teams = fetch(session, "teams")
        custom = fetch(session, "custom_questions")
    else:
        picked = fetch_in(session, "picked_questions", "session_id", order)
        actions = fetch_in(session, "actions", "session_id", order)
        action_ids = {row["id"] for row in actions}
        reviews = [
            row
            for row in fetch_in(session, "action_reviews", "action_id", action_ids)
            if row["session_id"] is None or row["session_id"] in order
        ]
        team_ids = {row["team_id"] for row in sessions} | {row["team_id"] for row in actions}
        if team_id is not None:
            team_ids.add(team_id)
        teams = fetch_in(session, "teams", "id", team_ids)
        if team_id is None and session_ids is None:
            custom = fetch(session, "custom_questions", table_of("custom_questions").c.created_at >= since)
        else:
            custom = fetch_in(session, "custom_questions", "id", {row["question_id"] for row in picked})
        if for_report:
            _report_context(session, data, teams, order, action_ids)

    data.tables = {
        "teams": by_stamp(teams),
        "sessions": sessions,
        "picked_questions": sorted(picked, key=lambda r: (order[r["session_id"]], r["position"], r["id"])),
        "custom_questions": by_stamp(custom),
        "actions": sorted(actions, key=lambda r: (order[r["session_id"]], r["position"], r["created_at"], r["id"])),
        "action_reviews": by_stamp(reviews),
    }
    return data


def _report_context(
    session: Session,
    data: ExportData,
    teams: list[dict[str, Any]],
    selected: dict[str, int],
    action_ids: set[str],
) -> None:
    """What a report shows beyond the selection (see :class:`ExportData`)."""
    extra_reviews = [
        row
        for row in fetch_in(session, "action_reviews", "session_id", selected)
        if row["action_id"] not in action_ids
    ]
    reviewed = {row["action_id"] for row in extra_reviews}
    a_table = table_of("actions")
    still_open = [
        row
        for row in fetch_in(
            session, "actions", "team_id", {t["id"] for t in teams}, a_table.c.status.in_(OPEN_STATUSES)
        )
        if row["id"] not in action_ids
    ]
    extra = {row["id"]: row for row in fetch_in(session, "actions", "id", reviewed)}
    extra.update({row["id"]: row for row in still_open})
    data.extra_actions = by_stamp(list(extra.values()))
    data.extra_reviews = by_stamp(extra_reviews)


def known_people(session: Session) -> list[tuple[str, bool]]:
    """Every name in a name column of the database: (name, is a coach)."""
    columns = [
        (table(Team).c.coach, True),
        (table(CoachingSession).c.coach, True),
        (table(Action).c.coach, True),
        (table(ActionReview).c.coach, True),
        (table(CustomQuestion).c.coach, True),
        (table(Action).c.owner, False),
        (table(Team).c.updated_by, True),
        (table(CoachingSession).c.updated_by, True),
        (table(Action).c.updated_by, True),
    ]
    people: list[tuple[str, bool]] = []
    for column, is_coach in columns:
        for (value,) in session.execute(sa.select(column).distinct().order_by(column)):
            if value:
                people.append((value, is_coach))
    people += set_members(session)
    return people


def set_members(session: Session) -> list[tuple[str, bool]]:
    """The names of action learning sets' members and presenters (migration 0011)."""
    from coachtui.store.types import members_from_json

    teams, sessions = table(Team), table(CoachingSession)
    found = [
        (value, False)
        for (value,) in session.execute(sa.select(sessions.c.presenter).distinct().order_by(sessions.c.presenter))
        if value
    ]
    for (text,) in session.execute(sa.select(teams.c.members).where(teams.c.members != "").order_by(teams.c.id)):
        found += [(member.name, False) for member in members_from_json(text)]
    return found


def known_teams(session: Session) -> list[tuple[str, str]]:
    teams = table(Team)
    return [(row.id, row.name) for row in session.execute(sa.select(teams.c.id, teams.c.name).order_by(teams.c.id))]


# --- streaming ---------------------------------------------------------------------
#
# An export of the whole history (no filter) is read table by table, in the order
# collect() sorts it into, straight from the database a batch at a time, so that it
# can be written as it is read: memory stays flat however long the history is.

STREAM_BATCH = 500


def in_code_point_order(session: Session, column: Any) -> Any:
    """``column`` for ORDER BY, compared as Python compares strings: code point by
    code point (PostgreSQL's default collation may ignore hyphens; "C" does not)."""
    return dialects.of(session).code_point_order(column)


def stream_table(
    session: Session,
    key: str,
    *,
    team_id: str | None = None,
    since: dt.datetime | None = None,
    columns: Sequence[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every row of one table, in the order :func:`collect` gives it for an export
    without filters, read a batch at a time, each already encoded for the file (what
    :func:`~coachtui.store.exchange.interchange.encode_row` makes of it). With
    ``team_id`` or ``since``, the rows :func:`collect` gives for that selection.

    Timestamps are read as the database gives them, without SQLAlchemy making a
    datetime of each (on SQLite, the UTC text the store wrote, turned into the
    file's form by moving two characters): at 100,000 sessions, a million
    timestamps made and formatted again were most of the export's time.

    ``columns``: only those (none of them a timestamp), as read."""
    spec = SPECS[key]
    if columns is not None:
        spec = dataclasses.replace(spec, fields=tuple(field for field in spec.fields if field[0] in columns))
    table = table_of(key)
    stamps = {name for name, kind in spec.fields if kind in (STAMP, OPT_STAMP)}
    # A stamp column's values unprocessed (text on SQLite, a datetime elsewhere).
    statement = sa.select(
        *(sa.type_coerce(table.c[name], sa.String) if name in stamps else table.c[name] for name in spec.columns)
    )
    if key in ("picked_questions", "actions"):
        # In the order of their sessions, then by position (as collect() sorts them).
        s_table = table_of("sessions")
        statement = statement.join(s_table, s_table.c.id == table.c.session_id)
        order = [s_table.c.created_at, in_code_point_order(session, s_table.c.id), table.c.position]
        if key == "actions":
            order.append(table.c.created_at)
        order.append(in_code_point_order(session, table.c.id))
    else:
        order = [table.c.created_at, in_code_point_order(session, table.c.id)]
    statement = statement.where(*selected_rows(key, table, team_id, since))
    encoders = [_FILE_VALUE.get(kind) for _, kind in spec.fields]
    plain = all(encode is None for encode in encoders)
    names = spec.columns
    result = session.execute(statement.order_by(*order), execution_options={"yield_per": STREAM_BATCH})
    for batch in result.partitions():
        for row in batch:
            if plain:
                yield dict(zip(names, row, strict=True))
            else:
                yield {
                    name: value if encode is None or value is None else encode(value)
                    for name, encode, value in zip(names, encoders, row, strict=True)
                }


def selected_rows(key: str, table: Any, team_id: str | None, since: dt.datetime | None) -> list[Any]:
    """The conditions on ``table`` (already joined with its sessions for questions
    and actions) under which :func:`collect` exports its rows for the sessions of
    ``team_id`` created since ``since``; none without either."""
    where = sessions_where(team_id, since)
    if not where:
        return []
    s_table, a_table = table_of("sessions"), table_of("actions")
    if key in ("sessions", "picked_questions", "actions"):
        return where
    if key == "action_reviews":
        # reviews of the selected sessions' actions, made in one of them or outside any
        chosen = s_table.alias("chosen")
        of_selected = sa.select(a_table.c.id).join(s_table, s_table.c.id == a_table.c.session_id).where(*where)
        return [
            table.c.action_id.in_(of_selected),
            sa.or_(table.c.session_id.is_(None),
                   table.c.session_id.in_(sa.select(chosen.c.id).where(*sessions_where(team_id, since, chosen)))),
        ]
    if key == "teams":
        teams = [
            table.c.id.in_(sa.select(s_table.c.team_id).where(*where)),
            table.c.id.in_(
                sa.select(a_table.c.team_id).join(s_table, s_table.c.id == a_table.c.session_id).where(*where)
            ),
        ]
        if team_id is not None:
            teams.append(table.c.id == team_id)
        return [sa.or_(*teams)]
    if key == "custom_questions":
        if team_id is None:
            return [table.c.created_at >= since]
        p_table = table_of("picked_questions")
        return [table.c.id.in_(
            sa.select(p_table.c.question_id).join(s_table, s_table.c.id == p_table.c.session_id).where(*where)
        )]
    raise ValueError(f"no rows of {key} belong to a selection")


def stamp_text(value: str | dt.datetime) -> str:
    """A stored timestamp as the file writes it (``2026-11-02T09:00:00.000001Z``):
    SQLite's UTC text (``2026-11-02 09:00:00.000001``) is that with two characters
    changed; anything else is parsed and formatted."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return f"{value[:10]}T{value[11:]}Z"
        value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
    return format_stamp(value)


def _date_text(value: str | dt.date) -> str:
    return value if isinstance(value, str) else value.isoformat()


# How a value read by stream_table becomes the file's, by field kind (None: as read).
_FILE_VALUE: dict[str, Callable[[Any], Any]] = {STAMP: stamp_text, OPT_STAMP: stamp_text, OPT_DATE: _date_text}
