"""Pseudonyms for ``export --redact``: no name the database knows leaves in an export.

Who counts as a person: every name in a name column anywhere in the database
(session, team, action and review coaches, custom-question authors, action owners),
not only in the exported rows, because a dilemma may mention someone from another
team. Each becomes a stable pseudonym for the whole export: coaches "Coach A",
"Coach B", …; everyone else "Person 1", "Person 2", … in the order they first
appear. In free text every occurrence of a known name is replaced, ignoring case
and on word boundaries, and so are the first and the last word of a name of several
words ("Priya" and "Raman" for "Priya Raman"); a word shared by several people gets
a pseudonym of its own rather than someone else's.

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
    }
)
HONORIFICS = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "prof", "prof.", "mx", "mx."})
# Letters that may continue a word: Unicode word characters and combining marks.
_WORD = r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def name_key(name: str) -> str:
    """How two spellings of one name are recognised as the same person."""
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def is_name(name: str) -> bool:
    key = name_key(name)
    return bool(key) and key not in NOT_NAMES and any(ch.isalpha() for ch in key)


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
        for name, is_coach in people:
            if is_name(name):
                key = name_key(name)
                self._coach[key] = self._coach.get(key, False) or is_coach
        # token (a name key or one word of one) → the entity it stands for
        self._tokens: dict[str, str] = {key: key for key in self._coach}
        owners: dict[str, set[str]] = {}
        for key in self._coach:
            for part in self._parts(key):
                owners.setdefault(part, set()).add(key)
        for part, keys in owners.items():
            if part in self._tokens:
                continue
            if len(keys) == 1:
                self._tokens[part] = next(iter(keys))
            else:
                self._tokens[part] = part
                self._coach[part] = False
        self._team_names: dict[str, str] = {}
        if not keep_team_names:
            for team_id, team_name in teams:
                key = name_key(team_name)
                if key and key not in self._tokens:
                    self._tokens[key] = "team:" + team_id
        self._pseudonyms: dict[str, str] = {}
        self._counts = {"coach": 0, "person": 0}
        self._pattern = self._compile(self._tokens)

    @staticmethod
    def _parts(key: str) -> list[str]:
        words = key.split(" ")
        while words and words[0] in HONORIFICS:
            words = words[1:]
        if len(words) < 2:
            return []
        return [w for w in (words[0], words[-1]) if len(w) >= 2 and w not in NOT_NAMES and any(c.isalpha() for c in w)]

    @staticmethod
    def _compile(tokens: Iterable[str]) -> re.Pattern[str] | None:
        alternatives: set[str] = set()
        for token in tokens:
            for form in {unicodedata.normalize("NFC", token), unicodedata.normalize("NFD", token)}:
                alternatives.add(r"\s+".join(re.escape(word) for word in form.split(" ")))
        if not alternatives:
            return None
        ordered = sorted(alternatives, key=lambda a: (-len(a), a))
        return re.compile(rf"(?<!{_WORD})(?:{'|'.join(ordered)})(?!{_WORD})", re.IGNORECASE)

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

    def _entity_for(self, matched: str) -> str:
        key = name_key(matched)
        entity = self._tokens.get(key)
        if entity is not None:
            return entity
        # Case-insensitive matching is a little wider than casefold (e.g. "K" and
        # the Kelvin sign): find the token that matched.
        for token, candidate in self._tokens.items():
            if self._compile([token]).fullmatch(matched):  # type: ignore[union-attr]
                return candidate
        return key  # pragma: no cover - every match comes from a token

    def name(self, value: str) -> str:
        """A name column's value → its pseudonym ("" and non-names stay as they are)."""
        if not is_name(value):
            return value
        key = name_key(value)
        entity = self._tokens.get(key)
        if entity is None or entity.startswith("team:"):
            entity = key
            self._coach.setdefault(key, False)
        return self._pseudonym(entity)

    def text(self, value: str) -> str:
        """Free text with every known name replaced by its pseudonym."""
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(lambda m: self._pseudonym(self._entity_for(m.group())), value)

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

    def tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Redact export rows in place, in the export's order (so pseudonyms are
        numbered in the order a reader meets them)."""
        for row in tables.get("teams", []):
            row["name"] = self.team_name(row["id"], row["name"])
            row["name_key"] = row["name"].casefold()
            row["coach"] = self.name(row["coach"])
            self._updated_by(row)
        for row in tables.get("sessions", []):
            row["coach"] = self.name(row["coach"])
            self._updated_by(row)
            for field in ("title", "dilemma", "context"):
                row[field] = self.text(row[field])
            row["suggestion_reasons"] = self.reasons(row["suggestion_reasons"])
        for row in tables.get("picked_questions", []):
            row["text"], row["note"] = self.text(row["text"]), self.text(row["note"])
        for row in tables.get("custom_questions", []):
            row["text"], row["coach"] = self.text(row["text"]), self.name(row["coach"])
        for row in tables.get("actions", []):
            row["text"] = self.text(row["text"])
            row["owner"], row["coach"] = self.name(row["owner"]), self.name(row["coach"])
            self._updated_by(row)
        for row in tables.get("action_reviews", []):
            row["note"], row["coach"] = self.text(row["note"]), self.name(row["coach"])
