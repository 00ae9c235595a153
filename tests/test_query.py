"""Typed search text becomes quoted words, never FTS5 syntax."""

from __future__ import annotations

import pytest

from coachtui.store.db.query import MAX_WORDS, SearchTerms, parse_search


@pytest.mark.parametrize(
    ("text", "words", "prefix", "fts"),
    [
        ("staff", ("staff",), True, '"staff"*'),
        ("staff ", ("staff",), False, '"staff"'),
        ("run chart", ("run", "chart"), True, '"run" "chart"*'),
        ('"run chart"', ("run", "chart"), False, '"run" "chart"'),
        ("NEAR(a b)", ("NEAR", "a", "b"), False, '"NEAR" "a" "b"'),
        ("-rota OR x*", ("rota", "OR", "x"), False, '"rota" "OR" "x"'),
        ("title:staff", ("title", "staff"), True, '"title" "staff"*'),
        ("don't", ("don", "t"), False, '"don" "t"'),
        ("e\u0301quipe", ("équipe",), True, '"équipe"*'),
        ("שלום", ("שלום",), True, '"שלום"*'),
        ("[bold]", ("bold",), False, '"bold"'),
        ("ward 7", ("ward", "7"), False, '"ward" "7"'),
        ("ward 12", ("ward", "12"), True, '"ward" "12"*'),
        ("🎉", (), False, ""),
        ("*", (), False, ""),
        ("", (), False, ""),
        ("[/] - ^ : ( \" '", (), False, ""),
    ],
)
def test_parse_search(text: str, words: tuple[str, ...], prefix: bool, fts: str) -> None:
    terms = parse_search(text)
    assert (terms.words, terms.prefix, terms.fts5()) == (words, prefix, fts)
    assert bool(terms) == bool(words)


def test_many_words_are_capped_and_then_none_is_a_prefix() -> None:
    terms = parse_search(" ".join(f"w{i}" for i in range(40)))
    assert len(terms.words) == MAX_WORDS and terms.prefix is False


def test_a_very_long_word_stays_one_word() -> None:
    terms = parse_search("x" * 10_000)
    assert terms.words == ("x" * 10_000,) and terms.prefix


def test_like_patterns_escape_wildcards() -> None:
    assert SearchTerms(words=("100%", "a_b", "c\\d")).like_patterns() == ["%100\\%%", "%a\\_b%", "%c\\\\d%"]
