"""adopt and check-current, in git repositories made by the tests."""

import re
import shutil

import pytest
from click.testing import CliRunner

from strategy_pdf import annotate, eras, parse, texts
from strategy_pdf.adoption import AdoptRefused, CurrentDiffers, adopt, check, check_current
from strategy_pdf.build import Options, Project, changes, check as lint_check, whole_html
from strategy_pdf.model import CHANGED
from strategy_pdf.cli import main

from .conftest import FIXTURES, ROOT, git


def side_texts(blocks):
    """A side as a reader compares it: each text with its block kind and field."""
    return [(texts.block_kind(blocks[i]), t.path, t.value) for i, t in texts.side_texts(blocks)]


def committed(tmp_path, source_dir):
    source = tmp_path / "source"
    shutil.copytree(source_dir, source)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "the draft the council adopts")
    return source


@pytest.fixture
def real(tmp_path):
    return committed(tmp_path, ROOT / "source")


@pytest.fixture
def minimal(tmp_path):
    return committed(tmp_path, FIXTURES / "good" / "minimal" / "source")


def marks(document):
    return [segment for row in annotate.annotate(document).rows for _, segments in row.marks
            for segment in segments if CHANGED in segment.marks]


def test_adopt_makes_the_draft_the_text_in_force(real, tmp_path):
    before = parse.load_document(real)
    texts = {path.name: path.read_text(encoding="utf-8") for path in real.glob("*.yaml")}
    adopted = adopt(real)
    after = parse.load_document(real)
    with_draft = [row for row in before.rows if row.draft]
    assert [row.id for row in after.rows] == [row.id for row in with_draft]
    for old, new in zip(with_draft, after.rows):
        assert side_texts(new.current) == side_texts(old.draft) == side_texts(new.draft)
        assert not new.remarks and new.page_break == old.page_break
    assert adopted.removed == tuple(row.id for row in before.rows if not row.draft)
    assert adopted.chapters_removed == ("quake-revision",)  # its rows were all deleted text
    assert not (real / "quake-revision.yaml").exists()
    assert "quake-revision" not in (real / "document.yaml").read_text(encoding="utf-8")
    assert not marks(after)
    # Comments, key order, quoting and the blank line between rows are kept.
    goal = (real / "goal-1.yaml").read_text(encoding="utf-8")
    assert goal.count("# Reported in 【第１期戦略の検証】") == 1 and 'base: "2,325"' in goal
    for name, text in texts.items():
        if name in ("quake-revision.yaml", "document.yaml"):
            continue
        new = (real / name).read_text(encoding="utf-8")
        assert new.startswith(text.split("\n", 1)[0])
        rows = re.findall(r"^  - id: ", new, re.M)
        assert len(re.findall(r"\n\n  - id: ", new)) == len(rows) - 1, name
    report = adopted.report()
    assert f"adopted: {adopted.revision.short_hash}" in report
    assert f"git tag adopted-{eras.abbreviation(int(adopted.revision.date[:4]))} {adopted.revision.short_hash}" in report


def test_after_adoption_lint_passes_the_check_and_changes_lists_every_changed_current_side(real, tmp_path):
    before = parse.load_document(real)
    adopt(real)
    git(tmp_path, "commit", "-q", "-am", "adopted")
    project = Project(root=ROOT, source=real)
    assert not [f for f in lint_check(project).open if f.rule == "check-current"]
    html = whole_html(project, Options(stamp=False))
    assert '<span class="changed">' not in html and "（傍線部分は改正部分）" in html
    summary = changes(project, "HEAD~1")
    changed = {row.id for row in before.rows if row.draft and side_texts(row.draft) != side_texts(row.current)}
    listed = set(re.findall(r"^  changed  (\S+)", summary, re.M))
    assert listed == changed and len(changed) > 100
    details = re.findall(r"^  changed  \S+ › (.*)$|^ {13}(.*)$", summary, re.M)
    # The draft side stays as it was: what changed is 現行, and the remarks cleared.
    assert details and all(text.startswith(("現行 › ", "備考: ", "… ")) for pair in details for text in pair if text)


def test_check_current_reports_every_retyping_error_with_its_place(minimal, tmp_path):
    adopt(minimal)
    git(tmp_path, "commit", "-q", "-am", "adopted")
    revision = parse.load_document(minimal).adopted
    assert check(minimal, revision).startswith("現行 is the draft adopted")
    basics = minimal / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    lines = text.splitlines()
    edited = text.replace("current: 本市においても、平成 28（2016）年 3 月に総合戦略を策定しました。",
                          "current: 本市においても、平成 28（2016）年 3 月に総合戦略を策定いたしました。")
    assert edited != text
    basics.write_text(edited, encoding="utf-8")
    goal = minimal / "goal.yaml"
    text = goal.read_text(encoding="utf-8")
    second = text.index('targets: ["2,541", "2,692"]', text.index('targets: ["2,541", "2,692"]') + 1)  # the 現行 copy
    goal.write_text(text[:second] + 'targets: ["2,514", "2,692"]' + text[second + 27:], encoding="utf-8")
    findings = check_current(minimal, revision)
    line = next(i for i, l in enumerate(lines, 1) if l.startswith("    current: 本市においても"))
    assert [(f.location.file.endswith("basics.yaml"), f.location.line) for f in findings][0] == (True, line)
    assert "row 'basics-history'" in str(findings[0]) and "{+いた+}" in str(findings[0])
    edited = goal.read_text(encoding="utf-8").splitlines().index('              targets: ["2,514", "2,692"]') + 1
    kpi = next(f for f in findings if f.location.file.endswith("goal.yaml"))
    assert kpi.location.line == edited and "市内総生産額 › 目標値（R1）: [-2,541-]{+2,514+}" in kpi.message
    with pytest.raises(CurrentDiffers, match=r"difference\(s\) between 現行 and the draft adopted"):
        check(minimal, revision)
    result = CliRunner().invoke(main, ["check-current", revision, "--source", str(minimal)])
    assert result.exit_code == 1 and "basics.yaml:" in result.output and "Traceback" not in result.output
    # document.yaml names the adopted revision: lint runs the same check.
    assert [f.rule for f in lint_check(Project(root=ROOT, source=minimal)).open].count("check-current") == len(findings)


def test_check_current_before_adoption_finds_the_current_text_that_differs(minimal):
    findings = check_current(minimal, "HEAD")
    document = parse.load_document(minimal)
    differing = {row.id for row in document.rows
                 if row.current and (not row.draft or side_texts(row.draft) != side_texts(row.current))}
    missing = {row.id for row in document.rows if row.draft and not row.current}
    assert {re.search(r"row '([^']+)'", f.message).group(1) for f in findings} == differing | missing
    gone = next(f for f in findings if "basics-new" in f.message)
    assert gone.location.file.endswith("basics.yaml") and "has no 現行 side" in gone.message


def test_check_current_shows_a_row_that_is_gone_where_it_was(minimal, tmp_path):
    basics = minimal / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    row = "  - id: basics-new\n    draft:\n      - 新しい段落です。<script>alert(1)</script> & <b>太字ではない</b>\n"
    basics.write_text(text.replace(row, ""), encoding="utf-8")
    gone = next(f for f in check_current(minimal, "HEAD") if "basics-new" in f.message)
    assert gone.location.file.endswith("source/basics.yaml@HEAD") and "(the row is gone)" in gone.message
    assert gone.location.line == text.splitlines().index("  - id: basics-new") + 1


def test_adopt_refuses_uncommitted_changes_and_changes_nothing(minimal):
    (minimal / "basics.yaml").write_text((minimal / "basics.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    texts = {path: path.read_bytes() for path in minimal.glob("*.yaml")}
    result = CliRunner().invoke(main, ["adopt", "--source", str(minimal)])
    assert result.exit_code == 1 and "uncommitted changes" in result.output and "basics.yaml" in result.output
    assert {path: path.read_bytes() for path in minimal.glob("*.yaml")} == texts


def test_adopt_refuses_outside_git(tmp_path):
    source = tmp_path / "plain"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    texts = {path: path.read_bytes() for path in source.glob("*.yaml")}
    with pytest.raises(AdoptRefused, match="not in a git repository"):
        adopt(source)
    assert {path: path.read_bytes() for path in source.glob("*.yaml")} == texts


def test_adopt_from_the_command_line(minimal):
    result = CliRunner().invoke(main, ["adopt", "--source", str(minimal)])
    assert result.exit_code == 0, result.output
    assert "rows without a draft removed: basics-quake" in result.output and "git tag adopted-" in result.output
    assert parse.load_document(minimal).adopted


def test_era_abbreviation_of_a_year():
    assert [eras.abbreviation(year) for year in (2015, 2018, 2019, 2020, 2026)] == ["H27", "H30", "R1", "R2", "R8"]
    assert all(eras.western_year(eras.abbreviation(year)) == year for year in range(1990, 2040) if year != 2019)
