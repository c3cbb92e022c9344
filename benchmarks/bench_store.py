"""How fast the progress store is, each figure against a bare-SQLite baseline run in the same process.

    python benchmarks/bench_store.py [--answers 20000] [--items 500]

1. Recording one answer (its own durable transaction) vs a bare INSERT + COMMIT with the same
   journal and sync settings: the cost of validation and the store's bookkeeping.
2. Opening the store (integrity check, WAL, migrations) on the filled file vs a bare connect + query.
3. The dashboard summary over the whole history vs bare `SELECT *` of the tables it reads.
4. Export + import of the whole history vs `json.dumps`/`json.loads` of the same document.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Rating

from studyapp.study import Catalog, Reviewer, build_summary, export_progress, import_progress, open_store


def best_of(repeats: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def report(name: str, ours: float, baseline: float, unit: str = "ms") -> None:
    scale = 1000 if unit == "ms" else 1
    print(f"{name:<44} {ours * scale:9.2f} {unit}   baseline {baseline * scale:9.2f} {unit}   ratio {ours / baseline:5.2f}×")


def fill(directory: Path, answers: int, items: int) -> Catalog:
    rng = random.Random(7)
    question_ids = [f"q-{index}" for index in range(items)]
    topics = [f"topic-{index}" for index in range(14)]
    catalog = Catalog(
        kinds={item: "question" for item in question_ids},
        topics={item: (topics[index % len(topics)],) for index, item in enumerate(question_ids)},
        topic_names={topic: topic.title() for topic in topics},
        misconceptions={(item, "b"): f"misconception-{index % 9}" for index, item in enumerate(question_ids)},
    )
    clock = [datetime(2025, 1, 1, tzinfo=timezone.utc)]
    with open_store(directory, now=lambda: clock[0]) as store:
        reviewer = Reviewer(store, enable_fuzzing=False, now=lambda: clock[0], zone=timezone.utc)
        with store.transaction():  # one transaction: filling is setup, not what is measured
            for index in range(answers):
                clock[0] += timedelta(minutes=rng.randint(1, 30))
                question = rng.choice(question_ids)
                correct = rng.random() < 0.7
                store.record_answer(
                    question, ["a" if correct else "b"], correct, time_ms=rng.randint(2_000, 40_000),
                    content_hash="h", confidence=rng.choice(["sure", "unsure", "guessing", None]),
                )
                if index % 4 == 0:
                    reviewer.grade(question, "question", Rating.Good if correct else Rating.Again)
    return catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-store-"))
    print(f"history: {args.answers} answers over {args.items} questions; SQLite {sqlite3.sqlite_version}")

    # 1. one durable answer (best of three batches, to damp other load on the machine)
    with open_store(root / "writes") as store:

        def our_writes() -> None:
            for index in range(args.writes):
                store.record_answer(f"q-{index % 50}", ["a", "c"], True, time_ms=index, content_hash="h", confidence="sure")

        ours = best_of(3, our_writes) / args.writes
    bare = sqlite3.connect(root / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute("CREATE TABLE answers (question_id TEXT, chosen TEXT, correct INTEGER, time_ms INTEGER, at TEXT)")

    def bare_writes() -> None:
        for index in range(args.writes):
            bare.execute("BEGIN IMMEDIATE")
            bare.execute("INSERT INTO answers VALUES (?, ?, 1, ?, ?)", (f"q-{index % 50}", '["a","c"]', index, "2025"))
            bare.execute("COMMIT")

    baseline = best_of(3, bare_writes) / args.writes
    bare.close()
    report("record one answer (durable commit)", ours, baseline)

    # 2-4 on a filled history
    catalog = fill(root / "history", args.answers, args.items)
    path = root / "history" / "progress.db"
    print(f"history file: {path.stat().st_size / 1e6:.1f} MB")

    ours = best_of(5, lambda: open_store(root / "history").close())

    def bare_open() -> None:
        connection = sqlite3.connect(path)
        connection.execute("SELECT COUNT(*) FROM answers").fetchone()
        connection.close()

    report("open the store (quick_check, WAL, migrate)", ours, best_of(5, bare_open))

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with open_store(root / "history") as store:
        ours = best_of(3, lambda: build_summary(store, catalog, now=lambda: now, zone=timezone.utc,
                                                exam_date=now.date() + timedelta(days=30)))
        reader = sqlite3.connect(path)
        baseline = best_of(3, lambda: [reader.execute(f"SELECT * FROM {table}").fetchall()
                                       for table in ("answers", "cards", "exams", "exam_items", "settings")])
        reader.close()
        report("dashboard summary (with exam-day recall)", ours, baseline)

        document = export_progress(store)
        text = json.dumps(document)
        round_trips = []
        for attempt in range(3):
            with open_store(root / f"import-{attempt}") as fresh:
                start = time.perf_counter()
                exported = json.dumps(export_progress(store))
                import_progress(fresh, json.loads(exported))
                round_trips.append(time.perf_counter() - start)
        baseline = best_of(3, lambda: json.loads(json.dumps(json.loads(text))))
        report("export + import into an empty store", min(round_trips), baseline)


if __name__ == "__main__":
    main()
