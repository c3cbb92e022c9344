"""The learner's progress in one SQLite file (`progress.db` in the data directory).

Design choices, each for a failure the learner must never suffer:
- Every write is its own `BEGIN IMMEDIATE` transaction committed before the call returns, with
  WAL journaling and `synchronous=FULL`, so killing the process loses at most the answer that
  was not yet submitted.
- `busy_timeout` makes a second instance of the app wait for the write lock instead of failing;
  read-modify-write sequences (grading a card) run inside one immediate transaction, so two
  instances never overwrite each other's grade.
- The schema version lives in `PRAGMA user_version`; migrations are applied in order, each in
  the transaction that bumps the version. A file from a newer studyapp is refused, never touched.
- A file that is not a database or fails `PRAGMA quick_check` is moved aside (with its WAL) to
  `progress.db.corrupt-<UTC time>` and a fresh store is started; `store.recovered` says so.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fsrs import Card, Rating, State

from studyapp import paths
from studyapp.study.records import (
    Answer,
    CardRecord,
    ExamItem,
    ExamResult,
    ReviewRecord,
    Settings,
    fsrs_card_id,
    new_id,
    parse_utc,
    to_utc_text,
    utc_now,
)

PROGRESS_FILE = "progress.db"
BUSY_TIMEOUT_MS = 10_000
OPEN_RETRY_SECONDS = 0.02

# Ordered migrations: MIGRATIONS[n] takes a database from schema version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE answers (
            seq INTEGER PRIMARY KEY,
            answer_id TEXT NOT NULL UNIQUE,
            question_id TEXT NOT NULL,
            chosen TEXT NOT NULL,
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            confidence TEXT CHECK (confidence IN ('sure', 'unsure', 'guessing')),
            time_ms INTEGER NOT NULL CHECK (time_ms >= 0),
            answered_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('practice', 'review', 'exam', 'cram'))
        )""",
        "CREATE INDEX answers_by_question ON answers (question_id)",
        "CREATE INDEX answers_by_time ON answers (answered_at)",
        """CREATE TABLE cards (
            item_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('question', 'card')),
            state INTEGER NOT NULL,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due TEXT NOT NULL,
            last_review TEXT
        )""",
        "CREATE INDEX cards_by_due ON cards (due)",
        """CREATE TABLE review_logs (
            seq INTEGER PRIMARY KEY,
            log_id TEXT NOT NULL UNIQUE,
            item_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('question', 'card')),
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at TEXT NOT NULL,
            duration_ms INTEGER
        )""",
        "CREATE INDEX review_logs_by_item ON review_logs (item_id, reviewed_at)",
        """CREATE TABLE exams (
            exam_id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            time_limit_s INTEGER
        )""",
        """CREATE TABLE exam_items (
            exam_id TEXT NOT NULL REFERENCES exams (exam_id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            chosen TEXT NOT NULL,
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            time_ms INTEGER NOT NULL,
            answer_id TEXT,
            PRIMARY KEY (exam_id, position)
        )""",
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


class StoreError(Exception):
    """The progress store cannot be opened or written; the message says why and where."""


class StoreVersionError(StoreError):
    """The database was written by a newer studyapp; it is left untouched."""


class _Damaged(Exception):
    """Internal: the file is not a sound database (carries SQLite's reason)."""


@dataclass(frozen=True)
class StoreRecovered:
    """Notice for the learner: a damaged progress file was moved aside and a fresh one started."""

    original: Path
    moved_to: Path
    reason: str

    @property
    def message(self) -> str:
        return (
            f"The progress file {self.original} was damaged ({self.reason}). "
            f"It was moved to {self.moved_to} and a fresh one was started."
        )


def open_store(data_dir: Path | str | None = None, *, now: Callable[[], datetime] = utc_now) -> ProgressStore:
    """The store at `<data dir>/progress.db`, creating the directory when needed."""
    directory = Path(data_dir) if data_dir is not None else paths.data_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the data directory {directory}: {error.strerror or error}") from None
    return ProgressStore(directory / PROGRESS_FILE, now=now)


class ProgressStore:
    """All reads and writes of the learner's history. Safe to share between threads."""

    def __init__(self, path: Path | str, *, now: Callable[[], datetime] = utc_now) -> None:
        self.path = Path(path)
        self.now = now
        self.recovered: StoreRecovered | None = None
        self._lock = threading.RLock()
        self._depth = 0
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a progress file")
        try:
            self._check_existing()
            self._conn = self._open()
        except _Damaged as damage:
            self.recovered = self._move_aside(str(damage))
            try:
                self._conn = self._open()
            except _Damaged as second:
                raise StoreError(f"cannot start a fresh progress file at {self.path}: {second}") from None

    # -- opening ---------------------------------------------------------------------------

    def _check_existing(self) -> None:
        """Check an existing file through a read-only connection, which (unlike a writer)
        never deletes the WAL on close: a damaged file is moved aside with its WAL intact."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with _translated_errors(self.path):
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                check = conn.execute("PRAGMA quick_check").fetchall()
                if check != [("ok",)]:
                    problems = [line for row in check for line in str(row[0]).splitlines() if not line.startswith("***")]
                    raise _Damaged("integrity check failed: " + "; ".join(problems[:2]))
                self._check_version(conn.execute("PRAGMA user_version").fetchone()[0])
            finally:
                conn.close()

    def _open(self) -> sqlite3.Connection:
        """Connect, switch to WAL and migrate, retrying while another instance holds the file.

        Two instances starting on a new file race to switch it to WAL, and SQLite answers the
        loser "database is locked" at once, without waiting on the busy timeout; so the whole
        opening is retried until that timeout has passed.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        with _translated_errors(self.path):
            while True:
                try:
                    return self._connect()
                except sqlite3.OperationalError as error:
                    if getattr(error, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                        raise
                    time.sleep(OPEN_RETRY_SECONDS)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreVersionError(
                f"{self.path} was written by a newer studyapp (schema {version}; this version "
                f"reads up to {SCHEMA_VERSION}). Upgrade studyapp to use it."
            )

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            self._check_version(version)
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _move_aside(self, reason: str) -> StoreRecovered:
        stamp = self.now().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
        try:
            self.path.rename(target)
            # A stale WAL next to a fresh file would be replayed into it: move it with the file.
            for suffix in ("-wal", "-shm"):
                companion = self.path.with_name(self.path.name + suffix)
                if companion.exists():
                    companion.rename(target.with_name(target.name + suffix))
        except OSError as error:
            raise StoreError(f"{self.path} is damaged ({reason}) and could not be moved aside: {error}") from None
        return StoreRecovered(original=self.path, moved_to=target, reason=reason)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[ProgressStore]:
        """One write transaction holding the database's write lock; nested calls join it."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self._execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
                self._execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[ProgressStore]:
        """Several reads that see one consistent state of the file (reads only: write with `transaction`)."""
        with self._lock:
            if self._depth:
                yield self
                return
            self._execute("BEGIN")
            self._depth = 1
            try:
                yield self
            finally:
                self._depth = 0
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")

    def _execute(self, sql: str, parameters: Iterable[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, tuple(parameters))
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.path}: {error}") from None

    def _executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        try:
            self._conn.executemany(sql, rows)
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.path}: {error}") from None

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._execute(sql, parameters).fetchall()

    # -- answers -----------------------------------------------------------------------------

    def record_answer(
        self,
        question_id: str,
        chosen: Iterable[str],
        correct: bool,
        *,
        time_ms: int,
        content_hash: str,
        confidence: str | None = None,
        mode: str = "practice",
        answered_at: datetime | None = None,
    ) -> Answer:
        """Record a submitted answer and commit it before returning."""
        answer = Answer(
            answer_id=new_id(),
            question_id=question_id,
            chosen=tuple(sorted(set(chosen))),
            correct=bool(correct),
            confidence=confidence,
            time_ms=time_ms,
            answered_at=answered_at or self.now(),
            content_hash=content_hash,
            mode=mode,
        )
        self.add_answer(answer)
        return answer

    def add_answer(self, answer: Answer) -> bool:
        """Insert an answer unless one with its id is already there; True when it was added."""
        with self.transaction():
            cursor = self._execute(
                "INSERT OR IGNORE INTO answers (answer_id, question_id, chosen, correct, confidence,"
                " time_ms, answered_at, content_hash, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    answer.answer_id,
                    answer.question_id,
                    json.dumps(list(answer.chosen)),
                    int(answer.correct),
                    answer.confidence,
                    answer.time_ms,
                    to_utc_text(answer.answered_at),
                    answer.content_hash,
                    answer.mode,
                ),
            )
            return cursor.rowcount == 1

    def answers(self, question_ids: Iterable[str] | None = None) -> list[Answer]:
        """Answers in the order they were given (optionally only for some questions)."""
        sql = (
            "SELECT answer_id, question_id, chosen, correct, confidence, time_ms, answered_at,"
            " content_hash, mode FROM answers"
        )
        if question_ids is None:
            rows = self._query(sql + " ORDER BY answered_at, answer_id")
        else:
            rows = self._query(
                sql + " WHERE question_id IN (SELECT value FROM json_each(?)) ORDER BY answered_at, answer_id",
                (json.dumps(list(question_ids)),),
            )
        return [
            Answer(
                answer_id=row[0],
                question_id=row[1],
                chosen=_option_keys(row[2]),
                correct=bool(row[3]),
                confidence=row[4],
                time_ms=row[5],
                answered_at=parse_utc(row[6]),
                content_hash=row[7],
                mode=row[8],
            )
            for row in rows
        ]

    def answer_count(self) -> int:
        return self._query("SELECT COUNT(*) FROM answers")[0][0]

    # -- FSRS card state and review logs -----------------------------------------------------

    def card(self, item_id: str) -> CardRecord | None:
        rows = self._query(_CARD_SELECT + " WHERE item_id = ?", (item_id,))
        return _card_from_row(rows[0]) if rows else None

    def cards(self) -> dict[str, CardRecord]:
        return {row[0]: _card_from_row(row) for row in self._query(_CARD_SELECT + " ORDER BY item_id")}

    def put_card(self, record: CardRecord) -> None:
        card = record.card
        with self.transaction():
            self._execute(
                "INSERT INTO cards (item_id, kind, state, step, stability, difficulty, due, last_review)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind,"
                " state = excluded.state, step = excluded.step, stability = excluded.stability,"
                " difficulty = excluded.difficulty, due = excluded.due, last_review = excluded.last_review",
                (
                    record.item_id,
                    record.kind,
                    int(card.state),
                    card.step,
                    card.stability,
                    card.difficulty,
                    to_utc_text(card.due),
                    to_utc_text(card.last_review) if card.last_review else None,
                ),
            )

    def delete_card(self, item_id: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM cards WHERE item_id = ?", (item_id,))

    def add_review(self, review: ReviewRecord) -> bool:
        """Insert a review log unless its id is already there; True when it was added."""
        with self.transaction():
            cursor = self._execute(
                "INSERT OR IGNORE INTO review_logs (log_id, item_id, kind, rating, reviewed_at, duration_ms)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    review.log_id,
                    review.item_id,
                    review.kind,
                    int(review.rating),
                    to_utc_text(review.reviewed_at),
                    review.duration_ms,
                ),
            )
            return cursor.rowcount == 1

    def delete_review(self, log_id: str) -> None:
        with self.transaction():
            self._execute("DELETE FROM review_logs WHERE log_id = ?", (log_id,))

    def reviews(self, item_id: str | None = None) -> list[ReviewRecord]:
        sql = "SELECT log_id, item_id, kind, rating, reviewed_at, duration_ms FROM review_logs"
        rows = (
            self._query(sql + " WHERE item_id = ? ORDER BY reviewed_at, log_id", (item_id,))
            if item_id is not None
            else self._query(sql + " ORDER BY reviewed_at, log_id")
        )
        return [
            ReviewRecord(
                log_id=row[0],
                item_id=row[1],
                kind=row[2],
                rating=Rating(row[3]),
                reviewed_at=parse_utc(row[4]),
                duration_ms=row[5],
            )
            for row in rows
        ]

    def items_first_reviewed_since(self, moment: datetime) -> set[str]:
        """Items whose very first review happened at or after `moment` (for the daily new limit)."""
        rows = self._query(
            "SELECT item_id FROM review_logs GROUP BY item_id HAVING MIN(reviewed_at) >= ?",
            (to_utc_text(moment),),
        )
        return {row[0] for row in rows}

    # -- mock exams --------------------------------------------------------------------------

    def record_exam(self, result: ExamResult) -> bool:
        """Save a finished exam with one row per question; True unless it was already saved."""
        with self.transaction():
            cursor = self._execute(
                "INSERT OR IGNORE INTO exams (exam_id, started_at, finished_at, time_limit_s) VALUES (?, ?, ?, ?)",
                (result.exam_id, to_utc_text(result.started_at), to_utc_text(result.finished_at), result.time_limit_s),
            )
            if cursor.rowcount != 1:
                return False
            self._executemany(
                "INSERT INTO exam_items (exam_id, position, question_id, chosen, correct, time_ms, answer_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        result.exam_id,
                        position,
                        item.question_id,
                        json.dumps(list(item.chosen)),
                        int(item.correct),
                        item.time_ms,
                        item.answer_id,
                    )
                    for position, item in enumerate(result.items)
                ],
            )
            return True

    def exams(self) -> list[ExamResult]:
        """Every saved exam, oldest first."""
        with self.snapshot():
            exams = self._query("SELECT exam_id, started_at, finished_at, time_limit_s FROM exams ORDER BY started_at, exam_id")
            items: dict[str, list[ExamItem]] = {}
            for exam_id, question_id, chosen, correct, time_ms, answer_id in self._query(
                "SELECT exam_id, question_id, chosen, correct, time_ms, answer_id FROM exam_items"
                " ORDER BY exam_id, position"
            ):
                items.setdefault(exam_id, []).append(
                    ExamItem(question_id, _option_keys(chosen), bool(correct), time_ms, answer_id)
                )
        return [
            ExamResult(exam_id, parse_utc(started), parse_utc(finished), limit, tuple(items.get(exam_id, ())))
            for exam_id, started, finished, limit in exams
        ]

    # -- settings ----------------------------------------------------------------------------

    def settings(self) -> Settings:
        stored = {key: json.loads(value) for key, value in self._query("SELECT key, value FROM settings")}
        return Settings.from_dict(stored)

    def update_settings(self, **changes: Any) -> Settings:
        """Change some settings (e.g. `language="ko"`), checked; only those keys are written."""
        with self.transaction():
            updated = Settings.from_dict({**self.settings().to_dict(), **_settings_text(changes)})
            merged = updated.to_dict()
            self._write_settings({key: merged[key] for key in changes})
        return updated

    def _write_settings(self, values: dict[str, Any]) -> None:
        with self.transaction():
            self._executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [(key, json.dumps(value, ensure_ascii=False)) for key, value in values.items()],
            )

    def stored_setting_keys(self) -> set[str]:
        return {row[0] for row in self._query("SELECT key FROM settings")}


@contextmanager
def _translated_errors(path: Path) -> Iterator[None]:
    """SQLite's corruption codes become `_Damaged`; any other failure a `StoreError` naming the file."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in _CORRUPT_CODES:
            raise _Damaged(str(error)) from None
        raise StoreError(f"cannot use {path}: {error}") from None


def _settings_text(changes: dict[str, Any]) -> dict[str, Any]:
    exam_date = changes.get("exam_date")
    if exam_date is not None and not isinstance(exam_date, str):
        changes = {**changes, "exam_date": exam_date.isoformat()}
    return changes


@functools.lru_cache(maxsize=1024)
def _option_keys(text: str) -> tuple[str, ...]:
    """Decode stored option keys; the same few lists recur, so decoding each once saves most of the time."""
    return tuple(json.loads(text))


_CARD_SELECT = "SELECT item_id, kind, state, step, stability, difficulty, due, last_review FROM cards"


def _card_from_row(row: tuple[Any, ...]) -> CardRecord:
    item_id, kind, state, step, stability, difficulty, due, last_review = row
    card = Card(
        card_id=fsrs_card_id(item_id),
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=parse_utc(due),
        last_review=parse_utc(last_review) if last_review else None,
    )
    return CardRecord(item_id=item_id, kind=kind, card=card)
