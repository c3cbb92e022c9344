"""`studyapp stats`, `export-progress` and `import-progress` from the command line."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from studyapp.cli import main
from studyapp.study import open_store
from studyapp.study.store import PROGRESS_FILE

from .conftest import START


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    """Never touch the real user data directory, even if a test forgets --data-dir."""
    monkeypatch.setenv("STUDYAPP_DATA_DIR", str(tmp_path / "default-data"))


@pytest.fixture
def history_dir(tmp_path):
    directory = tmp_path / "history"
    with open_store(directory) as store:
        for minutes, correct in ((0, True), (3, False), (9, True)):
            store.record_answer(
                "q-overshoot-five-rates", ["a"], correct, time_ms=4_000, content_hash="h",
                confidence="sure", answered_at=START + timedelta(minutes=minutes),
            )
    return directory


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_json_has_the_summary(capsys, history_dir):
    code, out, err = run(capsys, "stats", "--json", "--data-dir", str(history_dir))
    assert code == 0
    data = json.loads(out)
    assert (data["total_answers"], data["correct_answers"]) == (3, 2)
    assert data["calibration"][0] == {"confidence": "sure", "answers": 3, "correct": 2, "accuracy": 2 / 3}
    assert len(data["forecast"]) == 14


def test_stats_text(capsys, history_dir):
    code, out, _ = run(capsys, "stats", "--data-dir", str(history_dir), "--exam-date", "2099-01-01")
    assert code == 0
    assert out.startswith("Answers: 3 (67% right) · questions answered: 1 · ")
    assert "Calibration" in out and "Predicted recall on 2099-01-01" in out


def test_stats_on_a_missing_directory_starts_empty(capsys, tmp_path):
    code, out, _ = run(capsys, "stats", "--json", "--data-dir", str(tmp_path / "new"))
    assert code == 0 and json.loads(out)["total_answers"] == 0
    assert (tmp_path / "new" / PROGRESS_FILE).exists()


def test_stats_reports_a_recovered_database(capsys, tmp_path):
    (tmp_path / PROGRESS_FILE).write_bytes(b"garbage" * 200)
    code, _, err = run(capsys, "stats", "--data-dir", str(tmp_path))
    assert code == 0
    assert "was damaged" in err and "moved to" in err


def test_bad_exam_date_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["stats", "--data-dir", str(tmp_path), "--exam-date", "soon"])
    assert exit_info.value.code == 2
    assert "'soon' is not a date" in capsys.readouterr().err


def test_export_then_import_moves_everything_and_twice_adds_nothing(capsys, history_dir, tmp_path):
    exported = tmp_path / "backup.json"
    code, _, err = run(capsys, "export-progress", str(exported), "--data-dir", str(history_dir))
    assert code == 0 and "Exported 3 answers" in err
    target = tmp_path / "other-machine"
    code, _, err = run(capsys, "import-progress", str(exported), "--data-dir", str(target))
    assert code == 0 and "3 answers added (0 already present)" in err
    code, _, err = run(capsys, "import-progress", str(exported), "--data-dir", str(target))
    assert code == 0 and "0 answers added (3 already present)" in err
    with open_store(history_dir) as source, open_store(target) as copy:
        assert copy.answers() == source.answers()


def test_export_to_standard_output(capsys, history_dir):
    code, out, _ = run(capsys, "export-progress", "-", "--data-dir", str(history_dir))
    assert code == 0
    document = json.loads(out)
    assert document["format"] == "studyapp-progress" and len(document["answers"]) == 3


def test_import_from_standard_input(capsys, history_dir, tmp_path, monkeypatch):
    run(capsys, "export-progress", str(tmp_path / "backup.json"), "--data-dir", str(history_dir))
    with open(tmp_path / "backup.json", "rb") as stream:
        monkeypatch.setattr("sys.stdin", type("Stdin", (), {"buffer": stream})())
        code, _, err = run(capsys, "import-progress", "-", "--data-dir", str(tmp_path / "target"))
    assert code == 0 and "Imported <stdin>: 3 answers added" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read {file}: No such file or directory"),
        (b'{"format": "studyapp-progress",\n "version": 1,,}', "{file}:2:15: not valid JSON"),
        (b'{"format": "studyapp-progress", "version": 9}', "{file}: format version 9 is not supported"),
        (b"\xff\xfe garbage", "{file}: not UTF-8 text (byte 0)"),
        (b'{"format": "studyapp-progress", "version": 1, "answers": [{"answer_id": 3}]}',
         "{file}: answers[0].answer_id: expected str, got 3"),
    ],
)
def test_import_errors_are_one_line_and_non_zero(capsys, tmp_path, content, message):
    file = tmp_path / "backup.json"
    if content is not None:
        file.write_bytes(content)
    code, out, err = run(capsys, "import-progress", str(file), "--data-dir", str(tmp_path / "data"))
    assert code == 1 and out == ""
    assert err.startswith(f"studyapp import-progress: error: {message.format(file=file)}")
    assert err.count("\n") == 1


def test_export_into_a_missing_directory_fails_cleanly(capsys, history_dir, tmp_path):
    code, _, err = run(capsys, "export-progress", str(tmp_path / "nowhere" / "backup.json"), "--data-dir", str(history_dir))
    assert code == 1
    assert err.startswith("studyapp export-progress: error: cannot write") and err.count("\n") == 1


def test_a_database_from_a_newer_version_is_a_clean_error(capsys, tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / PROGRESS_FILE) as conn:
        conn.execute("PRAGMA user_version = 99")
    code, _, err = run(capsys, "stats", "--data-dir", str(tmp_path))
    assert code == 1 and "newer studyapp" in err and err.count("\n") == 1


def test_stats_names_topics_from_the_content(capsys, tmp_path):
    from studyapp.content import load_library

    library = load_library()
    question = next(iter(library.questions.values()))
    wrong = next(option for option in question.options if not option.correct)
    with open_store(tmp_path) as store:
        store.update_settings(language="ko")
        store.record_answer(question.id, [wrong.key], False, time_ms=9_000, content_hash=question.content_hash)
    code, out, _ = run(capsys, "stats", "--json", "--data-dir", str(tmp_path))
    assert code == 0
    topics = {row["topic"]: row for row in json.loads(out)["topics"]}
    assert set(topics) >= set(library.topics)
    first_topic = question.topics[0]
    assert topics[first_topic]["answers"] == 1
    assert topics[first_topic]["name"] == library.topics[first_topic].name.get("ko")


def test_the_global_data_dir_option_works_too(capsys, history_dir):
    code, out, _ = run(capsys, "--data-dir", str(history_dir), "stats", "--json")
    assert code == 0 and json.loads(out)["total_answers"] == 3


def test_text_columns_line_up_with_korean_names(tmp_path):
    from studyapp.commands.stats import cell_width, format_summary
    from studyapp.study import Catalog, build_summary

    catalog = Catalog(
        kinds={"q1": "question", "q2": "question"},
        topics={"q1": ("fundamentals",), "q2": ("one-cycle",)},
        topic_names={"fundamentals": "학습률 기초", "one-cycle": "1cycle 정책과 순환 학습률"},
    )
    with open_store(tmp_path) as store:
        store.record_answer("q1", ["a"], True, time_ms=1, content_hash="h")
        text = format_summary(build_summary(store, catalog))
    rows = [line for line in text.splitlines() if "█" in line or "░" in line]
    assert len(rows) == 2
    bar_columns = {cell_width(line[: line.index(next(char for char in line if char in "█░"))]) for line in rows}
    assert len(bar_columns) == 1


def test_a_hand_edited_bad_setting_is_a_clean_error(capsys, tmp_path):
    import sqlite3

    open_store(tmp_path).close()
    with sqlite3.connect(tmp_path / PROGRESS_FILE) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('language', '\"fr\"')")
    for command in (["stats"], ["export-progress", "-"]):
        code, _, err = run(capsys, *command, "--data-dir", str(tmp_path))
        assert code == 1 and "settings.language: 'fr'" in err and err.count("\n") == 1
