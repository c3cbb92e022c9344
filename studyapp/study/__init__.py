"""The study layer: the progress store, scoring, FSRS review, statistics, export and import.

It works on content ids, content hashes and plain data handed in by the caller (a `Catalog`);
it never parses content and never draws anything.
"""

from studyapp.study.catalog import Catalog
from studyapp.study.exam import draw_exam_questions, score_by_topic
from studyapp.study.records import (
    Answer,
    CardRecord,
    ExamItem,
    ExamResult,
    RecordError,
    ReviewRecord,
    Settings,
)
from studyapp.study.review import QueueEntry, Reviewer, Submission
from studyapp.study.scoring import GradeThresholds, ScoredAnswer, ScoringError, auto_grade, score_submission
from studyapp.study.stats import Summary, build_summary, progress
from studyapp.study.store import ProgressStore, StoreError, StoreRecovered, StoreVersionError, open_store
from studyapp.study.transfer import ImportReport, TransferError, export_progress, import_progress

__all__ = [
    "Answer",
    "CardRecord",
    "Catalog",
    "ExamItem",
    "ExamResult",
    "GradeThresholds",
    "ImportReport",
    "ProgressStore",
    "QueueEntry",
    "RecordError",
    "ReviewRecord",
    "Reviewer",
    "ScoredAnswer",
    "ScoringError",
    "Settings",
    "StoreError",
    "StoreRecovered",
    "StoreVersionError",
    "Submission",
    "Summary",
    "TransferError",
    "auto_grade",
    "build_summary",
    "draw_exam_questions",
    "export_progress",
    "import_progress",
    "open_store",
    "progress",
    "score_by_topic",
    "score_submission",
]
