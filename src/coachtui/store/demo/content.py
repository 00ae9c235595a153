"""Fragments the demo-data generator composes sessions from (written for coachtui).

Settings (schools, clinics, wards, districts, colleges, family services) each bring
their own people, measures and changes; the four categories each bring problems,
titles and actions. Sentences use ``{staff}``, ``{clients}``, ``{lead}``,
``{measure}``, ``{change}``, ``{meeting}``, ``{unit}`` and ``{weeks}`` slots, filled
from the team's setting. A few rare details appear in a handful of sessions only, so
searches for uncommon words have something to find.
"""

from __future__ import annotations

PLACES = (
    "Ashbrook", "Bramley", "Cedar Vale", "Dunmore", "Elmstead", "Fernhill", "Glenross", "Hartwell",
    "Ivydene", "Juniper Park", "Kingsmead", "Larchfield", "Millbrook", "Northgate", "Oakleigh",
    "Pinewood", "Queensway", "Riverside", "Stonebridge", "Thornbury", "Upton Heath", "Valley Road",
    "Westcliff", "Yarrow", "Alder Green", "Beacon Hill", "Copperfield", "Darnley", "Eastfield",
    "Foxhollow", "Greystones", "Hollins", "Kestrel Way", "Lindenhurst", "Meadowbank", "Newlands",
    "Orchard Lane", "Parkside", "Redcliffe", "Saltmarsh", "Tanners Cross", "Willowmere", "Brackenfield",
    "Castlegate", "Harbourside", "Marlow Vale", "Southmead", "Bellfield", "Crossways", "Holloway",
)

# name patterns, and the words the dilemmas use, per setting
SETTINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "school": {
        "names": ("{place} Primary School", "{place} Academy", "{place} High School", "{place} Junior School"),
        "staff": ("teachers", "teaching assistants", "year leads", "maths teachers"),
        "clients": ("pupils", "families", "Year 7 pupils"),
        "lead": ("the head teacher", "the deputy head", "the governors"),
        "measure": ("reading ages", "attendance", "homework completion", "behaviour referrals", "quiz scores"),
        "change": ("a new starter routine", "peer reading pairs", "a homework club", "exit tickets",
                   "a calmer lunchtime rota"),
        "meeting": ("the Monday briefing", "the staff meeting", "the department huddle"),
        "unit": ("school", "year group", "department"),
    },
    "clinic": {
        "names": ("{place} Health Centre", "{place} Family Clinic", "{place} Medical Practice"),
        "staff": ("nurses", "receptionists", "GPs", "pharmacists"),
        "clients": ("patients", "carers", "people on the diabetes register"),
        "lead": ("the practice manager", "the senior partner", "the clinical lead"),
        "measure": ("missed appointments", "waiting times", "prescription errors", "call-back times",
                    "same-day access"),
        "change": ("a text reminder", "a same-day triage slot", "a new check-in script", "a shared task list"),
        "meeting": ("the lunchtime huddle", "the practice meeting", "the Thursday catch-up"),
        "unit": ("practice", "front desk", "clinic"),
    },
    "ward": {
        "names": ("Ward {n} ({specialty})", "{place} Hospital Ward {n}", "{specialty} Unit, {place}"),
        "staff": ("nurses", "healthcare assistants", "night staff", "junior doctors"),
        "clients": ("patients", "relatives", "older patients"),
        "lead": ("the ward manager", "matron", "the divisional director"),
        "measure": ("falls at night", "medication round delays", "pressure ulcer checks",
                    "discharges before noon", "observation timeliness"),
        "change": ("intentional rounding", "a safety huddle at shift change", "a discharge checklist",
                   "bay nursing"),
        "meeting": ("the shift handover", "the safety huddle", "the ward meeting"),
        "unit": ("ward", "bay", "shift"),
    },
    "district": {
        "names": ("{place} District Office", "{place} School District", "{place} Learning Trust"),
        "staff": ("school leaders", "attendance officers", "coordinators", "principals"),
        "clients": ("schools", "families", "ninth graders"),
        "lead": ("the superintendent", "the chief academic officer", "the board"),
        "measure": ("chronic absence", "on-track rates", "teacher vacancies", "suspension numbers"),
        "change": ("a shared attendance protocol", "coaching cycles for new principals", "a family outreach call"),
        "meeting": ("the monthly principals' meeting", "the cabinet meeting", "the network convening"),
        "unit": ("district", "network", "cluster of schools"),
    },
    "college": {
        "names": ("{place} Community College", "{place} College", "{place} Sixth Form College"),
        "staff": ("lecturers", "advisers", "maths tutors", "student services staff"),
        "clients": ("students", "first-year students", "evening learners"),
        "lead": ("the dean", "the vice principal", "the head of faculty"),
        "measure": ("course completion", "first-term retention", "gateway maths pass rates",
                    "advising appointments kept"),
        "change": ("an early alert system", "co-requisite support sessions", "a first-week welcome call"),
        "meeting": ("the department meeting", "the faculty forum", "the advising huddle"),
        "unit": ("college", "faculty", "course team"),
    },
    "services": {
        "names": ("{place} Family Services", "{place} Community Team", "{place} Early Help Hub"),
        "staff": ("caseworkers", "family support workers", "duty workers", "admin staff"),
        "clients": ("families", "young carers", "new referrals"),
        "lead": ("the service manager", "the team leader", "the commissioners"),
        "measure": ("days to first visit", "missed home visits", "case notes completed on time",
                    "re-referral rates"),
        "change": ("a joint visit plan", "a shared referral form", "a weekly case review"),
        "meeting": ("the team meeting", "the Friday case review", "the duty handover"),
        "unit": ("team", "hub", "service"),
    },
}

SPECIALTIES = ("Respiratory", "Orthopaedics", "Stroke", "Elderly Care", "Surgical", "Cardiology", "Maternity")

COACHES = ("Amara Okafor", "Jonas Berg", "Priya Raman", "Tomás Herrera", "Grace Whitfield", "Kenji Sato",
           "Léa Martin")

PEOPLE = (
    "Sam", "Aisha", "Ben", "Chloé", "Dev", "Ellen", "Femi", "Gus", "Hana", "Ian", "Jo", "Kofi", "Lena",
    "Marco", "Nadia", "Owen", "Pia", "Raj", "Sofia", "Theo", "Uma", "Vikram", "Wen", "Yusuf", "Zara",
    "Bea", "Carl", "Dana", "Eli", "Farah", "Gwen", "Hugo", "Isla", "Jamal", "Kim", "Luis", "Maya", "Nico",
    "Orla", "Rosa",
)

OPENERS = (
    "", "", "", "At {meeting} this week, it came up again.", "Since our last session,",
    "The team raised this straight away.", "This is the third time it has come up.",
    "I noticed this while sitting in on {meeting}.", "Something shifted after the last cycle.",
)

PROBLEMS: dict[str, tuple[str, ...]] = {
    "capability": (
        "The team says it wants to improve {measure} but cannot yet say by how much or by when.",
        "They have plotted {weeks} weeks of {measure} and want to declare success after two good points.",
        "Nobody is sure whether to count {measure} per week or per month, so every chart looks different.",
        "Their PDSA forms are filled in after the fact, with no prediction written down beforehand.",
        "They tested {change} with all the {clients} at once, so nobody can tell what made the difference.",
        "The driver diagram from the launch event hangs on the wall and no test links back to it.",
        "Half the group uses aim and measure as if they meant the same thing, and the huddle stalls on words.",
        "They count {measure} by hand and the tally sheets disagree with the system report.",
        "A run chart went up on the board but nobody could say what would count as a real shift.",
        "They want a balancing measure for {change} and do not know where to start.",
        "The baseline for {measure} covers only {weeks} days, which makes every comparison shaky.",
    ),
    "learning": (
        "The team has already decided {change} is the answer and treats testing as a formality.",
        "After one test of {change} went badly, people stopped mentioning it at {meeting}.",
        "Improvement work happens only in the week before {lead} reviews the dashboard.",
        "Every idea gets rolled out to the whole {unit} before anyone has tried it small.",
        "Disappointing results get explained away as bad luck rather than studied.",
        "The project officially ended in the spring, and the habit of small tests ended with it.",
        "They ask me for the right answer instead of asking what {measure} is telling them.",
        "The group is keen to copy what another site did without checking whether it fits here.",
        "Reflection at the end of each cycle gets skipped because everyone wants to move on.",
        "People describe the work as something done for the inspectors rather than for the {clients}.",
        "A test that did not go as predicted was quietly dropped instead of being talked through.",
    ),
    "relational": (
        "When {lead} joins the huddle, the quieter {staff} stop speaking.",
        "Two senior members disagree openly and the rest of the team waits to see who wins.",
        "I am not sure the team trusts me yet; they were told to work with a coach.",
        "One person does all the testing and the others have quietly stepped back.",
        "The {staff} feel the changes are decided without them.",
        "Roles are unclear: nobody knows who owns the next test of {change}.",
        "The team keeps deferring to me, so my questions land as instructions.",
        "There is friction between the {staff} and the support staff about whose job {change} is.",
        "A new member joined and the longer-serving staff talk over her ideas.",
        "Feedback at {meeting} stays polite and nobody names what is not working.",
        "I may have been too directive last time and the energy in the room dropped.",
    ),
    "environment": (
        "Staffing is so thin this term that the team cancels the huddle most weeks.",
        "A new initiative from head office arrived on top of this work and competes for the same hours.",
        "{lead} left in the summer and the replacement has not said whether the work continues.",
        "The records system is being replaced and {measure} cannot be pulled for two months.",
        "Budget cuts removed the protected hour the team used for improvement work.",
        "Turnover means half the people who started the project have gone.",
        "A policy change means {change} may no longer be allowed in its current form.",
        "An inspection is due next month and the team wants to pause everything until it is over.",
        "Winter pressure has doubled demand and nobody has room to test anything.",
        "Leadership praises the work in public but has not freed anyone's time for it.",
        "Agency cover changes every week, so no change sticks long enough to test it.",
    ),
}

CLOSERS = (
    "", "", "I want to raise this without {lead} feeling blamed.", "What should I ask first?",
    "They want to move on to {change} next month regardless.", "I am not sure which thread to pull first.",
    "Part of me wants to just tell them, and I know that would not help.",
    "The {staff} seem tired of talking about it.", "I would like them to leave with one small next step.",
)

# rare details: each appears in a tiny share of sessions (uncommon search words)
RARE_DETAILS = (
    "The minibus rota clashed with it again.", "A burst water pipe closed half the building for a week.",
    "The braille printer has been broken since March.", "The hydrotherapy pool was shut for repairs.",
    "Someone suggested a suggestion box made from an old tea chest.", "The allotment project took priority.",
    "A visiting delegation from Rotterdam asked about the work.", "The defibrillator audit used up the afternoon.",
    "The phlebotomy queue spilled into the corridor.", "The chess club needed the room on Tuesdays.",
    "The xylophone lessons moved to the main hall.", "A lost lanyard locked everyone out of the archive.",
    "The heatwave made the portakabin unbearable.", "The ombudsman letter arrived the same morning.",
    "A kerfuffle over parking permits overshadowed the meeting.", "The sign-language interpreter was double-booked.",
    "Snowfall cancelled the Wednesday session.", "The photocopier jammed during the data pull.",
    "The Eid celebrations shifted the timetable.", "A journalist from the local gazette was sniffing around.",
    "The telehealth pilot borrowed two of the team.", "The pantomime rehearsals took over the hall.",
    "The gazebo for the open day blew away.", "A marathon fundraiser drew half the team away.",
)

TITLES: dict[str, tuple[str, ...]] = {
    "capability": ("Vague aim", "Reading the run chart", "What to measure", "PDSA without a prediction",
                   "Too many changes at once", "Tally sheets disagree", "Balancing measure",
                   "Driver diagram gathering dust", "Shaky baseline"),
    "learning": ("Solution already chosen", "After a failed test", "Improvement for the dashboard",
                 "Scaling too soon", "Bad luck or a lesson?", "Keeping the habit", "Copying another site",
                 "Skipping the study step", "Compliance mindset"),
    "relational": ("Quiet in the room", "Open disagreement", "Earning trust", "One person doing it all",
                   "Night staff left out", "Who owns the test?", "Questions heard as orders",
                   "Whose job is it?", "New voice talked over", "Too polite to say"),
    "environment": ("No time for the huddle", "Competing initiative", "New leader, unclear mandate",
                    "Data system outage", "Lost protected time", "Turnover", "Policy change",
                    "Inspection pressure", "Winter demand", "Support in words only"),
}

CONTEXT_PEOPLE = (
    "In the room: {lead}, three of the {staff} and me.", "In the room: most of the {staff}; {lead} sent apologies.",
    "In the room: the core team of five.", "A short huddle with two of the {staff}.",
    "In the room: {lead} and the {staff}, plus a student on placement.",
)
CONTEXT_TRIED = (
    "", "They already tried {change} last term.", "Last time we agreed to collect a baseline of {measure} first.",
    "A similar team nearby is a few months ahead on this.", "The data so far covers {weeks} weeks.",
    "They have a meeting with {lead} next week.", "This follows on from the review of {measure} in the spring.",
)

NOTES = (
    "Long pause, then a real answer.", "They named a group nobody had mentioned before.",
    "Agreed the aim needs a date.", "Came back to this at the end.", "Two different answers; worth exploring.",
    "{person} answered first and the others built on it.", "Landed well; they wrote it down.",
    "Did not land; try a different framing next time.", "They want to see the data before answering.",
    "Laughter, then honesty.", "Linked it to {measure} without prompting.",
    "Noticed that nobody mentioned the {clients}.",
)

ACTIONS: dict[str, tuple[str, ...]] = {
    "capability": (
        "Collect two weeks of baseline {measure}", "Write a prediction before the next test of {change}",
        "Plot {measure} on a run chart and bring it next time", "Agree one definition of {measure}",
        "Redraft the aim with a number and a date", "Link the next test to one driver on the diagram",
    ),
    "learning": (
        "Run {change} with one {unit} for a week only", "Write up what the failed test taught us",
        "Put a five-minute study step at the end of {meeting}", "List three ways {change} could go wrong",
        "Ask the {clients} what they noticed", "Check whether the other site's idea fits our context",
    ),
    "relational": (
        "Invite the {staff} to {meeting}", "Agree who owns the next test of {change}",
        "Try a round where everyone speaks once before discussion", "Meet {lead} one-to-one about the huddle",
        "Pair the new member with a longer-serving colleague for the next test",
        "Ask for feedback on how the coaching is landing",
    ),
    "environment": (
        "Ask {lead} for a protected half hour a week", "Map which initiatives compete for the same time",
        "Brief the new leader on the project in ten minutes", "Find a manual way to pull {measure} for now",
        "Agree what pauses during the inspection and what continues",
        "Write a one-page case for keeping the work going",
    ),
}

REVIEW_NOTES = {
    "done": ("Finished early; the results are on the board.", "Done, and it sparked a new idea.",
             "Completed, though it took two attempts.", "Done; {measure} looks steadier."),
    "in_progress": ("Half done; the rota changed.", "Started, need another week.",
                    "Waiting on one more person to join in.", "Under way; first results next time."),
    "stuck": ("Waiting for IT to give access.", "Nobody had time during inspection week.",
              "Blocked until {lead} signs it off.", "Stalled: the person leading it is off sick."),
    "dropped": ("No longer relevant after the policy change.", "We agreed it was the wrong test.",
                "Overtaken by the new initiative.", "Dropped; the {clients} did not want it."),
}

# Tests of change: what a team expects an action to do ("we expect…"), and what the
# review of it learned.
PREDICTIONS: tuple[str, ...] = (
    "We expect {measure} to improve within two weeks.",
    "We expect the {staff} to use it on most shifts by the second week.",
    "We expect {change} to take less than five minutes a day.",
    "We expect the {clients} to notice a difference at {meeting}.",
    "We expect no change to {measure}, but a calmer {meeting}.",
)
LEARNINGS: tuple[str, ...] = (
    "The prediction held: scale it to a second {unit} next.",
    "Slower than we expected: the {staff} need a prompt at {meeting}.",
    "It worked only on days {lead} was there: test it without them.",
    "{measure} did not move; the change was too small to show on the run chart.",
    "It worked, but for a different reason than we predicted.",
)
