"""How well and how fast the category suggestion works (bench/run.py's "suggest" rows).

- accuracy: 5-fold cross-validated top-1 and top-2 on the shipped corpus, and on the
  dev set written in another voice (tests/data/dilemmas_dev.tsv, never trained on);
- speed: reading the model file (done once, in a worker after the store opens, never
  before the first paint) and suggesting for a 1,000-word dilemma;
- learning from the coach: a simulated coach who files dilemmas about people leaving
  under relational (the corpus says environment) completes 20 sessions, half of that
  kind; how often the suggestion agrees with the coach on 20 new dilemmas of the kind
  after 0/5/10/20 sessions, the worst dev-set change along the way, the dev-set change
  for a coach who files them as the corpus does, and the time to suggest with 200 of
  the coach's sessions learned.
"""

from __future__ import annotations

import time
from pathlib import Path

from common import ROOT, Figure, Table


def suggestion_figures(table: Table, *, quick: bool, runs: int) -> None:
    from coachtui.catalog import classifier
    from coachtui.catalog.suggest import learn_from, rank_with, suggest_category
    from coachtui.catalog.train import (
        best_blend,
        evaluate,
        read_labelled,
        score_folds,
        simulate_coach,
    )

    corpus = read_labelled()
    dev = read_labelled(ROOT / "tests" / "data" / "dilemmas_dev.tsv")
    if quick:  # a smoke run: two folds over a fifth of the corpus
        scored = score_folds(corpus[::5], folds=2)
        folds = "2 folds on a fifth (quick)"
    else:
        scored = score_folds(corpus)
        folds = "5 folds"
    _blend, cross = best_blend(scored)
    percent = [("top-1", cross.top1, 88.0), ("top-2", cross.top2, 96.0)]
    for name, value, target in percent:
        table.add(Figure("suggest", f"corpus ({len(corpus):,}), {folds}: {name}", [round(100 * value, 1)], unit="%",
                         target=f">= {target:g} %", check=lambda m, _p, t=target: m >= t))
    shipped = evaluate(dev, lambda text: [s.category_id for s in suggest_category(text)])
    for name, value, target in (("top-1", shipped.top1, 88.0), ("top-2", shipped.top2, 96.0)):
        table.add(Figure("suggest", f"dev set ({len(dev)}, never trained on): {name}", [round(100 * value, 1)],
                         unit="%", target=f">= {target:g} %", check=lambda m, _p, t=target: m >= t))

    loads = []
    for _ in range(runs):
        classifier.load_model.cache_clear()
        started = time.perf_counter()
        classifier.load_model()
        loads.append((time.perf_counter() - started) * 1000)
    table.add(Figure("suggest", "load the model (in a worker, after the store opens)", loads,
                     target="< 100 ms", check=lambda m, _p: m < 100))
    model = classifier.load_model()
    assert model is not None
    long_text = " ".join(e.text for e in dev)
    long_text = " ".join(long_text.split()[:1000])
    samples = []
    for _ in range(runs * 3):
        started = time.perf_counter()
        rank_with(model, long_text)
        samples.append((time.perf_counter() - started) * 1000)
    table.add(Figure("suggest", "suggest for a 1,000-word dilemma, with reasons", samples,
                     target="< 5 ms p50", check=lambda m, _p: m < 5))

    turnover = read_labelled(Path(__file__).resolve().parent / "data" / "turnover.tsv")
    differs: list[tuple[str, str]] = []
    agrees: list[tuple[str, str]] = []
    for own, other in zip(turnover[:10], dev[:10], strict=True):
        differs += [(own.text, "relational"), (other.text, other.label)]
        agrees += [(own.text, own.label), (other.text, other.label)]
    probe = [(e.text, "relational") for e in turnover[20:]]
    points = simulate_coach(model, differs, probe, dev[10:], checkpoints=range(21))  # after every session
    for point in (p for p in points if p.sessions in (0, 5, 10, 20)):
        table.add(Figure("suggest", f"coach who differs: agreement after {point.sessions} sessions",
                         [round(100 * point.agreement)], unit="%",
                         target=">= 80 %" if point.sessions == 20 else "",
                         check=(lambda m, _p: m >= 80) if point.sessions == 20 else None))
    lowest = min(p.dev_top1 for p in points)
    table.add(Figure("suggest", f"coach who differs: dev top-1 ({len(dev) - 10}), lowest after any of the 20 sessions",
                     [round(100 * lowest, 1)], unit="%"))
    worst = round(100 * (lowest - points[0].dev_top1), 1)
    table.add(Figure("suggest", "coach who differs: dev top-1, worst change after any of the 20 sessions", [worst],
                     unit="points", target=">= -1 point", check=lambda m, _p: m >= -1.0))
    same = simulate_coach(model, agrees, probe, dev[10:], checkpoints=(0, 20))
    change = round(100 * (same[1].dev_top1 - same[0].dev_top1), 1)
    table.add(Figure("suggest", "coach who agrees with the corpus: dev top-1 change after 20 sessions", [change],
                     unit="points", target="0", check=lambda m, _p: m == 0))
    examples = [(e.text, "relational") for e in turnover] + [(e.text, "relational") for e in dev]
    examples += [(e.text, "learning") for e in corpus[:200 - len(examples)]]
    learned = learn_from(examples)
    assert learned is not None
    samples = []
    for _ in range(runs * 3):
        started = time.perf_counter()
        rank_with(model, long_text, adaptation=learned)
        samples.append((time.perf_counter() - started) * 1000)
    table.add(Figure("suggest", f"suggest for a 1,000-word dilemma, {learned.examples} coach sessions learned "
                     f"({len(learned.memory)} remembered)", samples, target="< 5 ms p50", check=lambda m, _p: m < 5))
