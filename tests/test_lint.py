"""Lint findings: placeholders, brackets, era years, （再掲） figures, prh spelling."""

import pytest

from strategy_pdf import lint, parse
from strategy_pdf.build import check
from strategy_pdf.build import LintFailed
from strategy_pdf.errors import SourceError

from .conftest import FIXTURES, ROOT, fixture_project


def expected(name: str) -> list[str]:
    return (FIXTURES / "lint" / name / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_findings_name_file_line_rule_and_hint():
    findings = check(fixture_project("lint", "findings"))
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
    findings = check(fixture_project("lint", "findings"))
    assert all(finding.location.line != 11 for finding in findings)


def test_the_real_document_has_only_known_findings():
    """The printed draft's rough edges are reported, never silently corrected."""
    findings = lint.lint(parse.load_document(ROOT / "source"), lint.load_spelling(ROOT / "source"))
    rules = {finding.rule for finding in findings}
    assert {"placeholder", "brackets", "spelling", "repeat", "missing-figure"} <= rules
    assert any("〇〇" in finding.message for finding in findings)
