"""The content as immutable typed models: banks of questions, concept cards, taxonomy, scenes.

Plain frozen dataclasses: loading builds them straight from the YAML in one pass (the
validator does the checking), so they need no validation machinery of their own.
`to_dict()` gives the file format's shape (what you would write in YAML) and `from_dict()`
reads it back. Items keep the `file` and `line` they were written at, for authors; those
two take no part in equality, so an item equals its round trip.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from studyapp.content.text import Text

DEFAULT_SHOW = ("loss", "path")
EXPECT_CLAIMS = ("regime", "converged_by", "diverged_by", "ends_lower_than", "ends_in_global_minimum", "final_loss_below")


def _location() -> Any:
    return field(default="", compare=False)


def _line() -> Any:
    return field(default=0, compare=False)


def _frozen(value: Any) -> Any:
    """Lists (from YAML) as tuples, so parameters are hashable and immutable."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


class FrozenMap(Mapping[str, Any]):
    """An immutable, hashable mapping: scene parameters and optimizer settings."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        self._items = {str(key): _frozen(value) for key, value in (items or {}).items()}

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


def _plain(value: Any) -> Any:
    """A parameter value as JSON/YAML data (tuples become lists)."""
    return [_plain(item) for item in value] if isinstance(value, tuple) else value


def _texts(items: Any) -> tuple[Text, ...]:
    return tuple(Text.from_dict(item) for item in items or ())


# --- taxonomy -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Topic:
    id: str
    name: Text
    file: str = _location()
    line: int = _line()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Topic:
        return cls(id=data["id"], name=Text.from_dict(data["name"]))


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A source note the content draws on; `note` is the note's file name (`file:` in YAML)."""

    id: str
    title: Text
    note: str | None = None
    file: str = _location()
    line: int = _line()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if self.note is not None:
            data["file"] = self.note
        data["title"] = self.title.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Source:
        return cls(id=data["id"], title=Text.from_dict(data["title"]), note=data.get("file"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Misconception:
    """A wrong belief an option can test, and the concept card that repairs it."""

    id: str
    name: Text
    card: str
    file: str = _location()
    line: int = _line()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name.to_dict(), "card": self.card}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Misconception:
        return cls(id=data["id"], name=Text.from_dict(data["name"]), card=data["card"])


@dataclass(frozen=True, slots=True, kw_only=True)
class Taxonomy:
    topics: tuple[Topic, ...] = ()
    sources: tuple[Source, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    file: str = _location()
    line: int = _line()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "taxonomy",
            "topics": [topic.to_dict() for topic in self.topics],
            "sources": [source.to_dict() for source in self.sources],
            "misconceptions": [item.to_dict() for item in self.misconceptions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Taxonomy:
        return cls(
            topics=tuple(Topic.from_dict(item) for item in data.get("topics") or ()),
            sources=tuple(Source.from_dict(item) for item in data.get("sources") or ()),
            misconceptions=tuple(Misconception.from_dict(item) for item in data.get("misconceptions") or ()),
        )


# --- scenes ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleStep:
    """One schedule of a run; `until` is the update where the next schedule of a chain takes over."""

    name: str
    params: FrozenMap = field(default_factory=FrozenMap)
    until: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, **{key: _plain(value) for key, value in self.params.items()}}
        if self.until is not None:
            data["until"] = self.until
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScheduleStep:
        params = {key: value for key, value in data.items() if key not in ("name", "until")}
        return cls(name=data["name"], params=FrozenMap(params), until=data.get("until"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Expect:
    """The claims a scene makes about one run; `None` means no claim."""

    regime: str | None = None
    converged_by: int | None = None
    diverged_by: int | None = None
    ends_lower_than: str | None = None
    ends_in_global_minimum: bool | None = None
    final_loss_below: float | None = None

    def claims(self) -> dict[str, Any]:
        """The claims made, by name, in the format's order."""
        return {name: value for name in EXPECT_CLAIMS if (value := getattr(self, name)) is not None}

    def to_dict(self) -> dict[str, Any]:
        return self.claims()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Expect:
        return cls(**{name: data[name] for name in EXPECT_CLAIMS if data.get(name) is not None})


@dataclass(frozen=True, slots=True, kw_only=True)
class SceneRun:
    """One run of a scene: an optimizer with its lr, settings, schedule and start point."""

    id: str
    lr: float
    optimizer: str = "sgd"
    label: Text | None = None
    settings: FrozenMap = field(default_factory=FrozenMap)
    schedule: tuple[ScheduleStep, ...] = ()
    x0: tuple[float, ...] | None = None
    max_norm: float | None = None
    expect: Expect | None = None
    line: int = _line()

    @property
    def label_text(self) -> Text:
        """The label to show: the written one, or "<optimizer> lr <lr>"."""
        return self.label if self.label is not None else Text.plain(f"{self.optimizer} lr {self.lr:g}")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if self.label is not None:
            data["label"] = self.label.to_dict()
        data["optimizer"] = self.optimizer
        data["lr"] = self.lr
        if self.settings:
            data["settings"] = {key: _plain(value) for key, value in self.settings.items()}
        if len(self.schedule) == 1:
            data["schedule"] = self.schedule[0].to_dict()
        elif self.schedule:
            data["schedule"] = [step.to_dict() for step in self.schedule]
        if self.x0 is not None:
            data["x0"] = list(self.x0)
        if self.max_norm is not None:
            data["max_norm"] = self.max_norm
        if self.expect is not None and self.expect.claims():
            data["expect"] = self.expect.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SceneRun:
        schedule = data.get("schedule") or ()
        if isinstance(schedule, Mapping):
            schedule = (schedule,)
        return cls(
            id=data["id"],
            lr=float(data["lr"]),
            optimizer=data.get("optimizer", "sgd"),
            label=Text.from_dict(data["label"]) if data.get("label") is not None else None,
            settings=FrozenMap(data.get("settings")),
            schedule=tuple(ScheduleStep.from_dict(step) for step in schedule),
            x0=tuple(float(value) for value in data["x0"]) if data.get("x0") is not None else None,
            max_norm=float(data["max_norm"]) if data.get("max_norm") is not None else None,
            expect=Expect.from_dict(data["expect"]) if data.get("expect") is not None else None,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Scene:
    """A simulation shown beside a question, option or card, and the claims it demonstrates."""

    surface: str
    steps: int
    runs: tuple[SceneRun, ...]
    params: FrozenMap = field(default_factory=FrozenMap)
    show: tuple[str, ...] = DEFAULT_SHOW
    caption: Text | None = None
    file: str = _location()
    line: int = _line()

    def run(self, run_id: str) -> SceneRun | None:
        return next((run for run in self.runs if run.id == run_id), None)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"surface": self.surface}
        if self.params:
            data["params"] = {key: _plain(value) for key, value in self.params.items()}
        data["steps"] = self.steps
        data["show"] = list(self.show)
        if self.caption is not None:
            data["caption"] = self.caption.to_dict()
        data["runs"] = [run.to_dict() for run in self.runs]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scene:
        return cls(
            surface=data["surface"],
            steps=int(data["steps"]),
            runs=tuple(SceneRun.from_dict(run) for run in data["runs"]),
            params=FrozenMap(data.get("params")),
            show=tuple(data.get("show") or DEFAULT_SHOW),
            caption=Text.from_dict(data["caption"]) if data.get("caption") is not None else None,
        )


def _scene_or_none(data: Any) -> Scene | None:
    return Scene.from_dict(data) if data is not None else None


# --- questions and cards --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One answer option with its own explanation of why it is right or wrong."""

    key: str
    text: Text
    correct: bool
    explanation: Text
    misconception: str | None = None
    scene: Scene | None = None
    line: int = _line()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "text": self.text.to_dict(), "correct": self.correct, "explanation": self.explanation.to_dict()}
        if self.misconception is not None:
            data["misconception"] = self.misconception
        if self.scene is not None:
            data["scene"] = self.scene.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Option:
        return cls(
            key=data["key"],
            text=Text.from_dict(data["text"]),
            correct=bool(data["correct"]),
            explanation=Text.from_dict(data["explanation"]),
            misconception=data.get("misconception"),
            scene=_scene_or_none(data.get("scene")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    """A multiple-choice question: `single` has exactly one correct option, `multi` one or more."""

    id: str
    kind: str
    difficulty: int
    stem: Text
    options: tuple[Option, ...]
    topics: tuple[str, ...] = ()
    source: str | None = None
    cards: tuple[str, ...] = ()
    scene: Scene | None = None
    file: str = _location()
    line: int = _line()

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(option.key for option in self.options if option.correct)

    def option(self, key: str) -> Option | None:
        return next((option for option in self.options if option.key == key), None)

    @property
    def content_hash(self) -> str:
        """A stable hash of what the learner answers: kind, stem and every option with its explanation.

        Progress records keep it, so an answer given to an earlier wording can be told apart.
        Topics, cards, scenes and difficulty are left out: editing them does not change the question.
        """
        visible = {
            "kind": self.kind,
            "stem": self.stem.to_dict(),
            "options": [[option.key, option.text.to_dict(), option.correct, option.explanation.to_dict()] for option in self.options],
        }
        encoded = json.dumps(visible, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "difficulty": self.difficulty, "topics": list(self.topics)}
        if self.source is not None:
            data["source"] = self.source
        data["stem"] = self.stem.to_dict()
        data["options"] = [option.to_dict() for option in self.options]
        if self.cards:
            data["cards"] = list(self.cards)
        if self.scene is not None:
            data["scene"] = self.scene.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        return cls(
            id=data["id"],
            kind=data["kind"],
            difficulty=int(data["difficulty"]),
            stem=Text.from_dict(data["stem"]),
            options=tuple(Option.from_dict(option) for option in data["options"]),
            topics=tuple(data.get("topics") or ()),
            source=data.get("source"),
            cards=tuple(data.get("cards") or ()),
            scene=_scene_or_none(data.get("scene")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    """A concept card: a question-like front, a teaching back, key points, related questions."""

    id: str
    front: Text
    back: Text
    key_points: tuple[Text, ...] = ()
    topics: tuple[str, ...] = ()
    source: str | None = None
    questions: tuple[str, ...] = ()
    scene: Scene | None = None
    file: str = _location()
    line: int = _line()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "front": self.front.to_dict(), "back": self.back.to_dict()}
        if self.key_points:
            data["key_points"] = [point.to_dict() for point in self.key_points]
        data["topics"] = list(self.topics)
        if self.source is not None:
            data["source"] = self.source
        if self.questions:
            data["questions"] = list(self.questions)
        if self.scene is not None:
            data["scene"] = self.scene.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Card:
        return cls(
            id=data["id"],
            front=Text.from_dict(data["front"]),
            back=Text.from_dict(data["back"]),
            key_points=_texts(data.get("key_points")),
            topics=tuple(data.get("topics") or ()),
            source=data.get("source"),
            questions=tuple(data.get("questions") or ()),
            scene=_scene_or_none(data.get("scene")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Bank:
    """A question bank file."""

    id: str
    title: Text
    questions: tuple[Question, ...]
    description: Text | None = None
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    file: str = _location()
    line: int = _line()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": "bank", "id": self.id, "title": self.title.to_dict()}
        if self.description is not None:
            data["description"] = self.description.to_dict()
        data["topics"] = list(self.topics)
        data["sources"] = list(self.sources)
        data["questions"] = [question.to_dict() for question in self.questions]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bank:
        return cls(
            id=data["id"],
            title=Text.from_dict(data["title"]),
            questions=tuple(Question.from_dict(question) for question in data["questions"]),
            description=Text.from_dict(data["description"]) if data.get("description") is not None else None,
            topics=tuple(data.get("topics") or ()),
            sources=tuple(data.get("sources") or ()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CardDeck:
    """A concept-card file."""

    id: str
    title: Text
    cards: tuple[Card, ...]
    description: Text | None = None
    file: str = _location()
    line: int = _line()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": "cards", "id": self.id, "title": self.title.to_dict()}
        if self.description is not None:
            data["description"] = self.description.to_dict()
        data["cards"] = [card.to_dict() for card in self.cards]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CardDeck:
        return cls(
            id=data["id"],
            title=Text.from_dict(data["title"]),
            cards=tuple(Card.from_dict(card) for card in data["cards"]),
            description=Text.from_dict(data["description"]) if data.get("description") is not None else None,
        )
