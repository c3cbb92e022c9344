"""Fuzzing the loader and reader: whatever the input, only ContentError (or a result) comes out."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.content.problems import ContentError
from studyapp.content.reader import FileResult, read_document
from studyapp.content.yamlload import parse_document

FIXTURES = Path(__file__).parent / "fixtures"
VALID = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.yaml"))]
YAML_ALPHABET = st.sampled_from(list(":-[]{}&*!#|>'\"?,%@`~ \t\n\r") + ["a", "b", "1", "0.5", "é", "학", "\x00", "\x85", "\ufeff"])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_and_read(data: bytes) -> FileResult | None:
    """The whole per-file pipeline; returns None when the file is refused with ContentError."""
    try:
        document = parse_document(data, "fuzz.yaml", max_bytes=4096)
    except ContentError as exc:
        assert exc.problems and all(problem.file == "fuzz.yaml" and problem.is_error for problem in exc.problems)
        return None
    result = read_document(document, "fuzz.yaml")
    for problem in result.problems:
        assert problem.line >= 1 and problem.column >= 1, problem
    return result


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(data):
    load_and_read(data)


@SETTINGS
@given(st.lists(YAML_ALPHABET, max_size=120).map("".join))
def test_random_yaml_punctuation(text):
    load_and_read(text.encode("utf-8", "surrogatepass"))


@st.composite
def garbled(draw) -> bytes:
    """A valid content file with a few random edits: deletions, insertions, swapped or repeated lines."""
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["delete", "insert", "repeat", "swap", "indent"]))
        lines = text.split("\n")
        if edit == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            text = text[:start] + text[start + draw(st.integers(1, 20)) :]
        elif edit == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.lists(YAML_ALPHABET, min_size=1, max_size=4).map("".join)) + text[at:]
        elif edit == "repeat":
            at = draw(st.integers(0, len(lines) - 1))
            text = "\n".join(lines[: at + 1] + [lines[at]] + lines[at + 1 :])
        elif edit == "swap":
            first, second = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[first], lines[second] = lines[second], lines[first]
            text = "\n".join(lines)
        else:
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] = draw(st.sampled_from(["\t", " ", "  - ", "? "])) + lines[at]
            text = "\n".join(lines)
    return text.encode("utf-8")


@SETTINGS
@given(garbled())
def test_garbled_content_files(data):
    load_and_read(data)


KEYS = [
    "kind", "id", "title", "description", "topics", "sources", "questions", "cards", "misconceptions", "name", "card",
    "file", "stem", "options", "key", "text", "correct", "explanation", "misconception", "scene", "difficulty", "source",
    "front", "back", "key_points", "surface", "params", "steps", "show", "caption", "runs", "lr", "optimizer", "settings",
    "schedule", "x0", "max_norm", "expect", "regime", "converged_by", "until", "en", "ko", "momentum", "betas", "t_max",
]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.sampled_from([10**400, -(10**400)]), st.floats(), st.text(max_size=8),
    st.sampled_from(["bank", "cards", "taxonomy", "single", "multi", "quadratic", "ravine", "regression", "sgd", "adam",
                     "cosine", "one-cycle", "converged", "loss", "a", "b", "q-x", "card-x"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=6),
    max_leaves=40,
)


@SETTINGS
@given(st.sampled_from(["bank", "cards", "taxonomy"]), st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8))
def test_well_formed_yaml_with_random_structure(kind, body):
    """Right keys, wrong shapes: the reader reports, never raises."""
    text = yaml.safe_dump({"kind": kind, **body}, allow_unicode=True)
    load_and_read(text.encode("utf-8"))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


PLAIN = [yaml.safe_load(text) for text in VALID]


@SETTINGS
@given(st.data())
def test_valid_files_with_one_value_replaced(data):
    """Every field of a valid file, deep ones included, swapped for something of the wrong shape."""
    import copy

    document = copy.deepcopy(data.draw(st.sampled_from(PLAIN)))
    paths = [path for path in _paths(document) if path]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        holder = document
        try:
            for step in path[:-1]:
                holder = holder[step]
            holder[path[-1]] = data.draw(VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    load_and_read(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))
