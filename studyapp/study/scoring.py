"""Scoring a submitted answer and turning it into an FSRS grade.

A `multi` answer is right only when the chosen set equals the correct set; the result also says
which correct options were missed and which wrong ones were chosen, so feedback can be specific.

The automatic grade follows the learner's own signals:
    wrong                                   -> Again
    right, but unsure/guessing, or slow     -> Hard
    right, sure and quick                   -> Easy
    right otherwise                         -> Good
"Slow" and "quick" are relative to an expected time for the question, estimated from the amount
of text to read (see `GradeThresholds`), because a long scenario question legitimately takes
longer than a one-line recall question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fsrs import Rating

from studyapp.study.records import CONFIDENCES

QUESTION_KINDS = ("single", "multi")


class ScoringError(ValueError):
    """The submission cannot be scored as given (nothing chosen, unknown option, …)."""


@dataclass(frozen=True)
class ScoredAnswer:
    """The verdict on one submission, with what was missed and what was wrongly chosen."""

    chosen: tuple[str, ...]
    correct_keys: tuple[str, ...]
    correct: bool
    missed: tuple[str, ...]
    wrongly_chosen: tuple[str, ...]

    @property
    def hits(self) -> tuple[str, ...]:
        """Correct options that were chosen."""
        return tuple(key for key in self.chosen if key in self.correct_keys)

    def to_dict(self) -> dict[str, object]:
        return {
            "chosen": list(self.chosen),
            "correct_keys": list(self.correct_keys),
            "correct": self.correct,
            "missed": list(self.missed),
            "wrongly_chosen": list(self.wrongly_chosen),
        }


def score_submission(
    chosen: Iterable[str],
    correct_keys: Iterable[str],
    *,
    kind: str = "single",
    option_keys: Iterable[str] | None = None,
) -> ScoredAnswer:
    """Score `chosen` against `correct_keys` for a `single` or `multi` question.

    `option_keys`, when given, are all the question's keys; choosing a key outside them is an error.
    """
    if kind not in QUESTION_KINDS:
        raise ScoringError(f"question kind {kind!r} is not one of {', '.join(QUESTION_KINDS)}")
    chosen_set = set(chosen)
    correct_set = set(correct_keys)
    if not correct_set:
        raise ScoringError("the question has no correct option")
    if not chosen_set:
        raise ScoringError("no option was chosen")
    if kind == "single" and len(chosen_set) > 1:
        raise ScoringError(f"a single-answer question takes one option, got {', '.join(sorted(chosen_set))}")
    if option_keys is not None:
        known = set(option_keys)
        unknown = (chosen_set | correct_set) - known
        if unknown:
            raise ScoringError(f"unknown option {', '.join(sorted(unknown))} (options are {', '.join(sorted(known))})")
    return ScoredAnswer(
        chosen=tuple(sorted(chosen_set)),
        correct_keys=tuple(sorted(correct_set)),
        correct=chosen_set == correct_set,
        missed=tuple(sorted(correct_set - chosen_set)),
        wrongly_chosen=tuple(sorted(chosen_set - correct_set)),
    )


@dataclass(frozen=True)
class GradeThresholds:
    """When a right answer counts as quick or slow.

    The expected time is `base_ms + ms_per_char * characters`, where `characters` is the text the
    learner reads (stem and options). The defaults assume about 15 characters read per second
    (between typical English and Korean reading speeds, both measured in characters) plus five
    seconds to weigh the options. An answer at most `quick_factor` × expected is quick; more
    than `slow_factor` × expected is slow.
    """

    base_ms: float = 5_000.0
    ms_per_char: float = 65.0
    quick_factor: float = 1.0
    slow_factor: float = 2.0

    def __post_init__(self) -> None:
        if self.base_ms < 0 or self.ms_per_char < 0:
            raise ValueError("base_ms and ms_per_char must be ≥ 0")
        if not 0 < self.quick_factor <= self.slow_factor:
            raise ValueError("need 0 < quick_factor ≤ slow_factor")

    def expected_ms(self, characters: int) -> float:
        return self.base_ms + self.ms_per_char * max(0, characters)


DEFAULT_THRESHOLDS = GradeThresholds()


def auto_grade(
    correct: bool,
    confidence: str | None,
    time_ms: int | None,
    expected_ms: float,
    thresholds: GradeThresholds = DEFAULT_THRESHOLDS,
) -> Rating:
    """The FSRS rating an answer earns; `time_ms` None means the time is unknown (neither quick nor slow)."""
    if confidence is not None and confidence not in CONFIDENCES:
        raise ScoringError(f"confidence {confidence!r} is not one of {', '.join(CONFIDENCES)}")
    if not correct:
        return Rating.Again
    slow = time_ms is not None and time_ms > thresholds.slow_factor * expected_ms
    quick = time_ms is not None and time_ms <= thresholds.quick_factor * expected_ms
    if confidence in ("unsure", "guessing") or slow:
        return Rating.Hard
    if confidence == "sure" and quick:
        return Rating.Easy
    return Rating.Good
