"""Content: YAML question banks, concept cards and taxonomy, loaded into typed models and validated.

`load_library()` is what the app uses; `check_content()` is what `studyapp validate` uses.
"""

from studyapp.content.library import Library
from studyapp.content.models import (
    Bank,
    Card,
    CardDeck,
    Expect,
    FrozenMap,
    Misconception,
    Option,
    Question,
    Scene,
    SceneRun,
    ScheduleStep,
    Source,
    Taxonomy,
    Topic,
)
from studyapp.content.problems import ContentError, Problem
from studyapp.content.scenes import RunOutcome, descent_inputs, simulate_scene
from studyapp.content.text import LANGUAGES, Text
from studyapp.content.validate import Report, check_content, load_library

__all__ = [
    "LANGUAGES",
    "Bank",
    "Card",
    "CardDeck",
    "ContentError",
    "Expect",
    "FrozenMap",
    "Library",
    "Misconception",
    "Option",
    "Problem",
    "Question",
    "Report",
    "RunOutcome",
    "Scene",
    "SceneRun",
    "ScheduleStep",
    "Source",
    "Taxonomy",
    "Text",
    "Topic",
    "check_content",
    "descent_inputs",
    "load_library",
    "simulate_scene",
]
