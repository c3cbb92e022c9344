"""The numbers behind the dashboard and `studyapp stats`, computed from the progress store.

Days are the learner's local days (the `zone` handed in), so "answers per day" and the due
forecast roll over at local midnight. Predicted recall on an exam date is the mean FSRS
retrievability of a topic's items at local noon of that day; items never reviewed count as 0,
because nothing predicts they will be remembered. A topic's *gain* is how much that mean would
rise if every item in it were reviewed now and recalled (graded Good): the topics where a
session now buys the most recall on exam day come first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from fsrs import Card, Rating, Scheduler

from studyapp.study.catalog import Catalog
from studyapp.study.records import CONFIDENCES, CardRecord, fsrs_card_id, to_utc_text, utc_now
from studyapp.study.review import as_utc, local_zone
from studyapp.study.store import ProgressStore

HISTORY_DAYS = 30
FORECAST_DAYS = 14
UNRATED = "unrated"


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class TopicAccuracy:
    topic: str
    name: str
    answers: int
    correct: int
    accuracy: float | None


@dataclass(frozen=True)
class DayActivity:
    day: date
    answers: int
    correct: int
    accuracy: float | None


@dataclass(frozen=True)
class DueDay:
    day: date
    due: int


@dataclass(frozen=True)
class Calibration:
    """How often answers given with this confidence were right ("unrated": none was given)."""

    confidence: str
    answers: int
    correct: int
    accuracy: float | None


@dataclass(frozen=True)
class MisconceptionCount:
    misconception: str
    name: str
    times_chosen: int
    repair_card: str | None


@dataclass(frozen=True)
class TopicRecall:
    topic: str
    name: str
    items: int
    reviewed: int
    recall: float
    recall_if_studied: float

    @property
    def gain(self) -> float:
        return self.recall_if_studied - self.recall


@dataclass(frozen=True)
class ExamSummary:
    exam_id: str
    finished_at: datetime
    questions: int
    correct: int
    score: float


@dataclass(frozen=True)
class Progress:
    """Progress on a set of questions (e.g. one bank): distinct questions answered, accuracy, due."""

    questions: int
    answered: int
    answers: int
    correct: int
    accuracy: float | None
    due: int


@dataclass(frozen=True)
class Summary:
    generated_at: datetime
    total_answers: int
    correct_answers: int
    accuracy: float | None
    questions_answered: int
    items_reviewed: int
    due_now: int
    topics: tuple[TopicAccuracy, ...]
    days: tuple[DayActivity, ...]
    forecast: tuple[DueDay, ...]
    calibration: tuple[Calibration, ...]
    misconceptions: tuple[MisconceptionCount, ...]
    exams: tuple[ExamSummary, ...]
    exam_date: date | None
    exam_recall: tuple[TopicRecall, ...]

    def weakest_topics(self, count: int = 3) -> list[str]:
        """Topics to drill: the largest exam-day gain when an exam date is set, else the lowest accuracy."""
        if self.exam_recall:
            return [row.topic for row in self.exam_recall if row.gain > 0][:count]
        answered = [row for row in self.topics if row.accuracy is not None]
        return [row.topic for row in sorted(answered, key=lambda row: row.accuracy)][:count]

    def to_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, datetime):
                return to_utc_text(value)
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items()}
            if isinstance(value, (list, tuple)):
                return [plain(item) for item in value]
            return value

        data = plain(asdict(self))
        for row, recall in zip(data["exam_recall"], self.exam_recall):
            row["gain"] = recall.gain
        return data


def build_summary(
    store: ProgressStore,
    catalog: Catalog,
    *,
    now: Callable[[], datetime] = utc_now,
    zone: tzinfo | None = None,
    exam_date: date | None = None,
    history_days: int = HISTORY_DAYS,
    forecast_days: int = FORECAST_DAYS,
    scheduler: Scheduler | None = None,
) -> Summary:
    """Everything the dashboard shows. `exam_date` defaults to the one in the learner's settings."""
    zone = zone if zone is not None else local_zone()
    scheduler = scheduler if scheduler is not None else Scheduler(enable_fuzzing=False)
    moment = as_utc(now())
    today = moment.astimezone(zone).date()
    with store.snapshot():
        answers = store.answers()
        records = store.cards()
        exams = store.exams()
        if exam_date is None:
            exam_date = store.settings().exam_date
    if catalog.kinds:
        records = {item_id: record for item_id, record in records.items() if item_id in catalog.kinds}

    topic_totals: dict[str, list[int]] = {topic: [0, 0] for topic in catalog.topic_order()}
    day_totals: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    confidence_totals: dict[str, list[int]] = {name: [0, 0] for name in (*CONFIDENCES, UNRATED)}
    chosen_misconceptions: Counter[str] = Counter()
    for answer in answers:
        right = int(answer.correct)
        for topic in catalog.topics.get(answer.question_id, ()):
            totals = topic_totals.setdefault(topic, [0, 0])
            totals[0] += 1
            totals[1] += right
        day = day_totals[answer.answered_at.astimezone(zone).date()]
        day[0] += 1
        day[1] += right
        rated = confidence_totals[answer.confidence or UNRATED]
        rated[0] += 1
        rated[1] += right
        for key in answer.chosen:
            misconception = catalog.misconceptions.get((answer.question_id, key))
            if misconception is not None:
                chosen_misconceptions[misconception] += 1

    forecast = [0] * forecast_days
    for record in records.values():
        offset = (max(record.card.due, moment).astimezone(zone).date() - today).days
        if 0 <= offset < forecast_days:
            forecast[offset] += 1

    correct_answers = sum(answer.correct for answer in answers)
    first_day = today - timedelta(days=history_days - 1)
    return Summary(
        generated_at=moment,
        total_answers=len(answers),
        correct_answers=correct_answers,
        accuracy=_ratio(correct_answers, len(answers)),
        questions_answered=len({answer.question_id for answer in answers}),
        items_reviewed=sum(record.reviewed for record in records.values()),
        due_now=sum(record.card.due <= moment for record in records.values()),
        topics=tuple(
            TopicAccuracy(topic, catalog.topic_name(topic), total, right, _ratio(right, total))
            for topic, (total, right) in topic_totals.items()
        ),
        days=tuple(_day_activity(first_day + timedelta(days=offset), day_totals) for offset in range(history_days)),
        forecast=tuple(DueDay(today + timedelta(days=offset), count) for offset, count in enumerate(forecast)),
        calibration=tuple(
            Calibration(name, total, right, _ratio(right, total)) for name, (total, right) in confidence_totals.items()
        ),
        misconceptions=tuple(
            MisconceptionCount(
                misconception, catalog.misconception_names.get(misconception, misconception), count,
                catalog.repair_cards.get(misconception),
            )
            for misconception, count in sorted(chosen_misconceptions.items(), key=lambda pair: (-pair[1], pair[0]))
        ),
        exams=tuple(
            ExamSummary(exam.exam_id, exam.finished_at, len(exam.items), exam.correct_count, exam.score)
            for exam in exams
        ),
        exam_date=exam_date,
        exam_recall=_exam_recall(catalog, records, scheduler, moment, exam_date, zone),
    )


def _day_activity(day: date, day_totals: dict[date, list[int]]) -> DayActivity:
    total, right = day_totals.get(day, (0, 0))
    return DayActivity(day, total, right, _ratio(right, total))


def exam_moment(exam_date: date, zone: tzinfo) -> datetime:
    """Local noon on the exam day, in UTC: the time recall is predicted for."""
    return as_utc(datetime.combine(exam_date, time(12), tzinfo=zone))


def _exam_recall(
    catalog: Catalog,
    records: dict[str, CardRecord],
    scheduler: Scheduler,
    moment: datetime,
    exam_date: date | None,
    zone: tzinfo,
) -> tuple[TopicRecall, ...]:
    if exam_date is None:
        return ()
    at = exam_moment(exam_date, zone)
    if at < moment:
        return ()

    def recall(card: Card) -> float:
        if card.last_review is None:
            return 0.0
        return float(scheduler.get_card_retrievability(card, current_datetime=at))

    now_and_studied: dict[str, tuple[float, float]] = {}
    for item_id in catalog.kinds:
        record = records.get(item_id)
        card = record.card if record is not None else Card(card_id=fsrs_card_id(item_id), due=moment)
        studied, _ = scheduler.review_card(card, Rating.Good, review_datetime=moment)
        now_and_studied[item_id] = (recall(card), recall(studied))

    order = catalog.topic_order()
    rows = []
    for topic in order:
        members = [item_id for item_id in catalog.kinds if topic in catalog.topics.get(item_id, ())]
        if not members:
            continue
        rows.append(
            TopicRecall(
                topic=topic,
                name=catalog.topic_name(topic),
                items=len(members),
                reviewed=sum(item_id in records and records[item_id].reviewed for item_id in members),
                recall=sum(now_and_studied[item_id][0] for item_id in members) / len(members),
                recall_if_studied=sum(now_and_studied[item_id][1] for item_id in members) / len(members),
            )
        )
    return tuple(sorted(rows, key=lambda row: (-row.gain, order.index(row.topic))))


def progress(store: ProgressStore, question_ids: Iterable[str], *, now: Callable[[], datetime] = utc_now) -> Progress:
    """Answered / accuracy / due over some questions, e.g. one bank on the Home screen."""
    wanted = list(dict.fromkeys(question_ids))
    moment = as_utc(now())
    with store.snapshot():
        answers = store.answers(wanted)
        records = store.cards()
    correct = sum(answer.correct for answer in answers)
    return Progress(
        questions=len(wanted),
        answered=len({answer.question_id for answer in answers}),
        answers=len(answers),
        correct=correct,
        accuracy=_ratio(correct, len(answers)),
        due=sum(1 for item_id in wanted if item_id in records and records[item_id].card.due <= moment),
    )
