"""Where content comes from: the package's bundled folder, then the user's directories."""

from __future__ import annotations

from pathlib import Path

from studyapp.content import check_content
from studyapp.content.discovery import (
    bundled_files,
    bundled_root,
    path_files,
    user_directories,
)


def test_bundled_content_is_found_inside_the_package():
    root = bundled_root()
    assert root.is_dir() and (root / "taxonomy.yaml").is_file()
    real_root = Path(str(root)).resolve()
    relative = [Path(item.name).relative_to(real_root) for item in bundled_files()]
    assert Path("taxonomy.yaml") in relative
    assert all(name.suffix in (".yaml", ".yml") for name in relative)
    assert relative == sorted(relative)


def test_directories_in_precedence_order(tmp_path, monkeypatch, isolated_data_dir):
    own = isolated_data_dir / "content"
    own.mkdir(parents=True)
    monkeypatch.setenv("STUDYAPP_CONTENT", f"{tmp_path / 'env1'}:{tmp_path / 'env2'}")
    assert user_directories([tmp_path / "flag"]) == [tmp_path / "flag", tmp_path / "env1", tmp_path / "env2", own]


def test_folders_are_walked_in_order_skipping_hidden_and_other_files(write):
    for name in ("b/two.yml", "a/one.yaml", "a/.hidden.yaml", ".git/x.yaml", "notes.md", "z.yaml"):
        write(name, "kind: taxonomy\n")
    folder = write("z.yaml", "kind: taxonomy\n").parent
    assert [Path(item.name).relative_to(folder.resolve()).as_posix() for item in path_files(folder)] == ["a/one.yaml", "b/two.yml", "z.yaml"]
    (single,) = path_files(folder / "notes.md")
    assert single.name == str(folder / "notes.md")


def test_one_file_reached_two_ways_is_read_once(tmp_path):
    link = tmp_path / "again"
    link.symlink_to(Path(str(bundled_root())).resolve(), target_is_directory=True)
    report = check_content(content_dirs=[link], run_scenes=False, cache_dir=None)
    assert not [problem for problem in report.problems if "duplicate id" in problem.message or "also used" in problem.message]
