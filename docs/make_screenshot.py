"""Regenerate docs/feedback.svg: a bundled question after answering, with its scene played.

Run from the repository root: `python docs/make_screenshot.py`.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from studyapp.content import load_library
from studyapp.tui.app import StudyApp

QUESTION = "q-over-five-rates"
SIZE = (120, 36)


async def main() -> None:
    library = load_library()
    bank = library.bank_of(QUESTION)
    position = [question.id for question in bank.questions].index(QUESTION)
    with tempfile.TemporaryDirectory() as data_dir:
        app = StudyApp(library=library, lang="en", data_dir=Path(data_dir), animate=False)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.start_practice(bank)
            await pilot.pause()
            await pilot.press(*["right"] * position)
            correct = next(option.key for option in library.questions[QUESTION].options if option.correct)
            await pilot.press(correct, "s", "enter")
            app.screen.panel.finish()
            await pilot.pause()
            app.save_screenshot(filename="feedback.svg", path=str(Path(__file__).parent))


if __name__ == "__main__":
    asyncio.run(main())
