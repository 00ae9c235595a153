"""The service API the UI and the command line call: plain values in, plain values out.

Every method opens its own short database session, so a :class:`Store` can be used
from worker threads. Writes take SQLite's write lock up front (``BEGIN IMMEDIATE``)
and commit as one transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, col, select

from coachtui.catalog.loader import CATEGORY_IDS
from coachtui.store import changes, database, faults
from coachtui.store.exchange import ExchangeMixin
from coachtui.store.history import HistoryMixin
from coachtui.store.hub import HubMixin
from coachtui.store.maintenance import MaintenanceMixin
from coachtui.store.errors import (
    DatabaseUnavailable,
    DuplicateName,
    IncompleteSession,
    InvalidInput,
    NotFound,
    StaleRecord,
    StoreError,
)
from coachtui.store.models import (
    Action,
    ActionReview,
    CoachingSession,
    CustomQuestion,
    PickedQuestion,
    Team,
    UTCDateTime,
    new_id,
    utcnow,
)
from coachtui.store.types import (
    ACTION_TEXT_MAX,
    DRAFT_TEXT_FIELDS,
    NOTE_MAX,
    OPEN_STATUSES,
    OWNER_MAX,
    QUESTION_MAX,
    REVIEW_STATUSES,
    TEAM_NAME_MAX,
    ActionInfo,
    CustomQuestionInfo,
    PickedQuestionInfo,
    ReviewedAction,
    ReviewInfo,
    SessionDetail,
    SessionInfo,
    TeamInfo,
)

# Record kinds as tombstones name them (store/changes.py).
_KINDS: dict[type, str] = {
    Team: "teams",
    CoachingSession: "sessions",
    PickedQuestion: "picked_questions",
    CustomQuestion: "custom_questions",
    Action: "actions",
    ActionReview: "action_reviews",
}

STEPS = ("team", "review", "dilemma", "category", "questions", "actions", "summary")


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def _one_line_error(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc) or exc.__class__.__name__)
    return text.splitlines()[0] if text else exc.__class__.__name__


class Store(HistoryMixin, ExchangeMixin, MaintenanceMixin, HubMixin):
    """A coachtui database, opened and migrated. Create it with :func:`open_store`."""

    def __init__(
        self,
        engine: sa.Engine,
        target: database.Target,
        clock: Callable[[], dt.datetime] = utcnow,
        coach: str = "",
    ) -> None:
        self.engine = engine
        self.target = target
        self.clock = clock
        # The coach using this store: named on the changes and deletions they make
        # (``updated_by``, tombstones) when a call does not name one. The app sets it
        # from the coach's settings.
        self.coach = coach
        self._writer = engine.execution_options(coachtui_write=True)
        self._init_maintenance()

    # --- plumbing ----------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def location(self) -> str:
        return self.target.display

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        with self._guard(writing=False), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        with self._guard(writing=True), Session(self._writer, expire_on_commit=False) as session:
            with self._begin_write(session):
                yield session
                self._finish_write(session)

    def _finish_write(self, session: Session) -> None:
        """Last step of every write transaction: on PostgreSQL, bring the search
        index up to date with what the transaction changed (``store/pg_search.py``)."""
        if self.engine.dialect.name == "postgresql":
            from coachtui.store import pg_search

            session.flush()
            pg_search.refresh_pending(session.connection())

    def _now(self) -> dt.datetime:
        return self.clock()

    # --- teams -------------------------------------------------------------------

    def _validate_team_name(self, session: Session, name: str, exclude_id: str | None = None) -> str:
        cleaned = _clean_name(name)
        if not cleaned:
            raise InvalidInput("A team needs a name.", field="name")
        if len(cleaned) > TEAM_NAME_MAX:
            raise InvalidInput(
                f"That name is {len(cleaned)} characters; keep it to {TEAM_NAME_MAX}.", field="name"
            )
        key = cleaned.casefold()
        clash = session.exec(select(Team).where(Team.name_key == key)).first()
        if clash is not None and clash.id != exclude_id:
            state = " (archived)" if clash.archived else ""
            raise DuplicateName(f"There is already a team called {clash.name!r}{state}.", field="name")
        return cleaned

    def create_team(self, name: str, coach: str = "") -> TeamInfo:
        with self._write() as session:
            cleaned = self._validate_team_name(session, name)
            now = self._now()
            coach = coach or self.coach
            team = Team(
                name=cleaned, name_key=cleaned.casefold(), coach=coach, created_at=now, updated_at=now, updated_by=coach
            )
            session.add(team)
            try:
                session.flush()
            except sa_exc.IntegrityError:
                raise DuplicateName(f"There is already a team called {cleaned!r}.", field="name") from None
            return TeamInfo(id=team.id, name=team.name, archived=False, created_at=now, coach=coach, version=1)

    def _team_rows(self, *conditions: Any) -> sa.Select:
        last = (
            select(sa.func.max(CoachingSession.created_at))
            .where(CoachingSession.team_id == Team.id)
            .scalar_subquery()
        )
        count = (
            select(sa.func.count())
            .select_from(CoachingSession)
            .where(CoachingSession.team_id == Team.id)
            .scalar_subquery()
        )
        open_count = (
            select(sa.func.count())
            .select_from(Action)
            .where(Action.team_id == Team.id, col(Action.status).in_(OPEN_STATUSES))
            .scalar_subquery()
        )
        last_at = sa.type_coerce(last, UTCDateTime).label("last_at")
        recent = sa.type_coerce(sa.func.coalesce(last, Team.created_at), UTCDateTime)
        return (
            select(Team, last_at, count.label("sessions"), open_count.label("open_actions"))
            .where(*conditions)
            .order_by(recent.desc(), Team.name_key)
        )

    @staticmethod
    def _team_info(row: Any) -> TeamInfo:
        team, last_at, sessions, open_actions = row
        return TeamInfo(
            id=team.id,
            name=team.name,
            archived=team.archived,
            created_at=team.created_at,
            last_session_at=last_at,
            open_actions=open_actions or 0,
            session_count=sessions or 0,
            coach=team.coach,
            version=team.version,
            updated_by=team.updated_by,
        )

    def list_teams(self, *, include_archived: bool = False) -> list[TeamInfo]:
        """Teams, most recently coached first, with last-session date and open actions."""
        conditions = [] if include_archived else [Team.archived == sa.false()]
        with self._read() as session:
            return [self._team_info(row) for row in session.exec(self._team_rows(*conditions)).all()]

    def get_team(self, team_id: str) -> TeamInfo:
        with self._read() as session:
            row = session.exec(self._team_rows(Team.id == team_id)).first()
            if row is None:
                raise NotFound(self._gone(session, Team, team_id, "team"), kind="team", record_id=team_id)
            return self._team_info(row)

    def find_team(self, name: str) -> TeamInfo | None:
        key = _clean_name(name).casefold()
        with self._read() as session:
            row = session.exec(self._team_rows(Team.name_key == key)).first()
            return self._team_info(row) if row is not None else None

    def _get(self, session: Session, model: type, ident: str, what: str) -> Any:
        row = session.get(model, ident)
        if row is None:
            raise NotFound(self._gone(session, model, ident, what), kind=what, record_id=ident)
        return row

    @staticmethod
    def _gone(session: Session, model: type, ident: str, what: str) -> str:
        """"That action no longer exists", saying who deleted it when that is known."""
        kind = _KINDS.get(model)
        grave = changes.tombstone_of(session.connection(), kind, ident) if kind else None
        if grave is not None and grave[1].strip():
            return f"That {what} no longer exists: {' '.join(grave[1].split())} deleted it."
        return f"That {what} no longer exists."

    @staticmethod
    def _check_version(row: Any, expected: int | None, what: str) -> None:
        """Refuse to write over a change the caller has not seen (optimistic
        versioning): ``expected`` is the ``version`` the caller read, None: no check."""
        if expected is not None and row.version != expected:
            raise StaleRecord(
                what,
                row.id,
                expected_version=expected,
                current_version=row.version,
                changed_by=getattr(row, "updated_by", "") or "",
                changed_at=row.updated_at,
            )

    def _touch(self, row: Any, now: dt.datetime, coach: str = "") -> None:
        """Mark a versioned row (team, session, action) as changed now, by ``coach``
        (default: the store's coach)."""
        row.updated_at = now
        row.version += 1
        row.updated_by = coach or self.coach

    def _bury(self, session: Session, kind: str, ids: list[str]) -> None:
        """Tombstones for records about to be deleted, and everything in them."""
        session.flush()
        changes.record_deletion(session.connection(), kind, ids, self._now(), self.coach)

    def rename_team(self, team_id: str, name: str, *, expected_version: int | None = None) -> TeamInfo:
        """Rename a team. ``expected_version``: the ``TeamInfo.version`` the caller
        showed; if the team changed since, :class:`StaleRecord` is raised."""
        with self._write() as session:
            team = self._get(session, Team, team_id, "team")
            self._check_version(team, expected_version, "team")
            cleaned = self._validate_team_name(session, name, exclude_id=team_id)
            team.name, team.name_key = cleaned, cleaned.casefold()
            self._touch(team, self._now())
        return self.get_team(team_id)

    def archive_team(self, team_id: str, archived: bool = True, *, expected_version: int | None = None) -> TeamInfo:
        with self._write() as session:
            team = self._get(session, Team, team_id, "team")
            self._check_version(team, expected_version, "team")
            team.archived = archived
            self._touch(team, self._now())
        return self.get_team(team_id)

    def delete_team(self, team_id: str, *, expected_version: int | None = None) -> None:
        """Delete a team with all its sessions, questions, actions and reviews, for good.

        What remains is a tombstone per deleted record (ids, when, by whom; no text),
        so that the deletion reaches the hub and other laptops on the next sync."""
        with self._write() as session:
            team = self._get(session, Team, team_id, "team")
            self._check_version(team, expected_version, "team")
            self._bury(session, "teams", [team_id])
            session.delete(team)

    # --- sessions ----------------------------------------------------------------

    def start_session(self, team_id: str, coach: str = "", *, session_id: str | None = None) -> SessionDetail:
        """Start a draft session for a team; it is in the database from now on.

        ``session_id`` lets the UI choose the id up front, so it can queue edits to the
        draft before this call has reached the database. Starting an id that already
        exists (a retried call) returns the existing draft.
        """
        with self._write() as session:
            self._get(session, Team, team_id, "team")
            if session_id is not None and session.get(CoachingSession, session_id) is not None:
                ident = session_id
            else:
                now = self._now()
                coach = coach or self.coach
                row = CoachingSession(
                    team_id=team_id, coach=coach, step="review", created_at=now, updated_at=now, updated_by=coach
                )
                if session_id is not None:
                    row.id = session_id
                session.add(row)
                session.flush()
                ident = row.id
        return self.get_session(ident)

    def save_draft(self, session_id: str, *, expected_version: int | None = None, **fields: Any) -> dt.datetime:
        """Save some fields of a session. Returns the new ``updated_at``.

        Accepted: title, dilemma, context, action_draft (text); primary_category, secondary_category
        and suggested_category (a category id or None); category_unsure (bool);
        suggestion_reasons (list of text); step; coach; team_id.

        ``expected_version``: the session's ``version`` as the caller last knew it
        (from ``get_session``; each successful save adds exactly 1). If it changed
        since, nothing is saved and :class:`StaleRecord` is raised.
        """
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name in DRAFT_TEXT_FIELDS:
                if not isinstance(value, str):
                    raise InvalidInput(f"{name} must be text", field=name)
                limit = DRAFT_TEXT_FIELDS[name]
                if len(value) > limit:
                    raise InvalidInput(f"The {name} is longer than {limit:,} characters.", field=name)
                values[name] = value
            elif name in {"primary_category", "secondary_category", "suggested_category"}:
                if value is not None and value not in CATEGORY_IDS:
                    raise InvalidInput(f"unknown category {value!r}", field=name)
                values[name] = value
            elif name == "category_unsure":
                values[name] = bool(value)
            elif name == "suggestion_reasons":
                values[name] = json.dumps([str(v) for v in value], ensure_ascii=False)
            elif name == "step":
                if value not in STEPS:
                    raise InvalidInput(f"unknown step {value!r}", field=name)
                values[name] = value
            elif name in {"coach", "team_id"}:
                values[name] = str(value)
            else:
                raise InvalidInput(f"{name!r} is not a session field", field=name)
        with self._write() as session:
            row = self._get(session, CoachingSession, session_id, "session")
            self._check_version(row, expected_version, "session")
            if "team_id" in values:
                self._get(session, Team, values["team_id"], "team")
            for name, value in values.items():
                setattr(row, name, value)
            self._touch(row, self._now())
            return row.updated_at

    def set_questions(
        self, session_id: str, picked: Sequence[PickedQuestionInfo], *, expected_version: int | None = None
    ) -> None:
        """Replace the session's picked questions (in order) with ``picked``.
        ``expected_version`` as for :meth:`save_draft`."""
        seen: set[str] = set()
        for item in picked:
            if item.question_id in seen:
                raise InvalidInput(f"question {item.question_id!r} picked twice")
            seen.add(item.question_id)
            if len(item.note) > NOTE_MAX:
                raise InvalidInput(f"A question note is longer than {NOTE_MAX:,} characters.", field="note")
            if len(item.text) > QUESTION_MAX:
                raise InvalidInput(f"Keep a question under {QUESTION_MAX:,} characters.", field="text")
        with self._write() as session:
            row = self._get(session, CoachingSession, session_id, "session")
            self._check_version(row, expected_version, "session")
            now = self._now()
            existing = {
                q.question_id: q
                for q in session.exec(select(PickedQuestion).where(PickedQuestion.session_id == session_id))
            }
            for position, item in enumerate(picked):
                current = existing.pop(item.question_id, None)
                if current is None:
                    session.add(
                        PickedQuestion(
                            session_id=session_id,
                            question_id=item.question_id,
                            text=item.text,
                            source=item.source,
                            position=position,
                            note=item.note,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                elif (current.position, current.note, current.text) != (position, item.note, item.text):
                    current.position, current.note, current.text = position, item.note, item.text
                    current.updated_at = now
            if existing:
                self._bury(session, "picked_questions", [gone.id for gone in existing.values()])
            for gone in existing.values():
                session.delete(gone)
            self._touch(row, now)

    def complete_session(self, session_id: str, *, expected_version: int | None = None) -> SessionDetail:
        with self._write() as session:
            row = self._get(session, CoachingSession, session_id, "session")
            self._check_version(row, expected_version, "session")
            missing = []
            if not row.team_id:
                missing.append("a team")
            if not row.dilemma.strip():
                missing.append("a dilemma")
            if missing:
                raise IncompleteSession(missing)
            now = self._now()
            row.status = "completed"
            row.completed_at = now
            row.step = "summary"
            self._touch(row, now)
        return self.get_session(session_id)

    def reopen_session(self, session_id: str, *, expected_version: int | None = None) -> SessionDetail:
        """Turn a completed session back into a draft, to amend it."""
        with self._write() as session:
            row = self._get(session, CoachingSession, session_id, "session")
            self._check_version(row, expected_version, "session")
            row.status = "draft"
            self._touch(row, self._now())
        return self.get_session(session_id)

    def delete_session(self, session_id: str, *, expected_version: int | None = None) -> None:
        """Delete a session for good: its questions, actions and reviews go with it
        (leaving tombstones, as :meth:`delete_team` does)."""
        with self._write() as session:
            row = self._get(session, CoachingSession, session_id, "session")
            self._check_version(row, expected_version, "session")
            self._bury(session, "sessions", [session_id])
            touched = {
                r.action_id
                for r in session.exec(select(ActionReview).where(ActionReview.session_id == session_id))
            }
            session.delete(row)
            session.flush()
            for action_id in touched:
                action = session.get(Action, action_id)
                if action is not None:
                    self._refresh_action_status(session, action)

    discard_draft = delete_session

    @staticmethod
    def _empty_ids(session: Session, candidates: set[str]) -> set[str]:
        """Of these draft ids, those with no picked question, action or review."""
        for column in (PickedQuestion.session_id, Action.session_id, ActionReview.session_id):
            if not candidates:
                break
            used = session.exec(select(column).where(col(column).in_(sorted(candidates))).distinct()).all()
            candidates -= set(used)
        return candidates

    @staticmethod
    def _blank(row: CoachingSession) -> bool:
        return not (
            row.title.strip()
            or row.dilemma.strip()
            or row.context.strip()
            or row.primary_category
            or row.secondary_category
            or row.category_unsure
        )

    def empty_draft_ids(self) -> set[str]:
        """Drafts nothing was typed or decided in: no title, dilemma, context or
        category, no question, action or review. They are not worth resuming."""
        with self._read() as session:
            rows = session.exec(select(CoachingSession).where(CoachingSession.status == "draft")).all()
            return self._empty_ids(session, {row.id for row in rows if self._blank(row)})

    def discard_empty_draft(self, session_id: str) -> bool:
        """Delete a draft if it is still empty (checked in the same transaction: if
        another window has typed into it meanwhile, it is kept). True if deleted."""
        with self._write() as session:
            row = session.get(CoachingSession, session_id)
            if row is None or row.status != "draft" or not self._blank(row):
                return False
            if not self._empty_ids(session, {session_id}):
                return False
            self._bury(session, "sessions", [session_id])
            session.delete(row)
            return True

    def list_drafts(self) -> list[SessionInfo]:
        """Unfinished sessions, most recently edited first."""
        with self._read() as session:
            rows = session.exec(
                select(CoachingSession, Team.name)
                .join(Team, col(Team.id) == CoachingSession.team_id)
                .where(CoachingSession.status == "draft")
                .order_by(col(CoachingSession.updated_at).desc())
            ).all()
            return [self._session_info(s, name) for s, name in rows]

    def labelled_dilemmas(self, *, since: dt.datetime | None = None, limit: int = 5000) -> list[tuple[str, str]]:
        """What the category suggestion learns from: the title and dilemma of each
        completed session with a primary category (completed after ``since``, if
        given), newest first, with that category."""
        with self._read() as session:
            query = (
                select(CoachingSession.title, CoachingSession.dilemma, CoachingSession.primary_category)
                .where(CoachingSession.status == "completed")
                .where(col(CoachingSession.primary_category).is_not(None))
            )
            if since is not None:
                query = query.where(col(CoachingSession.completed_at) > since)
            rows = session.exec(query.order_by(col(CoachingSession.completed_at).desc()).limit(limit)).all()
            return [(f"{title}\n{dilemma}", category) for title, dilemma, category in rows if category]

    @staticmethod
    def _session_info(row: CoachingSession, team_name: str) -> SessionInfo:
        return SessionInfo(
            id=row.id,
            team_id=row.team_id,
            team_name=team_name,
            coach=row.coach,
            title=row.title,
            status=row.status,
            primary_category=row.primary_category,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def get_session(self, session_id: str) -> SessionDetail:
        with self._read() as session:
            found = session.exec(
                select(CoachingSession, Team.name)
                .join(Team, col(Team.id) == CoachingSession.team_id)
                .where(CoachingSession.id == session_id)
            ).first()
            if found is None:
                raise NotFound(
                    self._gone(session, CoachingSession, session_id, "session"), kind="session", record_id=session_id
                )
            row, team_name = found
            questions = session.exec(
                select(PickedQuestion)
                .where(PickedQuestion.session_id == session_id)
                .order_by(col(PickedQuestion.position))
            ).all()
            actions = session.exec(
                select(Action).where(Action.session_id == session_id).order_by(col(Action.position))
            ).all()
            reviews = session.exec(
                select(ActionReview, Action)
                .join(Action, col(Action.id) == ActionReview.action_id)
                .where(ActionReview.session_id == session_id)
                .order_by(col(Action.created_at), col(Action.position))
            ).all()
            try:
                reasons = tuple(json.loads(row.suggestion_reasons or "[]"))
            except ValueError:
                reasons = ()
            return SessionDetail(
                id=row.id,
                team_id=row.team_id,
                team_name=team_name,
                coach=row.coach,
                title=row.title,
                dilemma=row.dilemma,
                context=row.context,
                status=row.status,
                primary_category=row.primary_category,
                secondary_category=row.secondary_category,
                category_unsure=row.category_unsure,
                suggested_category=row.suggested_category,
                suggestion_reasons=reasons,
                step=row.step,
                created_at=row.created_at,
                updated_at=row.updated_at,
                completed_at=row.completed_at,
                version=row.version,
                action_draft=row.action_draft or "",
                questions=tuple(
                    PickedQuestionInfo(
                        question_id=q.question_id, text=q.text, source=q.source, note=q.note, position=q.position
                    )
                    for q in questions
                ),
                actions=tuple(self._action_info(a, team_name) for a in actions),
                reviews=tuple(
                    ReviewedAction(action=self._action_info(a, team_name), review=self._review_info(r))
                    for r, a in reviews
                ),
            )

    def last_session(self, team_id: str, *, before: str | None = None) -> SessionDetail | None:
        """The team's most recent completed session (other than ``before``)."""
        with self._read() as session:
            query = (
                select(CoachingSession.id)
                .where(CoachingSession.team_id == team_id, CoachingSession.status == "completed")
                .order_by(col(CoachingSession.created_at).desc())
                .limit(1)
            )
            if before is not None:
                query = query.where(CoachingSession.id != before)
            ident = session.exec(query).first()
        return self.get_session(ident) if ident else None

    # --- actions -----------------------------------------------------------------

    @staticmethod
    def _action_info(row: Action, team_name: str = "", last_note: str = "") -> ActionInfo:
        return ActionInfo(
            id=row.id,
            team_id=row.team_id,
            session_id=row.session_id,
            text=row.text,
            owner=row.owner,
            due=row.due_date,
            status=row.status,
            position=row.position,
            created_at=row.created_at,
            updated_at=row.updated_at,
            team_name=team_name,
            last_note=last_note,
            version=row.version,
            coach=row.coach,
            updated_by=row.updated_by,
        )

    @staticmethod
    def _review_info(row: ActionReview, action_version: int = 0) -> ReviewInfo:
        return ReviewInfo(
            id=row.id,
            action_id=row.action_id,
            session_id=row.session_id,
            status=row.status,
            note=row.note,
            coach=row.coach,
            created_at=row.created_at,
            action_version=action_version,
        )

    @staticmethod
    def _check_action_fields(text: str | None, owner: str | None) -> None:
        if text is not None:
            if not text.strip():
                raise InvalidInput("An action needs some text.", field="text")
            if len(text) > ACTION_TEXT_MAX:
                raise InvalidInput("That action is too long to keep as one action.", field="text")
        if owner is not None and len(owner) > OWNER_MAX:
            raise InvalidInput(f"Keep the owner to {OWNER_MAX} characters.", field="owner")

    def add_action(
        self,
        session_id: str,
        text: str,
        owner: str = "",
        due: dt.date | None = None,
        coach: str = "",
        *,
        action_id: str | None = None,
    ) -> ActionInfo:
        """Add an action agreed in a session. ``action_id`` lets the UI choose the id
        (a retried call with the same id returns the action already added)."""
        self._check_action_fields(text, owner)
        with self._write() as session:
            row = self._get(session, CoachingSession, session_id, "session")
            if action_id is not None:
                existing = session.get(Action, action_id)
                if existing is not None:
                    return self._action_info(existing)
            position = session.exec(
                select(sa.func.coalesce(sa.func.max(Action.position), -1)).where(Action.session_id == session_id)
            ).one()
            now = self._now()
            action = Action(
                id=action_id or new_id(),
                team_id=row.team_id,
                session_id=session_id,
                text=text.strip(),
                owner=owner.strip(),
                due_date=due,
                position=position + 1,
                coach=coach or self.coach or row.coach,
                created_at=now,
                updated_at=now,
                updated_by=coach or self.coach or row.coach,
            )
            session.add(action)
            row.updated_at = now
            session.flush()
            return self._action_info(action)

    _UNSET: Any = object()

    def update_action(
        self,
        action_id: str,
        *,
        text: str | None = None,
        owner: str | None = None,
        due: dt.date | Any | None = _UNSET,
        expected_version: int | None = None,
    ) -> ActionInfo:
        """Change an action's text, owner or due date (None: leave as is; ``due=None``
        clears the date). ``expected_version``: the ``ActionInfo.version`` the coach
        was looking at; if someone changed the action since, nothing is written and
        :class:`StaleRecord` says who (reload with :meth:`get_action`)."""
        self._check_action_fields(text, owner)
        with self._write() as session:
            action = self._get(session, Action, action_id, "action")
            self._check_version(action, expected_version, "action")
            if text is not None:
                action.text = text.strip()
            if owner is not None:
                action.owner = owner.strip()
            if due is not self._UNSET:
                action.due_date = due
            self._touch(action, self._now())
            return self._action_info(action)

    def remove_action(self, action_id: str, *, expected_version: int | None = None) -> None:
        with self._write() as session:
            action = self._get(session, Action, action_id, "action")
            self._check_version(action, expected_version, "action")
            self._bury(session, "actions", [action_id])
            session.delete(action)

    def get_action(self, action_id: str) -> ActionInfo:
        """One action as it is now (to reload after :class:`StaleRecord`), with its
        team's name and its latest review note."""
        with self._read() as session:
            found = session.exec(
                select(Action, Team.name).join(Team, col(Team.id) == Action.team_id).where(Action.id == action_id)
            ).first()
            if found is None:
                raise NotFound(self._gone(session, Action, action_id, "action"), kind="action", record_id=action_id)
            action, name = found
            note = session.exec(
                select(ActionReview.note)
                .where(ActionReview.action_id == action_id, ActionReview.note != "")
                .order_by(col(ActionReview.updated_at).desc(), col(ActionReview.created_at).desc())
                .limit(1)
            ).first()
            return self._action_info(action, name, note or "")

    def open_actions(self, team_id: str) -> list[ActionInfo]:
        """The team's open actions (open, in progress, stuck), soonest due first."""
        with self._read() as session:
            rows = session.exec(
                select(Action, Team.name)
                .join(Team, col(Team.id) == Action.team_id)
                .where(Action.team_id == team_id, col(Action.status).in_(OPEN_STATUSES))
                .order_by(col(Action.due_date).is_(None), col(Action.due_date), col(Action.created_at))
            ).all()
            return [self._action_info(a, name) for a, name in rows]

    def actions_to_review(self, session_id: str) -> list[tuple[ActionInfo, ReviewInfo | None]]:
        """What the review step shows: the team's actions from earlier sessions that are
        still open, or that this session has already reviewed, each with this
        session's review of it (if any)."""
        with self._read() as session:
            row = self._get(session, CoachingSession, session_id, "session")
            reviewed = {
                r.action_id: r
                for r in session.exec(select(ActionReview).where(ActionReview.session_id == session_id))
            }
            query = (
                select(Action, Team.name)
                .join(Team, col(Team.id) == Action.team_id)
                .where(
                    Action.team_id == row.team_id,
                    Action.session_id != session_id,
                    sa.or_(col(Action.status).in_(OPEN_STATUSES), col(Action.id).in_(list(reviewed))),
                )
                .order_by(col(Action.due_date).is_(None), col(Action.due_date), col(Action.created_at))
            )
            rows = session.exec(query).all()
            # the newest note from before this session: how the action stood when it began
            notes: dict[str, str] = {}
            earlier = session.exec(
                select(ActionReview)
                .where(
                    col(ActionReview.action_id).in_([action.id for action, _ in rows]),
                    sa.or_(col(ActionReview.session_id).is_(None), ActionReview.session_id != session_id),
                    ActionReview.note != "",
                )
                .order_by(col(ActionReview.updated_at).desc())
            ).all() if rows else []
            for earlier_review in earlier:
                notes.setdefault(earlier_review.action_id, earlier_review.note)
            result = []
            for action, name in rows:
                review = reviewed.get(action.id)
                info = self._action_info(action, name, notes.get(action.id, ""))
                result.append((info, self._review_info(review) if review else None))
            return result

    def _refresh_action_status(self, session: Session, action: Action, coach: str = "") -> None:
        latest = session.exec(
            select(ActionReview)
            .where(ActionReview.action_id == action.id)
            .order_by(col(ActionReview.updated_at).desc())
            .limit(1)
        ).first()
        status = latest.status if latest is not None else "open"
        if action.status != status:
            action.status = status
            self._touch(action, self._now(), coach)

    def record_review(
        self,
        action_id: str,
        status: str,
        note: str = "",
        *,
        session_id: str | None = None,
        coach: str = "",
        expected_version: int | None = None,
    ) -> ReviewInfo:
        """Record how an action went. One review per action per session: reviewing the
        same action again in the same session updates that review.

        ``expected_version``: the action's version as the coach saw it (the tracker's
        ``ActionInfo.version``); :class:`StaleRecord` if it changed since. The result's
        ``action_version`` is the action's version after this review."""
        if status not in REVIEW_STATUSES:
            raise InvalidInput(f"unknown review status {status!r}", field="status")
        if len(note) > NOTE_MAX:
            raise InvalidInput(f"That note is longer than {NOTE_MAX:,} characters.", field="note")
        coach = coach or self.coach
        with self._write() as session:
            action = self._get(session, Action, action_id, "action")
            self._check_version(action, expected_version, "action")
            if session_id is not None:
                self._get(session, CoachingSession, session_id, "session")
            now = self._now()
            review = None
            if session_id is not None:
                review = session.exec(
                    select(ActionReview).where(
                        ActionReview.action_id == action_id, ActionReview.session_id == session_id
                    )
                ).first()
            if review is None:
                review = ActionReview(
                    action_id=action_id,
                    session_id=session_id,
                    status=status,
                    note=note,
                    coach=coach,
                    created_at=now,
                    updated_at=now,
                )
                session.add(review)
            else:
                review.status, review.note, review.updated_at = status, note, now
                if coach:
                    review.coach = coach
            session.flush()
            self._refresh_action_status(session, action, coach)
            return self._review_info(review, action.version)

    def clear_review(self, action_id: str, session_id: str) -> None:
        """Take back this session's review of an action (the action's status reverts)."""
        with self._write() as session:
            action = self._get(session, Action, action_id, "action")
            reviews = list(
                session.exec(
                    select(ActionReview).where(
                        ActionReview.action_id == action_id, ActionReview.session_id == session_id
                    )
                )
            )
            if reviews:
                self._bury(session, "action_reviews", [review.id for review in reviews])
            for review in reviews:
                session.delete(review)
            session.flush()
            self._refresh_action_status(session, action)

    def action_history(self, action_id: str) -> list[ReviewInfo]:
        with self._read() as session:
            self._get(session, Action, action_id, "action")
            rows = session.exec(
                select(ActionReview)
                .where(ActionReview.action_id == action_id)
                .order_by(col(ActionReview.created_at))
            ).all()
            return [self._review_info(r) for r in rows]

    # --- overview ------------------------------------------------------------------

    def stats(self) -> dict[str, object]:
        """Counts for ``coachtui info``: schema, teams, sessions, drafts, open actions."""
        with self._read() as session:
            conn = session.connection()

            def count(model: type, *where: Any) -> int:
                return session.exec(select(sa.func.count()).select_from(model).where(*where)).one()

            return {
                "schema": database.current_revision(conn),
                "teams": count(Team),
                "sessions": count(CoachingSession, CoachingSession.status == "completed"),
                "drafts": count(CoachingSession, CoachingSession.status == "draft"),
                "open actions": count(Action, col(Action.status).in_(OPEN_STATUSES)),
            }

    # --- custom questions ----------------------------------------------------------

    def add_custom_question(
        self, text: str, category: str | None = None, coach: str = "", *, question_id: str | None = None
    ) -> CustomQuestionInfo:
        """Keep a question a coach wrote for reuse. The same text twice is kept once."""
        cleaned = " ".join(text.split())
        if not cleaned:
            raise InvalidInput("A question needs some words.", field="text")
        if len(cleaned) > QUESTION_MAX:
            raise InvalidInput(f"Keep a question under {QUESTION_MAX:,} characters.", field="text")
        if category is not None and category not in CATEGORY_IDS:
            raise InvalidInput(f"unknown category {category!r}", field="category")
        coach = coach or self.coach
        with self._write() as session:
            clash = session.exec(select(CustomQuestion).where(CustomQuestion.text == cleaned)).first()
            if clash is not None:
                return self._custom_info(clash)
            now = self._now()
            row = CustomQuestion(
                id=question_id or new_id(), text=cleaned, category=category, coach=coach, created_at=now, updated_at=now
            )
            session.add(row)
            session.flush()
            return self._custom_info(row)

    def update_custom_question(self, question_id: str, text: str) -> CustomQuestionInfo:
        """Reword a question the coach wrote. Sessions that asked it keep the words
        they asked it with (their own copy)."""
        cleaned = " ".join(text.split())
        if not cleaned:
            raise InvalidInput("A question needs some words.", field="text")
        if len(cleaned) > QUESTION_MAX:
            raise InvalidInput(f"Keep a question under {QUESTION_MAX:,} characters.", field="text")
        with self._write() as session:
            row = self._get(session, CustomQuestion, question_id, "question")
            clash = session.exec(select(CustomQuestion).where(CustomQuestion.text == cleaned)).first()
            if clash is not None and clash.id != question_id:
                raise DuplicateName("You already have that question.", field="text")
            if row.text != cleaned:
                row.text = cleaned
                row.updated_at = self._now()
            session.flush()
            return self._custom_info(row)

    def delete_custom_question(self, question_id: str) -> None:
        """Delete a question the coach wrote, for good (a tombstone takes the deletion
        to the hub on the next sync). Sessions that asked it keep their copy."""
        with self._write() as session:
            row = self._get(session, CustomQuestion, question_id, "question")
            self._bury(session, "custom_questions", [question_id])
            session.delete(row)

    @staticmethod
    def _custom_info(row: CustomQuestion) -> CustomQuestionInfo:
        return CustomQuestionInfo(
            id=row.id, text=row.text, category=row.category, coach=row.coach, created_at=row.created_at
        )

    def list_custom_questions(self) -> list[CustomQuestionInfo]:
        with self._read() as session:
            rows = session.exec(select(CustomQuestion).order_by(col(CustomQuestion.created_at))).all()
            return [self._custom_info(r) for r in rows]


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
    target = database.parse_target(database_value)
    state = None
    if target.path is not None:
        state = database.inspect_file(target.path, passphrase)
        database.check_revision(state.revision, str(target.path))
        if state.key is not None:
            target = dataclasses.replace(target, key=state.key)
        if not create and state.empty:
            what = f"{target.path} is an empty file, not a coachtui database" if state.exists else (
                f"there is no database at {target.path}"
            )
            raise DatabaseUnavailable(
                f"{what}; check the path (the app, 'coachtui import' and 'coachtui demo-data' start a new one)"
            )
        if not state.exists:
            database.create_private_file(target.path)
        elif state.empty:
            database.make_private(target.path)
    engine = database.make_engine(target)
    try:
        if target.path is None:
            state = database.inspect_server(engine, target.display)
            database.check_revision(state.revision, target.display)
        _prepare_schema(engine, target, state)
    except StoreError:
        engine.dispose()
        raise
    except sa_exc.DBAPIError as exc:
        engine.dispose()
        raise faults.describe(exc, target.path, target.display, writing=True) from exc
    except sa_exc.SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"cannot open {target.display}: {_one_line_error(exc)}") from exc
    except OSError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"cannot open {target.display}: {exc.strerror or exc}") from exc
    return Store(engine, target, clock=clock, coach=coach)


def _prepare_schema(engine: sa.Engine, target: database.Target, state: database.FileState | None) -> None:
    if state is not None and state.revision == database.HEAD_REVISION:
        return
    writer = engine.execution_options(coachtui_write=True)
    with writer.begin() as conn:
        revision = database.current_revision(conn)
        if revision == database.HEAD_REVISION:
            return
        database.check_revision(revision, target.display)
        if target.path is not None and revision is not None:
            # An existing database is about to change shape: keep a copy first.
            folder = database.backup_folder(target.path)
            name = f"{target.path.stem}-before-{database.HEAD_REVISION}-{database.timestamp()}.db"
            database.backup_sqlite(target.path, folder / name, key=target.key)
        database.upgrade(conn)
        if target.is_sqlite:
            conn.exec_driver_sql(f"PRAGMA application_id = {database.APPLICATION_ID}")
