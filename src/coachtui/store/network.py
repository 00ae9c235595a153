"""Learning across a network of teams: what other teams tried with a dilemma like
this one (issue 21, item 3).

:func:`similar_dilemmas` ranks past (completed) sessions of *other* teams by
full-text similarity to some text (a dilemma being typed): FTS5's ``bm25`` over the
search index on SQLite, ``ts_rank`` over the search documents on PostgreSQL. The
text's telling words (the catalog's function words left out) are ORed and compared
with each session's title, dilemma and context, so a session sharing more and rarer
words ranks higher. Each result carries its team, date,
category, the actions it agreed and, for each, the latest review: what happened and
what was learned. Team and coach names are not compared (a shared team name is not
a shared dilemma): on PostgreSQL, whose documents hold them with no column to tell,
a candidate must share a word with its title, dilemma or context.

It reads what history search reads, through the same indexes, so the sessions of an
encrypted store or one opened on a hub are found by the same rules as search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY

from coachtui.catalog.classifier import FUNCTION_WORDS
from coachtui.store import queries
from coachtui.store.db import pg_search, search_index
from coachtui.store.db.dialects.sqlite import NoIndex
from coachtui.store.db.engine import Database
from coachtui.store.db.query import fold
from coachtui.store.types import (
    ExportSelection,
    RecurringTopic,
    SimilarDilemma,
    TopicsReport,
    TriedAction,
)

if TYPE_CHECKING:
    from coachtui.store.exchange.redact import Redactor

S, T, A, R = queries.S, queries.T, queries.A, queries.R
Cancel = Callable[[], bool]
_WORD_RE = re.compile(r"[^\W_]+")
# A dilemma is compared by at most this many of its telling words (its first ones).
MAX_TERMS = 32
# Candidates read from the index, best first, before other teams' completed sessions
# are kept; read again, more of them, when too few were left.
CANDIDATES = 100
MAX_CANDIDATES = 6_400
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
# bm25 weights of the index's columns (search_index.COLUMNS): dilemmas are compared
# by what they say (the dilemma most, its title next, then its context), not by the
# actions, notes or names around them.
_WEIGHTS = {"title": 2.0, "dilemma": 4.0, "context": 1.0, "notes": 0.0, "actions": 0.0, "reviews": 0.0,
            "team": 0.0, "coach": 0.0, "insight": 0.0, "presenter": 0.0}
_COMPARED = tuple(name for name, weight in _WEIGHTS.items() if weight)


def telling_words(text: str) -> list[str]:
    """The words of ``text`` a comparison uses: folded as the indexes fold them, no
    function words ("the", "we", "because"), no one- or two-letter words, each once,
    in order, at most :data:`MAX_TERMS`."""
    seen: dict[str, None] = {}
    for word in _WORD_RE.findall(unicodedata.normalize("NFC", text or "")):
        folded = fold(word)
        if len(folded) < 3 or folded in FUNCTION_WORDS or folded in seen:
            continue
        seen[folded] = None
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def _fts5_query(words: list[str]) -> str:
    quoted = " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
    return "{" + " ".join(_COMPARED) + "} : (" + quoted + ")"


def _tsquery(words: list[str]) -> str | None:
    lexemes = dict.fromkeys(lexeme for word in words for lexeme in pg_search.lexemes(word))
    if not lexemes:
        return None
    return " | ".join("'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" for lexeme in lexemes)


# The index's own count of the sessions holding each word (fts5vocab), made once
# per connection in its temporary schema: nothing is written to the database.
_VOCAB = "session_fts_words"
# Words held by more than this share of the sessions barely tell dilemmas apart
# (bm25 gives them almost nothing) and cost the most to rank: a dilemma is compared
# by its :data:`RAREST` rarest words among the others, or by its one rarest word
# when every word is that common.
COMMON_SHARE = 0.02
COMMON_LEAST = 500  # (in a small store every word is cheap to rank)
RAREST = 8


def _rarest(conn: sa.Connection, words: list[str]) -> list[str]:
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_VOCAB} USING fts5vocab(main, {search_index.TABLE}, 'row')"
    )
    held: dict[str, int] = {}
    for word in words:
        # one seek each (a term = ? lookup); the index folds case and accents as fold() does
        found = conn.exec_driver_sql(f"SELECT doc FROM temp.{_VOCAB} WHERE term = ?", (word,)).scalar()
        if found:
            held[word] = int(found)
    if not held:
        return []
    total = search_index.max_rowid(conn) or 1
    ranked = sorted(held, key=lambda word: (held[word], words.index(word)))
    common = max(COMMON_LEAST, total * COMMON_SHARE)
    telling = [word for word in ranked if held[word] <= common]
    return telling[:RAREST] if telling else ranked[:1]


def _ranked_sqlite(conn: sa.Connection, words: list[str], where: list[Any], wanted: int) -> list[str]:
    weights = ", ".join(str(_WEIGHTS[name]) for name in search_index.COLUMNS)
    words = _rarest(conn, words)
    if not words:
        return []
    match = _fts5_query(words)
    candidates = CANDIDATES
    while True:
        # the index alone, best first (bm25 is lower for a better match), then the sessions
        best = (
            sa.text(
                f"SELECT rowid AS r, bm25({search_index.TABLE}, {weights}) AS score FROM {search_index.TABLE} "
                f"WHERE {search_index.TABLE} MATCH :similar ORDER BY score LIMIT :candidates"
            )
            .bindparams(similar=match, candidates=candidates)
            .columns(r=sa.Integer, score=sa.Float)
            .subquery("best")
        )
        rows = conn.execute(
            sa.select(S.c.id, best.c.score)
            .select_from(S.join(best, sa.literal_column("coaching_session.rowid") == best.c.r))
            .where(*where)
            .order_by(best.c.score, S.c.id)
            .limit(wanted)
        ).all()
        matched = conn.execute(
            sa.text(f"SELECT count(*) FROM (SELECT 1 FROM {search_index.TABLE} WHERE {search_index.TABLE} "
                    "MATCH :similar LIMIT :candidates)").bindparams(similar=match, candidates=candidates + 1)
        ).scalar() if len(rows) < wanted else 0
        if len(rows) >= wanted or not matched or matched <= candidates or candidates >= MAX_CANDIDATES:
            return [row.id for row in rows]
        candidates *= 4


def _ranked_postgres(conn: sa.Connection, words: list[str], where: list[Any], wanted: int) -> list[str]:
    """A session's document holds every searched text (its team's and coach's names
    too, with no column to tell them apart): the best by ``ts_rank`` are read from
    the GIN index, and those whose title, dilemma or context share a word kept."""
    text = _tsquery(words)
    if text is None:
        return []
    query = sa.cast(sa.bindparam("similar", text, type_=sa.String), TSQUERY)
    rank = sa.func.ts_rank(queries.SEARCH.c.document, query).label("score")
    wanted_words = set(words)
    candidates = CANDIDATES
    while True:
        rows = conn.execute(
            sa.select(S.c.id, S.c.title, S.c.dilemma, S.c.context, rank)
            .select_from(S.join(queries.SEARCH, queries.SEARCH.c.session_id == S.c.id))
            .where(queries.SEARCH.c.document.op("@@")(query), *where)
            .order_by(rank.desc(), S.c.id)
            .limit(candidates)
        ).all()
        kept = [row.id for row in rows
                if wanted_words.intersection(_all_words(f"{row.title}\n{row.dilemma}\n{row.context}"))]
        if len(kept) >= wanted or len(rows) < candidates or candidates >= MAX_CANDIDATES:
            return kept[:wanted]
        candidates *= 4


def _all_words(text: str) -> set[str]:
    return {fold(word) for word in _WORD_RE.findall(unicodedata.normalize("NFC", text))}


def _ranked_plainly(conn: sa.Connection, words: list[str], where: list[Any], wanted: int) -> list[str]:
    """Without a full-text index (kept to check the indexes against): the newest
    few thousand sessions, scored by how many of the words their texts hold."""
    rows = conn.execute(
        sa.select(S.c.id, S.c.title, S.c.dilemma, S.c.context)
        .where(*where)
        .order_by(S.c.created_at.desc(), S.c.id.desc())
        .limit(5_000)
    ).all()
    scored = []
    for row in rows:
        found = _all_words(f"{row.title}\n{row.dilemma}\n{row.context}")
        score = sum(1 for word in words if word in found)
        if score:
            scored.append((-score, row.id))
    return [ident for _score, ident in sorted(scored)[:wanted]]


def similar_dilemmas(
    db: Database,
    text: str,
    *,
    exclude_team_id: str | None = None,
    exclude_session_id: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cancelled: Cancel | None = None,
) -> list[SimilarDilemma]:
    """The completed sessions most like ``text``, best first, of teams other than
    ``exclude_team_id`` (and never ``exclude_session_id``)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    words = telling_words(text)
    if not words:
        return []
    where: list[Any] = [S.c.status == "completed"]
    if exclude_team_id is not None:
        where.append(S.c.team_id != exclude_team_id)
    if exclude_session_id is not None:
        where.append(S.c.id != exclude_session_id)
    with db.read() as session:
        conn = session.connection()
        with queries.cancellable(conn, cancelled):
            if queries.uses_fts(db, conn):
                ids = _ranked_sqlite(conn, words, where, limit)
            elif queries.uses_tsvector(db, conn):
                ids = _ranked_postgres(conn, words, where, limit)
            else:
                ids = _ranked_plainly(conn, words, where, limit)
            return _described(conn, ids)


def _described(conn: sa.Connection, ids: list[str]) -> list[SimilarDilemma]:
    """The sessions ``ids`` (in that order), each with the actions it agreed and
    their latest reviews."""
    if not ids:
        return []
    sessions = {
        row.id: row
        for row in conn.execute(
            sa.select(S.c.id, S.c.team_id, T.c.name, S.c.coach, S.c.title, S.c.dilemma, S.c.primary_category,
                      S.c.created_at, S.c.insight)
            .select_from(S.join(T, T.c.id == S.c.team_id))
            .where(S.c.id.in_(ids))
        )
    }
    actions = conn.execute(
        sa.select(A.c.id, A.c.session_id, A.c.text, A.c.status, A.c.prediction)
        .where(A.c.session_id.in_(ids))
        .order_by(A.c.session_id, A.c.position, A.c.id)
    ).all()
    latest: dict[str, Any] = {}
    if actions:
        for review in conn.execute(
            sa.select(R.c.action_id, R.c.note, R.c.learning, R.c.updated_at, R.c.id)
            .where(R.c.action_id.in_([row.id for row in actions]))
        ):
            current = latest.get(review.action_id)
            if current is None or (review.updated_at, review.id) > (current.updated_at, current.id):
                latest[review.action_id] = review
    agreed: dict[str, list[TriedAction]] = {}
    for action in actions:
        last: Any = latest.get(action.id)
        agreed.setdefault(action.session_id, []).append(
            TriedAction(
                text=action.text,
                status=action.status,
                prediction=action.prediction,
                result=last.note if last is not None else "",
                learning=last.learning if last is not None else "",
            )
        )
    out = []
    for ident in ids:
        row: Any = sessions.get(ident)
        if row is None:
            continue
        out.append(
            SimilarDilemma(
                session_id=row.id,
                team_id=row.team_id,
                team_name=row.name,
                coach=row.coach,
                title=row.title,
                dilemma=row.dilemma,
                category=row.primary_category,
                created_at=row.created_at,
                insight=row.insight,
                actions=tuple(agreed.get(row.id, ())),
            )
        )
    return out


# --- recurring topics across teams (issue 21, item 4) ----------------------------------------

# A phrase is one to three telling words in a row (a joining word may sit inside a
# three-word phrase: "time for huddles"), counted once a session. Plain counting
# with the catalog's function words as stopwords: no library earns its place here.
MAX_PHRASE = 3
MIN_TEAMS = 2  # recurring across teams: said in at least this many teams' sessions
MIN_SESSIONS = 2
# A word said in more than this share of the period's sessions says nothing about them.
GENERIC_SHARE = 0.3
GENERIC_WORD_SHARE = 0.1
GENERIC_LEAST = 20  # (a few sessions: nothing said is generic yet)
TOPICS = 20
# Read from the newest this many sessions of the period (a few seconds' reading at
# most, at any size): plenty to hear what keeps coming back.
MAX_SESSIONS = 5_000


# The function words that may join a three-word phrase ("time for huddles", "rate of
# falls"); others there ("room the core", "plus a student") run across two phrases.
_JOINING = frozenset("of for to in on and at with without from".split())


def _telling(word: str) -> bool:
    return len(word) >= 3 and word not in FUNCTION_WORDS and not word.isdigit()


def _phrases(text: str) -> set[str]:
    """The phrases of one session's text (folded words; function words only inside)."""
    if text.isascii():
        words = _WORD_RE.findall(text.lower())
    else:
        words = [fold(word) for word in _WORD_RE.findall(unicodedata.normalize("NFC", text))]
    good = [_telling(word) for word in words]
    found = {word for word, ok in zip(words, good, strict=True) if ok}
    found.update(f"{a} {b}" for a, b, ok_a, ok_b in zip(words, words[1:], good, good[1:], strict=False) if ok_a and ok_b)
    found.update(
        f"{a} {b} {c}"
        for a, b, c, ok_a, ok_b, ok_c in zip(words, words[1:], words[2:], good, good[1:], good[2:], strict=False)
        if ok_a and ok_c and (ok_b or b in _JOINING)
    )
    return found


def recurring_topics(
    db: Database,
    which: Any,
    *,
    limit: int = TOPICS,
    cancelled: Cancel | None = None,
) -> list[RecurringTopic]:
    """The phrases said in the completed sessions ``which`` chooses (a
    :class:`SessionFilter`: a period, a team, a coach) by at least
    :data:`MIN_TEAMS` teams, most teams first, each with its count of sessions per
    team and its coaches. Read from the titles, dilemmas, contexts and insights of
    the newest :data:`MAX_SESSIONS` of them; a phrase inside a longer one said as
    often is left out for it."""
    return _recurring(_completed(db, which, cancelled), limit=limit, cancelled=cancelled)


def _completed(db: Database, which: Any, cancelled: Cancel | None) -> list[Any]:
    """The rows :func:`recurring_topics` reads: the newest completed sessions chosen."""
    where = queries.session_filters(which)
    where.append(NoIndex(S.c.status) == "completed")
    with db.read() as session:
        conn = session.connection()
        with queries.cancellable(conn, cancelled):
            return list(conn.execute(
                sa.select(S.c.team_id, T.c.name, S.c.coach, S.c.title, S.c.dilemma, S.c.context, S.c.insight)
                .select_from(S.join(T, T.c.id == S.c.team_id))
                .where(*where)
                .order_by(S.c.created_at.desc(), S.c.id.desc())
                .limit(MAX_SESSIONS)
            ).all())


def _texts(row: Any) -> tuple[str, ...]:
    return (row.title, row.dilemma, row.context, row.insight or "")


def _recurring(
    rows: list[Any], *, limit: int, cancelled: Cancel | None = None, redactor: Redactor | None = None
) -> list[RecurringTopic]:
    """:func:`recurring_topics` of ``rows``; with a ``redactor``, each phrase, team
    and coach as a redacted export shows it (the phrases are found in the text as
    typed: a pseudonym is no phrase)."""
    from collections import Counter, defaultdict

    sessions: Counter[str] = Counter()
    by_team: dict[str, Counter[str]] = defaultdict(Counter)
    by_coach: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for number, row in enumerate(rows):
        if cancelled is not None and number % 1000 == 0 and cancelled():
            from coachtui.store.errors import Cancelled

            raise Cancelled("topics cancelled")
        phrases = _phrases("\n".join(_texts(row)))
        # (Counter.update over a set: counted in C, a few µs a session)
        sessions.update(phrases)
        by_team[row.team_id].update(phrases)
        if row.coach:
            by_coach[row.coach].update(phrases)
        names[row.team_id] = row.name
    # a single word must be rarer than a phrase to tell anything ("week", "team")
    generic, generic_word = len(rows) * GENERIC_SHARE, len(rows) * GENERIC_WORD_SHARE
    teams_saying: Counter[str] = Counter()
    for counts in by_team.values():
        teams_saying.update(counts.keys())
    recurring = [
        phrase for phrase, count in sessions.items()
        if MIN_SESSIONS <= count <= max(generic if " " in phrase else generic_word, GENERIC_LEAST)
        and teams_saying[phrase] >= MIN_TEAMS
    ]
    # most teams first, then most sessions, then the longer phrase
    recurring.sort(key=lambda p: (-teams_saying[p], -sessions[p], -p.count(" "), p))
    # "run" and "chart" add nothing beside "run chart" said as often
    dominated: set[str] = set()
    for longer in recurring:
        words = longer.split(" ")
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                part = " ".join(words[start : start + size])
                if sessions[part] <= sessions[longer]:
                    dominated.add(part)
    chosen = [phrase for phrase in recurring if phrase not in dominated][:limit]
    phrase_of, coach_of = (redactor.text, redactor.name) if redactor is not None else (str, str)
    if redactor is not None:
        names = {team: redactor.team_name(team, name) for team, name in names.items()}
    return [
        RecurringTopic(
            phrase=phrase_of(phrase),
            sessions=sessions[phrase],
            teams=tuple(sorted(((names[team], counts[phrase]) for team, counts in by_team.items() if phrase in counts),
                               key=lambda pair: (-pair[1], pair[0].casefold()))),
            coaches=tuple(sorted((coach_of(coach) for coach, counts in by_coach.items() if phrase in counts),
                                 key=str.casefold)),
        )
        for phrase in chosen
    ]


def topics_report(db: Database, selection: ExportSelection) -> TopicsReport:
    """``coachtui export --report topics``: the recurring topics of the sessions
    ``selection`` chooses as a Markdown report. Redacted as every export is
    (``store/exchange/redact.py``): the names the database knows and those the
    sessions read give a title become pseudonyms, teams' names codes (unless
    ``keep_team_names``); a word of a phrase that was only ever written capitalised
    and is no known name is listed in ``possible_names``, for the coach to check."""
    from coachtui.store.exchange.export import known_people, known_teams
    from coachtui.store.exchange.redact import Redactor, possible_names

    which = selection.sessions
    rows = _completed(db, which, None)
    team = ""
    redactor = None
    with db.read() as session:
        if which.team_id is not None:
            team = session.execute(sa.select(T.c.name).where(T.c.id == which.team_id)).scalar_one_or_none() or ""
        if selection.redact:
            redactor = Redactor(known_people(session), known_teams(session), keep_team_names=selection.keep_team_names)
    if redactor is not None:
        redactor.learn(text for row in rows for text in _texts(row))
        team = redactor.team_name(which.team_id, team) if which.team_id is not None else ""
    topics = _recurring(rows, limit=TOPICS, redactor=redactor)
    scope = "completed sessions"
    if which.since is not None:
        scope += f" since {which.since:%Y-%m-%d}"
    scope += f" of {team}" if which.team_id is not None else ", all teams"
    unsure: tuple[str, ...] = ()
    if redactor is not None:
        # Phrases are folded: a name is told by how the sessions wrote it.
        capitalised = {fold(word): word for word in possible_names((t for row in rows for t in _texts(row)), limit=10**9)}
        shown = [word for topic in topics for word in _WORD_RE.findall(topic.phrase)]
        shown += [word for topic in topics for name, _ in topic.teams for word in _WORD_RE.findall(name)]
        unsure = tuple(dict.fromkeys(capitalised[fold(word)] for word in shown if fold(word) in capitalised))[:40]
    return TopicsReport(topics_markdown(topics, scope, redacted=redactor is not None), len(topics), unsure)


def topics_markdown(topics: list[RecurringTopic], scope: str, *, redacted: bool = False) -> str:
    """The recurring topics as a Markdown report (``coachtui export --report topics``):
    one row a phrase, with its sessions, teams and count per team. ``scope`` says
    which sessions were read ("completed sessions since 2026-03-01, all teams");
    ``redacted`` says the names in it are pseudonyms."""
    from coachtui.store.exchange.markdown import escaper
    from coachtui.store.exchange.report import REDACTED_NOTE

    esc = escaper(False)
    out = [
        "# Recurring topics across teams",
        "",
        f"Phrases said in the {esc(scope)} by at least {MIN_TEAMS} teams, most teams first "
        "(the raw material for communities of interest).",
        "",
    ]
    if redacted:
        out += [REDACTED_NOTE, ""]
    if not topics:
        out.append("_No phrase recurs across teams in these sessions._")
        return "\n".join(out) + "\n"
    out += ["| topic | sessions | teams | sessions per team |", "|---|---:|---:|---|"]
    for topic in topics:
        per_team = " · ".join(f"{esc(name)} ({count})" for name, count in topic.teams)
        out.append(f"| {esc(topic.phrase)} | {topic.sessions} | {len(topic.teams)} | {per_team} |")
    return "\n".join(out) + "\n"
