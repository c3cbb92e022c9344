"""Nothing submitted is lost: concurrent writers and a process killed mid-session."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from fsrs import Card, Rating, Scheduler

from studyapp.study import Reviewer, open_store
from studyapp.study.records import fsrs_card_id, parse_utc

# Records answers and grades them in a loop; prints each answer id only after it is committed.
ANSWER_LOOP = textwrap.dedent(
    """
    import sys
    from studyapp.study import Reviewer, open_store, score_submission

    store = open_store(sys.argv[1])
    reviewer = Reviewer(store, enable_fuzzing=False)
    limit = int(sys.argv[2])
    index = 0
    while limit == 0 or index < limit:
        scored = score_submission(["a"], ["a"] if index % 3 else ["b"])
        submission = reviewer.submit(
            f"q-{index % 5}", scored, time_ms=1000 + index, content_hash="hash", expected_ms=8000
        )
        print(submission.answer.answer_id, flush=True)
        index += 1
    """
)


def start_answer_loop(data_dir: Path, limit: int = 0) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.Popen(
        [sys.executable, "-c", ANSWER_LOOP, str(data_dir), str(limit)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_every_answer_reported_before_sigkill_is_in_the_database(tmp_path):
    process = start_answer_loop(tmp_path)
    reported = []
    deadline = time.monotonic() + 30
    while len(reported) < 40 and time.monotonic() < deadline:
        reported.append(process.stdout.readline().strip())
    os.kill(process.pid, signal.SIGKILL)
    remaining, _ = process.communicate()
    reported += [line.strip() for line in remaining.splitlines() if line.strip()]
    assert process.returncode == -signal.SIGKILL
    assert len(reported) >= 40

    with open_store(tmp_path) as store:
        assert store.recovered is None
        stored = {answer.answer_id for answer in store.answers()}
    assert set(reported) <= stored
    assert len(stored) - len(reported) <= 1  # at most the answer in flight when killed


def replayed(store, item_id: str) -> Card:
    """The card one writer would have produced from every logged review, in the order written."""
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute(
            "SELECT rating, reviewed_at FROM review_logs WHERE item_id = ? ORDER BY seq", (item_id,)
        ).fetchall()
    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(card_id=fsrs_card_id(item_id), due=parse_utc(rows[0][1]))
    for rating, reviewed_at in rows:
        card, _ = scheduler.review_card(card, Rating(rating), review_datetime=parse_utc(reviewed_at))
    return card


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    per_process = 60
    processes = [start_answer_loop(tmp_path, per_process) for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    reported = [line for output in outputs for line in output.split()]
    assert len(reported) == 2 * per_process

    with open_store(tmp_path) as store:
        assert sorted(answer.answer_id for answer in store.answers()) == sorted(reported)
        assert len(store.reviews()) == 2 * per_process
        for index in range(5):
            item_id = f"q-{index}"
            assert store.card(item_id).card == replayed(store, item_id)


def test_threads_with_their_own_stores_lose_nothing(tmp_path):
    open_store(tmp_path).close()
    errors = []

    def work(worker: int) -> None:
        try:
            with open_store(tmp_path) as store:
                reviewer = Reviewer(store, enable_fuzzing=False)
                for index in range(40):
                    store.record_answer(f"q-{worker}", ["a"], True, time_ms=index, content_hash="h")
                    reviewer.grade("shared-card", "card", 1 + index % 4)
        except Exception as error:  # surfaced below with the worker's number
            errors.append((worker, error))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with open_store(tmp_path) as store:
        assert store.answer_count() == 160
        assert len(store.reviews("shared-card")) == 160
        assert store.card("shared-card").card == replayed(store, "shared-card")


def test_one_store_shared_between_threads(tmp_path):
    with open_store(tmp_path) as store:
        threads = [
            threading.Thread(
                target=lambda worker=worker: [
                    store.record_answer(f"q-{worker}", ["a"], False, time_ms=1, content_hash="h") for _ in range(50)
                ]
            )
            for worker in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert store.answer_count() == 200
