"""The first screen needs Textual only: content, the store, NumPy and plotext load in the background."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import studyapp.tui.app
import studyapp.tui.screens.home
print(json.dumps(sorted(sys.modules)))
"""


def test_home_screen_imports_nothing_heavy() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    modules = set(json.loads(result.stdout))
    assert "studyapp.tui.screens.home" in modules
    for heavy in ("numpy", "plotext", "yaml", "fsrs", "sqlite3", "studyapp.content", "studyapp.study", "studyapp.descent"):
        assert heavy not in modules, heavy
