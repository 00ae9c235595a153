"""The trained part of the category suggestion: two small linear text models.

- **Naive Bayes** counts how often each feature (a stemmed word or pair of words,
  see :mod:`coachtui.catalog.features`) appears in each category's examples.
- **Logistic regression** weighs the same features, tf-idf scaled, so words that
  only appear together with others still get their due.

Both are trained by ``python -m coachtui.catalog.train`` on the labelled corpus in
``assets/dilemmas.tsv`` and saved as plain numbers in ``assets/suggest_model.json``;
this module only reads that file and does arithmetic, so the wheel needs no
machine-learning library. A coach's own completed sessions can be added to the
naive Bayes counts at run time (:class:`Adaptation`), never changing the file.
"""

from __future__ import annotations

import functools
import json
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from coachtui.catalog.features import counts

MODEL_FILE = "suggest_model.json"
MODEL_VERSION = 1
# Learning from the coach's own sessions: passes over them, step size, and how
# strongly corrections are held near zero.
ADAPT_EPOCHS = 30
ADAPT_RATE = 1.0
ADAPT_L2 = 0.01


def softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def log_softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    log_total = top + math.log(sum(math.exp(s - top) for s in scores))
    return [s - log_total for s in scores]


def tfidf(feature_counts: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    """Sub-linear term frequency times idf, scaled to unit length; unknown features dropped."""
    vector = {f: (1.0 + math.log(n)) * idf[f] for f, n in feature_counts.items() if f in idf}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {f: v / norm for f, v in vector.items()} if norm else {}


def _add_columns(start: list[float], rows: list[list[float]]) -> list[float]:
    """``start`` plus the sum of ``rows``, label by label."""
    if not rows:
        return list(start)
    return [base + math.fsum(column) for base, column in zip(start, zip(*rows, strict=False), strict=True)]


def _add_weighted_columns(
    start: list[float], weights: Mapping[str, list[float]], vector: Mapping[str, float]
) -> list[float]:
    """``start`` plus each feature's weights times its value in ``vector``, label by label."""
    rows = [(row, value) for row, value in zip(map(weights.get, vector), vector.values(), strict=False) if row is not None]
    if not rows:
        return list(start)
    values = [value for _row, value in rows]
    return [
        base + math.fsum(map(operator.mul, column, values))
        for base, column in zip(start, zip(*(row for row, _value in rows), strict=False), strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Adaptation:
    """What a coach's own labelled sessions teach: small corrections to the model's
    word weights, learned only where the shipped model disagrees with the coach.

    Trained on the coach's sessions with the whole suggestion held fixed, the
    corrections stay near zero where the coach judges as the corpus does and grow
    where the coach judges some kind of dilemma differently (say, turnover filed
    under relational), so the suggestion follows the coach there and nowhere else.

    Only words the base corpus knows are read: a team's, place's or person's name
    the corpus never saw cannot become evidence. Each distinct session counts once.
    """

    weights: dict[str, list[float]] = field(default_factory=dict)
    examples: int = 0

    @property
    def empty(self) -> bool:
        return self.examples == 0 or not self.weights


@dataclass(frozen=True, slots=True)
class Scores:
    """Per-category log scores of each model for one text, in the model's label order."""

    naive_bayes: list[float]
    regression: list[float]
    known: int  # how many of the text's features the model knows
    coach: list[float] | None = None  # what the coach's own sessions add (None: nothing learned)
    vector: Mapping[str, float] | None = None  # the text's tf-idf vector, for explaining it


class TextModel:
    """The two trained models, read from their JSON file."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"suggestion model version {data.get('version')!r}, expected {MODEL_VERSION}")
        self.labels: tuple[str, ...] = tuple(data["labels"])
        nb = data["naive_bayes"]
        self.alpha: float = nb["alpha"]
        self.log_prior: list[float] = nb["log_prior"]
        self.nb_counts: dict[str, list[float]] = nb["counts"]
        self.nb_totals: list[float] = nb["totals"]
        lr = data["regression"]
        self.idf: dict[str, float] = lr["idf"]
        self.lr_bias: list[float] = lr["bias"]
        self.lr_weights: dict[str, list[float]] = lr["weights"]
        blend = data["blend"]
        self.blend_nb: float = blend["naive_bayes"]
        self.blend_lr: float = blend["regression"]
        self.blend_signals: float = blend["signals"]
        self.adapt_weight: float = blend.get("adaptation", 1.0)
        self.corpus_size: int = data.get("corpus_size", 0)
        self._vocabulary = len(self.nb_counts)
        # log P(feature | label), worked out once
        denominators = [math.log(total + self.alpha * self._vocabulary) for total in self.nb_totals]
        self._loglik: dict[str, list[float]] = {
            feature: [math.log(count + self.alpha) - d for count, d in zip(row, denominators, strict=True)]
            for feature, row in self.nb_counts.items()
        }

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.nb_counts)

    def nb_loglik(self, feature: str, label: int) -> float:
        return self._loglik[feature][label]

    def scores(self, feature_counts: Mapping[str, int], adaptation: Adaptation | None = None) -> Scores:
        # Presence, not frequency: a word said five times is one piece of evidence.
        logliks = [row for row in map(self._loglik.get, feature_counts) if row is not None]
        nb = _add_columns(self.log_prior, logliks)
        vector = tfidf(feature_counts, self.idf)
        lr = _add_weighted_columns(self.lr_bias, self.lr_weights, vector)
        coach = None
        if adaptation is not None and not adaptation.empty:
            coach = _add_weighted_columns([0.0] * len(self.labels), adaptation.weights, vector)
        return Scores(
            naive_bayes=log_softmax(nb), regression=log_softmax(lr), known=len(logliks), coach=coach, vector=vector
        )

    def blend(self, scores: Scores, signal_scores: list[float]) -> list[float]:
        """The probability of each label, from both models and the keyword signals."""
        coach = scores.coach or [0.0] * len(self.labels)
        return softmax(
            [
                self.blend_nb * nb + self.blend_lr * lr + self.blend_signals * sig + own
                for nb, lr, sig, own in zip(scores.naive_bayes, scores.regression, signal_scores, coach, strict=True)
            ]
        )

    def contributions(
        self,
        feature_counts: Mapping[str, int],
        toward: int,
        against: int,
        adaptation: Adaptation | None = None,
        vector: Mapping[str, float] | None = None,
    ) -> dict[str, float]:
        """How much each feature of the text moved the blend toward label ``toward``
        and away from label ``against`` (negative: the other way). ``vector``: the
        text's tf-idf vector if already worked out (:attr:`Scores.vector`)."""
        if vector is None:
            vector = tfidf(feature_counts, self.idf)
        result: dict[str, float] = {}
        for feature in feature_counts:
            loglik = self._loglik.get(feature)
            if loglik is None:
                continue
            value = self.blend_nb * (loglik[toward] - loglik[against])
            weights = self.lr_weights.get(feature)
            if weights is not None and feature in vector:
                value += self.blend_lr * (weights[toward] - weights[against]) * vector[feature]
            correction = adaptation.weights.get(feature) if adaptation is not None else None
            if correction is not None and feature in vector:
                value += (correction[toward] - correction[against]) * vector[feature]
            result[feature] = value
        return result

    def adaptation(
        self,
        examples: Iterable[tuple[str, str]],
        signal_scores: Callable[[str], list[float]] | None = None,
    ) -> Adaptation:
        """Learn corrections from a coach's own (text, category) examples, once each,
        read with the corpus's words only. ``signal_scores`` gives the keyword
        signals' scores in label order (the suggestion is held fixed with them)."""
        size = len(self.labels)
        index = {label: i for i, label in enumerate(self.labels)}
        seen: set[str] = set()
        data: list[tuple[dict[str, float], list[float], int]] = []
        for text, label in examples:
            key = " ".join(text.split()).casefold()
            if label not in index or key in seen or not key:
                continue
            seen.add(key)
            feature_counts = counts(text)
            vector = tfidf(feature_counts, self.idf)
            if not vector:
                continue
            scores = self.scores(feature_counts)
            signals = signal_scores(text) if signal_scores is not None else [0.0] * size
            base = [
                self.blend_nb * nb + self.blend_lr * lr + self.blend_signals * sig
                for nb, lr, sig in zip(scores.naive_bayes, scores.regression, signals, strict=True)
            ]
            data.append((vector, base, index[label]))
        weights: dict[str, list[float]] = {}
        for _epoch in range(ADAPT_EPOCHS):
            for vector, base, wanted in data:
                z = list(base)
                for feature, value in vector.items():
                    correction = weights.get(feature)
                    if correction is not None:
                        for c in range(size):
                            z[c] += correction[c] * value
                p = softmax(z)
                for c in range(size):
                    gradient = p[c] - (1.0 if c == wanted else 0.0)
                    if abs(gradient) < 1e-4:
                        continue
                    for feature, value in vector.items():
                        correction = weights.setdefault(feature, [0.0] * size)
                        correction[c] -= self.adapt_weight * ADAPT_RATE * (gradient * value + ADAPT_L2 * correction[c])
        return Adaptation(weights=weights, examples=len(data))


def parse_model(text: str) -> TextModel:
    return TextModel(json.loads(text))


@functools.cache
def load_model() -> TextModel | None:
    """The packaged model, or ``None`` if the wheel has none (the keyword signals then
    suggest on their own)."""
    try:
        text = resources.files("coachtui").joinpath("assets", MODEL_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    try:
        return parse_model(text)
    except (ValueError, KeyError, TypeError):
        return None
