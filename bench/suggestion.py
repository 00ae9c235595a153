"""How well and how fast the category suggestion works (bench/run.py's "suggest" rows).

- accuracy: 5-fold cross-validated top-1 and top-2 on the shipped corpus, and on the
  dev set written in another voice (tests/data/dilemmas_dev.tsv, never trained on);
- speed: reading the model file (done once, in a worker after the store opens, never
  before the first paint) and suggesting for a 1,000-word dilemma;
- learning from the coach: a simulated coach who files dilemmas about people leaving
  under relational (the corpus says environment) completes 20 sessions, half of that
  kind; how often the suggestion then agrees with the coach on 20 new dilemmas of the
  kind, and what happens to dev-set accuracy.
"""

from __future__ import annotations

import time
from pathlib import Path

from common import ROOT, Figure, Table


def suggestion_figures(table: Table, *, quick: bool, runs: int) -> None:
    from coachtui.catalog import classifier
    from coachtui.catalog.suggest import rank_with, suggest_category
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
    sessions: list[tuple[str, str]] = []
    for own, other in zip(turnover[:10], dev[:10], strict=True):
        sessions += [(own.text, "relational"), (other.text, other.label)]
    probe = [(e.text, "relational") for e in turnover[20:]]
    before, after = simulate_coach(model, sessions, probe, dev[10:], checkpoints=(0, 20))
    table.add(Figure("suggest", "coach who differs: agreement before learning", [round(100 * before.agreement)],
                     unit="%"))
    table.add(Figure("suggest", "coach who differs: agreement after 20 sessions", [round(100 * after.agreement)],
                     unit="%", target="rises", check=lambda m, _p: m > 100 * before.agreement))
    change = round(100 * (after.dev_top1 - before.dev_top1), 1)
    table.add(Figure("suggest", "dev top-1 change after learning 20 sessions", [change], unit="points",
                     target=">= -1 point", check=lambda m, _p: m >= -1.0))
