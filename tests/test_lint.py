"""Lint findings: placeholders, brackets, era years, （再掲） figures, prh spelling."""

import re
import shutil

import pytest

from strategy_pdf import answers, lint, parse
from strategy_pdf.build import LintFailed, Project, check
from strategy_pdf.errors import SourceError

from .conftest import FIXTURES, ROOT, fixture_project


def expected(name: str, file: str = "expected.txt") -> list[str]:
    return (FIXTURES / "lint" / name / file).read_text(encoding="utf-8").splitlines()


def test_findings_name_file_line_rule_and_hint():
    findings = check(fixture_project("lint", "findings")).open
    assert [str(finding) for finding in findings] == expected("findings")


def test_strict_turns_findings_into_a_failure():
    with pytest.raises(LintFailed) as caught:
        check(fixture_project("lint", "findings"), strict=True)
    assert str(caught.value).splitlines()[:-1] == expected("findings")


def test_bad_dictionary_is_a_source_error_with_locations():
    with pytest.raises(SourceError) as caught:
        check(fixture_project("lint", "bad-dictionary"))
    assert str(caught.value).splitlines() == expected("bad-dictionary")


@pytest.mark.parametrize("text, problem", [
    ("「人口ビジョン」に掲げた", None),
    ("（１）多核連携都市」の実現", "'」' closes a bracket that is not open"),
    ("【施策】（１「", "'「' is never closed"),
    ("『（』）", "'』' closes a bracket that is not open"),
])
def test_bracket_balance(text, problem):
    assert lint._bracket_problem(text) == problem


def test_the_spelling_of_the_current_column_is_not_linted():
    findings = check(fixture_project("lint", "findings")).open
    assert all(finding.location.line != 11 for finding in findings)


def test_the_real_document_has_only_known_findings():
    """The printed draft's rough edges are reported, never silently corrected."""
    findings = lint.lint(parse.load_document(ROOT / "source"), lint.load_spelling(ROOT / "source"))
    rules = {finding.rule for finding in findings}
    assert {"placeholder", "brackets", "spelling", "repeat", "missing-figure"} <= rules
    assert any("〇〇" in finding.message for finding in findings)


def test_an_answer_in_the_source_keeps_its_finding_and_only_it():
    report = check(fixture_project("lint", "answers"))
    assert [str(finding) for finding in report.open] == expected("answers")
    assert [str(finding) for finding in report.answered] == expected("answers", "answered.txt")
    open_at = {(finding.location.line, finding.rule) for finding in report.open}
    answered_at = {(finding.location.line, finding.rule) for finding in report.answered}
    # Line 10 has three findings; the two answers above it keep placeholder and brackets only.
    assert (10, "placeholder") in answered_at and (10, "brackets") in answered_at and (10, "spelling") in open_at
    # An answer naming another rule keeps nothing, and says so.
    assert (13, "placeholder") in open_at and (13, "answer") in open_at
    # A misspelt rule beside a right one: the right one still keeps its finding.
    assert (14, "spelling") in answered_at and (14, "answer") in open_at


def test_an_answer_stands_at_the_end_of_the_line_or_alone_above_it():
    text = "\n".join([
        "rows:",
        "  - id: a  # strategy-pdf: keep placeholder",
        "    # strategy-pdf: keep spelling",
        "    # an ordinary comment between",
        "    # strategy-pdf: keep brackets, era-year -- as printed in 2019",
        "    draft: x",
        "    current: y # not an answer: strategy-pdf: keep placeholder",
    ])
    found, problems = answers.read(text, "x.yaml")
    assert [(answer.at.line, answer.at.column, answer.line, answer.rules) for answer in found] == [
        (2, 12, 2, ("placeholder",)), (3, 5, 6, ("spelling",)), (5, 5, 6, ("brackets", "era-year"))]
    assert problems == ()


def test_strict_fails_on_findings_not_answered_alone(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "lint" / "findings" / "source", source)
    (source / "goal.yaml").write_text("title: 章\nrows:\n  - id: a\n    draft:\n"
                                      "      - 〇〇を定めます。  # strategy-pdf: keep placeholder\n", encoding="utf-8")
    project = Project.at(ROOT, source)
    assert check(project, strict=True).open == ()
    (source / "goal.yaml").write_text("title: 章\nrows:\n  - id: a\n    draft:\n"
                                      "      - 〇〇を定めます。  # strategy-pdf: keep spelling\n", encoding="utf-8")
    with pytest.raises(LintFailed) as caught:
        check(project, strict=True)
    assert [line.split(": ", 2)[1] for line in str(caught.value).splitlines()[:-1]] == ["placeholder", "answer"]


def test_summary_counts_by_rule_and_says_where_to_look():
    report = check(fixture_project("lint", "findings"))
    assert report.summary() == ("lint: 14 findings to look at (placeholder 4, era-year 3, repeat 2, spelling 2, "
                                "alt 1, brackets 1, missing-figure 1); make lint lists them")
    assert answers.Report((), report.open).summary() == ""


def test_every_rule_lint_reports_can_be_answered():
    source = (ROOT / "src" / "strategy_pdf" / "lint.py").read_text(encoding="utf-8")
    reported = set(re.findall(r'Finding\([^,]+, "([a-z-]+)"', source))
    assert reported and reported <= set(answers.RULES)
