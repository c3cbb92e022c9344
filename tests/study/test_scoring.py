"""Scoring submissions and the automatic FSRS grade."""

from __future__ import annotations

import pytest
from fsrs import Rating
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.study import GradeThresholds, ScoringError, auto_grade, score_submission

KEYS = list("abcdefgh")
key_sets = st.sets(st.sampled_from(KEYS), min_size=1)


@settings(max_examples=200)
@given(chosen=key_sets, correct=key_sets)
def test_multi_is_right_only_on_the_exact_set_and_reports_the_difference(chosen, correct):
    scored = score_submission(chosen, correct, kind="multi", option_keys=KEYS)
    assert scored.correct == (chosen == correct)
    assert set(scored.missed) == correct - chosen
    assert set(scored.wrongly_chosen) == chosen - correct
    assert set(scored.hits) | set(scored.wrongly_chosen) == chosen
    assert set(scored.hits) | set(scored.missed) == correct
    assert scored.correct == (not scored.missed and not scored.wrongly_chosen)


@given(chosen=st.sampled_from(KEYS), correct=st.sampled_from(KEYS))
def test_single_answer(chosen, correct):
    scored = score_submission([chosen], [correct])
    assert scored.correct == (chosen == correct)
    assert scored.to_dict()["chosen"] == [chosen]


def test_partial_multi_answer_names_what_was_missed_and_wrongly_chosen():
    scored = score_submission(["a", "c", "d"], ["a", "b", "c"], kind="multi")
    assert not scored.correct
    assert scored.missed == ("b",)
    assert scored.wrongly_chosen == ("d",)
    assert scored.hits == ("a", "c")


@pytest.mark.parametrize(
    ("chosen", "correct", "kind", "message"),
    [
        ([], ["a"], "single", "no option was chosen"),
        (["a", "b"], ["a"], "single", "takes one option"),
        (["z"], ["a"], "single", "unknown option z"),
        (["a"], [], "multi", "no correct option"),
        (["a"], ["a"], "essay", "kind 'essay'"),
    ],
)
def test_bad_submissions_are_refused_with_a_reason(chosen, correct, kind, message):
    with pytest.raises(ScoringError, match=message):
        score_submission(chosen, correct, kind=kind, option_keys="abcd")


EXPECTED = 10_000


@pytest.mark.parametrize(
    ("correct", "confidence", "time_ms", "rating"),
    [
        (False, "sure", 1_000, Rating.Again),
        (False, None, None, Rating.Again),
        (True, "sure", 9_000, Rating.Easy),
        (True, "sure", 10_000, Rating.Easy),
        (True, "sure", 15_000, Rating.Good),
        (True, "sure", 20_001, Rating.Hard),
        (True, None, 1_000, Rating.Good),
        (True, None, None, Rating.Good),
        (True, "sure", None, Rating.Good),
        (True, "unsure", 1_000, Rating.Hard),
        (True, "guessing", 1_000, Rating.Hard),
    ],
)
def test_auto_grade_table(correct, confidence, time_ms, rating):
    assert auto_grade(correct, confidence, time_ms, EXPECTED) == rating


def test_thresholds_are_parameters():
    strict = GradeThresholds(quick_factor=0.5, slow_factor=1.2)
    assert auto_grade(True, "sure", 9_000, EXPECTED, strict) == Rating.Good
    assert auto_grade(True, "sure", 13_000, EXPECTED, strict) == Rating.Hard
    assert GradeThresholds(base_ms=1_000, ms_per_char=50).expected_ms(100) == 6_000
    with pytest.raises(ValueError):
        GradeThresholds(quick_factor=3, slow_factor=2)


@given(
    confidence=st.sampled_from(["sure", "unsure", "guessing", None]),
    time_ms=st.integers(0, 100_000),
    characters=st.integers(0, 2_000),
)
def test_longer_questions_never_grade_harder_for_the_same_time(confidence, time_ms, characters):
    thresholds = GradeThresholds()
    short = auto_grade(True, confidence, time_ms, thresholds.expected_ms(characters))
    long = auto_grade(True, confidence, time_ms, thresholds.expected_ms(characters + 500))
    assert long >= short
    assert auto_grade(False, confidence, time_ms, thresholds.expected_ms(characters)) == Rating.Again


def test_unknown_confidence_is_refused():
    with pytest.raises(ScoringError, match="confidence 'maybe'"):
        auto_grade(True, "maybe", 100, EXPECTED)
