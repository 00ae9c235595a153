"""`coachtui suggest-eval` and `coachtui suggest-forget`, as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coachtui", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),  # the isolated_home fixture's folders
        timeout=120,
        check=False,
    )


def test_suggest_eval_prints_accuracy_recall_and_the_confusion_table() -> None:
    result = run_cli("suggest-eval", str(DATA / "dilemmas_dev.tsv"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"120 labelled dilemmas in {DATA / 'dilemmas_dev.tsv'}"
    top1 = float(lines[1].split()[1].rstrip("%"))
    top2 = float(lines[2].split()[1].rstrip("%"))
    assert 88.0 <= top1 <= top2
    table = lines[lines.index(next(line for line in lines if line.startswith("true \\ suggested"))) :]
    assert table[0].split()[-1] == "recall"
    rows = {row.split()[0]: [int(cell) for cell in row.split()[1:5]] for row in table[1:5]}
    assert set(rows) == {"capability", "learning", "relational", "environment"}
    assert all(sum(counts) == 30 for counts in rows.values())  # 30 dilemmas of each category


def test_suggest_eval_reads_any_columns_order_and_ignores_others(tmp_path: Path) -> None:
    labelled = tmp_path / "ours.tsv"
    labelled.write_text(
        "id\tdilemma\tcoach\tcategory\n"
        "1\tNobody on the team knows how to read a run chart.\tAna\tcapability\n"
        "2\tSenior leaders keep cancelling our protected time.\tTom\tenvironment\n",
        encoding="utf-8",
    )
    result = run_cli("suggest-eval", str(labelled))
    assert result.returncode == 0, result.stderr
    assert "2 labelled dilemmas" in result.stdout and "top-1 100.0%" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("category,dilemma\ncapability,x\n", "line 1 must name the columns"),
        ("category\tdilemma\nsomething\tThe team argues.\n", "line 2: unknown category 'something'"),
        ("category\tdilemma\n", "no labelled dilemmas"),
    ],
)
def test_suggest_eval_bad_files_are_one_line(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "labelled.tsv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run_cli("suggest-eval", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_suggest_forget_keeps_the_sessions_and_the_other_settings(isolated_home: Path) -> None:
    from coachtui import paths
    from coachtui.config import Settings, load_settings, save_settings

    save_settings(Settings(coach_name="Zoë", theme="coachtui-high-contrast"))
    result = run_cli("suggest-forget")
    assert result.returncode == 0, result.stderr
    assert "has forgotten the sessions completed before" in result.stdout
    settings = load_settings()
    assert settings.learn_since  # sessions completed before this are not learned from
    assert (settings.coach_name, settings.theme) == ("Zoë", "coachtui-high-contrast")
    assert tomllib.loads(paths.settings_file().read_text("utf-8"))["learn_since"] == settings.learn_since


def test_sessions_completed_before_forgetting_are_not_learned_from(store, clock) -> None:  # type: ignore[no-untyped-def]
    team = store.create_team("Ward 4")
    first = store.start_session(team.id, coach="Ana")
    store.save_draft(first.id, title="Voice", dilemma="The HCAs never speak in the huddle.", primary_category="relational")
    store.complete_session(first.id)
    clock.advance(hours=1)
    cut = clock.now
    clock.advance(hours=1)
    second = store.start_session(team.id, coach="Ana")
    store.save_draft(second.id, title="Aim", dilemma="They have no aim and no measure.", primary_category="capability")
    store.complete_session(second.id)
    draft = store.start_session(team.id, coach="Ana")
    store.save_draft(draft.id, title="Draft", dilemma="Not finished", primary_category="learning")
    assert [c for _t, c in store.labelled_dilemmas()] == ["capability", "relational"]
    assert [c for _t, c in store.labelled_dilemmas(since=cut)] == ["capability"]


def test_after_suggest_forget_the_suggestion_is_back_to_what_it_shipped_with(store, clock) -> None:  # type: ignore[no-untyped-def]
    """A coach filed sessions about people leaving under relational and the suggestion
    followed them; `coachtui suggest-forget` makes it forget: it suggests what the
    shipped model does again, and says nothing learned moved it."""
    import datetime as dt

    from coachtui.catalog import suggest_category
    from coachtui.catalog.suggest import learn_from
    from coachtui.catalog.train import read_labelled
    from coachtui.config import load_settings

    team = store.create_team("Ward 4")
    for example in read_labelled(Path(__file__).parent.parent / "bench" / "data" / "turnover.tsv")[:10]:
        session = store.start_session(team.id, coach="Ana")
        store.save_draft(session.id, title="Staffing", dilemma=example.text, primary_category="relational")
        store.complete_session(session.id)
        clock.advance(days=1)
    text = "Every month someone new joins and someone leaves."
    assert suggest_category(text)[0].category_id == "environment"
    learned = suggest_category(text, adaptation=learn_from(store.labelled_dilemmas()))[0]
    assert learned.category_id == "relational" and learned.learned >= 1

    result = run_cli("suggest-forget")
    assert result.returncode == 0, result.stderr
    since = dt.datetime.fromisoformat(load_settings().learn_since)
    adaptation = learn_from(store.labelled_dilemmas(since=since))
    assert adaptation is not None and adaptation.empty
    again = suggest_category(text, adaptation=adaptation)
    assert [s.category_id for s in again] == [s.category_id for s in suggest_category(text)]
    assert again[0].category_id == "environment" and not any(s.learned for s in again)
