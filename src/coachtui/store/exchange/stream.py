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

from coachtui.store.exchange.export import by_stamp, collect, in_code_point_order, sessions_where
from coachtui.store.exchange.report import csv_stamp
from coachtui.store.exchange.rows import CHUNK, fetch_in, table_of

# Sessions per batch: a few MB of rows at most, with their questions and actions.
BATCH = 200
# Sessions per batch of a report: each is also rendered (details, then Markdown).
REPORT_BATCH = 50

Row = dict[str, Any]


def session_batches(
    session: Session,
    *,
    team_id: str | None = None,
    since: dt.datetime | None = None,
    session_ids: Sequence[str] | None = None,
    batch: int = BATCH,
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
        for start in range(0, len(ids), batch):
            yield ids[start : start + batch]
        return
    where = sessions_where(team_id, since)
    statement = (
        sa.select(s_table.c.id).where(*where).order_by(s_table.c.created_at, in_code_point_order(session, s_table.c.id))
    )
    result = session.execute(statement, execution_options={"yield_per": batch})
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


def markdown_lines(
    session: Session,
    *,
    which: Any,
    team_id: str | None,
    since: dt.datetime | None,
    session_ids: Sequence[str] | None,
    exported_at: dt.datetime,
    catalog: Any,
    counted: dict[str, int] | None = None,
    redactor: Any = None,
) -> Iterator[str]:
    """The lines of the report :func:`~coachtui.store.exchange.report.render_markdown`
    makes of the same selection, read and rendered as they are written.

    A first pass over the selected sessions (a few columns: :func:`_light_rows`)
    counts what the report's head and each team's head say (sessions, dates,
    themes, agreed actions); then each team, by name: its open actions, and its
    sessions a batch at a time with their questions, actions and reviews.

    With a ``redactor`` (exchange/redacted.py: its pseudonyms numbered already),
    every row is redacted as it is read: the redacted report."""
    from coachtui.store.exchange.export import ExportData
    from coachtui.store.exchange.report import (
        Index,
        ThemeCounts,
        report_head,
    )

    filtered = not (session_ids is None and team_id is None and since is None)
    themes = ThemeCounts()
    per_team: dict[str, tuple[ThemeCounts, list[Any]]] = {}  # themes, [count, first, last, ids or None]
    sessions = 0
    tally = [0]  # agreed actions
    # A set's meeting counts once: a later presenter counts only when its meeting's
    # first session is not in the selection (looked up at the end: few meetings).
    later: dict[str, str] = {}  # meeting's first session id -> team id
    for rows in _light_rows(session, team_id=team_id, since=since, session_ids=session_ids, actions=tally):
        for row in rows:
            themes.add(row)
            team_themes, facts = per_team.setdefault(row["team_id"], (ThemeCounts(), [0, None, None, []]))
            team_themes.add(row)
            if row["meeting_id"]:
                later[row["meeting_id"]] = row["team_id"]
            else:
                sessions += 1
                facts[0] += 1
            facts[1] = facts[1] or row["created_at"]
            facts[2] = row["created_at"]
            if filtered:
                facts[3].append(row["id"])
    if later:
        wanted = set(session_ids) if session_ids is not None else None
        candidates = [ident for ident in later if wanted is None or ident in wanted]
        chosen = {i for ids in session_batches(session, team_id=team_id, since=since, session_ids=candidates) for i in ids}
        for ident, its_team in later.items():
            if ident not in chosen:  # a meeting selected by its later presenters only
                sessions += 1
                per_team[its_team][1][0] += 1
    shown = set(per_team) | ({team_id} if team_id is not None else set())
    teams = fetch_in(session, "teams", "id", shown)
    if redactor is not None:
        redactor.whole("teams", teams)
    teams.sort(key=lambda t: (t["name"].casefold(), t["id"]))
    data = ExportData(tables={}, exported_at=exported_at, team_id=team_id, since=since,
                      session_ids=tuple(session_ids) if session_ids is not None else None, which=which,
                      redacted=redactor is not None)
    head_index = Index({"teams": teams, "sessions": [], "picked_questions": [], "actions": [],
                        "action_reviews": []}, [], [])
    actions = tally[0]
    lines = report_head(data, head_index, catalog, len(teams), sessions, actions, themes)
    if counted is not None:  # what the export holds, for its summary line
        every = not filtered  # the whole history holds every team, coached or not
        counted.update(teams=all_teams(session) if every else len(teams), sessions=sessions, actions=actions)
    if not teams:
        yield "\n".join(lines)
        return
    yield from _joined(_team_parts(session, teams, per_team, filtered, lines, exported_at, catalog, redactor))


# The columns of a session the report's heads count (themes, dates, meetings).
LIGHT = ("id", "team_id", "created_at", "primary_category", "secondary_category", "category_unsure", "meeting_id")


def _light_rows(
    session: Session,
    *,
    team_id: str | None,
    since: dt.datetime | None,
    session_ids: Sequence[str] | None,
    actions: list[int],
) -> Iterator[list[Row]]:
    """The :data:`LIGHT` columns of the selected sessions in the export's order, a
    batch at a time; ``actions[0]`` gets how many actions were agreed in them. By
    team and date (or everything): one ordered read and one count; chosen sessions
    a batch of ids at a time."""
    s_table, a_table = table_of("sessions"), table_of("actions")
    light = [s_table.c[name] for name in LIGHT]
    if session_ids is None:
        where = sessions_where(team_id, since)
        actions[0] += session.execute(
            sa.select(sa.func.count()).select_from(a_table.join(s_table, s_table.c.id == a_table.c.session_id))
            .where(*where)
        ).scalar_one()
        result = session.execute(sa.select(*light).where(*where).order_by(*_session_order(session)),
                                 execution_options={"yield_per": BATCH})
        for part in result.partitions():
            yield [dict(zip(LIGHT, row, strict=True)) for row in part]
        return
    for ids in session_batches(session, team_id=team_id, since=since, session_ids=session_ids):
        yield by_stamp([dict(zip(LIGHT, row, strict=True))
                        for row in session.execute(sa.select(*light).where(s_table.c.id.in_(ids))).all()])
        actions[0] += session.execute(
            sa.select(sa.func.count()).select_from(a_table).where(a_table.c.session_id.in_(ids))
        ).scalar_one()


def _team_parts(
    session: Session,
    teams: list[Row],
    per_team: dict[str, tuple[Any, list[Any]]],
    filtered: bool,
    head: list[str],
    exported_at: dt.datetime,
    catalog: Any,
    redactor: Any = None,
) -> Iterator[list[str]]:
    """The report's lines in groups: its head, then each team's head and its
    sessions a batch at a time.

    Teams are read in groups of a few hundred sessions (:func:`_team_groups`): the
    open actions and tests of change of a whole group are one query each, and a
    batch of sessions to render may span several small teams. A team larger than
    a group is read on its own, a batch at a time."""
    from coachtui.store.exchange.report import ThemeCounts, team_head

    today = exported_at.astimezone().date()
    yield head
    for group in _team_groups(teams, per_team):
        still_open, tests = _group_actions(session, group, per_team, filtered, redactor)
        rendered = _Peek(_rendered_sessions(session, _group_batches(session, group, per_team, filtered), catalog,
                                            group, redactor))
        for team in group:
            team_themes, (count, first, last, _) = per_team.get(team["id"], (ThemeCounts(), [0, None, None, []]))
            yield team_head(team, count, (first, last) if count else None, team_themes,
                            still_open.get(team["id"], []), catalog, today, tests.get(team["id"], []))
            lines: list[str] = []
            shown = 0
            while rendered.next_is(team["id"]):
                lines += rendered.take()
                shown += 1
                if shown % REPORT_BATCH == 0:
                    yield lines
                    lines = []
            if lines:
                yield lines


# Sessions a group of small teams reads at once (their ids are held in memory).
GROUP = 500


def _team_groups(teams: list[Row], per_team: dict[str, tuple[Any, list[Any]]]) -> Iterator[list[Row]]:
    """The teams, in order, in runs of at most :data:`GROUP` sessions (a larger team
    alone)."""
    group: list[Row] = []
    size = 0
    for team in teams:
        count = per_team[team["id"]][1][0] if team["id"] in per_team else 0
        if group and size + count > GROUP:
            yield group
            group, size = [], 0
        group.append(team)
        size += count
    if group:
        yield group


def _group_actions(
    session: Session,
    group: list[Row],
    per_team: dict[str, tuple[Any, list[Any]]],
    filtered: bool,
    redactor: Any = None,
) -> tuple[dict[str, list[Row]], dict[str, list[tuple[Row, Row | None]]]]:
    """Each team's open actions, and its tests of change with their newest review."""
    from coachtui.store.exchange.report import newest_reviews
    from coachtui.store.types import OPEN_STATUSES

    a_table = table_of("actions")
    team_ids = [team["id"] for team in group]
    still_open: dict[str, list[Row]] = {}
    for row in fetch_in(session, "actions", "team_id", team_ids, a_table.c.status.in_(OPEN_STATUSES)):
        still_open.setdefault(row["team_id"], []).append(row)
    tested_by: dict[str, list[Row]] = {}
    team_of: dict[str, str] = {}
    for row in fetch_in(session, "actions", "team_id", team_ids, a_table.c.prediction != ""):
        tested_by.setdefault(row["team_id"], []).append(row)
        team_of[row["id"]] = row["team_id"]
    reviews_by: dict[str, list[Row]] = {}
    reviewed = fetch_in(session, "action_reviews", "action_id", team_of)
    if redactor is not None:
        for rows in (*still_open.values(), *tested_by.values()):
            redactor.whole("actions", rows)
        redactor.whole("action_reviews", reviewed)
    for row in reviewed:
        reviews_by.setdefault(team_of[row["action_id"]], []).append(row)
    tests: dict[str, list[tuple[Row, Row | None]]] = {}
    for team_id, tested in tested_by.items():
        reviews = reviews_by.get(team_id, [])
        if filtered:
            tested, reviews = _selected_tests(tested, reviews, set(per_team[team_id][1][3]) if team_id in per_team else set())
        newest = newest_reviews(reviews)
        tests[team_id] = [(a, newest.get(a["id"])) for a in tested]
    return still_open, tests


def _group_batches(
    session: Session, group: list[Row], per_team: dict[str, tuple[Any, list[Any]]], filtered: bool
) -> Iterator[list[str]]:
    """The ids of a group's sessions to show, team after team (each oldest first), in
    batches of :data:`REPORT_BATCH`."""
    if not filtered and len(group) == 1:
        yield from session_batches(session, team_id=group[0]["id"], batch=REPORT_BATCH)
        return
    if filtered:
        ids = [ident for team in group if team["id"] in per_team for ident in per_team[team["id"]][1][3]]
    else:
        s_table = table_of("sessions")
        order = {team["id"]: place for place, team in enumerate(group)}
        found = session.execute(
            sa.select(s_table.c.team_id, s_table.c.id)
            .where(s_table.c.team_id.in_(list(order)))
            .order_by(s_table.c.created_at, in_code_point_order(session, s_table.c.id))
        ).all()
        ids = [row[1] for row in sorted(found, key=lambda row: order[row[0]])]  # stable: oldest first in each team
    for start in range(0, len(ids), REPORT_BATCH):
        yield ids[start : start + REPORT_BATCH]


def _rendered_sessions(
    session: Session, batches: Iterator[list[str]], catalog: Any, teams: list[Row], redactor: Any = None
) -> Iterator[tuple[str, list[str]]]:
    """Each session of ``batches`` (of the ``teams``, their rows as the report shows
    them) in their order: its team's id and its lines."""
    from coachtui.store.exchange.report import Index, session_lines

    for ids in batches:
        tables = _report_batch(session, ids)
        if redactor is not None:
            for key in ("sessions", "picked_questions", "actions", "action_reviews"):
                redactor.whole(key, tables[key])
            redactor.whole("actions", tables["extra_actions"])
            redactor.whole("action_reviews", tables["extra_reviews"])
        tables["teams"] = teams
        index = Index(tables, tables.pop("extra_actions"), tables.pop("extra_reviews"))
        rows = {row["id"]: row for row in tables["sessions"]}
        for ident in ids:
            if ident in rows:
                yield rows[ident]["team_id"], session_lines(index, rows[ident], catalog)


class _Peek:
    """An iterator of (team id, lines) that can tell whose the next one is."""

    def __init__(self, items: Iterator[tuple[str, list[str]]]) -> None:
        self._items = items
        self._next: tuple[str, list[str]] | None = next(items, None)

    def next_is(self, team_id: str) -> bool:
        return self._next is not None and self._next[0] == team_id

    def take(self) -> list[str]:
        assert self._next is not None
        lines = self._next[1]
        self._next = next(self._items, None)
        return lines


def _selected_tests(tested: list[Row], reviews: list[Row], chosen: set[str]) -> tuple[list[Row], list[Row]]:
    """Of a team's tests of change and their reviews, what the in-memory report of a
    selection shows (its index holds them): the tests agreed in the ``chosen``
    sessions, still open, or reviewed in them; and the reviews made in those
    sessions, or made outside any session of a test agreed in them."""
    from coachtui.store.types import OPEN_STATUSES

    agreed_in = {a["id"] for a in tested if a["session_id"] in chosen}
    kept = [
        r for r in reviews
        if r["session_id"] in chosen or (r["session_id"] is None and r["action_id"] in agreed_in)
    ]
    reviewed = {r["action_id"] for r in kept if r["session_id"] in chosen}
    shown = [a for a in tested if a["id"] in agreed_in or a["id"] in reviewed or a["status"] in OPEN_STATUSES]
    return shown, kept


def _joined(groups: Iterator[list[str]]) -> Iterator[str]:
    """``"\n".join(every line).rstrip("\n") + "\n"``, written a group at a time:
    newlines at the end of what is written so far are held until text follows."""
    first, held = True, ""
    for group in groups:
        chunk = ("" if first else "\n") + "\n".join(group)
        first = False
        body = chunk.rstrip("\n")
        if body:
            yield held + body
            held = chunk[len(body) :]
        else:
            held += chunk
    yield "\n"


def _report_batch(session: Session, ids: list[str]) -> dict[str, list[Row]]:
    """The tables a report shows for the sessions ``ids`` (as :func:`collect` reads
    them for those sessions, but teams and custom questions, which a session's part
    does not show), with every review made in them and the actions those reviews
    are of (``extra_reviews``, ``extra_actions``: reviews of actions agreed in other
    sessions).

    ``sessions`` also holds the other parts of a set's meeting that opens among
    them, for its heading. A session's part shows only the reviews made in it (its review of earlier
    actions): the reviews of its actions made later, or outside any session, are
    in a later part or in its team's tests of change, and are not read here."""
    sessions = by_stamp(fetch_in(session, "sessions", "id", ids))
    order = {row["id"]: place for place, row in enumerate(sessions)}
    picked = fetch_in(session, "picked_questions", "session_id", order)
    actions = fetch_in(session, "actions", "session_id", order)
    action_ids = {row["id"] for row in actions}
    made_here = fetch_in(session, "action_reviews", "session_id", order)
    reviews = [row for row in made_here if row["action_id"] in action_ids]
    extra_reviews = [row for row in made_here if row["action_id"] not in action_ids]
    extra_actions = fetch_in(session, "actions", "id", {row["action_id"] for row in extra_reviews})
    # A set's meeting opened in this batch names every presenter in its heading: the
    # parts of it that fall in the next batch are read too (shown there, not here).
    opened = [row["id"] for row in sessions if row.get("presenter") and not row.get("meeting_id")]
    parts = [row for row in fetch_in(session, "sessions", "meeting_id", opened) if row["id"] not in order]
    return {
        "sessions": sessions + parts,
        "picked_questions": sorted(picked, key=lambda r: (order[r["session_id"]], r["position"], r["id"])),
        "actions": sorted(actions, key=lambda r: (order[r["session_id"]], r["position"], r["created_at"], r["id"])),
        "action_reviews": by_stamp(reviews),
        "extra_actions": by_stamp(extra_actions),
        "extra_reviews": by_stamp(extra_reviews),
    }


def all_teams(session: Session) -> int:
    """How many teams an export of the whole history holds: every one."""
    return int(session.execute(sa.select(sa.func.count()).select_from(table_of("teams"))).scalar_one())


# --- CSV in one ordered read per table ---------------------------------------------------
#
# An export selected by team and date alone (or the whole history) is written from one
# query per CSV table, in the export's order, a few hundred rows at a time: each row
# already holds what its line needs (the session's questions come from a second query
# in the same order, merged as it goes; an action's latest review from a window over
# the reviews). Timestamps are read as stored and cut to the CSV's form, not made into
# datetimes and formatted again. The bytes are those of the CSV made in memory.


def _raw(column: Any) -> Any:
    """A timestamp or date column's value as the database gives it (text on SQLite)."""
    return sa.type_coerce(column, sa.String)


def _session_order(session: Session) -> list[Any]:
    s_table = table_of("sessions")
    return [s_table.c.created_at, in_code_point_order(session, s_table.c.id)]


def csv_session_rows(
    session: Session, catalog: Any, *, team_id: str | None = None, since: dt.datetime | None = None
) -> Iterator[list[Any]]:
    """The rows of ``sessions.csv`` (written by report.session_row) for the sessions
    of ``team_id`` created since ``since`` (None: any), in the export's order."""
    from coachtui.store.exchange.report import session_row

    s_table, a_table, p_table = table_of("sessions"), table_of("actions"), table_of("picked_questions")
    where = sessions_where(team_id, since)
    agreed = sa.select(sa.func.count()).select_from(a_table).where(a_table.c.session_id == s_table.c.id)
    sessions = session.execute(
        sa.select(
            s_table.c.id, s_table.c.team_id, s_table.c.status, _raw(s_table.c.created_at).label("created_at"),
            _raw(s_table.c.completed_at).label("completed_at"), s_table.c.coach, s_table.c.title,
            s_table.c.dilemma, s_table.c.context, s_table.c.primary_category, s_table.c.secondary_category,
            s_table.c.category_unsure, s_table.c.suggested_category, agreed.scalar_subquery().label("actions"),
            s_table.c.insight, s_table.c.presenter, s_table.c.turn, s_table.c.meeting_id,
        ).where(*where).order_by(*_session_order(session)),
        execution_options={"yield_per": CSV_BATCH},
    )
    questions = iter(session.execute(
        sa.select(p_table.c.session_id, p_table.c.text, p_table.c.note)
        .join(s_table, s_table.c.id == p_table.c.session_id)
        .where(*where)
        .order_by(*_session_order(session), p_table.c.position, in_code_point_order(session, p_table.c.id)),
        execution_options={"yield_per": CSV_BATCH},
    ))
    names = team_names(session)
    question = next(questions, None)
    for row in sessions:
        values = row._mapping
        ident = values["id"]
        asked: list[tuple[str, str]] = []
        while question is not None and question[0] == ident:
            asked.append((question[1], question[2]))
            question = next(questions, None)
        yield session_row(values, names.get(values["team_id"], ""), asked, values["actions"], catalog)


def csv_action_rows(
    session: Session, *, team_id: str | None = None, since: dt.datetime | None = None
) -> Iterator[list[Any]]:
    """The rows of ``actions.csv`` (see report.action_rows) for the actions agreed in
    the sessions of ``team_id`` created since ``since``, in the export's order. An
    action's latest review is the newest (updated, created, id) of its reviews that
    the export holds: all of them, or with a filter those made in a selected
    session or outside any."""
    from coachtui.store.types import STATUS_LABELS

    s_table, a_table, r_table = table_of("sessions"), table_of("actions"), table_of("action_reviews")
    where = sessions_where(team_id, since)
    counted = []
    if where:
        counted.append(sa.or_(r_table.c.session_id.is_(None),
                              r_table.c.session_id.in_(sa.select(s_table.c.id).where(*where))))
    newest = sa.func.row_number().over(
        partition_by=r_table.c.action_id,
        order_by=(r_table.c.updated_at.desc(), r_table.c.created_at.desc(),
                  in_code_point_order(session, r_table.c.id).desc()),
    )
    ranked = (
        sa.select(r_table.c.action_id, r_table.c.note, r_table.c.learning, _raw(r_table.c.updated_at).label("reviewed"),
                  newest.label("rank"))
        .where(*counted)
        .subquery()
    )
    rows = session.execute(
        sa.select(
            a_table.c.id, a_table.c.session_id, a_table.c.team_id, s_table.c.title, _raw(s_table.c.created_at),
            a_table.c.text, a_table.c.owner, _raw(a_table.c.due_date), a_table.c.status, ranked.c.note,
            ranked.c.reviewed, _raw(a_table.c.created_at), _raw(a_table.c.updated_at), a_table.c.prediction,
            ranked.c.learning,
        )
        .join(s_table, s_table.c.id == a_table.c.session_id)
        .outerjoin(ranked, sa.and_(ranked.c.action_id == a_table.c.id, ranked.c.rank == 1))
        .where(*where)
        .order_by(*_session_order(session), a_table.c.position, a_table.c.created_at,
                  in_code_point_order(session, a_table.c.id)),
        execution_options={"yield_per": CSV_BATCH},
    )
    names = team_names(session)
    for (ident, session_id, team, title, session_created, text, owner, due, status, note, reviewed, created,
         updated, prediction, learning) in rows:
        seen = reviewed is not None
        yield [
            ident, session_id, names.get(team, ""), title, csv_stamp(session_created), text, owner,
            (due if isinstance(due, str) else due.isoformat()) if due else "", STATUS_LABELS.get(status, status),
            note if seen else "", csv_stamp(reviewed), csv_stamp(created), csv_stamp(updated), prediction,
            learning if seen else "",
        ]


def csv_counts(session: Session, *, team_id: str | None = None, since: dt.datetime | None = None) -> dict[str, int]:
    """What a CSV export of that selection holds: its sessions, their actions, and
    the teams of both (every team for the whole history)."""
    s_table, a_table = table_of("sessions"), table_of("actions")
    where = sessions_where(team_id, since)
    sessions = session.execute(sa.select(sa.func.count()).select_from(s_table).where(*where)).scalar_one()
    actions = session.execute(
        sa.select(sa.func.count()).select_from(a_table.join(s_table, s_table.c.id == a_table.c.session_id)).where(*where)
    ).scalar_one()
    if not where:
        teams = all_teams(session)
    else:
        found = set(session.execute(sa.select(s_table.c.team_id).where(*where).distinct()).scalars())
        found.update(session.execute(
            sa.select(a_table.c.team_id).join(s_table, s_table.c.id == a_table.c.session_id).where(*where).distinct()
        ).scalars())
        if team_id is not None:
            found.add(team_id)
        teams = len(found)
    return {"sessions": int(sessions), "actions": int(actions), "teams": teams}


def team_names(session: Session) -> dict[str, str]:
    """Every team's name by id (a few hundred at most: held while an export runs)."""
    t_table = table_of("teams")
    return {ident: name for ident, name in session.execute(sa.select(t_table.c.id, t_table.c.name))}


# Rows read at a time by the CSV queries.
CSV_BATCH = 500
