"""Shared fixtures: a controllable clock, a store in a temporary directory, a deterministic reviewer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from studyapp.study import Reviewer, open_store

START = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)


class Clock:
    """A clock the test moves by hand: `clock()` is the current time."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    with open_store(tmp_path, now=clock) as opened:
        yield opened


@pytest.fixture
def reviewer(store, clock) -> Reviewer:
    return Reviewer(store, enable_fuzzing=False, now=clock, zone=timezone.utc)
