"""The app's link to the study layer: the progress store, answers, progress and settings.

The store may be unavailable (an unwritable data directory); the app still runs and says
so, and every method here degrades to "nothing recorded" rather than failing the screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from studyapp.content.models import Question
from studyapp.study import (
    Catalog,
    ProgressStore,
    Reviewer,
    ScoredAnswer,
    StoreError,
    Submission,
    open_store,
    progress,
    score_submission,
)
from studyapp.study.records import RecordError
from studyapp.study.scoring import DEFAULT_THRESHOLDS
from studyapp.study.stats import Progress


@dataclass(frozen=True)
class Notice:
    """Something the learner should read on Home: an i18n key and its values."""

    key: str
    values: dict[str, str]


def score(question: Question, chosen: Iterable[str]) -> ScoredAnswer:
    """The verdict on a submission (the study layer's rules for single and multi questions)."""
    return score_submission(
        chosen, question.correct_keys, kind=question.kind, option_keys=[option.key for option in question.options]
    )


def expected_ms(question: Question, lang: str) -> float:
    """How long reading and answering this question should take, for the quick/slow grading."""
    characters = len(question.stem.get(lang)) + sum(len(option.text.get(lang)) for option in question.options)
    return DEFAULT_THRESHOLDS.expected_ms(characters)


class StudySession:
    """Records answers and reads progress and settings; `store` is None when it cannot be opened."""

    def __init__(self, store: ProgressStore | None, notices: Sequence[Notice] = ()) -> None:
        self.store = store
        self.reviewer = Reviewer(store) if store is not None else None
        self.notices = list(notices)
        self.catalog = Catalog()

    @classmethod
    def open(cls, data_dir: Path | None = None) -> StudySession:
        """Open the learner's store; a damaged one is moved aside (and noticed), a failing one skipped."""
        try:
            store = open_store(data_dir)
        except StoreError as error:
            return cls(None, [Notice("home.store_unavailable", {"error": str(error)})])
        notices = []
        if store.recovered is not None:
            notices.append(Notice("home.store_recovered", {"path": str(store.recovered.moved_to)}))
        return cls(store, notices)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def bank_progress(self, questions: Iterable[Question]) -> Progress | None:
        if self.store is None:
            return None
        try:
            return progress(self.store, [question.id for question in questions])
        except StoreError:
            return None

    def submit(
        self, question: Question, scored: ScoredAnswer, *, lang: str, confidence: str | None, time_ms: int
    ) -> Submission:
        """Record the answer in its own transaction and grade the question (raises StoreError)."""
        if self.reviewer is None:
            raise StoreError(self.notices[0].values["error"] if self.notices else "no progress store")
        return self.reviewer.submit(
            question.id,
            scored,
            time_ms=time_ms,
            content_hash=question.content_hash,
            expected_ms=expected_ms(question, lang),
            confidence=confidence,
            linked_cards=self.catalog.cards_for_wrong_answer(question.id, scored.chosen),
        )

    def language(self) -> str | None:
        """The language saved in the settings, if any was saved."""
        if self.store is None:
            return None
        try:
            if "language" not in self.store.stored_setting_keys():
                return None
            return self.store.settings().language
        except (StoreError, RecordError):
            return None

    def theme(self) -> str | None:
        if self.store is None:
            return None
        try:
            return self.store.settings().theme
        except (StoreError, RecordError):
            return None

    def save_setting(self, **changes: str) -> None:
        """Keep a preference for next time; a store that cannot be written keeps nothing."""
        if self.store is None:
            return
        try:
            self.store.update_settings(**changes)
        except (StoreError, RecordError):
            pass
