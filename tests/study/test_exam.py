"""Drawing mock-exam questions across topics and scoring them per topic."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.study import Catalog, ExamItem, ExamResult, draw_exam_questions, score_by_topic

from .conftest import START


def catalog_with(sizes: dict[str, int]) -> Catalog:
    kinds, topics = {}, {}
    for topic, size in sizes.items():
        for index in range(size):
            kinds[f"q-{topic}-{index}"] = "question"
            topics[f"q-{topic}-{index}"] = (topic,)
    kinds["card-1"] = "card"
    topics["card-1"] = ("alpha",)
    return Catalog(kinds=kinds, topics=topics, topic_names={topic: topic.title() for topic in sizes})


@given(
    sizes=st.dictionaries(st.sampled_from(["alpha", "beta", "gamma", "delta"]), st.integers(1, 12), min_size=1),
    count=st.integers(1, 30),
    seed=st.integers(0, 1_000),
)
def test_draws_distinct_questions_spread_evenly_over_topics(sizes, count, seed):
    drawn = draw_exam_questions(catalog_with(sizes), count, rng=random.Random(seed))
    assert len(drawn) == min(count, sum(sizes.values()))
    assert len(set(drawn)) == len(drawn) and all(item.startswith("q-") for item in drawn)
    per_topic = Counter(item.split("-")[1] for item in drawn)
    # No topic gets two more than another unless the other has run out of questions.
    for topic, taken in per_topic.items():
        for other, size in sizes.items():
            assert taken <= per_topic.get(other, 0) + 1 or per_topic.get(other, 0) == size


def test_a_seed_gives_the_same_exam():
    catalog = catalog_with({"alpha": 5, "beta": 5})
    assert draw_exam_questions(catalog, 6, rng=random.Random(3)) == draw_exam_questions(
        catalog, 6, rng=random.Random(3)
    )
    with pytest.raises(ValueError, match="at least one question"):
        draw_exam_questions(catalog, 0, rng=random.Random(3))


def test_score_per_topic_in_topic_order():
    catalog = Catalog(
        kinds={"q1": "question", "q2": "question", "q3": "question"},
        topics={"q1": ("beta",), "q2": ("alpha", "beta"), "q3": ("alpha",)},
        topic_names={"alpha": "Alpha", "beta": "Beta"},
    )
    result = ExamResult(
        "exam",
        START,
        START + timedelta(minutes=20),
        None,
        (ExamItem("q1", ("a",), True, 1_000), ExamItem("q2", ("b",), False, 2_000), ExamItem("q3", (), False, 0)),
    )
    rows = score_by_topic(result, catalog)
    assert [(row.topic, row.name, row.correct, row.questions) for row in rows] == [
        ("alpha", "Alpha", 0, 2),
        ("beta", "Beta", 1, 2),
    ]
    assert rows[1].score == 0.5
    assert result.score == pytest.approx(1 / 3)
