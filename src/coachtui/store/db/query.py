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


def fold(word: str) -> str:
    """Case and accents folded (``Équipe`` -> ``equipe``), as the indexes fold them."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word.casefold())
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped)


# How much of a text a search result shows around the first word it matched.
SNIPPET_CHARS = 90


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short piece of a found session's text, on one line, and where in it the
    searched words are (``(start, end)`` character spans, to highlight)."""

    text: str = ""
    spans: tuple[tuple[int, int], ...] = ()


def snippet(texts: list[str], terms: SearchTerms, room: int = SNIPPET_CHARS) -> Snippet:
    """The piece of ``texts`` (a session's texts, in the order it shows them) that
    shows the most of the searched words, cut to about ``room`` characters around the
    first of them, with the spans of every searched word in it. Empty when no text
    holds one (a session found through words split differently)."""
    wanted = [fold(word) for word in terms.words]
    if not wanted:
        return Snippet()

    def matches(token: str) -> bool:
        folded = fold(token)
        return folded in wanted[:-1] or (folded.startswith(wanted[-1]) if terms.prefix else folded == wanted[-1])

    best: tuple[int, str, list[tuple[int, int]]] | None = None
    for raw in texts:
        if raw and raw.isascii() and not any(word in raw.lower() for word in wanted):
            continue  # no word of it can fold to a searched one (a quick look for the common case)
        text = " ".join(unicodedata.normalize("NFC", raw or "").split())
        spans = [(m.start(), m.end()) for m in _WORD_RE.finditer(text) if matches(m.group())]
        if not spans:
            continue
        found = len({fold(text[start:end]) for start, end in spans})
        if best is None or found > best[0]:
            best = (found, text, spans)
    if best is None:
        return Snippet()
    _found, text, spans = best
    start = max(0, spans[0][0] - room // 3)
    if start:  # begin at a word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + room)
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space > spans[0][1] else end
    prefix, suffix = ("…" if start else ""), ("…" if end < len(text) else "")
    shift = len(prefix) - start
    kept = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return Snippet(prefix + text[start:end] + suffix, kept)
