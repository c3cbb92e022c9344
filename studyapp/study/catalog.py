"""The little the study layer needs to know about the content, as plain data.

The app builds a `Catalog` from the loaded library and hands it in, so scheduling and statistics
work on ids alone and never parse content themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Catalog:
    """Items, their topics and the links used to repair a wrong answer.

    - `kinds`: item id -> "question" or "card", in study order (the order new items are introduced).
    - `topics`: item id -> the topic ids it belongs to.
    - `topic_names`: topic id -> display name, in the order topics are listed.
    - `linked_cards`: question id -> its related concept card ids.
    - `misconceptions`: (question id, option key) -> the misconception that option tests.
    - `repair_cards`: misconception id -> the concept card that repairs it.
    - `misconception_names`: misconception id -> display name.
    """

    kinds: Mapping[str, str] = field(default_factory=dict)
    topics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    topic_names: Mapping[str, str] = field(default_factory=dict)
    linked_cards: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    misconceptions: Mapping[tuple[str, str], str] = field(default_factory=dict)
    repair_cards: Mapping[str, str] = field(default_factory=dict)
    misconception_names: Mapping[str, str] = field(default_factory=dict)

    def topic_order(self) -> list[str]:
        """Named topics in their listed order, then any other topic an item mentions."""
        order = list(self.topic_names)
        seen = set(order)
        for item_topics in self.topics.values():
            for topic in item_topics:
                if topic not in seen:
                    seen.add(topic)
                    order.append(topic)
        return order

    def topic_name(self, topic: str) -> str:
        return self.topic_names.get(topic, topic)

    def items_in_topics(self, topics: Iterable[str]) -> dict[str, str]:
        """Items (id -> kind, in study order) belonging to any of `topics`: e.g. to drill weak topics."""
        wanted = set(topics)
        return {
            item_id: kind for item_id, kind in self.kinds.items() if wanted.intersection(self.topics.get(item_id, ()))
        }

    def cards_for_wrong_answer(self, question_id: str, chosen: Iterable[str]) -> tuple[str, ...]:
        """The concept cards to bring forward after a wrong answer: the question's own cards,
        then the cards repairing the misconceptions its chosen options test."""
        cards = list(self.linked_cards.get(question_id, ()))
        for key in chosen:
            misconception = self.misconceptions.get((question_id, key))
            card = self.repair_cards.get(misconception) if misconception else None
            if card is not None:
                cards.append(card)
        return tuple(dict.fromkeys(cards))
