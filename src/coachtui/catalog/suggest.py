"""Suggest which of the four categories a dilemma belongs to, and say why.

Two kinds of evidence are blended:

- **Signals**: every category lists what a coach would notice, each with words and
  phrases that hint at it (``run chart``, ``principal*``, ``no time``). A dilemma
  scores a point per word of every phrase it contains (at most four a signal).
- **A trained text model** (:mod:`coachtui.catalog.classifier`): two small linear
  models learned from several hundred labelled dilemmas, reading every word and
  pair of words, so "the consultant won't let the HCAs speak" counts as relational
  even though it mentions no hint word.

What the coach's own completed sessions taught (:class:`Adaptation`) is added on
top: a dilemma like ones the coach filed elsewhere than the model would leans toward
the coach's choice, and the suggestion says how many such sessions moved it.

Each suggestion says which of the coach's words pushed toward it and away from the
runner-up, and when the top two are close the step says so. The coach always
decides; the suggestion only starts the conversation.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coachtui.catalog.classifier import CONCEPT, Adaptation, TextModel, load_model
from coachtui.catalog.features import features
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
class Evidence:
    """Words of the dilemma and how strongly they pushed (positive: toward this
    category; negative: toward the category it is compared with)."""

    words: str
    weight: float


@dataclass(frozen=True, slots=True)
class Suggestion:
    category_id: str
    name: str
    score: float
    share: float
    reasons: tuple[Reason, ...]
    # The words that set the top suggestion apart from ``compared_with`` (the
    # runner-up), strongest first; empty for the other categories.
    evidence: tuple[Evidence, ...] = ()
    compared_with: str | None = None
    signal_points: float = 0.0
    # How many of the coach's own sessions, like this dilemma and filed under this
    # category where the shipped model would have said another, moved it up, and
    # what this dilemma has in common with them (signals, then the coach's words).
    learned: int = 0
    learned_alike: tuple[str, ...] = ()

    @property
    def matched_words(self) -> tuple[str, ...]:
        """Every word or phrase that matched, once; a word that is part of a longer
        matched phrase ("chart" in "run chart") is left out."""
        seen: dict[str, None] = {}
        for reason in self.reasons:
            for word in reason.words:
                seen.setdefault(word, None)
        for item in self.evidence:
            if item.weight > 0:
                seen.setdefault(item.words, None)
        words = list(seen)
        return tuple(w for w in words if not any(w != other and w in other.split() for other in words))

    @property
    def pushing(self) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.weight > 0)

    @property
    def pulling(self) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.weight < 0)


@dataclass(frozen=True, slots=True)
class _Pattern:
    label: str
    tokens: tuple[tuple[str, bool], ...]  # (stem, is_prefix)
    first_forms: tuple[str, ...]  # the words the first token matches exactly (none for a prefix)
    # For each whole-word token, the words it matches: a pattern one of whose tokens
    # is nowhere in the text cannot occur (checked before any window is read).
    needed: tuple[tuple[str, ...], ...]

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
    needed = tuple((stem, stem + "s", stem + "es") for stem, prefix in parts if not prefix)
    forms = needed[0] if not parts[0][1] else ()
    return _Pattern(label=word.replace("*", ""), tokens=tuple(parts), first_forms=forms, needed=needed)


def _token_matches(token: str, stem: str, prefix: bool) -> bool:
    if prefix:
        return token.startswith(stem)
    return token == stem or token == stem + "s" or token == stem + "es"


def _occurs(
    pattern: _Pattern,
    tokens: list[str],
    first: dict[str, list[int]],
    ordered: list[str],
    negated: frozenset[int] = frozenset(),
) -> bool:
    """Whether ``pattern`` occurs in ``tokens``, not counting an occurrence that starts
    at one of the ``negated`` positions."""
    stem, prefix = pattern.tokens[0]
    size = len(pattern.tokens)
    for forms in pattern.needed:
        if not (forms[0] in first or forms[1] in first or forms[2] in first):
            return False
    if size == 1 and not prefix and not negated:
        return True
    if prefix:
        # every distinct token that starts with the stem: a range of the sorted list
        at = bisect.bisect_left(ordered, stem)
        starts = []
        while at < len(ordered) and ordered[at].startswith(stem):
            starts += first[ordered[at]]
            at += 1
    else:
        starts = [at for form in pattern.first_forms for at in first.get(form, ())]
    for start in starts:
        if start in negated:
            continue
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




# When the best category is less likely than this, or the two best are this close,
# the suggestion says "unsure between A and B" rather than picking one. (The
# probabilities are calibrated: of suggestions at 60 %, about 60 % are right.)
SURE = 0.6
UNSURE_MARGIN = 0.2
# With no signal word in the dilemma, the model must be at least this sure to suggest.
NOTHING_CLEAR = 0.5
# How many of the coach's words an explanation quotes, each way.
EVIDENCE_WORDS = 8


# Words that turn the next two words around: "couldn't leave the floor" is no one
# leaving. Only the coach's memory reads signals this way (see :func:`concepts`); the
# suggestion's own signals are as trained.
_NEGATORS = frozenset(
    "not no never nobody none neither nor cant cannot couldnt dont didnt doesnt wont wouldnt isnt arent "
    "wasnt werent havent hasnt hadnt shouldnt".split()
)


def _signals(text: str, catalog: Catalog) -> list[tuple[Category, float, tuple[Reason, ...]]]:
    """The keyword signals' score and reasons for each category, in catalog order."""
    return _read_signals(text, catalog)[0]


def _read_signals(text: str, catalog: Catalog) -> tuple[list[tuple[Category, float, tuple[Reason, ...]]], list[str]]:
    """The keyword signals' score and reasons for each category, in catalog order, and
    the signals matched by words no negation turns around (see :func:`concepts`)."""
    tokens = tokenize(text)
    first: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        first.setdefault(token, []).append(index)
    ordered = sorted(first)
    negators = [at for word in _NEGATORS.intersection(first) for at in first[word]]
    negated = frozenset(at for n in negators for at in (n + 1, n + 2) if at < len(tokens)) - frozenset(negators)
    result = []
    matched: list[str] = []
    for category, signals in _compiled(catalog):
        score = 0.0
        reasons: list[Reason] = []
        for signal_text, patterns in signals:
            hits = [p for p in patterns if _occurs(p, tokens, first, ordered)]
            if hits:
                score += min(_SIGNAL_CAP, sum(p.weight for p in hits))
                reasons.append(Reason(signal=signal_text, words=tuple(p.label for p in hits)))
                if not negated or any(_occurs(p, tokens, first, ordered, negated) for p in hits):
                    matched.append(signal_text)
        result.append((category, score, tuple(reasons)))
    return result, matched


def concepts(text: str, catalog: Catalog | None = None) -> list[str]:
    """The signals ``text`` matches, by name, leaving out words a negation turns
    around: what the coach's memory compares dilemmas by, beside their words
    ("turnover", "leavers" and "resigned" all match one signal)."""
    return _read_signals(text, catalog or load_catalog())[1]


def signal_scores(text: str, catalog: Catalog | None = None) -> list[float]:
    """The keyword signals' score of each category, in catalog order."""
    return [score for _category, score, _reasons in _signals(text, catalog or load_catalog())]


# Words too common to explain anything on their own; they still count in the
# model, they are only left out of what the coach is shown. (Pronouns and "why"
# stay: "they", "I" and "me" do carry signal.)
_PLAIN_WORDS = frozenset(
    "a an the of and or to in on at for by with as from is are was were be been it its this that "
    "these those so then than into about there here has have had do does did".split()
)


@functools.lru_cache(maxsize=16384)
def _telling(words: str) -> bool:
    return any(word not in _PLAIN_WORDS for word in words.casefold().split())


def _evidence(
    model: TextModel,
    made_by: dict[str, list[str]],
    feature_counts: dict[str, int],
    vector: Mapping[str, float] | None,
    toward: tuple[int, tuple[Reason, ...], float],
    against: tuple[int, tuple[Reason, ...], float],
) -> tuple[Evidence, ...]:
    """The coach's words that set ``toward`` apart from ``against`` (each a model
    label index, the category's matched signals and its signal points)."""
    contributions = model.contributions(feature_counts, toward[0], against[0], vector)
    # Quote each of the coach's words once, by its strongest reading; words too
    # plain to explain anything are left out.
    weights: dict[str, tuple[str, float]] = {}
    for feature, weight in contributions.items():
        if abs(weight) < 0.05:
            continue
        words = made_by[feature][0]
        key = words.casefold()
        if (key not in weights or abs(weight) > abs(weights[key][1])) and _telling(key):
            weights[key] = (words, weight)
    # A signal's words push as hard as the signal's points weigh in the blend.
    single = sorted(k for k in weights if " " not in k)
    for reasons, sign in ((toward[1], 1.0), (against[1], -1.0)):
        for reason in reasons:
            for word in reason.words:
                push = sign * model.blend_signals * len(word.split())
                key = word.casefold()
                if key not in weights and " " not in key:  # "cancel*" matched "cancelled": quote that
                    at = bisect.bisect_left(single, key)
                    if at < len(single) and single[at].startswith(key):
                        key = single[at]
                shown, weight = weights.get(key, (word, 0.0))
                weights[key] = (shown, weight + push)
    strongest = sorted(
        ((w, round(v, 2)) for w, v in weights.values() if abs(v) >= 0.05), key=lambda item: -abs(item[1])
    )
    pushing = [Evidence(words=w, weight=v) for w, v in strongest if v > 0][:EVIDENCE_WORDS]
    pulling = [Evidence(words=w, weight=v) for w, v in strongest if v < 0][:EVIDENCE_WORDS]
    return tuple(pushing + pulling)


# How many things an explanation names that a dilemma shares with the coach's sessions.
ALIKE_SHOWN = 3


def _in_words(shared: tuple[str, ...], made_by: Mapping[str, list[str]]) -> tuple[str, ...]:
    """What a dilemma shares with the coach's sessions, for the coach to read: the
    signals by name, the words as the coach wrote them."""
    signals = [feature.removeprefix(CONCEPT) for feature in shared if feature.startswith(CONCEPT)]
    words = [made_by[feature][0] for feature in shared if feature in made_by]
    return tuple((signals + words)[:ALIKE_SHOWN])


def rank_with(
    model: TextModel | None,
    text: str,
    catalog: Catalog | None = None,
    adaptation: Adaptation | None = None,
) -> tuple[Suggestion, ...]:
    """Rank all four categories for ``text`` with ``model`` (``None``: signals alone)."""
    catalog = catalog or load_catalog()
    signals, matched = _read_signals(text, catalog)
    signal_points = [score for _c, score, _r in signals]
    made_by = features(text) if model is not None else {}
    feature_counts = {feature: len(words) for feature, words in made_by.items()}
    scores = None
    if model is not None:
        remembering = adaptation is not None and not adaptation.empty
        scores = model.scores(feature_counts, adaptation, matched if remembering else ())
    learned = [0] * len(signals)
    alike: list[tuple[str, ...]] = [()] * len(signals)
    if model is None or scores is None or (scores.known == 0 and not any(signal_points)):
        total = sum(signal_points)
        probabilities = [(p / total) if total else 0.0 for p in signal_points]
        no_evidence = total == 0
    else:
        by_label = dict(zip(catalog.category_ids, signal_points, strict=True))
        blended = model.blend_detail(scores, [by_label[label] for label in model.labels])
        at = {label: i for i, label in enumerate(model.labels)}
        probabilities = [blended.probabilities[at[c.id]] for c, _s, _r in signals]
        learned = [blended.similar[at[c.id]] for c, _s, _r in signals]
        alike = [_in_words(blended.shared[at[c.id]], made_by) for c, _s, _r in signals]
        # Words the model has seen, but none of them telling: no suggestion rather
        # than a guess dressed up as one.
        no_evidence = not any(signal_points) and max(probabilities) < NOTHING_CLEAR
    order = sorted(range(len(signals)), key=lambda i: (-probabilities[i], -signal_points[i], i))
    results = []
    for rank, i in enumerate(order):
        category, points, reasons = signals[i]
        other = order[1] if rank == 0 else order[0]
        evidence: tuple[Evidence, ...] = ()
        if model is not None and not no_evidence and rank == 0:
            other_category, other_points, other_reasons = signals[other]
            evidence = _evidence(
                model,
                made_by,
                feature_counts,
                scores.vector if scores is not None else None,
                (model.labels.index(category.id), reasons, points),
                (model.labels.index(other_category.id), other_reasons, other_points),
            )
        results.append(
            Suggestion(
                category_id=category.id,
                name=category.name,
                score=0.0 if no_evidence else round(probabilities[i], 4),
                share=0.0 if no_evidence else probabilities[i],
                reasons=reasons,
                evidence=evidence,
                compared_with=signals[other][0].id,
                signal_points=points,
                learned=0 if no_evidence else learned[i],
                learned_alike=() if no_evidence else alike[i],
            )
        )
    return tuple(results)


def suggest_category(
    text: str,
    catalog: Catalog | None = None,
    *,
    adaptation: Adaptation | None = None,
) -> tuple[Suggestion, ...]:
    """Rank all four categories for ``text``, best first.

    Every category is returned with its score (its probability; 0 for all when the
    text holds nothing the suggestion can read), its share of the total, the
    signals that matched and the words that set it apart. ``adaptation`` adds what
    this coach's own labelled sessions taught (see :class:`Adaptation`).
    """
    return rank_with(load_model(), text, catalog, adaptation)


def learn_from(
    examples: Iterable[tuple[str, str]],
    catalog: Catalog | None = None,
    *,
    model: TextModel | None = None,
) -> Adaptation | None:
    """What a coach's own completed sessions ((text, category) pairs) teach the
    suggestion (see :class:`Adaptation`); ``None`` when the shipped model is missing.
    ``model``: another model than the shipped one (for the trainer's simulations)."""
    model = model or load_model()
    if model is None:
        return None
    catalog = catalog or load_catalog()
    order = [catalog.category_ids.index(label) for label in model.labels]

    def read(text: str) -> tuple[list[float], list[str]]:
        signals, matched = _read_signals(text, catalog)
        return [signals[i][1] for i in order], matched

    return model.adaptation(examples, read)

def is_unsure(ranked: Iterable[Suggestion]) -> bool:
    """True when the best category is not clearly ahead: too unlikely, or too close
    to the runner-up."""
    best = list(ranked)[:2]
    return (
        len(best) == 2
        and best[0].score > 0
        and (best[0].share < SURE or best[0].share - best[1].share < UNSURE_MARGIN)
    )


def best_category(text: str, catalog: Catalog | None = None) -> Suggestion | None:
    """The top suggestion, or ``None`` when nothing in the text points anywhere."""
    ranked = suggest_category(text, catalog)
    return ranked[0] if ranked and ranked[0].score > 0 else None
