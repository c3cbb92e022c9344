"""Export and import of the whole history: identical statistics, no duplicates, clear errors."""

from __future__ import annotations

import json
from datetime import date, timedelta, timezone

import pytest
from fsrs import Rating
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.study import (
    Catalog,
    ExamItem,
    ExamResult,
    Reviewer,
    TransferError,
    build_summary,
    export_progress,
    import_progress,
    open_store,
    score_submission,
)
from studyapp.study.transfer import dumps, loads

from .conftest import START, Clock

CATALOG = Catalog(
    kinds={"q-a": "question", "q-b": "question", "card-x": "card"},
    topics={"q-a": ("overshooting",), "q-b": ("divergence",), "card-x": ("divergence",)},
    topic_names={"overshooting": "Overshooting", "divergence": "Divergence"},
    linked_cards={"q-b": ("card-x",)},
    misconceptions={("q-b", "c"): "divergence-is-noise"},
    repair_cards={"divergence-is-noise": "card-x"},
)


def fill(store, clock, answers):
    """Answer and grade like the app does: (question, chosen, correct key, confidence, minutes later)."""
    reviewer = Reviewer(store, enable_fuzzing=False, now=clock, zone=timezone.utc)
    for question, chosen, right, confidence, minutes in answers:
        clock.advance(minutes=minutes)
        scored = score_submission([chosen], [right])
        reviewer.submit(
            question, scored, time_ms=4_000, content_hash="h", expected_ms=8_000, confidence=confidence,
            linked_cards=CATALOG.cards_for_wrong_answer(question, scored.chosen),
        )
    reviewer.grade("card-x", "card", Rating.Good)


HISTORY = [
    ("q-a", "a", "a", "sure", 0),
    ("q-b", "c", "a", "unsure", 5),
    ("q-b", "a", "a", None, 60 * 20),
    ("q-a", "b", "a", "guessing", 60 * 50),
]


def summary(store, clock):
    return build_summary(
        store, CATALOG, now=clock, zone=timezone.utc, exam_date=date(2025, 3, 20)
    ).to_dict()


@pytest.fixture
def filled(tmp_path, clock):
    with open_store(tmp_path / "old-machine", now=clock) as store:
        fill(store, clock, HISTORY)
        store.update_settings(language="ko", exam_date=date(2025, 3, 20))
        store.record_exam(
            ExamResult("exam-1", START, START + timedelta(minutes=30), 1_800, (ExamItem("q-a", ("a",), True, 9_000),))
        )
        yield store


def test_export_then_import_into_an_empty_store_gives_identical_statistics(filled, tmp_path, clock):
    document = loads(dumps(export_progress(filled, now=clock)))
    with open_store(tmp_path / "new-machine", now=clock) as fresh:
        report = import_progress(fresh, document)
        assert report.answers_added == 4 and report.exams_added == 1 and report.cards_updated == 3
        assert summary(fresh, clock) == summary(filled, clock)
        assert fresh.answers() == filled.answers()
        assert fresh.cards() == filled.cards()
        assert fresh.reviews() == filled.reviews()
        assert fresh.exams() == filled.exams()
        assert fresh.settings() == filled.settings()


def test_importing_twice_adds_nothing(filled, tmp_path, clock):
    document = export_progress(filled, now=clock)
    with open_store(tmp_path / "new-machine", now=clock) as fresh:
        import_progress(fresh, document)
        before = export_progress(fresh, now=clock)
        again = import_progress(fresh, document)
        assert not again.changed and again.answers_skipped == 4
        assert export_progress(fresh, now=clock) == before


def test_merging_two_machines_keeps_both_histories_and_the_latest_card_state(filled, tmp_path, clock):
    with open_store(tmp_path / "laptop", now=clock) as laptop:
        import_progress(laptop, export_progress(filled, now=clock))
        clock.advance(days=3)
        Reviewer(laptop, enable_fuzzing=False, now=clock, zone=timezone.utc).grade("q-a", "question", Rating.Easy)
        laptop.record_answer("q-a", ["a"], True, time_ms=1, content_hash="h")
        newer = laptop.card("q-a")
        older = filled.card("q-a")

        report = import_progress(filled, export_progress(laptop, now=clock))
        assert (report.answers_added, report.reviews_added, report.cards_updated) == (1, 1, 1)
        assert filled.card("q-a") == newer
        assert filled.answer_count() == 5

        # The older state coming back does not overwrite the newer one.
        assert import_progress(laptop, export_progress(filled, now=clock)).cards_updated == 0
        assert laptop.card("q-a") == newer != older


def test_local_settings_win_and_missing_ones_are_filled_in(filled, tmp_path, clock):
    with open_store(tmp_path / "new-machine", now=clock) as fresh:
        fresh.update_settings(language="en")
        report = import_progress(fresh, export_progress(filled, now=clock))
        assert report.settings_added == 1
        assert fresh.settings().language == "en"
        assert fresh.settings().exam_date == date(2025, 3, 20)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda doc: doc.update(version=2), "format version 2 is not supported"),
        (lambda doc: doc.update(format="anki"), "not a studyapp progress export"),
        (lambda doc: doc.update(answers={}), "answers: expected a list"),
        (lambda doc: doc["answers"][1].update(correct="yes"), r"answers\[1\]\.correct: expected bool"),
        (lambda doc: doc["answers"][0].pop("question_id"), r"answers\[0\]\.question_id: missing"),
        (lambda doc: doc["cards"][0].update(state=7), r"cards\[0\]\.state: 7 is not an fsrs state"),
        (lambda doc: doc["reviews"][0].update(rating=5), r"reviews\[0\]\.rating: 5 is not"),
        (lambda doc: doc["exams"][0]["items"][0].update(time_ms=-4), r"exams\[0\]\.items\[0\]\.time_ms"),
        (lambda doc: doc["settings"].update(language="fr"), "settings.language: 'fr'"),
    ],
)
def test_bad_documents_are_refused_whole_with_the_place_named(filled, tmp_path, clock, mutate, message):
    document = export_progress(filled, now=clock)
    mutate(document)
    with open_store(tmp_path / "new-machine", now=clock) as fresh:
        with pytest.raises(TransferError, match=message):
            import_progress(fresh, document, source="backup.json")
        assert fresh.answer_count() == 0 and fresh.cards() == {}


def test_damaged_json_names_line_and_column():
    with pytest.raises(TransferError, match=r"backup.json:3:1: not valid JSON"):
        loads('{\n "format": "studyapp-progress",\n}', "backup.json")
    with pytest.raises(TransferError, match="expected a JSON object"):
        loads("[1, 2]", "backup.json")


answer_plans = st.lists(
    st.tuples(
        st.sampled_from(["q-a", "q-b"]),
        st.sampled_from(["a", "b", "c"]),
        st.just("a"),
        st.sampled_from(["sure", "unsure", "guessing", None]),
        st.integers(0, 60 * 24 * 5),
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=answer_plans, second=answer_plans, split=st.integers(0, 12))
def test_import_is_idempotent_and_order_free(tmp_path_factory, first, second, split):
    """Importing any overlapping pieces of two histories, in any order and any number of times,
    gives the same store as importing each whole history once."""
    root = tmp_path_factory.mktemp("merge")
    clock = Clock()
    documents = []
    for index, plan in enumerate((first, second)):
        with open_store(root / f"source-{index}", now=clock) as source:
            fill(source, clock, plan)
            documents.append(export_progress(source, now=clock))
    partial = json.loads(json.dumps(documents[0]))
    partial["answers"] = partial["answers"][:split]

    with open_store(root / "once", now=clock) as once, open_store(root / "many", now=clock) as many:
        for document in documents:
            import_progress(once, document)
        for document in (partial, documents[1], documents[0], partial, documents[1]):
            import_progress(many, document)
        assert export_progress(many, now=clock) == export_progress(once, now=clock)
        assert many.answer_count() == len(first) + len(second)
