"""A question's lettered options: choices before submitting, every explanation after.

One OptionList serves both phases, so the highlight the learner moves with the arrows
stays on the same option when the explanations appear, and moving it to a wrong option
is what brings that option's scene into the simulation panel.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from studyapp.content.models import Question
from studyapp.study import ScoredAnswer
from studyapp.tui.i18n import tr


def option_prompt(
    question: Question, key: str, lang: str, chosen: Collection[str], scored: ScoredAnswer | None
) -> Text:
    """One option as shown: its mark, letter and text, and after submitting its explanation."""
    option = question.option(key)
    assert option is not None
    prompt = Text()
    picked = key in chosen
    if scored is None:
        if question.kind == "multi":
            mark = "☑" if picked else "☐"
        else:
            mark = "●" if picked else "○"
        prompt.append(f"{mark} {key}  ", style="bold" if picked else "")
        prompt.append(option.text.get(lang), style="bold" if picked else "")
        return prompt
    right = option.correct
    mark, style = ("✔", "bold green") if right else ("✘", "bold red") if picked else ("·", "dim")
    prompt.append(f"{mark} {key}  ", style=style)
    prompt.append(option.text.get(lang), style="bold" if picked or right else "")
    tags = []
    if right:
        tags.append(tr("practice.correct_mark", lang))
    if picked:
        tags.append(tr("practice.your_choice", lang))
    if tags:
        prompt.append(f"  [{' · '.join(tags)}]", style="reverse" if picked else "italic")
    prompt.append("\n")
    prompt.append(option.explanation.get(lang), style="" if picked else "dim")
    return prompt


class OptionsView(OptionList):
    """The options of one question; the screen decides what choosing and submitting mean."""

    def show(self, question: Question, lang: str, chosen: Collection[str], scored: ScoredAnswer | None) -> None:
        """Redraw every option, keeping the highlight where it was."""
        highlighted = self.highlighted
        self.set_options(
            Option(option_prompt(question, option.key, lang, chosen, scored), id=option.key)
            for option in question.options
        )
        if question.options:
            self.highlighted = highlighted if highlighted is not None and highlighted < len(question.options) else 0

    @property
    def highlighted_key(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def highlight_key(self, key: str) -> None:
        self.highlighted = self.get_option_index(key)
