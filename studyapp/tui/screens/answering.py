"""The keys that pick options and set confidence, shared by Practice, Review and the mock exam.

Each screen keeps its own record of the answer in progress; it exposes that record's chosen
keys (a set, changed in place) through `chosen_keys()` and, where confidence is asked for, the
record itself through `confidence_record()`.
"""

from __future__ import annotations

from typing import Any

from studyapp.tui.widgets.options import OptionsView


class ChoosesOptions:
    """Mixin for a screen showing one question in an `OptionsView`."""

    question: Any

    def chosen_keys(self) -> set[str]:
        raise NotImplementedError

    def confidence_record(self) -> Any:
        """The object whose `confidence` the confidence keys set (None: not asked)."""
        return None

    def action_choose(self, key: str) -> None:
        chosen = self.chosen_keys()
        if self.question.kind == "multi":
            chosen.symmetric_difference_update({key})
        else:
            chosen.clear()
            chosen.add(key)
        self.query_one(OptionsView).highlight_key(key)
        self.relabel()

    def action_toggle(self) -> None:
        key = self.query_one(OptionsView).highlighted_key
        if key is not None:
            self.action_choose(key)

    def action_confidence(self, value: str) -> None:
        record = self.confidence_record()
        if record is not None:
            record.confidence = None if record.confidence == value else value
            self.relabel()
