"""The study layer's view of loaded content: the one bridge between `content` and `study`.

The study layer works on plain ids and names so that it never depends on the YAML models;
this module builds that view once, for the app and the commands alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from studyapp.content.models import Bank, CardDeck, Taxonomy
from studyapp.study import Catalog


def catalog_from_content(banks: Iterable[Bank], decks: Iterable[CardDeck], taxonomy: Taxonomy, language: str) -> Catalog:
    """The study layer's view of loaded content (banks, card decks, taxonomy) in one language."""
    kinds: dict[str, str] = {}
    topics: dict[str, tuple[str, ...]] = {}
    linked: dict[str, tuple[str, ...]] = {}
    misconceptions: dict[tuple[str, str], str] = {}
    for bank in banks:
        for question in bank.questions:
            kinds[question.id] = "question"
            topics[question.id] = tuple(question.topics)
            linked[question.id] = tuple(question.cards)
            for option in question.options:
                if option.misconception:
                    misconceptions[(question.id, option.key)] = option.misconception
    for deck in decks:
        for card in deck.cards:
            kinds[card.id] = "card"
            topics[card.id] = tuple(card.topics)
    return Catalog(
        kinds=kinds,
        topics=topics,
        topic_names={topic.id: topic.name.get(language) for topic in taxonomy.topics},
        linked_cards=linked,
        misconceptions=misconceptions,
        repair_cards={item.id: item.card for item in taxonomy.misconceptions},
        misconception_names={item.id: item.name.get(language) for item in taxonomy.misconceptions},
    )
