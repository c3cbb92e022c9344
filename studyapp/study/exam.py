"""Mock exams: drawing questions across topics and scoring the result per topic.

The exam screen records each answer as it is given (mode "exam") and, at the end, saves an
`ExamResult` with one row per question; these helpers hold the parts that need no screen.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studyapp.study.catalog import Catalog
from studyapp.study.records import ExamResult

DEFAULT_EXAM_SIZE = 20


def draw_exam_questions(catalog: Catalog, count: int = DEFAULT_EXAM_SIZE, *, rng: random.Random) -> list[str]:
    """`count` distinct questions spread over the topics as evenly as the content allows.

    Questions are grouped by their first topic; the groups are visited in turn, taking one
    random question from each, so no topic is left out while another is drawn twice.
    """
    if count < 1:
        raise ValueError(f"an exam needs at least one question, got {count}")
    groups: dict[str, list[str]] = {}
    for item_id, kind in catalog.kinds.items():
        if kind == "question":
            topics = catalog.topics.get(item_id, ())
            groups.setdefault(topics[0] if topics else "", []).append(item_id)
    for members in groups.values():
        rng.shuffle(members)
    order = list(groups)
    rng.shuffle(order)
    drawn: list[str] = []
    while len(drawn) < count and any(groups.values()):
        for topic in order:
            if groups[topic] and len(drawn) < count:
                drawn.append(groups[topic].pop())
    rng.shuffle(drawn)
    return drawn


@dataclass(frozen=True)
class TopicScore:
    topic: str
    name: str
    correct: int
    questions: int

    @property
    def score(self) -> float:
        return self.correct / self.questions


def score_by_topic(result: ExamResult, catalog: Catalog) -> list[TopicScore]:
    """The exam's score per topic, in the catalog's topic order (a question counts in each of its topics)."""
    tallies: dict[str, list[int]] = {}
    for item in result.items:
        for topic in catalog.topics.get(item.question_id, ()):
            tally = tallies.setdefault(topic, [0, 0])
            tally[0] += item.correct
            tally[1] += 1
    order = catalog.topic_order()
    ranked = sorted(tallies, key=order.index)
    return [TopicScore(topic, catalog.topic_name(topic), *tallies[topic]) for topic in ranked]
