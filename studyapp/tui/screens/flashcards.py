"""Flashcards: concept cards, front first; Space turns a card over, 1–4 grade it, `u` undoes.

The card's scene, if it has one, runs beside the back. This is the review screen limited to
concept cards: the due ones first, then new ones up to the daily limit; `x` crams every card
without changing the schedule.
"""

from __future__ import annotations

from collections.abc import Sequence

from studyapp.tui.screens.review import ReviewScreen, Scope, can_study


class FlashcardsScreen(ReviewScreen):
    """Review limited to concept cards (all of them, or the ones given)."""

    CSS_PATH = ["review.tcss", "flashcards.tcss"]

    def __init__(self, cards: Sequence[str] | None = None, **options) -> None:
        scope = Scope(
            title_key="flashcards.title",
            kinds=("card",),
            items=tuple(cards) if cards is not None else None,
            order="given" if cards is not None else "due",
        )
        super().__init__(scope, **options)


def open_flashcards(app, cards: Sequence[str] | None = None) -> None:
    """The cards due now (Home's `f`, the command palette), or just `cards` (a misconception's repair card)."""
    if can_study(app):
        app.push_screen(FlashcardsScreen(cards))
