"""The footer on every screen, in both languages, at 100 and 80 columns: no label is cut, the keys that
matter there are on show, and a footer short of room leaves out the spare keys first and brings them
back when the terminal widens."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.screens.exam import ExamScreen
from studyapp.tui.screens.flashcards import FlashcardsScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.widgets.footer import LocalizedFooter

from .modes_support import Clock, Ticker, load_modes_library, loaded, make_app

GRADES = {"grade.1", "grade.2", "grade.3", "grade.4"}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return load_modes_library(tmp_path_factory.mktemp("content") / "modes")


def footer_of(app) -> LocalizedFooter:
    return app.screen.query_one(LocalizedFooter)


def cut_labels(footer: Footer) -> list[str]:
    """Keys on show that run under the command palette's key or past the edge."""
    palette = [child for child in footer.children if child.has_class("-command-palette")]
    limit = palette[0].region.x if palette else footer.region.right
    shown = [child for child in footer.walk_children() if child.display and child.parent.display and not child.has_class("-command-palette")]
    return [getattr(child, "key_display", None) or repr(child) for child in shown if child.region.right > limit]


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.pause()


# What each screen must show at any width from 80 columns, and what it shows besides at 100.
async def home(app, pilot, ticker):
    pass


async def practice(app, pilot, ticker):
    await pilot.press("enter")


async def practice_answered(app, pilot, ticker):
    await pilot.press("a", "enter")


async def practice_multi(app, pilot, ticker):
    await pilot.press("enter", "right")


async def review(app, pilot, ticker):
    app.action_home()
    await app.push_screen(ReviewScreen(clock=ticker))


async def review_answered(app, pilot, ticker):
    await pilot.press("a", "enter")


async def card_front(app, pilot, ticker):
    app.action_home()
    await app.push_screen(FlashcardsScreen(clock=ticker))


async def card_back(app, pilot, ticker):
    await pilot.press("space")


async def exam(app, pilot, ticker):
    app.action_home()
    await app.push_screen(ExamScreen([app.library.questions[i] for i in ("q-limit", "q-heavy")], clock=ticker))


async def exam_multi(app, pilot, ticker):
    await pilot.press("a", "enter")


async def exam_report(app, pilot, ticker):
    await pilot.press("a", "enter")


async def dashboard(app, pilot, ticker):
    app.action_home()
    await pilot.pause()
    await pilot.press("d")


async def playground(app, pilot, ticker):
    app.action_home()
    await pilot.pause()
    await pilot.press("o")


async def stability_map(app, pilot, ticker):
    await pilot.press("v")


async def settings(app, pilot, ticker):
    app.action_home()
    await pilot.pause()
    await pilot.press("s")


VISITS = (
    (home, {"key.practice", "key.review", "key.flashcards", "key.settings", "key.help"}, {"key.exam", "key.dashboard", "key.language"}),
    (practice, {"key.submit", "key.choose", "key.back", "key.help"}, {"key.confidence", "key.flag", "key.plot", "key.language"}),
    (practice_answered, {"key.next", "key.play", "key.lr", "key.back", "key.help"}, {"key.flag", "key.speed", "key.plot", "key.language"}),
    (practice_multi, {"key.submit", "key.choose", "key.toggle", "key.back", "key.help"}, {"key.confidence", "key.language"}),
    (review, {"key.submit", "key.choose", "key.back", "key.help"}, {"key.confidence", "review.key.cram", "key.plot", "key.language"}),
    (review_answered, {"key.next", *GRADES, "key.back", "key.help"}, {"review.key.undo", "key.language"}),
    (card_front, {"review.key.flip", "review.key.cram", "key.plot", "key.back", "key.help", "key.language"}, set()),
    (card_back, {*GRADES, "key.back", "key.help", "key.language"}, {"review.key.cram", "key.lr"}),
    (exam, {"exam.key.answer", "key.choose", "exam.key.end", "key.help", "key.language"}, set()),
    (exam_multi, {"exam.key.answer", "key.choose", "key.toggle", "exam.key.end", "key.help"}, {"key.language"}),
    (exam_report, {"exam.key.review_wrong", "key.home", "key.help", "key.language"}, set()),
    (dashboard, {"dash.key.drill", "dash.key.exam_date", "key.back", "key.help", "key.language"}, {"dash.key.refresh"}),
    (playground, {"key.play", "key.lr", "pg.key.optimizer", "pg.key.view", "key.back", "key.help"}, {"pg.key.edit", "key.language"}),
    (stability_map, {"key.play", "key.lr", "pg.key.view", "pg.key.map_mode", "key.back", "key.help"}, {"pg.key.optimizer"}),
    (settings, {"key.back", "key.help", "key.language"}, {"key.quit", "key.theme", "key.playground"}),
)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
async def test_every_footer_shows_whole_labels_and_the_keys_that_matter(library, lang: str, size: tuple[int, int]) -> None:
    app = make_app(library, lang)
    ticker = Ticker()
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot, Clock())
        for visit, essential, also_at_100 in VISITS:
            await visit(app, pilot, ticker)
            await settle(pilot)
            footer = footer_of(app)
            shown = set(footer.shown())
            wanted = essential | (also_at_100 if size[0] >= 100 else set())
            assert wanted <= shown, (visit.__name__, sorted(wanted - shown))
            assert not cut_labels(footer), (visit.__name__, cut_labels(footer))
            assert len(shown) == len(footer.shown()), visit.__name__  # one entry per description


class Crowded(StudyScreen):
    """More keys than fit in 60 columns, two of them spare."""

    FOOTER_SPARE = ("key.flag", "key.plot")
    BINDINGS = [
        Binding("a", "noop('a')", "key.submit"),
        Binding("b", "noop('b')", "key.flag"),
        Binding("c", "noop('c')", "key.plot"),
        Binding("d", "noop('d')", "key.restart"),
        Binding("e", "noop('e')", "key.faster"),
        Binding("f", "noop('f')", "key.slower"),
        Binding("escape", "noop('escape')", "key.back"),
    ]

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()

    def action_noop(self, key: str) -> None:
        """Nothing: only the footer is under test (each key its own action, as the Footer merges shared ones)."""


class CrowdedApp(App[None]):
    BINDINGS = [Binding("f1", "noop('f1')", "key.help", key_display="F1"), Binding("t", "noop('t')", "key.theme")]

    def on_mount(self) -> None:
        self.push_screen(Crowded())

    def action_noop(self, key: str) -> None:
        """Nothing."""


async def test_spare_keys_go_first_then_keys_from_the_right_help_last_and_all_come_back_when_wider() -> None:
    app = CrowdedApp()
    async with app.run_test(size=(160, 10)) as pilot:
        await settle(pilot)
        footer = footer_of(app)
        everything = ["key.submit", "key.flag", "key.plot", "key.restart", "key.faster", "key.slower", "key.back", "key.help", "key.theme"]
        assert footer.shown() == everything

        await pilot.resize_terminal(75, 10)
        await settle(pilot)
        assert footer.shown() == ["key.submit", "key.restart", "key.faster", "key.slower", "key.back", "key.help"]  # the app's theme key, then the spare ones

        await pilot.resize_terminal(45, 10)
        await settle(pilot)
        assert footer.shown() == ["key.submit", "key.restart", "key.help"]  # then from the right, Help last
        assert not cut_labels(footer)

        await pilot.resize_terminal(160, 10)
        await settle(pilot)
        assert footer.shown() == everything
