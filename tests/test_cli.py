"""The command line: thin, with clean errors and exit codes."""

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
    assert "tests/fixtures/bad/structure/source/one.yaml:7:5: rows[2]: row has neither" in result.output
    assert result.output.rstrip().endswith("10 errors in the sources")


def test_validate_good_sources():
    result = run("validate", "--source", "tests/fixtures/good/minimal/source")
    assert result.exit_code == 0 and "10 rows" in result.output


def test_build_html(tmp_path):
    target = tmp_path / "x.html"
    result = run("build", "--source", "tests/fixtures/good/minimal/source", "--format", "html", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "<table class=\"comparison\">" in target.read_text(encoding="utf-8")


def test_build_warns_on_lint_findings_and_quiet_prints_only_the_path(tmp_path):
    target = tmp_path / "x.html"
    args = ["build", "--source", "tests/fixtures/lint/findings/source", "--format", "html", "-o", str(target)]
    loud = CliRunner().invoke(main, args)
    assert loud.exit_code == 0 and "warning: tests/fixtures/lint/findings/source/goal.yaml:6: era-year:" in loud.output
    quiet = CliRunner().invoke(main, [*args, "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == f"{target}\n"
    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1 and "--strict fails on any" in strict.output and "Traceback" not in strict.output


def test_progress_line_fits_the_terminal_in_cells(capsys):
    from strategy_pdf.cli import _ProgressLine

    line = _ProgressLine()
    line.width = 30
    line("1/3 目次–基本目標１ 施策（３）（４）: Step 7")
    shown = capsys.readouterr().err
    assert shown == "\r1/3 目次–基本目標１ 施策（３）"  # 4 + 2×13 cells: a kanji more would wrap
    line("short")
    assert capsys.readouterr().err == "\rshort" + " " * 25
