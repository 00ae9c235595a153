"""Pseudonyms for ``export --redact``: no person the database knows leaves in an export.

Who counts as a person:

* every name in a name column anywhere in the database (session, team, action and
  review coaches, custom-question authors, action owners), not only in the exported
  rows, because a dilemma may mention someone from another team; a list of names
  ("Ana, Tom", "Ana and Tom", "Ana & Tom") is each of its people;
* everyone the exported text names with a title: Mr, Mrs, Ms, Miss, Mx, Dr, Prof,
  Sister, Matron or Coach (with or without a dot) followed by a capitalised word
  ("Dr. Lindqvist"), and a second capitalised word ("Dr Ngozi Adeyemi").

Each becomes a stable pseudonym for the whole export: coaches "Coach A", "Coach B", …;
everyone else "Person 1", "Person 2", … in the order they first appear. In free text
every occurrence of a name is replaced, on word boundaries, ignoring case and accents
("zoe muller" is "Zoë Müller"), possessives included ("Tom's" → "Person 2's"), and
so is every word of a name of several words ("Priya" and "Raman" for "Priya Raman");
a word shared by several people gets a pseudonym of its own rather than someone
else's. A title goes with the name it stands before ("Mr Okafor" → "Coach B", not
"Mr Coach B"). A name learnt from a title only is replaced where it is capitalised
("Dr Brown" makes "Brown" a person, not "brown").

What it cannot know: a name the database has never seen and that no title marks
("Lindqvist said" with no "Dr Lindqvist" anywhere). :func:`possible_names` lists the
capitalised words left after redaction, for the coach to check before sharing.

Team names become "Team" plus six characters derived from the team's id
("Team 3F9A2C"): a facilitator can follow one team across several exports and
network meetings, and two redacted exports never merge different teams by name;
the name itself, which often names a place or a person, stays home. With
``keep_team_names`` the names are kept (with any person's name inside replaced).

Pure Python: no database.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from coachtui.catalog.vocabulary import everyday_words

# Values of a name column that are not a person: kept as typed, never searched for.
NOT_NAMES = frozenset(
    {
        "all",
        "everyone",
        "everybody",
        "team",
        "the team",
        "whole team",
        "all of us",
        "nobody",
        "none",
        "tbc",
        "tbd",
        "n/a",
        "na",
        "me",
        "us",
        "we",
        "you",
        "coach",
        "person",
    }
)
TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sister", "matron", "coach")
# Titles that are also everyday words: a title only when capitalised.
WORD_TITLES = frozenset({"miss", "sister", "matron", "coach"})
HONORIFICS = frozenset(TITLES) | frozenset(t + "." for t in TITLES)
# How a list of names is joined: "Ana, Tom", "Ana and Tom", "Ana & Tom", "Ana/Tom".
_LIST_SEPARATOR_RE = re.compile(r"\s*(?:[,;&/+]|\band\b)\s*", re.IGNORECASE)
# A title and the capitalised word(s) after it, in the text as typed.
_TITLE_FORMS = sorted({form for t in TITLES for form in (t, t.capitalize())}, key=lambda f: (-len(f), f))
_NAME_WORD = r"[^\W\d_](?:[\w'’\-]*\w)?(?![\w'’\-])"
_TITLED_RE = re.compile(
    rf"(?<!\w)(?P<title>{'|'.join(_TITLE_FORMS)})(?:\.[ \t]*|[ \t]+)(?P<first>{_NAME_WORD})"
    rf"(?:[ \t]+(?!(?:{'|'.join(_TITLE_FORMS)})(?![\w'’\-]))(?P<second>{_NAME_WORD})(?![ \t]*\d))?"
)
_POSSESSIVE_RE = re.compile(r"(?:['’]s|['’])$", re.IGNORECASE)
# Letters that do not decompose into a base letter and an accent.
_FOLD_EXTRA = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "’": "'", "ʼ": "'"}
_FOLDED: dict[str, str] = {}


def _everyday(word: str) -> bool:
    """A word people write in lower case (see coachtui.catalog.vocabulary)."""
    return word.casefold() in everyday_words()


def _fold_char(ch: str) -> str:
    found = _FOLDED.get(ch)
    if found is None:
        decomposed = unicodedata.normalize("NFKD", ch.casefold())
        found = "".join(_FOLD_EXTRA.get(c, c) for c in decomposed if not unicodedata.combining(c))
        _FOLDED[ch] = found
    return found


def fold(text: str) -> str:
    """Text as names are compared: case folded, accents gone ("Zoë" → "zoe")."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


def _fold_with_places(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, for each of its characters, where it came from in
    ``text`` (None: the same place, which is so for ASCII text)."""
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    places: list[int] = []
    for index, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        places.extend([index] * len(folded))
    return "".join(out), places


def name_key(name: str) -> str:
    """How two spellings of one name are recognised as the same person."""
    return " ".join(fold(unicodedata.normalize("NFC", name)).split())


def is_name(name: str) -> bool:
    key = name_key(name)
    return bool(key) and key not in NOT_NAMES and key not in HONORIFICS and any(ch.isalpha() for ch in key)


def split_names(value: str) -> list[str]:
    """The people of a name column: "Ana, Tom" → ["Ana", "Tom"]."""
    return [part for part in _LIST_SEPARATOR_RE.split(value) if part.strip()]


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, …"""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def team_pseudonym(team_id: str) -> str:
    return "Team " + hashlib.sha256(team_id.encode("utf-8")).hexdigest()[:6].upper()


def _without_title(key: str) -> str:
    words = key.split(" ")
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)


# Texts up to this long are remembered once redacted (questions from the bank, action
# texts, notes: often the same words again), up to MEMO_ENTRIES values of each kind.
MEMO_TEXT = 200
MEMO_ENTRIES = 20_000


def _remember(memo: dict[str, str], value: str, result: str) -> None:
    if len(memo) >= MEMO_ENTRIES:
        memo.clear()  # memory stays bounded however long the export
    memo[value] = result


class Redactor:
    """Replaces names in name fields and in free text, consistently for one export."""

    def __init__(
        self,
        people: Iterable[tuple[str, bool]],
        teams: Iterable[tuple[str, str]] = (),
        *,
        keep_team_names: bool = False,
    ) -> None:
        """``people``: (name, is a coach) for every name the database knows;
        ``teams``: (id, name) of every team."""
        self.keep_team_names = keep_team_names
        self._coach: dict[str, bool] = {}
        for value, is_coach in people:
            if not is_name(value):
                continue
            for name in split_names(value):
                if is_name(name):
                    key = name_key(name)
                    self._coach[key] = self._coach.get(key, False) or is_coach
        # Names learnt from a title in the text: replaced where capitalised only.
        self._learnt: set[str] = set()
        self._teams = list(teams)
        self._pseudonyms: dict[str, str] = {}
        self._counts = {"coach": 0, "person": 0}
        # While numbering (exchange/redacted.py): what rows become is not kept, only
        # who is met first, so text that names no one without a pseudonym is skipped.
        self.numbering = False
        self._unnumbered: tuple[tuple[int, int], re.Pattern[str] | None] = ((-1, -1), None)
        self._build()

    def _build(self) -> None:
        # token (a name key or one word of one) → the entity it stands for
        tokens: dict[str, str] = {}
        for key in self._coach:
            tokens[key] = key
            bare = _without_title(key)
            tokens.setdefault(bare, key)
        owners: dict[str, set[str]] = {}
        for key in self._coach:
            for part in self._parts(key):
                owners.setdefault(part, set()).add(key)
        for part, keys in owners.items():
            if part in tokens:
                continue
            if len(keys) == 1:
                tokens[part] = next(iter(keys))
            else:
                tokens[part] = part
                self._coach.setdefault(part, False)
        if not self.keep_team_names:
            for team_id, team_name in self._teams:
                key = name_key(team_name)
                if key and key not in tokens:
                    tokens[key] = "team:" + team_id
        self._tokens = tokens
        self._pattern = self._compile(tokens)
        # What name() and text() gave for a value: the same again while the tokens
        # stay as they are (a repeated value's people have their pseudonyms already).
        self._named: dict[str, str] = {}
        self._redacted: dict[str, str] = {}

    @staticmethod
    def _parts(key: str) -> list[str]:
        words = _without_title(key).split(" ")
        if len(words) < 2:
            return []
        return [
            w
            for w in words
            if len(w) >= 2 and w not in NOT_NAMES and w not in HONORIFICS and any(c.isalpha() for c in w)
        ]

    @staticmethod
    def _compile(tokens: Iterable[str]) -> re.Pattern[str] | None:
        alternatives = {r"\s+".join(re.escape(word) for word in token.split(" ")) for token in tokens}
        if not alternatives:
            return None
        ordered = sorted(alternatives, key=lambda a: (-len(a), a))
        titles = "|".join(re.escape(t) for t in sorted(TITLES, key=lambda t: (-len(t), t)))
        return re.compile(rf"(?<!\w)(?:(?P<title>{titles})(?:\.\s*|\s+))?(?P<name>{'|'.join(ordered)})(?!\w)")

    # --- learning names from titles ----------------------------------------------

    def learn(self, texts: Iterable[str]) -> None:
        """Take every titled name in ``texts`` ("Dr. Lindqvist") as a person."""
        found: list[str] = []
        for text in texts:
            if not text:
                continue
            for match in _TITLED_RE.finditer(text):
                words = [match.group("first")]
                second = match.group("second")
                if second is not None and not _POSSESSIVE_RE.search(words[0]) and self._capitalised(second):
                    if fold(second) not in HONORIFICS | NOT_NAMES | _ORDINARY:
                        words.append(second)
                words = [_POSSESSIVE_RE.sub("", w) for w in words]
                word_title = match.group("title").casefold().rstrip(".") in WORD_TITLES
                if not self._capitalised(words[0]) or (word_title and fold(words[0]) in _ORDINARY):
                    continue  # "Coach The team", "Sister Monday": no name (but "Dr Will" is one)
                if match.group("title").casefold() == "coach" and re.fullmatch(r"[A-Z]{1,3}", words[0]):
                    continue  # "Coach B": a pseudonym already
                key = name_key(" ".join(words))
                if is_name(key) and key not in self._tokens and key not in found:
                    found.append(key)
        if not found:
            return
        for key in found:
            self._coach[key] = False
            self._learnt.add(key)
        self._build()

    @staticmethod
    def _capitalised(word: str) -> bool:
        return len(word) >= 2 and word[0].isupper()

    # --- pseudonyms --------------------------------------------------------------

    def _pseudonym(self, entity: str) -> str:
        if entity.startswith("team:"):
            return team_pseudonym(entity[5:])
        found = self._pseudonyms.get(entity)
        if found is None:
            if self._coach.get(entity, False):
                found = f"Coach {_letters(self._counts['coach'])}"
                self._counts["coach"] += 1
            else:
                self._counts["person"] += 1
                found = f"Person {self._counts['person']}"
            self._pseudonyms[entity] = found
        return found

    def _entity_for(self, folded: str) -> str:
        key = " ".join(folded.split())
        entity = self._tokens.get(key)
        if entity is not None:
            return entity
        return key  # pragma: no cover - every match comes from a token

    def name(self, value: str) -> str:
        """A name column's value → its pseudonym(s): "Ana, Tom" → "Person 1, Person 2"
        ("" and non-names stay as they are)."""
        found = self._named.get(value)
        if found is None:
            found = self._name(value)
            _remember(self._named, value, found)
        return found

    def _name(self, value: str) -> str:
        if not is_name(value):
            return value
        pieces = _LIST_SEPARATOR_RE.split(value)
        separators = _LIST_SEPARATOR_RE.findall(value)
        out = [self._one_name(pieces[0])]
        for separator, piece in zip(separators, pieces[1:], strict=True):
            out += [separator, self._one_name(piece)]
        return "".join(out)

    def _one_name(self, value: str) -> str:
        if not is_name(value):
            return value
        key = name_key(value)
        entity = self._tokens.get(key)
        if entity is None or entity.startswith("team:"):
            entity = key
            self._coach.setdefault(key, False)
        return self._pseudonym(entity)

    def _not_numbered(self) -> re.Pattern[str] | None:
        """A pattern of the names whose person has no pseudonym yet (None: everyone
        has one). Where it finds nothing, :meth:`text` numbers no one: every name
        the whole pattern finds there is found by this one too."""
        state = (len(self._pseudonyms), len(self._tokens))
        if self._unnumbered[0] != state:
            left = [token for token, entity in self._tokens.items()
                    if entity not in self._pseudonyms and not entity.startswith("team:")]
            self._unnumbered = (state, self._compile(left))
        return self._unnumbered[1]

    def text(self, value: str) -> str:
        """Free text with every known name replaced by its pseudonym."""
        if self._pattern is None or not value:
            return value
        if self.numbering:
            waiting = self._not_numbered()
            if waiting is None or waiting.search(fold(value)) is None:
                return value  # (while numbering, only who is met counts)
        elif (found := self._redacted.get(value)) is not None:
            return found
        redacted = self._text(value)
        if not self.numbering and len(value) <= MEMO_TEXT:
            _remember(self._redacted, value, redacted)
        return redacted

    def _text(self, value: str) -> str:
        pattern = self._pattern
        assert pattern is not None  # (text() returns early without one)
        folded, places = _fold_with_places(value)

        def place(index: int) -> int:
            return index if places is None else places[index]

        def end_place(index: int) -> int:
            """Where the match ending at folded ``index`` ends in ``value``,
            accents that follow a letter included."""
            end = index if places is None else places[index - 1] + 1
            while end < len(value) and unicodedata.combining(value[end]):
                end += 1
            return end

        out: list[str] = []
        done = 0
        for match in pattern.finditer(folded):
            entity = self._entity_for(match.group("name"))
            name_start, name_end = place(match.start("name")), end_place(match.end("name"))
            if entity in self._learnt and not value[name_start].isupper() and _everyday(value[name_start:name_end]):
                continue  # "we will" is not Dr Will (but "zoe" is Prof Zoë)
            start = name_start
            if match.group("title") is not None and not entity.startswith("team:"):
                title_start = place(match.start("title"))
                if value[title_start].isupper() or match.group("title") not in WORD_TITLES:
                    start = title_start  # the title goes with the name ("we miss Tom" keeps "miss")
            out += [value[done:start], self._pseudonym(entity)]
            done = name_end
        out.append(value[done:])
        return "".join(out)

    def team_name(self, team_id: str, value: str) -> str:
        if self.keep_team_names:
            return " ".join(self.text(value).split()) or value
        return team_pseudonym(team_id)

    # --- whole export rows -------------------------------------------------------------

    def reasons(self, value: str) -> str:
        """``suggestion_reasons`` is a JSON list of texts: redact each one."""
        try:
            items = json.loads(value)
        except ValueError:
            return self.text(value)
        if not isinstance(items, list):
            return self.text(value)
        return json.dumps([self.text(item) if isinstance(item, str) else item for item in items], ensure_ascii=False)

    def _updated_by(self, row: dict[str, Any]) -> None:
        if row.get("updated_by"):
            row["updated_by"] = self.name(row["updated_by"])

    def tables(self, *groups: dict[str, list[dict[str, Any]]]) -> None:
        """Redact export rows in place, in the export's order (so pseudonyms are
        numbered in the order a reader meets them). Names with a title anywhere in
        the rows are learnt first, so "Lindqvist" goes where "Dr. Lindqvist" is
        written later on."""
        self.learn(text for tables in groups for text in _texts(tables))
        for tables in groups:
            self._redact(tables)

    def _redact(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        for key in TABLE_ORDER:
            self.rows(key, tables.get(key, []))
        for key in SET_TABLES:
            self.set_rows(key, tables.get(key, []))

    def rows(self, key: str, rows: Iterable[dict[str, Any]]) -> None:
        """Redact rows of the table ``key`` in place: its names and free text (but
        not an action learning set's members and presenters: :meth:`set_rows`). An
        export is redacted table by table in :data:`TABLE_ORDER`, then
        :data:`SET_TABLES` again for the sets; a streamed export goes through its
        rows in that order once first (exchange/stream.py), so that every
        pseudonym is numbered as here."""
        if key == "teams":
            for row in rows:
                row["name"] = self.team_name(row["id"], row["name"])
                row["name_key"] = row["name"].casefold()
                row["coach"] = self.name(row["coach"])
                self._updated_by(row)
        elif key == "sessions":
            for row in rows:
                row["coach"] = self.name(row["coach"])
                self._updated_by(row)
                for field in ("title", "dilemma", "context"):
                    row[field] = self.text(row[field])
                if "insight" in row:  # (rows made before migration 0010 lack it)
                    row["insight"] = self.text(row["insight"])
                row["suggestion_reasons"] = self.reasons(row["suggestion_reasons"])
        elif key == "picked_questions":
            for row in rows:
                row["text"], row["note"] = self.text(row["text"]), self.text(row["note"])
        elif key == "custom_questions":
            for row in rows:
                row["text"], row["coach"] = self.text(row["text"]), self.name(row["coach"])
        elif key == "actions":
            for row in rows:
                row["text"] = self.text(row["text"])
                if "prediction" in row:  # (rows made before migration 0009 lack it)
                    row["prediction"] = self.text(row["prediction"])
                row["owner"], row["coach"] = self.name(row["owner"]), self.name(row["coach"])
                self._updated_by(row)
        elif key == "action_reviews":
            for row in rows:
                row["note"], row["coach"] = self.text(row["note"]), self.name(row["coach"])
                if "learning" in row:
                    row["learning"] = self.text(row["learning"])

    def set_rows(self, key: str, rows: Iterable[dict[str, Any]]) -> None:
        """Action learning sets (migration 0011): members' (``teams``) and presenters'
        (``sessions``) names, in place."""
        from coachtui.store.types import Member, members_from_json, members_to_json

        if key == "teams":
            for row in rows:
                if row.get("members"):
                    members = members_from_json(row["members"])
                    row["members"] = members_to_json([Member(self.name(m.name), m.left) for m in members])
        elif key == "sessions":
            for row in rows:
                if row.get("presenter"):
                    row["presenter"] = self.name(row["presenter"])

    def whole(self, key: str, rows: Iterable[dict[str, Any]]) -> None:
        """Redact rows of ``key`` completely (:meth:`rows` and :meth:`set_rows`), once
        every pseudonym is numbered: what the export made in memory writes of them."""
        rows = list(rows)
        self.rows(key, rows)
        self.set_rows(key, rows)


# The order an export's tables are redacted in, then those of sets' names.
TABLE_ORDER = ("teams", "sessions", "picked_questions", "custom_questions", "actions", "action_reviews")
SET_TABLES = ("teams", "sessions")


# Free-text columns of each table (the rest are names, ids, dates and codes).
TEXT_FIELDS = {
    "teams": ("name",),
    "sessions": ("title", "dilemma", "context", "suggestion_reasons", "insight"),
    "picked_questions": ("text", "note"),
    "custom_questions": ("text",),
    "actions": ("text", "prediction"),
    "action_reviews": ("note", "learning"),
}


def _texts(tables: dict[str, list[dict[str, Any]]]) -> Iterable[str]:
    for key, fields in TEXT_FIELDS.items():
        for row in tables.get(key, []):
            for field in fields:
                value = row.get(field)
                if isinstance(value, str) and value:
                    yield value


# --- what redaction cannot know -------------------------------------------------------

# Capitalised words that are no name: sentence openers, days, months.
_ORDINARY = frozenset(
    """
    a an and as at be but by can could did do does for from had has have he her here his how i if in is it its
    let may me might must my no not now of ok okay on one or our she should so some than thanks that the their
    them then there these they this those to two up us was we were what when where which who why will with
    would yes yet you your after again all also any are because before both each every first how however last
    more most much next only other over perhaps since still such too under very while
    monday tuesday wednesday thursday friday saturday sunday january february march april june july august
    september october november december
    ask agree book call check find get keep look make meet plot read review run see send set share talk tell
    try use write
    coach person team
    """.split()
)
_CAPITALISED_RE = re.compile(r"(?<![\w'’\-])[^\W\d_][\w'’\-]*")


def possible_names(texts: Iterable[str], limit: int = 40) -> list[str]:
    """Capitalised words in (redacted) ``texts`` that might still be someone's name,
    in the order they first appear: what a coach should look at before sharing.

    Left out: pseudonyms, ordinary words (a sentence opener, a day, a month, any word
    that also appears in lower case), short all-capital abbreviations (NQT, ICU) and
    words with digits.
    """
    seen_lower: set[str] = set()
    candidates: dict[str, str] = {}
    seen: set[str] = set()  # short texts already read: read again, they add nothing
    for text in texts:
        if not text:
            continue
        if len(text) <= MEMO_TEXT:
            if text in seen:
                continue
            if len(seen) < MEMO_ENTRIES:
                seen.add(text)
        previous = ""
        for match in _CAPITALISED_RE.finditer(text):
            word = _POSSESSIVE_RE.sub("", match.group()).strip("'’-")
            after_coach = previous == "Coach"
            previous = word
            if len(word) < 2 or (not word.isalpha() and any(ch.isdigit() for ch in word)):
                continue
            key = fold(word)
            if not word[0].isupper():
                seen_lower.add(key)
                continue
            if key in _ORDINARY or (word.isupper() and len(word) <= 4) or (after_coach and word.isupper()):
                continue
            candidates.setdefault(key, word)
    words = [word for key, word in candidates.items() if key not in seen_lower]
    return words[:limit]


def redacted_texts(*groups: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The free text of redacted export rows (for :func:`possible_names`)."""
    out: list[str] = []
    for tables in groups:
        out += _texts(tables)
        for key in ("sessions", "actions", "action_reviews", "custom_questions", "teams"):
            for row in tables.get(key, []):
                for field in ("coach", "owner"):
                    value = row.get(field)
                    if isinstance(value, str) and value:
                        out.append(value)
    return out
