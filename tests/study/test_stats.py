"""The dashboard's numbers on a seeded history, checked by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler, State

from studyapp.study import CardRecord, Catalog, ExamItem, ExamResult, build_summary, open_store, progress
from studyapp.study.records import fsrs_card_id

SEOUL = timezone(timedelta(hours=9))
NOW = datetime(2025, 3, 10, 3, 0, tzinfo=timezone.utc)  # noon in Seoul

CATALOG = Catalog(
    kinds={"q1": "question", "q2": "question", "q3": "question", "card-o": "card", "card-d": "card"},
    topics={
        "q1": ("overshooting",),
        "q2": ("overshooting", "divergence"),
        "q3": ("divergence",),
        "card-o": ("overshooting",),
        "card-d": ("divergence",),
    },
    topic_names={"overshooting": "Overshooting", "divergence": "Divergence", "warmup": "Warm-up"},
    linked_cards={"q2": ("card-o",)},
    misconceptions={("q2", "c"): "bigger-is-faster", ("q3", "b"): "divergence-is-noise"},
    repair_cards={"bigger-is-faster": "card-o", "divergence-is-noise": "card-d"},
    misconception_names={"bigger-is-faster": "A bigger lr is always faster"},
)

# (UTC time, question, chosen, correct, confidence)
HISTORY = [
    (datetime(2025, 3, 8, 14, 0), "q1", "a", True, "sure"),  # 23:00 on the 8th in Seoul
    (datetime(2025, 3, 8, 15, 30), "q2", "c", False, "sure"),  # 00:30 on the 9th in Seoul
    (datetime(2025, 3, 9, 1, 0), "q2", "a", True, "unsure"),
    (datetime(2025, 3, 9, 2, 0), "q3", "b", False, "guessing"),
    (datetime(2025, 3, 10, 1, 0), "q3", "b", False, None),
    (datetime(2025, 3, 10, 2, 0), "q1", "a", True, "sure"),
]


def review_card(item_id, kind, *, stability, last_review, due) -> CardRecord:
    card = Card(
        card_id=fsrs_card_id(item_id),
        state=State.Review,
        step=None,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last_review,
    )
    return CardRecord(item_id, kind, card)


CARDS = [
    review_card("q1", "question", stability=4.0, last_review=datetime(2025, 3, 6, 2, 30, tzinfo=timezone.utc),
                due=datetime(2025, 3, 10, 2, 30, tzinfo=timezone.utc)),  # overdue: counts today
    review_card("q2", "question", stability=10.0, last_review=datetime(2025, 3, 9, 1, 0, tzinfo=timezone.utc),
                due=datetime(2025, 3, 12, 20, 0, tzinfo=timezone.utc)),  # 05:00 on the 13th in Seoul
    review_card("card-o", "card", stability=30.0, last_review=datetime(2025, 3, 1, 0, 0, tzinfo=timezone.utc),
                due=datetime(2025, 3, 23, 16, 0, tzinfo=timezone.utc)),  # the 24th in Seoul: past 14 days
    review_card("card-d", "card", stability=2.0, last_review=datetime(2025, 3, 8, 0, 0, tzinfo=timezone.utc),
                due=datetime(2025, 3, 23, 14, 0, tzinfo=timezone.utc)),  # 23:00 on the 23rd: the 14th day
    review_card("q-removed", "question", stability=1.0, last_review=datetime(2025, 3, 1, tzinfo=timezone.utc),
                due=datetime(2025, 3, 2, tzinfo=timezone.utc)),  # no longer in the content
]


@pytest.fixture
def seeded(tmp_path):
    with open_store(tmp_path) as store:
        for moment, question, chosen, correct, confidence in HISTORY:
            store.record_answer(
                question, [chosen], correct, time_ms=5_000, content_hash="h", confidence=confidence,
                answered_at=moment.replace(tzinfo=timezone.utc),
            )
        for card in CARDS:
            store.put_card(card)
        store.record_exam(
            ExamResult(
                "exam-1", datetime(2025, 3, 9, 5, tzinfo=timezone.utc), datetime(2025, 3, 9, 6, tzinfo=timezone.utc),
                None, (ExamItem("q1", ("a",), True, 30_000), ExamItem("q3", ("b",), False, 50_000)),
            )
        )
        yield store


def summary_of(store, **options):
    return build_summary(store, CATALOG, now=lambda: NOW, zone=SEOUL, **options)


def test_totals_topics_days_and_calibration(seeded):
    summary = summary_of(seeded)
    assert (summary.total_answers, summary.correct_answers, summary.accuracy) == (6, 3, 0.5)
    assert summary.questions_answered == 3
    assert summary.items_reviewed == 4 and summary.due_now == 1
    assert [(row.topic, row.name, row.answers, row.correct, row.accuracy) for row in summary.topics] == [
        ("overshooting", "Overshooting", 4, 3, 0.75),
        ("divergence", "Divergence", 4, 1, 0.25),
        ("warmup", "Warm-up", 0, 0, None),
    ]
    assert len(summary.days) == 30 and summary.days[-1].day == date(2025, 3, 10)
    assert [(row.day.day, row.answers, row.correct) for row in summary.days[-3:]] == [(8, 1, 1), (9, 3, 1), (10, 2, 1)]
    assert summary.days[-2].accuracy == pytest.approx(1 / 3)
    assert all(row.answers == 0 and row.accuracy is None for row in summary.days[:-3])
    assert [(row.confidence, row.answers, row.correct) for row in summary.calibration] == [
        ("sure", 3, 2), ("unsure", 1, 1), ("guessing", 1, 0), ("unrated", 1, 0),
    ]


def test_misconceptions_forecast_and_exams(seeded):
    summary = summary_of(seeded)
    assert [(row.misconception, row.name, row.times_chosen, row.repair_card) for row in summary.misconceptions] == [
        ("divergence-is-noise", "divergence-is-noise", 2, "card-d"),
        ("bigger-is-faster", "A bigger lr is always faster", 1, "card-o"),
    ]
    assert summary.forecast[0].day == date(2025, 3, 10) and len(summary.forecast) == 14
    assert [row.due for row in summary.forecast] == [1, 0, 0, 1] + [0] * 9 + [1]
    assert [(row.exam_id, row.questions, row.correct, row.score) for row in summary.exams] == [("exam-1", 2, 1, 0.5)]


def fsrs_recall(stability: float, days: int) -> float:
    decay = -0.1542
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * days / stability) ** decay


def test_predicted_recall_on_the_exam_date_and_the_gain_ranking(seeded):
    seeded.update_settings(exam_date=date(2025, 3, 20))
    summary = summary_of(seeded)
    assert summary.exam_date == date(2025, 3, 20)
    exam_noon = datetime(2025, 3, 20, 3, 0, tzinfo=timezone.utc)
    # Elapsed whole days from each last review to noon on the 20th in Seoul.
    q1, q2, q3 = fsrs_recall(4.0, 14), fsrs_recall(10.0, 11), 0.0
    card_o, card_d = fsrs_recall(30.0, 19), fsrs_recall(2.0, 12)
    rows = {row.topic: row for row in summary.exam_recall}
    assert rows["overshooting"].recall == pytest.approx((q1 + q2 + card_o) / 3)
    assert rows["divergence"].recall == pytest.approx((q2 + q3 + card_d) / 3)
    assert (rows["divergence"].items, rows["divergence"].reviewed) == (3, 2)
    assert "warmup" not in rows  # no items to study

    scheduler = Scheduler(enable_fuzzing=False)

    def studied(card: Card) -> float:
        after, _ = scheduler.review_card(card, Rating.Good, review_datetime=NOW)
        return scheduler.get_card_retrievability(after, exam_noon)

    cards = {card.item_id: card.card for card in CARDS}
    new_q3 = Card(card_id=fsrs_card_id("q3"), due=NOW)
    assert rows["divergence"].recall_if_studied == pytest.approx(
        (studied(cards["q2"]) + studied(new_q3) + studied(cards["card-d"])) / 3
    )
    assert [row.topic for row in summary.exam_recall] == ["divergence", "overshooting"]
    assert rows["divergence"].gain > rows["overshooting"].gain > 0
    assert summary.weakest_topics(1) == ["divergence"]
    assert summary.to_dict()["exam_recall"][0]["gain"] == pytest.approx(rows["divergence"].gain)


def test_no_exam_date_or_a_past_one_predicts_nothing(seeded):
    assert summary_of(seeded).exam_recall == ()
    assert summary_of(seeded, exam_date=date(2025, 3, 1)).exam_recall == ()
    assert summary_of(seeded).weakest_topics() == ["divergence", "overshooting"]


def test_summary_to_dict_is_plain_json(seeded):
    import json

    data = summary_of(seeded, exam_date=date(2025, 4, 1)).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["days"][-1] == {"day": "2025-03-10", "answers": 2, "correct": 1, "accuracy": 0.5}
    assert data["generated_at"] == "2025-03-10T03:00:00.000000+00:00"


def test_bank_progress(seeded):
    result = progress(seeded, ["q1", "q2", "q-unanswered"], now=lambda: NOW)
    assert (result.questions, result.answered, result.answers, result.correct) == (3, 2, 4, 3)
    assert result.accuracy == 0.75 and result.due == 1


def test_an_empty_store_gives_empty_numbers(tmp_path):
    with open_store(tmp_path) as store:
        summary = build_summary(store, Catalog(), now=lambda: NOW, zone=SEOUL)
    assert summary.total_answers == 0 and summary.accuracy is None
    assert summary.topics == () and summary.misconceptions == () and summary.weakest_topics() == []
    assert sum(row.due for row in summary.forecast) == 0
