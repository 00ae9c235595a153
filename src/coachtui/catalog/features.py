"""Turn a dilemma into the features the category model reads.

Shared by the trainer and the run-time model, so both see text the same way:
casefolded words (stop words kept: "I", "they", "why" carry signal), contractions
opened ("don't" → "do not", "cant" → "can not"), each word stemmed (Snowball's
English stemmer: "testing", "tested", "tests" → "test"), then single stems and
pairs of neighbouring stems ("no prediction" → "no predict").

Each feature remembers the words in the coach's text that made it, so an
explanation can quote the coach, not a stem.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Protocol

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_SENTENCE_BREAK_RE = re.compile(r"[.!?;:\n()\[\]\"“”]+")
# Contractions typed without an apostrophe, as coaches type in a hurry.
_BARE_NOT = {
    "dont": "do",
    "doesnt": "does",
    "didnt": "did",
    "cant": "can",
    "cannot": "can",
    "wont": "will",
    "isnt": "is",
    "arent": "are",
    "wasnt": "was",
    "werent": "were",
    "havent": "have",
    "hasnt": "has",
    "hadnt": "had",
    "couldnt": "could",
    "wouldnt": "would",
    "shouldnt": "should",
    "aint": "is",
}
BIGRAM_JOIN = " "


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...


@functools.cache
def _stemmer() -> _Stemmer:
    import snowballstemmer  # type: ignore[import-untyped]  # the package ships no type hints

    stemmer: _Stemmer = snowballstemmer.stemmer("english")
    return stemmer


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def _normalised(original: str) -> tuple[str, ...]:
    """The normalised words one of the coach's words stands for: "don't" → ("do", "not")."""
    word = _strip_accents(original.casefold()).replace("’", "'")
    if word.endswith("n't"):
        return (word[:-3] or word, "not")
    if word in _BARE_NOT:
        return (_BARE_NOT[word], "not")
    if "'" in word:
        head = word.split("'", 1)[0]
        return (head,) if head else ()
    return (word,)


@functools.lru_cache(maxsize=65536)
def _stems(original: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in _normalised(original))


def words(text: str) -> Iterator[tuple[str, str]]:
    """(normalised word, the coach's own word) pairs; a sentence break yields ("", "")."""
    for chunk in _SENTENCE_BREAK_RE.split(text):
        for original in _WORD_RE.findall(chunk):
            for word in _normalised(original):
                yield word, original
        yield "", ""


def features(text: str) -> dict[str, list[str]]:
    """Every feature of ``text`` (stems and stem pairs), each with the words that made it."""
    found: dict[str, list[str]] = {}
    add = found.setdefault
    for chunk in _SENTENCE_BREAK_RE.split(text):
        previous = previous_original = ""  # none yet: pairs never cross a sentence break
        for original in _WORD_RE.findall(chunk):
            for index, stemmed in enumerate(_stems(original)):
                add(stemmed, []).append(original)
                if previous:
                    # "won't" opens into two words: their pair is the coach's one word
                    pair = original if index else previous_original + " " + original
                    add(previous + BIGRAM_JOIN + stemmed, []).append(pair)
                previous, previous_original = stemmed, original
    return found


def counts(text: str) -> dict[str, int]:
    return {feature: len(made_by) for feature, made_by in features(text).items()}
