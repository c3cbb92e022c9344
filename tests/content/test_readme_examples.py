"""content/README.md is the format's documentation: its examples must validate, and show every key."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from studyapp.content import check_content, reader
from studyapp.content.models import EXPECT_CLAIMS
from studyapp.content.yamlload import parse_document

README = Path(__file__).parents[2] / "content" / "README.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
FILES = [block for block in BLOCKS if re.search(r"^kind: ", block, re.MULTILINE)]
(SCENE,) = [block for block in BLOCKS if block.startswith("scene:")]


def _as_card_file(scene: str) -> str:
    """The README's scene block, placed on a card so it can be validated."""
    header = "kind: cards\nid: cards-readme-scene\ntitle: {en: Scene, ko: 장면}\ncards:\n"
    card = "  - id: card-readme-scene\n    front: {en: F, ko: 앞}\n    back: {en: B, ko: 뒤}\n    topics: [overshooting]\n"
    return header + card + textwrap.indent(scene, "    ")


def test_the_examples_form_a_clean_library(tmp_path):
    kinds = [re.search(r"^kind: (\w+)", block, re.MULTILINE).group(1) for block in FILES]
    assert kinds == ["taxonomy", "bank", "cards"]
    for index, block in enumerate([*FILES, _as_card_file(SCENE)]):
        (tmp_path / f"example{index}.yaml").write_text(block, encoding="utf-8")
    report = check_content([tmp_path], bundled=False, cache_dir=None)
    assert [str(problem) for problem in report.problems] == []
    assert (report.files, report.questions, report.cards, report.scenes) == (4, 1, 3, 4)


def _keys(value, found: dict[str, set[str]], where: str) -> None:
    if isinstance(value, dict):
        found.setdefault(where, set()).update(value)
        for key, item in value.items():
            _keys(item, found, key)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found, where)


def test_the_examples_show_every_key_of_the_format():
    found: dict[str, set[str]] = {}
    for block in [*FILES, SCENE]:
        _keys(parse_document(block.encode("utf-8"), "README.md").root, found, "")
    assert set(reader._BANK_KEYS) <= found[""] | {"kind"}
    assert set(reader._QUESTION_KEYS) <= found["questions"]
    assert set(reader._OPTION_KEYS) <= found["options"]
    assert set(reader._CARD_KEYS) <= found["cards"]
    assert set(reader._SCENE_KEYS) <= found["scene"]
    assert set(reader._RUN_KEYS) <= found["runs"]
    assert set(EXPECT_CLAIMS) <= found["expect"]
    assert set(reader._SOURCE_KEYS) <= found["sources"] and set(reader._MISCONCEPTION_KEYS) <= found["misconceptions"]
