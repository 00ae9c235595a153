"""Plain values the service API returns. No SQLModel import here, so the UI can use
these types before the (slow to import) database layer has loaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

# The statuses, the limits and a listed team (basics.__all__) are named here too.
from coachtui.store.basics import *  # noqa: F403
from coachtui.store.basics import OPEN_STATUSES
from coachtui.store.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    id: str
    action_id: str
    session_id: str | None
    status: str
    note: str
    coach: str
    created_at: dt.datetime
    # the reviewed action's version after this review (0: not known here)
    action_version: int = 0
    # what the team learned from it (a test of change); ``note`` is what happened
    learning: str = ""


@dataclass(frozen=True, slots=True)
class ActionInfo:
    id: str
    team_id: str
    session_id: str
    text: str
    owner: str
    due: dt.date | None
    status: str
    position: int
    created_at: dt.datetime
    updated_at: dt.datetime
    team_name: str = ""
    last_note: str = ""
    # pass as expected_version to update_action/remove_action/record_review
    version: int = 1
    coach: str = ""  # who agreed it
    updated_by: str = ""  # who changed it last
    # a test of change: what the team expects it to do ('' for an ordinary action)
    prediction: str = ""

    @classmethod
    def from_row(cls, row: object, team_name: str = "", last_note: str = "") -> ActionInfo:
        """An action as the ``action`` table holds it: an ``Action`` model, a result
        row with its columns, or a dict of them (a row of an export file)."""
        # (a plain dict first: reports build tens of thousands)
        get: Callable[[str], Any] = (
            row.__getitem__ if type(row) is dict or isinstance(row, Mapping) else partial(getattr, row)
        )
        return cls(
            id=get("id"),
            team_id=get("team_id"),
            session_id=get("session_id"),
            text=get("text"),
            owner=get("owner"),
            due=get("due_date"),
            status=get("status"),
            position=get("position"),
            created_at=get("created_at"),
            updated_at=get("updated_at"),
            team_name=team_name,
            last_note=last_note,
            version=get("version"),
            coach=get("coach"),
            updated_by=get("updated_by"),
            prediction=get("prediction"),
        )

    @property
    def is_test(self) -> bool:
        """A test of change: an action agreed with a prediction."""
        return bool(self.prediction.strip())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due is not None and self.due < today


@dataclass(frozen=True, slots=True)
class PickedQuestionInfo:
    question_id: str
    text: str
    source: str
    note: str = ""
    position: int = 0


@dataclass(frozen=True, slots=True)
class CustomQuestionInfo:
    id: str
    text: str
    category: str | None
    coach: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One row of a session list (drafts, history)."""

    id: str
    team_id: str
    team_name: str
    coach: str
    title: str
    status: str
    primary_category: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    # the start of the dilemma on one line (history lists show it for untitled drafts)
    preview: str = ""
    # Found by a search: a piece of its text around the words searched for, and
    # where those words are in it ((start, end) spans, to highlight).
    snippet: str = ""
    highlights: tuple[tuple[int, int], ...] = ()
    # an action learning set's meeting: who presented this part, in which turn
    presenter: str = ""
    turn: int = 1
    # A meeting listed as one row (history, search): every presenter's name in
    # turn order, and the later presenters' session ids; () for an ordinary session.
    presenters: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    # A meeting's row: every presenter's category in turn order, and (found by
    # words or a category) the turns, from 0, of the presenters whose part matched;
    # () when nothing was searched for (or an ordinary session).
    categories: tuple[str | None, ...] = ()
    matched: tuple[int, ...] = ()

    @property
    def meeting_title(self) -> str:
        """A meeting's row names it and its presenters ('' for an ordinary session)."""
        if not self.presenters:
            return ""
        return "Meeting: " + ", ".join(name or "?" for name in self.presenters)

    @property
    def _shown(self) -> tuple[int, ...]:
        return self.matched or tuple(range(len(self.presenters)))

    @property
    def shown_presenters(self) -> tuple[str, ...]:
        """The presenters a meeting's row is about: those whose part matched the
        search, every one when nothing was searched for; () for an ordinary session."""
        return tuple(self.presenters[i] for i in self._shown)

    @property
    def shown_categories(self) -> tuple[str | None, ...]:
        """The categories the row stands for, each once in turn order: those of
        :attr:`shown_presenters` (a session's own for an ordinary session)."""
        if not self.presenters:
            return (self.primary_category,)
        return tuple(dict.fromkeys(self.categories[i] for i in self._shown if i < len(self.categories)))


@dataclass(frozen=True, slots=True)
class ReviewedAction:
    action: ActionInfo
    review: ReviewInfo


@dataclass(frozen=True, slots=True)
class SessionDetail:
    id: str
    team_id: str
    team_name: str
    coach: str
    title: str
    dilemma: str
    context: str
    status: str
    primary_category: str | None
    secondary_category: str | None
    category_unsure: bool
    suggested_category: str | None
    suggestion_reasons: tuple[str, ...]
    step: str
    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    version: int
    questions: tuple[PickedQuestionInfo, ...] = ()
    actions: tuple[ActionInfo, ...] = ()
    reviews: tuple[ReviewedAction, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)
    # the action half-typed in the Actions step, as JSON ('' when none)
    action_draft: str = ""
    review_draft: str = ""
    # "what we learned today", from the summary step ('' when none)
    insight: str = ""
    # an action learning set's meeting: the member presenting (''), their turn, and
    # for a later presenter the id of the meeting's first session (None for it)
    presenter: str = ""
    turn: int = 1
    meeting_id: str | None = None


# --- export and import -------------------------------------------------------------



@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One format an export can be written in. ``FORMATS`` is the one list of them
    that the command line, the app and the store read."""

    key: str  # what --format takes: "md", "csv", "json"
    name: str  # what messages call it
    label: str  # what the export screen offers
    suffix: str  # the file name suffix the app proposes
    suffixes: tuple[str, ...]  # the suffixes that mean this format


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("md", "Markdown", "Markdown report", ".md", (".md", ".markdown", ".txt")),
    ExportFormat("csv", "CSV", "CSV for spreadsheets (zip of sessions and actions)", ".zip", (".csv", ".zip")),
    ExportFormat("json", "JSON", "JSON (for coachtui import)", ".json", (".json",)),
)
EXPORT_FORMATS: tuple[str, ...] = tuple(f.key for f in FORMATS)


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """What an import did to one kind of record."""

    kind: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """The result of merging an export into the database.

    ``merged_teams`` lists teams of the file that had another id but the same name
    (ignoring case) as a local team, and were merged into it: (name in the file,
    local name). ``skipped`` counts records here that a redacted file holds a newer
    edit of: they were left as they are, not replaced by pseudonyms. ``replaced``
    counts records here that came from a redacted export and were replaced by this
    full one (they are also in ``updated``)."""

    counts: tuple[ImportCounts, ...]
    merged_teams: tuple[tuple[str, str], ...] = ()
    redacted: bool = False
    skipped: int = 0
    replaced: int = 0

    def count(self, kind: str) -> ImportCounts:
        for item in self.counts:
            if item.kind == kind:
                return item
        return ImportCounts(kind)

    @property
    def added(self) -> int:
        return sum(item.added for item in self.counts)

    @property
    def updated(self) -> int:
        return sum(item.updated for item in self.counts)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What :meth:`Store.export_file` wrote."""

    path: str
    format: str
    teams: int
    sessions: int
    actions: int
    size: int
    tables: tuple[str, ...] = ()


# --- history, action tracker, themes, demo data ------------------------------------

# The theme bucket for sessions with no primary category (the coach was not sure).
UNSURE = "unsure"

# A date (a whole day where the coach is, or in the filter's ``tz``) or a moment.
DateLike = dt.date | dt.datetime


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which sessions: what history search lists and counts, what an export or a
    report holds. Every field given narrows the choice; the default is every session.

    ``text`` is free text (see :mod:`coachtui.store.db.query`: every word must appear
    in the title, dilemma, context, question notes or actions; the last word matches
    as a prefix while being typed). ``category`` is a category id or ``"unsure"`` (no
    primary category); ``status`` is "draft" or "completed". ``since``/``until`` are
    dates (whole days in ``tz``; None: this computer's zone) or moments, both
    inclusive. ``session_ids`` keeps only those sessions (a list or tuple of ids).
    """

    text: str = ""
    team_id: str | None = None
    coach: str | None = None
    category: str | None = None
    status: str | None = None
    since: DateLike | None = None
    until: DateLike | None = None
    session_ids: tuple[str, ...] | None = None
    tz: dt.tzinfo | None = None

    def __post_init__(self) -> None:
        ids: object = self.session_ids
        if isinstance(ids, str):
            raise InvalidInput("session_ids must be a list of ids, not one string", field="session_ids")
        if ids is not None and not isinstance(ids, tuple):
            object.__setattr__(self, "session_ids", tuple(cast(Iterable[str], ids)))

    @property
    def searches(self) -> bool:
        """Whether it narrows by more than team, start and ids (the filters only
        history search knows: text, coach, category, status, until)."""
        narrowing = (self.coach, self.category, self.status, self.until)
        return bool(self.text) or any(value is not None for value in narrowing)


EVERY_SESSION = SessionFilter()


@dataclass(frozen=True, slots=True)
class ExportSelection:
    """What an export or a report holds and how: the sessions (with their teams,
    actions and reviews), whether names are replaced by pseudonyms (``redact``,
    keeping the teams' names with ``keep_team_names``), and for a file the format
    (``fmt``: a key of :data:`FORMATS`; None: from the file's suffix) and, for CSV to
    a single file, the ``table`` ("sessions", the default, or "actions")."""

    sessions: SessionFilter = EVERY_SESSION
    redact: bool = False
    keep_team_names: bool = False
    fmt: str | None = None
    table: str | None = None


EVERYTHING = ExportSelection()


@dataclass(frozen=True, slots=True)
class SessionPage:
    """One page of a session search, newest first.

    ``next_cursor`` is an opaque token for the following page (pass it back as
    ``after=``), or None when this is the last page.
    """

    rows: list[SessionInfo]
    next_cursor: str | None = None
    # the page just above this one (newer rows), for search_sessions(before=...)
    prev_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class ActionPage:
    """One page of the action tracker; ``next_cursor`` as in :class:`SessionPage`."""

    rows: list[ActionInfo]
    next_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class ThemeMonth:
    """How many completed sessions of each category one calendar month held.

    ``counts`` has every category id and ``UNSURE`` as keys, in catalog order, with
    zeros included, so a chart's series are stable.
    """

    month: dt.date  # the first day of the month
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class DominanceFlag:
    """Whether one category dominates a team's recent completed sessions.

    ``category`` is the most frequent category among the team's last ``n`` completed
    sessions (None when none had a category), ``share`` its fraction of those ``n``
    (sessions without a category count in ``n``), and ``dominant`` is true when the
    share reaches the threshold over enough sessions.
    """

    team_id: str
    team_name: str
    category: str | None
    share: float
    n: int
    dominant: bool


@dataclass(frozen=True, slots=True)
class LearningEntry:
    """One test of change in a team's learning log: what was tried and expected
    (``action``: its text and prediction), in which session, and its latest review
    (``review``: what happened in its note, what was learned; None: not reviewed yet)."""

    action: ActionInfo
    session_title: str
    session_created_at: dt.datetime
    review: ReviewInfo | None = None

    @property
    def when(self) -> dt.datetime:
        """When it last moved: its latest review, or when it was agreed."""
        return self.review.created_at if self.review is not None else self.action.created_at


@dataclass(frozen=True, slots=True)
class TriedAction:
    """An action another team agreed, as "what others tried" shows it: its latest
    review's note (``result``) and what was learned ('' while not reviewed)."""

    text: str
    status: str
    prediction: str = ""
    result: str = ""
    learning: str = ""


@dataclass(frozen=True, slots=True)
class SimilarDilemma:
    """A past session of another team with a dilemma like the one in hand."""

    session_id: str
    team_id: str
    team_name: str
    coach: str
    title: str
    dilemma: str
    category: str | None  # its primary category (None: not sure)
    created_at: dt.datetime
    insight: str = ""
    actions: tuple[TriedAction, ...] = ()


@dataclass(frozen=True, slots=True)
class RecurringTopic:
    """A phrase that recurs across teams: in how many sessions, how many of them
    each team's (most first), and the coaches who heard it."""

    phrase: str
    sessions: int
    teams: tuple[tuple[str, int], ...]
    coaches: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicsReport:
    """The recurring topics as a Markdown report (``text``), how many ``topics`` it
    lists and, redacted, the words in it that might still be names."""

    text: str
    topics: int
    possible_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What ``generate_demo_data`` added."""

    teams: int
    sessions: int
    drafts: int
    questions: int
    actions: int
    reviews: int
    seconds: float
