"""The progress store: answers, card states, settings, schema versions and damaged files."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime, timezone

import pytest
from fsrs import Card, Rating, State
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.study import (
    Answer,
    CardRecord,
    ExamItem,
    ExamResult,
    ProgressStore,
    RecordError,
    ReviewRecord,
    Settings,
    StoreError,
    StoreVersionError,
    open_store,
)
from studyapp.study.records import fsrs_card_id
from studyapp.study.store import PROGRESS_FILE, SCHEMA_VERSION

from .conftest import START


def record(store, question_id="q-one", correct=True, **overrides):
    chosen = overrides.pop("chosen", ["b", "a"])
    fields = {"time_ms": 4_200, "content_hash": "hash-1", "confidence": "sure", "mode": "practice"}
    fields.update(overrides)
    return store.record_answer(question_id, chosen, correct, **fields)


def test_an_answer_is_committed_with_every_field(store, tmp_path):
    answer = record(store, confidence="unsure", mode="review")
    with sqlite3.connect(tmp_path / PROGRESS_FILE) as other:
        row = other.execute(
            "SELECT answer_id, question_id, chosen, correct, confidence, time_ms, answered_at, content_hash, mode"
            " FROM answers"
        ).fetchone()
    assert row == (
        answer.answer_id,
        "q-one",
        '["a", "b"]',
        1,
        "unsure",
        4_200,
        "2025-03-03T08:00:00.000000+00:00",
        "hash-1",
        "review",
    )
    assert store.answers() == [answer]


def test_answers_come_back_in_time_order_and_filtered(store, clock):
    first = record(store, "q-one")
    clock.advance(minutes=1)
    second = record(store, "q-two", correct=False)
    assert store.answers() == [first, second]
    assert store.answers(["q-two"]) == [second]
    assert store.answer_count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"confidence": "certain"}, "confidence 'certain'"),
        ({"mode": "quiz"}, "mode 'quiz'"),
        ({"time_ms": -1}, "time_ms"),
        ({"chosen": []}, "no option chosen"),
        ({"answered_at": datetime(2025, 1, 1)}, "no time zone"),
    ],
)
def test_impossible_answers_are_refused_and_nothing_is_written(store, overrides, message):
    with pytest.raises(RecordError, match=message):
        record(store, **overrides)
    assert store.answer_count() == 0


def test_the_store_uses_wal_and_records_its_schema_version(store, tmp_path):
    with sqlite3.connect(tmp_path / PROGRESS_FILE) as other:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert other.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_reopening_keeps_everything(tmp_path, clock):
    with open_store(tmp_path, now=clock) as store:
        answer = record(store)
        store.update_settings(language="ko", exam_date=date(2025, 6, 14))
    with open_store(tmp_path, now=clock) as store:
        assert store.answers() == [answer]
        assert store.settings().language == "ko"
        assert store.settings().exam_date == date(2025, 6, 14)
        assert store.recovered is None


def test_a_file_from_a_newer_studyapp_is_refused_and_left_alone(tmp_path):
    path = tmp_path / PROGRESS_FILE
    with sqlite3.connect(path) as other:
        other.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreVersionError, match="newer studyapp"):
        ProgressStore(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [PROGRESS_FILE]


def test_a_directory_in_place_of_the_file_is_a_clear_error(tmp_path):
    (tmp_path / PROGRESS_FILE).mkdir()
    with pytest.raises(StoreError, match="is a directory"):
        open_store(tmp_path)


def _filled_store_bytes(tmp_path) -> bytes:
    source = tmp_path / "source"
    with open_store(source) as store:
        for index in range(300):
            record(store, f"q-{index}")
    return (source / PROGRESS_FILE).read_bytes()


def damaged_garbage(tmp_path) -> bytes:
    return b"definitely not SQLite " * 500


def damaged_truncated(tmp_path) -> bytes:
    data = _filled_store_bytes(tmp_path)
    return data[: len(data) // 2]


def damaged_page(tmp_path) -> bytes:
    data = bytearray(_filled_store_bytes(tmp_path))
    page = 4096
    data[2 * page : 3 * page] = bytes((index * 37 + 11) % 256 for index in range(page))
    return bytes(data)


@pytest.mark.parametrize("damage", [damaged_garbage, damaged_truncated, damaged_page])
def test_a_damaged_file_is_moved_aside_and_a_fresh_store_works(tmp_path, clock, damage):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    damaged = damage(tmp_path)
    (data_dir / PROGRESS_FILE).write_bytes(damaged)
    (data_dir / (PROGRESS_FILE + "-wal")).write_bytes(b"stale wal")

    with open_store(data_dir, now=clock) as store:
        notice = store.recovered
        assert notice is not None
        assert notice.moved_to == data_dir / "progress.db.corrupt-20250303T080000Z"
        assert str(notice.moved_to) in notice.message and "fresh" in notice.message
        assert notice.moved_to.read_bytes() == damaged
        assert (data_dir / "progress.db.corrupt-20250303T080000Z-wal").read_bytes() == b"stale wal"
        assert store.answer_count() == 0
        answer = record(store)
    with open_store(data_dir, now=clock) as store:
        assert store.recovered is None
        assert store.answers() == [answer]


def test_a_second_damage_in_the_same_second_gets_its_own_name(tmp_path, clock):
    for _ in range(2):
        (tmp_path / PROGRESS_FILE).write_bytes(b"garbage" * 300)
        open_store(tmp_path, now=clock).close()
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == [
        "progress.db.corrupt-20250303T080000Z",
        "progress.db.corrupt-20250303T080000Z-2",
    ]


def test_an_empty_file_is_a_valid_new_store(tmp_path):
    (tmp_path / PROGRESS_FILE).write_bytes(b"")
    with open_store(tmp_path) as store:
        assert store.recovered is None
        assert store.answer_count() == 0


utc_times = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(timezone.utc)
)
card_records = st.builds(
    lambda item_id, kind, state, step, stability, difficulty, due, last_review: CardRecord(
        item_id,
        kind,
        Card(
            card_id=fsrs_card_id(item_id),
            state=state,
            step=None if state == State.Review else step,
            stability=stability,
            difficulty=difficulty,
            due=due,
            last_review=last_review,
        ),
    ),
    item_id=st.text(min_size=1, max_size=20),
    kind=st.sampled_from(["question", "card"]),
    state=st.sampled_from(list(State)),
    step=st.integers(0, 3),
    stability=st.floats(0.001, 36_500, allow_nan=False),
    difficulty=st.floats(1, 10, allow_nan=False),
    due=utc_times,
    last_review=utc_times,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(card=card_records)
def test_card_state_round_trips_through_the_store_and_json(store, card):
    store.put_card(card)
    assert store.card(card.item_id) == card
    assert CardRecord.from_dict(card.to_dict()) == card


def test_a_new_card_round_trips_with_no_review(store):
    card = CardRecord.new("card-warmup", "card", due=START)
    store.put_card(card)
    assert store.card("card-warmup") == card
    assert not store.card("card-warmup").reviewed
    store.delete_card("card-warmup")
    assert store.card("card-warmup") is None


def test_reviews_and_exams_round_trip(store):
    review = ReviewRecord("log-1", "q-one", "question", Rating.Hard, START, 3_000)
    assert store.add_review(review)
    assert not store.add_review(review)
    assert store.reviews() == [review] == store.reviews("q-one")
    assert ReviewRecord.from_dict(review.to_dict()) == review
    exam = ExamResult(
        "exam-1",
        START,
        START.replace(hour=9),
        1_800,
        (ExamItem("q-one", ("a",), True, 40_000, "answer-1"), ExamItem("q-two", (), False, 0)),
    )
    assert store.record_exam(exam)
    assert not store.record_exam(exam)
    assert store.exams() == [exam]
    assert ExamResult.from_dict(exam.to_dict()) == exam
    assert exam.score == 0.5


def test_settings_defaults_updates_and_checks(store):
    assert store.settings() == Settings()
    updated = store.update_settings(theme="textual-light", daily_new_limit=5)
    assert updated == store.settings()
    assert (updated.theme, updated.daily_new_limit, updated.language) == ("textual-light", 5, "en")
    assert store.stored_setting_keys() == {"theme", "daily_new_limit"}
    with pytest.raises(RecordError, match="daily_new_limit"):
        store.update_settings(daily_new_limit=-3)
    with pytest.raises(RecordError, match="language"):
        store.update_settings(language="fr")
    with pytest.raises(RecordError, match="exam_date"):
        store.update_settings(exam_date="next friday")
    assert store.settings().daily_new_limit == 5


def test_answer_from_dict_names_the_bad_field():
    good = Answer("id", "q", ("a",), True, None, 10, START, "h", "exam").to_dict()
    with pytest.raises(RecordError, match=r"answers\[2\]\.correct: expected bool"):
        Answer.from_dict({**good, "correct": "yes"}, "answers[2]")
    with pytest.raises(RecordError, match=r"answer\.mode: missing"):
        Answer.from_dict({key: value for key, value in good.items() if key != "mode"})
    with pytest.raises(RecordError, match="not an ISO 8601 time"):
        Answer.from_dict({**good, "answered_at": "yesterday"})


def test_store_does_not_leave_other_files_behind_after_close(tmp_path):
    with open_store(tmp_path) as store:
        record(store)
    assert os.listdir(tmp_path) == [PROGRESS_FILE]
