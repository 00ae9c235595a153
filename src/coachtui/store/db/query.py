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

import functools
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
# The longest prefix the index has a table for: a longer one makes FTS5 merge the
# matches of every word that begins with it (all of "time", "times", "timeliness").
INDEXED_PREFIX = 3


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

    def fts5_shorter(self) -> tuple[str, str] | None:
        """When the last word is a prefix longer than the index's prefix tables (and
        plain ASCII): the FTS5 query with it cut to their length, which finds every
        match and more as cheaply as a whole word, and the prefix folded, for
        :func:`begins_a_word` to tell the matches among them; else None."""
        last = self.words[-1] if self.words else ""
        if not self.prefix or len(last) <= INDEXED_PREFIX or not last.isascii():
            return None
        shorter = SearchTerms((*self.words[:-1], last[:INDEXED_PREFIX]), prefix=True)
        return shorter.fts5(), last.lower()

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


@functools.lru_cache(maxsize=64)
def _word_start(prefix: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(prefix), re.IGNORECASE | re.ASCII)


def begins_a_word(prefix: str, text: str | None) -> int | None:
    """1 when a word of ``text`` begins with ``prefix`` (plain ASCII, folded), as the
    index's tokenizer splits and folds words, 0 when none does; None when the text is
    not plain ASCII (its words are the index's to tell: accents, other scripts).
    For ASCII text the tokenizer's words are the runs of letters and digits, folded
    to lower case, so the answer is exact."""
    if text is None:
        return 0
    if not text.isascii():
        return None
    return 1 if _word_start(prefix).search(text) else 0


# What highlight() puts around the words a query found (marked_begins_a_word).
MARK_START, MARK_END = "\x01", "\x02"
_MARKED = re.compile("\x01([^\x01\x02]*)\x02")


def marked_begins_a_word(prefix: str, text: str | None) -> int | None:
    """As :func:`begins_a_word`, for text whose words the index's tokenizer has
    marked (FTS5's ``highlight()`` of a query that finds every word beginning with
    the prefix, and more): 1 when a marked plain ASCII word begins with ``prefix``;
    None when a marked word is not plain ASCII (how the index folds it is the
    index's to tell) or the marks are not the tokenizer's; else 0."""
    if text is None:
        return 0
    if text.count(MARK_START) != text.count(MARK_END):
        return None
    unsure = False
    for marked in _MARKED.finditer(text):
        word = marked.group(1)
        if not word.isascii():
            unsure = True
        elif word.lower().startswith(prefix):
            return 1
    return None if unsure else 0


def fold(word: str) -> str:
    """Case and accents folded (``Équipe`` -> ``equipe``), as the indexes fold them."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word.casefold())
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped)


@functools.lru_cache(maxsize=64)
def _ascii_words(wanted: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    """The words of ASCII text that fold to a searched word: any but the last
    exactly, the last exactly or (``prefix``) as the start of a word."""
    last = re.escape(wanted[-1]) + (r"[^\W_]*" if prefix else "")
    alternatives = "|".join([*(re.escape(word) for word in wanted[:-1]), last])
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE | re.ASCII)


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

    quick = _ascii_words(tuple(wanted), terms.prefix)
    best: tuple[int, str, list[tuple[int, int]]] | None = None
    for raw in texts:
        if raw and raw.isascii():
            # most texts: the searched words found by one expression (an ASCII word
            # folds to its lower case), no look at every word
            if not any(word in raw.lower() for word in wanted):
                continue
            text = " ".join(raw.split())
            spans = [(m.start(), m.end()) for m in quick.finditer(text)]
        else:
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
