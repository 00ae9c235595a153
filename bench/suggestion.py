"""How well and how fast the category suggestion works (bench/run.py's "suggest" rows).

- accuracy: 5-fold cross-validated top-1 and top-2 on the shipped corpus, and on the
  dev set written in another voice (tests/data/dilemmas_dev.tsv, never trained on);
- speed: reading the model file (done once, in a worker after the store opens, never
  before the first paint) and suggesting for a 1,000-word dilemma;
- learning from the coach: the simulated coaches of bench/data/coaches.toml each
  complete 20 sessions, half of one kind. For the two who file their kind elsewhere
  than the corpus (people leaving under relational, not environment; reading data
  and run charts under learning, not capability): how often the suggestion is the
  coach's category for 20 new dilemmas of the kind after 0/5/10/20 sessions, and the
  dev set's top-1 without the coach's memory and at its lowest after any of the 20
  sessions, both on the dilemmas of other kinds (the target) and on all of it (which
  counts following the coach on dev dilemmas of the coach's kind as a loss); for
  the two who file them as the corpus does, the dev set's worst change. And the time
  to suggest with 200 of the coach's sessions learned.
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
        simulated_coaches,
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

    data = Path(__file__).resolve().parent / "data"
    for coach in simulated_coaches(data / "coaches.toml"):
        points = coach.simulate(model, dev, checkpoints=range(21))  # after every session
        first, lowest_all = points[0], min(p.dev_top1 for p in points)
        lowest_other = min(p.dev_other_top1 for p in points)
        who = f"coach who {coach.name}"
        if coach.kind[0].label == coach.files_under:  # agrees with the corpus
            change = round(100 * (lowest_all - first.dev_top1), 1)
            table.add(Figure("suggest", f"{who}: dev top-1, worst change after any of the 20 sessions", [change],
                             unit="points", target=">= 0", check=lambda m, _p: m >= 0))
            continue
        for point in (p for p in points if p.sessions in (0, 5, 10, 20)):
            table.add(Figure("suggest", f"{who}: agreement after {point.sessions} sessions",
                             [round(100 * point.agreement)], unit="%",
                             target=">= 80 %" if point.sessions == 20 else "",
                             check=(lambda m, _p: m >= 80) if point.sessions == 20 else None))
        rest = coach.sessions(dev)[1]
        others = sum(not coach.of_kind(e.text) for e in rest)
        for name, without, lowest in (
            (f"on other kinds ({others})", first.dev_other_top1, lowest_other),
            (f"on all {len(rest)}, its own kind too", first.dev_top1, lowest_all),
        ):
            table.add(Figure("suggest", f"{who}: dev top-1 {name}: without memory", [round(100 * without, 1)],
                             unit="%"))
            table.add(Figure("suggest", f"{who}: dev top-1 {name}: lowest with memory", [round(100 * lowest, 1)],
                             unit="%"))
        worst = round(100 * (lowest_other - first.dev_other_top1), 1)
        table.add(Figure("suggest", f"{who}: dev top-1 on other kinds: worst change", [worst],
                         unit="points", target=">= -1 point", check=lambda m, _p: m >= -1.0))
    turnover = read_labelled(data / "turnover.tsv")
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
