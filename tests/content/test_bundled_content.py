"""The content shipped with the app loads completely and validates with no errors, scenes included."""

from __future__ import annotations

from studyapp.content import check_content
from studyapp.content.discovery import bundled_files


def test_the_bundled_taxonomy_loads_in_full():
    library = check_content(run_scenes=False, cache_dir=None).library
    taxonomy_files = [item.name for item in bundled_files() if item.name.endswith("taxonomy.yaml")]
    assert len(taxonomy_files) == 1
    assert len(library.topics) >= 14 and len(library.sources) == 5 and len(library.misconceptions) >= 17
    assert library.sources["note-lr-problems-1cycle"].title.en == "Learning-rate problems, schedules and the 1cycle policy"


def test_the_bundled_content_validates_strictly():
    """As `studyapp validate --strict`: every scene is run, and not even a warning is left."""
    report = check_content(cache_dir=None)
    assert [str(problem) for problem in report.problems] == []
    assert not report.failed(strict=True)
    assert report.files == len(bundled_files()) and report.scenes > 0
