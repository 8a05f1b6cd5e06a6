"""Issue 13's fault cases: each ends in a clean message naming the file (and line), never a
traceback, a wrong PDF with exit 0, a half-written output or a process left running."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_pdf import build, parse
from strategy_pdf.cli import main
from strategy_pdf.errors import SourceError, display_path
from strategy_pdf.loader import load_bytes

from .conftest import FIXTURES, ROOT

GOOD = FIXTURES / "good" / "minimal" / "source"


def run(*args):
    return CliRunner().invoke(main, list(args))


def messages(data: bytes) -> list[str]:
    return [str(problem) for problem in load_bytes(data, "source/x.yaml").problems]


# 8. A source file cut short: it does not end with a line break.

def test_a_file_without_a_final_line_break_is_reported_as_cut_short():
    found = messages("title: x\nrows:\n  - id: a\n    draft: 本市においても、".encode("utf-8"))
    assert found == ["source/x.yaml:4:20: the file ends in the middle of line 4, without a line break: it may "
                     "have been cut short (an interrupted save, copy or sync); check its end, then end the "
                     "last line with a line break"]


def test_a_file_cut_inside_a_character_is_reported_as_cut_short():
    data = "title: x\nrows: []\nnote: 本市".encode("utf-8")[:-1]
    assert "cut short" in messages(data)[0] and messages(data)[0].startswith("source/x.yaml:3:")


# 14. Nesting a few hundred levels deep.

def test_deep_nesting_is_a_located_error_not_a_recursion_error():
    deep = ("title: x\nrows: " + "[" * 500 + "]" * 500 + "\n").encode()
    assert messages(deep) == ["source/x.yaml:2:38: nesting deeper than 32 levels; a source needs no more than a "
                              "few (a figure's boxes in boxes)"]


def document_with(tmp_path, chapters: str, files: dict[str, str] | None = None):
    """A copy of the minimal fixture whose document.yaml lists ``chapters`` (YAML flow)."""
    source = tmp_path / "source"
    shutil.copytree(GOOD, source)
    document = source / "document.yaml"
    document.write_text(document.read_text(encoding="utf-8").split("chapters:")[0] + f"chapters: {chapters}\n",
                        encoding="utf-8")
    for name, text in (files or {}).items():
        (source / name).write_text(text, encoding="utf-8")
    return source


def source_errors(source) -> list[str]:
    with pytest.raises(SourceError) as caught:
        parse.load_document(source)
    return [str(problem) for problem in caught.value.problems]


# 6. Chapters are files under the source folder, nowhere else (17: nor names with quotes).

@pytest.mark.parametrize("name", ["../outside", "{tmp}/outside", "sub/../../outside", 'a"b'])
def test_a_chapter_outside_the_source_folder_is_refused(tmp_path, name):
    (tmp_path / "outside.yaml").write_text("title: 外\nrows:\n  - id: x\n    draft: 外の文書\n", encoding="utf-8")
    source = document_with(tmp_path, json.dumps(["basics", "goal", name.format(tmp=tmp_path)]))
    shown = display_path(source / "document.yaml", Path.cwd())
    assert any(error.startswith(f"{shown}:9:") and "chapters[2]" in error and "not a file name" in error
               for error in source_errors(source)), source_errors(source)


def test_a_chapter_that_links_outside_the_source_folder_is_refused(tmp_path):
    (tmp_path / "outside.yaml").write_text("title: 外\nrows:\n  - id: x\n    draft: 外の文書\n", encoding="utf-8")
    source = document_with(tmp_path, "[basics, goal, linked]")
    (source / "linked.yaml").symlink_to(tmp_path / "outside.yaml")
    assert any("chapters[2]" in error and "outside the source folder" in error for error in source_errors(source))


# 13. An empty document.

def test_a_document_without_rows_says_what_is_missing(tmp_path):
    source = document_with(tmp_path, "[]")
    for name in ("basics.yaml", "goal.yaml"):
        (source / name).unlink()
    shown = display_path(source / "document.yaml", Path.cwd())
    assert source_errors(source) == [f"{shown}:9:11: chapters: the document has no rows to print; list a chapter"
                                     " that has rows"]
    source = document_with(tmp_path / "again", "[basics]", {"basics.yaml": "title: 空\nrows: []\n"})
    (source / "goal.yaml").unlink()
    assert [error.split(": ", 1)[1] for error in source_errors(source)] == [
        "chapters: the document has no rows to print; list a chapter that has rows"]


def test_an_empty_chapter_beside_others_builds(tmp_path):
    source = document_with(tmp_path, "[basics, empty, goal]", {"empty.yaml": "title: 空の章\nrows: []\n"})
    html = build.html_of(build.Project.at(ROOT, source))
    assert "創業支援を行います。" in html  # the chapters after the empty one are there
