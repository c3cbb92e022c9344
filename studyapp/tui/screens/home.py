"""Home: the banks with the learner's progress, the language, and the ways to study."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from studyapp.tui.i18n import LANGUAGE_NAMES
from studyapp.tui.screens.base import StudyScreen
from studyapp.tui.widgets.bank_table import BankTable
from studyapp.tui.widgets.footer import LocalizedFooter


class HomeScreen(StudyScreen):
    """Pick a bank and press Enter to practise it."""

    BINDINGS = [
        Binding("enter", "practice", "key.practice", priority=True),
        Binding("r", "study('review')", "key.review"),
        Binding("f", "study('flashcards')", "key.flashcards"),
        Binding("x", "study('exam')", "key.exam"),
        Binding("d", "study('dashboard')", "key.dashboard"),
        Binding("s", "settings", "key.settings"),
    ]
    FOOTER_SPARE = ("key.dashboard", "key.exam", "key.flashcards", "key.review")  # listed under "Ways to study"

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static(id="home-title", markup=False)
            yield Static(id="home-language", markup=False)
            yield Static(id="home-banks-label", markup=False, classes="section")
            yield BankTable(id="home-banks")
            yield Static(id="home-ways", markup=False, classes="section")
            yield Static(id="home-notices", markup=False)
        yield LocalizedFooter()

    def on_screen_resume(self) -> None:
        self.content_loaded()  # progress changed while practising

    @property
    def banks(self):
        library = self.app.library
        return library.banks if library is not None else ()

    def relabel(self) -> None:
        self.query_one("#home-title", Static).update(self.t("app.title"))
        self.query_one("#home-language", Static).update(self.t("home.language", name=LANGUAGE_NAMES[self.lang]))
        self.query_one("#home-banks-label", Static).update(self.t("home.banks"))
        self.query_one("#home-ways", Static).update(
            f"{self.t('home.ways')}\n  Enter  {self.t('home.way.practice')}\n  r      {self.t('home.way.review')}"
            f"\n  f      {self.t('home.way.flashcards')}\n  x      {self.t('home.way.exam')}"
            f"\n  d      {self.t('home.way.dashboard')}\n  o      {self.t('home.way.playground')}"
            f"\n  s      {self.t('home.way.settings')}"
        )
        self._fill()

    def content_loaded(self) -> None:
        self._fill()
        self.refresh_bindings()

    def _fill(self) -> None:
        table = self.query_one(BankTable)
        library, session = self.app.library, self.app.session
        notices = []
        if library is None:
            notices.append(self.t("home.loading"))
        else:
            progress = {bank.id: session.bank_progress(bank.questions) if session else None for bank in library.banks}
            table.show(library.banks, progress, self.lang)
            if not library.banks:
                notices.append(self.t("home.empty"))
            if library.problems:
                notices.append(self.t("home.problems", count=len(library.problems)))
                notices.extend(f"  {problem}" for problem in library.problems)
        if session is not None:
            notices.extend(self.t(notice.key, **notice.values) for notice in session.notices)
        self.query_one("#home-notices", Static).update("\n".join(notices))
        self.query_one("#home-notices").display = bool(notices)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "practice":
            return bool(self.banks)
        if action == "study":  # the modes need the content and a working progress store
            session = self.app.session
            return self.app.library is not None and session is not None and session.store is not None
        if action == "settings":  # language and theme apply even when the store cannot be written
            return self.app.library is not None and self.app.session is not None
        return True

    def action_settings(self) -> None:
        from studyapp.tui.screens.settings import open_settings

        open_settings(self.app)

    def action_study(self, mode: str) -> None:
        from studyapp.tui.screens.review import open_mode  # loaded on first use: start-up stays quick

        open_mode(self.app, mode)

    def action_practice(self) -> None:
        table = self.query_one(BankTable)
        if not self.banks or table.cursor_row < 0:
            return
        self.app.start_practice(self.banks[table.cursor_row])

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_practice()
