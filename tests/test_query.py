"""Typed search text becomes quoted words, never FTS5 syntax."""

from __future__ import annotations

import pytest

from coachtui.store.db.query import (
    MAX_WORDS,
    SearchTerms,
    begins_a_word,
    marked_begins_a_word,
    parse_search,
)


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


def test_a_long_prefix_is_looked_up_by_its_first_three_letters_and_checked() -> None:
    # a plain ASCII prefix longer than the index's prefix tables: its first three
    # letters (cheap to look up), with the rest checked word by word
    assert parse_search("night Meas").fts5_shorter() == ('"night" "Mea"*', "meas")
    assert parse_search("mea").fts5_shorter() is None  # the index has that prefix
    assert parse_search("measure ").fts5_shorter() is None  # a whole word
    assert parse_search("mesúr").fts5_shorter() is None  # folded by the index, not here
    assert begins_a_word("meas", "Run chart\nWe MEASURED falls") == 1
    assert begins_a_word("meas", "remeasure_it") == 0  # inside a word only
    assert begins_a_word("meas", "a_measure") == 1  # "_" separates words, as in the index
    assert begins_a_word("meas", None) == 0
    assert begins_a_word("meas", "Mesúre measure") is None  # not plain ASCII: the index tells
    # the words FTS5's highlight() marked: plain ASCII ones are told here, others not
    assert marked_begins_a_word("meas", "José \x01Measures\x02 in \x01Mea\x02") == 1
    assert marked_begins_a_word("meas", "José \x01Mea\x02") == 0
    assert marked_begins_a_word("meas", "\x01Meäsure\x02") is None
    assert marked_begins_a_word("meas", "a stray \x01 in José's text") is None
