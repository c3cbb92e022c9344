"""FSRS review through the store: due dates, undo, cram, bringing cards forward, the due queue."""

from __future__ import annotations

import sqlite3
from datetime import timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler, State
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.study import Catalog, Reviewer, open_store, score_submission
from studyapp.study.records import fsrs_card_id
from studyapp.study.review import start_of_day
from studyapp.study.store import PROGRESS_FILE

from .conftest import START, Clock

ITEMS = {"q-a": "question", "q-b": "question", "card-x": "card", "card-y": "card", "card-z": "card"}


def database_dump(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def test_first_grades_follow_the_fsrs_learning_steps(reviewer, clock):
    assert reviewer.grade("q-a", "question", Rating.Again).after.card.due == START + timedelta(minutes=1)
    assert reviewer.grade("q-b", "question", Rating.Good).after.card.due == START + timedelta(minutes=10)
    easy = reviewer.grade("card-x", "card", Rating.Easy).after.card
    assert easy.state == State.Review
    assert easy.due - START >= timedelta(days=1)


gaps = st.lists(
    st.tuples(st.sampled_from(list(Rating)), st.integers(min_value=0, max_value=60 * 24 * 40)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=gaps)
def test_due_dates_match_the_fsrs_package_with_fuzzing_off(tmp_path_factory, history):
    clock = Clock()
    with open_store(tmp_path_factory.mktemp("fsrs"), now=clock) as store:
        reviewer = Reviewer(store, enable_fuzzing=False, now=clock, zone=timezone.utc)
        scheduler = Scheduler(enable_fuzzing=False)
        expected = Card(card_id=fsrs_card_id("q-a"), due=clock())
        for rating, minutes_later in history:
            clock.advance(minutes=minutes_later, seconds=1)
            result = reviewer.grade("q-a", "question", rating, duration_ms=1_000)
            expected, _ = scheduler.review_card(expected, rating, review_datetime=clock())
            assert result.after.card == expected
            assert store.card("q-a").card == expected
        assert [review.rating for review in store.reviews("q-a")] == [rating for rating, _ in history]


def test_undo_restores_the_previous_state_exactly(reviewer, store, clock, tmp_path):
    reviewer.grade("q-a", "question", Rating.Good)
    clock.advance(days=3)
    before = database_dump(tmp_path / PROGRESS_FILE)
    reviewer.grade("q-a", "question", Rating.Again, bring_forward=["card-x"])
    assert store.card("card-x") is not None
    assert database_dump(tmp_path / PROGRESS_FILE) != before

    undone = reviewer.undo()
    assert undone.item_id == "q-a" and undone.rating == Rating.Again
    assert database_dump(tmp_path / PROGRESS_FILE) == before
    reviewer.undo()
    assert store.card("q-a") is None and store.reviews() == []
    assert not reviewer.can_undo and reviewer.undo() is None


def test_overrule_replaces_the_automatic_grade(reviewer, store):
    reviewer.grade("q-a", "question", Rating.Hard, duration_ms=9_000)
    overruled = reviewer.overrule(Rating.Easy)
    assert overruled.rating == Rating.Easy
    assert [review.rating for review in store.reviews()] == [Rating.Easy]
    expected, _ = Scheduler(enable_fuzzing=False).review_card(
        Card(card_id=fsrs_card_id("q-a"), due=START), Rating.Easy, review_datetime=START
    )
    assert store.card("q-a").card == expected


def test_cram_never_writes_the_schedule(store, clock, tmp_path):
    Reviewer(store, enable_fuzzing=False, now=clock, zone=timezone.utc).grade("q-a", "question", Rating.Good)
    before = database_dump(tmp_path / PROGRESS_FILE)
    cram = Reviewer(store, enable_fuzzing=False, cram=True, now=clock, zone=timezone.utc)
    queue = cram.cram_queue(ITEMS)
    assert [entry.item_id for entry in queue][-1] == "q-a"  # the only item with any recall left
    result = cram.grade("q-b", "question", Rating.Again, bring_forward=["card-x"])
    assert result.review is None and result.after.card.due == START + timedelta(minutes=1)
    assert cram.bring_forward(["card-y"]) == []
    assert not cram.can_undo
    assert database_dump(tmp_path / PROGRESS_FILE) == before


def test_cram_answers_are_kept_as_history_but_not_scheduled(store, clock):
    cram = Reviewer(store, enable_fuzzing=False, cram=True, now=clock, zone=timezone.utc)
    submission = cram.submit(
        "q-a", score_submission(["b"], ["a"]), time_ms=2_000, content_hash="h", expected_ms=8_000, mode="review"
    )
    assert submission.answer.mode == "cram"
    assert submission.rating == Rating.Again
    assert store.answer_count() == 1 and store.cards() == {} and store.reviews() == []


def test_a_wrong_answer_brings_linked_cards_forward(reviewer, store, clock):
    for card_id in ("card-x", "card-y"):
        reviewer.grade(card_id, "card", Rating.Easy)
    assert store.card("card-x").card.due > START + timedelta(days=1)
    clock.advance(hours=1)
    catalog = Catalog(
        kinds=ITEMS,
        linked_cards={"q-a": ("card-x",)},
        misconceptions={("q-a", "c"): "bigger-is-faster"},
        repair_cards={"bigger-is-faster": "card-z"},
    )
    scored = score_submission(["c"], ["a"])
    submission = reviewer.submit(
        "q-a",
        scored,
        time_ms=3_000,
        content_hash="h",
        expected_ms=8_000,
        linked_cards=catalog.cards_for_wrong_answer("q-a", scored.chosen),
    )
    assert submission.grade.brought_forward == ("card-x", "card-z")
    assert store.card("card-x").card.due == clock()
    assert store.card("card-z").card.due == clock() and not store.card("card-z").reviewed
    assert store.card("card-y").card.due > clock() + timedelta(days=1)
    due_ids = [entry.item_id for entry in reviewer.due_queue(ITEMS)]
    assert {"card-x", "card-z"} <= set(due_ids)

    reviewer.undo()
    assert store.card("card-z") is None
    assert store.card("card-x").card.due > clock() + timedelta(hours=12)
    assert store.answer_count() == 1  # the answer itself stays: it was given


def test_a_right_answer_brings_nothing_forward(reviewer, store):
    submission = reviewer.submit(
        "q-a",
        score_submission(["a"], ["a"]),
        time_ms=3_000,
        content_hash="h",
        expected_ms=8_000,
        confidence="sure",
        linked_cards=["card-x"],
    )
    assert submission.rating == Rating.Easy
    assert store.card("card-x") is None


def test_due_queue_orders_by_due_and_limits_new_items_per_day(reviewer, store, clock):
    store.update_settings(daily_new_limit=2)
    reviewer.grade("q-a", "question", Rating.Again)  # due in 1 minute
    reviewer.grade("card-x", "card", Rating.Hard)  # due in 5.5 minutes
    clock.advance(minutes=30)
    queue = reviewer.due_queue(ITEMS)
    assert [(entry.item_id, entry.is_new) for entry in queue] == [("q-a", False), ("card-x", False)]

    clock.advance(hours=10)  # still the same UTC day: both new items already started today
    assert reviewer.new_allowance() == 0
    clock.current = start_of_day(clock(), timezone.utc) + timedelta(days=1, minutes=1)
    queue = reviewer.due_queue(ITEMS)
    assert [entry.item_id for entry in queue if entry.is_new] == ["q-b", "card-y"]
    assert reviewer.new_allowance() == 2


def test_the_day_starts_at_local_midnight(store, clock):
    seoul = timezone(timedelta(hours=9))
    reviewer = Reviewer(store, enable_fuzzing=False, now=clock, zone=seoul)
    store.update_settings(daily_new_limit=1)
    clock.current = START.replace(hour=14, minute=30)  # 23:30 in Seoul
    reviewer.grade("q-a", "question", Rating.Good)
    assert reviewer.new_allowance() == 0
    clock.advance(hours=1)  # 00:30 the next day in Seoul, still the same UTC day
    assert reviewer.new_allowance() == 1


def test_items_missing_from_the_content_are_left_out(reviewer):
    reviewer.grade("q-gone", "question", Rating.Again)
    reviewer.now = lambda: START + timedelta(hours=1)
    assert "q-gone" not in [entry.item_id for entry in reviewer.due_queue(ITEMS)]


def test_retrievability_falls_with_time_and_is_zero_when_never_reviewed(reviewer, clock):
    assert reviewer.retrievability("q-a") == 0.0
    reviewer.grade("q-a", "question", Rating.Easy)
    soon = reviewer.retrievability("q-a", START + timedelta(days=2))
    later = reviewer.retrievability("q-a", START + timedelta(days=30))
    assert 1.0 >= soon > later > 0.0


def test_naive_times_are_refused(reviewer):
    with pytest.raises(ValueError, match="no time zone"):
        reviewer.grade("q-a", "question", Rating.Good, reviewed_at=START.replace(tzinfo=None))


def test_preview_shows_each_grade_without_writing(reviewer, store, clock):
    reviewer.grade("card-x", "card", Rating.Good)
    clock.advance(minutes=15)
    previews = {rating: reviewer.preview("card-x", rating) for rating in Rating}
    assert previews[Rating.Again].due < previews[Rating.Hard].due <= previews[Rating.Good].due < previews[Rating.Easy].due
    assert len(store.reviews()) == 1
    assert reviewer.grade("card-x", "card", Rating.Hard).after.card == previews[Rating.Hard]
