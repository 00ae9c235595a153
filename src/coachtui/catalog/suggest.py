"""Suggest which of the four categories a dilemma belongs to, and say why.

The suggestion is deliberately simple and explainable: every category lists the
signals a coach would notice, and each signal lists words and phrases that hint
at it (``run chart``, ``principal*``, ``no time``). A dilemma scores a point per
word of every phrase it contains, so specific phrases count more than single
words; the reasons are the signals that matched and the words that matched them.
The coach always decides; the suggestion only starts the conversation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from coachtui.catalog.loader import load_catalog
from coachtui.catalog.model import Catalog, Category

_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
# A signal that matches many words is strong evidence, but one rambling signal
# should not drown out the others: cap what one signal can contribute.
_SIGNAL_CAP = 4.0


@dataclass(frozen=True, slots=True)
class Reason:
    signal: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    category_id: str
    name: str
    score: float
    share: float
    reasons: tuple[Reason, ...]

    @property
    def matched_words(self) -> tuple[str, ...]:
        """Every word or phrase that matched, once; a word that is part of a longer
        matched phrase ("chart" in "run chart") is left out."""
        seen: dict[str, None] = {}
        for reason in self.reasons:
            for word in reason.words:
                seen.setdefault(word, None)
        words = list(seen)
        return tuple(w for w in words if not any(w != other and w in other.split() for other in words))


@dataclass(frozen=True, slots=True)
class _Pattern:
    label: str
    tokens: tuple[tuple[str, bool], ...]  # (stem, is_prefix)

    @property
    def weight(self) -> float:
        return float(len(self.tokens))


def tokenize(text: str) -> list[str]:
    return [t.replace("'", "") for t in _TOKEN_RE.findall(text.casefold())]


def _compile(word: str) -> _Pattern:
    """Split a catalog phrase exactly as dilemma text is split (so ``mid-year`` and
    ``don't`` match), keeping a trailing ``*`` as "any word starting with this"."""
    parts: list[tuple[str, bool]] = []
    for raw in word.split():
        prefix = raw.endswith("*")
        pieces = tokenize(raw.rstrip("*"))
        parts.extend((piece, False) for piece in pieces[:-1])
        if pieces:
            parts.append((pieces[-1], prefix))
    return _Pattern(label=word.replace("*", ""), tokens=tuple(parts))


def _token_matches(token: str, stem: str, prefix: bool) -> bool:
    if prefix:
        return token.startswith(stem)
    return token == stem or token == stem + "s" or token == stem + "es"


def _occurs(pattern: _Pattern, tokens: list[str], first: dict[str, list[int]]) -> bool:
    stem, prefix = pattern.tokens[0]
    if prefix:
        starts = [i for i, t in enumerate(tokens) if t.startswith(stem)]
    else:
        starts = first.get(stem, []) + first.get(stem + "s", []) + first.get(stem + "es", [])
    size = len(pattern.tokens)
    for start in starts:
        window = tokens[start : start + size]
        if len(window) == size and all(
            _token_matches(tok, s, p) for tok, (s, p) in zip(window, pattern.tokens, strict=True)
        ):
            return True
    return False


@functools.cache
def _compiled(catalog: Catalog) -> tuple[tuple[Category, tuple[tuple[str, tuple[_Pattern, ...]], ...]], ...]:
    return tuple(
        (
            category,
            tuple((signal.text, tuple(_compile(w) for w in signal.words)) for signal in category.signals),
        )
        for category in catalog.categories
    )


def suggest_category(text: str, catalog: Catalog | None = None) -> tuple[Suggestion, ...]:
    """Rank all four categories for ``text``, best first.

    Every category is returned with its score (0 when nothing matched), its share of
    the total score and the reasons. Ties keep the catalog's order.
    """
    catalog = catalog or load_catalog()
    tokens = tokenize(text)
    first: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        first.setdefault(token, []).append(index)

    ranked: list[tuple[float, int, Category, tuple[Reason, ...]]] = []
    for order, (category, signals) in enumerate(_compiled(catalog)):
        score = 0.0
        reasons: list[Reason] = []
        for signal_text, patterns in signals:
            hits = [p for p in patterns if _occurs(p, tokens, first)]
            if hits:
                score += min(_SIGNAL_CAP, sum(p.weight for p in hits))
                reasons.append(Reason(signal=signal_text, words=tuple(p.label for p in hits)))
        ranked.append((score, order, category, tuple(reasons)))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    total = sum(item[0] for item in ranked)
    return tuple(
        Suggestion(
            category_id=category.id,
            name=category.name,
            score=score,
            share=(score / total) if total else 0.0,
            reasons=reasons,
        )
        for score, _order, category, reasons in ranked
    )


def best_category(text: str, catalog: Catalog | None = None) -> Suggestion | None:
    """The top suggestion, or ``None`` when no signal matched at all."""
    ranked = suggest_category(text, catalog)
    return ranked[0] if ranked and ranked[0].score > 0 else None
