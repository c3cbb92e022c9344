"""Scenes as files: the playground saves its setup as YAML a question can attach, and reads it back.

This is content work (YAML in and out, checked by the validator's own reader), so it lives
here and the app only calls it.

A saved file holds one `scene:` mapping, exactly what goes under a question, an option or
a card. It is read with the content validator's own reader and its claims are run by the
validator's scene checker, so "it passes the validator" means the same here as in
`studyapp validate`. Each run carries the claims its simulation bears out (its regime and
when it converged or diverged), so the saved scene checks itself wherever it is pasted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from studyapp.content.models import Expect, Scene
from studyapp.content.problems import ContentError, Problem
from studyapp.content.reader import Reader
from studyapp.content.scenes import SceneCache, check_scenes, simulate_scene
from studyapp.content.yamlload import parse_document

SCENE_KEY = "scene"
HEADER = "# A studyapp scene: paste the `scene:` mapping under a question, an option or a card.\n"
SCENES_FOLDER = "scenes"


def with_observed_claims(scene: Scene) -> Scene:
    """The scene with each run's `expect` set to what its simulation does (raises DescentError)."""
    runs = []
    for run, outcome in zip(scene.runs, simulate_scene(scene)):
        expect = Expect(
            regime=outcome.regime,
            converged_by=outcome.converged_at if outcome.regime in ("converged", "trapped") else None,
            diverged_by=outcome.diverged_at if outcome.regime == "diverged" else None,
        )
        runs.append(dataclasses.replace(run, expect=expect))
    return dataclasses.replace(scene, runs=tuple(runs))


def _plain(value: Any) -> Any:
    """Data YAML can write without tags: tuples become lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def scene_yaml(scene: Scene) -> str:
    """The scene as a YAML document with a single `scene:` key."""
    body = yaml.safe_dump({SCENE_KEY: _plain(scene.to_dict())}, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    return HEADER + body


@dataclass(frozen=True)
class SceneFile:
    """What reading a scene file gave: the scene (None when unusable) and every problem found."""

    scene: Scene | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.is_error)


def read_scene(data: bytes, file: str, run_claims: bool = True) -> SceneFile:
    """Read a scene file as the validator reads a scene, and (by default) check its claims."""
    try:
        document = parse_document(data, file)
    except ContentError as error:
        return SceneFile(None, tuple(error.problems))
    reader = Reader(file, document.text)
    reader.result.problems.extend(document.problems)
    root = document.root
    for key in root:
        if key != SCENE_KEY:
            line, column = reader.key_mark(root, key)
            reader.problem(line, column, str(key), f"unknown key: a scene file holds only `{SCENE_KEY}:`")
    if SCENE_KEY not in root:
        reader.problem(root.line, root.column, SCENE_KEY, "missing: a scene file holds one `scene:` mapping")
    scene = reader.scene(root, SCENE_KEY, "")
    problems = list(reader.result.problems)
    usable = isinstance(scene, Scene)
    if usable and run_claims and not any(problem.is_error for problem in problems):
        problems += check_scenes(reader.result.scenes, SceneCache(None))
    return SceneFile(scene if usable else None, tuple(problems))


def save_scene(scene: Scene, directory: Path, now: datetime | None = None) -> Path:
    """Write the scene, with its observed claims, to a new file in `directory`; returns its path."""
    text = scene_yaml(with_observed_claims(scene))
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = directory / f"{scene.surface}-{stamp}.yaml"
    counter = 1
    while path.exists():
        counter += 1
        path = directory / f"{scene.surface}-{stamp}-{counter}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class SceneSource:
    """Where a loadable scene comes from: a question, an option, a card or a saved file."""

    kind: str  # question | option | card | file
    owner: str  # the question or card id, or the file name
    key: str | None
    scene: Scene


def library_scenes(library: Any) -> Iterator[SceneSource]:
    """Every scene of the loaded content: each question's, each option's and each card's."""
    if library is None:
        return
    for bank in library.banks:
        for question in bank.questions:
            if question.scene is not None:
                yield SceneSource("question", question.id, None, question.scene)
            for option in question.options:
                if option.scene is not None:
                    yield SceneSource("option", question.id, option.key, option.scene)
    for deck in getattr(library, "decks", ()):
        for card in deck.cards:
            if card.scene is not None:
                yield SceneSource("card", card.id, None, card.scene)


def saved_scenes(directory: Path) -> Iterator[SceneSource]:
    """The scene files in `directory` that read without errors (claims are not re-run here)."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.yaml"), reverse=True):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        read = read_scene(data, str(path), run_claims=False)
        if read.scene is not None and not read.errors:
            yield SceneSource("file", path.name, None, read.scene)
