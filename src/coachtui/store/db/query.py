"""Turn whatever a facilitator typed into a search box into a safe full-text query.

Pure Python (no database import), so the UI can use it too, e.g. to say which words
are being searched for. The typed text is never parsed as FTS5 syntax: it is split
into words exactly as the index's ``unicode61`` tokenizer splits text (letters and
digits of any script; everything else separates words), each word is quoted, and all
words must match. The last word is a prefix while it is still being typed (the text
ends inside it), so results narrow as the user types; a trailing space or quote makes
it a whole word again. A single typed letter is not a prefix (it would match nearly
every session and costs a merge of hundreds of words): "ward 7" looks for "7".

Text with no letters or digits at all (``*``, ``[/]``, an emoji) has no words: the
search then applies no text filter, as an empty search box does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Python's "alphanumeric, not underscore" after NFC matches unicode61's token
# characters (categories L*, N*, Co) for the scripts we checked (Latin with and
# without precomposed accents, Hebrew, Arabic, Devanagari, CJK, digits, ligatures).
_WORD_RE = re.compile(r"[^\W_]+")
# Beyond this many words a query stops narrowing anything a person would type;
# a pasted paragraph is searched by its first words.
MAX_WORDS = 16
# The shortest last word searched as a prefix (the index has prefix tables for 2 and 3).
MIN_PREFIX = 2


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """The words a search looks for; ``prefix`` when the last one is a prefix."""

    words: tuple[str, ...] = ()
    prefix: bool = False

    def __bool__(self) -> bool:
        return bool(self.words)

    def fts5(self) -> str:
        """The FTS5 MATCH expression: every word quoted, implicitly ANDed."""
        parts = ['"' + word.replace('"', '""') + '"' for word in self.words]
        if parts and self.prefix:
            parts[-1] += "*"
        return " ".join(parts)

    def like_patterns(self) -> list[str]:
        """``%word%`` patterns (``%``, ``_`` and ``\\`` escaped with ``\\``) for ILIKE."""
        return ["%" + re.sub(r"([\\%_])", r"\\\1", word) + "%" for word in self.words]


def parse_search(text: str) -> SearchTerms:
    """Split typed text into search words (see the module docstring)."""
    text = unicodedata.normalize("NFC", text or "")
    matches = []
    for match in _WORD_RE.finditer(text):
        matches.append(match)
        if len(matches) > MAX_WORDS:
            break
    if not matches:
        return SearchTerms()
    kept = matches[:MAX_WORDS]
    last = kept[-1]
    prefix = len(matches) <= MAX_WORDS and last.end() == len(text) and len(last.group()) >= MIN_PREFIX
    return SearchTerms(words=tuple(m.group() for m in kept), prefix=prefix)
