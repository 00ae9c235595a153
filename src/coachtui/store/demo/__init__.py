"""Realistic synthetic coaching history, for workshops, demos and benchmarks.

``generate_demo_data`` invents teams (schools, clinics, wards, districts, colleges,
family services), a handful of coaches, and sessions spread over the last eighteen
months in all four categories, with picked questions from the real bank, actions
with owners and due dates, and reviews of every status, so the history, the action
tracker (open, overdue and closed actions) and the themes all have something to show.

It is deterministic: the same seed and the same ``today`` give the same rows, ids
included (UUIDs are drawn from the seeded generator). It never mixes invented data
into a database that already holds teams or sessions unless asked to (``append``).

Speed (100,000 sessions in well under 30 s on two cores): sessions are generated in
time order, as tuples, and bulk-inserted in chunks. The search-index, change-log and
tally triggers and the secondary indexes are dropped for the load and re-created at
the end (the tallies counted once, ``store/db/tallies.py``); the search index rows are written straight from the generated texts (with the
same content the triggers would give, which the tests check) and every new record
is logged once for sync; all inside the one write transaction, so a crash or Ctrl-C
leaves the database exactly as it was. On SQLite rows go in through executemany,
on PostgreSQL through COPY (several times faster than INSERTs there), and the
tables are ANALYZEd afterwards so the planner knows their new size.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import json
import random
import string
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from coachtui.catalog import load_catalog
from coachtui.catalog.suggest import best_category
from coachtui.store.db import dialects, pg_search, search_index, tallies
from coachtui.store.demo import content
from coachtui.store.errors import DatabaseNotEmpty, InvalidInput
from coachtui.store.sync import changes
from coachtui.store.types import DemoSummary

if TYPE_CHECKING:
    from coachtui.store.api import Store

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stage is "sessions", then "indexes" (SQLite), then "saving"."""

CATEGORIES = ("capability", "learning", "relational", "environment")
MAX_SESSIONS = 1_000_000
MAX_TEAMS = 10_000
HISTORY_DAYS = 548  # about eighteen months
CHUNK = 2_000
REVIEW_WEIGHTS = (("done", 50), ("in_progress", 18), ("stuck", 10), ("dropped", 10), (None, 12))
CLOSED = ("done", "dropped")
DRAFT_STEPS = ("review", "dilemma", "category", "questions", "actions")

# Column orders of the tuples the generator produces.
TEAM_COLUMNS = ("id", "name", "name_key", "archived", "coach", "created_at", "updated_at", "version")
SESSION_COLUMNS = (
    "rowid", "id", "team_id", "coach", "title", "dilemma", "context", "primary_category", "secondary_category",
    "category_unsure", "suggested_category", "suggestion_reasons", "step", "status", "created_at",
    "updated_at", "completed_at", "version",
)
QUESTION_COLUMNS = (
    "id", "session_id", "question_id", "text", "source", "position", "note", "created_at", "updated_at",
)
ACTION_COLUMNS = (
    "id", "team_id", "session_id", "text", "owner", "due_date", "position", "status", "coach", "created_at",
    "updated_at", "version", "prediction",
)
REVIEW_COLUMNS = ("id", "action_id", "session_id", "status", "note", "coach", "created_at", "updated_at", "learning")
TABLES = (
    ("team", TEAM_COLUMNS),
    ("coaching_session", SESSION_COLUMNS),
    ("picked_question", QUESTION_COLUMNS),
    ("action", ACTION_COLUMNS),
    ("action_review", REVIEW_COLUMNS),
)

_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)


def _stamp(moment: dt.datetime) -> str:
    """A naive UTC datetime as the store keeps it in SQLite (what ``UTCDateTime``
    binds: SQLAlchemy's ``YYYY-MM-DD HH:MM:SS.ffffff``). Formatting here, once,
    is far cheaper than SQLAlchemy's per-value processing."""
    return moment.isoformat(" ", "microseconds")


@functools.cache
def _cumulative(pairs: tuple[tuple[Any, int], ...]) -> tuple[tuple[Any, ...], tuple[int, ...]]:
    return tuple(value for value, _weight in pairs), tuple(itertools.accumulate(w for _v, w in pairs))


@functools.cache
def _slots(template: str) -> tuple[str, ...]:
    return tuple(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name)


@dataclass
class _Team:
    id: str
    name: str
    setting: str
    coach: str
    members: tuple[str, ...]
    words: dict[str, tuple[str, ...]]
    weights: tuple[tuple[str, int], ...]
    archived: bool
    created_at: dt.datetime
    times: list[dt.datetime]
    emitted: int = 0
    # open actions: [row as a list, its reviews so far]
    open: list[tuple[list[Any], list[tuple[Any, ...]]]] = field(default_factory=list)


@dataclass
class _Buffers:
    sessions: list[tuple[Any, ...]] = field(default_factory=list)
    index: list[tuple[Any, ...]] = field(default_factory=list)
    questions: list[tuple[Any, ...]] = field(default_factory=list)
    actions: list[tuple[Any, ...]] = field(default_factory=list)
    reviews: list[tuple[Any, ...]] = field(default_factory=list)

    def close_action(self, action: list[Any], reviews: list[tuple[Any, ...]]) -> None:
        self.actions.append(tuple(action))
        self.reviews.extend(reviews)


@dataclass
class _Counts:
    sessions: int = 0
    drafts: int = 0
    questions: int = 0
    actions: int = 0
    reviews: int = 0


class _Generator:
    """The seeded generator and the catalog; produces rows in time order."""

    def __init__(self, rng: random.Random, today: dt.date, taken_names: set[str]) -> None:
        self.rng = rng
        self.random = rng.random
        self.end = dt.datetime.combine(today, dt.time(7, 0))  # naive UTC
        self.taken = set(taken_names)
        catalog = load_catalog()
        self.by_category = {c: [q for q in catalog.questions if q.category == c] for c in CATEGORIES}
        self.frames = [q for q in catalog.questions if q.frame]
        self._suggestions: dict[tuple[str, int, str], tuple[str | None, str]] = {}
        self.next_rowid = 1

    # --- cheap seeded choices (random.choice is several times slower) ---------------

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def some(self, seq: Sequence[Any], count: int) -> list[Any]:
        """``count`` distinct items of ``seq``, in a random order."""
        pool = list(seq)
        chosen = []
        for _ in range(min(count, len(pool))):
            chosen.append(pool.pop(int(self.random() * len(pool))))
        return chosen

    def weighted(self, pairs: tuple[tuple[Any, int], ...]) -> Any:
        values, bounds = _cumulative(pairs)
        return values[bisect.bisect_right(bounds, self.random() * bounds[-1])]

    def uuid(self) -> str:
        """A version-4 UUID drawn from the seeded generator (as ``uuid.UUID(int=..., version=4)``)."""
        h = "%032x" % ((self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    # --- teams -----------------------------------------------------------------------

    def team_name(self, setting: str) -> str:
        name = ""
        for _attempt in range(50):
            name = self.pick(content.SETTINGS[setting]["names"]).format(
                place=self.pick(content.PLACES), n=self.between(1, 40), specialty=self.pick(content.SPECIALTIES)
            )
            if name.casefold() not in self.taken:
                break
        else:
            number = 2
            while f"{name} {number}".casefold() in self.taken:
                number += 1
            name = f"{name} {number}"
        self.taken.add(name.casefold())
        return name

    def teams(self, count: int, sessions: int, large: int = 0) -> list[_Team]:
        settings = list(content.SETTINGS)
        sizes = [0.4 + 1.2 * self.random() for _ in range(count)]
        # ``large`` teams (the first ones) share about half of all sessions between them.
        large = min(large, count - 1)
        if large > 0:
            rest = sum(sizes[large:])
            for index in range(large):
                sizes[index] = rest / large * sizes[index]
        shares = [sessions * size / sum(sizes) for size in sizes]
        allotted = [int(share) for share in shares]
        for i in sorted(range(count), key=lambda i: (allotted[i] - shares[i], i))[: sessions - sum(allotted)]:
            allotted[i] += 1
        teams = []
        for index in range(count):
            setting = settings[index] if index < len(settings) else self.pick(settings)
            words = {
                key: tuple(self.some(values, 2)) for key, values in content.SETTINGS[setting].items() if key != "names"
            }
            # about a third of the teams keep meeting the same kind of dilemma
            dominant = self.random() < 0.3
            favourite = self.pick(CATEGORIES)
            weights = tuple(
                (c, (14 if c == favourite else 2) if dominant else self.between(3, 8)) for c in CATEGORIES
            )
            archived = count >= 8 and self.random() < 0.06
            if self.random() < 0.8:
                start = self.end - dt.timedelta(days=420 + (HISTORY_DAYS - 420) * self.random())
            else:
                start = self.end - dt.timedelta(days=60 + 360 * self.random())
            stop = self.end - dt.timedelta(days=60 + 140 * self.random() if archived else 3 * self.random())
            stop = max(stop, start + dt.timedelta(days=30))
            times = sorted(self.working_time(start, stop) for _ in range(allotted[index]))
            teams.append(
                _Team(
                    id=self.uuid(),
                    name=self.team_name(setting),
                    setting=setting,
                    coach=self.pick(content.COACHES),
                    members=tuple(self.some(content.PEOPLE, self.between(4, 7))),
                    words=words,
                    weights=weights,
                    archived=archived,
                    created_at=(times[0] if times else start) - dt.timedelta(days=1 + 19 * self.random()),
                    times=times,
                )
            )
        return teams

    def working_time(self, start: dt.datetime, stop: dt.datetime) -> dt.datetime:
        day = (start + (stop - start) * self.random()).date()
        if day.weekday() >= 5:  # huddles happen on weekdays
            day -= dt.timedelta(days=day.weekday() - 4)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(
            seconds=self.between(7 * 3600, 17 * 3600 - 1), microseconds=self.between(0, 999_999)
        )

    # --- text ------------------------------------------------------------------------

    def fill(self, template: str, team: _Team) -> str:
        names = _slots(template)
        if not names:
            return template
        slots = {}
        for name in names:
            if name == "weeks":
                slots[name] = str(self.between(3, 12))
            elif name == "person":
                slots[name] = self.pick(team.members)
            else:
                slots[name] = self.pick(team.words[name])
        text = template.format(**slots)
        return text[0].upper() + text[1:]

    def suggestion(self, category: str, problem: int, team: _Team) -> tuple[str | None, str]:
        """What the app would have suggested for this kind of dilemma (cached: the
        suggestion takes half a millisecond, too slow for every session)."""
        key = (category, problem, team.setting)
        if key not in self._suggestions:
            vocab = {k: v[0] for k, v in content.SETTINGS[team.setting].items() if k != "names"}
            best = best_category(content.PROBLEMS[category][problem].format(**vocab, weeks="6", person="Sam"))
            self._suggestions[key] = (
                (best.category_id, json.dumps(list(best.matched_words), ensure_ascii=False)) if best else (None, "[]")
            )
        return self._suggestions[key]

    # --- one session -------------------------------------------------------------------

    def session(self, team: _Team, at: dt.datetime, out: _Buffers, counts: _Counts) -> None:
        pick, fill, chance = self.pick, self.fill, self.random
        is_last = team.emitted == len(team.times) - 1
        team.emitted += 1
        draft = (is_last and chance() < 0.3) or chance() < 0.01
        category = self.weighted(team.weights)
        problem = int(chance() * len(content.PROBLEMS[category]))
        parts = [fill(pick(content.OPENERS), team), fill(content.PROBLEMS[category][problem], team)]
        if chance() < 0.02:
            parts.append(pick(content.RARE_DETAILS))
        parts.append(fill(pick(content.CLOSERS), team))
        dilemma = " ".join(p for p in parts if p)
        title = pick(content.TITLES[category])
        if chance() < 0.3:
            title = f"{title}: {pick(team.words['measure'])}"
        tried = fill(pick(content.CONTEXT_TRIED), team)
        context = fill(pick(content.CONTEXT_PEOPLE), team) + (" " + tried if tried else "")
        suggested, reasons = self.suggestion(category, problem, team)
        primary: str | None = category
        secondary = None
        unsure = False
        roll = chance()
        if roll < 0.05:
            primary, unsure = None, True
        elif roll < 0.09:  # the coach saw it differently from the way it was written
            primary = pick([c for c in CATEGORIES if c != category])
        if primary is not None and chance() < 0.2:
            secondary = pick([c for c in CATEGORIES if c != primary])
        coach = team.coach if chance() < 0.85 else pick(content.COACHES)
        session_id = self.uuid()
        step = "summary"
        if draft:
            step = pick(DRAFT_STEPS)
            if chance() < 0.4:
                title = ""
            if step in ("review", "dilemma"):
                primary, secondary, unsure, suggested, reasons = None, None, False, None, "[]"
        finished = at + dt.timedelta(minutes=self.between(15, 45), seconds=self.between(0, 59))
        created, updated = _stamp(at), _stamp(finished)
        rowid = self.next_rowid
        self.next_rowid += 1
        out.sessions.append(
            (
                rowid, session_id, team.id, coach, title, dilemma, context, primary, secondary, int(unsure), suggested,
                reasons, step, "draft" if draft else "completed", created, updated, None if draft else updated,
                self.between(3, 40),
            )
        )
        counts.sessions += 1
        counts.drafts += draft
        notes = actions = reviews = ""
        if not draft or step not in ("review", "dilemma", "category"):
            notes = self.questions(team, session_id, category, at, out, counts)
        if not draft:
            reviews = self.review(team, session_id, coach, at, out, counts)
            actions = self.actions(team, session_id, coach, category, at)
        # the search index row, exactly as search_index.fill_sql() would compute it
        out.index.append((rowid, title, dilemma, context, notes, actions, reviews, team.name, coach, "", ""))

    def questions(
        self, team: _Team, session_id: str, category: str, at: dt.datetime, out: _Buffers, counts: _Counts
    ) -> str:
        """Pick the session's questions; returns their notes as the index holds them."""
        picked = self.some(self.by_category[category], self.between(1, 2)) + self.some(self.frames, self.between(1, 2))
        notes = []
        for position, question in enumerate(picked):
            stamp = _stamp(at + dt.timedelta(minutes=5 + position))
            note = self.fill(self.pick(content.NOTES), team) if self.random() < 0.35 else ""
            if note:
                notes.append(note)
            out.questions.append(
                (self.uuid(), session_id, question.id, question.text, question.source, position, note, stamp, stamp)
            )
        counts.questions += len(picked)
        return "\n".join(notes)

    def review(
        self, team: _Team, session_id: str, coach: str, at: dt.datetime, out: _Buffers, counts: _Counts
    ) -> str:
        """Review the team's open actions at the start of a session (a few were
        marked from the action tracker some hours before instead); returns the notes
        of the reviews made in the session, as the index holds them."""
        still_open = []
        notes: list[str] = []
        for second, (action, reviews) in enumerate(team.open):
            status = self.weighted(REVIEW_WEIGHTS)
            if status is not None and len(reviews) >= 2 and status not in CLOSED:
                status = self.pick(CLOSED)  # nothing lingers for ever
            if status is not None:
                from_tracker = self.random() < 0.05
                moment = at + dt.timedelta(minutes=1, seconds=second)
                if from_tracker:  # before this session, but after the action's last change
                    moment = max(at - dt.timedelta(hours=self.between(2, 72)), action[-1] + dt.timedelta(minutes=1))
                note = self.fill(self.pick(content.REVIEW_NOTES[status]), team) if self.random() < 0.4 else ""
                stamp = _stamp(moment)
                ident = self.uuid()
                learning = self.learning(ident, action[12], status, team)
                said = "\n".join(part for part in (note, learning) if part)  # as the index joins them
                if said and not from_tracker:
                    notes.append(said)
                reviews.append(
                    (ident, action[0], None if from_tracker else session_id, status, note, coach, stamp, stamp, learning)
                )
                counts.reviews += 1
                if status != action[7]:
                    action[7] = status
                    action[11] += 1
                action[10] = stamp
                action[-1] = moment
            if action[7] in CLOSED:
                out.close_action(action[:-1], reviews)
            else:
                still_open.append((action, reviews))
        team.open = still_open
        return "\n".join(notes)

    # Tests of change are chosen from the record's id (itself seeded), not by drawing
    # from the generator: the rest of a seed's data stays as it was before they came.
    def prediction(self, ident: str, team: _Team) -> str:
        """About one action in five is a test of change, with what the team expects."""
        if int(ident[:8], 16) % 5:
            return ""
        return _fill_from(ident, content.PREDICTIONS, team)

    def learning(self, ident: str, prediction: str, status: str, team: _Team) -> str:
        """What most finished tests of change taught (in their closing review)."""
        if not prediction or status not in CLOSED or int(ident[:8], 16) % 4 == 0:
            return ""
        return _fill_from(ident, content.LEARNINGS, team)

    def actions(self, team: _Team, session_id: str, coach: str, category: str, at: dt.datetime) -> str:
        """Agree the session's actions; returns their texts as the index holds them."""
        texts = []
        for position, template in enumerate(self.some(content.ACTIONS[category], self.between(1, 3))):
            moment = at + dt.timedelta(minutes=12 + position)
            due = None
            if self.random() < 0.85:
                due = (at.date() + dt.timedelta(days=self.pick((7, 7, 14, 14, 21, 28)))).isoformat()
            stamp = _stamp(moment)
            owner = self.pick(team.members) if self.random() < 0.9 else ""
            text = self.fill(template, team)
            ident = self.uuid()
            # the last item (the latest change, as a datetime) is dropped on insert
            prediction = self.prediction(ident, team)
            row = [ident, team.id, session_id, text, owner, due, position, "open", coach, stamp, stamp, 1,
                   prediction, moment]
            team.open.append((row, []))
            texts.append(f"{text}\n{prediction}" if prediction else text)  # as the index joins them
        return "\n".join(texts)


def _fill_from(ident: str, templates: tuple[str, ...], team: _Team) -> str:
    """One of ``templates`` with the team's words, chosen by ``ident``."""
    pick = random.Random(ident).choice
    template = pick(templates)
    text = template.format(**{name: pick(team.members if name == "person" else team.words[name]) for name in _slots(template)})
    return text[0].upper() + text[1:]


def _team_row(team: _Team) -> tuple[Any, ...]:
    last = team.times[-1] if team.times else team.created_at
    updated = last if team.archived else team.created_at
    return (
        team.id, team.name, team.name.casefold(), int(team.archived), team.coach, _stamp(team.created_at),
        _stamp(updated), 2 if team.archived else 1,
    )


def _insert(conn: sa.Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    dialects.of(conn).bulk_insert(conn, table, columns, rows)


def _documents(out: _Buffers) -> list[tuple[str, str]]:
    """PostgreSQL: (session id, tsvector text) of each buffered session, from the
    same texts SQLite's index rows hold (``pg_search`` splits and folds them)."""
    extra = {row[0]: row[4:] for row in out.index}
    documents = []
    for session in out.sessions:
        words = pg_search.document_words([session[4], session[5], session[6], *extra.get(session[0], ())])
        documents.append((session[1], pg_search.tsvector_literal(words)))
    return documents


Batch = list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]


def _take(out: _Buffers, counts: _Counts, sqlite: bool) -> Batch:
    """Hand the buffered rows over as one batch (parents before children) and
    start new buffers."""
    counts.actions += len(out.actions)
    batch: Batch = [
        (table, columns, rows)
        for (table, columns), rows in zip(
            TABLES[1:], (out.sessions, out.questions, out.actions, out.reviews), strict=True
        )
    ]
    if sqlite:
        batch.append((search_index.TABLE, ("rowid", *search_index.COLUMNS), out.index))
    else:
        batch.append((pg_search.TABLE, ("session_id", "document"), _documents(out)))
    out.sessions, out.questions, out.actions, out.reviews, out.index = [], [], [], [], []
    return batch


def _load(conn: sa.Connection, batch: Batch) -> None:
    # (Inserting on a second thread while generating the next batch was tried: the
    # GIL hand-overs made it 30-50% slower, not faster.)
    for table, columns, rows in batch:
        _insert(conn, table, columns, rows)


def _existing(conn: sa.Connection) -> tuple[int, int, set[str]]:
    teams = conn.exec_driver_sql("SELECT count(*) FROM team").scalar_one()
    sessions = conn.exec_driver_sql("SELECT count(*) FROM coaching_session").scalar_one()
    names = {row[0] for row in conn.exec_driver_sql("SELECT name_key FROM team")}
    return teams, sessions, names


def _suspend_indexes(conn: sa.Connection) -> list[str]:
    """Drop the secondary indexes of the loaded tables, returning their SQL: building
    an index once from sorted rows beats updating it for every inserted row."""
    tables = [table for table, _columns in TABLES[1:]]
    if dialects.of(conn) is not dialects.sqlite:
        tables.append(pg_search.TABLE)
        # not those behind a primary key or unique constraint
        rows = conn.exec_driver_sql(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%(tables)s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
            {"tables": tables},
        ).all()
        for name, _sql in rows:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        return [sql for _name, sql in rows]
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join('?' * len(tables))}) ORDER BY name",
        tuple(tables),
    ).all()
    for name, _sql in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _suspend_foreign_keys(conn: sa.Connection) -> list[str]:
    """PostgreSQL: drop the loaded tables' foreign keys, returning the SQL that adds
    them back. Checking each COPYed row on its own (a trigger per row) costs about as
    much as the COPY; adding the constraint back checks every row in one pass, so a
    broken reference still fails the load (and the transaction)."""
    tables = [table for table, _columns in TABLES[1:]]
    rows = conn.exec_driver_sql(
        "SELECT k.conname, t.relname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "JOIN pg_class t ON t.oid = k.conrelid WHERE k.contype = 'f' "
        "AND t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%(tables)s) ORDER BY k.conname",
        {"tables": tables},
    ).all()
    for name, table, _sql in rows:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    return [f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {sql}' for name, table, sql in rows]


def _log_new_records(conn: sa.Connection) -> None:
    """Log every record the load added (at one new counter value), as the change-log
    triggers would have, so that a later sync takes them to the hub."""
    seq = changes.next_seq(conn)
    for kind, table in changes.TABLES.items():
        conn.exec_driver_sql(
            f"INSERT INTO sync_change (kind, id, seq) SELECT '{kind}', t.id, {seq} FROM {table} t "
            f"WHERE NOT EXISTS (SELECT 1 FROM sync_change c WHERE c.kind = '{kind}' AND c.id = t.id)"
        )


def check_arguments(sessions: int, teams: int) -> None:
    if not 1 <= teams <= MAX_TEAMS:
        raise InvalidInput(f"the number of teams must be between 1 and {MAX_TEAMS:,}", field="teams")
    if not 0 <= sessions <= MAX_SESSIONS:
        raise InvalidInput(f"the number of sessions must be between 0 and {MAX_SESSIONS:,}", field="sessions")


def generate_demo_data(
    store: Store,
    *,
    sessions: int = 300,
    teams: int = 12,
    seed: int = 1,
    today: dt.date | None = None,
    append: bool = False,
    progress: Progress | None = None,
    large_teams: int = 0,
) -> DemoSummary:
    """Fill ``store`` with invented teams and sessions; see the module docstring.

    ``today`` anchors the eighteen months of history (default: today), so open
    actions fall due around now. Raises :class:`DatabaseNotEmpty` when the database
    already holds teams or sessions, unless ``append``: then the new teams get names
    not yet taken and the generator is seeded with the seed and what is there.

    Teams get similar shares of the sessions (one team at most four times another's);
    with ``large_teams`` the first that many teams hold about half of all sessions
    between them, as a few long-coached teams among many small ones (the benchmarks).
    """
    check_arguments(sessions, teams)
    started = time.perf_counter()
    today = today or dt.date.today()
    counts = _Counts()
    with store.db.write() as orm_session:
        conn = orm_session.connection()
        team_count, session_count, names = _existing(conn)
        if (team_count or session_count) and not append:
            raise DatabaseNotEmpty(
                f"{store.location} already holds {team_count:,} teams and {session_count:,} sessions; "
                "demo data only goes into a new or empty database"
            )
        rng = random.Random(f"{seed}:{team_count}:{session_count}" if append else seed)
        generator = _Generator(rng, today, names)
        planned = generator.teams(teams, sessions, large_teams)
        schedule = sorted((at, index) for index, team in enumerate(planned) for at in team.times)
        sqlite = dialects.of(conn) is dialects.sqlite
        sync_triggers = changes.suspend_triggers(conn)
        tally_triggers = tallies.suspend_triggers(conn)
        if sqlite:
            generator.next_rowid = search_index.max_rowid(conn) + 1
            conn.exec_driver_sql("PRAGMA cache_size = -262144")  # up to 256 MB, only while loading
            triggers = search_index.suspend_triggers(conn)
            indexes = _suspend_indexes(conn)
            search_index.set_hashsize(conn, search_index.BULK_HASHSIZE)
        else:
            triggers = pg_search.suspend_triggers(conn) + _suspend_foreign_keys(conn)
            indexes = _suspend_indexes(conn)
        try:
            _insert(conn, "team", TEAM_COLUMNS, [_team_row(team) for team in planned])
            out = _Buffers()
            total = len(schedule)
            for done, (at, index) in enumerate(schedule, 1):
                generator.session(planned[index], at, out, counts)
                if len(out.sessions) >= CHUNK:
                    _load(conn, _take(out, counts, sqlite))
                    if progress is not None:
                        progress("sessions", done, total)
            for team in planned:
                for action, reviews in team.open:
                    out.close_action(action[:-1], reviews)
                team.open = []
            _load(conn, _take(out, counts, sqlite))
            if progress is not None:
                progress("sessions", total, total)
            if progress is not None:
                progress("indexes", 0, 1)
            search_index.restore_triggers(conn, indexes)
            if sqlite:
                search_index.set_hashsize(conn, search_index.DEFAULT_HASHSIZE)
            search_index.restore_triggers(conn, triggers)
            _log_new_records(conn)
            changes.restore_triggers(conn, sync_triggers)
            tallies.fill(conn)
            tallies.restore_triggers(conn, tally_triggers)
            if not sqlite:
                for table, _columns in TABLES:
                    conn.exec_driver_sql(f"ANALYZE {table}")
                conn.exec_driver_sql(f"ANALYZE {pg_search.TABLE}")
            if progress is not None:
                progress("indexes", 1, 1)
            if progress is not None:
                progress("saving", 0, 1)
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA cache_size = -2000")
    if progress is not None:
        progress("saving", 1, 1)
    return DemoSummary(
        teams=len(planned),
        sessions=counts.sessions,
        drafts=counts.drafts,
        questions=counts.questions,
        actions=counts.actions,
        reviews=counts.reviews,
        seconds=time.perf_counter() - started,
    )


__all__ = ["DemoSummary", "Progress", "check_arguments", "generate_demo_data"]
