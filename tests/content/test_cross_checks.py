"""Checks across files, and the library the app gets: what loads, what is left out, who wins."""

from __future__ import annotations

from pathlib import Path

import yaml

from studyapp.content import check_content, load_library, yamlload

FIXTURES = Path(__file__).parent / "fixtures"
BANK = (FIXTURES / "bank.yaml").read_text(encoding="utf-8")
MINE = BANK.replace("bank-fixture", "bank-mine").replace("q-fixture", "q-mine").replace("Which rate converges", "Which rate settles")


def messages(report) -> list[str]:
    return [f"{Path(problem.file).name}:{problem.line}: {problem.severity}: {problem.message}" for problem in report.problems]


def test_the_fixture_library_is_clean_and_indexed():
    report = check_content([FIXTURES], bundled=False, cache_dir=None)
    assert report.problems == ()
    assert report.summary() == "3 files, 1 question, 2 cards, 1 scene checked: 0 errors, 0 warnings"
    library = report.library
    assert list(library.questions) == ["q-fixture"] and set(library.cards) == {"card-divergence", "card-overshooting"}
    assert library.bank_of("q-fixture").id == "bank-fixture"
    assert library.repair_card("divergence-mistaken-for-oscillation").id == "card-divergence"
    assert library.questions["q-fixture"].file == str((FIXTURES / "bank.yaml").resolve())
    assert library.questions["q-fixture"].line == 6


def test_duplicate_ids_across_files_name_both_places(write, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    write("a.yaml", MINE)
    write("b.yaml", MINE.replace("bank-mine", "bank-other").replace("Which rate", "What rate"))
    report = check_content(["content"], bundled=False, content_dirs=[FIXTURES], cache_dir=None)
    assert [str(problem) for problem in report.problems] == [
        "content/b.yaml:6:9: error: questions[0].id: duplicate id 'q-mine': already used by the question at content/a.yaml:6:9"
    ]
    assert report.library.questions["q-mine"].file == str((tmp_path / "content/a.yaml").resolve())
    assert [bank.id for bank in report.library.banks] == ["bank-mine", "bank-other", "bank-fixture"]
    assert [len(bank.questions) for bank in report.library.banks] == [1, 0, 1]


def test_a_duplicate_of_context_content_is_reported_at_the_checked_file(write):
    path = write("mine.yaml", MINE.replace("q-mine", "q-fixture"))
    report = check_content([path], bundled=False, content_dirs=[FIXTURES], cache_dir=None)
    assert [message.split(" at ")[0] for message in messages(report)] == ["mine.yaml:6: error: id 'q-fixture' is also used by the question"]
    assert [problem.file for problem in report.problems] == [str(path)]


def test_a_lone_file_resolves_against_the_bundled_content(write):
    bank = BANK.replace("q-fixture", "q-mine").replace("bank-fixture", "bank-mine").replace("Which rate converges", "Which learning rate settles")
    bank = bank.replace("[card-overshooting, card-divergence]", "[card-overshooting]")
    path = write("mine.yaml", bank)
    report = check_content([path], cache_dir=None)
    assert report.files == 1 and report.errors == 0, messages(report)
    assert "q-mine" in report.library.questions and len(report.library.questions) > 1


def test_a_lone_file_without_context_reports_every_unknown_id(write):
    report = check_content([write("mine.yaml", BANK)], bundled=False, cache_dir=None)
    assert sorted(message.split(": ", 2)[2] for message in messages(report)) == [
        "unknown card 'card-divergence'",
        "unknown card 'card-overshooting'",
        "unknown misconception 'divergence-mistaken-for-oscillation'",
        "unknown source 'note-lr-properties'",
        "unknown topic 'overshooting'",
        "unknown topic 'overshooting'",
    ]


def test_items_with_errors_are_left_out_and_the_rest_loads(write):
    broken_question = MINE.replace("difficulty: 1", "difficulty: 7")
    second = """
  - id: q-second
    kind: multi
    difficulty: 2
    topics: [divergence]
    stem: {en: Which diverge?, ko: 어느 것이 발산하는가?}
    options:
      - {key: a, text: {en: "1.1", ko: "1.1"}, correct: true, explanation: {en: Factor -1.2., ko: -1.2배.}}
      - {key: b, text: {en: "0.5", ko: "0.5"}, correct: false, explanation: {en: Factor 0., ko: 0배.}}
"""
    folder = write("bank.yaml", broken_question + second).parent
    write("garbage.yaml", "kind: bank\n  id: [\n")
    write("x.yaml", "kind: cards\nid: cards-x\ntitle: {en: X, ko: X}\ncards: []\n")
    report = check_content([folder], bundled=False, content_dirs=[FIXTURES], cache_dir=None)
    assert list(report.library.questions) == ["q-second", "q-fixture"]
    assert {deck.id for deck in report.library.decks} == {"cards-x", "cards-fixture"}
    assert [line.split(": ")[0] for line in messages(report) if "error" in line] == ["bank.yaml:8", "garbage.yaml:2"]
    assert report.files == 3 and report.questions == 2


def test_a_broken_user_file_is_reported_and_skipped(write, monkeypatch):
    user = write("mine/good.yaml", BANK.replace("q-fixture", "q-user").replace("bank-fixture", "bank-user").replace("Which rate", "User rate"))
    write("mine/bad.yaml", b"kind: bank\ntitle: \xff\n")
    monkeypatch.setenv("STUDYAPP_CONTENT", str(user.parent))
    library = load_library(bundled=False, content_dirs=[FIXTURES], cache_dir=None)
    assert set(library.questions) == {"q-fixture", "q-user"}
    assert [str(problem).split("/")[-1] for problem in library.errors] == ["bad.yaml:2:8: error: not UTF-8: byte 0xff cannot be decoded (save the file as UTF-8)"]


def test_the_bundled_content_comes_first_and_a_missing_directory_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDYAPP_CONTENT", str(tmp_path / "nowhere"))
    report = check_content(run_scenes=False, cache_dir=None)
    assert report.library.taxonomy.topics, "the bundled taxonomy loads"
    missing = [problem for problem in report.problems if problem.file == str(tmp_path / "nowhere")]
    assert [(problem.severity, problem.message) for problem in missing] == [("warning", "content directory does not exist")]


def test_unused_misconceptions_and_missing_topics_are_warnings(write):
    taxonomy = (FIXTURES / "taxonomy.yaml").read_text(encoding="utf-8") + "  - id: never-used\n    name: {en: Never, ko: 안 씀}\n    card: card-divergence\n"
    write("taxonomy.yaml", taxonomy)
    write("cards.yaml", (FIXTURES / "cards.yaml").read_text(encoding="utf-8").replace("    topics: [divergence]\n", ""))
    folder = write("bank.yaml", BANK).parent
    report = check_content([folder], bundled=False, cache_dir=None)
    assert [line for line in messages(report)] == [
        "cards.yaml:5: warning: missing (a card without topics is left out of topic drills and statistics)",
        "taxonomy.yaml:16: warning: misconception 'never-used' is not tested by any option",
    ]
    assert not report.failed() and report.failed(strict=True)


def test_the_pure_python_parser_reads_the_same(monkeypatch):
    """Without libyaml the loader falls back to PyYAML's own parser: same values, same positions."""
    texts = [path.read_bytes() for path in sorted(FIXTURES.glob("*.yaml"))]
    fast = [yamlload.parse_document(text, "f.yaml") for text in texts]
    monkeypatch.setattr(yamlload, "_EVENT_PARSER", yaml.SafeLoader)
    slow = [yamlload.parse_document(text, "f.yaml") for text in texts]
    assert [document.root for document in slow] == [document.root for document in fast]

    def marks(value):
        if isinstance(value, dict):
            return [(value.line, value.column, value.marks), *[mark for item in value.values() for mark in marks(item)]]
        if isinstance(value, list):
            return [(value.line, value.column, value.marks), *[mark for item in value for mark in marks(item)]]
        return []

    assert [marks(document.root) for document in slow] == [marks(document.root) for document in fast]


def test_numbers_too_large_for_a_float_are_errors_not_crashes(write):
    huge = "1" + "0" * 400
    text = MINE.replace("steps: 40", f"params: {{curvature: {huge}}}\n      steps: 40").replace("lr: 1.01, x0: [1.0]", f"lr: {huge}, x0: [{huge}]")
    report = check_content([write("huge.yaml", text)], bundled=False, content_dirs=[FIXTURES], cache_dir=None)
    assert [(problem.path, problem.message.replace(huge, "1e400")) for problem in report.problems] == [
        ("questions[0].scene.params.curvature", "1e400 is too large"),
        ("questions[0].scene.runs[1].lr", "must be a finite number, got the number 1e400"),
        ("questions[0].scene.runs[1].x0", "must be a list of finite numbers"),
    ]
