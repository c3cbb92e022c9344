"""The bundled content covers what a learner preparing for the exam needs.

These are the editorial promises of the bundled banks and cards: enough questions of every kind,
every topic and source note taught, every misconception both tested and repaired, and scenes
behind most questions. A content edit that breaks one of them fails here, naming what is missing.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from studyapp.content import check_content

CONCEPTS_THAT_NEED_A_CARD = (
    "learning-rate", "step-size", "hyperparameter", "overshooting", "oscillation", "divergence",
    "local-minimum", "global-minimum", "saddle-point", "plateau", "stability-limit", "condition-number",
    "step-decay", "exponential-decay", "time-based-decay", "cosine-annealing", "warm-restarts", "warmup",
    "one-cycle", "cyclic-lr", "reduce-on-plateau", "lr-range-test", "grid-search", "momentum", "nesterov",
    "adagrad", "rmsprop", "adam", "adamw", "gradient-clipping", "early-stopping", "weight-decay", "dropout",
    "batch-size-and-lr", "gradient-noise",
)


@pytest.fixture(scope="module")
def library():
    return check_content(run_scenes=False, cache_dir=None).library


@pytest.fixture(scope="module")
def questions(library):
    return list(library.questions.values())


@pytest.fixture(scope="module")
def cards(library):
    return list(library.cards.values())


def test_there_are_enough_questions_of_every_kind(library, questions):
    assert len(library.banks) >= 6
    assert len(questions) >= 80
    assert sum(question.kind == "multi" for question in questions) >= 10
    assert {question.difficulty for question in questions} == {1, 2, 3}


def test_most_questions_show_a_checked_scene(questions):
    with_claims = [
        question for question in questions
        if question.scene is not None and any(run.expect is not None for run in question.scene.runs)
    ]
    assert len(with_claims) >= 0.6 * len(questions)


def test_the_required_concepts_each_have_a_card(library, cards):
    assert len(cards) >= 50
    missing = [concept for concept in CONCEPTS_THAT_NEED_A_CARD if f"card-{concept}" not in library.cards]
    assert missing == []


def test_every_topic_has_questions_and_cards(library, questions, cards):
    questioned = {topic for question in questions for topic in question.topics}
    carded = {topic for card in cards for topic in card.topics}
    assert sorted(set(library.topics) - questioned) == []
    assert sorted(set(library.topics) - carded) == []


def test_every_item_names_its_source_and_topics_and_every_note_is_cited(library, questions, cards):
    items = questions + cards
    assert [item.id for item in items if not item.source or not item.topics] == []
    cited = {item.source for item in items}
    assert sorted(set(library.sources) - cited) == []


def test_every_misconception_is_tested_by_an_option_and_repaired_by_a_card(library, questions):
    tested = {option.misconception for question in questions for option in question.options if option.misconception}
    assert sorted(set(library.misconceptions) - tested) == []
    unrepaired = [item.id for item in library.misconceptions.values() if library.repair_card(item.id) is None]
    assert unrepaired == []


def test_every_wrong_option_explains_itself_in_both_languages(questions):
    thin = [
        f"{question.id} {option.key}"
        for question in questions
        for option in question.options
        if len(option.explanation.en or "") < 40 or len(option.explanation.ko or "") < 20
    ]
    assert thin == []


def _normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_two_questions_share_a_stem(questions, language):
    stems = Counter(_normalised(getattr(question.stem, language)) for question in questions)
    assert [stem for stem, count in stems.items() if count > 1] == []


def test_korean_texts_use_the_terms_of_korean_textbooks(questions):
    korean = " ".join(question.stem.ko + " ".join(option.explanation.ko for option in question.options) for question in questions)
    for term in ("학습률", "경사하강법", "오버슈팅", "지역 최솟값", "안장점", "발산", "진동"):
        assert term in korean, term
