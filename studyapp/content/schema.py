"""The JSON Schema (draft 2020-12) of content files, for editors' completion and checks.

Surfaces, optimizers, schedules and their parameters are enumerated from the descent core's
parameter tables, so the editor offers exactly what the validator accepts. The generated
file `studyapp/content/schema.json` (referenced by the bundled files' first line) is kept
in sync with this module by a test; regenerate it with `studyapp schema > studyapp/content/schema.json`.

The schema checks shape as you type; `studyapp validate` remains the authority (ids that
must exist, exactly one correct option, scene claims).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from studyapp.content.reader import (
    FILE_KINDS,
    MAX_OPTIONS,
    MAX_SCENE_RUNS,
    MIN_OPTIONS,
    OPTION_KEYS,
    QUESTION_KINDS,
    SHOW_CHOICES,
)
from studyapp.descent import (
    MAX_STEPS,
    OPTIMIZERS,
    REGIMES,
    SCHEDULES,
    SURFACES,
    ParamSpec,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _object(properties: Mapping[str, Any], required: tuple[str, ...] = (), description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = dict(properties)
    if required:
        schema["required"] = list(required)
    schema["additionalProperties"] = False
    return schema


def param_schema(spec: ParamSpec) -> dict[str, Any]:
    """One descent parameter as a JSON Schema property."""
    bounds = {key: value for key, value in (("minimum", spec.minimum), ("maximum", spec.maximum)) if value is not None}
    if spec.kind in ("float", "int"):
        schema: dict[str, Any] = {"type": "number" if spec.kind == "float" else "integer", **bounds}
    elif spec.kind == "bool":
        schema = {"type": "boolean"}
    elif spec.kind == "choice":
        schema = {"enum": list(spec.choices)}
    else:
        schema = {"type": "array", "items": {"type": "number" if spec.kind == "floats" else "integer", **bounds}}
        if isinstance(spec.default, tuple) and spec.default:
            schema["minItems"] = schema["maxItems"] = len(spec.default)
    schema["description"] = spec.doc
    if spec.default is not None:
        schema["default"] = list(spec.default) if isinstance(spec.default, tuple) else spec.default
    return schema


def _params(specs: tuple[ParamSpec, ...], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    properties = dict(extra or {})
    properties.update({spec.name: param_schema(spec) for spec in specs})
    return _object(properties, tuple(spec.name for spec in specs if spec.required))


def _when(field: str, value: str, then: dict[str, Any], default: bool = False) -> dict[str, Any]:
    """`if field == value then …`; with `default`, also when the field is absent."""
    condition: dict[str, Any] = {"properties": {field: {"const": value}}, "required": [field]}
    if default:
        condition = {"anyOf": [condition, {"not": {"required": [field]}}]}
    return {"if": condition, "then": then}


def _scene_defs() -> dict[str, Any]:
    schedule_base = {"name": {"enum": list(SCHEDULES), "description": "a schedule of the descent core"},
                     "until": {"type": "integer", "minimum": 1, "description": "chained schedules: the update where the next one takes over"}}
    schedule = {
        "type": "object",
        "description": "a learning-rate schedule: its name and its parameters side by side",
        "properties": schedule_base,
        "required": ["name"],
        "allOf": [_when("name", name, _params(specs, schedule_base)) for name, specs in SCHEDULES.items()],
    }
    expect = _object(
        {
            "regime": {"enum": list(REGIMES), "description": "what the run does"},
            "converged_by": {"type": "integer", "minimum": 0, "description": "it has converged at or before this update"},
            "diverged_by": {"type": "integer", "minimum": 0, "description": "it has diverged at or before this update"},
            "ends_lower_than": {**_ref("run_id"), "description": "its final loss is below this run's (an id in the same scene)"},
            "ends_in_global_minimum": {"type": "boolean", "description": "it settles in the global minimum (or, false: it does not)"},
            "final_loss_below": {"type": "number", "description": "its final loss is below this value"},
        },
        description="claims about the run, all checked by `studyapp validate`",
    )
    run = _object(
        {
            "id": {**_ref("run_id"), "description": "unique within the scene (default run-1, run-2, …)"},
            "label": {**_ref("label"), "description": "default: \"<optimizer> lr <lr>\""},
            "optimizer": {"enum": list(OPTIMIZERS), "default": "sgd"},
            "lr": {"type": "number", "exclusiveMinimum": 0, "description": "the learning rate"},
            "settings": {"type": "object", "description": "the optimizer's settings, torch's names"},
            "schedule": {"anyOf": [_ref("schedule"), {"type": "array", "minItems": 1, "items": _ref("schedule")}]},
            "x0": {"anyOf": [{"type": "number"}, {"type": "array", "minItems": 1, "items": {"type": "number"}}], "description": "start point (default: the surface's own)"},
            "max_norm": {"type": "number", "exclusiveMinimum": 0, "description": "clip the gradient to this norm"},
            "expect": _ref("expect"),
        },
        ("lr",),
        "one run: an optimizer with its lr, settings, schedule and start",
    )
    run["allOf"] = [
        _when("optimizer", name, {"properties": {"settings": _params(specs)}}, default=name == "sgd")
        for name, specs in OPTIMIZERS.items()
    ]
    scene = _object(
        {
            "surface": {"enum": list(SURFACES), "description": "the loss surface"},
            "params": {"type": "object", "description": "the surface's parameters"},
            "steps": {"type": "integer", "minimum": 1, "maximum": MAX_STEPS, "description": "number of updates"},
            "show": {"anyOf": [{"enum": list(SHOW_CHOICES)}, {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(SHOW_CHOICES)}}],
                     "default": ["loss", "path"]},
            "caption": _ref("text"),
            "runs": {"type": "array", "minItems": 1, "maxItems": MAX_SCENE_RUNS, "items": _ref("run")},
        },
        ("surface", "steps", "runs"),
        "a simulation run by the descent core and drawn beside the text",
    )
    scene["allOf"] = [_when("surface", name, {"properties": {"params": _params(specs)}}) for name, specs in SURFACES.items()]
    return {"schedule": schedule, "expect": expect, "run": run, "scene": scene}


def schema() -> dict[str, Any]:
    """The JSON Schema of a content file (bank, cards or taxonomy)."""
    language = {"type": ["string", "number"], "minLength": 1}
    ids = {"anyOf": [_ref("id"), {"type": "array", "uniqueItems": True, "items": _ref("id")}]}
    defs: dict[str, Any] = {
        "id": {"type": "string", "pattern": "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$", "description": "stable id: letters, digits and dashes"},
        "ids": ids,
        "run_id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$", "description": "a run's id within its scene, e.g. lr-0.1"},
        "text": {**_object({"en": language, "ko": language}, description="learner-visible text in English and Korean"), "minProperties": 1},
        "label": {"anyOf": [{"type": ["string", "number"]}, _ref("text")]},
        **_scene_defs(),
        "option": _object(
            {
                "key": {"enum": list(OPTION_KEYS), "description": "a, b, c… in order"},
                "text": _ref("text"),
                "correct": {"type": "boolean"},
                "explanation": {**_ref("text"), "description": "why this option is right or wrong"},
                "misconception": {**_ref("id"), "description": "wrong options only: the misconception it tests"},
                "scene": _ref("scene"),
            },
            ("key", "text", "correct", "explanation"),
        ),
        "question": _object(
            {
                "id": _ref("id"),
                "kind": {"enum": list(QUESTION_KINDS), "description": "single: exactly one correct option; multi: select all that apply"},
                "difficulty": {"type": "integer", "minimum": 1, "maximum": 3, "description": "1 recall, 2 understanding, 3 scenario"},
                "topics": ids,
                "source": _ref("id"),
                "stem": _ref("text"),
                "options": {
                    "type": "array", "minItems": MIN_OPTIONS, "maxItems": MAX_OPTIONS,
                    "prefixItems": [{**_ref("option"), "properties": {"key": {"const": key}}} for key in OPTION_KEYS],
                },
                "cards": ids,
                "scene": _ref("scene"),
            },
            ("id", "kind", "difficulty", "stem", "options"),
        ),
        "card": _object(
            {
                "id": _ref("id"),
                "front": _ref("text"),
                "back": _ref("text"),
                "key_points": {"type": "array", "items": _ref("text")},
                "topics": ids,
                "source": _ref("id"),
                "questions": ids,
                "scene": _ref("scene"),
            },
            ("id", "front", "back"),
        ),
        "bank": _object(
            {
                "kind": {"const": "bank"},
                "id": _ref("id"),
                "title": _ref("text"),
                "description": _ref("text"),
                "topics": ids,
                "sources": ids,
                "questions": {"type": "array", "items": _ref("question")},
            },
            ("kind", "id", "title", "questions"),
        ),
        "cards": _object(
            {"kind": {"const": "cards"}, "id": _ref("id"), "title": _ref("text"), "description": _ref("text"), "cards": {"type": "array", "items": _ref("card")}},
            ("kind", "id", "title", "cards"),
        ),
        "taxonomy": _object(
            {
                "kind": {"const": "taxonomy"},
                "topics": {"type": "array", "items": _object({"id": _ref("id"), "name": _ref("text")}, ("id", "name"))},
                "sources": {"type": "array", "items": _object({"id": _ref("id"), "file": {"type": "string"}, "title": _ref("text")}, ("id", "title"))},
                "misconceptions": {
                    "type": "array",
                    "items": _object({"id": _ref("id"), "name": _ref("text"), "card": {**_ref("id"), "description": "the concept card that repairs it"}}, ("id", "name", "card")),
                },
            },
            ("kind",),
        ),
    }
    return {
        "$schema": DRAFT,
        "title": "studyapp content file",
        "description": "A question bank (kind: bank), concept cards (kind: cards) or the taxonomy (kind: taxonomy).",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": list(FILE_KINDS)}},
        "allOf": [_when("kind", kind, _ref(kind)) for kind in FILE_KINDS],
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as the file `schema.json` holds it."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
