"""Issue 13's fault cases: each ends in a clean message naming the file (and line), never a
traceback, a wrong PDF with exit 0, a half-written output or a process left running."""

from __future__ import annotations

from click.testing import CliRunner

from strategy_pdf.cli import main
from strategy_pdf.loader import load_bytes


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
