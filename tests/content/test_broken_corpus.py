"""Each file under broken/ lists, in `# expect:` comments, exactly the problems it must produce.

They are validated alone against the small library in fixtures/, from this directory, so
the positions and messages (including the other places a duplicate id names) are exact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.content import check_content

BROKEN = Path(__file__).parent / "broken"
FIXTURES = Path(__file__).parent / "fixtures"

CORPUS = sorted(BROKEN.glob("*.yaml"))


def expected(path) -> list[str]:
    return [line.removeprefix("# expect: ") for line in path.read_bytes().decode("utf-8", "replace").splitlines() if line.startswith("# expect: ")]


def test_the_corpus_covers_the_issue_list():
    names = {path.stem for path in CORPUS}
    for case in ("syntax_error", "duplicate_key", "duplicate_ids", "single_with_two_correct", "multi_without_correct", "unknown_references",
                 "scene_unknown_names", "scene_claims_fail", "not_utf8", "empty", "top_is_list", "alias_bomb", "tab_indentation"):
        assert case in names


@pytest.mark.parametrize("path", CORPUS, ids=[path.name for path in CORPUS])
def test_broken_file_reports_exactly_its_expected_problems(path, monkeypatch):
    monkeypatch.chdir(BROKEN.parent)
    report = check_content([path.relative_to(BROKEN.parent)], bundled=False, content_dirs=[FIXTURES.name], cache_dir=None)
    produced = [f"{problem.line}:{problem.column}: {problem.severity}: {problem.path + ': ' if problem.path else ''}{problem.message}" for problem in report.problems]
    assert produced == expected(path)
    assert report.errors >= 1
    assert all(problem.file == str(path.relative_to(BROKEN.parent)) for problem in report.problems)
