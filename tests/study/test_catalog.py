"""The catalog: what the study layer knows of the content, built from the content models."""

from __future__ import annotations

from studyapp.catalog import catalog_from_content
from studyapp.content.models import Bank, CardDeck, Taxonomy
from studyapp.study import Catalog

TAXONOMY = Taxonomy.from_dict(
    {
        "topics": [
            {"id": "overshooting", "name": {"en": "Overshooting", "ko": "오버슈팅"}},
            {"id": "divergence", "name": {"en": "Divergence"}},
        ],
        "misconceptions": [
            {"id": "larger-lr-always-faster", "name": {"en": "Bigger is faster"}, "card": "card-overshooting"}
        ],
    }
)


def option(key, correct, misconception=None):
    data = {"key": key, "text": key, "correct": correct, "explanation": {"en": "why"}}
    if misconception:
        data["misconception"] = misconception
    return data


BANK = Bank.from_dict(
    {
        "id": "bank-one",
        "title": {"en": "One"},
        "questions": [
            {
                "id": "q-raise-lr",
                "kind": "single",
                "difficulty": 2,
                "topics": ["overshooting", "divergence"],
                "stem": {"en": "Which?"},
                "options": [option("a", True), option("b", False, "larger-lr-always-faster"), option("c", False)],
                "cards": ["card-step-size"],
            }
        ],
    }
)
DECK = CardDeck.from_dict(
    {
        "id": "cards-one",
        "title": {"en": "Cards"},
        "cards": [
            {"id": "card-overshooting", "front": {"en": "?"}, "back": {"en": "!"}, "topics": ["overshooting"]},
            {"id": "card-step-size", "front": {"en": "?"}, "back": {"en": "!"}, "topics": []},
        ],
    }
)


def test_catalog_from_content_models():
    catalog = catalog_from_content([BANK], [DECK], TAXONOMY, "ko")
    assert catalog.kinds == {"q-raise-lr": "question", "card-overshooting": "card", "card-step-size": "card"}
    assert catalog.topics["q-raise-lr"] == ("overshooting", "divergence")
    assert catalog.topic_names == {"overshooting": "오버슈팅", "divergence": "Divergence"}
    assert catalog.misconception_names == {"larger-lr-always-faster": "Bigger is faster"}
    assert catalog.cards_for_wrong_answer("q-raise-lr", ["b"]) == ("card-step-size", "card-overshooting")
    assert catalog.cards_for_wrong_answer("q-raise-lr", ["c"]) == ("card-step-size",)
    assert catalog.items_in_topics(["overshooting"]) == {"q-raise-lr": "question", "card-overshooting": "card"}


def test_topics_only_items_mention_still_get_listed():
    catalog = Catalog(kinds={"q": "question"}, topics={"q": ("warmup", "extra")}, topic_names={"warmup": "Warm-up"})
    assert catalog.topic_order() == ["warmup", "extra"]
    assert catalog.topic_name("extra") == "extra"
