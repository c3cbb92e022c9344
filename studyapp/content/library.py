"""The loaded content as the app uses it: banks, card decks, the taxonomy, and the problems found."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from studyapp.content.models import (
    Bank,
    Card,
    CardDeck,
    Misconception,
    Question,
    Source,
    Taxonomy,
    Topic,
)
from studyapp.content.problems import Problem


def _index(items: Iterable[Any]) -> Mapping[str, Any]:
    return MappingProxyType({item.id: item for item in items})


@dataclass(frozen=True)
class Library:
    """All loaded content. Items with errors are left out; `problems` says why.

    Lookups by id (`questions`, `cards`, `topics`, `sources`, `misconceptions`) are read-only
    mappings built once.
    """

    banks: tuple[Bank, ...] = ()
    decks: tuple[CardDeck, ...] = ()
    taxonomy: Taxonomy = field(default_factory=Taxonomy)
    problems: tuple[Problem, ...] = ()
    files: tuple[str, ...] = ()
    questions: Mapping[str, Question] = field(init=False, repr=False, compare=False)
    cards: Mapping[str, Card] = field(init=False, repr=False, compare=False)
    topics: Mapping[str, Topic] = field(init=False, repr=False, compare=False)
    sources: Mapping[str, Source] = field(init=False, repr=False, compare=False)
    misconceptions: Mapping[str, Misconception] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", _index(question for bank in self.banks for question in bank.questions))
        object.__setattr__(self, "cards", _index(card for deck in self.decks for card in deck.cards))
        object.__setattr__(self, "topics", _index(self.taxonomy.topics))
        object.__setattr__(self, "sources", _index(self.taxonomy.sources))
        object.__setattr__(self, "misconceptions", _index(self.taxonomy.misconceptions))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if not problem.is_error)

    def bank_of(self, question_id: str) -> Bank | None:
        return next((bank for bank in self.banks if any(question.id == question_id for question in bank.questions)), None)

    def repair_card(self, misconception_id: str) -> Card | None:
        """The concept card that repairs a misconception, when both exist."""
        misconception = self.misconceptions.get(misconception_id)
        return self.cards.get(misconception.card) if misconception else None


def assemble(models: Iterable[Bank | CardDeck | Taxonomy], problems: Iterable[Problem], files: Iterable[str]) -> Library:
    """A Library from the models read, in precedence order: an id seen before is dropped (the problem is reported)."""
    seen: set[str] = set()

    def fresh(items: Iterable[Any]) -> tuple[Any, ...]:
        kept = []
        for item in items:
            if item.id not in seen:
                seen.add(item.id)
                kept.append(item)
        return tuple(kept)

    banks: list[Bank] = []
    decks: list[CardDeck] = []
    topics: list[Topic] = []
    sources: list[Source] = []
    misconceptions: list[Misconception] = []
    for model in models:
        if isinstance(model, Taxonomy):
            topics += fresh(model.topics)
            sources += fresh(model.sources)
            misconceptions += fresh(model.misconceptions)
        elif isinstance(model, Bank):
            if model.id not in seen:
                seen.add(model.id)
                banks.append(replace(model, questions=fresh(model.questions)))
        elif model.id not in seen:
            seen.add(model.id)
            decks.append(replace(model, cards=fresh(model.cards)))
    taxonomy = Taxonomy(topics=tuple(topics), sources=tuple(sources), misconceptions=tuple(misconceptions))
    return Library(banks=tuple(banks), decks=tuple(decks), taxonomy=taxonomy, problems=tuple(problems), files=tuple(files))
