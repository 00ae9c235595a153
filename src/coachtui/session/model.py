"""The session being run, as the UI holds it (plain Python, no Textual).

The steps read and change this model; every change is also queued for saving.
The summary is rendered from the model, so it always shows what is on screen,
even while a save is still on its way to the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store's types load with the store, after the first paint
    from coachtui.store.api import Store
    from coachtui.store.types import (
        ActionInfo,
        PickedQuestionInfo,
        ReviewInfo,
        SessionDetail,
        TeamInfo,
    )

STEPS: tuple[tuple[str, str], ...] = (
    ("team", "Team"),
    ("review", "Review"),
    ("dilemma", "Dilemma"),
    ("category", "Category"),
    ("questions", "Questions"),
    ("actions", "Actions"),
    ("summary", "Summary"),
)
STEP_IDS: tuple[str, ...] = tuple(step for step, _ in STEPS)
STEP_TITLES: dict[str, str] = dict(STEPS)


@dataclass(slots=True)
class ReviewItem:
    """An earlier action on the review list, with this session's review of it."""

    action: ActionInfo
    status: str | None = None
    note: str = ""  # what happened
    reviewed_at: dt.datetime | None = None
    learning: str = ""  # what was learned (a test of change)


@dataclass(slots=True)
class SessionModel:
    session_id: str
    team: TeamInfo
    coach: str = ""
    status: str = "draft"
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    title: str = ""
    dilemma: str = ""
    context: str = ""
    primary: str | None = None
    secondary: str | None = None
    unsure: bool = False
    suggested: str | None = None
    suggestion_reasons: list[str] = field(default_factory=list)
    questions: list[PickedQuestionInfo] = field(default_factory=list)
    actions: list[ActionInfo] = field(default_factory=list)
    review_items: list[ReviewItem] = field(default_factory=list)
    last_session: SessionDetail | None = None
    # when the team's last session was a set's meeting: its later presenters, in turn
    last_later: list[SessionDetail] = field(default_factory=list)
    step: str = "review"
    # the action half-typed in the Actions step (JSON), saved as it is typed
    action_draft: str = ""
    review_draft: str = ""  # review notes typed before their mark: {action id: note} as JSON
    # the summary step's "what we learned today"
    insight: str = ""
    # the session's version when read (0: a new session, not read from the store)
    version: int = 0
    # A meeting of an action learning set: the member presenting, their turn, and for
    # a later presenter the id of the meeting's first session (see SessionController)
    presenter: str = ""
    turn: int = 1
    meeting_id: str | None = None

    @classmethod
    def from_detail(
        cls,
        detail: SessionDetail,
        team: TeamInfo,
        to_review: list[tuple[ActionInfo, ReviewInfo | None]],
        last_session: SessionDetail | None,
        last_later: list[SessionDetail] | None = None,
    ) -> SessionModel:
        return cls(
            session_id=detail.id,
            team=team,
            coach=detail.coach,
            status=detail.status,
            created_at=detail.created_at,
            title=detail.title,
            dilemma=detail.dilemma,
            context=detail.context,
            insight=detail.insight,
            primary=detail.primary_category,
            secondary=detail.secondary_category,
            unsure=detail.category_unsure,
            suggested=detail.suggested_category,
            suggestion_reasons=list(detail.suggestion_reasons),
            questions=list(detail.questions),
            actions=list(detail.actions),
            review_items=[
                ReviewItem(
                    action=action,
                    status=review.status if review else None,
                    note=review.note if review else "",
                    reviewed_at=review.created_at if review else None,
                    learning=review.learning if review else "",
                )
                for action, review in to_review
            ],
            last_session=last_session,
            last_later=list(last_later or []),
            step=detail.step if detail.step in STEP_IDS else "review",
            action_draft=detail.action_draft,
            review_draft=detail.review_draft,
            version=detail.version,
            presenter=detail.presenter,
            turn=detail.turn,
            meeting_id=detail.meeting_id,
        )

    @classmethod
    def load(cls, store: Store, session_id: str) -> SessionModel:
        """Everything the steps show of a saved session (read in a worker or the saver
        thread): the session, its team, the earlier actions it reviews and the team's
        session before it."""
        detail = store.get_session(session_id)
        team = store.get_team(detail.team_id)
        to_review = store.actions_to_review(session_id)
        last = store.last_session(team.id, before=session_id)
        return cls.from_detail(detail, team, to_review, last, last_meeting_later(store, last))

    @classmethod
    def load_meeting(cls, store: Store, session_id: str) -> list[SessionModel]:
        """Every presenter of the meeting ``session_id`` belongs to, in turn order (one
        model for an ordinary session). The later presenters share the first one's
        review list and last session: a meeting reviews once."""
        ids = [detail.id for detail in store.meeting(session_id)]
        first = cls.load(store, ids[0])
        parts = [first]
        for ident in ids[1:]:
            parts.append(cls.from_detail(store.get_session(ident), first.team, [], first.last_session, first.last_later))
            parts[-1].review_items = first.review_items
        return parts

    def later_presenter(self, session_id: str, presenter: str, turn: int) -> SessionModel:
        """A new later presenter of this meeting (this is its first presenter)."""
        return SessionModel(
            session_id=session_id,
            team=self.team,
            coach=self.coach,
            review_items=self.review_items,
            last_session=self.last_session,
            last_later=self.last_later,
            step="dilemma",
            presenter=presenter,
            turn=turn,
            meeting_id=self.session_id,
        )

    # --- what the step bar shows ---------------------------------------------------

    def has_content(self, step: str) -> bool:
        if step == "team":
            return True
        if step == "review":
            return any(item.status for item in self.review_items)
        if step == "dilemma":
            return bool(self.title.strip() or self.dilemma.strip() or self.context.strip())
        if step == "category":
            return bool(self.primary or self.unsure)
        if step == "questions":
            return bool(self.questions)
        if step == "actions":
            return bool(self.actions)
        return self.status == "completed"

    def missing_for_completion(self) -> list[str]:
        return [] if self.dilemma.strip() else ["a dilemma"]

    @property
    def is_empty(self) -> bool:
        """Nothing typed or decided yet (safe to move to another team)."""
        return not (
            self.title.strip()
            or self.dilemma.strip()
            or self.context.strip()
            or self.primary
            or self.unsure
            or self.questions
            or self.actions
            or self.action_draft
            or self.review_draft
            or self.insight.strip()
            or self.presenter.strip()
            or any(item.status for item in self.review_items)
        )

    # --- edits ----------------------------------------------------------------------

    def replace_action(self, updated: ActionInfo) -> None:
        self.actions = [updated if a.id == updated.id else a for a in self.actions]

    def review_item(self, action_id: str) -> ReviewItem | None:
        return next((item for item in self.review_items if item.action.id == action_id), None)

    def drafts_markdown(self) -> str:
        """What is typed here and is no record yet, as Markdown for a rescue file:
        review notes waiting for their mark and the action half typed ('' if none)."""
        import json

        out: list[str] = []
        try:
            waiting = json.loads(self.review_draft) if self.review_draft else {}
        except ValueError:
            waiting = {}
        if isinstance(waiting, dict) and waiting:
            texts = {item.action.id: item.action.text for item in self.review_items}
            out += ["## Review notes waiting for their mark", ""]
            out += [f"- {texts.get(str(key), 'An earlier action')}: {note}" for key, note in waiting.items() if note]
            out.append("")
        try:
            form = json.loads(self.action_draft) if self.action_draft else {}
        except ValueError:
            form = {}
        if isinstance(form, dict):
            typed = [f"- {key}: {form[key]}" for key in ("text", "owner", "due", "prediction") if form.get(key)]
            if typed:
                out += ["## The action being typed", "", *typed, ""]
        return "\n".join(out)

    def to_detail(self) -> SessionDetail:
        """A SessionDetail of what is on screen now (for the Markdown summary)."""
        from coachtui.store.types import ReviewedAction, ReviewInfo, SessionDetail

        now = dt.datetime.now(dt.UTC)
        reviews = tuple(
            ReviewedAction(
                action=replace(item.action, status=item.status or item.action.status),
                review=ReviewInfo(
                    id="",
                    action_id=item.action.id,
                    session_id=self.session_id,
                    status=item.status,
                    note=item.note,
                    coach=self.coach,
                    created_at=item.reviewed_at or now,
                    learning=item.learning,
                ),
            )
            for item in self.review_items
            if item.status and self.meeting_id is None  # a meeting's review is its first presenter's
        )
        return SessionDetail(
            id=self.session_id,
            team_id=self.team.id,
            team_name=self.team.name,
            coach=self.coach,
            title=self.title,
            dilemma=self.dilemma,
            context=self.context,
            status=self.status,
            primary_category=self.primary,
            secondary_category=self.secondary,
            category_unsure=self.unsure,
            suggested_category=self.suggested,
            suggestion_reasons=tuple(self.suggestion_reasons),
            step=self.step,
            created_at=self.created_at,
            updated_at=now,
            completed_at=None,
            version=0,
            presenter=self.presenter,
            turn=self.turn,
            meeting_id=self.meeting_id,
            questions=tuple(self.questions),
            actions=tuple(self.actions),
            reviews=reviews,
            insight=self.insight,
        )


def last_meeting_later(store: Store, last: SessionDetail | None) -> list[SessionDetail]:
    """The later presenters of the team's last session when it was a set's meeting
    ([] otherwise): the review step looks back on every presenter."""
    if last is None:
        return []
    return store.meeting(last.id)[1:]
