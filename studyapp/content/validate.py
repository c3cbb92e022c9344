"""Validating content: every file read, checked alone and against each other, scenes run.

`check_content()` is the one entry point: it finds the files, reads each one (`reader`),
checks what needs the whole library (unique ids, references, unused misconceptions),
runs the scenes (`scenes`), and returns a `Report` with the `Library` and every problem.
When paths are given, only they are reported on, but they are checked against the
bundled and user content, so an author can validate a single file of their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from studyapp.content.discovery import (
    ContentFile,
    bundled_files,
    directory_files,
    path_files,
    user_directories,
)
from studyapp.content.library import Library, assemble
from studyapp.content.problems import WARNING, ContentError, Problem, display_path
from studyapp.content.reader import (
    Definition,
    FileResult,
    Stem,
    read_document,
    suggestion,
)
from studyapp.content.scenes import SceneCache, check_scenes, default_cache_dir
from studyapp.content.yamlload import MAX_FILE_BYTES, parse_document

_USE_DEFAULT_CACHE = Path()  # sentinel: the cache under the user's data directory


@dataclass(frozen=True)
class Report:
    """The outcome of validation: the library, the problems in the checked files, and what was checked."""

    library: Library
    problems: tuple[Problem, ...]
    files: int
    questions: int
    cards: int
    scenes: int
    scenes_run: bool

    @property
    def errors(self) -> int:
        return sum(problem.is_error for problem in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    def summary(self) -> str:
        def count(number: int, word: str) -> str:
            return f"{number} {word}{'' if number == 1 else 's'}"

        scenes = count(self.scenes, "scene") + ("" if self.scenes_run else " (not run)")
        checked = ", ".join((count(self.files, "file"), count(self.questions, "question"), count(self.cards, "card"), scenes))
        return f"{checked} checked: {count(self.errors, 'error')}, {count(self.warnings, 'warning')}"


def read_file(content_file: ContentFile, max_bytes: int | None = MAX_FILE_BYTES) -> FileResult:
    """Load and read one file; a file that cannot be loaded gives a result with its problems and no model."""
    try:
        data = content_file.read(max_bytes)
    except OSError as exc:
        result = FileResult(content_file.name)
        result.problems.append(Problem(content_file.name, 0, 0, f"cannot be read: {exc.strerror or exc}"))
        return result
    try:
        document = parse_document(data, content_file.name, max_bytes)
    except ContentError as exc:
        result = FileResult(content_file.name)
        result.problems.extend(exc.problems)
        return result
    return read_document(document, content_file.name)


def _where(definition: Definition) -> str:
    return f"{display_path(definition.file)}:{definition.line}:{definition.column}"


def cross_check(results: Sequence[FileResult], targets: set[str]) -> list[Problem]:
    """What only the whole library shows: duplicate ids, unknown references, unused misconceptions,
    repeated stems. Only problems located in `targets` (file names) are returned."""
    problems: list[Problem] = []
    first: dict[str, Definition] = {}
    by_kind: dict[str, set[str]] = defaultdict(set)
    for result in results:
        for definition in result.definitions:
            by_kind[definition.kind].add(definition.id)
            earlier = first.setdefault(definition.id, definition)
            if earlier is definition:
                continue
            if definition.file in targets:
                message = f"duplicate id {definition.id!r}: already used by the {earlier.kind} at {_where(earlier)}"
                problems.append(Problem(definition.file, definition.line, definition.column, message, path=definition.path))
            elif earlier.file in targets:
                message = f"id {earlier.id!r} is also used by the {definition.kind} at {_where(definition)}"
                problems.append(Problem(earlier.file, earlier.line, earlier.column, message, path=earlier.path))
    used: set[str] = set()
    for result in results:
        for reference in result.references:
            if reference.kind == "misconception":
                used.add(reference.id)
            if reference.file not in targets or reference.id in by_kind[reference.kind]:
                continue
            other = first.get(reference.id)
            if other is not None:
                message = f"unknown {reference.kind} {reference.id!r} (that id is a {other.kind})"
            else:
                message = f"unknown {reference.kind} {reference.id!r}" + suggestion(reference.id, sorted(by_kind[reference.kind]))
            problems.append(Problem(reference.file, reference.line, reference.column, message, path=reference.path))
    for result in results:
        if result.file not in targets:
            continue
        for definition in result.definitions:
            if definition.kind == "misconception" and definition.id not in used:
                message = f"misconception {definition.id!r} is not tested by any option"
                problems.append(Problem(definition.file, definition.line, definition.column, message, WARNING, definition.path))
    problems += _repeated_stems(results, targets)
    return problems


def _repeated_stems(results: Sequence[FileResult], targets: set[str]) -> list[Problem]:
    """Questions whose stems read the same (learners could not tell them apart)."""
    problems = []
    seen: dict[str, Stem] = {}
    for result in results:
        for stem in result.stems:
            earlier = seen.setdefault(stem.text, stem)
            if earlier is not stem and stem.file in targets:
                message = f"the same stem as question {earlier.question!r} at {display_path(earlier.file)}:{earlier.line}:{earlier.column}"
                problems.append(Problem(stem.file, stem.line, stem.column, message, WARNING, stem.path))
    return problems


def _gather(paths: Sequence[str | Path] | None, content_dirs: Sequence[str | Path] | None, bundled: bool) -> tuple[list[ContentFile], list[ContentFile], list[Problem]]:
    """(target files, context files, problems with the directories themselves)."""
    problems = []
    context: list[ContentFile] = bundled_files() if bundled else []
    for directory in user_directories(content_dirs):
        if directory.is_dir():
            context += directory_files(directory)
        else:
            problems.append(Problem(str(directory), 0, 0, "content directory does not exist", WARNING))
    if not paths:
        targets, context = context, []
    else:
        targets = []
        for path in paths:
            path = Path(path)
            if path.exists():
                targets += path_files(path)
            else:
                problems.append(Problem(str(path), 0, 0, "no such file or directory"))
        chosen = {item.identity for item in targets}
        context = [item for item in context if item.identity not in chosen]
    return _unique(targets), _unique(context), problems


def _unique(files: Iterable[ContentFile]) -> list[ContentFile]:
    seen: set[str] = set()
    kept = []
    for item in files:
        if item.identity not in seen:
            seen.add(item.identity)
            kept.append(item)
    return kept


def check_content(
    paths: Sequence[str | Path] | None = None,
    *,
    content_dirs: Sequence[str | Path] | None = None,
    bundled: bool = True,
    run_scenes: bool = True,
    cache_dir: Path | None = _USE_DEFAULT_CACHE,
    max_bytes: int | None = MAX_FILE_BYTES,
) -> Report:
    """Validate content and load it.

    With no `paths`: the bundled content and the user's content directories (`content_dirs`,
    then `STUDYAPP_CONTENT`, then `<data dir>/content`), all reported on. With `paths` (files
    or directories): only those are reported on, checked against the others. `cache_dir=None`
    keeps scene results in memory only; `max_bytes=None` lifts the file size cap.
    """
    targets, context, problems = _gather(paths, content_dirs, bundled)
    target_results = [read_file(item, max_bytes) for item in targets]
    context_results = [read_file(item, max_bytes) for item in context]
    results = target_results + context_results
    target_names = {item.name for item in targets}
    for result in target_results:
        problems += result.problems
    problems += cross_check(results, target_names)
    sites = [site for result in target_results for site in result.scenes]
    if run_scenes:
        cache = SceneCache(default_cache_dir() if cache_dir is _USE_DEFAULT_CACHE else cache_dir)
        problems += check_scenes(sites, cache)
    order = {item.name: index for index, item in enumerate(targets)}
    problems.sort(key=lambda problem: (order.get(problem.file, -1), problem.line, problem.column))
    library = assemble(
        (result.model for result in results if result.model is not None),
        problems,
        (result.file for result in results),
    )
    return Report(
        library=library,
        problems=tuple(problems),
        files=len(targets),
        questions=sum(result.questions for result in target_results),
        cards=sum(result.cards for result in target_results),
        scenes=len(sites),
        scenes_run=run_scenes,
    )


def load_library(
    paths: Sequence[str | Path] | None = None,
    *,
    content_dirs: Sequence[str | Path] | None = None,
    bundled: bool = True,
    run_scenes: bool = False,
    cache_dir: Path | None = _USE_DEFAULT_CACHE,
) -> Library:
    """Everything the app studies: bundled and user content (or `paths` against them), with the
    problems found. Scenes are not run by default (that is `studyapp validate`'s job)."""
    return check_content(paths, content_dirs=content_dirs, bundled=bundled, run_scenes=run_scenes, cache_dir=cache_dir).library
