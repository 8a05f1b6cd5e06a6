"""The copies a document is printed as: official draft, council edition (資料番号 and meeting,
no stamp), review copy (stamp, KPI appendix), duplex with a binding margin."""

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_pdf.build import Options, Project, build, whole_html
from strategy_pdf.cli import main
from strategy_pdf.model import Meeting

from .conftest import FIXTURES, ROOT
from .pdf_reading import MM, read_pages, table_chars

MEETING = "meeting:\n  number: 資料１\n  name: 第５回試験市総合戦略検証委員会\n"


@pytest.fixture
def with_meeting(tmp_path) -> Project:
    """The minimal fixture whose document.yaml names its meeting (inside this git work tree)."""
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    (source / "document.yaml").write_text((source / "document.yaml").read_text(encoding="utf-8") + MEETING,
                                          encoding="utf-8")
    return Project.at(ROOT, source)


def top_right(html: str) -> str:
    block = re.search(r'<div class="top-right">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>|[ \n]", "", block.group(1)) if block else ""


def test_the_council_edition_prints_its_meeting_and_no_stamp():
    project = Project.at(ROOT, FIXTURES / "good" / "minimal" / "source")
    council = whole_html(project, Options(council=Meeting("資料２", "第５回委員会", "令和２年１月２０日")))
    assert top_right(council) == "第５回委員会　令和２年１月２０日資料２案"
    assert 'class="revision-stamp"' not in council
    official = whole_html(project)
    assert top_right(official) == "案"


def test_the_command_line_goes_over_document_yaml(with_meeting):
    assert top_right(whole_html(with_meeting, Options(council=Meeting()))) == "第５回試験市総合戦略検証委員会資料１案"
    assert top_right(whole_html(with_meeting, Options(council=Meeting(date="令和２年１月２０日")))) == \
        "第５回試験市総合戦略検証委員会　令和２年１月２０日資料１案"
    assert top_right(whole_html(with_meeting)) == "案"  # the meeting is for the council's copy only


def test_council_options_on_the_command_line(with_meeting, tmp_path):
    target = tmp_path / "council.html"
    result = CliRunner().invoke(main, ["build", "--source", str(with_meeting.source), "--format", "html",
                                       "--output", str(target), "--meeting-date", "令和２年１月２０日"])
    assert result.exit_code == 0, result.output
    assert top_right(target.read_text(encoding="utf-8")) == "第５回試験市総合戦略検証委員会　令和２年１月２０日資料１案"


def test_the_council_pdf_carries_the_number_at_the_top_right(with_meeting, tmp_path):
    pages = read_pages(build(with_meeting, tmp_path / "council.pdf", options=Options(council=Meeting())))
    for page in pages:
        chars = [c for c in page.chars if c["top"] < 17 * MM]
        number = [c for c in chars if c["text"] in "資料１"]
        assert len(number) == 3 and min(c["x0"] for c in number) > page.size[0] / 2
        assert "rev " not in page.text


def test_the_real_official_copy_has_no_kpi_appendix_and_the_review_copy_has():
    project = Project.at(ROOT)
    assert "kpi-appendix" not in whole_html(project)
    assert '<section class="kpi-appendix">' in whole_html(project, Options(kpi_appendix=True))


def test_the_kpi_appendix_opens_its_own_page_under_its_title(tmp_path):
    project = Project.at(ROOT, FIXTURES / "good" / "minimal" / "source")
    pages = read_pages(build(project, tmp_path / "comparison.pdf"))
    first = next(i for i, page in enumerate(pages) if "数値目標・KPI 一覧" in page.text)
    body = "".join(c["text"] for c in sorted(table_chars(pages[first]), key=lambda c: (round(c["top"]), c["x0"])))
    assert body.startswith("参考数値目標・KPI一覧"), body[:40]
    assert "本文には含まれない" in body
    assert "数値目標・KPI 一覧" not in pages[first - 1].text
    without = read_pages(build(project, tmp_path / "without.pdf", options=Options(kpi_appendix=False)))
    assert len(without) == first and not any("KPI 一覧" in page.text for page in without)


def test_a_binding_margin_on_the_inside_edge(tmp_path):
    project = Project.at(ROOT, FIXTURES / "good" / "minimal" / "source")
    pages = read_pages(build(project, tmp_path / "bound.pdf", options=Options(binding=True)))
    assert len(pages) >= 2
    left_edges = [min(c["x0"] for c in page.chars if c["top"] > 20 * MM) / MM for page in pages[:2]]
    # A recto (page 1) is bound on its left: 26 mm there; a verso on its right: 16 mm left.
    assert left_edges[0] == pytest.approx(left_edges[1] + 10, abs=0.5), left_edges
