"""The command line: thin, with clean errors and exit codes."""

import re

from click.testing import CliRunner

from strategy_pdf import __version__
from strategy_pdf.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_version_and_help():
    assert run("--version").output.strip().endswith(__version__)
    for command in ([], ["build"], ["validate"]):
        result = run(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output
    assert "-j, --parts, --jobs INTEGER RANGE" in run("build", "--help").output  # --jobs: the old name


def test_validate_reports_all_errors_without_traceback():
    result = run("validate", "--source", "tests/fixtures/bad/structure/source")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "tests/fixtures/bad/structure/source/one.yaml:7:5: rows[empty-row]: row has neither" in result.output
    assert result.output.rstrip().endswith("10 errors in the sources")


def test_validate_good_sources():
    result = run("validate", "--source", "tests/fixtures/good/minimal/source")
    assert result.exit_code == 0 and "10 rows" in result.output


def test_build_html(tmp_path):
    target = tmp_path / "x.html"
    result = run("build", "--source", "tests/fixtures/good/minimal/source", "--format", "html", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "<table class=\"comparison\">" in target.read_text(encoding="utf-8")


def test_build_prints_a_lint_summary_and_the_path_last(tmp_path):
    target = tmp_path / "x.html"
    args = ["build", "--source", "tests/fixtures/lint/answers/source", "--format", "html", "-o", str(target)]
    loud = run(*args)
    assert loud.exit_code == 0 and loud.output.splitlines() == [
        "lint: 8 findings to look at (answer 5, era-year 1, placeholder 1, spelling 1); 6 answered in the sources;"
        " make lint lists them", str(target)]
    for quiet in ("--quiet", "--no-lint"):
        assert run(*args, quiet).output == f"{target}\n"
    strict = run(*args, "--strict")
    assert strict.exit_code == 1 and "Traceback" not in strict.output
    assert strict.output.splitlines()[-1] == "8 lint finding(s) not answered; --strict fails on any"
    assert run(*args, "--strict", "--no-lint").exit_code == 2


def test_lint_lists_what_is_not_answered():
    result = run("lint", "--source", "tests/fixtures/lint/answers/source")
    lines = result.output.splitlines()
    assert result.exit_code == 0 and len(lines) == 9
    assert re.match(r"warning: tests/fixtures/lint/answers/source/goal\.yaml:10:\d+: spelling:", lines[0]), lines[0]
    assert lines[-1] == ("8 findings to look at, 6 answered in the sources."
                         " To keep one as written, end its line with # strategy-pdf: keep RULE.")
    assert run("lint", "--source", "tests/fixtures/lint/answers/source", "--strict").exit_code == 1


def test_progress_line_fits_the_terminal_in_cells(capsys):
    from strategy_pdf.cli import _ProgressLine

    line = _ProgressLine()
    line.width = 30
    line("1/3 目次–基本目標１ 施策（３）（４）: Step 7")
    shown = capsys.readouterr().err
    assert shown == "\r1/3 目次–基本目標１ 施策（３）"  # 4 + 2×13 cells: a kanji more would wrap
    line("short")
    assert capsys.readouterr().err == "\rshort" + " " * 25
