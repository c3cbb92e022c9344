"""Review with Pilot: the due queue, automatic grades and overruling them, undo, cram, cards brought forward."""

from __future__ import annotations

import pytest
from fsrs import Rating
from textual.widgets import Static

from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.widgets.card_face import CardFace

from .modes_support import (
    START,
    Clock,
    Ticker,
    expected_due,
    load_modes_library,
    loaded,
    make_app,
    schedule_state,
    shown_keys,
    text_of,
)


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return load_modes_library(tmp_path_factory.mktemp("content") / "modes")


async def open_review(app, pilot, ticker: Ticker | None = None, **options) -> ReviewScreen:
    screen = ReviewScreen(clock=ticker or Ticker(), **options)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


async def test_answers_are_graded_automatically_and_the_due_date_follows_fsrs(library) -> None:
    app = make_app(library)
    clock, ticker = Clock(), Ticker()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot, clock)
        store = app.session.store
        screen = await open_review(app, pilot, ticker)
        # Nothing is due yet: every item is new, questions first, then the cards, in study order.
        assert [step.item_id for step in screen.steps] == [
            "q-limit", "q-small", "q-heavy", "q-beta", "card-step", "card-limit", "card-velocity", "card-warmup"
        ]
        assert "Review · 1 of 8 · question" == text_of(screen, "#rv-top")
        assert {"enter": "key.submit", "a": "key.choose", "x": "review.key.cram"}.items() <= shown_keys(screen).items()
        assert "1" not in shown_keys(screen)  # no grade before the answer

        await pilot.press("b", "enter")  # wrong
        verdict = text_of(screen, "#rv-verdict")
        assert verdict.startswith("✘ Wrong") and "Grade: Again (automatic)" in verdict
        assert store.card("q-limit").card.due == expected_due("q-limit", Rating.Again, START)
        assert [log.rating for log in store.reviews("q-limit")] == [Rating.Again]
        # The linked card and the card repairing option b's misconception are due now.
        assert "Added to review (2):\n  What does the learning rate scale?\n  Where is the stability limit on a…" in verdict
        for card_id in ("card-step", "card-limit"):
            assert store.card(card_id).card.due == START and not store.card(card_id).reviewed
        keys = shown_keys(screen)
        assert [keys[key] for key in "1234"] == ["grade.1", "grade.2", "grade.3", "grade.4"] and keys["u"] == "review.key.undo"

        await pilot.press("3")  # overrule: Good replaces Again, one log only
        assert "Grade: Good — 1–4 change it" in text_of(screen, "#rv-verdict")
        assert store.card("q-limit").card.due == expected_due("q-limit", Rating.Good, START)
        assert [log.rating for log in store.reviews("q-limit")] == [Rating.Good]

        await pilot.press("enter", "a", "s", "enter")  # right, sure and quick
        assert "Grade: Easy (automatic)" in text_of(screen, "#rv-verdict")
        assert store.card("q-small").card.due == expected_due("q-small", Rating.Easy, START)

        await pilot.press("enter", "a", "b", "n", "enter")  # multi, right but unsure
        assert "Grade: Hard (automatic)" in text_of(screen, "#rv-verdict")

        await pilot.press("enter")
        ticker.advance(120)  # far slower than a two-option question needs
        await pilot.press("a", "enter")
        assert "Grade: Hard (automatic)" in text_of(screen, "#rv-verdict")
        assert store.card("q-beta").card.due == expected_due("q-beta", Rating.Hard, START)
        answers = {answer.question_id: answer for answer in store.answers()}  # all at START: keyed, not ordered
        assert sorted(answers) == ["q-beta", "q-heavy", "q-limit", "q-small"]
        assert {answer.mode for answer in answers.values()} == {"review"}
        assert answers["q-beta"].time_ms == 120_000 and answers["q-small"].confidence == "sure"

        await pilot.press("enter")  # on to the first card
        assert screen.card is not None and screen.card.id == "card-step"


async def test_undo_restores_the_schedule_exactly_and_returns_to_the_item(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot, clock)
        store = app.session.store
        screen = await open_review(app, pilot)
        before = schedule_state(store)
        await pilot.press("b", "enter")
        assert schedule_state(store) != before

        await pilot.press("u")
        assert schedule_state(store) == before  # the grade and the cards it brought forward, all undone
        assert screen.step.item_id == "q-limit" and screen.step.rating is None
        verdict = text_of(screen, "#rv-verdict")
        assert "Grade Again undone" in verdict and "Added to review" not in verdict
        await pilot.press("enter")  # a grade is needed before moving on
        assert screen.step.item_id == "q-limit"
        await pilot.press("2")
        assert store.card("q-limit").card.due == expected_due("q-limit", Rating.Hard, START)
        assert {"card-step", "card-limit"} <= set(store.cards())  # the wrong answer brings them forward again

        # A card: graded, the screen moves on; undo comes back to it, turned over and ungraded.
        for _ in range(3):
            await pilot.press("enter", "a", "enter")
        await pilot.press("enter")
        assert screen.step.item_id == "card-step"
        card_before = schedule_state(store)
        await pilot.press("space", "4")
        assert screen.step.item_id == "card-limit"
        assert store.card("card-step").card.due == expected_due("card-step", Rating.Easy, START)
        await pilot.press("u")
        assert schedule_state(store) == card_before
        assert screen.step.item_id == "card-step" and screen.step.flipped
        assert "Grade Easy undone" in text_of(screen, "#rv-card-status")


async def test_cram_writes_no_schedule_and_is_clearly_labelled(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        reviewer = await loaded(app, pilot, clock)
        store = app.session.store
        reviewer.grade("q-small", "question", Rating.Good)  # one item already has a schedule
        clock.advance(hours=1)
        before = schedule_state(store)
        screen = await open_review(app, pilot)
        assert not screen.query_one("#rv-mode").display

        await pilot.press("x")
        assert screen.cram and screen.query_one("#rv-mode").display
        assert text_of(screen, "#rv-mode").startswith("CRAM — practice only: the schedule is not changed")
        # Every item, weakest first: the one with a schedule (some recall) comes last.
        assert len(screen.steps) == 8 and screen.steps[-1].item_id == "q-small"

        await pilot.press("b", "enter")  # wrong, in cram
        verdict = text_of(screen, "#rv-verdict")
        assert "Would be graded Again — cram: the schedule is not changed" in verdict and "Added to review" not in verdict
        assert "u" not in shown_keys(screen) and "1" not in shown_keys(screen)
        await pilot.press("enter")
        while screen.card is None:
            await pilot.press("a", "enter", "enter")
        await pilot.press("space", "1")  # a card in cram: counted, then the next one
        assert schedule_state(store) == before
        assert [answer.mode for answer in store.answers()] == ["cram"] * 3  # answers are kept, marked as cram

        await pilot.press("x")  # back to the schedule: what is due, and cram is off
        assert not screen.cram and not screen.query_one("#rv-mode").display


async def test_nothing_due_says_when_the_next_item_is(library) -> None:
    app = make_app(library)
    clock = Clock()
    async with app.run_test(size=(100, 30)) as pilot:
        reviewer = await loaded(app, pilot, clock)
        app.session.store.update_settings(daily_new_limit=0)
        result = reviewer.grade("q-small", "question", Rating.Good)
        screen = await open_review(app, pilot)
        assert screen.steps == []
        end = text_of(screen, "#rv-end")
        due = result.after.card.due
        assert "Nothing is due now." in end
        assert f"Next item due: {due.strftime('%Y-%m-%d %H:%M')}" in end
        assert "New items started today: 0 of 0" in end

        clock.advance(minutes=11)  # past the 10-minute learning step: due again
        await pilot.press("escape")
        screen = await open_review(app, pilot)
        assert [step.item_id for step in screen.steps] == ["q-small"]


async def test_korean_labels_and_a_card_turned_over(library) -> None:
    app = make_app(library, lang="ko")
    clock = Clock()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot, clock)
        screen = await open_review(app, pilot)
        assert text_of(screen, "#rv-top") == "복습 · 8개 중 1번째 · 문제"
        for _ in range(4):
            await pilot.press("a", "enter", "enter")
        assert screen.card.id == "card-step"
        face = screen.query_one(CardFace)
        assert not face.query_one("#card-back").display
        await pilot.press("space")
        assert str(face.query_one("#card-back", Static).content) == "갱신의 모든 스텝을."
        assert "핵심" in str(face.query_one("#card-points", Static).content)
        assert screen.panel.spec is not None  # the card's scene runs beside the back
        assert screen.query_one("#rv-question").display is False  # the card takes the question's place
