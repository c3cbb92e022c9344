"""Spaced-repetition review with FSRS over questions and concept cards.

`Reviewer` wraps `fsrs.Scheduler` and keeps every item's card state and review log in the
progress store, keyed by the item's stable content id. Questions and concept cards share one
scheduler; the kind is recorded with each item.

- `grade` reads and writes the card inside one immediate transaction, so two running instances
  cannot lose each other's grades.
- `undo` restores exactly the states the last grade replaced (including the linked cards a wrong
  answer brought forward) and removes its review log.
- A cram reviewer (`cram=True`) answers the same questions but never writes schedule state: it is
  for practising the night before an exam without disturbing the schedule.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo

from fsrs import Card, Rating, Scheduler

from studyapp.study.records import Answer, CardRecord, ReviewRecord, fsrs_card_id, new_id, utc_now
from studyapp.study.scoring import DEFAULT_THRESHOLDS, GradeThresholds, ScoredAnswer, auto_grade
from studyapp.study.store import ProgressStore


def local_zone() -> tzinfo:
    """The machine's time zone: a learner's "day" starts at their local midnight."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def start_of_day(moment: datetime, zone: tzinfo) -> datetime:
    """The UTC instant of local midnight on `moment`'s local day."""
    local = moment.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
    return midnight.astimezone(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """fsrs insists on `timezone.utc` itself as the tzinfo, not merely a zero offset."""
    if moment.tzinfo is None:
        raise ValueError(f"time {moment.isoformat()} has no time zone")
    return moment.astimezone(timezone.utc)


@dataclass(frozen=True)
class QueueEntry:
    """An item to review: due ones carry their due time, new ones (never reviewed) carry None."""

    item_id: str
    kind: str
    due: datetime | None

    @property
    def is_new(self) -> bool:
        return self.due is None


@dataclass(frozen=True)
class GradeResult:
    """What a grade did: the item's state before and after, and the log written (None when cramming)."""

    item_id: str
    kind: str
    rating: Rating
    before: CardRecord | None
    after: CardRecord
    review: ReviewRecord | None
    brought_forward: tuple[str, ...]


@dataclass(frozen=True)
class Submission:
    """An answer recorded and graded in one call."""

    answer: Answer
    rating: Rating
    grade: GradeResult


@dataclass(frozen=True)
class _UndoStep:
    result: GradeResult
    replaced: Mapping[str, CardRecord | None]


class Reviewer:
    """Grades items, builds the due queue and undoes the last grade, over one progress store."""

    def __init__(
        self,
        store: ProgressStore,
        *,
        scheduler: Scheduler | None = None,
        enable_fuzzing: bool = True,
        cram: bool = False,
        now: Callable[[], datetime] = utc_now,
        zone: tzinfo | None = None,
    ) -> None:
        self.store = store
        self.scheduler = scheduler if scheduler is not None else Scheduler(enable_fuzzing=enable_fuzzing)
        self.cram = cram
        self.now = now
        self.zone = zone if zone is not None else local_zone()
        self._undo: list[_UndoStep] = []

    # -- grading -----------------------------------------------------------------------------

    def preview(self, item_id: str, rating: Rating | int, at: datetime | None = None) -> Card:
        """The card state a grade would produce, without writing anything."""
        at = as_utc(at or self.now())
        record = self.store.card(item_id)
        card, _ = self.scheduler.review_card(self._card_or_new(item_id, record, at), Rating(rating), review_datetime=at)
        return card

    def grade(
        self,
        item_id: str,
        kind: str,
        rating: Rating | int,
        *,
        duration_ms: int | None = None,
        bring_forward: Iterable[str] = (),
        reviewed_at: datetime | None = None,
    ) -> GradeResult:
        """Grade an item and, in the same transaction, make `bring_forward` cards due now."""
        rating = Rating(rating)
        if self.cram:
            at = as_utc(reviewed_at or self.now())
            before = self.store.card(item_id)
            card, _ = self.scheduler.review_card(self._card_or_new(item_id, before, at), rating, review_datetime=at)
            return GradeResult(item_id, kind, rating, before, CardRecord(item_id, kind, card), None, ())
        replaced: dict[str, CardRecord | None] = {}
        with self.store.transaction():
            # Read the clock once the write lock is held, so review times follow write order
            # even when another instance grades the same item at the same moment.
            at = as_utc(reviewed_at or self.now())
            before = self.store.card(item_id)
            replaced[item_id] = before
            card, _ = self.scheduler.review_card(
                self._card_or_new(item_id, before, at), rating, review_datetime=at, review_duration=duration_ms
            )
            after = CardRecord(item_id, kind, card)
            review = ReviewRecord(new_id(), item_id, kind, rating, at, duration_ms)
            self.store.put_card(after)
            self.store.add_review(review)
            moved = []
            for card_id in dict.fromkeys(bring_forward):
                if card_id == item_id:
                    continue
                previous = self.store.card(card_id)
                forward = _due_now(card_id, previous, at)
                if forward is not None:
                    replaced[card_id] = previous
                    self.store.put_card(forward)
                    moved.append(card_id)
        result = GradeResult(item_id, kind, rating, before, after, review, tuple(moved))
        self._undo.append(_UndoStep(result, replaced))
        return result

    def submit(
        self,
        question_id: str,
        scored: ScoredAnswer,
        *,
        time_ms: int,
        content_hash: str,
        expected_ms: float,
        confidence: str | None = None,
        mode: str = "practice",
        linked_cards: Iterable[str] = (),
        thresholds: GradeThresholds = DEFAULT_THRESHOLDS,
    ) -> Submission:
        """Record a question's answer (committed first), grade it, and on a wrong answer bring
        `linked_cards` (the question's cards and the chosen misconceptions' cards) forward."""
        answer = self.store.record_answer(
            question_id,
            scored.chosen,
            scored.correct,
            time_ms=time_ms,
            content_hash=content_hash,
            confidence=confidence,
            mode="cram" if self.cram else mode,
            answered_at=as_utc(self.now()),
        )
        rating = auto_grade(scored.correct, confidence, time_ms, expected_ms, thresholds)
        result = self.grade(
            question_id,
            "question",
            rating,
            duration_ms=time_ms,
            bring_forward=() if scored.correct else linked_cards,
            reviewed_at=answer.answered_at,
        )
        return Submission(answer, rating, result)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> GradeResult | None:
        """Undo this session's last grade: restore the replaced states exactly, drop its log."""
        if not self._undo:
            return None
        step = self._undo.pop()
        with self.store.transaction():
            for item_id, previous in step.replaced.items():
                if previous is None:
                    self.store.delete_card(item_id)
                else:
                    self.store.put_card(previous)
            assert step.result.review is not None
            self.store.delete_review(step.result.review.log_id)
        return step.result

    def overrule(self, rating: Rating | int) -> GradeResult | None:
        """Replace the last grade by `rating` (the learner disagrees with the automatic one)."""
        if not self._undo:
            return None
        last = self._undo[-1].result
        assert last.review is not None
        self.undo()
        return self.grade(
            last.item_id,
            last.kind,
            rating,
            duration_ms=last.review.duration_ms,
            bring_forward=last.brought_forward,
            reviewed_at=last.review.reviewed_at,
        )

    def bring_forward(self, card_ids: Iterable[str], kind: str = "card") -> list[str]:
        """Make these items due now (new ones get a state due now); returns those that moved."""
        if self.cram:
            return []
        at = as_utc(self.now())
        moved = []
        with self.store.transaction():
            for card_id in dict.fromkeys(card_ids):
                forward = _due_now(card_id, self.store.card(card_id), at, kind)
                if forward is not None:
                    self.store.put_card(forward)
                    moved.append(card_id)
        return moved

    # -- queues and predictions --------------------------------------------------------------

    def new_allowance(self) -> int:
        """How many never-reviewed items may still be started today."""
        today = start_of_day(self.now(), self.zone)
        started = len(self.store.items_first_reviewed_since(today))
        return max(0, self.store.settings().daily_new_limit - started)

    def due_queue(self, items: Mapping[str, str]) -> list[QueueEntry]:
        """Items (id -> kind, in the caller's order) due now, soonest due first, then new ones
        up to today's remaining new-item allowance. Items not in `items` are ignored."""
        now = self.now()
        with self.store.snapshot():
            records = self.store.cards()
            allowance = self.new_allowance()
        due = sorted(
            (records[item_id].card.due, position, item_id)
            for position, item_id in enumerate(items)
            if item_id in records and records[item_id].card.due <= now
        )
        queue = [QueueEntry(item_id, records[item_id].kind, due_at) for due_at, _, item_id in due]
        fresh = [item_id for item_id in items if item_id not in records][:allowance]
        return queue + [QueueEntry(item_id, items[item_id], None) for item_id in fresh]

    def cram_queue(self, items: Mapping[str, str]) -> list[QueueEntry]:
        """Every item, weakest first (lowest recall probability now; never-reviewed count as 0)."""
        now = as_utc(self.now())
        records = self.store.cards()
        ranked = sorted(
            enumerate(items),
            key=lambda pair: (self._recall(records.get(pair[1]), now), pair[0]),
        )
        return [
            QueueEntry(item_id, items[item_id], records[item_id].card.due if item_id in records else None)
            for _, item_id in ranked
        ]

    def retrievability(self, item_id: str, at: datetime | None = None) -> float:
        """The predicted probability of recalling the item at `at` (0 for a never-reviewed item)."""
        return self._recall(self.store.card(item_id), as_utc(at or self.now()))

    def _recall(self, record: CardRecord | None, at: datetime) -> float:
        if record is None or not record.reviewed:
            return 0.0
        return float(self.scheduler.get_card_retrievability(record.card, current_datetime=at))

    @staticmethod
    def _card_or_new(item_id: str, record: CardRecord | None, at: datetime) -> Card:
        return record.card if record is not None else Card(card_id=fsrs_card_id(item_id), due=at)


def _due_now(item_id: str, previous: CardRecord | None, at: datetime, kind: str = "card") -> CardRecord | None:
    """The state that makes an item due at `at`, or None when it already is."""
    if previous is None:
        return CardRecord.new(item_id, kind, due=at)
    if previous.card.due <= at:
        return None
    card = copy.copy(previous.card)
    card.due = at
    return CardRecord(previous.item_id, previous.kind, card)

