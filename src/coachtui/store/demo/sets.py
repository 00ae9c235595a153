"""An action learning set for the demo: a regional group of healthcare quality leads
who meet every four weeks, each meeting opening with progress on every member's
actions and then three members presenting an issue in turn.

Written through the store's own calls (so it is exactly what the app would write),
with the store's clock stepped back to each meeting's day meanwhile. Invented names
and words, in the project's own words.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coachtui.store.types import PickedQuestionInfo

if TYPE_CHECKING:
    from coachtui.store.api import Store

SET_NAME = "Northern quality leads (action learning set)"
MEMBERS = ("Priya Nair", "Tom Hughes", "Grace Mensah", "Owen Price", "Leah Brooks")
LEFT = "Owen Price"  # moved to another region after the second meeting
COACH = "Demo coach"

# (presenter, title, dilemma, category, [(question id, question text)], [actions])
Turn = tuple[str, str, str, str, list[tuple[str, str]], list[str]]
MEETINGS: tuple[tuple[Turn, ...], ...] = (
    (
        ("Priya Nair", "Handover delays in the emergency department",
         "Ambulance handovers take over an hour most evenings. Everyone agrees it matters, "
         "but each unit says the block is somewhere else.", "environment",
         [("set-where", "Where does the flow stop, on the evenings it is worst?")],
         ["Walk the handover route with the bed manager one evening", "Plot handover times for four weeks"]),
        ("Tom Hughes", "Community nurses do not test their ideas",
         "The district nursing teams have plenty of ideas but go straight to a new policy "
         "each time; nothing is tried small first.", "learning",
         [("set-small", "What would a test by one nurse on one round look like?")],
         ["Agree one small test with the Westfield team"]),
        ("Owen Price", "Midwives quiet in the safety huddle",
         "Junior midwives rarely speak in the safety huddle; the consultants talk most.", "relational",
         [("set-voice", "Who speaks first in the huddle, and who decides that?")],
         ["Ask two junior midwives what would help them speak"]),
    ),
    (
        ("Grace Mensah", "No time for improvement on the wards",
         "Ward managers say improvement work is the first thing dropped when staffing is short.",
         "environment",
         [("set-protect", "What would protect one hour a week, and who could grant it?")],
         ["Raise protected time at the divisional board"]),
        ("Leah Brooks", "Run charts nobody reads",
         "Practices send monthly data but no one looks at the run charts in the meetings.",
         "capability",
         [("set-read", "What would make the chart the first thing discussed?")],
         ["Show one practice how to annotate its run chart"]),
        ("Priya Nair", "Handover times: the data is in",
         "Four weeks of handover times show the delays cluster after 18:00 when the discharge "
         "lounge closes.", "capability",
         [("set-next", "What is the smallest change to test on the lounge hours?")],
         ["Test keeping the discharge lounge open until 20:00 on two weekdays"]),
    ),
    (
        ("Tom Hughes", "The first small test worked",
         "The Westfield test halved missed visits; other teams now want to copy the change "
         "without testing it in their own area.", "learning",
         [("set-spread", "What would each team need to learn for itself before adopting it?")],
         ["Ask two more teams to run their own small test first", "Share the Westfield run chart"]),
        ("Grace Mensah", "The board said yes, the wards say no",
         "Protected time was agreed, but ward managers feel they cannot take it.", "relational",
         [("set-permission", "Whose permission do the ward managers feel they still need?")],
         ["Meet the ward managers with the matron present"]),
        ("Leah Brooks", "Annotated charts, and what next",
         "One practice now annotates its run chart and talks about it; the others are waiting "
         "to see if it lasts.", "learning",
         [("set-last", "What would tell you that it is lasting?")],
         ["Check in with the practice after two more months"]),
    ),
)
OUTCOMES = ("done", "in_progress", "done", "stuck", "done", "dropped")


def add_demo_set(store: Store, today: dt.date | None = None, *, seed: int | None = None) -> str:
    """Add the demo's action learning set (three meetings, four weeks apart, the last
    two weeks ago); returns the team's id. With ``seed``, its ids come from it (the
    same seed and day give the same rows)."""
    if seed is None:
        return _add_demo_set(store, today)
    import random
    import uuid

    from coachtui.store.db.models import ids_from

    ids = random.Random(seed)
    with ids_from(lambda: str(uuid.UUID(int=ids.getrandbits(128), version=4))):
        return _add_demo_set(store, today)


def _add_demo_set(store: Store, today: dt.date | None) -> str:
    today = today or dt.date.today()
    start = dt.datetime.combine(today, dt.time(14, 0), tzinfo=dt.UTC) - dt.timedelta(weeks=2 + 4 * (len(MEETINGS) - 1))
    moment = [start]
    real_clock = store.db.clock

    def clock() -> dt.datetime:
        moment[0] += dt.timedelta(seconds=20)
        return moment[0]

    store.db.clock = clock
    try:
        team = store.create_team(SET_NAME, COACH)
        for name in MEMBERS:
            team = store.add_member(team.id, name)
        open_actions: list[str] = []
        for number, meeting in enumerate(MEETINGS):
            moment[0] = start + dt.timedelta(weeks=4 * number)
            first_id = ""
            parts: list[str] = []
            for turn, (presenter, title, dilemma, category, questions, actions) in enumerate(meeting):
                part = (
                    store.start_session(team.id, COACH)
                    if turn == 0
                    else store.add_presenter(first_id, presenter, COACH)
                )
                if turn == 0:
                    first_id = part.id
                    for index, action_id in enumerate(open_actions):  # progress on every member's actions
                        store.record_review(
                            action_id, OUTCOMES[(index + number) % len(OUTCOMES)], "",
                            session_id=first_id, coach=COACH,
                        )
                    open_actions = []
                parts.append(part.id)
                store.save_draft(part.id, presenter=presenter, title=title, dilemma=dilemma,
                                 primary_category=category, suggested_category=category)
                store.set_questions(part.id, [PickedQuestionInfo(qid, text, "custom") for qid, text in questions])
                for text in actions:
                    due = (moment[0] + dt.timedelta(weeks=4)).date()
                    open_actions.append(store.add_action(part.id, text, presenter, due, COACH).id)
            for ident in parts:
                store.complete_session(ident)
            if number == 1:
                store.member_left(team.id, LEFT, left=moment[0].date() + dt.timedelta(days=7))
        return team.id
    finally:
        store.db.clock = real_clock
