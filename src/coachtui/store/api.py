"""The Store: every public call of the store, in one place.

:class:`Store` is a thin facade. It holds the open database
(:class:`~coachtui.store.db.engine.Database`: engine, transactions, the guard against a
failing disk) and hands each call to the module that does the work:

* ``records.py`` — teams, sessions, questions, actions, reviews, custom questions;
* ``queries.py`` — history search, the action tracker, themes;
* ``exchange/`` — export and import;
* ``upkeep/`` — backups, restore, vacuum;
* ``sync/`` — syncing with a hub.

Plain values in, plain values out (``store/types.py``); errors are
:class:`~coachtui.store.errors.StoreError` subclasses with a one-line message.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from coachtui.store import exchange, queries, records, sync
from coachtui.store.db import backup
from coachtui.store.db.backup import RestoreReport
from coachtui.store.db.engine import Database, open_database
from coachtui.store.db.models import utcnow
from coachtui.store.db.target import Target
from coachtui.store.exchange.files import write_export
from coachtui.store.queries import Cancel
from coachtui.store.records import UNCHANGED
from coachtui.store.sync import SyncReport
from coachtui.store.types import (
    EVERY_SESSION,
    EVERYTHING,
    ActionInfo,
    ActionPage,
    ActionWords,
    CustomQuestionInfo,
    DominanceFlag,
    ExportResult,
    ExportSelection,
    ImportSummary,
    LearningEntry,
    PickedQuestionInfo,
    RecurringTopic,
    ReviewInfo,
    SessionDetail,
    SessionFilter,
    SessionInfo,
    SessionPage,
    SimilarDilemma,
    TeamInfo,
    ThemeMonth,
    TopicsReport,
)
from coachtui.store.upkeep import maintenance
from coachtui.store.upkeep.maintenance import VacuumReport

if TYPE_CHECKING:
    from typing_extensions import Unpack


class Store:
    """A coachtui database, opened and migrated. Create it with :func:`open_store`.

    Every method opens its own short database session, so a store can be used from
    worker threads."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- the open database --------------------------------------------------------

    @property
    def engine(self) -> sa.Engine:
        return self.db.engine

    @property
    def target(self) -> Target:
        return self.db.target

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.db.clock

    @property
    def coach(self) -> str:
        """The coach using this store: named on the changes and deletions they make
        (``updated_by``, tombstones) when a call does not name one. The app sets it
        from the coach's settings."""
        return self.db.coach

    @coach.setter
    def coach(self, value: str) -> None:
        self.db.coach = value

    @property
    def location(self) -> str:
        return self.db.location

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- teams, sessions, actions, reviews, custom questions (records.py) ----------

    def create_team(self, name: str, coach: str = "") -> TeamInfo:
        return records.create_team(self.db, name, coach)

    def list_teams(self, *, include_archived: bool = False) -> list[TeamInfo]:
        """Teams, most recently coached first, with last-session date and open actions."""
        return records.list_teams(self.db, include_archived=include_archived)

    def get_team(self, team_id: str) -> TeamInfo:
        return records.get_team(self.db, team_id)

    def find_team(self, name: str) -> TeamInfo | None:
        return records.find_team(self.db, name)

    def rename_team(self, team_id: str, name: str, *, expected_version: int | None = None) -> TeamInfo:
        """Rename a team. ``expected_version``: the ``TeamInfo.version`` the caller
        showed; if the team changed since, :class:`StaleRecord` is raised."""
        return records.rename_team(self.db, team_id, name, expected_version=expected_version)

    def archive_team(self, team_id: str, archived: bool = True, *, expected_version: int | None = None) -> TeamInfo:
        return records.archive_team(self.db, team_id, archived, expected_version=expected_version)

    def delete_team(self, team_id: str, *, expected_version: int | None = None) -> None:
        """Delete a team with all its sessions, questions, actions and reviews, for good.

        What remains is a tombstone per deleted record (ids, when, by whom; no text),
        so that the deletion reaches the hub and other laptops on the next sync."""
        return records.delete_team(self.db, team_id, expected_version=expected_version)

    # --- action learning sets ---------------------------------------------------------

    def add_member(self, team_id: str, name: str, *, expected_version: int | None = None) -> TeamInfo:
        """Add a member to a team (which makes it an action learning set), or bring back
        one who had left."""
        return records.add_member(self.db, team_id, name, expected_version=expected_version)

    def member_left(
        self, team_id: str, name: str, *, left: dt.date | None, expected_version: int | None = None
    ) -> TeamInfo:
        """Mark a member as left on ``left`` (None: back in the set); never removed."""
        return records.member_left(self.db, team_id, name, left=left, expected_version=expected_version)

    def add_presenter(
        self, meeting_id: str, presenter: str, coach: str = "", *, session_id: str | None = None
    ) -> SessionDetail:
        """The next presenter of the meeting ``meeting_id`` (any of its sessions): a
        session of their own, in the next turn. A retried call with the same
        ``session_id`` returns the one already made."""
        return records.add_presenter(self.db, meeting_id, presenter, coach, session_id=session_id)

    def meeting(self, session_id: str) -> list[SessionDetail]:
        """Every presenter's session of the meeting ``session_id`` belongs to, in turn
        order; one session for an ordinary session."""
        return records.meeting(self.db, session_id)

    def start_session(self, team_id: str, coach: str = "", *, session_id: str | None = None) -> SessionDetail:
        """Start a draft session for a team; it is in the database from now on.

        ``session_id`` lets the UI choose the id up front, so it can queue edits to the
        draft before this call has reached the database. Starting an id that already
        exists (a retried call) returns the existing draft.
        """
        return records.start_session(self.db, team_id, coach, session_id=session_id)

    def save_draft(
        self, session_id: str, *, expected_version: int | None = None, **fields: Any
    ) -> dt.datetime | None:
        """Save some fields of a session. Returns the new ``updated_at``, or None when
        every field already held the value given (then nothing is written, and a stale
        ``expected_version`` is not refused: nothing can be lost).

        Accepted: title, dilemma, context, action_draft (text); primary_category, secondary_category
        and suggested_category (a category id or None); category_unsure (bool);
        suggestion_reasons (list of text); step; coach; team_id.

        ``expected_version``: the session's ``version`` as the caller last knew it
        (from ``get_session``; each successful save adds exactly 1). If it changed
        since, nothing is saved and :class:`StaleRecord` is raised.
        """
        return records.save_draft(self.db, session_id, expected_version=expected_version, **fields)

    def set_questions(
        self, session_id: str, picked: Sequence[PickedQuestionInfo], *, expected_version: int | None = None
    ) -> None:
        """Replace the session's picked questions (in order) with ``picked``.
        ``expected_version`` as for :meth:`save_draft`."""
        return records.set_questions(self.db, session_id, picked, expected_version=expected_version)

    def complete_session(self, session_id: str, *, expected_version: int | None = None) -> SessionDetail:
        return records.complete_session(self.db, session_id, expected_version=expected_version)

    def reopen_session(self, session_id: str, *, expected_version: int | None = None) -> SessionDetail:
        """Turn a completed session back into a draft, to amend it."""
        return records.reopen_session(self.db, session_id, expected_version=expected_version)

    def delete_session(self, session_id: str, *, expected_version: int | None = None) -> None:
        """Delete a session for good: its questions, actions and reviews go with it
        (leaving tombstones, as :meth:`delete_team` does)."""
        return records.delete_session(self.db, session_id, expected_version=expected_version)

    discard_draft = delete_session

    def empty_draft_ids(self) -> set[str]:
        """Drafts nothing was typed or decided in: no title, dilemma, context or
        category, no question, action or review. They are not worth resuming."""
        return records.empty_draft_ids(self.db)

    def discard_empty_draft(self, session_id: str) -> bool:
        """Delete a draft if it is still empty (checked in the same transaction: if
        another window has typed into it meanwhile, it is kept). True if deleted."""
        return records.discard_empty_draft(self.db, session_id)

    def list_drafts(self) -> list[SessionInfo]:
        """Unfinished sessions, most recently edited first."""
        return records.list_drafts(self.db)

    def labelled_dilemmas(self, *, since: dt.datetime | None = None, limit: int = 5000) -> list[tuple[str, str]]:
        """What the category suggestion learns from: the title and dilemma of each
        completed session with a primary category (completed after ``since``, if
        given), newest first, with that category."""
        return records.labelled_dilemmas(self.db, since=since, limit=limit)

    def get_session(self, session_id: str) -> SessionDetail:
        return records.get_session(self.db, session_id)

    def session_version(self, session_id: str) -> int | None:
        """The session's version now (one small read: an open window checks whether
        another window or a sync changed it); None when it is not there."""
        return records.session_version(self.db, session_id)

    def session_reviews(self, session_id: str) -> list[tuple[str, str, str, str]]:
        """The session's reviews of earlier actions as (action id, status, note,
        learning), sorted (one small read: a review's words change no session or
        action version, so an open window compares these with what it shows)."""
        return records.session_reviews(self.db, session_id)

    def last_session(self, team_id: str, *, before: str | None = None) -> SessionDetail | None:
        """The team's most recent completed session (other than ``before``)."""
        return records.last_session(self.db, team_id, before=before)

    def add_action(
        self,
        session_id: str,
        text: str,
        owner: str = "",
        due: dt.date | None = None,
        coach: str = "",
        *,
        action_id: str | None = None,
        from_form: bool = False,
        **words: Unpack[ActionWords],
    ) -> ActionInfo:
        """Add an action agreed in a session. ``action_id`` lets the UI choose the id
        (a retried call with the same id returns the action already added); the
        action's other words come by name (:class:`ActionWords`): a ``prediction``
        ("we expect…") makes it a test of change. ``from_form``: it was typed in the
        session's action form, whose saved draft is emptied in the same write."""
        return records.add_action(
            self.db, session_id, text, owner, due, coach, action_id=action_id, from_form=from_form, **words
        )

    def update_action(
        self,
        action_id: str,
        *,
        text: str | None = None,
        owner: str | None = None,
        due: dt.date | Any | None = UNCHANGED,
        expected_version: int | None = None,
        **words: Unpack[ActionWords],
    ) -> ActionInfo:
        """Change an action's text, owner, due date or other words (None or left out:
        leave as is; ``due=None`` clears the date, ``prediction=""`` makes it an
        ordinary action).
        ``expected_version``: the ``ActionInfo.version`` the coach was looking at; if
        someone changed the action since, nothing is written and :class:`StaleRecord`
        says who (reload with :meth:`get_action`)."""
        return records.update_action(
            self.db, action_id, text=text, owner=owner, due=due, expected_version=expected_version, **words
        )

    def remove_action(self, action_id: str, *, expected_version: int | None = None) -> None:
        return records.remove_action(self.db, action_id, expected_version=expected_version)

    def get_action(self, action_id: str) -> ActionInfo:
        """One action as it is now (to reload after :class:`StaleRecord`), with its
        team's name and its latest review note."""
        return records.get_action(self.db, action_id)

    def open_actions(self, team_id: str) -> list[ActionInfo]:
        """The team's open actions (open, in progress, stuck), soonest due first."""
        return records.open_actions(self.db, team_id)

    def actions_to_review(self, session_id: str) -> list[tuple[ActionInfo, ReviewInfo | None]]:
        """What the review step shows: the team's actions from earlier sessions that are
        still open, or that this session has already reviewed, each with this
        session's review of it (if any)."""
        return records.actions_to_review(self.db, session_id)

    def record_review(
        self,
        action_id: str,
        status: str,
        note: str = "",
        *,
        session_id: str | None = None,
        coach: str = "",
        expected_version: int | None = None,
        learning: str | None = None,
        seen: tuple[str, str] | None = None,
    ) -> ReviewInfo:
        """Record how an action went (``note``: what happened; ``learning``: what the
        team learned, for a test of change; None keeps the learning already there).
        One review per action per session: reviewing the same action again in the
        same session updates that review.

        ``expected_version``: the action's version as the coach saw it (the tracker's
        ``ActionInfo.version``); :class:`StaleRecord` if it changed since. The result's
        ``action_version`` is the action's version after this review.

        ``seen``: the note and learning of this session's review as the caller last
        saw them. A note changed meanwhile does not change the action's version (its
        mark stays), so another window's words would be written over unseen:
        :class:`StaleRecord` if the review now holds other words."""
        return records.record_review(
            self.db,
            action_id,
            status,
            note,
            session_id=session_id,
            coach=coach,
            expected_version=expected_version,
            seen=seen,
            learning=learning,
        )

    def clear_review(self, action_id: str, session_id: str) -> None:
        """Take back this session's review of an action (the action's status reverts)."""
        return records.clear_review(self.db, action_id, session_id)

    def action_history(self, action_id: str) -> list[ReviewInfo]:
        return records.action_history(self.db, action_id)

    def stats(self) -> dict[str, object]:
        """Counts for ``coachtui info``: schema, teams, sessions, drafts, open actions."""
        return records.stats(self.db)

    def add_custom_question(
        self, text: str, category: str | None = None, coach: str = "", *, question_id: str | None = None
    ) -> CustomQuestionInfo:
        """Keep a question a coach wrote for reuse. The same text twice is kept once."""
        return records.add_custom_question(self.db, text, category, coach, question_id=question_id)

    def update_custom_question(self, question_id: str, text: str) -> CustomQuestionInfo:
        """Reword a question the coach wrote. Sessions that asked it keep the words
        they asked it with (their own copy)."""
        return records.update_custom_question(self.db, question_id, text)

    def delete_custom_question(self, question_id: str) -> None:
        """Delete a question the coach wrote, for good (a tombstone takes the deletion
        to the hub on the next sync). Sessions that asked it keep their copy."""
        return records.delete_custom_question(self.db, question_id)

    def list_custom_questions(self) -> list[CustomQuestionInfo]:
        return records.list_custom_questions(self.db)

    # --- history, tracker, themes (queries.py) ----------------------------------------

    def search_sessions(
        self,
        which: SessionFilter = EVERY_SESSION,
        *,
        limit: int = 50,
        after: str | None = None,
        before: str | None = None,
        at_end: bool = False,
        cancelled: Cancel | None = None,
    ) -> SessionPage:
        """The sessions ``which`` chooses (see :class:`SessionFilter`), newest first,
        one page. A set's meeting of several presenters is one row (its first
        session's, naming every presenter in ``presenters``), found when any
        presenter's part matches.

        Pass the returned ``next_cursor`` as ``after`` for the next (older) page, and
        ``prev_cursor`` as ``before`` for the page just above (newer); ``at_end``
        gives the oldest page. Rows are always newest first, so a screen can keep a
        small window of rows and move it either way over any number of sessions.
        """
        return queries.search_sessions(
            self.db, which, limit=limit, after=after, before=before, at_end=at_end, cancelled=cancelled
        )

    def session_ids_matching(
        self, which: SessionFilter = EVERY_SESSION, *, cancelled: Cancel | None = None, parts: bool = True
    ) -> list[str]:
        """The ids of every session :meth:`search_sessions` would list, newest first
        (for exporting "the sessions this search shows", at any size); a meeting's
        later presenters follow its first session (``parts=False``: the rows only)."""
        return queries.session_ids_matching(self.db, which, cancelled=cancelled, parts=parts)

    cursor_for = staticmethod(queries.cursor_for)

    def count_sessions(self, which: SessionFilter = EVERY_SESSION, *, cancelled: Cancel | None = None) -> int:
        """How many rows :meth:`search_sessions` would list in all, over all pages
        (a meeting counts once)."""
        return queries.count_sessions(self.db, which, cancelled=cancelled)

    def list_coaches(self) -> list[str]:
        """Every coach named on a session or an action, alphabetically (for the
        coach filter of the history, the tracker and the themes)."""
        return queries.list_coaches(self.db)

    def learning_log(self, team_id: str | None = None, *, limit: int = 500) -> list[LearningEntry]:
        """The tests of change of one team (None: every team) with what happened and
        what was learned, newest first (the learning log)."""
        return queries.learning_log(self.db, team_id=team_id, limit=limit)

    def similar_dilemmas(
        self,
        text: str,
        *,
        exclude_team_id: str | None = None,
        exclude_session_id: str | None = None,
        limit: int = 5,
        cancelled: Cancel | None = None,
    ) -> list[SimilarDilemma]:
        """What others tried: the completed sessions of other teams whose texts are
        most like ``text`` (bm25 on SQLite, ts_rank on PostgreSQL), best first, each
        with its actions and what came of them (``store/network.py``)."""
        from coachtui.store import network

        return network.similar_dilemmas(
            self.db, text, exclude_team_id=exclude_team_id, exclude_session_id=exclude_session_id,
            limit=limit, cancelled=cancelled,
        )

    def recurring_topics(
        self, which: SessionFilter = EVERY_SESSION, *, limit: int = 20, cancelled: Cancel | None = None
    ) -> list[RecurringTopic]:
        """Phrases that recur across teams ("protected time", "run chart") in the
        completed sessions ``which`` chooses (a period, a team, a coach), most teams
        first, with each team's count of sessions (``store/network.py``)."""
        from coachtui.store import network

        return network.recurring_topics(self.db, which, limit=limit, cancelled=cancelled)

    def topics_report(self, selection: ExportSelection = EVERYTHING) -> TopicsReport:
        """The recurring topics of the completed sessions ``selection`` chooses, as a
        Markdown report, redacted if it asks (``store/network.py``)."""
        from coachtui.store import network

        return network.topics_report(self.db, selection)

    def rebuild_search_index(self) -> None:
        """Fill the search index again from the sessions (e.g. after VACUUM)."""
        return queries.rebuild_search_index(self.db)

    def tracker_actions(
        self,
        *,
        today: dt.date,
        team_id: str | None = None,
        owner: str | None = None,
        coach: str | None = None,
        include_closed: bool = False,
        limit: int = 100,
        after: str | None = None,
    ) -> ActionPage:
        """Open actions across all teams (open, in progress, stuck): overdue first,
        oldest due date first, then those due soonest, then those with no due date;
        each with its team's name and the latest note a review left on it.

        ``include_closed`` adds done and dropped actions after all open ones, in the
        same order. ``today`` only decides what is overdue (``ActionInfo.is_overdue``).
        ``coach``: only actions agreed with this coach (``ActionInfo.coach``).
        """
        return queries.tracker_actions(
            self.db,
            today=today,
            team_id=team_id,
            owner=owner,
            coach=coach,
            include_closed=include_closed,
            limit=limit,
            after=after,
        )

    def list_owners(self, *, include_closed: bool = False) -> list[str]:
        """Every owner named on an (open) action, alphabetically (for the tracker filter)."""
        return queries.list_owners(self.db, include_closed=include_closed)

    def theme_counts(
        self,
        *,
        today: dt.date,
        team_id: str | None = None,
        months: int = 12,
        tz: dt.tzinfo | None = None,
        coach: str | None = None,
    ) -> list[ThemeMonth]:
        """Completed sessions per calendar month (in ``tz``, default this computer's
        zone) and category, for the ``months`` months up to and including today's,
        oldest first; all teams, or one; all coaches, or one (``coach``). Months
        without sessions are there with zeros.
        """
        return queries.theme_counts(self.db, today=today, team_id=team_id, months=months, tz=tz, coach=coach)

    def dominant_categories(
        self,
        *,
        team_id: str | None = None,
        last_n: int = 6,
        threshold: float = 0.6,
        min_sessions: int = 3,
        include_archived: bool = False,
        coach: str | None = None,
    ) -> list[DominanceFlag]:
        """For each team (or one), whether one category dominates its last ``last_n``
        completed sessions: its most frequent category and that category's share.
        ``dominant`` needs a share of at least ``threshold`` over at least
        ``min_sessions`` sessions. Sessions with no category count towards ``n``
        but never dominate. Dominant teams first, then by share, then by name.
        ``coach``: count only the sessions this coach led.
        """
        return queries.dominant_categories(
            self.db,
            team_id=team_id,
            last_n=last_n,
            threshold=threshold,
            min_sessions=min_sessions,
            include_archived=include_archived,
            coach=coach,
        )

    # --- export and import (exchange/) -----------------------------------------------

    write_export = staticmethod(write_export)

    def export_json(self, selection: ExportSelection = EVERYTHING) -> dict[str, Any]:
        """The lossless export: every column of every selected row, as a JSON-ready
        dict (write it with ``interchange.dumps``). See ``store/exchange/interchange.py``."""
        return exchange.export_json(self.db, selection)

    def export_markdown(self, selection: ExportSelection = EVERYTHING) -> str:
        """A readable report for a network meeting (see ``store/exchange/report.py``)."""
        return exchange.export_markdown(self.db, selection)

    def export_csv(self, selection: ExportSelection = EVERYTHING) -> dict[str, str]:
        """``{"sessions.csv": text, "actions.csv": text}`` for spreadsheets. Write a
        table with :func:`csv_bytes` or both with :func:`csv_zip_bytes`."""
        return exchange.export_csv(self.db, selection)

    def export_stream(
        self, selection: ExportSelection = EVERYTHING, *, names_left: Callable[[list[str]], object] | None = None
    ) -> Iterator[str]:
        """The export as text made as it is read, piece by piece (for standard
        output): ``selection.fmt`` md (default), json, or csv (one table,
        ``selection.table``; no byte order mark). The same text as
        :meth:`export_markdown`, ``dumps(export_json())`` or that table of
        :meth:`export_csv`, in memory that does not grow with the history. Read it
        while the store is open. ``names_left``: see :meth:`export_file`."""
        return exchange.export_stream(self.db, selection, names_left=names_left)

    def redaction_check(self, selection: ExportSelection = EVERYTHING) -> list[str]:
        """Capitalised words left in the redacted export that might be names (a
        name the database has never seen, with no title before it): for the coach
        to check before sharing. See :func:`coachtui.store.exchange.redact.possible_names`."""
        return exchange.redaction_check(self.db, selection)

    def export_file(
        self,
        path: str | os.PathLike[str],
        selection: ExportSelection = EVERYTHING,
        *,
        force: bool = False,
        names_left: Callable[[list[str]], object] | None = None,
    ) -> ExportResult:
        """Export to a file, atomically and owner-only (see :func:`write_export`).

        The format is ``selection.fmt``, else from the suffix (.json, .md, .csv, .zip;
        no suffix: Markdown; any other: an error). CSV to a ``.zip`` writes both tables;
        to any other name one table, ``selection.table`` ("sessions" by default, or
        "actions"), UTF-8 with a byte order mark. Never onto the database, a backup, or
        an existing file that is not an earlier export of the same kind (unless
        ``force``): see :func:`coachtui.store.exchange.files.check_output`.

        ``names_left``, for a redacted export: called before the file is written
        with what :meth:`redaction_check` gives (a redacted report learns and
        numbers its names once for both).
        """
        return exchange.export_file(self.db, path, selection, force=force, names_left=names_left)

    def import_data(self, data: Any, *, source: str = "") -> ImportSummary:
        """Merge a parsed JSON export (a dict) into the database, all or nothing.

        Raises :class:`ImportRefused` (one line, naming ``source`` if given; nothing
        written) when the data is not a usable export. See ``store/exchange/merge.py`` for the
        merge rules.
        """
        return exchange.import_data(self.db, data, source=source)

    def import_file(self, path: str | os.PathLike[str]) -> ImportSummary:
        """Read and merge a JSON export file (see :meth:`import_data`)."""
        return exchange.import_file(self.db, path)

    # --- backups, restore, vacuum (upkeep/) -------------------------------------------

    def ensure_daily_backup(
        self, *, keep: int = backup.DAILY_KEEP_DEFAULT, now: dt.datetime | None = None
    ) -> Path | None:
        """Make today's backup (local date of ``now``) unless there is one; keep the
        newest ``keep`` daily backups. Returns the new backup, or None if none was made
        (already done today, ``keep`` < 1, or a PostgreSQL database: its backups are
        the server's business). Call it at start-up, in a worker thread."""
        return maintenance.ensure_daily_backup(self.db, keep=keep, now=now)

    def backup(self, destination: Path | None = None, *, now: dt.datetime | None = None) -> Path:
        """Back up the database now (see :func:`coachtui.store.db.backup.backup_database`)."""
        return maintenance.backup_now(self.db, destination, now=now)

    def restore(
        self,
        source: Path,
        *,
        now: dt.datetime | None = None,
        passphrase: str | None = None,
        another: bool = False,
    ) -> RestoreReport:
        """Replace the database's contents with the backup ``source`` (the current state
        is backed up first), then migrate it if it is of an older schema. An encrypted
        backup is opened with ``passphrase``, this database's, or COACHTUI_PASSPHRASE.
        A backup of another database is refused unless ``another`` (the command's
        --from-another-database)."""
        return maintenance.restore(self.db, source, now=now, passphrase=passphrase, another=another)

    def vacuum(self) -> VacuumReport:
        """Leave no trace of deleted text in the database's files.

        Empties the write-ahead log (old page images live there), merges each FTS5
        full-text index (deleted words stay in old index segments until then), then
        rebuilds the file with VACUUM, rebuilds the search index (VACUUM may renumber
        the rowids it is keyed by) and empties the log again. Backups are not touched.
        """
        return maintenance.vacuum(self.db)

    # --- sync with a hub (sync/) ----------------------------

    def sync(
        self,
        hub: str,
        *,
        full: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SyncReport:
        """Push this database's new and changed records (and deletions) to the hub at
        ``hub`` (a URL or path of another coachtui database) and pull the others'.
        Idempotent; merges field by field; see ``store/sync/__init__.py`` for the rules. ``full``:
        compare everything, not only what changed since the last sync (after a hub
        was restored from a backup). Raises :class:`SyncFailed` with one line that
        says what was left unchanged; retrying is safe. Changes move in batches, each
        kept once moved: ``progress(phase, done, total)`` hears of each ("send", then
        "receive"); ``cancelled()`` (or ctrl+c) stops between batches with
        :class:`~coachtui.store.sync.SyncStopped`, and the next sync continues."""
        return sync.sync(self.db, hub, full=full, progress=progress, cancelled=cancelled)

    def sync_history(self) -> list[tuple[str, object]]:
        """(hub, when this database last synced with it) for every hub it has synced
        with, most recent first (for "last synced ..." in the app and ``info``). The
        hub is shown as :attr:`Store.location` shows databases (no password)."""
        return sync.sync_history(self.db)


def open_store(
    database_value: str,
    *,
    clock: Callable[[], dt.datetime] = utcnow,
    coach: str = "",
    passphrase: str | None = None,
    create: bool = True,
) -> Store:
    """Open (creating or migrating as needed) the coachtui database at a path or URL
    (a file, ``sqlite:///PATH`` or ``postgresql://...``). ``coach``: who is using it
    (see :attr:`Store.coach`).

    ``create`` False (commands that only read): a missing or empty database file is
    an error naming it, and nothing is created. Otherwise a new file is made 0600 in
    a folder that must exist (only coachtui's own data folder is made when missing),
    and an empty file that is adopted as a new database becomes 0600.

    Raises a :class:`StoreError` with a one-line message for anything a user can fix;
    a file (or PostgreSQL schema) that is not a coachtui database is left untouched. An
    encrypted file is opened with ``passphrase`` or ``COACHTUI_PASSPHRASE``
    (:class:`PassphraseNeeded` / :class:`WrongPassphrase` otherwise, file untouched).
    """
    return Store(open_database(database_value, clock=clock, coach=coach, passphrase=passphrase, create=create))
