"""The safe loader: YAML 1.2 scalars, positions, and everything PyYAML would let through."""

from __future__ import annotations

import math

import pytest
import yaml

from studyapp.content.problems import ContentError
from studyapp.content.yamlload import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    YMap,
    YSeq,
    parse_document,
    resolve_plain,
)


def load(text: str | bytes, **options):
    return parse_document(text.encode("utf-8") if isinstance(text, str) else text, "f.yaml", **options)


def only_problem(text: str | bytes, **options):
    with pytest.raises(ContentError) as caught:
        load(text, **options)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1e-3", 0.001), ("0.1", 0.1), ("-2", -2), ("+7", 7), ("1.", 1.0), (".5", 0.5), ("0o17", 15), ("0x1F", 31),
        ("true", True), ("False", False), ("null", None), ("~", None), ("", None),
        ("yes", "yes"), ("no", "no"), ("on", "on"), ("2024-01-01", "2024-01-01"), ("1_000", "1_000"), ("0.1.2", "0.1.2"),
        ("q-fixture", "q-fixture"), ("9" * 5000, "9" * 5000),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(written, value):
    assert resolve_plain(written) == value
    assert type(resolve_plain(written)) is type(value)


def test_special_floats():
    assert resolve_plain(".inf") == math.inf and resolve_plain("-.Inf") == -math.inf and math.isnan(resolve_plain(".NaN"))


def test_quoted_and_block_scalars_stay_text_and_the_same_as_pyyaml():
    text = 'a: "1e-3"\nb: \'true\'\nc: |\n  x\n  y\nd: >-\n  folded\n  line\ne: [1, 2, {f: g}]\n'
    root = load(text).root
    assert root == {"a": "1e-3", "b": "true", "c": "x\ny\n", "d": "folded line", "e": [1, 2, {"f": "g"}]}
    assert root == yaml.safe_load(text)


def test_every_key_and_value_keeps_its_line_and_column():
    root = load("kind: bank\nquestions:\n  - id: q-one\n    options: [a, b]\n").root
    assert isinstance(root, YMap) and (root.line, root.column) == (1, 1)
    assert root.marks["questions"] == (2, 1, 3, 3)
    question = root["questions"][0]
    assert isinstance(root["questions"], YSeq) and root["questions"].marks == [(3, 5)]
    assert question.marks["id"] == (3, 5, 3, 9)
    assert question["options"].marks == [(4, 15), (4, 18)]


def test_duplicate_keys_are_reported_and_the_first_value_kept():
    document = load("a: 1\nb:\n  c: 1\n  c: [2]\na: 3\n")
    assert document.root == {"a": 1, "b": {"c": 1}}
    assert [str(problem) for problem in document.problems] == [
        "f.yaml:4:3: error: b.c: duplicate key 'c' (first at line 3, column 3); the first is used",
        "f.yaml:5:1: error: a: duplicate key 'a' (first at line 1, column 1); the first is used",
    ]


def test_aliases_share_the_anchored_value():
    root = load("base: &scene {surface: quadratic, steps: 10}\nx: *scene\ny: [*scene]\n").root
    assert root["x"] is root["base"] and root["y"][0] is root["base"]


def test_a_billion_laughs_stops_at_the_alias_budget():
    lines = ["kind: bank", "a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]" for level in range(1, 10)]
    problem = only_problem("\n".join(lines) + "\n")
    assert f"aliases stand for more than {MAX_ALIAS_NODES} nodes" in problem.message
    assert problem.line <= 8  # stopped long before the ninth level


def test_recursive_and_undefined_aliases():
    assert "recursive alias *a" in only_problem("a: &a [1, *a]\n").message
    assert only_problem("a: *nothing\n").message == "undefined alias *nothing"


@pytest.mark.parametrize("opener", ["[", "- ", "{a: "])
def test_deep_nesting_is_an_error_not_a_crash(opener):
    # libyaml's C composer recurses once per level and overflows the stack near 30,000 levels.
    closer = {"[": "]", "- ": "", "{a: ": "}"}[opener]
    problem = only_problem("x: " + opener * 100_000 + "1" + closer * 100_000 + "\n" if opener != "- " else "- " * 100_000 + "x\n")
    assert problem.message == f"nested more than {MAX_DEPTH} levels deep"


def test_nesting_through_aliases_is_counted():
    lines = ["a0: &a0 " + "[" * 40 + "]" * 40]
    lines += [f"a{level}: &a{level} [[*a{level - 1}]]" for level in range(1, 10)]
    assert "through alias" in only_problem("\n".join(lines) + "\n").message


@pytest.mark.parametrize(
    ("text", "where"),
    [("a:\n\tb: 1\n", (2, 1)), ("a:\n  b: 1\n\tc: 2\n", (3, 1)), ("a:\n  \tb: 1\n", (2, 3)), ("- a\n-\tb\n", (2, 2))],
)
def test_tabs_in_indentation_are_named(text, where):
    problem = only_problem(text)
    assert (problem.line, problem.column) == where
    assert problem.message == "tab character used for indentation: indent with spaces"


def test_tabs_inside_text_are_fine():
    assert load("a: |\n  x\n  \ty\nb: [1,\n\t2]\n").root == {"a": "x\n\ty\n", "b": [1, 2]}


def test_syntax_errors_name_the_place_and_the_construct():
    problem = only_problem("a: [1, 2\nb: 3\n")
    assert problem.message.startswith("YAML syntax error: ")
    assert "started at line 1, column 4" in problem.message


def test_encoding_size_emptiness_and_top_level():
    korean = only_problem("kind: bank\ntitle: 학습률\n".encode("cp949"))
    assert (korean.line, korean.column, korean.message) == (2, 8, "not UTF-8: byte 0xc7 cannot be decoded (save the file as UTF-8)")
    assert only_problem("kind: bank\n".encode("utf-16")).message == "the file is UTF-16 or UTF-32: save it as UTF-8"
    assert load("\ufeffkind: bank\n".encode("utf-8")).root == {"kind": "bank"}
    big = only_problem(b"a: " + b"x" * 100, max_bytes=64)
    assert (big.line, big.message) == (0, "the file is larger than 64 bytes, the limit (split it into several files)")
    assert load(b"a: " + b"x" * 100, max_bytes=None).root["a"] == "x" * 100
    for empty in ("", "\n\n", "# just a comment\n", "---\n...\n"):
        assert only_problem(empty).message.startswith(("the file is empty", "the top of the file must be a mapping"))
    assert only_problem("- 1\n").message.endswith("but it is a list")
    assert only_problem("just text\n").message.endswith("but it is a string")


def test_control_characters_are_a_positioned_error():
    problem = only_problem("a: 1\nb: \x07\n")
    assert (problem.line, problem.message) == (2, "YAML syntax error: control characters are not allowed")


def test_tags_are_reported_and_never_constructed():
    document = load("a: !!python/object/apply:os.system [echo]\nb: !!str 12\nc: !custom x\n")
    assert document.root == {"a": ["echo"], "b": "12", "c": "x"}
    assert [problem.path for problem in document.problems] == ["a", "c"]


def test_a_second_document_is_reported_not_read():
    document = load("a: 1\n---\nb: 2\n")
    assert document.root == {"a": 1}
    assert document.problems[0].message.startswith("a second YAML document")


def test_collection_keys_are_refused():
    assert only_problem("? [a]\n: b\n").message == "a mapping key must be a plain string, not a collection"
