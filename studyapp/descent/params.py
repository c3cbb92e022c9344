"""Declared parameters of surfaces, optimizers and schedules, and their checking.

Every tunable name the core accepts is declared once as a `ParamSpec`, so the command
line, the content validator and `studyapp sim --list` all agree on names, defaults
and ranges, and all report a bad value with the same message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.descent.errors import DescentError


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: its name, default, kind and allowed range."""

    name: str
    default: Any
    kind: str
    doc: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False


def _number(value: Any, integer: bool) -> float | int | None:
    if isinstance(value, bool):
        return None
    if integer:
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:  # an integer too large for a float
            return math.inf
    return None


def _describe(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _check_range(owner: str, spec: ParamSpec, number: float) -> None:
    if not math.isfinite(number):
        raise DescentError(f"{owner}: {spec.name} must be a finite number, got {number}")
    if spec.minimum is not None and number < spec.minimum:
        raise DescentError(f"{owner}: {spec.name} must be >= {spec.minimum:g}, got {number:g}")
    if spec.maximum is not None and number > spec.maximum:
        raise DescentError(f"{owner}: {spec.name} must be <= {spec.maximum:g}, got {number:g}")


def coerce(owner: str, spec: ParamSpec, value: Any) -> Any:
    """Check one value against its spec and return it in canonical form."""
    if spec.kind in ("float", "int"):
        number = _number(value, spec.kind == "int")
        if number is None:
            raise DescentError(f"{owner}: {spec.name} must be {'an integer' if spec.kind == 'int' else 'a number'}, got {_describe(value)}")
        _check_range(owner, spec, number)
        return number
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise DescentError(f"{owner}: {spec.name} must be true or false, got {_describe(value)}")
        return value
    if spec.kind == "choice":
        if value not in spec.choices:
            raise DescentError(f"{owner}: {spec.name} must be one of {', '.join(spec.choices)}, got {_describe(value)}")
        return value
    if spec.kind in ("floats", "ints"):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise DescentError(f"{owner}: {spec.name} must be a list of numbers, got {_describe(value)}")
        items = []
        for item in value:
            number = _number(item, spec.kind == "ints")
            if number is None:
                raise DescentError(f"{owner}: {spec.name} must be a list of {'integers' if spec.kind == 'ints' else 'numbers'}, got {_describe(item)} in it")
            _check_range(owner, spec, number)
            items.append(number)
        if spec.default is not None and isinstance(spec.default, tuple) and len(spec.default) and len(items) != len(spec.default):
            raise DescentError(f"{owner}: {spec.name} must have {len(spec.default)} values, got {len(items)}")
        return tuple(items)
    raise AssertionError(f"unknown parameter kind {spec.kind!r}")


def check_params(family: str, table: Mapping[str, tuple[ParamSpec, ...]], name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate `params` for `name` in `table`; return them with defaults filled in.

    `family` is the word used in messages ("surface", "optimizer", "schedule").
    """
    if name not in table:
        raise DescentError(f"unknown {family} {_describe(name)} (known: {', '.join(table)})")
    specs = {spec.name: spec for spec in table[name]}
    owner = f"{family} {name!r}"
    unknown = [key for key in params if key not in specs]
    if unknown:
        takes = ", ".join(specs) if specs else "no parameters"
        raise DescentError(f"{family} {name!r} takes no parameter {_describe(unknown[0])} (it takes: {takes})")
    checked: dict[str, Any] = {}
    for key, spec in specs.items():
        if key in params and params[key] is not None:
            checked[key] = coerce(owner, spec, params[key])
        elif spec.required:
            raise DescentError(f"{owner} needs {key}")
        else:
            checked[key] = spec.default
    return checked
