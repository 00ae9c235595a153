"""The trained part of the category suggestion: two small linear text models.

- **Naive Bayes** counts how often each feature (a stemmed word or pair of words,
  see :mod:`coachtui.catalog.features`) appears in each category's examples.
- **Logistic regression** weighs the same features, tf-idf scaled, so words that
  only appear together with others still get their due.

Both are trained by ``python -m coachtui.catalog.train`` on the labelled corpus in
``assets/dilemmas.tsv`` and saved as plain numbers in ``assets/suggest_model.json``;
this module only reads that file and does arithmetic, so the wheel needs no
machine-learning library. A coach's own completed sessions are remembered at run
time where the coach chose otherwise than the model (:class:`Adaptation`), never
changing the file.
"""

from __future__ import annotations

import functools
import heapq
import json
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from coachtui.catalog.features import BIGRAM_JOIN, counts, stem

MODEL_FILE = "suggest_model.json"
MODEL_VERSION = 1
# The coach's memory (see :class:`Adaptation`): a new dilemma that reads like the
# sessions the coach filed under another category than the shipped model would have
# (same model verdict, alike in words and in the catalog signals they match) leans
# toward the coach's category by MEMORY_GAIN per unit of similarity (cosine) to the
# centre of those sessions, once at least MEMORY_SYSTEMATIC of them agree: one odd
# choice is not a habit. The signals matched weigh MEMORY_CONCEPTS of the comparison,
# the words the rest, so "vacancies" and "resigned" count as alike.
# Words in more than MEMORY_COMMON of the corpus's dilemmas ("the", "team", "staff")
# say nothing about two dilemmas being alike and are left out of the comparison.
# (Chosen on bench/'s simulated coaches, see bench/suggestion.py: with these, a coach
# who files turnover under relational, and one who files data and run-chart dilemmas
# under learning, are each followed on 16 of 20 new dilemmas of their kind after 20
# sessions, and at most one dev dilemma of another kind moves; a gain of 21 moves two
# or three, concepts at 0.4 follow the second coach on 15. Near an edge, and the dev
# set helped choose it.)
MEMORY_GAIN = 18.0
MEMORY_CONCEPTS = 0.5
MEMORY_SYSTEMATIC = 2
# How many of the features a dilemma shares with the coach's sessions are kept to explain it.
MEMORY_SHARED = 8
MEMORY_COMMON = 0.1
# A catalog signal among the features compared: "≈" and the signal's text (never a
# stem, which has no such character).
CONCEPT = "\u2248"
# Words that say how a dilemma is told, not what it is about: never evidence that
# two dilemmas are alike (stemmed as the features are; "ca" and "wo" are what is
# left of "can't" and "won't").
FUNCTION_WORDS = frozenset(
    "a about after again all also am an and any are as at be been before being both but by can could did "
    "do does done each even ever every few for from get got had has have he her here him his how i if in "
    "into is it its just me more most my never no nor not now of off on once one only or other our out "
    "over own same she should so some still such than that the their them then there these they this "
    "those through to too two three four five under until up us very was we were what when where which "
    "while who whom why will with would yet you your since because although though during without "
    "against between across among within upon whether ca wo sha".split()
)
# How alike (cosine) two dilemmas must be for the explanation to call them similar.
MEMORY_SIMILAR = 0.1


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
class Remembered:
    """One of the coach's sessions the shipped model would have filed elsewhere:
    its telling words and signals (see :meth:`TextModel.memory_vector`), what the
    model said, what the coach chose."""

    vector: Mapping[str, float]
    model_label: int
    coach_label: int


@dataclass(frozen=True, slots=True)
class Adaptation:
    """What a coach's own labelled sessions teach: a memory of the sessions where the
    coach chose another category than the shipped model would have.

    The sessions the coach filed under, say, relational where the model said
    environment form one group, and its centre says what they have in common: their
    telling words and the catalog signals they match ("turnover", "leavers",
    "resigned" and "vacancies" all match the signal about people leaving). A new
    dilemma the model calls environment again leans to relational in proportion to
    how alike it is to that centre, once two or more sessions make the group (a
    habit, not one odd choice). Sessions where the coach agrees with the model change
    nothing, and nothing changes for dilemmas unlike the group. (Stronger global
    corrections to the word weights were tried: they followed the coach no faster
    per point of accuracy lost elsewhere; comparing with the nearest single session
    instead of the centre moved more unrelated dilemmas.)

    Only words the base corpus knows are read: a team's, place's or person's name
    the corpus never saw cannot become evidence. Each distinct session counts once.
    """

    examples: int = 0
    memory: tuple[Remembered, ...] = ()
    # word -> (position in memory, its value there): each word looked up once.
    index: Mapping[str, tuple[tuple[int, float], ...]] = field(init=False, repr=False, compare=False)
    # (model's label, coach's label) -> the centre of those sessions (unit length)
    # and how many they are
    groups: Mapping[tuple[int, int], tuple[Mapping[str, float], int]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[int, float]]] = {}
        sums: dict[tuple[int, int], dict[str, float]] = {}
        sizes: dict[tuple[int, int], int] = {}
        for at, remembered in enumerate(self.memory):
            key = (remembered.model_label, remembered.coach_label)
            sizes[key] = sizes.get(key, 0) + 1
            total = sums.setdefault(key, {})
            for word, value in remembered.vector.items():
                index.setdefault(word, []).append((at, value))
                total[word] = total.get(word, 0.0) + value
        object.__setattr__(self, "index", {word: tuple(rows) for word, rows in index.items()})
        groups = {}
        for key, total in sums.items():
            norm = math.sqrt(math.fsum(v * v for v in total.values()))
            if norm:
                groups[key] = ({word: value / norm for word, value in total.items()}, sizes[key])
        object.__setattr__(self, "groups", groups)

    @property
    def empty(self) -> bool:
        return self.examples == 0 or not self.memory


@dataclass(frozen=True, slots=True)
class Recalled:
    """How a new dilemma compares with the coach's remembered sessions."""

    similarity: float
    model_label: int
    coach_label: int


@dataclass(frozen=True, slots=True)
class Leaning:
    """How a new dilemma compares with one group of the coach's sessions (those the
    model called ``model_label`` and the coach filed under ``coach_label``)."""

    similarity: float  # cosine with the group's centre
    model_label: int
    coach_label: int
    sessions: int  # how many sessions make the group
    shared: tuple[str, ...]  # the MEMORY_SHARED features it shares most with the centre, most first


@dataclass(frozen=True, slots=True)
class Scores:
    """Per-category log scores of each model for one text, in the model's label order."""

    naive_bayes: list[float]
    regression: list[float]
    known: int  # how many of the text's features the model knows
    vector: Mapping[str, float] | None = None  # the text's tf-idf vector, for explaining it
    recalled: tuple[Recalled, ...] = ()  # the coach's remembered sessions that share telling words
    leanings: tuple[Leaning, ...] = ()  # how alike the text is to each group of them


@dataclass(frozen=True, slots=True)
class Blended:
    """The probability of each label, and what the coach's memory added to each."""

    probabilities: list[float]
    model_top: int  # what the shipped model alone ranks first
    similar: list[int]  # per label: the coach's sessions like this one filed under it, that moved it
    shared: list[tuple[str, ...]]  # per label that moved: what the text shares with those sessions


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
        self.corpus_size: int = data.get("corpus_size", 0)
        self._vocabulary = len(self.nb_counts)
        # log P(feature | label), worked out once
        denominators = [math.log(total + self.alpha * self._vocabulary) for total in self.nb_totals]
        self._loglik: dict[str, list[float]] = {
            feature: [math.log(count + self.alpha) - d for count, d in zip(row, denominators, strict=True)]
            for feature, row in self.nb_counts.items()
        }

        # Single words common enough to say nothing about two dilemmas being alike.
        common_at = MEMORY_COMMON * self.corpus_size if self.corpus_size else math.inf
        plain = {stem(word) for word in FUNCTION_WORDS}
        self._telling_words: frozenset[str] = frozenset(
            f
            for f, row in self.nb_counts.items()
            if BIGRAM_JOIN not in f and sum(row) <= common_at and f not in plain
        )

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.nb_counts)

    def telling_vector(self, feature_counts: Mapping[str, int]) -> dict[str, float]:
        """The text's single words the corpus knows and that are neither common nor
        function words, tf-idf weighted, unit length: what two dilemmas are compared by.
        (A name the corpus never saw has no idf, so it is never part of it.)"""
        telling = self._telling_words
        return tfidf({f: n for f, n in feature_counts.items() if f in telling}, self.idf)

    def memory_vector(self, feature_counts: Mapping[str, int], concepts: Iterable[str] = ()) -> dict[str, float]:
        """What the coach's memory compares dilemmas by: the telling words (see
        :meth:`telling_vector`) weighing 1 - MEMORY_CONCEPTS, and the catalog signals
        the text matched (``concepts``, by name) weighing MEMORY_CONCEPTS, shared
        equally; unit length when both are there."""
        words = self.telling_vector(feature_counts)
        found = sorted(set(concepts))
        scale = math.sqrt(1.0 - MEMORY_CONCEPTS)
        vector = {word: value * scale for word, value in words.items()}
        if found:
            each = math.sqrt(MEMORY_CONCEPTS / len(found))
            vector.update((CONCEPT + concept, each) for concept in found)
        return vector

    @staticmethod
    def leanings(vector: Mapping[str, float], adaptation: Adaptation) -> tuple[Leaning, ...]:
        """How alike ``vector`` is to each group of the coach's remembered sessions."""
        result = []
        for (said, chose), (centre, size) in adaptation.groups.items():
            if size < MEMORY_SYSTEMATIC:
                continue
            parts = [(value * centre[word], word) for word, value in vector.items() if word in centre]
            if parts:
                similarity = math.fsum(part for part, _word in parts)
                shared = tuple(word for _part, word in heapq.nlargest(MEMORY_SHARED, parts))
                result.append(Leaning(similarity, said, chose, size, shared))
        return tuple(result)

    @staticmethod
    def recall(vector: Mapping[str, float], adaptation: Adaptation) -> tuple[Recalled, ...]:
        """The coach's remembered sessions that share telling words or signals with
        ``vector``, with their cosine similarity."""
        overlap: dict[int, float] = {}
        for word, value in vector.items():
            for at, other in adaptation.index.get(word, ()):
                overlap[at] = overlap.get(at, 0.0) + value * other
        memory = adaptation.memory
        return tuple(
            Recalled(similarity, memory[at].model_label, memory[at].coach_label) for at, similarity in overlap.items()
        )

    def nb_loglik(self, feature: str, label: int) -> float:
        return self._loglik[feature][label]

    def scores(
        self,
        feature_counts: Mapping[str, int],
        adaptation: Adaptation | None = None,
        concepts: Iterable[str] = (),
    ) -> Scores:
        """Both models' scores for a text's features; with ``adaptation``, also how the
        text compares with the coach's sessions (``concepts``: the names of the catalog
        signals it matched, see :meth:`memory_vector`)."""
        # Presence, not frequency: a word said five times is one piece of evidence.
        logliks = [row for row in map(self._loglik.get, feature_counts) if row is not None]
        nb = _add_columns(self.log_prior, logliks)
        vector = tfidf(feature_counts, self.idf)
        lr = _add_weighted_columns(self.lr_bias, self.lr_weights, vector)
        recalled: tuple[Recalled, ...] = ()
        leanings: tuple[Leaning, ...] = ()
        if adaptation is not None and not adaptation.empty:
            mine = self.memory_vector(feature_counts, concepts)
            recalled = self.recall(mine, adaptation)
            leanings = self.leanings(mine, adaptation)
        return Scores(
            naive_bayes=log_softmax(nb),
            regression=log_softmax(lr),
            known=len(logliks),
            vector=vector,
            recalled=recalled,
            leanings=leanings,
        )

    def base_logits(self, scores: Scores, signal_scores: list[float]) -> list[float]:
        """The shipped model's log scores (both models and the keyword signals), before
        anything learned from the coach."""
        return [
            self.blend_nb * nb + self.blend_lr * lr + self.blend_signals * sig
            for nb, lr, sig in zip(scores.naive_bayes, scores.regression, signal_scores, strict=True)
        ]

    def blend_detail(self, scores: Scores, signal_scores: list[float]) -> Blended:
        """The probability of each label, from both models, the keyword signals and what
        the coach's own sessions taught.

        The coach's memory only speaks where the shipped model would say what it said
        for the coach's remembered sessions: a dilemma like the turnover ones the coach
        filed under relational leans to relational only while the model calls it
        environment, as it did those."""
        size = len(self.labels)
        base = self.base_logits(scores, signal_scores)
        model_top = max(range(size), key=lambda i: base[i])
        lean = [0.0] * size
        shared: list[tuple[str, ...]] = [()] * size
        for leaning in scores.leanings:
            if leaning.model_label == model_top:
                lean[leaning.coach_label] = MEMORY_GAIN * leaning.similarity
                shared[leaning.coach_label] = leaning.shared
        similar = [0] * size
        for recalled in scores.recalled:
            if recalled.model_label == model_top and recalled.similarity >= MEMORY_SIMILAR:
                similar[recalled.coach_label] += 1
        probabilities = softmax([b + extra for b, extra in zip(base, lean, strict=True)])
        before = softmax(base)
        moved = [probabilities[i] > before[i] + 1e-9 and lean[i] > 0 for i in range(size)]
        return Blended(
            probabilities=probabilities,
            model_top=model_top,
            similar=[n if moved[i] else 0 for i, n in enumerate(similar)],
            shared=[words if moved[i] else () for i, words in enumerate(shared)],
        )

    def blend(self, scores: Scores, signal_scores: list[float]) -> list[float]:
        """The probability of each label, from both models and the keyword signals
        (and what the coach's own sessions taught, if ``scores`` carry it)."""
        return self.blend_detail(scores, signal_scores).probabilities

    def contributions(
        self,
        feature_counts: Mapping[str, int],
        toward: int,
        against: int,
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
            result[feature] = value
        return result

    def adaptation(
        self,
        examples: Iterable[tuple[str, str]],
        read: Callable[[str], tuple[list[float], Sequence[str]]] | None = None,
    ) -> Adaptation:
        """Remember a coach's own (text, category) examples, once each, read with the
        corpus's words only, where the coach chose otherwise than the shipped model
        would have. ``read`` gives a text's keyword signal scores in label order (the
        model's verdict includes them) and the names of the signals it matched."""
        size = len(self.labels)
        index = {label: i for i, label in enumerate(self.labels)}
        seen: set[str] = set()
        learned = 0
        memory: list[Remembered] = []
        for text, label in examples:
            key = " ".join(text.split()).casefold()
            if label not in index or key in seen or not key:
                continue
            seen.add(key)
            feature_counts = counts(text)
            if not any(f in self.idf for f in feature_counts):
                continue
            learned += 1
            signals, concepts = read(text) if read is not None else ([0.0] * size, ())
            base = self.base_logits(self.scores(feature_counts), signals)
            said = max(range(size), key=lambda i: base[i])
            vector = self.memory_vector(feature_counts, concepts) if said != index[label] else {}
            if vector:
                memory.append(Remembered(vector=vector, model_label=said, coach_label=index[label]))
        return Adaptation(examples=learned, memory=tuple(memory))


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
