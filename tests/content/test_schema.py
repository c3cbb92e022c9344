"""The JSON Schema: generated from the descent tables, in sync with the shipped file, and in
agreement with the validator on valid and invalid files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from studyapp.cli import main
from studyapp.content.schema import param_schema, schema, schema_text
from studyapp.content.yamlload import parse_document
from studyapp.descent import OPTIMIZERS, SCHEDULES, SURFACES, ParamSpec

HERE = Path(__file__).parent
SCHEMA_FILE = Path(__file__).parents[2] / "studyapp" / "content" / "schema.json"


def plain(value):
    """A loaded document as plain JSON data."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def test_the_shipped_schema_file_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "regenerate: studyapp schema > studyapp/content/schema.json"


def test_the_command_prints_it(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == schema()


def test_names_and_parameters_come_from_the_descent_tables():
    defs = schema()["$defs"]
    assert defs["scene"]["properties"]["surface"]["enum"] == list(SURFACES)
    assert defs["run"]["properties"]["optimizer"]["enum"] == list(OPTIMIZERS)
    assert defs["schedule"]["properties"]["name"]["enum"] == list(SCHEDULES)
    surface_params = {branch["if"]["properties"]["surface"]["const"]: set(branch["then"]["properties"]["params"]["properties"]) for branch in defs["scene"]["allOf"]}
    assert surface_params == {name: {spec.name for spec in specs} for name, specs in SURFACES.items()}
    settings = {}
    for branch in defs["run"]["allOf"]:
        condition = branch["if"]["anyOf"][0] if "anyOf" in branch["if"] else branch["if"]
        settings[condition["properties"]["optimizer"]["const"]] = set(branch["then"]["properties"]["settings"]["properties"])
    assert settings == {name: {spec.name for spec in specs} for name, specs in OPTIMIZERS.items()}
    schedule_params = {branch["if"]["properties"]["name"]["const"]: set(branch["then"]["properties"]) - {"name", "until"} for branch in defs["schedule"]["allOf"]}
    assert schedule_params == {name: {spec.name for spec in specs} for name, specs in SCHEDULES.items()}


def test_parameter_kinds_become_json_types():
    assert param_schema(ParamSpec("lr", 0.1, "float", "doc", minimum=0.0)) == {"type": "number", "minimum": 0.0, "description": "doc", "default": 0.1}
    assert param_schema(ParamSpec("n", None, "int", "doc", required=True)) == {"type": "integer", "description": "doc"}
    assert param_schema(ParamSpec("betas", (0.9, 0.999), "floats", "doc", minimum=0.0, maximum=1.0)) == {
        "type": "array", "items": {"type": "number", "minimum": 0.0, "maximum": 1.0}, "minItems": 2, "maxItems": 2, "description": "doc", "default": [0.9, 0.999]
    }
    assert param_schema(ParamSpec("mode", "min", "choice", "doc", choices=("min", "max")))["enum"] == ["min", "max"]
    assert param_schema(ParamSpec("flag", False, "bool", "doc"))["type"] == "boolean"


def validator():
    jsonschema.Draft202012Validator.check_schema(schema())
    return jsonschema.Draft202012Validator(schema())


@pytest.mark.parametrize("path", sorted((HERE / "fixtures").glob("*.yaml")), ids=lambda path: path.name)
def test_valid_files_pass_the_schema(path):
    document = plain(parse_document(path.read_bytes(), str(path)).root)
    assert [error.message for error in validator().iter_errors(document)] == []


@pytest.mark.parametrize(
    "name", ["option_keys_out_of_order", "scene_unknown_surface", "scene_setting_not_taken", "scene_unknown_names", "unknown_key_and_types", "unquoted_comma_in_text", "scene_parameter_out_of_range"]
)
def test_files_the_validator_rejects_for_their_shape_fail_the_schema_too(name):
    document = plain(parse_document((HERE / "broken" / f"{name}.yaml").read_bytes(), name).root)
    assert list(validator().iter_errors(document))


def test_bundled_files_point_editors_at_the_schema():
    root = SCHEMA_FILE.parents[1] / "bundled"
    for path in sorted(root.rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path.name}: the first line should be `# yaml-language-server: $schema=…`"
        assert (path.parent / match.group(1)).resolve() == SCHEMA_FILE.resolve(), path.name
