"""Safe YAML loading that remembers where everything was written.

PyYAML's event parser (libyaml's C parser when available) feeds a small, iterative composer
that builds plain dicts and lists carrying the line and column of every key and value.
Nothing but strings, numbers, booleans, null, mappings and sequences is ever built, so
loading is as safe as `yaml.safe_load`, and it is cheaper than `yaml.load` with the C loader
because no intermediate node tree is made.

Plain scalars are resolved with the YAML 1.2 core schema, the one editors' YAML language
servers use: `1e-3` is a number, `yes`/`no`/`on`/`off` and dates stay strings.

The composer also catches what PyYAML lets through: duplicate keys (PyYAML keeps the last),
alias bombs (aliases are counted by the nodes they stand for), recursive aliases, nesting
deep enough to exhaust the stack, tabs used for indentation, files that are not UTF-8,
too large, empty or not a mapping at the top. Every problem is a positioned `Problem`;
a file that cannot be used raises `ContentError`.
"""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from studyapp.content.problems import ContentError, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
# Container levels; the deepest real content (bank > question > scene > run > schedule) uses about ten.
MAX_DEPTH = 50
# Nodes that aliases may stand for in one file, beyond the nodes written out.
MAX_ALIAS_NODES = 100_000

_EVENT_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR_TAG = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = {MappingStartEvent: "tag:yaml.org,2002:map", SequenceStartEvent: "tag:yaml.org,2002:seq"}

_SPECIAL_SCALARS: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
}
for _sign, _factor in (("", 1.0), ("+", 1.0), ("-", -1.0)):
    for _spelling in (".inf", ".Inf", ".INF"):
        _SPECIAL_SCALARS[_sign + _spelling] = _factor * math.inf
for _spelling in (".nan", ".NaN", ".NAN"):
    _SPECIAL_SCALARS[_spelling] = math.nan
_NUMBER_START = frozenset("0123456789+-.")
_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class YMap(dict):
    """A mapping from a file. `marks[key]` is (key line, key column, value line, value column), 1-based."""

    __slots__ = ("column", "line", "marks")


class YSeq(list):
    """A sequence from a file. `marks[i]` is (line, column) of item i, 1-based."""

    __slots__ = ("column", "line", "marks")


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded file: its top mapping, its text, and the problems that did not stop loading (duplicate keys, tags)."""

    root: YMap
    text: str
    problems: tuple[Problem, ...]


def resolve_plain(value: str) -> Any:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if value in _SPECIAL_SCALARS:
        return _SPECIAL_SCALARS[value]
    if value[0] in _NUMBER_START:
        if _DECIMAL.match(value):
            try:
                return int(value)
            except ValueError:  # more digits than Python converts from text
                return value
        if _FLOAT.match(value):
            return float(value)
        if len(value) > 2 and value[0] == "0":
            if _OCTAL.match(value):
                return int(value[2:], 8)
            if _HEX.match(value):
                return int(value[2:], 16)
    return value


class _Frame:
    """A mapping or sequence being filled, with what is needed to size it when it closes."""

    __slots__ = ("aliased_before", "anchor", "discard", "height", "key", "key_column", "key_line", "node", "nodes_before")

    def __init__(self, node: YMap | YSeq, anchor: str | None, nodes_before: int, aliased_before: int) -> None:
        self.node = node
        self.key: str | None = None
        self.key_line = 0
        self.key_column = 0
        self.discard = False  # the value being read belongs to a duplicate key
        self.anchor = anchor
        self.nodes_before = nodes_before
        self.aliased_before = aliased_before
        self.height = 1


def _path(stack: list[_Frame]) -> str:
    """The document path of the innermost open container, e.g. `questions[3].options`."""
    parts = ""
    for parent in stack[:-1]:
        if parent.node.__class__ is YMap:
            parts = f"{parts}.{parent.key}" if parts else str(parent.key)
        else:
            parts += f"[{len(parent.node) - 1}]"
    return parts


def _key_path(stack: list[_Frame], key: str) -> str:
    inner = _path(stack)
    return f"{inner}.{key}" if inner else key


class _Composer:
    """Turns the parser's events into YMap/YSeq trees, iteratively (no recursion, no stack limit)."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, line: int, column: int, message: str, path: str = "") -> ContentError:
        return ContentError([Problem(self.file, line, column, message, path=path)])

    def compose(self) -> Any:
        parser = _EVENT_PARSER(self.text)
        try:
            return self._compose(parser)
        except yaml.YAMLError as exc:
            raise ContentError([self._syntax_problem(exc)]) from None
        finally:
            parser.dispose()

    def _compose(self, parser: Any) -> Any:
        get_event = parser.get_event
        stack: list[_Frame] = []
        frame: _Frame | None = None
        anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, nodes it stands for, height)
        open_anchors: set[str] = set()
        nodes = 0
        aliased = 0
        root: Any = None
        have_root = False
        resolve = resolve_plain
        while True:
            event = get_event()
            cls = event.__class__
            if cls is ScalarEvent:
                nodes += 1
                mark = event.start_mark
                tag = event.tag
                if tag is None:
                    value = resolve(event.value) if event.implicit[0] else event.value
                else:
                    if tag != "!" and tag != _STR_TAG:
                        self._unsupported_tag(tag, mark, stack)
                    value = event.value
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1, 0)
                if frame is None:
                    root, have_root = value, True
                    continue
                node = frame.node
                if node.__class__ is YMap:
                    if frame.key is None:
                        key = event.value
                        frame.key, frame.key_line, frame.key_column = key, mark.line + 1, mark.column + 1
                        if key in node:
                            self._duplicate(stack, key, frame, node)
                        continue
                    if not frame.discard:
                        node[frame.key] = value
                        node.marks[frame.key] = (frame.key_line, frame.key_column, mark.line + 1, mark.column + 1)
                    frame.key = None
                    frame.discard = False
                else:
                    node.append(value)
                    node.marks.append((mark.line + 1, mark.column + 1))
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                nodes += 1
                mark = event.start_mark
                line, column = mark.line + 1, mark.column + 1
                if event.tag is not None and event.tag != "!" and event.tag != _COLLECTION_TAGS[cls]:
                    self._unsupported_tag(event.tag, mark, stack)
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(line, column, f"nested more than {MAX_DEPTH} levels deep")
                if cls is MappingStartEvent:
                    node = YMap()
                    node.marks = {}
                else:
                    node = YSeq()
                    node.marks = []
                node.line, node.column = line, column
                if frame is None:
                    root, have_root = node, True
                else:
                    self._attach(frame, node, line, column, stack, still_open=True)
                if event.anchor is not None:
                    open_anchors.add(event.anchor)
                frame = _Frame(node, event.anchor, nodes, aliased)
                stack.append(frame)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                done = stack.pop()
                if done.anchor is not None:
                    open_anchors.discard(done.anchor)
                    anchors[done.anchor] = (done.node, (nodes - done.nodes_before) + (aliased - done.aliased_before), done.height)
                frame = stack[-1] if stack else None
                if frame is not None:
                    frame.height = max(frame.height, done.height + 1)
                    if frame.node.__class__ is YMap:
                        frame.key = None
                        frame.discard = False
            elif cls is AliasEvent:
                mark = event.start_mark
                line, column = mark.line + 1, mark.column + 1
                name = event.anchor
                if name in open_anchors:
                    raise self.fail(line, column, f"recursive alias *{name}: it refers to the collection that contains it", _path(stack))
                if name not in anchors:
                    raise self.fail(line, column, f"undefined alias *{name}", _path(stack))
                value, size, height = anchors[name]
                aliased += size
                if aliased > MAX_ALIAS_NODES:
                    raise self.fail(line, column, f"aliases stand for more than {MAX_ALIAS_NODES} nodes in this file (an alias bomb?)", _path(stack))
                if len(stack) + height > MAX_DEPTH:
                    raise self.fail(line, column, f"nested more than {MAX_DEPTH} levels deep (through alias *{name})")
                if frame is None:
                    root, have_root = value, True
                    continue
                frame.height = max(frame.height, height + 1)
                if frame.node.__class__ is YMap and frame.key is None:
                    if not isinstance(value, str):
                        raise self.fail(line, column, f"a mapping key must be a plain string, but alias *{name} is a collection", _path(stack))
                    frame.key, frame.key_line, frame.key_column = value, line, column
                    if value in frame.node:
                        self._duplicate(stack, value, frame, frame.node)
                    continue
                self._attach(frame, value, line, column, stack, still_open=False)
            elif cls is DocumentEndEvent:
                following = get_event()
                if following.__class__ is DocumentStartEvent:
                    mark = following.start_mark
                    self.problems.append(
                        Problem(self.file, mark.line + 1, mark.column + 1, "a second YAML document (after ---) is not read: one document per file")
                    )
                break
            elif cls is StreamEndEvent:
                break
        if not have_root:
            raise self.fail(1, 1, "the file is empty: a content file starts with `kind: bank`, `kind: cards` or `kind: taxonomy`")
        return root

    def _attach(self, frame: _Frame, value: Any, line: int, column: int, stack: list[_Frame], still_open: bool) -> None:
        """Put a collection or alias value in the open container `frame`.

        A collection that is `still_open` keeps its parent's key pending until it closes, so
        problems found inside it can name their path.
        """
        node = frame.node
        if node.__class__ is YMap:
            if frame.key is None:
                raise self.fail(line, column, "a mapping key must be a plain string, not a collection", _path(stack))
            if not frame.discard:
                node[frame.key] = value
                node.marks[frame.key] = (frame.key_line, frame.key_column, line, column)
            if not still_open:
                frame.key = None
                frame.discard = False
        else:
            node.append(value)
            node.marks.append((line, column))

    def _duplicate(self, stack: list[_Frame], key: str, frame: _Frame, node: YMap) -> None:
        first_line, first_column = node.marks[key][:2] if key in node.marks else (0, 0)
        self.problems.append(
            Problem(
                self.file,
                frame.key_line,
                frame.key_column,
                f"duplicate key {key!r} (first at line {first_line}, column {first_column}); the first is used",
                path=_key_path(stack, key),
            )
        )
        frame.discard = True

    def _unsupported_tag(self, tag: str, mark: Any, stack: list[_Frame]) -> None:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        frame = stack[-1] if stack else None
        pending = frame is not None and frame.node.__class__ is YMap and frame.key is not None
        path = _key_path(stack, frame.key) if pending else _path(stack)  # type: ignore[union-attr,arg-type]
        self.problems.append(
            Problem(self.file, mark.line + 1, mark.column + 1, f"unsupported tag {shown} (content files use plain YAML without tags; it is ignored)", path=path)
        )

    def _syntax_problem(self, exc: yaml.YAMLError) -> Problem:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            line, column = mark.line, mark.column
        elif isinstance(exc, yaml.reader.ReaderError):
            before = self.text[: exc.position]
            line = len(_LINE_BREAK.findall(before))
            column = len(_LINE_BREAK.split(before)[-1])
        else:
            line = column = 0
        tab = _tab_near(self.text, line, column)
        if tab is not None:
            return Problem(self.file, tab[0] + 1, tab[1] + 1, "tab character used for indentation: indent with spaces")
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        message = f"YAML syntax error: {problem}"
        if context:
            message += f" ({context}"
            if context_mark is not None and (context_mark.line, context_mark.column) != (line, column):
                message += f" started at line {context_mark.line + 1}, column {context_mark.column + 1}"
            message += ")"
        return Problem(self.file, line + 1, column + 1, message)


def _tab_near(text: str, line: int, column: int) -> tuple[int, int] | None:
    """Where a tab in the indentation caused a syntax error at (line, column), 0-based, if one did."""
    lines = _LINE_BREAK.split(text)
    if not 0 <= line < len(lines):
        return None
    content = lines[line]
    if column < len(content) and content[column] == "\t":
        return line, column
    indent = content[: len(content) - len(content.lstrip(" \t"))]
    if "\t" in indent:
        return line, indent.index("\t")
    return None


def _size(count: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def decode(data: bytes, file: str, max_bytes: int | None = MAX_FILE_BYTES) -> str:
    """The file's text; raises ContentError when it is too large or not UTF-8."""
    if max_bytes is not None and len(data) > max_bytes:
        raise ContentError(
            [Problem(file, 0, 0, f"the file is larger than {_size(max_bytes)}, the limit (split it into several files)")]
        )
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ContentError([Problem(file, 1, 1, "the file is UTF-16 or UTF-32: save it as UTF-8")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        raise ContentError(
            [Problem(file, line, column, f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded (save the file as UTF-8)")]
        ) from None
    return text.removeprefix("\ufeff")


def parse_document(data: bytes, file: str, max_bytes: int | None = MAX_FILE_BYTES) -> Document:
    """Load one content file's bytes; raises ContentError (and only that) when it cannot be used."""
    text = decode(data, file, max_bytes)
    composer = _Composer(text, file)
    root = composer.compose()
    if not isinstance(root, YMap):
        kind = {YSeq: "a list", str: "a string", type(None): "empty (null)", bool: "a boolean"}.get(type(root), "a number")
        raise ContentError(
            [*composer.problems, Problem(file, 1, 1, f"the top of the file must be a mapping (starting with `kind: …`), but it is {kind}")]
        )
    return Document(root, text, tuple(composer.problems))
