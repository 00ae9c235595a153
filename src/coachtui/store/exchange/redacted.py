"""Redacted exports written as they are read (issue 19), with the pseudonyms of the
export made in memory.

A pseudonym is numbered where the redacted export first meets its person: the
export's tables in their order (teams, sessions, questions, custom questions,
actions, reviews; then sets' members and presenters; for a report, then the actions
and reviews it shows beyond the selection), and a name is learnt from a title
anywhere in them before any is numbered ("Dr Lindqvist" late in the history makes
"Lindqvist" a person from the start). So :func:`prepared_redactor` reads the
selection twice, a batch of rows at a time, before the export is written: once to
learn the titled names, once to number everyone in that order. After that, redacting
a row only looks its names up, in whatever order the export is written, and memory
holds the names and pseudonyms, not the history.

For a selection by team and date alone (or everything): the command line's. A
selection of chosen sessions or a search's is redacted in memory, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from coachtui.store.exchange.export import (
    in_code_point_order,
    known_people,
    known_teams,
    selected_rows,
    sessions_where,
    stream_table,
)
from coachtui.store.exchange.redact import (
    SET_TABLES,
    TABLE_ORDER,
    TEXT_FIELDS,
    Redactor,
    possible_names,
)
from coachtui.store.exchange.rows import table_of
from coachtui.store.types import OPEN_STATUSES

Row = dict[str, Any]
# Rows redacted at a time while pseudonyms are numbered.
BATCH = 500
# A source of one table's rows, read again for each pass.
Rows = Callable[[], Iterator[Row]]
# What redaction reads of each table's rows (redact.Redactor.rows and set_rows).
REDACTED_COLUMNS = {
    "teams": ("id", "name", "coach", "updated_by", "members"),
    "sessions": ("coach", "updated_by", "title", "dilemma", "context", "insight", "suggestion_reasons", "presenter"),
    "picked_questions": ("text", "note"),
    "custom_questions": ("text", "coach"),
    "actions": ("text", "prediction", "owner", "coach", "updated_by"),
    "action_reviews": ("note", "coach", "learning"),
}


def _groups(
    session: Session, team_id: str | None, since: dt.datetime | None, *, for_report: bool
) -> list[dict[str, Rows]]:
    """The row groups a redacted export of that selection redacts, in order: the
    export's tables, and for a report of a part of the history what it shows
    beyond it (exchange/export.py: ``extra_actions``, ``extra_reviews``)."""

    def table(key: str) -> Rows:
        return lambda: stream_table(session, key, team_id=team_id, since=since, columns=REDACTED_COLUMNS[key])

    groups = [{key: table(key) for key in TABLE_ORDER}]
    if for_report and (team_id is not None or since is not None):
        groups.append({
            "actions": lambda: _extra_actions(session, team_id, since),
            "action_reviews": lambda: _extra_reviews(session, team_id, since),
        })
    return groups


def _selected_sessions(team_id: str | None, since: dt.datetime | None) -> Any:
    s_table = table_of("sessions")
    return sa.select(s_table.c.id).where(*sessions_where(team_id, since))


def _selected_actions(team_id: str | None, since: dt.datetime | None) -> Any:
    a_table = table_of("actions")
    return sa.select(a_table.c.id).where(a_table.c.session_id.in_(_selected_sessions(team_id, since)))


def _extra_reviews_where(team_id: str | None, since: dt.datetime | None) -> list[Any]:
    """Reviews made in a selected session of actions agreed outside the selection."""
    r_table = table_of("action_reviews")
    return [
        r_table.c.session_id.in_(_selected_sessions(team_id, since)),
        r_table.c.action_id.not_in(_selected_actions(team_id, since)),
    ]


def _by_stamp(session: Session, key: str, where: list[Any]) -> Iterator[Row]:
    """What redaction reads of the rows of ``key`` matching ``where``, oldest first
    (then by id, as Python orders strings), a batch at a time."""
    found = table_of(key)
    names = REDACTED_COLUMNS[key]
    result = session.execute(
        sa.select(*(found.c[name] for name in names))
        .where(*where)
        .order_by(found.c.created_at, in_code_point_order(session, found.c.id)),
        execution_options={"yield_per": BATCH},
    )
    for part in result.partitions():
        for row in part:
            yield dict(zip(names, row, strict=True))


def _extra_reviews(session: Session, team_id: str | None, since: dt.datetime | None) -> Iterator[Row]:
    return _by_stamp(session, "action_reviews", _extra_reviews_where(team_id, since))


def _extra_actions(session: Session, team_id: str | None, since: dt.datetime | None) -> Iterator[Row]:
    """The actions a report of the selection shows beyond it: those reviewed in a
    selected session, and the exported teams' actions still open."""
    a_table, r_table, t_table = table_of("actions"), table_of("action_reviews"), table_of("teams")
    teams = sa.select(t_table.c.id).where(*selected_rows("teams", t_table, team_id, since))
    reviewed = sa.select(r_table.c.action_id).where(*_extra_reviews_where(team_id, since))
    return _by_stamp(session, "actions", [
        a_table.c.id.not_in(_selected_actions(team_id, since)),
        sa.or_(a_table.c.id.in_(reviewed), sa.and_(a_table.c.team_id.in_(teams), a_table.c.status.in_(OPEN_STATUSES))),
    ])


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _texts(key: str, rows: Iterable[Row]) -> Iterator[str]:
    """The free text of rows of ``key``, as redact._texts gives it."""
    fields = TEXT_FIELDS[key]
    for row in rows:
        for field in fields:
            value = row.get(field)
            if isinstance(value, str) and value:
                yield value


def prepared_redactor(
    session: Session,
    *,
    team_id: str | None = None,
    since: dt.datetime | None = None,
    for_report: bool = False,
    keep_team_names: bool = False,
) -> Redactor:
    """A redactor that has learnt every titled name of the redacted export of that
    selection (a report's when ``for_report``) and numbered every pseudonym as the
    export made in memory does: redacting its rows now, in any order, gives that
    export's values (see the module). Text that names no one without a pseudonym
    yet is skipped while numbering (Redactor.numbering)."""
    redactor = Redactor(known_people(session), known_teams(session), keep_team_names=keep_team_names)
    groups = _groups(session, team_id, since, for_report=for_report)
    redactor.learn(text for group in groups for key, rows in group.items() for text in _texts(key, rows()))
    redactor.numbering = True  # (the rows redacted here are thrown away)
    for group in groups:
        for key in TABLE_ORDER:
            if key in group:
                for batch in _batches(group[key]()):
                    redactor.rows(key, batch)
        for key in SET_TABLES:
            if key in group:
                for batch in _batches(group[key]()):
                    redactor.set_rows(key, batch)
    redactor.numbering = False
    return redactor


def possible_names_left(session: Session, redactor: Redactor, *, team_id: str | None, since: dt.datetime | None) -> list[str]:
    """:func:`~coachtui.store.exchange.redact.possible_names` of the redacted report of
    that selection (what ``redaction_check`` says), its texts read in the same order
    (redact.redacted_texts): each group's free text, then its coaches and owners."""

    def texts() -> Iterator[str]:
        for group in _groups(session, team_id, since, for_report=True):
            for key in TABLE_ORDER:
                if key in group:
                    for batch in _batches(group[key]()):
                        redactor.rows(key, batch)
                        yield from _texts(key, batch)
            for key in ("sessions", "actions", "action_reviews", "custom_questions", "teams"):
                if key in group:
                    for batch in _batches(group[key]()):
                        redactor.rows(key, batch)
                        for row in batch:
                            for field in ("coach", "owner"):
                                value = row.get(field)
                                if isinstance(value, str) and value:
                                    yield value

    return possible_names(texts())
