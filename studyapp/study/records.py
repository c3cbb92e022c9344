"""The plain records the study layer stores, exports and reads back.

Each record is an immutable dataclass with `to_dict()`/`from_dict()` so the store, the JSON
export and the tests share one definition of every field. `from_dict` checks each field and
raises `RecordError` naming it, because imported files come from outside the program.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from fsrs import Card, Rating, State

MODES = ("practice", "review", "exam", "cram")
CONFIDENCES = ("sure", "unsure", "guessing")
ITEM_KINDS = ("question", "card")
LANGUAGES = ("en", "ko")


class RecordError(ValueError):
    """A field of a record is missing or has an impossible value."""


def new_id() -> str:
    """A random, stable id for an answer, review or exam (kept across export and import)."""
    return uuid.uuid4().hex


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def to_utc_text(moment: datetime) -> str:
    """Fixed-width UTC ISO text, so that comparing the strings compares the times."""
    if moment.tzinfo is None:
        raise RecordError(f"time {moment.isoformat()} has no time zone; studyapp stores UTC times")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_utc(text: Any, what: str = "time") -> datetime:
    if not isinstance(text, str):
        raise RecordError(f"{what}: expected an ISO 8601 time, got {text!r}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"{what}: {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise RecordError(f"{what}: {text!r} has no time zone")
    return moment.astimezone(timezone.utc)


def fsrs_card_id(item_id: str) -> int:
    """A deterministic integer id for fsrs, which wants ints while content ids are strings."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"studyapp:{item_id}").int >> 65


def _require(data: Mapping[str, Any], key: str, kinds: type | tuple[type, ...], what: str) -> Any:
    if key not in data:
        raise RecordError(f"{what}.{key}: missing")
    value = data[key]
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise RecordError(f"{what}.{key}: expected {_kind_names(kinds)}, got {value!r}")
    if not isinstance(value, kinds):
        raise RecordError(f"{what}.{key}: expected {_kind_names(kinds)}, got {value!r}")
    return value


def _kind_names(kinds: type | tuple[type, ...]) -> str:
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    return " or ".join("null" if kind is type(None) else kind.__name__ for kind in kinds)


def _require_mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise RecordError(f"{what}: expected an object, got {type(data).__name__}")
    return data


def _option_keys(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(key, str) and key for key in value):
        raise RecordError(f"{what}: expected a list of option keys, got {value!r}")
    return tuple(sorted(set(value)))


def _non_negative_ms(value: Any, what: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RecordError(f"{what}: expected a whole number of milliseconds ≥ 0, got {value!r}")
    return value


@dataclass(frozen=True)
class Answer:
    """One submitted answer to a question, as recorded at submit time."""

    answer_id: str
    question_id: str
    chosen: tuple[str, ...]
    correct: bool
    confidence: str | None
    time_ms: int
    answered_at: datetime
    content_hash: str
    mode: str

    def __post_init__(self) -> None:
        check_answer_fields(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer_id": self.answer_id,
            "question_id": self.question_id,
            "chosen": list(self.chosen),
            "correct": self.correct,
            "confidence": self.confidence,
            "time_ms": self.time_ms,
            "answered_at": to_utc_text(self.answered_at),
            "content_hash": self.content_hash,
            "mode": self.mode,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "answer") -> Answer:
        data = _require_mapping(data, what)
        return cls(
            answer_id=_require(data, "answer_id", str, what),
            question_id=_require(data, "question_id", str, what),
            chosen=_option_keys(_require(data, "chosen", list, what), f"{what}.chosen"),
            correct=_require(data, "correct", bool, what),
            confidence=_require(data, "confidence", (str, type(None)), what),
            time_ms=_non_negative_ms(_require(data, "time_ms", int, what), f"{what}.time_ms"),
            answered_at=parse_utc(_require(data, "answered_at", str, what), f"{what}.answered_at"),
            content_hash=_require(data, "content_hash", str, what),
            mode=_require(data, "mode", str, what),
        )


def check_answer_fields(answer: Answer) -> None:
    if not answer.answer_id or not answer.question_id:
        raise RecordError("answer: answer_id and question_id must not be empty")
    if not answer.chosen:
        raise RecordError(f"answer to {answer.question_id}: no option chosen")
    if answer.confidence is not None and answer.confidence not in CONFIDENCES:
        raise RecordError(
            f"answer to {answer.question_id}: confidence {answer.confidence!r} is not one of "
            f"{', '.join(CONFIDENCES)}"
        )
    if answer.mode not in MODES:
        raise RecordError(
            f"answer to {answer.question_id}: mode {answer.mode!r} is not one of {', '.join(MODES)}"
        )
    _non_negative_ms(answer.time_ms, f"answer to {answer.question_id}: time_ms")
    if answer.answered_at.tzinfo is None:
        raise RecordError(f"answer to {answer.question_id}: answered_at has no time zone; studyapp stores UTC times")


@dataclass(frozen=True)
class CardRecord:
    """The FSRS state of one schedulable item (a question or a concept card)."""

    item_id: str
    kind: str
    card: Card

    def __post_init__(self) -> None:
        if self.kind not in ITEM_KINDS:
            raise RecordError(f"card {self.item_id}: kind {self.kind!r} is not one of {', '.join(ITEM_KINDS)}")

    @classmethod
    def new(cls, item_id: str, kind: str, due: datetime) -> CardRecord:
        """An item never reviewed, due at `due` (fsrs calls this the first learning step)."""
        return cls(item_id, kind, Card(card_id=fsrs_card_id(item_id), due=due))

    @property
    def reviewed(self) -> bool:
        return self.card.last_review is not None

    def to_dict(self) -> dict[str, Any]:
        card = self.card
        return {
            "item_id": self.item_id,
            "kind": self.kind,
            "state": int(card.state),
            "step": card.step,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "due": to_utc_text(card.due),
            "last_review": to_utc_text(card.last_review) if card.last_review else None,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "card") -> CardRecord:
        data = _require_mapping(data, what)
        item_id = _require(data, "item_id", str, what)
        state = _require(data, "state", int, what)
        if state not in {member.value for member in State}:
            raise RecordError(f"{what}.state: {state!r} is not an fsrs state (1, 2 or 3)")
        step = _require(data, "step", (int, type(None)), what)
        stability = _require(data, "stability", (int, float, type(None)), what)
        difficulty = _require(data, "difficulty", (int, float, type(None)), what)
        last_review = _require(data, "last_review", (str, type(None)), what)
        if (state == State.Review) != (step is None) or (step is not None and step < 0):
            raise RecordError(f"{what}.step: {step!r} does not fit state {State(state).name}")
        if (stability is None) != (difficulty is None) or (last_review is not None and stability is None):
            raise RecordError(f"{what}: a reviewed card needs both stability and difficulty")
        card = Card(
            card_id=fsrs_card_id(item_id),
            state=State(state),
            step=step,
            stability=None if stability is None else float(stability),
            difficulty=None if difficulty is None else float(difficulty),
            due=parse_utc(_require(data, "due", str, what), f"{what}.due"),
            last_review=None if last_review is None else parse_utc(last_review, f"{what}.last_review"),
        )
        return cls(item_id=item_id, kind=_require(data, "kind", str, what), card=card)


@dataclass(frozen=True)
class ReviewRecord:
    """One grade given to an item: the FSRS review log, keyed by item id."""

    log_id: str
    item_id: str
    kind: str
    rating: Rating
    reviewed_at: datetime
    duration_ms: int | None

    def __post_init__(self) -> None:
        if self.kind not in ITEM_KINDS:
            raise RecordError(f"review of {self.item_id}: kind {self.kind!r} is not one of {', '.join(ITEM_KINDS)}")
        to_utc_text(self.reviewed_at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "log_id": self.log_id,
            "item_id": self.item_id,
            "kind": self.kind,
            "rating": int(self.rating),
            "reviewed_at": to_utc_text(self.reviewed_at),
            "duration_ms": self.duration_ms,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "review") -> ReviewRecord:
        data = _require_mapping(data, what)
        rating = _require(data, "rating", int, what)
        if rating not in {member.value for member in Rating}:
            raise RecordError(f"{what}.rating: {rating!r} is not 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
        return cls(
            log_id=_require(data, "log_id", str, what),
            item_id=_require(data, "item_id", str, what),
            kind=_require(data, "kind", str, what),
            rating=Rating(rating),
            reviewed_at=parse_utc(_require(data, "reviewed_at", str, what), f"{what}.reviewed_at"),
            duration_ms=_non_negative_ms(data.get("duration_ms"), f"{what}.duration_ms", optional=True),
        )


@dataclass(frozen=True)
class ExamItem:
    """One question of a mock exam: what was chosen (nothing if time ran out) and how long it took."""

    question_id: str
    chosen: tuple[str, ...]
    correct: bool
    time_ms: int
    answer_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "chosen": list(self.chosen),
            "correct": self.correct,
            "time_ms": self.time_ms,
            "answer_id": self.answer_id,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "exam item") -> ExamItem:
        data = _require_mapping(data, what)
        return cls(
            question_id=_require(data, "question_id", str, what),
            chosen=_option_keys(_require(data, "chosen", list, what), f"{what}.chosen"),
            correct=_require(data, "correct", bool, what),
            time_ms=_non_negative_ms(_require(data, "time_ms", int, what), f"{what}.time_ms"),
            answer_id=_require(data, "answer_id", (str, type(None)), what),
        )


@dataclass(frozen=True)
class ExamResult:
    """A finished mock exam: its questions in the order asked."""

    exam_id: str
    started_at: datetime
    finished_at: datetime
    time_limit_s: int | None
    items: tuple[ExamItem, ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise RecordError(f"exam {self.exam_id}: no questions")
        to_utc_text(self.started_at)
        to_utc_text(self.finished_at)

    @property
    def correct_count(self) -> int:
        return sum(item.correct for item in self.items)

    @property
    def score(self) -> float:
        """The fraction of questions answered right (unanswered ones count as wrong)."""
        return self.correct_count / len(self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "exam_id": self.exam_id,
            "started_at": to_utc_text(self.started_at),
            "finished_at": to_utc_text(self.finished_at),
            "time_limit_s": self.time_limit_s,
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "exam") -> ExamResult:
        data = _require_mapping(data, what)
        items = _require(data, "items", list, what)
        time_limit = _require(data, "time_limit_s", (int, type(None)), what)
        if time_limit is not None and time_limit <= 0:
            raise RecordError(f"{what}.time_limit_s: expected a positive number of seconds, got {time_limit!r}")
        return cls(
            exam_id=_require(data, "exam_id", str, what),
            started_at=parse_utc(_require(data, "started_at", str, what), f"{what}.started_at"),
            finished_at=parse_utc(_require(data, "finished_at", str, what), f"{what}.finished_at"),
            time_limit_s=time_limit,
            items=tuple(ExamItem.from_dict(item, f"{what}.items[{index}]") for index, item in enumerate(items)),
        )


DEFAULT_DAILY_NEW_LIMIT = 20


@dataclass(frozen=True)
class Settings:
    """The learner's preferences, kept in the store so every instance of the app agrees."""

    language: str = "en"
    theme: str | None = None
    daily_new_limit: int = DEFAULT_DAILY_NEW_LIMIT
    exam_date: date | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise RecordError(f"settings.language: {self.language!r} is not one of {', '.join(LANGUAGES)}")
        if isinstance(self.daily_new_limit, bool) or not isinstance(self.daily_new_limit, int) or self.daily_new_limit < 0:
            raise RecordError(f"settings.daily_new_limit: expected a whole number ≥ 0, got {self.daily_new_limit!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            **dict(self.extra),
            "language": self.language,
            "theme": self.theme,
            "daily_new_limit": self.daily_new_limit,
            "exam_date": self.exam_date.isoformat() if self.exam_date else None,
        }

    @classmethod
    def from_dict(cls, data: Any, what: str = "settings") -> Settings:
        """Known keys are checked; unknown keys are kept in `extra` so a newer app's settings survive."""
        data = dict(_require_mapping(data, what))
        defaults = cls()
        exam_text = data.pop("exam_date", None)
        if exam_text is None:
            exam_date = None
        else:
            try:
                exam_date = date.fromisoformat(exam_text) if isinstance(exam_text, str) else None
            except ValueError:
                exam_date = None
            if exam_date is None:
                raise RecordError(f"{what}.exam_date: {exam_text!r} is not a date like 2025-06-14")
        theme = data.pop("theme", defaults.theme)
        if theme is not None and not isinstance(theme, str):
            raise RecordError(f"{what}.theme: expected a theme name, got {theme!r}")
        return cls(
            language=data.pop("language", defaults.language),
            theme=theme,
            daily_new_limit=data.pop("daily_new_limit", defaults.daily_new_limit),
            exam_date=exam_date,
            extra=data,
        )
