"""The learner's whole journey through the app, driven by keys with Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from studyapp.study import open_store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.help import HelpScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.practice import PracticeScreen
from studyapp.tui.screens.summary import SummaryScreen
from studyapp.tui.widgets.bank_table import BankTable
from studyapp.tui.widgets.options import OptionsView


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def option_texts(screen) -> list[str]:
    options = screen.query_one(OptionsView)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def start(app: StudyApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_answering_right_and_wrong_explains_every_option_and_saves_each_answer(demo_library, data_dir: Path) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one(BankTable)
        assert [str(cell) for cell in table.get_row_at(0)[:2]] == ["Demo bank", "3"]

        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        assert "which learning rate makes gradient descent diverge" in text_of(screen, "#stem")
        assert screen.panel.playthrough is None  # the scene waits for the answer

        await pilot.press("a", "s", "enter")
        assert text_of(screen, "#verdict").startswith("✔ Right")
        question = demo_library.banks[0].questions[0]
        for prompt, option in zip(option_texts(screen), question.options, strict=True):
            assert option.explanation.get("en") in prompt
        assert "[correct · your choice]" in option_texts(screen)[0]

        with open_store(data_dir) as store:
            [answer] = store.answers()
        assert (answer.question_id, answer.chosen, answer.correct, answer.confidence) == (
            "q-demo-overshoot", ("a",), True, "sure"
        )
        assert answer.content_hash == question.content_hash

        await pilot.press("enter")  # next: the multi question
        await pilot.press("a", "c", "enter")
        verdict = text_of(screen, "#verdict")
        assert verdict.startswith("✘ Wrong") and "Missed: b" in verdict and "Wrongly chosen: c" in verdict
        with open_store(data_dir) as store:
            answers = store.answers()
        assert [(a.question_id, a.chosen, a.correct) for a in answers][-1] == ("q-demo-stable", ("a", "c"), False)

        await pilot.press("enter", "right")  # to the last question, then skip it
        assert isinstance(app.screen, SummaryScreen)
        summary = text_of(app.screen, "#summary-body")
        assert "Answered: 2/3" in summary and "Right: 1 (50%)" in summary and "Skipped: 1" in summary

        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        await pilot.pause()
        row = [str(cell) for cell in app.screen.query_one(BankTable).get_row_at(0)]
        assert row[2:4] == ["2", "50%"]


async def test_the_plot_runs_after_submitting_and_follows_the_highlighted_option(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "a", "enter")
        screen = app.screen
        panel = screen.panel
        assert [label.get("en") for label in panel.spec.labels] == ["lr 0.1", "lr 1.05"]
        assert text_of(screen, "#scene-source") == "Scene: the question"

        before = panel.playthrough.k
        panel.advance(3)
        assert panel.playthrough.k > before
        assert panel.query_one("#sim-loss").chart is not None and panel.query_one("#sim-path").chart is not None

        await pilot.press("down")  # option b is wrong and has its own scene
        assert [label.get("en") for label in panel.spec.labels] == ["lr 0.001"]
        assert text_of(screen, "#scene-source") == "Scene: option b"
        await pilot.press("down")  # option c has none: back to the question's
        assert [label.get("en") for label in panel.spec.labels] == ["lr 0.1", "lr 1.05"]


async def test_lowering_the_lr_turns_divergence_into_convergence(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "a", "enter")
        panel = app.screen.panel
        panel.finish()
        assert [regime.kind for regime in panel.playthrough.regimes] == ["converged", "diverged"]
        assert "diverged at update" in str(panel.legend())

        before = panel.playthrough
        await pilot.press("minus")  # every lr ÷ 1.25: 1.05 becomes 0.84 < 2/L = 1
        # A new run from the start, playing (or, on a stalled machine, already played through).
        assert panel.playthrough is not before and panel.playthrough.lr_scale == pytest.approx(0.8)
        assert panel.playing or panel.playthrough.done
        panel.set_playing(False)
        panel.finish()
        assert [regime.kind for regime in panel.playthrough.regimes] == ["converged", "converged"]
        assert "lr now 0.84" in str(panel.legend())


async def test_language_switch_relabels_everything_and_is_remembered(demo_library, data_dir: Path) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("l")
        assert app.lang == "ko"
        assert text_of(app.screen, "#home-title") == "studyapp — 눈으로 보는 학습률"
        assert str(app.screen.query_one(BankTable).get_row_at(0)[0]) == "시험 문제 은행"
        await pilot.press("enter")
        assert "발산시키는 학습률은" in text_of(app.screen, "#stem")
        assert text_of(app.screen, "#practice-top").endswith("3문항 중 1번")
        await pilot.press("l")
        assert "which learning rate" in text_of(app.screen, "#stem")
    with open_store(data_dir) as store:
        assert store.settings().language == "en"

    reopened = StudyApp(library=demo_library, animate=False)  # no --lang: the saved setting wins
    async with reopened.run_test(size=(100, 30)) as pilot:
        await start(reopened, pilot)
        assert reopened.lang == "en"


async def test_saved_korean_is_used_when_no_language_is_given(demo_library, data_dir: Path) -> None:
    with open_store(data_dir) as store:
        store.update_settings(language="ko")
    app = StudyApp(library=demo_library, animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        assert app.lang == "ko"
        assert text_of(app.screen, "#home-language") == "언어: 한국어"


async def test_help_lists_the_screen_keys_and_closes(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "f1")
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("#help-screen-keys", Static)
        rendered = app.screen.query_one("#help-global-keys", Static)
        assert keys.content is not None and rendered.content is not None
        await pilot.press("escape")
        assert isinstance(app.screen, PracticeScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_theme_toggles_between_dark_and_light_and_is_saved(demo_library, data_dir: Path) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        assert app.current_theme.dark
        await pilot.press("t")
        assert not app.current_theme.dark
    with open_store(data_dir) as store:
        assert store.settings().theme == app.theme


async def test_flag_skip_previous_and_escape_home(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "m")
        screen = app.screen
        assert "⚑ flagged" in text_of(screen, "#practice-top")
        await pilot.press("right")  # skip
        assert screen.index == 1
        await pilot.press("left")
        assert screen.index == 0 and screen.attempts[0].skipped
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_small_terminal_stacks_the_plot_under_the_question_and_z_hides_it(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(70, 22)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "a", "enter")
        screen = app.screen
        question, plot = screen.query_one("#question-pane"), screen.query_one("#sim-column")
        assert plot.region.y >= question.region.bottom
        await pilot.press("z")
        assert not plot.display or plot.region.height == 0
        await pilot.resize_terminal(120, 40)
        await pilot.press("z")
        await pilot.pause()
        assert plot.region.x >= question.region.right  # wide again: side by side


async def test_resizing_never_breaks_the_feedback_screen(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="ko", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "right", "right", "a", "enter")  # the 2-D scene, contours and all
        panel = app.screen.panel
        for size in ((80, 24), (60, 18), (40, 12), (30, 8), (120, 40), (100, 30)):
            await pilot.resize_terminal(*size)
            panel.advance(5)
            await pilot.pause()
            for plot in panel.query("Plot"):
                width, height = plot.content_size
                if plot.display and width > 0 and height > 0:
                    strips = plot.render_lines(plot.content_region.reset_offset)
                    assert all(strip.cell_length == width for strip in strips), size
        assert str(panel.query_one("#sim-status", Static).content).startswith("❚❚ 일시정지 · 33/100")


async def test_footer_speaks_the_app_language(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "l")
        await pilot.pause()
        descriptions = {getattr(widget, "description", "") for widget in app.screen.query("LocalizedFooter *")}
        assert {"제출", "표시", "그래프"} <= descriptions


async def test_confidence_keys_set_and_clear_the_confidence_without_moving_on(demo_library, data_dir: Path) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "n")
        screen = app.screen
        assert (screen.index, screen.attempt.confidence) == (0, "unsure")
        await pilot.press("s")
        assert screen.attempt.confidence == "sure"
        await pilot.press("s")  # the same key again clears it
        assert screen.attempt.confidence is None
        await pilot.press("w", "a", "enter")
        with open_store(data_dir) as store:
            assert [answer.confidence for answer in store.answers()] == ["guessing"]
