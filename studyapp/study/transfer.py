"""Moving a learner's whole history between machines as one versioned JSON document.

Importing merges instead of replacing, so it can be repeated safely:
- answers, review logs and exams carry ids assigned when they were recorded; one already present
  is skipped, so importing the same file twice changes nothing;
- an item's FSRS state is taken from the file only when its last review is later than the local
  one (the latest review wins);
- settings from the file fill in only what this machine has never set.
The whole import is one transaction: a file with any bad record changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studyapp.study.records import (
    Answer,
    CardRecord,
    ExamResult,
    RecordError,
    ReviewRecord,
    Settings,
    to_utc_text,
    utc_now,
)
from studyapp.study.store import ProgressStore

FORMAT_NAME = "studyapp-progress"
FORMAT_VERSION = 1


class TransferError(ValueError):
    """The document is not a studyapp progress export this version can read."""


@dataclass(frozen=True)
class ImportReport:
    answers_added: int
    answers_skipped: int
    reviews_added: int
    cards_updated: int
    exams_added: int
    settings_added: int

    @property
    def changed(self) -> bool:
        return any((self.answers_added, self.reviews_added, self.cards_updated, self.exams_added, self.settings_added))

    def describe(self) -> str:
        return (
            f"{self.answers_added} answers added ({self.answers_skipped} already present), "
            f"{self.reviews_added} reviews added, {self.cards_updated} card states updated, "
            f"{self.exams_added} exams added, {self.settings_added} settings added"
        )


def export_progress(store: ProgressStore, *, now: Callable[[], datetime] = utc_now) -> dict[str, Any]:
    """The learner's whole history as a JSON-ready document."""
    with store.snapshot():
        stored_keys = store.stored_setting_keys()
        settings = {key: value for key, value in store.settings().to_dict().items() if key in stored_keys}
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "exported_at": to_utc_text(now()),
            "answers": [answer.to_dict() for answer in store.answers()],
            "reviews": [review.to_dict() for review in store.reviews()],
            "cards": [record.to_dict() for record in store.cards().values()],
            "exams": [exam.to_dict() for exam in store.exams()],
            "settings": settings,
        }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def loads(text: str, source: str = "<input>") -> dict[str, Any]:
    """Parse an export, with the line and column of a JSON error."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TransferError(f"{source}:{error.lineno}:{error.colno}: not valid JSON ({error.msg})") from None
    if not isinstance(document, dict):
        raise TransferError(f"{source}: expected a JSON object at the top, got {type(document).__name__}")
    return document


@dataclass(frozen=True)
class _Parsed:
    answers: list[Answer]
    reviews: list[ReviewRecord]
    cards: list[CardRecord]
    exams: list[ExamResult]
    settings: dict[str, Any]


def _parse(document: dict[str, Any], source: str) -> _Parsed:
    if document.get("format") != FORMAT_NAME:
        raise TransferError(f"{source}: not a studyapp progress export (format is {document.get('format')!r})")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise TransferError(
            f"{source}: format version {version!r} is not supported (this studyapp reads version {FORMAT_VERSION})"
        )

    def section(name: str) -> list[Any]:
        value = document.get(name, [])
        if not isinstance(value, list):
            raise TransferError(f"{source}: {name}: expected a list, got {type(value).__name__}")
        return value

    settings = document.get("settings", {})
    try:
        parsed = _Parsed(
            answers=[Answer.from_dict(item, f"answers[{index}]") for index, item in enumerate(section("answers"))],
            reviews=[ReviewRecord.from_dict(item, f"reviews[{index}]") for index, item in enumerate(section("reviews"))],
            cards=[CardRecord.from_dict(item, f"cards[{index}]") for index, item in enumerate(section("cards"))],
            exams=[ExamResult.from_dict(item, f"exams[{index}]") for index, item in enumerate(section("exams"))],
            settings=dict(settings) if isinstance(settings, dict) else settings,
        )
        if not isinstance(parsed.settings, dict):
            raise RecordError(f"settings: expected an object, got {type(settings).__name__}")
        Settings.from_dict(parsed.settings)
    except RecordError as error:
        raise TransferError(f"{source}: {error}") from None
    return parsed


def import_progress(store: ProgressStore, document: dict[str, Any], source: str = "<input>") -> ImportReport:
    """Merge an export into the store (see the module notes); all or nothing."""
    parsed = _parse(document, source)
    with store.transaction():
        answers_added = sum(store.add_answer(answer) for answer in parsed.answers)
        reviews_added = sum(store.add_review(review) for review in parsed.reviews)
        exams_added = sum(store.record_exam(exam) for exam in parsed.exams)
        cards_updated = 0
        for incoming in parsed.cards:
            if _is_newer(incoming, store.card(incoming.item_id)):
                store.put_card(incoming)
                cards_updated += 1
        local_keys = store.stored_setting_keys()
        new_settings = {key: value for key, value in parsed.settings.items() if key not in local_keys}
        if new_settings:
            store.update_settings(**new_settings)
    return ImportReport(
        answers_added=answers_added,
        answers_skipped=len(parsed.answers) - answers_added,
        reviews_added=reviews_added,
        cards_updated=cards_updated,
        exams_added=exams_added,
        settings_added=len(new_settings),
    )


def _is_newer(incoming: CardRecord, local: CardRecord | None) -> bool:
    if local is None:
        return True
    if incoming.card.last_review is None:
        return False
    return local.card.last_review is None or incoming.card.last_review > local.card.last_review
