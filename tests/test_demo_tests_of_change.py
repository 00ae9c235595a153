"""``coachtui demo-data`` makes a few tests of change (a prediction, and what a review
learned), so a demo's learning log is not empty; the same --seed makes the same ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coachtui.store import open_store


def demo(db: Path, seed: str) -> list[tuple[str, str, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "coachtui", "--db", str(db), "demo-data", "--sessions", "60", "--teams", "3", "--seed", seed],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    with open_store(str(db)) as store:
        return [
            (entry.action.text, entry.action.prediction, entry.review.learning if entry.review else "")
            for entry in store.learning_log()
        ]


def test_a_demo_has_tests_of_change_the_same_for_the_same_seed(tmp_path: Path) -> None:
    first = demo(tmp_path / "a.db", "7")
    assert len(first) >= 3
    assert all(prediction.startswith("We expect") for _text, prediction, _learning in first)
    assert any(learning for _text, _prediction, learning in first)  # some were reviewed and learned from
    assert demo(tmp_path / "b.db", "7") == first
    assert demo(tmp_path / "c.db", "8") != first


def test_a_demo_with_tests_of_change_is_found_by_their_words(tmp_path: Path) -> None:
    """The generator writes the search index itself: it left the predictions and the
    learnings out, so search (and a sync's comparison with the hub) missed them."""
    from tests.index_check import assert_in_step

    db = tmp_path / "a.db"
    assert demo(db, "7")
    assert assert_in_step(db) > 0
