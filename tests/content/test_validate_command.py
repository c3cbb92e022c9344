"""`studyapp validate`: problems, one summary line, and the exit status."""

from __future__ import annotations

import pytest

from studyapp.cli import main
from studyapp.content.discovery import bundled_files

# Refers only to the bundled taxonomy, so it validates alone against the bundled content.
CLEAN = """\
kind: bank
id: bank-command-test
title: {en: Command test, ko: 명령 테스트}
questions:
  - id: q-command-test
    kind: single
    difficulty: 1
    topics: [overshooting]
    stem: {en: "Which rate settles on x² from x = 3?", ko: "x² 위 x = 3에서 자리 잡는 학습률은?"}
    options:
      - {key: a, text: {en: "0.2", ko: "0.2"}, correct: true, explanation: {en: Factor 0.6., ko: 0.6배.}}
      - {key: b, text: {en: "1.2", ko: "1.2"}, correct: false, explanation: {en: Factor -1.4., ko: -1.4배.}}
    scene:
      surface: quadratic
      steps: 50
      runs: [{id: fine, lr: 0.2, x0: [3.0], expect: {regime: converged}}]
"""


@pytest.fixture
def bank(write, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return lambda text=CLEAN: write("mine.yaml", text).relative_to(tmp_path)


def run(capsys, *argv):
    status = main(["validate", *argv])
    return status, capsys.readouterr()


def test_a_clean_file_exits_0_with_the_summary(bank, capsys):
    status, out = run(capsys, str(bank()))
    assert (status, out.out) == (0, "1 file, 1 question, 0 cards, 1 scene checked: 0 errors, 0 warnings\n")


def test_errors_are_printed_one_per_line_and_exit_1(bank, capsys):
    status, out = run(capsys, str(bank(CLEAN.replace("regime: converged", "regime: diverged").replace("correct: false", "correct: true"))))
    assert status == 1
    assert out.out.splitlines() == [
        "content/mine.yaml:11:7: error: questions[0].options: a single question needs exactly one correct option, found 2 (a, b); use kind: multi for select-all-that-apply",
        "content/mine.yaml:16:62: error: questions[0].scene.runs[0].expect.regime: claims the run is diverged, but it converged to the global minimum at update 9",
        "1 file, 1 question, 0 cards, 1 scene checked: 2 errors, 0 warnings",
    ]


def test_warnings_fail_only_with_strict(bank, capsys):
    path = str(bank(CLEAN.replace(', ko: "x² 위 x = 3에서 자리 잡는 학습률은?"', "")))
    status, out = run(capsys, path)
    assert status == 0 and out.out.splitlines()[0] == "content/mine.yaml:9:11: warning: questions[0].stem.ko: missing (the English text is shown instead)"
    assert run(capsys, "--strict", path)[0] == 1


def test_no_scenes_skips_the_claims(bank, capsys):
    status, out = run(capsys, "--no-scenes", str(bank(CLEAN.replace("regime: converged", "regime: diverged"))))
    assert (status, out.out) == (0, "1 file, 1 question, 0 cards, 1 scene (not run) checked: 0 errors, 0 warnings\n")


def test_usage_errors_exit_2(bank, capsys):
    status, out = run(capsys, "no-such-file.yaml")
    assert (status, out.err) == (2, "studyapp validate: no-such-file.yaml: no such file or directory\n")
    status, out = run(capsys, "--content", "no-such-dir", str(bank()))
    assert (status, out.err) == (2, "studyapp validate: --content no-such-dir: no such directory\n")
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--no-such-option"])
    assert caught.value.code == 2


def test_with_no_paths_the_bundled_content_and_content_directories_are_checked(bank, capsys, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "more.yaml").write_text(CLEAN.replace("command-test", "command-extra").replace("x = 3", "x = 2").replace("topics: [overshooting]", "topics: [nothing-like-it]"), encoding="utf-8")
    bank()  # in the working directory, but neither given nor in a content directory
    status, out = run(capsys, "--content", str(extra), "--no-scenes")
    assert status == 1
    assert "content/mine.yaml" not in out.out
    assert "extra/more.yaml:8:14: error: questions[0].topics[0]: unknown topic 'nothing-like-it'" in out.out
    assert out.out.splitlines()[-1].startswith(f"{len(bundled_files()) + 1} files, ")
