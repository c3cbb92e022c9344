"""Reading one loaded file into models, reporting every problem the file shows on its own.

The reader walks the YAML tree once, builds the models and records, with their positions,
what only the whole library can check: the ids it defines, the ids it refers to, and the
scenes whose claims must be run. An item whose fields cannot be read is left out (and its
problems reported); the rest of the file is still read, so one run reports everything.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from studyapp.content.models import (
    DEFAULT_SHOW,
    EXPECT_CLAIMS,
    Bank,
    Card,
    CardDeck,
    Expect,
    FrozenMap,
    Misconception,
    Option,
    Question,
    Scene,
    SceneRun,
    ScheduleStep,
    Source,
    Taxonomy,
    Topic,
)
from studyapp.content.problems import ERROR, WARNING, Problem
from studyapp.content.text import LANGUAGES, Text
from studyapp.content.yamlload import Document, YMap, YSeq
from studyapp.descent import (
    MAX_STEPS,
    OPTIMIZERS,
    REGIMES,
    SCHEDULES,
    SURFACES,
    DescentError,
    check_params,
    make_surface,
)
from studyapp.descent.params import coerce

FILE_KINDS = ("bank", "cards", "taxonomy")
QUESTION_KINDS = ("single", "multi")
OPTION_KEYS = "abcdefgh"
MIN_OPTIONS, MAX_OPTIONS = 2, 8
SHOW_CHOICES = ("loss", "path", "lr")
MAX_SCENE_RUNS = 8
ID_PATTERN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\Z")
# Run ids are local to a scene and often name a value: `lr-0.1`.
RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_LARGEST_INT = 10**300
_PLAIN_TOKEN = re.compile(r"[^\s,\]}#]+")
PLATEAU = "reduce-on-plateau"

_BANK_KEYS = ("kind", "id", "title", "description", "topics", "sources", "questions")
_DECK_KEYS = ("kind", "id", "title", "description", "cards")
_TAXONOMY_KEYS = ("kind", "topics", "sources", "misconceptions")
_TOPIC_KEYS = ("id", "name")
_SOURCE_KEYS = ("id", "file", "title")
_MISCONCEPTION_KEYS = ("id", "name", "card")
_QUESTION_KEYS = ("id", "kind", "difficulty", "topics", "source", "stem", "options", "cards", "scene")
_OPTION_KEYS = ("key", "text", "correct", "explanation", "misconception", "scene")
_CARD_KEYS = ("id", "front", "back", "key_points", "topics", "source", "questions", "scene")
_SCENE_KEYS = ("surface", "params", "steps", "show", "caption", "runs")
_RUN_KEYS = ("id", "label", "optimizer", "lr", "settings", "schedule", "x0", "max_norm", "expect")


class _Bad:
    """A value that could not be read (its problem is already reported)."""

    def __repr__(self) -> str:
        return "BAD"


BAD: Any = _Bad()


@dataclass(frozen=True, slots=True)
class Definition:
    """An id an item defines, and where."""

    kind: str  # question, card, bank, deck, topic, source, misconception
    id: str
    file: str
    line: int
    column: int
    path: str


@dataclass(frozen=True, slots=True)
class Reference:
    """An id an item refers to, and where (checked once the whole library is read)."""

    kind: str  # topic, source, misconception, card, question
    id: str
    file: str
    line: int
    column: int
    path: str


@dataclass(frozen=True, slots=True)
class SceneSite:
    """A scene and the positions of its runs and claims, for reporting the claims that fail."""

    scene: Scene
    file: str
    path: str
    line: int
    column: int
    claim_marks: Mapping[tuple[int, str], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Stem:
    """A question's stem as compared for repeats (whitespace and case folded), and where it is."""

    text: str
    question: str
    file: str
    line: int
    column: int
    path: str


@dataclass
class FileResult:
    """Everything read from one file."""

    file: str
    kind: str | None = None
    model: Bank | CardDeck | Taxonomy | None = None
    problems: list[Problem] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    scenes: list[SceneSite] = field(default_factory=list)
    stems: list[Stem] = field(default_factory=list)
    questions: int = 0
    cards: int = 0


def finite_number(value: Any) -> bool:
    """A number that converts to a finite float (YAML integers are unbounded; floats are not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) if isinstance(value, float) else abs(value) < _LARGEST_INT


def _too_large(value: Any) -> bool:
    if isinstance(value, list):
        return any(_too_large(item) for item in value)
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LARGEST_INT


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def describe(value: Any) -> str:
    """A value as an error message names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def suggestion(word: str, known: Iterable[str]) -> str:
    """ " (did you mean 'x'?)" for a near miss, else the list of known words."""
    known = list(known)
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (expected one of: {', '.join(known)})" if 0 < len(known) <= 12 else ""


class Reader:
    """Reads one document into a FileResult."""

    def __init__(self, file: str, text: str = "") -> None:
        self.result = FileResult(file)
        self.file = file
        self.source_text = text
        self.lines: list[str] | None = None
        self.errors = 0  # errors so far: an item whose reading added errors is left out

    # --- reporting ---------------------------------------------------------------------

    def problem(self, line: int, column: int, path: str, message: str, severity: str = ERROR) -> None:
        if severity == ERROR:
            self.errors += 1
        self.result.problems.append(Problem(self.file, line, column, message, severity, path))

    def written(self, line: int, column: int) -> str | None:
        """The characters of the plain scalar written at (line, column), as typed (e.g. `1e-3`)."""
        if self.lines is None:
            self.lines = self.source_text.splitlines()
        if not 0 < line <= len(self.lines):
            return None
        match = _PLAIN_TOKEN.match(self.lines[line - 1], column - 1)
        return match.group() if match else None

    @staticmethod
    def value_mark(node: YMap, key: str) -> tuple[int, int]:
        mark = node.marks.get(key)
        return (mark[2], mark[3]) if mark else (node.line, node.column)

    @staticmethod
    def key_mark(node: YMap, key: str) -> tuple[int, int]:
        mark = node.marks.get(key)
        return (mark[0], mark[1]) if mark else (node.line, node.column)

    def bad_value(self, node: YMap, key: str, path: str, message: str) -> Any:
        self.problem(*self.value_mark(node, key), join(path, key), message)
        return BAD

    # --- generic fields ----------------------------------------------------------------

    def keys(self, node: YMap, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = (), elsewhere: tuple[tuple[str, ...], str] | None = None) -> None:
        """Report unknown keys and missing required ones.

        `elsewhere` is (keys, where) for keys that belong one level down, e.g. a run's
        `x0` written on its scene, so the message can say where to move them.
        """
        allowed_set = frozenset(allowed)
        for key in node:
            if key not in allowed_set:
                if elsewhere is not None and key in elsewhere[0]:
                    hint = f" ({key} belongs in {elsewhere[1]})"
                else:
                    hint = suggestion(key, allowed)
                self.problem(*self.key_mark(node, key), join(path, key), "unknown key" + hint)
        for key in required:
            if node.get(key) is None:
                where = self.key_mark(node, key) if key in node else (node.line, node.column)
                self.problem(*where, join(path, key), "missing")

    def mapping(self, value: Any, line: int, column: int, path: str) -> YMap | Any:
        if isinstance(value, YMap):
            return value
        self.problem(line, column, path, f"must be a mapping, got {describe(value)}")
        return BAD

    def sequence(self, node: YMap, key: str, path: str) -> YSeq | Any:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, YSeq):
            return value
        return self.bad_value(node, key, path, f"must be a list, got {describe(value)}")

    def string(self, node: YMap, key: str, path: str) -> str | None | Any:
        value = node.get(key)
        if value is None or isinstance(value, str):
            return value
        return self.bad_value(node, key, path, f"must be text, got {describe(value)}")

    def identifier(self, node: YMap, key: str, path: str, define: str | None = None, refer: str | None = None, run: bool = False) -> str | None | Any:
        """An id: checked for its form, and recorded as a definition or a reference (`run`: a scene's run id)."""
        value = self.string(node, key, path)
        if not isinstance(value, str):
            return value
        line, column = self.value_mark(node, key)
        if run and not RUN_ID_PATTERN.match(value):
            self.problem(line, column, join(path, key), f"{value!r} is not a valid run id (letters, digits, dots, dashes and underscores, e.g. lr-0.1)")
            return BAD
        if not run and not ID_PATTERN.match(value):
            self.problem(line, column, join(path, key), f"{value!r} is not a valid id (letters, digits and single dashes, e.g. q-overshoot-lr)")
            return BAD
        if define:
            self.result.definitions.append(Definition(define, value, self.file, line, column, join(path, key)))
        if refer:
            self.result.references.append(Reference(refer, value, self.file, line, column, join(path, key)))
        return value

    def id_list(self, node: YMap, key: str, path: str, refer: str) -> tuple[str, ...] | Any:
        """A list of ids (or one id written alone), each recorded as a reference."""
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (self.identifier(node, key, path, refer=refer),)
        if not isinstance(value, YSeq):
            return self.bad_value(node, key, path, f"must be a list of ids, got {describe(value)}")
        items: list[str] = []
        seen: set[str] = set()
        ok = True
        for index, item in enumerate(value):
            line, column = value.marks[index]
            item_path = f"{join(path, key)}[{index}]"
            if not isinstance(item, str) or not ID_PATTERN.match(item):
                self.problem(line, column, item_path, f"must be an id, got {describe(item)}")
                ok = False
                continue
            if item in seen:
                self.problem(line, column, item_path, f"{item!r} is listed twice")
                continue
            seen.add(item)
            items.append(item)
            self.result.references.append(Reference(refer, item, self.file, line, column, item_path))
        return tuple(items) if ok else BAD

    def integer(self, node: YMap, key: str, path: str, low: int, high: int) -> int | None | Any:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return self.bad_value(node, key, path, f"must be a whole number from {low} to {high}, got {describe(value)}")
        if not low <= value <= high:
            return self.bad_value(node, key, path, f"must be from {low} to {high}, got {value}")
        return value

    def number(self, node: YMap, key: str, path: str, positive: bool = False) -> float | None | Any:
        value = node.get(key)
        if value is None:
            return None
        if not finite_number(value):
            return self.bad_value(node, key, path, f"must be a finite number, got {describe(value)}")
        if positive and value <= 0:
            return self.bad_value(node, key, path, f"must be > 0, got {value:g}")
        return float(value)

    def boolean(self, node: YMap, key: str, path: str) -> bool | None | Any:
        value = node.get(key)
        if value is None or isinstance(value, bool):
            return value
        return self.bad_value(node, key, path, f"must be true or false, got {describe(value)}")

    def choice(self, node: YMap, key: str, path: str, choices: tuple[str, ...]) -> str | None | Any:
        value = node.get(key)
        if value is None:
            return None
        if value not in choices:
            return self.bad_value(node, key, path, f"must be one of {', '.join(choices)}, got {describe(value)}")
        return value

    def text(self, node: YMap, key: str, path: str, plain_ok: bool = False) -> Text | None | Any:
        """A bilingual text `{en: …, ko: …}`; a missing language is a warning, both missing an error."""
        value = node.get(key)
        if value is None:
            return None
        return self.text_value(value, *self.value_mark(node, key), join(path, key), plain_ok)

    def text_value(self, value: Any, line: int, column: int, path: str, plain_ok: bool = False) -> Text | Any:
        if isinstance(value, str) and plain_ok:
            return Text.plain(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and plain_ok:
            return Text.plain(self.written(line, column) or str(value))
        if not isinstance(value, YMap):
            form = "text or {en: …, ko: …}" if plain_ok else "{en: …, ko: …}"
            self.problem(line, column, path, f"must be {form}, got {describe(value)}")
            return BAD
        for key in value:
            if key in LANGUAGES:
                continue
            if value[key] is None:
                # `{en: A, B, ko: C}` reads B as a key without a value: the comma needed quotes.
                message = f"unexpected {key!r}: inside {{en: …, ko: …}} a text containing a comma or \": \" must be in quotes"
                self.problem(*self.key_mark(value, key), path, message)
                return BAD
            self.problem(*self.key_mark(value, key), join(path, key), "unknown key (a text has en and ko)")
        texts: dict[str, str] = {}
        for lang in LANGUAGES:
            item = value.get(lang)
            if item is None:
                continue
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = self.written(*self.value_mark(value, lang)) or str(item)  # a number shown as written
            if not isinstance(item, str):
                self.problem(*self.value_mark(value, lang), join(path, lang), f"must be text, got {describe(item)}")
                return BAD
            if not item.strip():
                self.problem(*self.value_mark(value, lang), join(path, lang), "is empty")
                return BAD
            texts[lang] = item
        if not texts:
            self.problem(line, column, path, "needs an en or ko text")
            return BAD
        for lang in LANGUAGES:
            if lang not in texts:
                other = "Korean" if lang == "en" else "English"
                self.problem(value.line, value.column, join(path, lang), f"missing (the {other} text is shown instead)", WARNING)
        return Text(en=texts.get("en"), ko=texts.get("ko"))

    def items(self, node: YMap, key: str, path: str) -> Iterable[tuple[YMap, str]]:
        """The mappings of a list field, with their paths (non-mappings are reported and skipped)."""
        value = self.sequence(node, key, path)
        if not isinstance(value, YSeq):
            return
        for index, item in enumerate(value):
            item_path = f"{join(path, key)}[{index}]"
            if isinstance(item, YMap):
                yield item, item_path
            else:
                self.problem(*value.marks[index], item_path, f"must be a mapping, got {describe(item)}")

    # --- files -------------------------------------------------------------------------

    def read(self, document: Document) -> FileResult:
        root = document.root
        self.result.problems.extend(document.problems)
        self.errors += sum(problem.is_error for problem in document.problems)
        kind = root.get("kind")
        if kind not in FILE_KINDS:
            if kind is None:
                self.problem(root.line, root.column, "kind", "missing: a content file starts with `kind: bank`, `kind: cards` or `kind: taxonomy`")
            else:
                self.bad_value(root, "kind", "", f"must be one of {', '.join(FILE_KINDS)}, got {describe(kind)}")
            return self.result
        self.result.kind = kind
        if kind == "bank":
            self.result.model = self.bank(root)
        elif kind == "cards":
            self.result.model = self.deck(root)
        else:
            self.result.model = self.taxonomy(root)
        return self.result

    def bank(self, root: YMap) -> Bank | None:
        before = self.errors
        self.keys(root, "", _BANK_KEYS, ("id", "title", "questions"))
        bank_id = self.identifier(root, "id", "", define="bank")
        title = self.text(root, "title", "")
        description = self.text(root, "description", "")
        topics = self.id_list(root, "topics", "", refer="topic")
        sources = self.id_list(root, "sources", "", refer="source")
        header_ok = self.errors == before
        questions = []
        for item, path in self.items(root, "questions", ""):
            self.result.questions += 1
            question = self.question(item, path)
            if question is not None:
                questions.append(question)
        if not header_ok:
            return None
        return Bank(
            id=bank_id, title=title, questions=tuple(questions), description=description,
            topics=topics, sources=sources, file=self.file, line=root.line,
        )

    def deck(self, root: YMap) -> CardDeck | None:
        before = self.errors
        self.keys(root, "", _DECK_KEYS, ("id", "title", "cards"))
        deck_id = self.identifier(root, "id", "", define="deck")
        title = self.text(root, "title", "")
        description = self.text(root, "description", "")
        header_ok = self.errors == before
        cards = []
        for item, path in self.items(root, "cards", ""):
            self.result.cards += 1
            card = self.card(item, path)
            if card is not None:
                cards.append(card)
        if not header_ok:
            return None
        return CardDeck(id=deck_id, title=title, cards=tuple(cards), description=description, file=self.file, line=root.line)

    def taxonomy(self, root: YMap) -> Taxonomy:
        self.keys(root, "", _TAXONOMY_KEYS)
        topics, sources, misconceptions = [], [], []
        for item, path in self.items(root, "topics", ""):
            before = self.errors
            self.keys(item, path, _TOPIC_KEYS, _TOPIC_KEYS)
            topic_id, name = self.identifier(item, "id", path, define="topic"), self.text(item, "name", path)
            if self.errors == before:
                topics.append(Topic(id=topic_id, name=name, file=self.file, line=item.line))
        for item, path in self.items(root, "sources", ""):
            before = self.errors
            self.keys(item, path, _SOURCE_KEYS, ("id", "title"))
            source_id, note, title = self.identifier(item, "id", path, define="source"), self.string(item, "file", path), self.text(item, "title", path)
            if self.errors == before:
                sources.append(Source(id=source_id, title=title, note=note, file=self.file, line=item.line))
        for item, path in self.items(root, "misconceptions", ""):
            before = self.errors
            self.keys(item, path, _MISCONCEPTION_KEYS, _MISCONCEPTION_KEYS)
            misconception_id = self.identifier(item, "id", path, define="misconception")
            name = self.text(item, "name", path)
            card = self.identifier(item, "card", path, refer="card")
            if self.errors == before:
                misconceptions.append(Misconception(id=misconception_id, name=name, card=card, file=self.file, line=item.line))
        return Taxonomy(topics=tuple(topics), sources=tuple(sources), misconceptions=tuple(misconceptions), file=self.file, line=root.line)

    # --- questions and cards -------------------------------------------------------------

    def question(self, node: YMap, path: str) -> Question | None:
        """The question, or None when it has errors (they are reported; it is left out of the library)."""
        before = self.errors
        self.keys(node, path, _QUESTION_KEYS, ("id", "kind", "difficulty", "stem", "options"))
        question_id = self.identifier(node, "id", path, define="question")
        kind = self.choice(node, "kind", path, QUESTION_KINDS)
        difficulty = self.integer(node, "difficulty", path, 1, 3)
        topics = self.id_list(node, "topics", path, refer="topic")
        if topics == ():
            self.problem(node.line, node.column, join(path, "topics"), "missing (a question without topics is left out of topic drills and statistics)", WARNING)
        source = self.identifier(node, "source", path, refer="source")
        stem = self.text(node, "stem", path)
        if isinstance(stem, Text) and isinstance(question_id, str):
            folded = " ".join((stem.en or stem.ko or "").split()).casefold()
            self.result.stems.append(Stem(folded, question_id, self.file, *self.value_mark(node, "stem"), join(path, "stem")))
        options = self.options(node, path, kind)
        cards = self.id_list(node, "cards", path, refer="card")
        scene = self.scene(node, "scene", path)
        if self.errors > before:
            return None
        return Question(
            id=question_id, kind=kind, difficulty=difficulty, stem=stem, options=options, topics=topics,
            source=source, cards=cards, scene=scene, file=self.file, line=node.line,
        )

    def options(self, node: YMap, path: str, kind: str | None) -> tuple[Option, ...] | None | Any:
        value = self.sequence(node, "options", path)
        if not isinstance(value, YSeq):
            return value
        options_path = join(path, "options")
        if not MIN_OPTIONS <= len(value) <= MAX_OPTIONS:
            self.problem(*self.value_mark(node, "options"), options_path, f"needs {MIN_OPTIONS} to {MAX_OPTIONS} options, got {len(value)}")
            return BAD
        options: list[Option] = []
        ok = True
        seen_keys: set[str] = set()
        for index, item in enumerate(value):
            option_path = f"{options_path}[{index}]"
            if not isinstance(item, YMap):
                self.problem(*value.marks[index], option_path, f"must be a mapping, got {describe(item)}")
                ok = False
                continue
            option = self.option(item, option_path, OPTION_KEYS[index], seen_keys)
            if option is None:
                ok = False
            else:
                options.append(option)
        if not ok:
            return BAD
        correct = [option.key for option in options if option.correct]
        where = self.value_mark(node, "options")
        if kind == "single" and len(correct) != 1:
            if correct:
                self.problem(*where, options_path, f"a single question needs exactly one correct option, found {len(correct)} ({', '.join(correct)}); use kind: multi for select-all-that-apply")
            else:
                self.problem(*where, options_path, "a single question needs exactly one correct option, found none")
        elif kind == "multi" and not correct:
            self.problem(*where, options_path, "a multi question needs at least one correct option, found none")
        return tuple(options)

    def option(self, node: YMap, path: str, expected_key: str, seen_keys: set[str]) -> Option | None:
        self.keys(node, path, _OPTION_KEYS, ("key", "text", "correct", "explanation"))
        key = self.string(node, "key", path)
        if isinstance(key, str):
            if key in seen_keys:
                key = self.bad_value(node, "key", path, f"duplicate option key {key!r}")
            elif key != expected_key:
                key = self.bad_value(node, "key", path, f"expected {expected_key!r} here, got {key!r} (keys run a, b, c… in order, one letter each)")
            else:
                seen_keys.add(key)
        text = self.text(node, "text", path)
        correct = self.boolean(node, "correct", path)
        explanation = self.text(node, "explanation", path)
        misconception = self.identifier(node, "misconception", path, refer="misconception")
        if correct is True and isinstance(misconception, str):
            self.bad_value(node, "misconception", path, "only a wrong option can test a misconception; this one is correct")
        scene = self.scene(node, "scene", path)
        if BAD in (key, text, correct, explanation, misconception, scene) or None in (key, text, correct, explanation):
            return None
        return Option(key=key, text=text, correct=correct, explanation=explanation, misconception=misconception, scene=scene, line=node.line)

    def card(self, node: YMap, path: str) -> Card | None:
        """The card, or None when it has errors (they are reported; it is left out of the library)."""
        before = self.errors
        self.keys(node, path, _CARD_KEYS, ("id", "front", "back"))
        card_id = self.identifier(node, "id", path, define="card")
        front = self.text(node, "front", path)
        back = self.text(node, "back", path)
        key_points: list[Text] | Any = []
        points = self.sequence(node, "key_points", path)
        if isinstance(points, YSeq):
            for index, point in enumerate(points):
                read = self.text_value(point, *points.marks[index], f"{join(path, 'key_points')}[{index}]")
                key_points = BAD if read is BAD or key_points is BAD else [*key_points, read]
        elif points is BAD:
            key_points = BAD
        topics = self.id_list(node, "topics", path, refer="topic")
        if topics == ():
            self.problem(node.line, node.column, join(path, "topics"), "missing (a card without topics is left out of topic drills and statistics)", WARNING)
        source = self.identifier(node, "source", path, refer="source")
        questions = self.id_list(node, "questions", path, refer="question")
        scene = self.scene(node, "scene", path)
        if self.errors > before:
            return None
        return Card(
            id=card_id, front=front, back=back, key_points=tuple(key_points), topics=topics, source=source,
            questions=questions, scene=scene, file=self.file, line=node.line,
        )

    # --- scenes --------------------------------------------------------------------------

    def named_params(self, family: str, table: Mapping[str, Any], name: str, params: Mapping[str, Any], holder: YMap, path: str) -> dict[str, Any] | Any:
        """Check `params` of `name` against the descent core's table; report at the offending key."""
        for key, value in params.items():
            if _too_large(value):
                return self.bad_value(holder, key, path, f"{value if isinstance(value, int) else 'a value'} is too large")
        try:
            return check_params(family, table, name, params)
        except DescentError as exc:
            specs = {spec.name: spec for spec in table[name]}
            where, where_path = (holder.line, holder.column), path
            for key, value in params.items():
                if key not in specs:
                    where, where_path = self.key_mark(holder, key), join(path, key)
                    break
                try:
                    coerce(f"{family} {name!r}", specs[key], value)
                except DescentError:
                    where, where_path = self.value_mark(holder, key), join(path, key)
                    break
            self.problem(*where, where_path, str(exc))
            return BAD

    def scene(self, parent: YMap, key: str, path: str) -> Scene | None | Any:
        value = parent.get(key)
        if value is None:
            return None
        scene_path = join(path, key)
        node = self.mapping(value, *self.value_mark(parent, key), scene_path)
        if node is BAD:
            return BAD
        self.keys(node, scene_path, _SCENE_KEYS, ("surface", "steps", "runs"), elsewhere=(_RUN_KEYS, "each run"))
        surface = self.string(node, "surface", scene_path)
        params_node = node.get("params")
        params: Any = {}
        if params_node is not None:
            params = self.mapping(params_node, *self.value_mark(node, "params"), join(scene_path, "params"))
        dim = None
        if isinstance(surface, str):
            if surface not in SURFACES:
                surface = self.bad_value(node, "surface", scene_path, f"unknown surface {surface!r}" + suggestion(surface, SURFACES))
            elif params is not BAD:
                holder = params if isinstance(params, YMap) else node
                if self.named_params("surface", SURFACES, surface, params, holder, join(scene_path, "params")) is BAD:
                    params = BAD
                else:
                    try:
                        dim = make_surface(surface, **params).dim
                    except DescentError as exc:
                        params = self.bad_value(node, "params" if "params" in node else "surface", scene_path, str(exc))
        steps = self.integer(node, "steps", scene_path, 1, MAX_STEPS)
        show = self.show(node, scene_path)
        caption = self.text(node, "caption", scene_path)
        runs, claim_marks = self.runs(node, scene_path, dim, steps if isinstance(steps, int) else None)
        values = (surface, params, steps, show, caption, runs)
        if BAD in values or None in (surface, steps, runs):
            return BAD
        scene = Scene(
            surface=surface, steps=steps, runs=runs, params=FrozenMap(params), show=show,
            caption=caption, file=self.file, line=node.line,
        )
        self.result.scenes.append(SceneSite(scene, self.file, scene_path, node.line, node.column, claim_marks))
        return scene

    def show(self, node: YMap, path: str) -> tuple[str, ...] | Any:
        value = node.get("show")
        if value is None:
            return DEFAULT_SHOW
        if isinstance(value, str):
            value_list = [value]
            marks = [self.value_mark(node, "show")]
        elif isinstance(value, YSeq) and value:
            value_list, marks = list(value), list(value.marks)
        else:
            return self.bad_value(node, "show", path, f"must be a list of {', '.join(SHOW_CHOICES)}, got {describe(value)}")
        shown: list[str] = []
        for index, (item, mark) in enumerate(zip(value_list, marks)):
            if item not in SHOW_CHOICES or item in shown:
                problem = f"{item!r} is listed twice" if item in shown else f"must be one of {', '.join(SHOW_CHOICES)}, got {describe(item)}"
                self.problem(*mark, f"{join(path, 'show')}[{index}]", problem)
                return BAD
            shown.append(item)
        return tuple(shown)

    def runs(self, node: YMap, path: str, dim: int | None, steps: int | None) -> tuple[tuple[SceneRun, ...] | None | Any, dict]:
        value = self.sequence(node, "runs", path)
        claim_marks: dict[tuple[int, str], tuple[int, int]] = {}
        if not isinstance(value, YSeq):
            return value, claim_marks
        runs_path = join(path, "runs")
        if not 1 <= len(value) <= MAX_SCENE_RUNS:
            self.problem(*self.value_mark(node, "runs"), runs_path, f"needs 1 to {MAX_SCENE_RUNS} runs, got {len(value)}")
            return BAD, claim_marks
        runs: list[SceneRun] = []
        ids: dict[str, int] = {}
        ok = True
        pending: list[tuple[str, int, YMap, str]] = []  # ends_lower_than targets, checked once all ids are known
        for index, item in enumerate(value):
            run_path = f"{runs_path}[{index}]"
            if not isinstance(item, YMap):
                self.problem(*value.marks[index], run_path, f"must be a mapping, got {describe(item)}")
                ok = False
                continue
            run = self.run(item, run_path, index, dim, steps, claim_marks, pending)
            if run is None:
                ok = False
            elif run.id in ids:
                self.bad_value(item, "id", run_path, f"duplicate run id {run.id!r} in this scene (first in runs[{ids[run.id]}])")
                ok = False
            else:
                runs.append(run)
            written_id = item.get("id")
            ids.setdefault(written_id if isinstance(written_id, str) else f"run-{index + 1}", index)
        for target, index, expect_node, expect_path in pending:
            if ids.get(target) == index:
                self.bad_value(expect_node, "ends_lower_than", expect_path, "a run cannot end lower than itself")
                ok = False
            elif target not in ids:
                self.bad_value(expect_node, "ends_lower_than", expect_path, f"no run {target!r} in this scene" + suggestion(target, ids))
                ok = False
        return (tuple(runs) if ok else BAD), claim_marks

    def run(self, node: YMap, path: str, index: int, dim: int | None, steps: int | None, claim_marks: dict, pending: list) -> SceneRun | None:
        self.keys(node, path, _RUN_KEYS, ("lr",))
        run_id = self.identifier(node, "id", path, run=True)
        label = self.text(node, "label", path, plain_ok=True)
        optimizer = self.string(node, "optimizer", path)
        if optimizer is None:
            optimizer = "sgd"
        elif isinstance(optimizer, str) and optimizer not in OPTIMIZERS:
            optimizer = self.bad_value(node, "optimizer", path, f"unknown optimizer {optimizer!r}" + suggestion(optimizer, OPTIMIZERS))
        lr = self.number(node, "lr", path, positive=True)
        settings_node = node.get("settings")
        settings: Any = {}
        if settings_node is not None:
            settings = self.mapping(settings_node, *self.value_mark(node, "settings"), join(path, "settings"))
        if isinstance(optimizer, str) and settings is not BAD:
            holder = settings if isinstance(settings, YMap) else node
            if self.named_params("optimizer", OPTIMIZERS, optimizer, settings, holder, join(path, "settings")) is BAD:
                settings = BAD
        schedule = self.schedule(node, path, steps)
        x0 = self.start(node, path, dim)
        max_norm = self.number(node, "max_norm", path, positive=True)
        expect = self.expect(node, path, index, steps, claim_marks, pending)
        values = (run_id, label, optimizer, lr, settings, schedule, x0, max_norm, expect)
        if BAD in values or lr is None:
            return None
        return SceneRun(
            id=run_id or f"run-{index + 1}", lr=lr, optimizer=optimizer, label=label, settings=FrozenMap(settings),
            schedule=schedule, x0=x0, max_norm=max_norm, expect=expect, line=node.line,
        )

    def start(self, node: YMap, path: str, dim: int | None) -> tuple[float, ...] | None | Any:
        value = node.get("x0")
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value_list = [value]
        elif isinstance(value, YSeq):
            value_list = list(value)
        else:
            return self.bad_value(node, "x0", path, f"must be a list of numbers, got {describe(value)}")
        if not all(finite_number(item) for item in value_list):
            return self.bad_value(node, "x0", path, "must be a list of finite numbers")
        if dim is not None and len(value_list) != dim:
            return self.bad_value(node, "x0", path, f"has {len(value_list)} value{'s' if len(value_list) != 1 else ''} but the surface is {dim}-D")
        return tuple(float(item) for item in value_list)

    def schedule(self, node: YMap, path: str, steps: int | None) -> tuple[ScheduleStep, ...] | Any:
        value = node.get("schedule")
        if value is None:
            return ()
        schedule_path = join(path, "schedule")
        if isinstance(value, YMap):
            entries = [(value, schedule_path)]
        elif isinstance(value, YSeq) and value:
            entries = []
            for index, item in enumerate(value):
                item_path = f"{schedule_path}[{index}]"
                if not isinstance(item, YMap):
                    self.problem(*value.marks[index], item_path, f"must be a mapping with a name, got {describe(item)}")
                    return BAD
                entries.append((item, item_path))
        else:
            return self.bad_value(node, "schedule", path, f"must be a mapping such as {{name: cosine}} or a list of them, got {describe(value)}")
        chain: list[ScheduleStep] = []
        ok = True
        for position, (entry, entry_path) in enumerate(entries):
            name = self.string(entry, "name", entry_path)
            if name is None:
                self.problem(entry.line, entry.column, join(entry_path, "name"), "missing" + suggestion("", SCHEDULES))
                ok = False
                continue
            if name is BAD:
                ok = False
                continue
            if name not in SCHEDULES:
                self.bad_value(entry, "name", entry_path, f"unknown schedule {name!r}" + suggestion(name, SCHEDULES))
                ok = False
                continue
            params = {key: item for key, item in entry.items() if key not in ("name", "until")}
            if self.named_params("schedule", SCHEDULES, name, params, entry, entry_path) is BAD:
                ok = False
                continue
            last = position == len(entries) - 1
            until = entry.get("until")
            if until is not None:
                if isinstance(until, bool) or not isinstance(until, int):
                    self.bad_value(entry, "until", entry_path, f"must be a whole number (the update where the next schedule starts), got {describe(until)}")
                    ok = False
                    continue
                if last:
                    reason = "the last schedule of a chain runs to the end" if len(entries) > 1 else "a single schedule runs to the end"
                    self.bad_value(entry, "until", entry_path, f"not allowed here: {reason}")
                    ok = False
                    continue
                previous = chain[-1].until if chain and chain[-1].until is not None else 0
                if until <= previous or (steps is not None and until >= steps):
                    limit = f" and below steps ({steps})" if steps is not None else ""
                    self.bad_value(entry, "until", entry_path, f"must be above {previous}{limit}, got {until}")
                    ok = False
                    continue
            elif not last:
                self.problem(entry.line, entry.column, join(entry_path, "until"), "missing: each schedule but the last needs `until`, the update where the next one starts")
                ok = False
                continue
            if name == PLATEAU and len(entries) > 1:
                self.bad_value(entry, "name", entry_path, "reduce-on-plateau cannot be chained with other schedules")
                ok = False
                continue
            chain.append(ScheduleStep(name=name, params=FrozenMap(params), until=until))
        return tuple(chain) if ok else BAD

    def expect(self, node: YMap, path: str, index: int, steps: int | None, claim_marks: dict, pending: list) -> Expect | None | Any:
        value = node.get("expect")
        if value is None:
            return None
        expect_path = join(path, "expect")
        expect = self.mapping(value, *self.value_mark(node, "expect"), expect_path)
        if expect is BAD:
            return BAD
        self.keys(expect, expect_path, EXPECT_CLAIMS)
        high = steps if steps is not None else MAX_STEPS
        claims = {
            "regime": self.choice(expect, "regime", expect_path, REGIMES),
            "converged_by": self.integer(expect, "converged_by", expect_path, 0, high),
            "diverged_by": self.integer(expect, "diverged_by", expect_path, 0, high),
            "ends_lower_than": self.identifier(expect, "ends_lower_than", expect_path, run=True),
            "ends_in_global_minimum": self.boolean(expect, "ends_in_global_minimum", expect_path),
            "final_loss_below": self.number(expect, "final_loss_below", expect_path),
        }
        if BAD in claims.values():
            return BAD
        for claim in claims:
            if claim in expect:
                claim_marks[(index, claim)] = self.value_mark(expect, claim)
        if isinstance(claims["ends_lower_than"], str):
            pending.append((claims["ends_lower_than"], index, expect, expect_path))
        return Expect(**{claim: item for claim, item in claims.items() if item is not None})


def read_document(document: Document, file: str) -> FileResult:
    """Read a loaded document into models, with every problem the file shows on its own."""
    return Reader(file, document.text).read(document)
