"""The store's basic values: the statuses, the app's limits, and a team as the team
list shows it. They are what the first screen needs (the team list, read before the
store opens, and the settings' checks): apart from types.py, whose two dozen other
dataclasses took ~17 ms to import before the first paint (each frozen dataclass
compiles its methods as it is defined). types.py re-exports all of them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TypedDict

__all__ = [
    "ACTION_STATUSES",
    "REVIEW_STATUSES",
    "OPEN_STATUSES",
    "STEPS",
    "STATUS_LABELS",
    "DRAFT_TEXT_FIELDS",
    "TEAM_NAME_MAX",
    "COACH_NAME_MAX",
    "ACTION_TEXT_MAX",
    "OWNER_MAX",
    "NOTE_MAX",
    "PREDICTION_MAX",
    "QUESTION_MAX",
    "MEMBER_NAME_MAX",
    "MEMBERS_MAX",
    "LOCAL_DRAFTS",
    "FIELD_LIMITS",
    "ActionWords",
    "Member",
    "members_from_json",
    "members_to_json",
    "TeamInfo",
]

ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "stuck", "done", "dropped")
REVIEW_STATUSES: tuple[str, ...] = ("done", "in_progress", "stuck", "dropped")
OPEN_STATUSES: tuple[str, ...] = ("open", "in_progress", "stuck")
# The steps of a coaching session, in order (a draft remembers where the coach was).
STEPS: tuple[str, ...] = ("team", "review", "dilemma", "category", "questions", "actions", "summary")
STATUS_LABELS: dict[str, str] = {
    "open": "open",
    "in_progress": "in progress",
    "stuck": "stuck",
    "done": "done",
    "dropped": "dropped",
}

# --- the app's limits -------------------------------------------------------------------
# The longest text, in characters, each field may hold. This is the one table of them:
# the UI's fields, the store's methods and ``coachtui import`` all check these numbers,
# so an import can never bring in what the app itself would refuse.

# Session fields that save_draft accepts, with the longest value each may hold.
DRAFT_TEXT_FIELDS: dict[str, int] = {
    "title": 10_000,
    "dilemma": 2_000_000,
    "context": 2_000_000,
    # the action half-typed in the Actions step (JSON: text, owner, due, editing)
    "action_draft": 2_000_000,
    "review_draft": 2_000_000,  # review notes typed before their mark (JSON), kept here only
    # the summary step's "what we learned today": a line or two (migration 0010)
    "insight": 4_000,
}
TEAM_NAME_MAX = 80
COACH_NAME_MAX = 80  # a coach's name, as the app asks for it (and the settings file keeps it)
ACTION_TEXT_MAX = 100_000
OWNER_MAX = 200
NOTE_MAX = 1_000_000  # a note on a picked question, or on an action's review
PREDICTION_MAX = 100_000  # what a test of change is expected to do
QUESTION_MAX = 2_000  # a question's text (the coach's own, or the question bank's)
MEMBER_NAME_MAX = OWNER_MAX  # a set member's name (it becomes their actions' owner)
MEMBERS_MAX = 100  # members a set can have, past and present

# A session's working state on this laptop (the half-typed action, review notes typed
# before their mark): saved as typed, never exported and never synced.
LOCAL_DRAFTS = frozenset({"action_draft", "review_draft"})

# (list in an export file, field) -> the longest text the app accepts there.
FIELD_LIMITS: dict[tuple[str, str], int] = {
    ("teams", "name"): TEAM_NAME_MAX,
    ("teams", "coach"): COACH_NAME_MAX,
    ("teams", "updated_by"): COACH_NAME_MAX,
    # (the half-typed action never leaves the laptop, so no export holds it)
    **{("sessions", name): limit for name, limit in DRAFT_TEXT_FIELDS.items() if name not in LOCAL_DRAFTS},
    ("sessions", "coach"): COACH_NAME_MAX,
    ("sessions", "updated_by"): COACH_NAME_MAX,
    ("sessions", "presenter"): MEMBER_NAME_MAX,
    ("teams", "members"): MEMBERS_MAX * (MEMBER_NAME_MAX + 40),
    ("picked_questions", "text"): QUESTION_MAX,
    ("picked_questions", "note"): NOTE_MAX,
    ("custom_questions", "text"): QUESTION_MAX,
    ("custom_questions", "coach"): COACH_NAME_MAX,
    ("actions", "text"): ACTION_TEXT_MAX,
    ("actions", "owner"): OWNER_MAX,
    ("actions", "coach"): COACH_NAME_MAX,
    ("actions", "updated_by"): COACH_NAME_MAX,
    ("actions", "prediction"): PREDICTION_MAX,
    ("action_reviews", "note"): NOTE_MAX,
    ("action_reviews", "learning"): NOTE_MAX,
    ("action_reviews", "coach"): COACH_NAME_MAX,
}


class ActionWords(TypedDict, total=False):
    """An action's own words after its text and owner, by name, as the store's
    ``add_action`` and ``update_action`` take them (None in an update: leave it as it
    is). A new text field of actions is one line here: the store checks it against
    its ``FIELD_LIMITS`` line, writes it and passes it on without naming it again."""

    prediction: str | None  # what a test of change is expected to do ("we expect…")


@dataclass(frozen=True, slots=True)
class Member:
    """A member of an action learning set; ``left``: the day they left (None: still in
    the set). Kept after they leave, so their actions and turns keep their name.
    ``changed``: when they last joined, left or came back (UTC, ISO text; '' when not
    known): sync merges a set's members one by one, and a member changed on two
    laptops keeps the later change (a coach who marked someone left and then back
    changed them, though they look as before)."""

    name: str
    left: dt.date | None = None
    changed: str = field(default="", compare=False)

    @property
    def current(self) -> bool:
        return self.left is None


def members_from_json(text: str) -> tuple[Member, ...]:
    """A team's ``members`` column read back ('' or bad JSON: no members)."""
    try:
        raw = json.loads(text) if text.strip() else []
    except ValueError:
        return ()
    found: list[Member] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            continue
        left = item.get("left") or None
        try:
            day = dt.date.fromisoformat(str(left)) if left else None
        except ValueError:
            day = None
        found.append(Member(" ".join(str(item["name"]).split()), day, str(item.get("changed") or "")))
    return tuple(found)


def members_to_json(members: tuple[Member, ...] | list[Member]) -> str:
    """The ``members`` column for these members ('' when there are none)."""
    if not members:
        return ""
    return json.dumps([_member_json(m) for m in members], ensure_ascii=False)


def _member_json(member: Member) -> dict[str, str]:
    found = {"name": member.name, "left": member.left.isoformat() if member.left else ""}
    if member.changed:
        found["changed"] = member.changed
    return found


@dataclass(frozen=True, slots=True)
class TeamInfo:
    id: str
    name: str
    archived: bool
    created_at: dt.datetime
    last_session_at: dt.datetime | None = None
    open_actions: int = 0
    session_count: int = 0
    coach: str = ""
    # pass as expected_version to rename/archive/delete_team (optimistic versioning)
    version: int = 1
    updated_by: str = ""
    # an action learning set's members, past and present (empty: an ordinary team)
    members: tuple[Member, ...] = ()

    @property
    def is_set(self) -> bool:
        """An action learning set: a team with named members."""
        return bool(self.members)

    @property
    def current_members(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.members if m.current)
