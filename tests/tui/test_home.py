"""Home's notices (broken content, an unusable store), the command palette's commands, multi answers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import Static

from studyapp.content import Problem
from studyapp.tui.app import StudyApp
from studyapp.tui.commands import StudyCommands
from studyapp.tui.screens.practice import PracticeScreen


async def start(app: StudyApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def notices(app: StudyApp) -> str:
    return str(app.screen.query_one("#home-notices", Static).content)


async def test_a_broken_file_is_named_with_its_line_and_the_rest_loads(demo_library) -> None:
    broken = Problem("mine/banks/broken.yaml", 7, 3, "options[1].correct: expected true or false, got 'yes'")
    library = replace(demo_library, problems=(broken,))
    app = StudyApp(library=library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        text = notices(app)
        assert "1 content problem(s) — the rest loaded:" in text
        assert "mine/banks/broken.yaml:7:3: error: options[1].correct" in text
        await pilot.press("enter")  # the bank that did load is there to practise
        assert isinstance(app.screen, PracticeScreen)


async def test_user_content_directories_are_loaded_beside_the_bundled_banks(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "banks").mkdir(parents=True)
    bank = (Path(__file__).parent / "content" / "banks" / "demo.yaml").read_text(encoding="utf-8")
    bank = bank.replace("topics: [demo-steps]", "topics: [overshooting]").replace("demo-note", "note-lr-properties")
    (mine / "banks" / "demo.yaml").write_text(bank, encoding="utf-8")
    (mine / "banks" / "broken.yaml").write_text("kind: bank\nid: bank-broken\n\ttitle: x\n", encoding="utf-8")
    app = StudyApp(content_dirs=[mine], lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        ids = [bank.id for bank in app.library.banks]
        assert "bank-demo" in ids and len(ids) > 1  # the bundled banks are there too
        assert "broken.yaml:3" in notices(app)


async def test_an_unusable_data_directory_is_said_and_answers_are_not_lost_silently(demo_library, data_dir: Path) -> None:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.write_text("not a directory")  # the store cannot be created here
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        assert "Progress cannot be saved" in notices(app)
        await pilot.press("enter")
        said = []
        app.screen.notify = lambda message, **options: said.append(message)
        await pilot.press("a", "enter")
        assert app.screen.attempt.scored.correct and not app.screen.attempt.saved
        assert said and said[0].startswith("Answer not saved:")


async def test_space_toggles_options_of_a_multi_question(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter", "right")  # skip to the multi question
        screen = app.screen
        await pilot.press("space", "down", "space", "down", "space", "space")
        assert screen.attempt.chosen == {"a", "b"}
        await pilot.press("enter")
        assert screen.attempt.scored.correct


async def test_command_palette_lists_the_app_actions_and_each_bank(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="ko", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        provider = StudyCommands(app.screen)
        names = [name for name, _ in provider.commands()]
        assert "처음 화면으로" in names and "언어 바꾸기 (English/한국어)" in names
        assert "연습: 시험 문제 은행" in names
        practise = dict(provider.commands())["연습: 시험 문제 은행"]
        practise()
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        hits = [hit async for hit in StudyCommands(app.screen).search("그래프")]
        assert hits  # on the practice screen the plot can be shown or hidden from the palette


async def test_content_text_is_shown_as_written_never_as_markup(demo_library) -> None:
    bank = demo_library.banks[0]
    question = bank.questions[0]
    tricky = replace(question, stem=replace(question.stem, en="Pick [b]one[/b] of [red] the rates"))
    library = replace(demo_library, banks=(replace(bank, questions=(tricky, *bank.questions[1:])),))
    app = StudyApp(library=library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter")
        stem = app.screen.query_one("#stem", Static)
        rendered = "".join(segment.text for strip in stem.render_lines(stem.region.reset_offset) for segment in strip)
        assert "Pick [b]one[/b] of [red] the rates" in rendered


async def test_clicking_an_option_answers_and_then_only_moves_the_highlight(demo_library) -> None:
    app = StudyApp(library=demo_library, lang="en", animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot)
        await pilot.press("enter")
        screen = app.screen
        await pilot.click("#options", offset=(3, 1))  # the second option, b
        assert screen.attempt.scored is not None and screen.attempt.chosen == {"b"}
        options = screen.query_one("#options")
        row = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "c")
        await pilot.click("#options", offset=(3, options._index_to_line[row]))
        assert screen.index == 0 and options.highlighted_key == "c"
