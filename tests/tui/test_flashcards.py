"""Flashcards with Pilot: front first, Space turns over, 1–4 grade by the fsrs schedule, u undoes, the scene beside the back."""

from __future__ import annotations

import pytest
from fsrs import Rating
from textual.widgets import Static

from studyapp.tui.screens.flashcards import FlashcardsScreen, open_flashcards
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.widgets.card_face import CardFace

from .modes_support import (
    START,
    Clock,
    expected_due,
    load_modes_library,
    loaded,
    make_app,
    schedule_state,
    shown_keys,
)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return load_modes_library(tmp_path_factory.mktemp("content") / "modes")


def face_text(screen, part: str) -> str:
    return str(screen.query_one(CardFace).query_one(f"#card-{part}", Static).content)


async def test_front_first_space_turns_over_and_each_grade_schedules_by_fsrs(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot, clock)
        store = app.session.store
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f")  # Home's key
        screen = app.screen
        assert isinstance(screen, FlashcardsScreen)
        assert [step.item_id for step in screen.steps] == ["card-step", "card-limit", "card-velocity", "card-warmup"]
        assert str(screen.query_one("#rv-top", Static).content) == "Flashcards · 1 of 4 · card"

        # Front only: no back, no key points, no scene yet; Space is the key on offer.
        assert face_text(screen, "front") == "What does the learning rate scale?"
        assert not screen.query_one(CardFace).query_one("#card-back").display
        assert screen.panel.spec is None
        assert shown_keys(screen).get("space") == "review.key.flip" and "1" not in shown_keys(screen)

        await pilot.press("space")
        assert face_text(screen, "back") == "Every step of the update."
        assert "Step = lr × gradient." in face_text(screen, "points")
        assert [label.get("en") for label in screen.panel.spec.labels] == ["lr 0.3"]  # the card's scene
        assert str(screen.query_one("#rv-scene-source", Static).content) == "Scene: the card"
        assert [shown_keys(screen)[key] for key in "1234"] == ["grade.1", "grade.2", "grade.3", "grade.4"]

        for key, rating in (("1", Rating.Again), ("2", Rating.Hard), ("3", Rating.Good)):
            card_id = screen.step.item_id
            if not screen.step.flipped:
                await pilot.press("space")
            await pilot.press(key)
            assert store.card(card_id).card.due == expected_due(card_id, rating, START)
            assert [log.rating for log in store.reviews(card_id)] == [rating]

        await pilot.press("space", "3")
        assert screen.step is None  # the end: what was graded, and u still undoes
        end = str(screen.query_one("#rv-end", Static).content)
        assert "Done: 4 item(s) graded." in end and "Again 1 · Hard 1 · Good 2 · Easy 0" in end


async def test_a_card_without_a_scene_says_so_and_u_undoes_the_last_grade(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot, clock)
        store = app.session.store
        open_flashcards(app, ["card-limit", "card-velocity"])
        await pilot.pause()
        screen = app.screen
        before = schedule_state(store)
        await pilot.press("space")
        assert screen.panel.spec is None and screen.panel.status() == "No simulation for this item."
        await pilot.press("4")
        assert screen.step.item_id == "card-velocity"
        assert store.card("card-limit").card.due == expected_due("card-limit", Rating.Easy, START)

        await pilot.press("u")
        assert schedule_state(store) == before
        assert screen.step.item_id == "card-limit" and screen.step.flipped and screen.step.rating is None
        await pilot.press("enter")  # turned over but ungraded: Enter does not skip it
        assert screen.step.item_id == "card-limit"
        await pilot.press("3")
        assert store.card("card-limit").card.due == expected_due("card-limit", Rating.Good, START)


async def test_flashcards_in_korean(library) -> None:
    app = make_app(library, lang="ko")
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot, clock)
        await pilot.press("f")
        screen = app.screen
        assert str(screen.query_one("#rv-top", Static).content) == "개념 카드 · 4개 중 1번째 · 카드"
        assert face_text(screen, "front") == "학습률은 무엇을 키우는가?"
        assert str(screen.query_one("#rv-card-status", Static).content) == "Space를 누르면 카드를 뒤집습니다."
        await pilot.press("space")
        assert str(screen.query_one("#rv-card-status", Static).content).startswith("평가하세요: 1 다시")
