"""suggest_category() on dilemmas written in everyday words.

The suggestion is trained on the corpus shipped in assets/dilemmas.tsv. Four more
labelled sets live in tests/data and are never trained on:
- dilemmas.toml: written by the developers alongside the catalog;
- dilemmas_heldout.toml: written independently, without seeing the word lists;
- dilemmas_fresh.toml: written independently later;
- dilemmas_dev.tsv: written in a different voice from the corpus (chatty notes
  after a huddle), to choose nothing by but to report on.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from coachtui.catalog import load_catalog, suggest_category
from coachtui.catalog.classifier import TextModel, load_model
from coachtui.catalog.loader import CATEGORY_IDS
from coachtui.catalog.suggest import best_category, is_unsure, learn_from, rank_with
from coachtui.catalog.train import SimulatedCoach, evaluate, read_labelled, simulated_coaches, train

DATA = Path(__file__).parent / "data"


def _dilemmas(name: str) -> list[dict[str, str]]:
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)["dilemma"]


@pytest.mark.parametrize("name", ["dilemmas.toml", "dilemmas_heldout.toml", "dilemmas_fresh.toml"])
def test_accuracy_on_labelled_dilemmas(name: str) -> None:
    dilemmas = _dilemmas(name)
    counts = {c: sum(1 for d in dilemmas if d["label"] == c) for c in CATEGORY_IDS}
    assert min(counts.values()) >= 10, counts
    top1 = top2 = 0
    for dilemma in dilemmas:
        ranked = [s.category_id for s in suggest_category(dilemma["text"])]
        top1 += ranked[0] == dilemma["label"]
        top2 += dilemma["label"] in ranked[:2]
    assert top1 / len(dilemmas) >= 0.88, f"top-1 {top1}/{len(dilemmas)}"
    assert top2 / len(dilemmas) >= 0.96, f"top-2 {top2}/{len(dilemmas)}"


def test_every_category_is_ranked_with_score_share_and_reasons() -> None:
    text = "Nobody can read the run chart and the principal keeps cancelling our meeting time."
    ranked = suggest_category(text)
    assert sorted(s.category_id for s in ranked) == sorted(CATEGORY_IDS)
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert abs(sum(s.share for s in ranked) - 1.0) < 1e-9
    top_two = {s.category_id for s in ranked[:2]}
    assert top_two == {"capability", "environment"}
    capability = next(s for s in ranked if s.category_id == "capability")
    assert "run chart" in capability.matched_words
    assert any("chart" in r.signal.lower() for r in capability.reasons)
    environment = next(s for s in ranked if s.category_id == "environment")
    assert "principal" in environment.matched_words


def test_the_dev_set_written_in_another_voice_meets_the_targets() -> None:
    dev = read_labelled(DATA / "dilemmas_dev.tsv")
    assert len(dev) >= 120 and {e.label for e in dev} == set(CATEGORY_IDS)
    accuracy = evaluate(dev, lambda text: [s.category_id for s in suggest_category(text)])
    assert accuracy.top1 >= 0.88, accuracy.line()
    assert accuracy.top2 >= 0.96, accuracy.line()


def test_the_corpus_is_large_varied_and_what_the_shipped_model_was_trained_on() -> None:
    corpus = read_labelled()
    per_category = {c: sum(e.label == c for e in corpus) for c in CATEGORY_IDS}
    assert min(per_category.values()) >= 200, per_category
    lengths = sorted(len(e.text.split()) for e in corpus)
    assert lengths[0] <= 5 and lengths[-1] >= 40  # fragments to paragraphs
    dev_texts = {e.text for e in read_labelled(DATA / "dilemmas_dev.tsv")}
    assert not dev_texts & {e.text for e in corpus}, "the dev set must never be trained on"
    model = load_model()
    assert model is not None and model.corpus_size == len(corpus), "retrain: python -m coachtui.catalog.train"


def test_training_is_deterministic_and_learns() -> None:
    corpus = read_labelled()
    sample = [e for i, e in enumerate(corpus) if i % 5 == 0]
    first, second = train(sample), train(sample)
    assert first == second
    model = TextModel(first)
    held_out = [e for i, e in enumerate(corpus) if i % 5 == 1][:100]
    accuracy = evaluate(held_out, lambda text: [s.category_id for s in rank_with(model, text)])
    assert accuracy.top1 >= 0.6, accuracy.line()  # far above chance (25%) from a fifth of the data


def test_the_real_issue_wins_over_words_from_another_category() -> None:
    ranked = suggest_category(
        "Their run chart is fine and they can read it. What is stuck is that the consultant "
        "won't let the healthcare assistants speak in the huddle."
    )
    assert ranked[0].category_id == "relational"
    pushing = {e.words.casefold() for e in ranked[0].pushing}
    assert pushing & {"speak", "consultant", "the consultant"}, pushing
    pulling = {e.words.casefold() for e in ranked[0].pulling}
    assert pulling & {"chart", "run chart", "run"}, pulling  # the runner-up's words are shown too


def test_close_calls_say_unsure_between_the_two() -> None:
    ranked = suggest_category("The new manager changed the rota and the team stopped talking to each other.")
    assert is_unsure(ranked) == (ranked[0].share < 0.6 or ranked[0].share - ranked[1].share < 0.2)
    assert not is_unsure(suggest_category("They made a driver diagram and a run chart but no aim or measures."))
    assert any(is_unsure(suggest_category(text)) for text in (
        "Nobody has time to look at the data and the manager won't discuss it.",
        "Staff keep leaving and the ones who stay don't trust the new lead.",
        "The team doesn't believe the chart because the audit lead made it.",
    ))


def test_a_long_dilemma_is_suggested_quickly_enough_to_type_over() -> None:
    text = " ".join(["The team would rather launch than test, and the new lead talks over the HCAs."] * 70)
    ranked = suggest_category(text)  # 1,000+ words; bench/ measures the time
    assert len(ranked) == 4 and ranked[0].score > 0


COACHES = Path(__file__).parent.parent / "bench" / "data" / "coaches.toml"


def _coach(name: str) -> SimulatedCoach:
    return next(c for c in simulated_coaches(COACHES) if c.name == name)


def _coach_sessions(label: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """20 sessions of a coach who files dilemmas about people leaving under ``label``
    (every other one; the rest as the dev set has them), and 20 new dilemmas of that
    kind with the coach's label."""
    coach = next(c for c in simulated_coaches(COACHES) if c.files_under == label and c.kind[0].label == "environment")
    sessions, _rest = coach.sessions(read_labelled(DATA / "dilemmas_dev.tsv"))
    return sessions, coach.probe


@pytest.mark.parametrize(
    "name", ["files people leaving under relational", "files data and run charts under learning"]
)
def test_a_coach_who_judges_differently_is_followed_within_20_sessions(name: str) -> None:
    """A coach files one kind of dilemma elsewhere than the corpus does (people leaving
    under relational rather than environment; reading data and run charts under
    learning rather than capability). After 20 sessions, ten of that kind, the
    suggestion is the coach's category for at least 80 % of new dilemmas of the kind
    (it was 10 %), and after every session the dev set's other dilemmas lose at most
    one point."""
    model = load_model()
    assert model is not None
    points = _coach(name).simulate(model, read_labelled(DATA / "dilemmas_dev.tsv"), checkpoints=range(21))
    assert points[0].agreement <= 0.2, points[0]  # the corpus does see it otherwise
    assert points[20].agreement >= 0.8, [(p.sessions, p.agreement) for p in points]
    worst = min(p.dev_other_top1 for p in points) - points[0].dev_other_top1
    assert worst >= -0.01, [(p.sessions, round(p.dev_other_top1, 3)) for p in points]


@pytest.mark.parametrize(
    "name", ["files people leaving as the corpus does", "files data and run charts as the corpus does"]
)
def test_a_coach_who_agrees_with_the_corpus_loses_nothing(name: str) -> None:
    model = load_model()
    assert model is not None
    points = _coach(name).simulate(model, read_labelled(DATA / "dilemmas_dev.tsv"), checkpoints=range(21))
    assert min(p.dev_top1 for p in points) >= points[0].dev_top1, points
    assert min(p.agreement for p in points) >= points[0].agreement, points


def test_a_coach_who_agrees_with_the_corpus_changes_nothing() -> None:
    model = load_model()
    assert model is not None
    dev = read_labelled(DATA / "dilemmas_dev.tsv")[10:]
    sessions, _probe = _coach_sessions("environment")
    adaptation = learn_from(sessions)
    assert adaptation is not None and adaptation.examples == 20
    for example in dev:
        plain = rank_with(model, example.text)
        learned = rank_with(model, example.text, adaptation=adaptation)
        assert [s.category_id for s in learned] == [s.category_id for s in plain]
        assert not any(s.learned for s in learned)


def test_one_odd_choice_is_not_a_habit() -> None:
    """A single session filed elsewhere than the model would moves nothing; the
    second like it does."""
    turnover = read_labelled(COACHES.parent / "turnover.tsv")
    text = "Every month someone new joins and someone leaves."
    once = learn_from([(turnover[2].text, "relational")])
    assert once is not None and len(once.memory) == 1
    assert suggest_category(text, adaptation=once)[0].category_id == "environment"
    twice = learn_from([(turnover[2].text, "relational"), (turnover[7].text, "relational")])
    assert suggest_category(text, adaptation=twice)[0].category_id == "relational"


def test_a_negated_word_is_not_a_shared_concept() -> None:
    """"They couldn't leave the floor" is nobody leaving: for the coach's memory it
    does not match the signal about people leaving (the suggestion's own signals are
    unchanged)."""
    from coachtui.catalog.suggest import concepts, signal_scores

    leaving = "Staffing gaps, turnover and people leaving"
    assert leaving in concepts("Two nurses are leaving this month.")
    assert leaving not in concepts("Ward on black alert and they couldn't leave the floor.")
    assert leaving not in concepts("Nobody has left this year.")
    assert "No protected time; meetings cancelled or squeezed out" in concepts("No time to meet.")
    assert signal_scores("they couldn't leave the floor") == signal_scores("they could leave the floor")


def test_the_explanation_says_when_the_coachs_own_sessions_moved_it() -> None:
    sessions, _probe = _coach_sessions("relational")
    adaptation = learn_from(sessions)
    text = "Every month someone new joins and someone leaves."
    assert suggest_category(text)[0].category_id == "environment"
    best = suggest_category(text, adaptation=adaptation)[0]
    assert best.category_id == "relational" and best.learned >= 5
    # what it has in common with them: the signal, then the coach's own words
    assert best.learned_alike[0] == "Staffing gaps, turnover and people leaving"
    assert "leaves" in best.learned_alike, best.learned_alike
    # a dilemma like none of them is untouched, and says nothing about them
    other = suggest_category("Nobody from senior management has been to a single huddle.", adaptation=adaptation)[0]
    assert other.category_id == "environment" and other.learned == 0 and other.learned_alike == ()


def test_names_the_corpus_never_saw_are_not_learned() -> None:
    """A coach files everything about one team under relational; the team's, the
    place's and the people's names are no evidence for a new dilemma about them."""
    names = "Zyxqor Blenkinsop of Wardfourteen at Quillhaven"
    model = load_model()
    assert model is not None
    filed = [(f"{names}: nobody can read the run chart and the PDSA has no prediction.", "relational")] * 3
    adaptation = learn_from(filed)
    assert adaptation is not None and adaptation.examples == 1  # counted once
    assert len(adaptation.memory) == 1  # the model would have said capability
    assert not any(
        word.startswith(("zyxqor", "blenkinsop", "wardfourteen", "quillhaven"))
        for remembered in adaptation.memory
        for word in remembered.vector
    )
    text = f"{names}: their measures all lag and there was never a baseline."
    plain = rank_with(model, text)
    learned = rank_with(model, text, adaptation=adaptation)
    assert plain[0].category_id == "capability"  # as for the dilemmas the coach filed
    assert [s.category_id for s in learned] == [s.category_id for s in plain]
    assert [s.share for s in learned] == pytest.approx([s.share for s in plain])
    assert not any(s.learned for s in learned)


def test_phrases_count_more_than_single_words() -> None:
    one_word = suggest_category("They track data.")[0]
    phrase = suggest_category("They made a driver diagram and a run chart.")[0]
    assert phrase.category_id == one_word.category_id == "capability"
    assert phrase.score > one_word.score


def test_hyphenated_and_contracted_words_match() -> None:
    ranked = suggest_category("The team had a falling-out; they don't trust me.")
    assert ranked[0].category_id == "relational"
    assert "falling-out" in ranked[0].matched_words


def test_no_signal_means_no_suggestion() -> None:
    assert best_category("") is None
    assert best_category("Lorem ipsum dolor sit amet.") is None
    assert all(s.score == 0 and s.share == 0 for s in suggest_category("zzz"))


def test_hostile_text_is_just_text() -> None:
    text = "[bold]run chart[/] \x1b[31m\x00 \u202eleader\u202c 🙂 " * 1000
    ranked = suggest_category(text)
    assert {ranked[0].category_id, ranked[1].category_id} == {"capability", "environment"}


def test_catalog_is_loaded_once() -> None:
    assert load_catalog() is load_catalog()


def test_features_open_contractions_and_never_pair_words_across_a_sentence() -> None:
    from coachtui.catalog.features import features, words

    found = features("They don't test. Cant agree; Zoë’s plan")
    assert found["do not"] == ["don't"] and found["not test"] == ["don't test"]
    assert found["can not"] == ["Cant"] and found["not agre"] == ["Cant agree"]
    assert "test can" not in found and "agre zoe" not in found  # "." and ";" end a sentence
    assert found["zoe plan"] == ["Zoë’s plan"]
    assert [w for w, _ in words("Don't. Zoë")] == ["do", "not", "", "zoe", ""]


def test_a_word_that_opens_into_two_is_quoted_once() -> None:
    """The "why" listed the pair "won't won't", which is not in the text: "won't"
    opens into two words, and their pair was quoted as the word twice."""
    from coachtui.catalog.features import features

    made = features("The consultant won't let the HCAs speak")
    quoted = {words for made_by in made.values() for words in made_by}
    assert "won't won't" not in quoted
    assert "won't" in quoted and "consultant won't" in quoted and "won't let" in quoted
