"""Readable exports: a Markdown report for network meetings and CSV for spreadsheets.

Both are rendered from the same rows as the JSON export (after redaction, when
asked), so what one format hides the others hide too. Pure Python: no database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from coachtui.catalog import Catalog, load_catalog
from coachtui.store.exchange.markdown import (
    category_name,
    format_date,
    progress_lines,
    session_markdown,
    test_of_change,
)
from coachtui.store.types import (
    OPEN_STATUSES,
    STATUS_LABELS,
    ActionInfo,
    PickedQuestionInfo,
    ReviewedAction,
    ReviewInfo,
    SessionDetail,
    SessionFilter,
)
from coachtui.text import md_escape

Row = dict[str, Any]

# --- shared shaping -----------------------------------------------------------------


def _review_info(row: Row) -> ReviewInfo:
    return ReviewInfo(
        id=row["id"],
        action_id=row["action_id"],
        session_id=row["session_id"],
        status=row["status"],
        note=row["note"],
        coach=row["coach"],
        created_at=row["created_at"],
        learning=row["learning"],
    )


def _reasons(value: str) -> tuple[str, ...]:
    if not value or value == "[]":  # (most sessions: no reasons)
        return ()
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return ()
    return tuple(str(item) for item in items) if isinstance(items, list) else ()


def newest_reviews(reviews: Iterable[Row]) -> dict[str, Row]:
    """Each action's latest review (the one its status comes from)."""
    latest: dict[str, Row] = {}
    for row in reviews:
        current = latest.get(row["action_id"])
        key = (row["updated_at"], row["created_at"], row["id"])
        if current is None or key > (current["updated_at"], current["created_at"], current["id"]):
            latest[row["action_id"]] = row
    return latest


class Index:
    """The export's rows grouped the ways the reports need them."""

    def __init__(self, tables: dict[str, list[Row]], extra_actions: list[Row], extra_reviews: list[Row]) -> None:
        self.teams = {row["id"]: row for row in tables["teams"]}
        self.sessions = tables["sessions"]
        self.questions: dict[str, list[Row]] = {}
        for row in tables["picked_questions"]:
            self.questions.setdefault(row["session_id"], []).append(row)
        self.actions_by_session: dict[str, list[Row]] = {}
        for row in tables["actions"]:
            self.actions_by_session.setdefault(row["session_id"], []).append(row)
        self.actions = {row["id"]: row for row in [*extra_actions, *tables["actions"]]}
        reviews = [*tables["action_reviews"], *extra_reviews]
        self.reviews_in_session: dict[str, list[Row]] = {}
        for row in reviews:
            if row["session_id"] is not None and row["action_id"] in self.actions:
                self.reviews_in_session.setdefault(row["session_id"], []).append(row)
        self.latest_review = newest_reviews(reviews)
        self.session_titles = {row["id"]: row for row in self.sessions}

    def team_name(self, team_id: str) -> str:
        team = self.teams.get(team_id)
        return team["name"] if team else ""

    def detail(self, row: Row) -> SessionDetail:
        team_name = self.team_name(row["team_id"])
        questions = sorted(self.questions.get(row["id"], []), key=lambda q: (q["position"], q["id"]))
        actions = self.actions_by_session.get(row["id"], [])
        reviews = sorted(
            self.reviews_in_session.get(row["id"], []),
            key=lambda r: (self.actions[r["action_id"]]["created_at"], self.actions[r["action_id"]]["position"]),
        )
        return SessionDetail(
            id=row["id"],
            team_id=row["team_id"],
            team_name=team_name,
            coach=row["coach"],
            title=row["title"],
            dilemma=row["dilemma"],
            context=row["context"],
            status=row["status"],
            primary_category=row["primary_category"],
            secondary_category=row["secondary_category"],
            category_unsure=row["category_unsure"],
            suggested_category=row["suggested_category"],
            suggestion_reasons=_reasons(row["suggestion_reasons"]),
            step=row["step"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            completed_at=row["completed_at"],
            version=row["version"],
            insight=row.get("insight", ""),
            # an action learning set's meeting (migration 0011): who presented, in turn
            presenter=row.get("presenter", ""),
            turn=row.get("turn", 1),
            meeting_id=row.get("meeting_id"),
            questions=tuple(
                PickedQuestionInfo(
                    question_id=q["question_id"],
                    text=q["text"],
                    source=q["source"],
                    note=q["note"],
                    position=q["position"],
                )
                for q in questions
            ),
            actions=tuple(ActionInfo.from_row(a, team_name) for a in actions),
            reviews=tuple(
                ReviewedAction(action=ActionInfo.from_row(self.actions[r["action_id"]], team_name), review=_review_info(r))
                for r in reviews
            ),
        )


# --- Markdown -------------------------------------------------------------------------


class ThemeCounts:
    """How many sessions have each category, first or second, counted one at a time."""

    def __init__(self) -> None:
        self.primary: Counter[str] = Counter()
        self.secondary: Counter[str] = Counter()
        self.unsure = 0
        self.unchosen = 0

    def add(self, row: Row) -> None:
        if row["primary_category"]:
            self.primary[row["primary_category"]] += 1
        elif row["category_unsure"]:
            self.unsure += 1
        else:
            self.unchosen += 1
        if row["secondary_category"]:
            self.secondary[row["secondary_category"]] += 1

    def table(self, catalog: Catalog) -> list[str]:
        primary, secondary = self.primary, self.secondary
        lines = ["| Category | Primary | Secondary |", "|---|---:|---:|"]
        known = [c.id for c in catalog.categories]
        others = sorted((set(primary) | set(secondary)) - set(known))
        for category_id in [*known, *others]:
            name = md_escape(category_name(category_id, catalog), table=True)
            lines.append(f"| {name} | {primary[category_id]} | {secondary[category_id]} |")
        if self.unsure:
            lines.append(f"| Not sure yet | {self.unsure} | |")
        if self.unchosen:
            lines.append(f"| Not chosen | {self.unchosen} | |")
        return lines


def _open_action_line(row: Row, today: dt.date) -> str:
    parts = [md_escape(row["text"])]
    status: str = row["status"]
    extra = [STATUS_LABELS.get(status, status)]
    if row["owner"]:
        extra.append(f"owner: {md_escape(row['owner'])}")
    if row["due_date"]:
        due = f"due {row['due_date'].isoformat()}"
        extra.append(f"**{due}, overdue**" if row["due_date"] < today else due)
    extra.append(f"agreed {format_date(row['created_at'])[:10]}")
    parts.append(" — " + ", ".join(extra))
    return "- " + "".join(parts)


def render_markdown(data: Any, catalog: Catalog | None = None) -> str:
    """The report: an overview of themes, then per team its themes, open actions and
    sessions (oldest first), every typed word escaped so it renders literally."""
    catalog = catalog or load_catalog()
    tables = data.tables
    index = Index(tables, data.extra_actions, data.extra_reviews)
    today = data.exported_at.astimezone().date()
    sessions_by_team: dict[str, list[Row]] = {}
    for row in tables["sessions"]:
        sessions_by_team.setdefault(row["team_id"], []).append(row)
    shown_teams = sorted(
        (t for t in tables["teams"] if t["id"] in sessions_by_team or t["id"] == data.team_id),
        key=lambda t: (t["name"].casefold(), t["id"]),
    )
    themes = ThemeCounts()
    for row in tables["sessions"]:
        themes.add(row)
    out = report_head(
        data, index, catalog, len(shown_teams), meeting_count(tables["sessions"]), len(tables["actions"]), themes
    )
    if not shown_teams:
        return "\n".join(out)
    for team in shown_teams:
        out += _team_section(team, sessions_by_team.get(team["id"], []), index, catalog, today)
    return "\n".join(out).rstrip("\n") + "\n"


# Under a redacted report's heading (exchange/files.py knows a redacted report by it).
REDACTED_NOTE = (
    "_Redacted: people's names are replaced by pseudonyms (Coach A, Person 1, …), "
    "the same person keeping the same pseudonym throughout this report._"
)


def report_head(
    data: Any, index: Index, catalog: Catalog, teams: int, sessions: int, actions: int, themes: ThemeCounts
) -> list[str]:
    """The report up to the first team's section: what it holds, the selection, and
    with more than one team the themes across them all (``themes``)."""
    out = [
        "# Coaching report",
        "",
        f"Exported {format_date(data.exported_at)} · {_plural(teams, 'team')} · "
        f"{_plural(sessions, 'session')} · {_plural(actions, 'agreed action')}",
        "",
    ]
    selection = _selection(data, index, catalog)
    if selection:
        out += ["Selection: " + " · ".join(selection), ""]
    if data.redacted:
        out += [REDACTED_NOTE, ""]
    if not teams:
        out += ["_No sessions match this selection._" if selection else "_No sessions yet._", ""]
    elif teams > 1:
        out += ["## Themes across all teams", "", *themes.table(catalog), ""]
    return out


def _selection(data: Any, index: Index, catalog: Catalog) -> list[str]:
    """The filter the report was made with, in words ("team Ward 4 · since ..."). A
    redacted report says a coach or words were chosen without saying which: either
    may be a name."""
    which: SessionFilter = data.which or SessionFilter(
        team_id=data.team_id, since=data.since, session_ids=data.session_ids
    )
    out = []
    if which.team_id is not None:
        out.append(f"team {md_escape(index.team_name(which.team_id))}")
    if which.coach:
        out.append("one coach" if data.redacted else f"coach {md_escape(which.coach)}")
    if which.category == "unsure":
        out.append("category not sure yet")
    elif which.category:
        out.append(f"category {md_escape(category_name(which.category, catalog))}")
    if which.status:
        out.append({"completed": "completed sessions", "draft": "drafts"}.get(which.status, which.status))
    if which.since is not None and which.until is not None:
        out.append(f"from {format_date(which.since)} to {format_date(which.until)}")
    elif which.since is not None:
        out.append(f"sessions since {format_date(which.since)}")
    elif which.until is not None:
        out.append(f"sessions until {format_date(which.until)}")
    if which.text.strip():
        out.append(
            "matching words (hidden in a redacted report)" if data.redacted else f"matching “{md_escape(which.text.strip())}”"
        )
    if which.session_ids is not None:
        out.append(_plural(len(which.session_ids), "chosen session"))
    return out


def _team_section(team: Row, sessions: list[Row], index: Index, catalog: Catalog, today: dt.date) -> list[str]:
    themes = ThemeCounts()
    for row in sessions:
        themes.add(row)
    dates = (sessions[0]["created_at"], sessions[-1]["created_at"]) if sessions else None
    tests = [(a, index.latest_review.get(a["id"])) for a in index.actions.values() if a["prediction"].strip()]
    out = team_head(team, meeting_count(sessions), dates, themes, list(index.actions.values()), catalog, today, tests)
    for row in sessions:
        out += session_lines(index, row, catalog)
    return out


def team_head(
    team: Row,
    sessions: int,
    dates: tuple[dt.datetime, dt.datetime] | None,
    themes: ThemeCounts,
    actions: Iterable[Row],
    catalog: Catalog,
    today: dt.date,
    tests: Iterable[tuple[Row, Row | None]] = (),
) -> list[str]:
    """A team's section up to its sessions: its facts, themes and open actions (of
    ``actions``, those of this team still open), its tests of change (``tests``: each
    action with a prediction and its newest review), then the sessions' heading."""
    out = [f"## {md_escape(team['name'])}", ""]
    facts = [_plural(sessions, "session")]
    if dates is not None:
        first, last = format_date(dates[0])[:10], format_date(dates[1])[:10]
        facts.append(first if first == last else f"{first} to {last}")
    if team["archived"]:
        facts.append("archived")
    out += [" · ".join(facts), ""]
    if sessions:
        out += ["### Themes", "", *themes.table(catalog), ""]
    open_actions = sorted(
        (a for a in actions if a["team_id"] == team["id"] and a["status"] in OPEN_STATUSES),
        key=lambda a: (a["due_date"] is None, a["due_date"] or dt.date.min, a["created_at"], a["id"]),
    )
    out += ["### Open actions", ""]
    if open_actions:
        out += [_open_action_line(a, today) for a in open_actions]
    else:
        out.append("_None open._")
    out.append("")
    ours = [(a, review) for a, review in tests if a["team_id"] == team["id"] and a["prediction"].strip()]
    if ours:
        # newest first: the one whose latest review (or agreement) is the most recent
        def moved(pair: tuple[Row, Row | None]) -> tuple[dt.datetime, str]:
            row, review = pair
            return (review["updated_at"] if review else row["created_at"], row["id"])

        out += ["### Tests of change", ""]
        for row, review in sorted(ours, key=moved, reverse=True):
            action = ActionInfo.from_row(row, team["name"])
            out.append(test_of_change(action, _review_info(review) if review else None, md_escape))
        out.append("")
    if sessions:
        out += ["### Sessions", ""]
    return out


def meeting_count(sessions: Iterable[Row]) -> int:
    """How many sessions the report says these rows are: a set's meeting counts once,
    however many presenters it had."""
    return len({row.get("meeting_id") or row["id"] for row in sessions})


def session_lines(index: Index, row: Row, catalog: Catalog) -> list[str]:
    """A session's part of the report; a set's meeting opens with a heading of its own
    naming its presenters, each presenter's part under it."""
    out: list[str] = []
    level = 4
    detail = index.detail(row)
    opens = False  # the meeting's first part: its progress on the members' actions goes first
    if row.get("meeting_id") or row.get("presenter"):
        level = 5
        if not row.get("meeting_id"):
            later = [other for other in index.sessions if other.get("meeting_id") == row["id"]]
            parts = [row, *sorted(later, key=lambda r: (r.get("turn", 1), r["created_at"], r["id"]))]
            names = ", ".join(md_escape(part.get("presenter", "")) or "?" for part in parts)
            when = format_date(row["created_at"])[:10]
            out += [f"#### Meeting, {when}: {_plural(len(parts), 'presenter')}", "", f"**Presenters:** {names}", ""]
            out += progress_lines(detail, md_escape, "#####")
            opens = True
    text = session_markdown(detail, catalog, heading_level=level, with_progress=not opens)
    return [*out, text.rstrip("\n"), ""]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- CSV ------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (the full-width
# forms too, in some). Such a cell gets a leading apostrophe: shown, never run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

SESSION_COLUMNS = (
    "session_id",
    "team",
    "status",
    "created_utc",
    "completed_utc",
    "coach",
    "title",
    "dilemma",
    "context",
    "primary_category",
    "secondary_category",
    "category_not_sure",
    "suggested_category",
    "questions",
    "agreed_actions",
    "learned_today",
    # an action learning set's meeting: who presented, their turn, the meeting's first session
    "presenter",
    "turn",
    "meeting_id",
)
ACTION_COLUMNS = (
    "action_id",
    "session_id",
    "team",
    "session_title",
    "session_created_utc",
    "text",
    "owner",
    "due_date",
    "status",
    "last_review_note",
    "last_reviewed_utc",
    "created_utc",
    "updated_utc",
    # a test of change: what was expected, and what its latest review learned
    "prediction",
    "last_review_learning",
)


def neutralise(value: Any) -> Any:
    """A cell value a spreadsheet shows as text and never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_stamp(value: str | dt.datetime | None) -> str:
    """A timestamp as the CSV writes it (``2026-11-02 09:00:00``, UTC): SQLite's
    stored text cut short, anything else parsed and formatted."""
    if not value:
        return ""
    if isinstance(value, str):
        if len(value) in (19, 26) and value[10] == " " and (len(value) == 19 or value[19] == "."):
            return value[:19]
        value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _table_text(header: tuple[str, ...] | None, rows: Iterable[list[Any]]) -> str:
    """CSV text of ``rows`` (cells a spreadsheet would run neutralised), under
    ``header`` when one is given."""
    return "".join(csv_pieces(header, rows, rows_per_piece=None))


def csv_pieces(header: tuple[str, ...] | None, rows: Iterable[list[Any]], *, rows_per_piece: int | None = 500) -> Iterator[str]:
    """:func:`_table_text` in pieces of ``rows_per_piece`` rows (None: one piece)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    starts = FORMULA_STARTS
    count = 0
    for row in rows:
        # neutralise(), inlined: it runs for every cell of every row
        writer.writerow(["'" + cell if isinstance(cell, str) and cell.startswith(starts) else cell for cell in row])
        count += 1
        if rows_per_piece is not None and count >= rows_per_piece:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            count = 0
    if text := buffer.getvalue():
        yield text


def render_csv(data: Any, catalog: Catalog | None = None) -> dict[str, str]:
    """``{"sessions.csv": text, "actions.csv": text}``: one row per session and per
    agreed action, RFC 4180 quoting, CRLF line ends (text, no byte order mark)."""
    catalog = catalog or load_catalog()
    index = Index(data.tables, [], [])
    return {
        "sessions.csv": _table_text(SESSION_COLUMNS, session_rows(data.tables, index, catalog)),
        "actions.csv": _table_text(ACTION_COLUMNS, action_rows(data.tables, index)),
    }


def csv_part(name: str, tables: dict[str, list[Row]], catalog: Catalog, *, header: bool) -> str:
    """The rows of one CSV table (``sessions.csv`` or ``actions.csv``) for a part of
    an export read a batch of sessions at a time (see exchange/stream.py), with the
    header row when ``header``: the parts one after the other are what
    :func:`render_csv` gives for the whole."""
    index = Index(tables, [], [])
    if name == "sessions.csv":
        return _table_text(SESSION_COLUMNS if header else None, session_rows(tables, index, catalog))
    return _table_text(ACTION_COLUMNS if header else None, action_rows(tables, index))


def session_rows(tables: dict[str, list[Row]], index: Index, catalog: Catalog) -> Iterator[list[Any]]:
    for row in tables["sessions"]:
        questions = sorted(index.questions.get(row["id"], []), key=lambda q: (q["position"], q["id"]))
        yield session_row(
            row,
            index.team_name(row["team_id"]),
            [(q["text"], q["note"]) for q in questions],
            len(index.actions_by_session.get(row["id"], [])),
            catalog,
        )


def session_row(
    row: Mapping[Any, Any], team: str, questions: Iterable[tuple[str, str]], actions: int, catalog: Catalog
) -> list[Any]:
    """The one writer of a ``sessions.csv`` row, for the export made in memory and the
    one streamed (exchange/stream.py): the session's columns (``row``, by their
    names; stamps as datetimes or as SQLite stores them), its team's name, its
    questions (text, note) in order and its count of agreed actions."""
    listed = [f"{number}. {text}" + (f" (note: {note})" if note else "") for number, (text, note) in
              enumerate(questions, 1)]
    turn = row.get("turn")
    return [
        row["id"],
        team,
        row["status"],
        csv_stamp(row["created_at"]),
        csv_stamp(row["completed_at"]),
        row["coach"],
        row["title"],
        row["dilemma"],
        row["context"],
        category_name(row["primary_category"], catalog),
        category_name(row["secondary_category"], catalog),
        "yes" if row["category_unsure"] else "",
        category_name(row["suggested_category"], catalog),
        "\n".join(listed),
        actions,
        row.get("insight") or "",
        row.get("presenter") or "",
        1 if turn is None else turn,
        row.get("meeting_id") or "",
    ]


def action_rows(tables: dict[str, list[Row]], index: Index) -> Iterator[list[Any]]:
    for row in tables["actions"]:
        session = index.session_titles.get(row["session_id"], {})
        review = index.latest_review.get(row["id"])
        yield [
            row["id"],
            row["session_id"],
            index.team_name(row["team_id"]),
            session.get("title", ""),
            csv_stamp(session.get("created_at")),
            row["text"],
            row["owner"],
            row["due_date"].isoformat() if row["due_date"] else "",
            STATUS_LABELS.get(row["status"], row["status"]),
            review["note"] if review else "",
            csv_stamp(review["updated_at"]) if review else "",
            csv_stamp(row["created_at"]),
            csv_stamp(row["updated_at"]),
            row["prediction"],
            review["learning"] if review else "",
        ]
