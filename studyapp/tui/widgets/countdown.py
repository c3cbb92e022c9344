"""The time left in a mock exam, as a clock face that warns in its last minute."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

WARN_SECONDS = 60


def clock_face(seconds: float) -> str:
    """Whole seconds left as m:ss (or h:mm:ss), rounded up so 0:00 means the time is over."""
    whole = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Countdown(Static):
    """Shows `remaining` seconds (None: no time limit, nothing shown); the owner sets it."""

    remaining: reactive[float | None] = reactive(None)

    def watch_remaining(self, remaining: float | None) -> None:
        self.display = remaining is not None
        if remaining is not None:
            self.update(f"⏱ {clock_face(remaining)}")
            self.set_class(remaining <= WARN_SECONDS, "-warning")
