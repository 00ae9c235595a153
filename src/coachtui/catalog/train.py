"""Train the category suggestion's text models and write ``assets/suggest_model.json``.

    python -m coachtui.catalog.train            # train, cross-validate, write the model
    python -m coachtui.catalog.train --check    # cross-validate and report only

The corpus is ``assets/dilemmas.tsv`` (columns ``category``, ``secondary``,
``dilemma``). Training is plain Python and deterministic (a fixed seed), so the
same corpus always gives the same file. The report gives cross-validated top-1
and top-2 accuracy on the corpus and, if given with ``--dev``, on a separate set
that is never trained on.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from coachtui.catalog.classifier import MODEL_FILE, MODEL_VERSION, Scores, TextModel
from coachtui.catalog.features import counts
from coachtui.catalog.loader import CATEGORY_IDS

CORPUS_FILE = "dilemmas.tsv"
SEED = 7
NB_ALPHA = 0.3
LR_EPOCHS = 25
LR_RATE = 0.5
LR_L2 = 1e-4
# Blend weights tried by cross-validation: naive Bayes, regression, keyword signals.
BLEND_GRID = {
    "naive_bayes": (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0),
    "regression": (0.25, 0.5, 1.0, 2.0, 3.0),
    "signals": (0.0, 0.25, 0.5, 1.0, 2.0, 3.0),
}


class CorpusError(ValueError):
    """A labelled file cannot be read; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Example:
    label: str
    text: str
    secondary: str = ""


def read_labelled(path: Path | None = None, text: str | None = None, name: str = CORPUS_FILE) -> list[Example]:
    """Read a labelled TSV file: a header naming at least ``category`` and ``dilemma``
    (other columns are ignored), then one example a row."""
    if text is None:
        if path is None:
            text = resources.files("coachtui").joinpath("assets", CORPUS_FILE).read_text("utf-8")
        else:
            name = str(path)
            try:
                text = Path(path).read_text("utf-8")
            except FileNotFoundError:
                raise CorpusError(f"{name}: no such file") from None
            except IsADirectoryError:
                raise CorpusError(f"{name}: is a folder, not a file") from None
            except UnicodeDecodeError:
                raise CorpusError(f"{name}: not a UTF-8 text file") from None
            except OSError as exc:
                raise CorpusError(f"{name}: cannot read ({exc.strerror or exc})") from None
    rows = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip().casefold() for h in next(rows, [])]
    if "category" not in header or "dilemma" not in header:
        raise CorpusError(f"{name}: line 1 must name the columns, with 'category' and 'dilemma' among them")
    at_label, at_text = header.index("category"), header.index("dilemma")
    at_secondary = header.index("secondary") if "secondary" in header else None
    examples = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(at_label, at_text):
            raise CorpusError(f"{name}: line {number} has {len(row)} columns, expected at least {max(at_label, at_text) + 1}")
        label = row[at_label].strip().casefold()
        if label not in CATEGORY_IDS:
            raise CorpusError(f"{name}: line {number}: unknown category {row[at_label]!r} (expected one of {', '.join(CATEGORY_IDS)})")
        secondary = row[at_secondary].strip().casefold() if at_secondary is not None and at_secondary < len(row) else ""
        examples.append(Example(label=label, text=row[at_text].strip(), secondary=secondary))
    if not examples:
        raise CorpusError(f"{name}: no labelled dilemmas")
    return examples


def _rounded(values: Sequence[float], digits: int = 4) -> list[float]:
    return [round(v, digits) for v in values]


def train(examples: Sequence[Example], *, labels: Sequence[str] = CATEGORY_IDS, seed: int = SEED) -> dict[str, Any]:
    """Both models' numbers, as the JSON the run-time model reads (blend left at 1/1/0)."""
    size = len(labels)
    index = {label: i for i, label in enumerate(labels)}
    docs = [(counts(e.text), index[e.label]) for e in examples]

    # Naive Bayes over feature presence.
    nb_counts: dict[str, list[float]] = {}
    totals = [0.0] * size
    class_docs = [0] * size
    for features, y in docs:
        class_docs[y] += 1
        for feature in features:
            nb_counts.setdefault(feature, [0.0] * size)[y] += 1.0
            totals[y] += 1.0
    log_prior = [math.log((n + 1) / (len(docs) + size)) for n in class_docs]

    # Logistic regression over tf-idf, trained by stochastic gradient descent.
    document_frequency: dict[str, int] = {}
    for features, _ in docs:
        for feature in features:
            document_frequency[feature] = document_frequency.get(feature, 0) + 1
    idf = {f: math.log((1 + len(docs)) / (1 + n)) + 1.0 for f, n in document_frequency.items()}
    from coachtui.catalog.classifier import softmax, tfidf

    vectors = [(tfidf(features, idf), y) for features, y in docs]
    weights: dict[str, list[float]] = {f: [0.0] * size for f in idf}
    bias = [0.0] * size
    order = list(range(len(vectors)))
    rng = random.Random(seed)
    for epoch in range(LR_EPOCHS):
        rng.shuffle(order)
        rate = LR_RATE / (1.0 + epoch * 0.2)
        for i in order:
            vector, y = vectors[i]
            z = list(bias)
            for feature, value in vector.items():
                w = weights[feature]
                for c in range(size):
                    z[c] += w[c] * value
            p = softmax(z)
            for c in range(size):
                gradient = p[c] - (1.0 if c == y else 0.0)
                bias[c] -= rate * gradient
                if gradient:
                    for feature, value in vector.items():
                        w = weights[feature]
                        w[c] -= rate * (gradient * value + LR_L2 * w[c])
    return {
        "version": MODEL_VERSION,
        "labels": list(labels),
        "corpus_size": len(docs),
        "naive_bayes": {
            "alpha": NB_ALPHA,
            "log_prior": _rounded(log_prior),
            "counts": {f: [int(v) for v in c] for f, c in sorted(nb_counts.items())},
            "totals": [int(t) for t in totals],
        },
        "regression": {
            "idf": {f: round(v, 4) for f, v in sorted(idf.items())},
            "bias": _rounded(bias),
            "weights": {f: _rounded(w) for f, w in sorted(weights.items()) if any(abs(x) >= 5e-5 for x in w)},
        },
        "blend": {"naive_bayes": 1.0, "regression": 1.0, "signals": 0.0},
    }


def _signal_scores(text: str) -> list[float]:
    from coachtui.catalog.suggest import signal_scores

    return signal_scores(text)


@dataclass(frozen=True, slots=True)
class Scored:
    label: int
    scores: Scores
    signals: list[float]


def score_folds(examples: Sequence[Example], folds: int = 5, seed: int = SEED) -> list[Scored]:
    """Each example scored by models trained on the other folds (stratified)."""
    by_label: dict[str, list[int]] = {}
    for i, example in enumerate(examples):
        by_label.setdefault(example.label, []).append(i)
    rng = random.Random(seed)
    fold_of = [0] * len(examples)
    for members in by_label.values():
        rng.shuffle(members)
        for position, i in enumerate(members):
            fold_of[i] = position % folds
    scored: list[Scored] = []
    for fold in range(folds):
        training = [e for e, f in zip(examples, fold_of, strict=True) if f != fold]
        model = TextModel(train(training))
        for example, f in zip(examples, fold_of, strict=True):
            if f == fold:
                scored.append(
                    Scored(
                        label=model.labels.index(example.label),
                        scores=model.scores(counts(example.text)),
                        signals=_signal_scores(example.text),
                    )
                )
    return scored


@dataclass(frozen=True, slots=True)
class Accuracy:
    top1: float
    top2: float
    recall: dict[str, float]
    confusion: dict[str, dict[str, int]]
    total: int

    def line(self) -> str:
        return f"top-1 {self.top1:.1%}  top-2 {self.top2:.1%}  (n={self.total})"


def measure(rankings: Sequence[tuple[str, Sequence[str]]], labels: Sequence[str] = CATEGORY_IDS) -> Accuracy:
    """Accuracy of (true label, ranked labels) pairs."""
    confusion = {t: {p: 0 for p in labels} for t in labels}
    top1 = top2 = 0
    for truth, ranked in rankings:
        top1 += ranked[0] == truth
        top2 += truth in ranked[:2]
        confusion[truth][ranked[0]] += 1
    recall = {t: (row[t] / sum(row.values()) if sum(row.values()) else 0.0) for t, row in confusion.items()}
    n = max(1, len(rankings))
    return Accuracy(top1=top1 / n, top2=top2 / n, recall=recall, confusion=confusion, total=len(rankings))


def _blended_accuracy(scored: Sequence[Scored], blend: tuple[float, float, float], labels: Sequence[str]) -> Accuracy:
    a, b, c = blend
    rankings = []
    for item in scored:
        z = [
            a * nb + b * lr + c * sig
            for nb, lr, sig in zip(item.scores.naive_bayes, item.scores.regression, item.signals, strict=True)
        ]
        order = sorted(range(len(labels)), key=lambda i: -z[i])
        rankings.append((labels[item.label], [labels[i] for i in order]))
    return measure(rankings, labels)


def best_blend(scored: Sequence[Scored], labels: Sequence[str] = CATEGORY_IDS) -> tuple[tuple[float, float, float], Accuracy]:
    best: tuple[tuple[float, float, float], Accuracy] | None = None
    for blend in itertools.product(BLEND_GRID["naive_bayes"], BLEND_GRID["regression"], BLEND_GRID["signals"]):
        accuracy = _blended_accuracy(scored, blend, labels)
        if best is None or (accuracy.top1, accuracy.top2) > (best[1].top1, best[1].top2):
            best = (blend, accuracy)
    assert best is not None
    return best


def _blended(item: Scored, blend: tuple[float, float, float]) -> list[float]:
    a, b, c = blend
    return [
        a * nb + b * lr + c * sig
        for nb, lr, sig in zip(item.scores.naive_bayes, item.scores.regression, item.signals, strict=True)
    ]


def calibrate(scored: Sequence[Scored], blend: tuple[float, float, float]) -> float:
    """The temperature that makes the blend's probabilities honest on held-out folds
    (lowest log loss): a suggestion said to be 80 % sure is right about 80 % of the time."""
    from coachtui.catalog.classifier import log_softmax

    blended = [(_blended(item, blend), item.label) for item in scored]

    def loss(temperature: float) -> float:
        return -sum(log_softmax([z / temperature for z in zs])[y] for zs, y in blended) / len(blended)

    candidates = [0.5 + 0.25 * i for i in range(0, 79)]
    return min(candidates, key=loss)


def confidence_report(scored: Sequence[Scored], blend: tuple[float, float, float], temperature: float, threshold: float) -> str:
    from coachtui.catalog.classifier import softmax

    sure = right = 0
    for item in scored:
        probabilities = softmax([z / temperature for z in _blended(item, blend)])
        top = max(range(len(probabilities)), key=lambda i: probabilities[i])
        if probabilities[top] >= threshold:
            sure += 1
            right += top == item.label
    n = max(1, len(scored))
    return f"sure (≥ {threshold:.0%}) on {sure / n:.0%} of dilemmas, right on {right / max(1, sure):.1%} of those"


def evaluate(examples: Sequence[Example], suggest: Callable[[str], Sequence[str]]) -> Accuracy:
    return measure([(e.label, list(suggest(e.text))) for e in examples])


def confusion_table(accuracy: Accuracy, labels: Sequence[str] = CATEGORY_IDS) -> str:
    width = max(len(label) for label in labels) + 2
    lines = ["true \\ suggested".ljust(width + 6) + "".join(label[:11].rjust(13) for label in labels) + "   recall"]
    for truth in labels:
        row = accuracy.confusion[truth]
        lines.append(
            truth.ljust(width + 6)
            + "".join(str(row[p]).rjust(13) for p in labels)
            + f"   {accuracy.recall[truth]:.0%}".rjust(9)
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coachtui.catalog.train", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="labelled TSV to train on (default: the packaged corpus)")
    parser.add_argument("--dev", type=Path, action="append", default=[], help="a labelled TSV never trained on, to report")
    parser.add_argument("--out", type=Path, help="where to write the model (default: the package's assets folder)")
    parser.add_argument("--check", action="store_true", help="cross-validate and report, write nothing")
    args = parser.parse_args(argv)
    try:
        examples = read_labelled(args.corpus)
        dev_sets = [(path, read_labelled(path)) for path in args.dev]
    except CorpusError as exc:
        print(f"train: {exc}", file=sys.stderr)
        return 2
    scored = score_folds(examples)
    blend, cross_validated = best_blend(scored)
    print(f"corpus: {len(examples)} labelled dilemmas")
    print(f"cross-validated (5 folds), blend nb={blend[0]} lr={blend[1]} signals={blend[2]}: {cross_validated.line()}")
    print(confusion_table(cross_validated))
    temperature = calibrate(scored, blend)
    print(f"calibrated temperature {temperature}: {confidence_report(scored, blend, temperature, 0.7)}")
    data = train(examples)
    data["blend"] = {
        "naive_bayes": round(blend[0] / temperature, 4),
        "regression": round(blend[1] / temperature, 4),
        "signals": round(blend[2] / temperature, 4),
    }
    model = TextModel(data)
    from coachtui.catalog.suggest import rank_with

    for path, dev in dev_sets:
        accuracy = evaluate(dev, lambda text: [s.category_id for s in rank_with(model, text)])
        print(f"{path}: {accuracy.line()}")
    if not args.check:
        out = args.out or Path(str(resources.files("coachtui").joinpath("assets", MODEL_FILE)))
        out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())


@dataclass(frozen=True, slots=True)
class AdaptationPoint:
    sessions: int
    agreement: float  # on the coach's kind of dilemma, with the coach's own label
    dev_top1: float  # on the dev set, with the corpus's labels
    dev_other_top1: float  # the same, leaving out the dev dilemmas of the coach's kind


def simulate_coach(
    model: TextModel,
    sessions: Sequence[tuple[str, str]],
    probe: Sequence[tuple[str, str]],
    dev: Sequence[Example],
    checkpoints: Sequence[int] = (0, 5, 10, 20),
    of_kind: Callable[[str], bool] = lambda _text: False,
) -> list[AdaptationPoint]:
    """A coach completes ``sessions`` (text, the coach's category) in turn; after each
    checkpoint's number of sessions, how often does the suggestion agree with the
    coach on ``probe`` (dilemmas of the kind the coach judges differently, with the
    coach's labels), and how does it do on the dev set (all of it, and the dilemmas
    not ``of_kind``)?"""
    from coachtui.catalog.suggest import learn_from, rank_with

    others = [e for e in dev if not of_kind(e.text)]
    points = []
    for count in checkpoints:
        adaptation = learn_from(sessions[:count], model=model)
        agree = sum(rank_with(model, text, adaptation=adaptation)[0].category_id == label for text, label in probe)
        right = {e.text for e in dev if rank_with(model, e.text, adaptation=adaptation)[0].category_id == e.label}
        points.append(
            AdaptationPoint(
                count,
                agree / max(1, len(probe)),
                len(right) / max(1, len(dev)),
                sum(e.text in right for e in others) / max(1, len(others)),
            )
        )
    return points


@dataclass(frozen=True, slots=True)
class SimulatedCoach:
    """A coach of ``bench/data/coaches.toml``: files ``kind`` under ``files_under``."""

    name: str
    files_under: str
    kind: tuple[Example, ...]
    dev_of_kind: tuple[str, ...]  # how the dev dilemmas of that kind begin

    def of_kind(self, text: str) -> bool:
        return text.startswith(self.dev_of_kind)

    def sessions(self, dev: Sequence[Example]) -> tuple[list[tuple[str, str]], list[Example]]:
        """The coach's 20 sessions (the kind's first ten, every other one, between ten
        dev dilemmas filed as the dev set has them) and the rest of the dev set."""
        between = list(dev[3::12])[:10]
        sessions: list[tuple[str, str]] = []
        for own, other in zip(self.kind[:10], between, strict=True):
            sessions += [(own.text, self.files_under), (other.text, other.label)]
        return sessions, [e for e in dev if e not in between]

    @property
    def probe(self) -> list[tuple[str, str]]:
        """New dilemmas of the kind, never among the sessions, with the coach's label."""
        return [(e.text, self.files_under) for e in self.kind[20:]]

    def simulate(
        self, model: TextModel, dev: Sequence[Example], checkpoints: Sequence[int] = (0, 5, 10, 20)
    ) -> list[AdaptationPoint]:
        sessions, rest = self.sessions(dev)
        return simulate_coach(model, sessions, self.probe, rest, checkpoints, self.of_kind)


def simulated_coaches(path: Path) -> list[SimulatedCoach]:
    """The simulated coaches described in ``path`` (a TOML file beside their dilemmas)."""
    import tomllib

    described = tomllib.loads(path.read_text("utf-8"))["coach"]
    return [
        SimulatedCoach(
            name=coach["name"],
            files_under=coach["files_under"],
            kind=tuple(read_labelled(path.parent / coach["dilemmas"])),
            dev_of_kind=tuple(coach["dev_of_kind"]),
        )
        for coach in described
    ]
