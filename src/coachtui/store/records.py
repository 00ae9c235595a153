"""Writes and record reads: teams, sessions, questions, actions, reviews, custom
questions. Each call takes the open :class:`~coachtui.store.db.engine.Database` and
runs in one of its short transactions; :class:`coachtui.store.api.Store` is the
public face of these functions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from coachtui.catalog.loader import CATEGORY_IDS
from coachtui.store.db import database
from coachtui.store.db.engine import Database
from coachtui.store.db.models import (
    Action,
    ActionReview,
    CoachingSession,
    CustomQuestion,
    PickedQuestion,
    Team,
    TeamTally,
    UTCDateTime,
    new_id,
    table,
)
from coachtui.store.errors import (
    DuplicateName,
    IncompleteSession,
    InvalidInput,
    NotFound,
    StaleRecord,
)
from coachtui.store.exchange.rows import MODELS
from coachtui.store.sync import changes

if TYPE_CHECKING:
    from typing_extensions import Unpack

from coachtui.store.types import (
    ACTION_TEXT_MAX,
    DRAFT_TEXT_FIELDS,
    FIELD_LIMITS,
    MEMBER_NAME_MAX,
    MEMBERS_MAX,
    NOTE_MAX,
    OPEN_STATUSES,
    OWNER_MAX,
    QUESTION_MAX,
    REVIEW_STATUSES,
    STEPS,
    TEAM_NAME_MAX,
    ActionInfo,
    ActionWords,
    CustomQuestionInfo,
    Member,
    PickedQuestionInfo,
    ReviewedAction,
    ReviewInfo,
    SessionDetail,
    SessionInfo,
    TeamInfo,
    members_from_json,
    members_to_json,
)

# Record kinds as tombstones name them (store/sync/changes.py).
_KINDS: dict[type, str] = {model: kind for kind, model in MODELS.items()}

# Passed for ``due`` when the caller leaves it as it is.
UNCHANGED: Any = object()


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def _validate_team_name(db: Database, session: Session, name: str, exclude_id: str | None = None) -> str:
    cleaned = _clean_name(name)
    if not cleaned:
        raise InvalidInput("A team needs a name.", field="name")
    if len(cleaned) > TEAM_NAME_MAX:
        raise InvalidInput(f"That name is {len(cleaned)} characters; keep it to {TEAM_NAME_MAX}.", field="name")
    key = cleaned.casefold()
    clash = session.exec(select(Team).where(Team.name_key == key)).first()
    if clash is not None and clash.id != exclude_id:
        state = " (archived)" if clash.archived else ""
        raise DuplicateName(f"There is already a team called {clash.name!r}{state}.", field="name")
    return cleaned


def create_team(db: Database, name: str, coach: str = "") -> TeamInfo:
    with db.write() as session:
        cleaned = _validate_team_name(db, session, name)
        now = db.now()
        coach = coach or db.coach
        team = Team(
            name=cleaned, name_key=cleaned.casefold(), coach=coach, created_at=now, updated_at=now, updated_by=coach
        )
        session.add(team)
        try:
            session.flush()
        except sa_exc.IntegrityError:
            raise DuplicateName(f"There is already a team called {cleaned!r}.", field="name") from None
        return TeamInfo(id=team.id, name=team.name, archived=False, created_at=now, coach=coach, version=1)


def _team_rows(db: Database, *conditions: Any) -> Select[Team, dt.datetime, Any, Any]:
    # the counts are kept by triggers (store/db/tallies.py): a probe per team,
    # however long its history; a meeting of a set counts once
    tally = table(TeamTally)
    last_at = sa.type_coerce(tally.c.last_session_at, UTCDateTime).label("last_at")
    recent = sa.type_coerce(sa.func.coalesce(tally.c.last_session_at, Team.created_at), UTCDateTime)
    return (
        select(Team, last_at, tally.c.sessions.label("sessions"), tally.c.open_actions.label("open_actions"))
        .select_from(Team)
        .outerjoin(tally, tally.c.team_id == Team.id)
        .where(*conditions)
        .order_by(recent.desc(), Team.name_key)
    )


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
        members=members_from_json(team.members),
    )


def list_teams(db: Database, *, include_archived: bool = False) -> list[TeamInfo]:
    conditions = [] if include_archived else [Team.archived == sa.false()]
    with db.read() as session:
        return [_team_info(row) for row in session.exec(_team_rows(db, *conditions)).all()]


def get_team(db: Database, team_id: str) -> TeamInfo:
    with db.read() as session:
        row = session.exec(_team_rows(db, Team.id == team_id)).first()
        if row is None:
            raise NotFound(_gone(session, Team, team_id, "team"), kind="team", record_id=team_id)
        return _team_info(row)


def find_team(db: Database, name: str) -> TeamInfo | None:
    key = _clean_name(name).casefold()
    with db.read() as session:
        row = session.exec(_team_rows(db, Team.name_key == key)).first()
        return _team_info(row) if row is not None else None


def _get(db: Database, session: Session, model: type[Any], ident: str, what: str) -> Any:
    row = session.get(model, ident)
    if row is None:
        raise NotFound(_gone(session, model, ident, what), kind=what, record_id=ident)
    return row


def _gone(session: Session, model: type, ident: str, what: str) -> str:
    """ "That action no longer exists", saying who deleted it when that is known."""
    kind = _KINDS.get(model)
    grave = changes.tombstone_of(session.connection(), kind, ident) if kind else None
    if grave is not None and grave[1].strip():
        return f"That {what} no longer exists: {' '.join(grave[1].split())} deleted it."
    return f"That {what} no longer exists."


def _check_version(db: Database, row: Any, expected: int | None, what: str) -> None:
    """Refuse to write over a change the caller has not seen (optimistic
    versioning): ``expected`` is the ``version`` the caller read, None: no check.
    A change saved under this store's own coach name came from their other window."""
    if expected is not None and row.version != expected:
        changed_by = getattr(row, "updated_by", "") or ""
        raise StaleRecord(
            what,
            row.id,
            expected_version=expected,
            current_version=row.version,
            changed_by=changed_by,
            changed_at=row.updated_at,
            by_you=bool(changed_by.split()) and changed_by.split() == str(db.coach or "").split(),
        )


def _touch(db: Database, row: Any, now: dt.datetime, coach: str = "") -> None:
    """Mark a versioned row (team, session, action) as changed now, by ``coach``
    (default: the store's coach)."""
    row.updated_at = now
    row.version += 1
    row.updated_by = coach or db.coach


def _bury(db: Database, session: Session, kind: str, ids: list[str]) -> None:
    """Tombstones for records about to be deleted, and everything in them."""
    session.flush()
    changes.record_deletion(session.connection(), kind, ids, db.now(), db.coach)


def rename_team(db: Database, team_id: str, name: str, *, expected_version: int | None = None) -> TeamInfo:
    with db.write() as session:
        team = _get(db, session, Team, team_id, "team")
        _check_version(db, team, expected_version, "team")
        cleaned = _validate_team_name(db, session, name, exclude_id=team_id)
        team.name, team.name_key = cleaned, cleaned.casefold()
        _touch(db, team, db.now())
    return get_team(db, team_id)


def archive_team(db: Database, team_id: str, archived: bool = True, *, expected_version: int | None = None) -> TeamInfo:
    with db.write() as session:
        team = _get(db, session, Team, team_id, "team")
        _check_version(db, team, expected_version, "team")
        team.archived = archived
        _touch(db, team, db.now())
    return get_team(db, team_id)


def _member_name(name: str) -> str:
    cleaned = _clean_name(name)
    if not cleaned:
        raise InvalidInput("A member needs a name.", field="members")
    if len(cleaned) > MEMBER_NAME_MAX:
        raise InvalidInput(f"Keep a member's name to {MEMBER_NAME_MAX} characters.", field="members")
    return cleaned


def _stamp(moment: dt.datetime) -> str:
    """A member's ``changed``: UTC ISO text, which sorts in time order."""
    return moment.astimezone(dt.UTC).isoformat()


def add_member(db: Database, team_id: str, name: str, *, expected_version: int | None = None) -> TeamInfo:
    """Add a member to a team, which makes it an action learning set. A member who
    had left and is added again is back in the set."""
    cleaned = _member_name(name)
    with db.write() as session:
        team = _get(db, session, Team, team_id, "team")
        _check_version(db, team, expected_version, "team")
        members = list(members_from_json(team.members))
        same = [i for i, m in enumerate(members) if m.name.casefold() == cleaned.casefold()]
        if same and members[same[0]].current:
            raise DuplicateName(f"{members[same[0]].name} is already a member of {team.name}.", field="members")
        now = db.now()
        if same:
            members[same[0]] = Member(members[same[0]].name, changed=_stamp(now))
        else:
            if len(members) >= MEMBERS_MAX:
                raise InvalidInput(f"A set can have {MEMBERS_MAX} members at most.", field="members")
            members.append(Member(cleaned, changed=_stamp(now)))
        team.members = members_to_json(members)
        _touch(db, team, now)
    return get_team(db, team_id)


def member_left(
    db: Database, team_id: str, name: str, *, left: dt.date | None, expected_version: int | None = None
) -> TeamInfo:
    """Mark a member as having left the set on ``left`` (None: back in the set).
    Nobody is removed: their turns and actions keep their name."""
    with db.write() as session:
        team = _get(db, session, Team, team_id, "team")
        _check_version(db, team, expected_version, "team")
        members = list(members_from_json(team.members))
        key = _clean_name(name).casefold()
        index = next((i for i, m in enumerate(members) if m.name.casefold() == key), None)
        if index is None:
            raise InvalidInput(f"{_clean_name(name)!r} is not a member of {team.name}.", field="members")
        now = db.now()
        members[index] = Member(members[index].name, left, _stamp(now))
        team.members = members_to_json(members)
        _touch(db, team, now)
    return get_team(db, team_id)


def delete_team(db: Database, team_id: str, *, expected_version: int | None = None) -> None:
    with db.write() as session:
        team = _get(db, session, Team, team_id, "team")
        _check_version(db, team, expected_version, "team")
        _bury(db, session, "teams", [team_id])
        session.delete(team)


def add_presenter(
    db: Database, meeting_id: str, presenter: str, coach: str = "", *, session_id: str | None = None
) -> SessionDetail:
    """The next presenter of a meeting: a session of the same team, in the next turn,
    naming the meeting's first session (given any presenter's session id)."""
    name = _member_name(presenter)
    with db.write() as session:
        first = _get(db, session, CoachingSession, meeting_id, "session")
        if first.meeting_id:
            first = _get(db, session, CoachingSession, first.meeting_id, "session")
        turn = session.exec(
            select(sa.func.coalesce(sa.func.max(CoachingSession.turn), 1)).where(CoachingSession.meeting_id == first.id)
        ).one()
        ident = _new_session(
            db, session, session_id, first.team_id, coach, "dilemma",
            meeting_id=first.id, presenter=name, turn=max(turn, first.turn) + 1,
        )
    return get_session(db, ident)


def _new_session(
    db: Database, session: Session, session_id: str | None, team_id: str, coach: str, step: str, **fields: Any
) -> str:
    """A new session row (or the one already there with ``session_id``: a retried call)."""
    if session_id is not None and session.get(CoachingSession, session_id) is not None:
        return session_id
    now = db.now()
    coach = coach or db.coach
    row = CoachingSession(
        team_id=team_id, coach=coach, step=step, created_at=now, updated_at=now, updated_by=coach, **fields
    )
    if session_id is not None:
        row.id = session_id
    session.add(row)
    session.flush()
    return row.id


def meeting_ids(db: Database, session_id: str) -> list[str]:
    """The sessions of the meeting ``session_id`` belongs to, in turn order (the first
    presenter's first): just ``[session_id]`` for an ordinary session."""
    with db.read() as session:
        row = _get(db, session, CoachingSession, session_id, "session")
        first = row.meeting_id or row.id
        later = session.exec(
            select(CoachingSession.id)
            .where(CoachingSession.meeting_id == first)
            .order_by(col(CoachingSession.turn), col(CoachingSession.created_at))
        ).all()
        return [first, *later]


def meeting(db: Database, session_id: str) -> list[SessionDetail]:
    """Every presenter's session of a meeting, in turn order (see meeting_ids)."""
    return [get_session(db, ident) for ident in meeting_ids(db, session_id)]


def start_session(db: Database, team_id: str, coach: str = "", *, session_id: str | None = None) -> SessionDetail:
    with db.write() as session:
        _get(db, session, Team, team_id, "team")
        ident = _new_session(db, session, session_id, team_id, coach, "review")
    return get_session(db, ident)


# What a window works out or where it is, never the coach's words: saving them
# alone neither checks nor moves the session's version, so a second window that
# opens a draft (and works out its suggestion) or moves between steps does not
# make the first one's next keystroke "changed by someone else".
BOOKKEEPING_FIELDS = frozenset({"step", "suggested_category", "suggestion_reasons"})


def _keep_bookkeeping(row: CoachingSession, changed: dict[str, Any], expected_version: int | None) -> None:
    """Write a window's step and suggestion without a new version. A suggestion
    worked out from an older read than the row's is not written (the window with
    the newer words works out its own); the step is where the last window went."""
    if expected_version is not None and row.version != expected_version:
        changed = {name: value for name, value in changed.items() if name == "step"}
    for name, value in changed.items():
        setattr(row, name, value)


def save_draft(
    db: Database, session_id: str, *, expected_version: int | None = None, **fields: Any
) -> dt.datetime | None:
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
        elif name == "presenter":
            values[name] = _member_name(value) if str(value).strip() else ""
        else:
            raise InvalidInput(f"{name!r} is not a session field", field=name)
    with db.write() as session:
        row = _get(db, session, CoachingSession, session_id, "session")
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            # Nothing new: no write and no refusal, whatever the version (two windows
            # saving the same computed suggestion must not make one of them stale,
            # and nothing can be lost by a save that changes nothing).
            return None
        if changed.keys() <= BOOKKEEPING_FIELDS:
            _keep_bookkeeping(row, changed, expected_version)
            return None
        _check_version(db, row, expected_version, "session")
        if "team_id" in values:
            _get(db, session, Team, values["team_id"], "team")
        for name, value in values.items():
            setattr(row, name, value)
        _touch(db, row, db.now())
        saved: dt.datetime = row.updated_at
        return saved


def set_questions(
    db: Database, session_id: str, picked: Sequence[PickedQuestionInfo], *, expected_version: int | None = None
) -> None:
    seen: set[str] = set()
    for item in picked:
        if item.question_id in seen:
            raise InvalidInput(f"question {item.question_id!r} picked twice")
        seen.add(item.question_id)
        if len(item.note) > NOTE_MAX:
            raise InvalidInput(f"A question note is longer than {NOTE_MAX:,} characters.", field="note")
        if len(item.text) > QUESTION_MAX:
            raise InvalidInput(f"Keep a question under {QUESTION_MAX:,} characters.", field="text")
    with db.write() as session:
        row = _get(db, session, CoachingSession, session_id, "session")
        _check_version(db, row, expected_version, "session")
        now = db.now()
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
            _bury(db, session, "picked_questions", [gone.id for gone in existing.values()])
        for gone in existing.values():
            session.delete(gone)
        _touch(db, row, now)


def complete_session(db: Database, session_id: str, *, expected_version: int | None = None) -> SessionDetail:
    with db.write() as session:
        row = _get(db, session, CoachingSession, session_id, "session")
        _check_version(db, row, expected_version, "session")
        missing = []
        if not row.team_id:
            missing.append("a team")
        if not row.dilemma.strip():
            missing.append("a dilemma")
        if missing:
            raise IncompleteSession(missing)
        now = db.now()
        row.status = "completed"
        row.completed_at = now
        row.step = "summary"
        _touch(db, row, now)
    return get_session(db, session_id)


def reopen_session(db: Database, session_id: str, *, expected_version: int | None = None) -> SessionDetail:
    with db.write() as session:
        row = _get(db, session, CoachingSession, session_id, "session")
        _check_version(db, row, expected_version, "session")
        row.status = "draft"
        _touch(db, row, db.now())
    return get_session(db, session_id)


def delete_session(db: Database, session_id: str, *, expected_version: int | None = None) -> None:
    """Delete a session for good; a meeting's first session takes its later
    presenters with it."""
    with db.write() as session:
        row = _get(db, session, CoachingSession, session_id, "session")
        _check_version(db, row, expected_version, "session")
        later = session.exec(select(CoachingSession).where(CoachingSession.meeting_id == session_id)).all()
        ids = [session_id, *(part.id for part in later)]
        _bury(db, session, "sessions", ids)
        touched = {
            r.action_id for r in session.exec(select(ActionReview).where(col(ActionReview.session_id).in_(ids)))
        }
        for part in later:
            session.delete(part)
        session.delete(row)
        session.flush()
        for action_id in touched:
            action = session.get(Action, action_id)
            if action is not None:
                _refresh_action_status(db, session, action)


def _empty_ids(session: Session, candidates: set[str]) -> set[str]:
    """Of these draft ids, those with no picked question, action, review or later
    presenter."""
    for column in (PickedQuestion.session_id, Action.session_id, ActionReview.session_id, CoachingSession.meeting_id):
        if not candidates:
            break
        used = session.exec(select(column).where(col(column).in_(sorted(candidates))).distinct()).all()
        candidates -= set(used)
    return candidates


def _blank(row: CoachingSession) -> bool:
    return not (
        row.title.strip()
        or row.dilemma.strip()
        or row.context.strip()
        or row.primary_category
        or row.secondary_category
        or row.category_unsure
        or row.insight.strip()
        or row.presenter.strip()
    )


def empty_draft_ids(db: Database) -> set[str]:
    with db.read() as session:
        rows = session.exec(select(CoachingSession).where(CoachingSession.status == "draft")).all()
        return _empty_ids(session, {row.id for row in rows if _blank(row)})


def discard_empty_draft(db: Database, session_id: str) -> bool:
    with db.write() as session:
        row = session.get(CoachingSession, session_id)
        if row is None or row.status != "draft" or not _blank(row):
            return False
        if not _empty_ids(session, {session_id}):
            return False
        _bury(db, session, "sessions", [session_id])
        session.delete(row)
        return True


def list_drafts(db: Database) -> list[SessionInfo]:
    """The drafts to resume, newest edit first: a set's meeting once, by its first
    session (any presenter's part a draft), naming its presenters."""
    with db.read() as session:
        rows = session.exec(
            select(CoachingSession, Team.name)
            .join(Team, col(Team.id) == CoachingSession.team_id)
            .where(CoachingSession.status == "draft")
            .order_by(col(CoachingSession.updated_at).desc())
        ).all()
        firsts: dict[str, tuple[CoachingSession, str, dt.datetime]] = {}
        for row, name in rows:
            key = row.meeting_id or row.id
            if key not in firsts:
                first = row if row.meeting_id is None else session.get(CoachingSession, key)
                if first is None:  # a later presenter whose meeting is gone: shown as itself
                    first, key = row, row.id
                firsts[key] = (first, name, row.updated_at)
        later: dict[str, list[CoachingSession]] = {}
        if firsts:
            for part in session.exec(
                select(CoachingSession)
                .where(col(CoachingSession.meeting_id).in_(sorted(firsts)))
                .order_by(col(CoachingSession.turn), col(CoachingSession.created_at))
            ).all():
                later.setdefault(part.meeting_id or "", []).append(part)
        out = []
        for key, (first, name, edited) in firsts.items():
            info = _session_info(first, name)
            parts = later.get(key, [])
            out.append(
                dataclasses.replace(
                    info,
                    updated_at=max(edited, first.updated_at),
                    preview=" ".join(first.dilemma[:200].split())[:120],
                    presenter=first.presenter,
                    presenters=(first.presenter, *(p.presenter for p in parts)) if parts else (),
                    parts=tuple(p.id for p in parts),
                )
            )
        return out


def labelled_dilemmas(db: Database, *, since: dt.datetime | None = None, limit: int = 5000) -> list[tuple[str, str]]:
    with db.read() as session:
        query = (
            select(CoachingSession.title, CoachingSession.dilemma, CoachingSession.primary_category)
            .where(CoachingSession.status == "completed")
            .where(col(CoachingSession.primary_category).is_not(None))
        )
        if since is not None:
            query = query.where(col(CoachingSession.completed_at) > since)
        rows = session.exec(query.order_by(col(CoachingSession.completed_at).desc()).limit(limit)).all()
        return [(f"{title}\n{dilemma}", category) for title, dilemma, category in rows if category]


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


def session_version(db: Database, session_id: str) -> int | None:
    with db.read() as session:
        return session.exec(select(CoachingSession.version).where(CoachingSession.id == session_id)).first()


def session_reviews(db: Database, session_id: str) -> list[tuple[str, str, str, str]]:
    with db.read() as session:
        rows = session.exec(
            select(ActionReview.action_id, ActionReview.status, ActionReview.note, ActionReview.learning).where(
                ActionReview.session_id == session_id
            )
        ).all()
        return sorted((str(a), str(s), str(n or ""), str(lr or "")) for a, s, n, lr in rows)


def get_session(db: Database, session_id: str) -> SessionDetail:
    with db.read() as session:
        found = session.exec(
            select(CoachingSession, Team.name)
            .join(Team, col(Team.id) == CoachingSession.team_id)
            .where(CoachingSession.id == session_id)
        ).first()
        if found is None:
            raise NotFound(_gone(session, CoachingSession, session_id, "session"), kind="session", record_id=session_id)
        row, team_name = found
        questions = session.exec(
            select(PickedQuestion).where(PickedQuestion.session_id == session_id).order_by(col(PickedQuestion.position))
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
            review_draft=row.review_draft or "",
            insight=row.insight,
            presenter=row.presenter,
            turn=row.turn,
            meeting_id=row.meeting_id,
            questions=tuple(
                PickedQuestionInfo(
                    question_id=q.question_id, text=q.text, source=q.source, note=q.note, position=q.position
                )
                for q in questions
            ),
            actions=tuple(ActionInfo.from_row(a, team_name) for a in actions),
            reviews=tuple(
                ReviewedAction(action=ActionInfo.from_row(a, team_name), review=_review_info(r)) for r, a in reviews
            ),
        )


def last_session(db: Database, team_id: str, *, before: str | None = None) -> SessionDetail | None:
    with db.read() as session:
        query = (
            select(CoachingSession.id)
            .where(
                CoachingSession.team_id == team_id,
                CoachingSession.status == "completed",
                col(CoachingSession.meeting_id).is_(None),
            )
            .order_by(col(CoachingSession.created_at).desc())
            .limit(1)
        )
        if before is not None:
            query = query.where(CoachingSession.id != before)
        ident = session.exec(query).first()
    return get_session(db, ident) if ident else None


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
        learning=row.learning,
    )


def _given(words: ActionWords) -> dict[str, str | None]:
    """An action's other words by name (every one of them is text, or None)."""
    return cast("dict[str, str | None]", words)


def _check_action_fields(text: str | None, owner: str | None, words: ActionWords) -> None:
    for name, value in _given(words).items():
        limit = FIELD_LIMITS[("actions", name)]
        if value is not None and len(value) > limit:
            raise InvalidInput(f"Keep a {name} to {limit:,} characters.", field=name)
    if text is not None:
        if not text.strip():
            raise InvalidInput("An action needs some text.", field="text")
        if len(text) > ACTION_TEXT_MAX:
            raise InvalidInput("That action is too long to keep as one action.", field="text")
    if owner is not None and len(owner) > OWNER_MAX:
        raise InvalidInput(f"Keep the owner to {OWNER_MAX} characters.", field="owner")


def add_action(
    db: Database,
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
    _check_action_fields(text, owner, words)
    with db.write() as session:
        row = _get(db, session, CoachingSession, session_id, "session")
        if from_form:
            # The action was typed in the session's form: the form's draft is emptied
            # in the same write, so a crash can never leave both (the draft would
            # come back on resume and enter would add the action twice).
            row.action_draft = ""
        if action_id is not None:
            existing = session.get(Action, action_id)
            if existing is not None:
                return ActionInfo.from_row(existing)
        position = session.exec(
            select(sa.func.coalesce(sa.func.max(Action.position), -1)).where(Action.session_id == session_id)
        ).one()
        now = db.now()
        action = Action(
            id=action_id or new_id(),
            team_id=row.team_id,
            session_id=session_id,
            text=text.strip(),
            owner=owner.strip(),
            due_date=due,
            position=position + 1,
            coach=coach or db.coach or row.coach,
            created_at=now,
            updated_at=now,
            updated_by=coach or db.coach or row.coach,
        )
        for name, value in _given(words).items():
            setattr(action, name, (value or "").strip())
        session.add(action)
        row.updated_at = now
        session.flush()
        return ActionInfo.from_row(action)


def update_action(
    db: Database,
    action_id: str,
    *,
    text: str | None = None,
    owner: str | None = None,
    due: dt.date | Any | None = UNCHANGED,
    expected_version: int | None = None,
    **words: Unpack[ActionWords],
) -> ActionInfo:
    _check_action_fields(text, owner, words)
    with db.write() as session:
        action = _get(db, session, Action, action_id, "action")
        _check_version(db, action, expected_version, "action")
        if text is not None:
            action.text = text.strip()
        if owner is not None:
            action.owner = owner.strip()
        for name, value in _given(words).items():
            if value is not None:
                setattr(action, name, value.strip())
        if due is not UNCHANGED:
            action.due_date = due
        _touch(db, action, db.now())
        return ActionInfo.from_row(action)


def remove_action(db: Database, action_id: str, *, expected_version: int | None = None) -> None:
    with db.write() as session:
        action = _get(db, session, Action, action_id, "action")
        _check_version(db, action, expected_version, "action")
        _bury(db, session, "actions", [action_id])
        session.delete(action)


def get_action(db: Database, action_id: str) -> ActionInfo:
    with db.read() as session:
        found = session.exec(
            select(Action, Team.name).join(Team, col(Team.id) == Action.team_id).where(Action.id == action_id)
        ).first()
        if found is None:
            raise NotFound(_gone(session, Action, action_id, "action"), kind="action", record_id=action_id)
        action, name = found
        note = session.exec(
            select(ActionReview.note)
            .where(ActionReview.action_id == action_id, ActionReview.note != "")
            .order_by(col(ActionReview.updated_at).desc(), col(ActionReview.created_at).desc())
            .limit(1)
        ).first()
        return ActionInfo.from_row(action, name, note or "")


def open_actions(db: Database, team_id: str) -> list[ActionInfo]:
    with db.read() as session:
        rows = session.exec(
            select(Action, Team.name)
            .join(Team, col(Team.id) == Action.team_id)
            .where(Action.team_id == team_id, col(Action.status).in_(OPEN_STATUSES))
            .order_by(col(Action.due_date).is_(None), col(Action.due_date), col(Action.created_at))
        ).all()
        return [ActionInfo.from_row(a, name) for a, name in rows]


def actions_to_review(db: Database, session_id: str) -> list[tuple[ActionInfo, ReviewInfo | None]]:
    """The team's open actions from before this session (for a meeting of a set:
    every member's, none of this meeting's own), with this session's review of each."""
    with db.read() as session:
        row = _get(db, session, CoachingSession, session_id, "session")
        first = row.meeting_id or row.id
        parts = [first, *session.exec(select(CoachingSession.id).where(CoachingSession.meeting_id == first)).all()]
        session_id = first  # a meeting's reviews are its first session's
        reviewed = {
            r.action_id: r for r in session.exec(select(ActionReview).where(ActionReview.session_id == session_id))
        }
        query = (
            select(Action, Team.name)
            .join(Team, col(Team.id) == Action.team_id)
            .where(
                Action.team_id == row.team_id,
                col(Action.session_id).not_in(parts),
                sa.or_(col(Action.status).in_(OPEN_STATUSES), col(Action.id).in_(list(reviewed))),
            )
            .order_by(col(Action.due_date).is_(None), col(Action.due_date), col(Action.created_at))
        )
        rows = session.exec(query).all()
        # the newest note from before this session: how the action stood when it began
        notes: dict[str, str] = {}
        earlier = (
            session.exec(
                select(ActionReview)
                .where(
                    col(ActionReview.action_id).in_([action.id for action, _ in rows]),
                    sa.or_(col(ActionReview.session_id).is_(None), col(ActionReview.session_id) != session_id),
                    ActionReview.note != "",
                )
                .order_by(col(ActionReview.updated_at).desc())
            ).all()
            if rows
            else []
        )
        for earlier_review in earlier:
            notes.setdefault(earlier_review.action_id, earlier_review.note)
        result = []
        for action, name in rows:
            review = reviewed.get(action.id)
            info = ActionInfo.from_row(action, name, notes.get(action.id, ""))
            result.append((info, _review_info(review) if review else None))
        return result


def _refresh_action_status(db: Database, session: Session, action: Action, coach: str = "") -> None:
    latest = session.exec(
        select(ActionReview)
        .where(ActionReview.action_id == action.id)
        .order_by(col(ActionReview.updated_at).desc())
        .limit(1)
    ).first()
    status = latest.status if latest is not None else "open"
    if action.status != status:
        action.status = status
        _touch(db, action, db.now(), coach)


def record_review(
    db: Database,
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
    if status not in REVIEW_STATUSES:
        raise InvalidInput(f"unknown review status {status!r}", field="status")
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"That note is longer than {NOTE_MAX:,} characters.", field="note")
    if learning is not None and len(learning) > NOTE_MAX:
        raise InvalidInput(f"That learning is longer than {NOTE_MAX:,} characters.", field="learning")
    coach = coach or db.coach
    with db.write() as session:
        action = _get(db, session, Action, action_id, "action")
        _check_version(db, action, expected_version, "action")
        if session_id is not None:
            _get(db, session, CoachingSession, session_id, "session")
        now = db.now()
        review = None
        if session_id is not None:
            review = session.exec(
                select(ActionReview).where(ActionReview.action_id == action_id, ActionReview.session_id == session_id)
            ).first()
        if review is not None and seen is not None and (review.note, review.learning) != seen:
            # another window's words on this review: the action's version says nothing of them
            raise StaleRecord(
                "review note",
                action.id,
                expected_version=action.version if expected_version is None else expected_version,
                current_version=action.version,
                changed_by=review.coach,
                changed_at=review.updated_at,
                by_you=bool(review.coach.split()) and review.coach.split() == str(coach or "").split(),
            )
        if review is None:
            review = ActionReview(
                action_id=action_id,
                session_id=session_id,
                status=status,
                note=note,
                learning=learning or "",
                coach=coach,
                created_at=now,
                updated_at=now,
            )
            session.add(review)
        else:
            review.status, review.note, review.updated_at = status, note, now
            if learning is not None:
                review.learning = learning
            if coach:
                review.coach = coach
        session.flush()
        _refresh_action_status(db, session, action, coach)
        return _review_info(review, action.version)


def clear_review(db: Database, action_id: str, session_id: str) -> None:
    with db.write() as session:
        action = _get(db, session, Action, action_id, "action")
        reviews = list(
            session.exec(
                select(ActionReview).where(ActionReview.action_id == action_id, ActionReview.session_id == session_id)
            )
        )
        if reviews:
            _bury(db, session, "action_reviews", [review.id for review in reviews])
        for review in reviews:
            session.delete(review)
        session.flush()
        _refresh_action_status(db, session, action)


def action_history(db: Database, action_id: str) -> list[ReviewInfo]:
    with db.read() as session:
        _get(db, session, Action, action_id, "action")
        rows = session.exec(
            select(ActionReview).where(ActionReview.action_id == action_id).order_by(col(ActionReview.created_at))
        ).all()
        return [_review_info(r) for r in rows]


def stats(db: Database) -> dict[str, object]:
    with db.read() as session:
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


def add_custom_question(
    db: Database, text: str, category: str | None = None, coach: str = "", *, question_id: str | None = None
) -> CustomQuestionInfo:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput("A question needs some words.", field="text")
    if len(cleaned) > QUESTION_MAX:
        raise InvalidInput(f"Keep a question under {QUESTION_MAX:,} characters.", field="text")
    if category is not None and category not in CATEGORY_IDS:
        raise InvalidInput(f"unknown category {category!r}", field="category")
    coach = coach or db.coach
    with db.write() as session:
        clash = session.exec(select(CustomQuestion).where(CustomQuestion.text == cleaned)).first()
        if clash is not None:
            return _custom_info(clash)
        now = db.now()
        row = CustomQuestion(
            id=question_id or new_id(), text=cleaned, category=category, coach=coach, created_at=now, updated_at=now
        )
        session.add(row)
        session.flush()
        return _custom_info(row)


def update_custom_question(db: Database, question_id: str, text: str) -> CustomQuestionInfo:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput("A question needs some words.", field="text")
    if len(cleaned) > QUESTION_MAX:
        raise InvalidInput(f"Keep a question under {QUESTION_MAX:,} characters.", field="text")
    with db.write() as session:
        row = _get(db, session, CustomQuestion, question_id, "question")
        clash = session.exec(select(CustomQuestion).where(CustomQuestion.text == cleaned)).first()
        if clash is not None and clash.id != question_id:
            raise DuplicateName("You already have that question.", field="text")
        if row.text != cleaned:
            row.text = cleaned
            row.updated_at = db.now()
        session.flush()
        return _custom_info(row)


def delete_custom_question(db: Database, question_id: str) -> None:
    with db.write() as session:
        row = _get(db, session, CustomQuestion, question_id, "question")
        _bury(db, session, "custom_questions", [question_id])
        session.delete(row)


def _custom_info(row: CustomQuestion) -> CustomQuestionInfo:
    return CustomQuestionInfo(
        id=row.id, text=row.text, category=row.category, coach=row.coach, created_at=row.created_at
    )


def list_custom_questions(db: Database) -> list[CustomQuestionInfo]:
    with db.read() as session:
        rows = session.exec(select(CustomQuestion).order_by(col(CustomQuestion.created_at))).all()
        return [_custom_info(r) for r in rows]
