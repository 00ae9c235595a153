"""Exports written as they are read: the selected sessions a batch at a time, each
batch with everything that belongs to it, so that memory stays flat however long
the history is (issue 19). The JSON export of the whole history streams table by
table instead (export.stream_table): its lists are not grouped by session.

A batch is what :func:`~coachtui.store.exchange.export.collect` reads for those
sessions alone, with one difference: the reviews of the batch's actions are every
review the whole export holds (a review made in a later session is in a later
batch's sessions, but it is still the action's latest review).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from coachtui.store.exchange.export import by_stamp, collect, in_code_point_order
from coachtui.store.exchange.rows import CHUNK, fetch_in, table_of

# Sessions per batch: a few MB of rows at most, with their questions and actions.
BATCH = 200

Row = dict[str, Any]


def session_batches(
    session: Session,
    *,
    team_id: str | None = None,
    since: dt.datetime | None = None,
    session_ids: Sequence[str] | None = None,
) -> Iterator[list[str]]:
    """The ids of the selected sessions, in the export's order (oldest first, then by
    id as Python orders strings), a batch at a time."""
    s_table = table_of("sessions")
    if session_ids is not None:
        # Chosen ids (or a search's): ordered here, they are in memory already.
        found: list[tuple[Any, str]] = []
        wanted = sorted(set(session_ids))
        for start in range(0, len(wanted), CHUNK):
            statement = sa.select(s_table.c.created_at, s_table.c.id).where(
                s_table.c.id.in_(wanted[start : start + CHUNK])
            )
            if team_id is not None:
                statement = statement.where(s_table.c.team_id == team_id)
            if since is not None:
                statement = statement.where(s_table.c.created_at >= since)
            found += [(row[0], row[1]) for row in session.execute(statement)]
        found.sort()
        ids = [ident for _, ident in found]
        for start in range(0, len(ids), BATCH):
            yield ids[start : start + BATCH]
        return
    where = []
    if team_id is not None:
        where.append(s_table.c.team_id == team_id)
    if since is not None:
        where.append(s_table.c.created_at >= since)
    statement = (
        sa.select(s_table.c.id).where(*where).order_by(s_table.c.created_at, in_code_point_order(session, s_table.c.id))
    )
    result = session.execute(statement, execution_options={"yield_per": BATCH})
    for part in result.partitions():
        yield [row[0] for row in part]


def batch_tables(session: Session, ids: list[str], *, whole: bool, selected: set[str] | None) -> dict[str, list[Row]]:
    """The export's tables for the sessions ``ids`` (see the module). ``whole``: the
    export has no filter (every review counts); else ``selected`` holds the ids of
    every selected session (a review counts when its session is one of them)."""
    data = collect(session, exported_at=dt.datetime.now(dt.UTC), session_ids=ids)
    action_ids = {row["id"] for row in data.tables["actions"]}
    reviews = [
        row
        for row in fetch_in(session, "action_reviews", "action_id", action_ids)
        if whole or row["session_id"] is None or (selected is not None and row["session_id"] in selected)
    ]
    data.tables["action_reviews"] = by_stamp(reviews)
    return data.tables
