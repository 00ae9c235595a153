"""The one place where the steps change the running session.

Each method updates the in-memory :class:`SessionModel` at once (so the screen
never waits for the disk) and queues the matching store call on the
:class:`SaveQueue`. Ids are made here, so later edits can be queued before the
first write has landed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from coachtui.session.model import SessionModel

if TYPE_CHECKING:  # the store's types load with the store, after the first paint
    from coachtui.session.conflicts import Conflict
    from coachtui.session.saver import SaveQueue
    from coachtui.store.types import ActionInfo, CustomQuestionInfo, PickedQuestionInfo, TeamInfo

# The fields a coach types words into (see merge).
_WORDS = ("title", "dilemma", "context", "insight", "presenter")

# Model attribute -> store field, for the fields saved with save_draft.
_FIELD_NAMES = {
    "title": "title",
    "dilemma": "dilemma",
    "context": "context",
    "primary": "primary_category",
    "secondary": "secondary_category",
    "unsure": "category_unsure",
    "suggested": "suggested_category",
    "suggestion_reasons": "suggestion_reasons",
    "step": "step",
    "action_draft": "action_draft",
    "review_draft": "review_draft",
    "insight": "insight",
    "presenter": "presenter",
}


def _notes(text: object) -> dict[str, str]:
    """The review notes waiting for their mark (``review_draft``), by action id."""
    import json

    try:
        notes = json.loads(text) if isinstance(text, str) and text else {}
    except ValueError:
        return {}
    if not isinstance(notes, dict):
        return {}
    return {key: value for key, value in notes.items() if isinstance(key, str) and isinstance(value, str)}


def _merge_waiting(base: object, mine: str, theirs: str) -> tuple[str, bool]:
    """Two windows' review notes waiting for their mark, merged note by note (each
    line by line against ``base``); True when a note of theirs was written over."""
    import json

    from coachtui.session.merge import merge_lines

    known, ours, other = _notes(base), _notes(mine), _notes(theirs)
    merged: dict[str, str] = {}
    clashed = False
    for key in dict.fromkeys([*ours, *other]):
        yours, their = ours.get(key, ""), other.get(key, "")
        both = merge_lines(known.get(key, ""), yours, their)
        if both is None:
            both, clashed = yours, clashed or bool(their.strip())
        if both:
            merged[key] = both
    return (json.dumps(merged, ensure_ascii=False, sort_keys=True) if merged else ""), clashed


def _merge_questions(
    base: list[PickedQuestionInfo], mine: list[PickedQuestionInfo], theirs: list[PickedQuestionInfo]
) -> tuple[list[PickedQuestionInfo], bool]:
    """Two windows' picked questions merged: in this window's order, with the
    questions only the other window picked after them, and without those either
    window removed (unless the other window wrote a note in the one mine removed,
    or this window in the one theirs removed). Each note is merged line by line
    against ``base``. True when a note of theirs was written over."""
    from coachtui.session.merge import merge_lines

    known = {q.question_id: q for q in base}
    other = {q.question_id: q for q in theirs}
    ours = {q.question_id for q in mine}
    merged: list[PickedQuestionInfo] = []
    clashed = False
    for question in mine:
        was = known.get(question.question_id)
        their = other.get(question.question_id)
        if their is None:
            if was is not None and question.note == was.note:
                continue  # removed there, and not written in here
            merged.append(question)
            continue
        note = merge_lines(was.note if was is not None else "", question.note, their.note)
        if note is None:
            note, clashed = question.note, clashed or bool(their.note.strip())
        merged.append(replace(question, note=note))
    for question in theirs:
        if question.question_id in ours:
            continue
        was = known.get(question.question_id)
        if was is None:
            merged.append(question)  # picked there
        elif question.note != was.note and question.note.strip():
            clashed = True  # removed here after they wrote in it
    return [replace(q, position=i) for i, q in enumerate(merged)], clashed


class SessionController:
    def __init__(self, saver: SaveQueue, on_change: Callable[[], None] = lambda: None) -> None:
        self.saver = saver
        self.model: SessionModel | None = None
        # An action learning set's meeting: every presenter's part in turn order (the
        # first is the meeting's own session); ``model`` is the presenter in hand.
        # An ordinary session is a meeting of one.
        self.parts: list[SessionModel] = []
        self._on_change = on_change
        self.custom_questions: list[CustomQuestionInfo] = []
        # Conflicts (another coach changed an action first), by Conflict.kind: the
        # steps that make those changes register here to settle them.
        self.conflict_handlers: dict[str, Callable[[Conflict], object]] = {}
        self._versions: dict[str, int] = {}
        self._versions_of: SessionModel | None = None
        # session id -> its texts (store field names, and "questions") as this window
        # last loaded or saved them: the base keep mine merges both sides' changes on
        self._bases: dict[str, dict[str, Any]] = {}
        # (session id, action id) -> the note and learning of that session's review of
        # the action as this window last loaded or saved them: a review's words change
        # without the action's version, so each write names them (record_review's seen)
        self._reviews_seen: dict[tuple[str, str], tuple[str, str]] = {}
        # action id -> its text, owner and prediction as this window last loaded or
        # saved them: the base keep mine merges an edit of an action on
        self._actions_seen: dict[str, tuple[str, str, str]] = {}
        # The session's own writes are versioned by the saver; refusals come here
        # (in the saver thread) and go to the "session" and "lost" handlers.
        saver.on_session_conflict = self._session_refused
        saver.on_lost = self._session_lost
        saver.on_fields_written = self._fields_written

    def _changed(self) -> None:
        self._on_change()

    @property
    def active(self) -> bool:
        return self.model is not None

    # --- starting and resuming ---------------------------------------------------------

    def start(self, team: TeamInfo, coach: str) -> SessionModel:
        """A new draft for ``team``; in the database as soon as the queue writes it."""
        self.leave()
        session_id = str(uuid.uuid4())
        self.model = SessionModel(session_id=session_id, team=team, coach=coach)
        self.parts = [self.model]
        self.loaded(self.model)
        saver = self.saver
        saver.submit(
            "start session",
            lambda store: store.start_session(team.id, coach, session_id=session_id),
            on_done=lambda detail: saver.track(session_id, detail.version),
        )
        self._changed()
        return self.model

    def resume(self, model: SessionModel, parts: list[SessionModel] | None = None) -> None:
        """Open ``model``; with ``parts``, the meeting it is one presenter of. A model
        of the open meeting (reloaded after a conflict) takes its place in it (the
        caller says with :meth:`loaded` when it is the session as read)."""
        same = [i for i, part in enumerate(self.parts) if part.session_id == model.session_id]
        if parts is None and same:
            if model.meeting_id is not None:
                model.review_items = self.parts[0].review_items
            self.parts[same[0]] = model
            for later in self.parts[1:]:
                later.review_items = self.parts[0].review_items
        else:
            if self.model is not None and self.model.session_id not in {p.session_id for p in parts or [model]}:
                self.leave()
            self.parts = list(parts or [model])
            for part in self.parts:  # opened as read (a model put back in its place is not)
                self.loaded(part)
        self.model = model
        for part in self.parts:
            if part.version:
                self.saver.track(part.session_id, part.version)
        self._changed()

    def loaded(self, model: SessionModel, *, reviews: bool = True) -> None:
        """``model`` is the session as it is on disk now (read, or reloaded): the base
        of a later keep mine. ``reviews``: its review notes are shown as read too (not
        so for keep mine, which keeps this window's review list as it is)."""
        base = self._all_fields(model)
        base["questions"] = list(model.questions)
        self._bases[model.session_id] = base
        for action in model.actions:
            self._actions_seen[action.id] = (action.text, action.owner, action.prediction)
        if reviews:
            for item in model.review_items:
                if item.status:
                    self._reviews_seen[(model.session_id, item.action.id)] = (item.note, item.learning)

    def _fields_written(self, session_id: str, fields: dict[str, Any]) -> None:
        """A save of these fields landed (saver thread): they are the base now."""
        self._bases.setdefault(session_id, {}).update(fields)

    def close(self) -> None:
        self.leave()
        self.model = None
        self.parts = []
        self._changed()

    # --- presenters (an action learning set's meeting) ------------------------------------

    @property
    def review_model(self) -> SessionModel | None:
        """The part that holds the meeting's review: its first presenter's."""
        return self.parts[0] if self.parts else self.model

    @property
    def presenter_index(self) -> int:
        return next((i for i, part in enumerate(self.parts) if part is self.model), 0)

    def show_presenter(self, index: int) -> SessionModel:
        """Bring presenter ``index`` (0: the first) in hand."""
        self.model = self.parts[index]
        self._changed()
        return self.model

    def next_presenter(self) -> SessionModel | None:
        """The presenter after the one in hand, in hand now (None: this is the last)."""
        index = self.presenter_index + 1
        return self.show_presenter(index) if index < len(self.parts) else None

    def add_presenter(self, presenter: str) -> SessionModel:
        """The meeting's next presenter, in hand now: their own dilemma, category,
        questions and actions, saved as a session of the set in the next turn."""
        first = self.parts[0] if self.parts else self._require()
        session_id = str(uuid.uuid4())
        model = first.later_presenter(session_id, " ".join(presenter.split()), len(self.parts) + 1)
        model.status = first.status
        self.parts.append(model)
        self.model = model
        self.loaded(model)
        saver, meeting_id, coach = self.saver, first.session_id, first.coach
        saver.submit(
            "add presenter",
            lambda store: store.add_presenter(meeting_id, model.presenter, coach, session_id=session_id),
            on_done=lambda detail: saver.track(session_id, detail.version),
        )
        self._changed()
        return model

    def owner_for_actions(self) -> str:
        """Who an action agreed now belongs to unless the coach says otherwise: the
        member presenting ('' for an ordinary session)."""
        model = self.model
        return model.presenter if model is not None else ""

    def leave(self) -> None:
        """The coach leaves the open session (for another one, or quitting): a draft
        with nothing in it is not kept. The store checks again that it is empty, so a
        second window that typed into it meanwhile keeps its text."""
        model = self.parts[0] if self.parts else self.model
        if model is None or model.status != "draft" or not model.is_empty or len(self.parts) > 1:
            return
        session_id = model.session_id
        self.saver.submit("discard empty draft", lambda store: store.discard_empty_draft(session_id))

    def move_to_team(self, team: TeamInfo) -> None:
        """Move an empty draft to another team (nothing to lose)."""
        model = self._require()
        model.team = team
        model.review_items = []
        model.last_session, model.last_later = None, []
        self.saver.save_fields(model.session_id, team_id=team.id)
        self._changed()

    def _require(self) -> SessionModel:
        if self.model is None:
            raise RuntimeError("no session is open")
        return self.model

    # --- versions of the actions this session changes (optimistic versioning) ----------------

    def _book(self) -> dict[str, int]:
        """action id -> the version this session last saw or wrote, for the open meeting.
        The saver thread reads and updates it; each write names it as expected_version."""
        meeting = self.review_model  # one book for all the presenters of a meeting
        if self._versions_of is not meeting:
            self._versions, self._versions_of = {}, meeting
        return self._versions

    def seen(self, action_id: str, version: int, words: tuple[str, str, str] | None = None) -> None:
        """The coach has now seen ``version`` of an action (after a reload), and
        ``words``, its text, owner and prediction (the base of a later keep mine)."""
        self._book()[action_id] = version
        if words is not None:
            self._actions_seen[action_id] = words

    def _conflict(self, *args: Any, **kwargs: Any) -> None:
        """A :class:`Conflict` for the step that made the change (conflicts.py is
        loaded only when a conflict happens, not before the first paint)."""
        from coachtui.session.conflicts import Conflict

        self._on_conflict(Conflict(*args, **kwargs))

    def _session_refused(self, session_id: str, error: BaseException) -> None:
        """Another window or coach saved this session first (saver thread)."""
        self._session_handler("session", session_id, error)

    def _session_lost(self, session_id: str, error: BaseException) -> None:
        """This session is no longer in the database (saver thread)."""
        self._session_handler("lost", session_id, error)

    def _session_handler(self, kind: str, session_id: str, error: BaseException) -> None:
        from coachtui.session.conflicts import Conflict

        handler = self.conflict_handlers.get(kind)
        # any presenter of the open meeting: the UI brings that one in hand to ask
        if handler is None or session_id not in {part.session_id for part in self.parts}:
            # Not the open session: nothing typed on screen is at stake.
            self.saver.resolve(session_id)
            return
        handler(Conflict(kind, session_id, session_id, error))

    def merged_with(self, theirs: SessionModel) -> SessionModel:
        """After a refused write, the coach keeps theirs: :meth:`merge` of ``theirs``."""
        return self.merge(theirs)[0]

    def merge(self, theirs: SessionModel) -> tuple[SessionModel, list[str]]:
        """After a refused write, the coach keeps mine: ``theirs`` (the session as
        another window or a sync saved it, read again) with what this window changed
        and has not saved yet (its fields, the picked questions, completing it) from
        its part of the open meeting, and the names of the texts of theirs that this
        writes over (to be kept in a rescue file first).

        A text field both sides changed is merged line by line against the text this
        window last loaded or saved: changes to different lines are both kept;
        overlapping ones keep mine (and the field is named). A field the other side
        did not change is simply mine, and fields this window never touched keep
        theirs. The actions and reviews (records of their own, with their own
        conflicts) and the step the coach is on stay as they are here."""
        from coachtui.session.merge import merge_lines

        mine = next((part for part in self.parts if part.session_id == theirs.session_id), self.model)
        if mine is None or mine.session_id != theirs.session_id:
            return theirs, []
        unsaved = self.saver.unsaved(theirs.session_id)
        base = self._bases.get(theirs.session_id, {})
        merged = replace(
            theirs,
            actions=list(mine.actions),
            review_items=mine.review_items,
            last_session=mine.last_session,
            step=mine.step,
        )
        replaced: list[str] = []
        for name, store_name in _FIELD_NAMES.items():
            if store_name not in unsaved:
                continue
            value = getattr(mine, name)
            other = getattr(theirs, name)
            if name in _WORDS and value != other:
                known = base.get(store_name)
                both = merge_lines(known, value, other) if isinstance(known, str) else None
                if both is not None:
                    value = both
                elif other.strip():  # theirs changed too, on the lines mine did
                    replaced.append(name)
            elif name == "review_draft" and value != other:
                value, clashed = _merge_waiting(base.get(store_name), value, other)
                if clashed:
                    replaced.append("review notes")
            elif name == "action_draft" and value != other and other and other != base.get(store_name):
                replaced.append("the action being typed")  # one form: mine is on screen
            setattr(merged, name, value)
        if "questions" in unsaved:
            known = base.get("questions")
            if isinstance(known, list):
                merged.questions, clashed = _merge_questions(known, mine.questions, theirs.questions)
                if clashed:
                    replaced.append("question notes")
            else:  # no base to merge on: mine, and theirs rescued
                merged.questions = list(mine.questions)
                if merged.questions != theirs.questions and theirs.questions:
                    replaced.append("questions")
        if "status" in unsaved:
            merged.status = mine.status
        return merged, replaced

    def keep_mine(self, theirs: SessionModel) -> None:
        """After a refused write: save what this window changed and has not saved
        yet, on top of the session as it is now (``theirs``, read after the refusal,
        which this part was merged with: see :meth:`merge`); everything else stays
        as the other window saved it. Any presenter of the open meeting, on screen
        or not."""
        session_id = theirs.session_id
        model = next((part for part in self.parts if part.session_id == session_id), None) or self._require()
        self.loaded(theirs, reviews=False)  # what is on disk now: the base of the next merge
        self.saver.track(session_id, theirs.version)
        self.saver.resolve(session_id)
        unsaved = self.saver.unsaved(session_id)
        fields = {key: value for key, value in self._all_fields(model).items() if key in unsaved}
        if fields:
            self.saver.save_fields(session_id, **fields)
        if "questions" in unsaved:
            self._queue_questions(model)
        if "status" in unsaved and model.status == "completed":
            self._queue_complete(session_id)
        self._changed()

    def keep_as_new_draft(self) -> str:
        """The open session is gone from the database: keep everything on screen as
        a new draft (a new session, for the same team: made again if it is gone
        too). Returns the new session's id."""
        from coachtui.store.errors import NotFound, StoreError

        model = self._require()
        old_id, new_id = model.session_id, str(uuid.uuid4())
        model.session_id, model.status, model.version = new_id, "draft", 0
        model.actions = [replace(a, id=str(uuid.uuid4()), session_id=new_id) for a in model.actions]
        fields = self._all_fields(model)
        questions, actions = list(model.questions), list(model.actions)
        later = model.meeting_id is not None  # a later presenter: the review is the first's
        reviews = [(i.action.id, i.status, i.note, i.learning) for i in model.review_items if i.status and not later]
        team, coach, saver = model.team, model.coach, self.saver
        meeting_id, presenter = model.meeting_id, model.presenter

        def recreate(store: Any) -> tuple[TeamInfo, int]:
            try:
                kept_team = store.get_team(team.id)
            except NotFound:
                kept_team = store.find_team(team.name) or store.create_team(team.name)
            if meeting_id is not None and presenter:
                try:  # a later presenter: kept in the meeting when it is still there
                    store.add_presenter(meeting_id, presenter, coach, session_id=new_id)
                except NotFound:
                    store.start_session(kept_team.id, coach, session_id=new_id)
            else:
                store.start_session(kept_team.id, coach, session_id=new_id)
            store.save_draft(new_id, **fields)
            if questions:
                store.set_questions(new_id, questions)
            for action in actions:
                store.add_action(
                    new_id, action.text, action.owner, action.due, coach, action_id=action.id, prediction=action.prediction
                )
            for action_id, status, note, learning in reviews:
                try:
                    store.record_review(action_id, status, note, session_id=new_id, coach=coach, learning=learning)
                except StoreError:
                    pass  # that earlier action is gone too: the rest is kept
            return kept_team, store.get_session(new_id).version

        def done(result: object) -> None:
            kept_team, version = cast("tuple[TeamInfo, int]", result)
            saver.track(new_id, version)
            if model.team.id != kept_team.id:
                model.team = kept_team

        saver.submit("keep as a new draft", recreate, on_done=done)
        saver.resolve(old_id)
        self._changed()
        return new_id

    @staticmethod
    def _all_fields(model: SessionModel) -> dict[str, Any]:
        return {store_name: getattr(model, name) for name, store_name in _FIELD_NAMES.items()}

    def _on_conflict(self, conflict: Conflict) -> None:
        handler = self.conflict_handlers.get(conflict.kind)
        if handler is None:
            self.saver.resolve(conflict.action_id)
        else:
            handler(conflict)

    # --- fields -------------------------------------------------------------------------

    def set_fields(self, **values: Any) -> None:
        model = self._require()
        changed: dict[str, Any] = {}
        for name, value in values.items():
            if getattr(model, name) != value:
                setattr(model, name, value)
                changed[_FIELD_NAMES[name]] = value
        if changed:
            self.saver.save_fields(model.session_id, **changed)
            self._changed()

    # --- reviews ------------------------------------------------------------------------

    def _review_model(self) -> SessionModel:
        model = self.review_model
        if model is None:
            raise RuntimeError("no session is open")
        return model

    def set_review(self, action_id: str, status: str, note: str | None = None, learning: str | None = None) -> None:
        model = self._review_model()
        item = model.review_item(action_id)
        if item is None:
            return
        item.status = status
        if note is not None:
            item.note = note
        if learning is not None:
            item.learning = learning
        item.reviewed_at = item.reviewed_at or dt.datetime.now(dt.UTC)
        session_id, text, learned, coach = model.session_id, item.note, item.learning, model.coach
        book = self._book()
        book.setdefault(action_id, item.action.version)
        seen = self._reviews_seen

        def written(review: Any) -> None:
            book[action_id] = review.action_version
            seen[(session_id, action_id)] = (review.note, review.learning)

        self.saver.submit(
            "review",
            lambda store: store.record_review(
                action_id,
                status,
                text,
                session_id=session_id,
                coach=coach,
                expected_version=book.get(action_id),
                learning=learned,
                # a review this window never saw words of: refused if it has some
                seen=seen.get((session_id, action_id), ("", "")),
            ),
            on_done=written,
            on_conflict=lambda exc: self._conflict(
                "review", action_id, session_id, exc, status=status, note=text, learning=learned
            ),
            # a note typed key by key: the newest mark replaces one not written yet
            merge_key=f"review:{session_id}:{action_id}",
            record=action_id,
        )
        self._changed()

    def merge_review(
        self, action_id: str, mine: tuple[str, str], theirs: tuple[str, str]
    ) -> tuple[tuple[str, str], list[str]]:
        """Keep mine on a review another window changed first: this window's note and
        learning (``mine``) merged line by line with the ones now saved (``theirs``)
        against the ones this window last saw. Returns the words to save and the
        names of the texts of theirs written over (overlapping changes keep mine:
        the caller keeps theirs in a rescue file). Theirs count as seen from now on."""
        from coachtui.session.merge import merge_lines

        session_id = self._review_model().session_id
        base = self._reviews_seen.get((session_id, action_id), ("", ""))
        words: list[str] = []
        replaced: list[str] = []
        for name, known, yours, other in zip(("note", "learning"), base, mine, theirs, strict=True):
            both = merge_lines(known, yours, other)
            if both is None:
                both = yours
                if other.strip():
                    replaced.append(name)
            words.append(both)
        self._reviews_seen[(session_id, action_id)] = theirs
        return (words[0], words[1]), replaced

    def set_review_note(self, action_id: str, note: str, learning: str | None = None) -> None:
        """Change the note (what happened) of this session's review of an action, and
        for a test of change what was learned (once it has a status)."""
        model = self._review_model()
        item = model.review_item(action_id)
        if item is None or item.status is None:
            return
        if item.note == note and (learning is None or item.learning == learning):
            return
        self.set_review(action_id, item.status, note, learning)

    def clear_review(self, action_id: str) -> None:
        model = self._review_model()
        item = model.review_item(action_id)
        if item is None or item.status is None:
            return
        item.status = None
        item.reviewed_at = None
        session_id = model.session_id
        book = self._book()
        self._reviews_seen.pop((session_id, action_id), None)  # the review is gone

        def undo(store: Any) -> int:
            store.clear_review(action_id, session_id)
            return int(store.get_action(action_id).version)  # the undo may change its status

        self.saver.submit("undo review", undo, on_done=lambda version: book.__setitem__(action_id, version))
        self._changed()

    # --- questions ----------------------------------------------------------------------

    def set_questions(self, questions: list[PickedQuestionInfo]) -> None:
        model = self._require()
        model.questions = [replace(q, position=i) for i, q in enumerate(questions)]
        self._queue_questions(model)
        self._changed()

    def set_question_note(self, question_id: str, note: str) -> None:
        """The note beside a picked question, as it is typed (saved like the dilemma)."""
        model = self._require()
        if any(q.question_id == question_id and q.note != note for q in model.questions):
            self.set_questions([replace(q, note=note) if q.question_id == question_id else q for q in model.questions])

    def _queue_questions(self, model: SessionModel) -> None:
        """Save the picked questions as they are now. A newer list replaces one not
        written yet (typing a note is one write per pause, not per keystroke)."""
        snapshot, session_id = list(model.questions), model.session_id
        self.saver.submit_session(
            "questions",
            session_id,
            lambda store, version: store.set_questions(session_id, snapshot, expected_version=version),
            on_done=lambda _result: self._fields_written(session_id, {"questions": snapshot}),
            merge_key=f"questions:{session_id}",
            touches=("questions",),
        )

    def add_custom_question(self, text: str, category: str | None, coach: str) -> CustomQuestionInfo:
        from coachtui.store.types import CustomQuestionInfo

        cleaned = " ".join(text.split())
        for existing in self.custom_questions:
            if existing.text == cleaned:
                return existing
        question = CustomQuestionInfo(
            id=str(uuid.uuid4()), text=cleaned, category=category, coach=coach, created_at=dt.datetime.now(dt.UTC)
        )
        self.custom_questions.append(question)
        self.saver.submit(
            "new question",
            lambda store: store.add_custom_question(cleaned, category, coach, question_id=question.id),
        )
        return question

    def edit_custom_question(self, question_id: str, text: str) -> None:
        """Reword one of the coach's own questions; the open session's copy follows
        (earlier sessions keep the words they asked it with)."""
        cleaned = " ".join(text.split())
        self.custom_questions = [
            replace(q, text=cleaned) if q.id == question_id else q for q in self.custom_questions
        ]
        self.saver.submit("edit question", lambda store: store.update_custom_question(question_id, cleaned))
        model = self.model
        if model is not None and any(q.question_id == question_id for q in model.questions):
            self.set_questions([replace(q, text=cleaned) if q.question_id == question_id else q for q in model.questions])

    def delete_custom_question(self, question_id: str) -> None:
        """Delete one of the coach's own questions for good. A session that picked it
        keeps its copy."""
        self.custom_questions = [q for q in self.custom_questions if q.id != question_id]
        self.saver.submit("delete question", lambda store: store.delete_custom_question(question_id))

    # --- actions ------------------------------------------------------------------------

    def add_action(self, text: str, owner: str, due: dt.date | None, prediction: str = "") -> ActionInfo:
        """Agree an action; with a ``prediction`` ("we expect…") it is a test of change."""
        from coachtui.store.types import ActionInfo

        model = self._require()
        now = dt.datetime.now(dt.UTC)
        action = ActionInfo(
            id=str(uuid.uuid4()),
            team_id=model.team.id,
            session_id=model.session_id,
            text=text.strip(),
            owner=owner.strip(),
            due=due,
            status="open",
            position=len(model.actions),
            created_at=now,
            updated_at=now,
            team_name=model.team.name,
            prediction=prediction.strip(),
        )
        model.actions.append(action)
        self._actions_seen[action.id] = (action.text, action.owner, action.prediction)
        # The form it was typed in is empty now: its saved draft is emptied by the same
        # write that adds the action (never one without the other, whenever a crash comes).
        model.action_draft = ""
        session_id, coach = model.session_id, model.coach
        self.saver.submit(
            "action",
            lambda store: store.add_action(
                session_id,
                action.text,
                action.owner,
                action.due,
                coach,
                action_id=action.id,
                from_form=True,
                prediction=action.prediction,
            ),
        )
        self._changed()
        return action

    def update_action(
        self, action_id: str, text: str, owner: str, due: dt.date | None, prediction: str | None = None
    ) -> None:
        """Change an action (``prediction`` None: as it was; '': no longer a test)."""
        model = self._require()
        current = next((a for a in model.actions if a.id == action_id), None)
        if current is None:
            return
        predicted = current.prediction if prediction is None else prediction.strip()
        updated = replace(current, text=text.strip(), owner=owner.strip(), due=due, prediction=predicted)
        model.replace_action(updated)
        book, session_id, seen = self._book(), model.session_id, self._actions_seen
        book.setdefault(action_id, current.version)

        def written(info: Any) -> None:
            book[action_id] = info.version
            seen[action_id] = (info.text, info.owner, info.prediction)

        self.saver.submit(
            "edit action",
            lambda store: store.update_action(
                action_id,
                text=updated.text,
                owner=updated.owner,
                due=due,
                prediction=predicted,
                expected_version=book.get(action_id),
            ),
            on_done=written,
            on_conflict=lambda exc: self._conflict(
                "edit", action_id, session_id, exc, text=updated.text, owner=updated.owner, due=due, prediction=predicted
            ),
            record=action_id,
        )
        self._changed()

    def merge_action(
        self, action_id: str, mine: tuple[str, str, str], theirs: tuple[str, str, str]
    ) -> tuple[tuple[str, str, str], list[str]]:
        """Keep mine on an action another window changed first: this window's text,
        owner and prediction merged with the ones now saved (``theirs``), each line by
        line against what this window last saw of it; a word this window did not
        change is theirs. Returns what to save and the names of the texts of theirs
        written over (overlapping changes keep mine: the caller keeps theirs in a
        rescue file). Theirs count as seen from now on."""
        from coachtui.session.merge import merge_lines

        base = self._actions_seen.get(action_id, theirs)
        words: list[str] = []
        replaced: list[str] = []
        for name, known, yours, other in zip(("text", "owner", "prediction"), base, mine, theirs, strict=True):
            both = merge_lines(known, yours, other)
            if both is None:
                both = yours
                if other.strip():
                    replaced.append("action" if name == "text" else name)
            words.append(both)
        self._actions_seen[action_id] = theirs
        return (words[0], words[1], words[2]), replaced

    def action_seen(self, action_id: str) -> tuple[str, str, str] | None:
        """The action's text, owner and prediction as this window last saw them."""
        return self._actions_seen.get(action_id)

    def remove_action(self, action_id: str) -> None:
        model = self._require()
        current = next((a for a in model.actions if a.id == action_id), None)
        model.actions = [a for a in model.actions if a.id != action_id]
        book, session_id = self._book(), model.session_id
        if current is not None:
            book.setdefault(action_id, current.version)
        self.saver.submit(
            "remove action",
            lambda store: store.remove_action(action_id, expected_version=book.get(action_id)),
            on_conflict=lambda exc: self._conflict("remove", action_id, session_id, exc),
            record=action_id,
        )
        self._changed()

    # --- completing -----------------------------------------------------------------------

    def complete(self) -> list[str]:
        """Complete the session (a meeting: every presenter's part); returns what is
        missing (nothing completed) if anything."""
        model = self._require()
        parts = self.parts or [model]
        missing = self.missing_for_completion()
        if missing:
            return missing
        for part in parts:
            part.status = "completed"
            part.step = "summary"
            self._queue_complete(part.session_id)
        self._changed()
        return []

    def missing_for_completion(self) -> list[str]:
        """What the open session (a meeting: each presenter's part) still needs."""
        parts = self.parts or ([self.model] if self.model is not None else [])
        return [
            f"{need} for {part.presenter}" if len(parts) > 1 and part.presenter else need
            for part in parts
            for need in part.missing_for_completion()
        ]

    def _queue_complete(self, session_id: str) -> None:
        self.saver.submit_session(
            "complete",
            session_id,
            lambda store, version: store.complete_session(session_id, expected_version=version),
            touches=("status",),
        )
