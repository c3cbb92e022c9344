"""What the tests of the study modes share: a small library with cards and misconceptions, a clock.

The library has three topics, four questions (one whose wrong option tests a misconception
with a repair card, one multi), and four concept cards (one with a scene; one alone in a
topic no question covers), so review, flashcards, exams and the dashboard all have
something to show.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Card, Rating, Scheduler
from textual.widgets import Static

from studyapp.content import Library, load_library
from studyapp.study import Reviewer
from studyapp.study.records import fsrs_card_id
from studyapp.tui.app import StudyApp

START = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)

TAXONOMY = """\
kind: taxonomy
topics:
  - id: steps
    name: {en: Step size, ko: 스텝 크기}
  - id: momentum
    name: {en: Momentum, ko: 모멘텀}
  - id: schedules
    name: {en: Schedules, ko: 스케줄}
sources:
  - id: note
    title: {en: A test note, ko: 시험용 노트}
misconceptions:
  - id: bigger-is-faster
    name: {en: A larger rate is always faster, ko: 학습률이 클수록 항상 빠르다}
    card: card-limit
"""

BANK = """\
kind: bank
id: bank-modes
title: {en: Modes bank, ko: 모드 문제 은행}
topics: [steps, momentum]
sources: [note]
questions:
  - id: q-limit
    kind: single
    difficulty: 1
    topics: [steps]
    source: note
    cards: [card-step]
    stem: {en: "On f(x) = x², which rate diverges?", ko: "f(x) = x²에서 발산하는 학습률은?"}
    options:
      - key: a
        text: {en: "1.05", ko: "1.05"}
        correct: true
        explanation: {en: Above 2/L = 1 the steps grow., ko: 2/L = 1보다 크면 스텝이 커진다.}
      - key: b
        text: {en: "0.5", ko: "0.5"}
        correct: false
        misconception: bigger-is-faster
        explanation: {en: 0.5 lands on the minimum at once., ko: 0.5는 한 번에 최솟값에 닿는다.}
    scene:
      surface: quadratic
      steps: 30
      show: [loss, path]
      runs:
        - {id: good, label: "lr 0.1", lr: 0.1, x0: [1.0]}
        - {id: bad, label: "lr 1.05", lr: 1.05, x0: [1.0]}
  - id: q-small
    kind: single
    difficulty: 1
    topics: [steps]
    source: note
    stem: {en: "Which rate crawls on x²?", ko: "x²에서 기어가는 학습률은?"}
    options:
      - key: a
        text: {en: "0.001", ko: "0.001"}
        correct: true
        explanation: {en: Tiny steps barely move., ko: 아주 작은 스텝은 거의 움직이지 않는다.}
      - key: b
        text: {en: "0.4", ko: "0.4"}
        correct: false
        explanation: {en: 0.4 converges fast., ko: 0.4는 빨리 수렴한다.}
  - id: q-heavy
    kind: multi
    difficulty: 2
    topics: [momentum]
    source: note
    stem: {en: "What does momentum do? Select all.", ko: "모멘텀이 하는 일을 모두 고르시오."}
    options:
      - key: a
        text: {en: Speeds up along a ravine, ko: 골짜기를 따라 빨라진다}
        correct: true
        explanation: {en: Velocity accumulates along the floor., ko: 바닥을 따라 속도가 쌓인다.}
      - key: b
        text: {en: Damps the zig-zag, ko: 지그재그를 줄인다}
        correct: true
        explanation: {en: Opposite gradients cancel., ko: 반대 방향 그래디언트가 상쇄된다.}
      - key: c
        text: {en: Lowers the lr, ko: 학습률을 낮춘다}
        correct: false
        explanation: {en: The lr is unchanged., ko: 학습률은 그대로다.}
  - id: q-beta
    kind: single
    difficulty: 1
    topics: [momentum]
    source: note
    stem: {en: "A usual momentum is…", ko: "흔한 모멘텀 값은…"}
    options:
      - key: a
        text: {en: "0.9", ko: "0.9"}
        correct: true
        explanation: {en: 0.9 is the common default., ko: 0.9가 흔한 기본값이다.}
      - key: b
        text: {en: "9", ko: "9"}
        correct: false
        explanation: {en: Above 1 the velocity explodes., ko: 1보다 크면 속도가 폭발한다.}
"""

CARDS = """\
kind: cards
id: cards-modes
title: {en: Modes cards, ko: 모드 카드}
cards:
  - id: card-step
    front: {en: What does the learning rate scale?, ko: 학습률은 무엇을 키우는가?}
    back: {en: Every step of the update., ko: 갱신의 모든 스텝을.}
    key_points:
      - {en: "Step = lr × gradient.", ko: "스텝 = 학습률 × 그래디언트."}
    topics: [steps]
    source: note
    scene:
      surface: quadratic
      steps: 20
      show: [loss]
      runs:
        - {id: one, label: "lr 0.3", lr: 0.3, x0: [1.0]}
  - id: card-limit
    front: {en: Where is the stability limit on a quadratic?, ko: 이차 함수의 안정성 한계는?}
    back: {en: At lr = 2/L., ko: 학습률 = 2/L에서.}
    topics: [steps]
    source: note
  - id: card-velocity
    front: {en: What is the velocity in momentum?, ko: 모멘텀의 속도란?}
    back: {en: A running sum of gradients., ko: 그래디언트의 누적 합.}
    topics: [momentum]
    source: note
  - id: card-warmup
    front: {en: Why warm up the learning rate?, ko: 학습률을 왜 워밍업하는가?}
    back: {en: Early steps are unstable., ko: 초기 스텝이 불안정하다.}
    topics: [schedules]
    source: note
"""


def write_content(directory: Path) -> Path:
    (directory / "banks").mkdir(parents=True)
    (directory / "cards").mkdir()
    (directory / "taxonomy.yaml").write_text(TAXONOMY, encoding="utf-8")
    (directory / "banks" / "modes.yaml").write_text(BANK, encoding="utf-8")
    (directory / "cards" / "modes.yaml").write_text(CARDS, encoding="utf-8")
    return directory


def load_modes_library(directory: Path) -> Library:
    library = load_library([write_content(directory)], bundled=False, cache_dir=None)
    assert not library.problems, library.problems
    return library


class Clock:
    """A wall clock the test moves by hand (UTC)."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


class Ticker:
    """A monotonic clock (seconds) the test moves by hand: answer times and exam countdowns."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


def make_app(library: Library, lang: str = "en") -> StudyApp:
    return StudyApp(library=library, lang=lang, animate=False)


async def loaded(app: StudyApp, pilot, clock: Clock) -> Reviewer:
    """Wait for the app's background load, then give the session a deterministic reviewer."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.session.reviewer = Reviewer(app.session.store, enable_fuzzing=False, now=clock, zone=timezone.utc)
    app.session.store.now = clock
    return app.session.reviewer


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def shown_keys(screen) -> dict[str, str]:
    """What the Footer offers right now: key -> description key, for the screen's shown, enabled bindings."""
    return {
        key: active.binding.description
        for key, active in screen.active_bindings.items()
        if active.binding.show and active.enabled and active.node is screen
    }


def expected_due(item_id: str, rating: Rating, at: datetime) -> datetime:
    """The due date the fsrs package itself gives a new item graded `rating` at `at` (no fuzzing)."""
    card, _ = Scheduler(enable_fuzzing=False).review_card(Card(card_id=fsrs_card_id(item_id), due=at), rating, review_datetime=at)
    return card.due


def schedule_state(store) -> tuple[dict, list]:
    """Everything the schedule consists of: every card state and every review log."""
    return ({item: record.to_dict() for item, record in store.cards().items()}, [log.to_dict() for log in store.reviews()])
