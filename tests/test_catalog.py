"""The packaged catalog loads, and a broken catalog file fails with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachtui.catalog import CatalogError, load_catalog
from coachtui.catalog.loader import CATEGORY_IDS

ASSETS = Path(__file__).resolve().parents[1] / "src" / "coachtui" / "assets"


def test_packaged_catalog_has_the_four_categories_in_order() -> None:
    catalog = load_catalog()
    assert catalog.category_ids == CATEGORY_IDS
    names = [c.name for c in catalog.categories]
    assert names == [
        "Improvement science capability",
        "Improvement as continuous learning",
        "Coach and team relational dynamics",
        "Environmental conditions",
    ]
    for category in catalog.categories:
        assert len(category.description) > 100
        assert len(category.signals) >= 4
        assert all(signal.words for signal in category.signals)
        assert len(category.examples) >= 2
    assert sorted(c.key for c in catalog.categories) == ["1", "2", "3", "4"]


def test_bank_has_eight_questions_per_category_and_every_frame() -> None:
    catalog = load_catalog()
    for category_id in CATEGORY_IDS:
        assert len(catalog.questions_for(category_id)) >= 8, category_id
    frames = {f.id: len(catalog.questions_in_frame(f.id)) for f in catalog.frames}
    assert frames.keys() == {"curiosity", "kata", "grow", "pdsa", "mfi", "action-learning"}
    assert frames["kata"] == 5
    assert frames["mfi"] == 3
    assert frames["grow"] >= 4
    ids = [q.id for q in catalog.questions]
    assert len(ids) == len(set(ids))


def test_ordered_questions_put_the_chosen_category_first_then_frames() -> None:
    catalog = load_catalog()
    ordered = catalog.ordered_questions("relational", "environment")
    relational = catalog.questions_for("relational")
    environment = catalog.questions_for("environment")
    assert ordered[: len(relational)] == relational
    assert ordered[len(relational) : len(relational) + len(environment)] == environment
    after = ordered[len(relational) + len(environment) :]
    first_other_category = next(i for i, q in enumerate(after) if q.category)
    assert all(q.frame for q in after[:first_other_category])
    assert sorted(q.id for q in ordered) == sorted(q.id for q in catalog.questions)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _categories_text() -> str:
    return (ASSETS / "categories.toml").read_text("utf-8")


def _questions_text() -> str:
    return (ASSETS / "questions.toml").read_text("utf-8")


def _load(tmp_path: Path, categories: str | None = None, questions: str | None = None) -> None:
    load_catalog(
        _write(tmp_path, "categories.toml", categories if categories is not None else _categories_text()),
        _write(tmp_path, "questions.toml", questions if questions is not None else _questions_text()),
    )


def test_copies_of_the_packaged_files_load(tmp_path: Path) -> None:
    _load(tmp_path)


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (
            lambda t: t + '\n[[question]]\nid = "cap-01"\ncategory = "capability"\ntext = "Again?"\n',
            "questions.toml: duplicate id 'cap-01'",
        ),
        (
            lambda t: t + '\n[[question]]\nid = "new-1"\ncategory = "weather"\ntext = "Sunny?"\n',
            "questions.toml: question 'new-1' names unknown category 'weather'",
        ),
        (
            lambda t: t + '\n[[question]]\nid = "new-2"\ncategory = "learning"\n',
            "questions.toml: question 'new-2' has no 'text'",
        ),
        (
            lambda t: t + '\n[[question]]\nid = "new-3"\ncategory = "learning"\ntext = "   "\n',
            "questions.toml: question 'new-3': 'text' is empty",
        ),
        (
            lambda t: t + '\n[[question]]\nid = "new-4"\nframe = "tarot"\ntext = "What do the cards say?"\n',
            "questions.toml: question 'new-4' names unknown frame 'tarot'",
        ),
        (
            lambda t: t
            + '\n[[question]]\nid = "new-5"\nframe = "kata"\ncategory = "learning"\ntext = "Both?"\n',
            "questions.toml: question 'new-5' needs exactly one of 'category' or 'frame'",
        ),
        (lambda t: t + "\n[[question]\n", "questions.toml: not valid TOML"),
    ],
)
def test_a_broken_question_file_fails_with_one_line_naming_file_and_problem(
    tmp_path: Path, questions: object, expected: str
) -> None:
    with pytest.raises(CatalogError) as raised:
        _load(tmp_path, questions=questions(_questions_text()))  # type: ignore[operator]
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / expected.split(":", 1)[0]))
    assert expected.split(": ", 1)[1] in message


def test_missing_category_is_named(tmp_path: Path) -> None:
    text = _categories_text()
    start = text.index('[[category]]\nid = "environment"')
    with pytest.raises(CatalogError, match=r"categories\.toml: missing categories: environment$"):
        _load(tmp_path, categories=text[:start])


def test_unknown_category_id_is_named(tmp_path: Path) -> None:
    text = _categories_text().replace('id = "environment"', 'id = "weather"')
    with pytest.raises(CatalogError, match=r"unknown category 'weather'"):
        _load(tmp_path, categories=text)


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"nope\.toml: cannot read"):
        load_catalog(tmp_path / "nope.toml", tmp_path / "nope2.toml")
