"""``coachtui suggest-eval FILE.tsv``: how well the category suggestion does on a
network's own labelled dilemmas.

The file is tab-separated with a header line naming at least ``category`` and
``dilemma`` (other columns are ignored), one dilemma a line. Nothing is read from or
written to the database; no text leaves the machine.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "suggest-eval"
HELP = "measure the category suggestion on a labelled file of dilemmas"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Suggest a category for every dilemma of FILE (tab-separated, with a header naming the "
        "'category' and 'dilemma' columns; other columns are ignored) and print how often the "
        "suggestion was right first time (top-1) or among its first two (top-2), each category's "
        "recall and a table of what was suggested for what."
    )
    parser.add_argument("file", metavar="FILE.tsv", type=Path, help="the labelled dilemmas")


def run(args: argparse.Namespace) -> int:
    from coachtui.catalog.suggest import suggest_category
    from coachtui.catalog.train import CorpusError, confusion_table, evaluate, read_labelled
    from coachtui.cli import UsageError

    try:
        examples = read_labelled(args.file)
    except CorpusError as exc:
        raise UsageError(str(exc)) from None
    accuracy = evaluate(examples, lambda text: [s.category_id for s in suggest_category(text)])
    print(f"{len(examples)} labelled dilemmas in {args.file}")
    print(f"top-1 {accuracy.top1:.1%}  (the suggestion was the coach's category)")
    print(f"top-2 {accuracy.top2:.1%}  (the coach's category was one of the first two)")
    print()
    print(confusion_table(accuracy))
    return 0
