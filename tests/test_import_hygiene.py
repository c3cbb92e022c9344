"""The layers import only downwards: checked in a fresh interpreter by inspecting sys.modules.

descent is pure NumPy: no other studyapp package, no UI or YAML libraries. content and
study never pull in Textual or the TUI, so they stay usable from scripts and tests.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import importlib, json, pkgutil, sys
package = importlib.import_module({package!r})
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(package: str) -> set[str]:
    """Every module loaded by importing `package` and all its submodules in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(package=package)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


def _under(modules: set[str], root: str) -> set[str]:
    return {name for name in modules if name == root or name.startswith(root + ".")}


def test_descent_imports_nothing_of_studyapp_outside_itself_and_no_ui_or_yaml():
    modules = loaded_by("studyapp.descent")
    assert "studyapp.descent.simulate" in modules  # the probe really imported the package
    studyapp = _under(modules, "studyapp") - {"studyapp"}
    assert studyapp == _under(modules, "studyapp.descent")
    for library in ("textual", "plotext", "yaml", "rich"):
        assert not _under(modules, library), library


@pytest.mark.parametrize("package", ["studyapp.content", "studyapp.study"])
def test_content_and_study_never_import_textual_or_the_tui(package):
    modules = loaded_by(package)
    assert package in modules
    assert not _under(modules, "textual")
    assert not _under(modules, "studyapp.tui")
