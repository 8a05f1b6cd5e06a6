"""strategy-pdf build --layout review: the committee's document from the real sources and a
filled-in workbook, with rates and grades computed by hand."""

import re

import pdfplumber
import pytest
from pypdf import PdfReader

from strategy_pdf.build import Options, Project, build, whole_html, import_actuals

from .conftest import ROOT
from .pdf_reading import A4_LANDSCAPE, font_names, read_pages, vendored_font_names
from .workbooks import filled_workbook, real_sources


@pytest.fixture(scope="module")
def review_pdf(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("review")
    source = real_sources(tmp_path)
    import_actuals(Project.at(ROOT, source), filled_workbook(tmp_path / "actuals.xlsx"))
    return build(Project.at(ROOT, source), tmp_path / "review.pdf", options=Options(layout="review"))


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def tables(path):
    """Every table of every page as rows of cell texts, white space removed."""
    with pdfplumber.open(str(path)) as pdf:
        return [[[compact(cell or "") for cell in row] for row in table]
                for page in pdf.pages for table in page.extract_tables()]


@pytest.fixture(scope="module")
def rows(review_pdf):
    """Indicator number → its row's cells: 番号, 指標, 基準値, 目標値, H28, H29, H30, R1, 達成率, 評価, 推移."""
    found = {}
    for table in tables(review_pdf)[2:]:
        assert table[0][:4] == ["番号", "指標〔単位〕", "基準値", "目標値"], table[0]
        for row in table[1:]:
            found[int(row[0])] = row
    return found


def test_pages_furniture_bookmarks_and_fonts(review_pdf):
    pages = read_pages(review_pdf)
    assert all(page.size == pytest.approx(A4_LANDSCAPE, abs=1) for page in pages)
    assert all("熊本市しごと・ひと・まち創生総合戦略" in page.text for page in pages)
    assert [f"－{n}－" in compact(page.text) for n, page in enumerate(pages, 1)] == [True] * len(pages)
    outline = PdfReader(str(review_pdf)).outline
    top = [entry.title for entry in outline if not isinstance(entry, list)]
    assert top == ["数値目標・KPI の達成状況", "基本目標１", "基本目標２", "基本目標３"]
    assert [entry.title for entry in outline[2]][:2] == ["[数値目標]", "（１） 魅力あるしごとの創出と働く環境の整備"]
    assert font_names(review_pdf) <= vendored_font_names(ROOT / "fonts")


def test_first_page_counts_grades_per_goal_and_overall(review_pdf):
    counts, legend = tables(review_pdf)[:2]
    # By hand from tests/workbooks.py, the latest (R1) grade of each indicator, （再掲） left out:
    # goal 1: 1 B, 2 B, 3 A, 4 B, 5 B, 6 C, 7 A, 8 B; goal 2: 9 D, 11 B, 12 C, 13 B;
    # goal 3: 14 D, 15 B, 17 C, 19 A, 20 B.
    assert counts == [["基本目標", "A", "B", "C", "D", "－", "計"],
                      ["基本目標１", "2", "5", "1", "0", "0", "8"],
                      ["基本目標２", "0", "2", "1", "1", "0", "4"],
                      ["基本目標３", "1", "2", "1", "1", "0", "5"],
                      ["全体", "3", "9", "3", "2", "0", "17"]]
    assert legend[1:] == [["A", "目標値を達成"], ["B", "達成率50％以上"], ["C", "達成率0％超"], ["D", "上記以外"],
                          ["－", "実績なし"]]


def test_every_indicator_with_its_rates_and_grade(rows):
    assert sorted(rows) == list(range(1, 21))
    # 年転入超過数: −37 → 400. H28 (−1,394 − (−37)) / (400 − (−37)) = −310.5 % toward the final
    # target (H28 has none); H29 560 passes 400: 100 %; H30 −20.8 %; R1 (250 + 37) / 437 = 65.7 %: B.
    assert rows[2][1] == "年転入超過数〔人〕"
    assert rows[2][4:10] == ["－1,394－310.5％", "560100.0％", "－128－20.8％", "25065.7％", "65.7％（R1）", "B"]
    # 保育所など利用待機児童数: 397 → 0, lower is better. H28 200: 197 / 397 = 49.6 %;
    # H29 150: 62.2 %; H30 120: 69.8 %; R1 20: 377 / 397 = 95.0 %: B.
    assert rows[11][4:10] == ["20049.6％", "15062.2％", "12069.8％", "2095.0％", "95.0％（R1）", "B"]
    # 居住誘導区域の人口密度: 60.7 kept (維持). 60.9, 60.8 and 60.7 keep it: 100 %; R1 60.6 fell: 0 %, D.
    assert rows[14][4:10] == ["60.9100.0％", "60.8100.0％", "60.7100.0％", "60.60.0％", "0.0％（R1）", "D"]
    # Its （再掲） points at it and is judged the same.
    assert rows[16][1].endswith("（再掲：14）") and rows[16][4:10] == rows[14][4:10]
    # 地域活動: (29 − 27.3) / (30 − 27.3) = 63.0 %, B; its （再掲） has targets of its own:
    # (29 − 27.3) / (42 − 27.3) = 11.6 %, C.
    assert rows[15][8:10] == ["63.0％（R1）", "B"] and rows[18][8:10] == ["11.6％（R1）", "C"]
    # 観光客消費額: H30 has its own target (749): 760 meets it; R1 toward R4's 852: 127 / 179 = 70.9 %.
    assert rows[8][6] == "760100.0％" and rows[8][8:10] == ["70.9％（R1）", "B"]
    # 公共交通機関の年間利用者数: 55,436 → 55,302, lower; R1 55,380: 56 / 134 = 41.8 %, C.
    assert rows[17][8:10] == ["41.8％（R1）", "C"]
    # 製品化件数: 2 → 18 (final, for H28): 1 / 16 = 6.25 %, rounded half up.
    assert rows[5][4] == "36.3％"
    # 出生数: 7,039 → 7,000 以上: 7,011 holds the threshold, 6,600 falls below it.
    assert rows[9][4] == "7,011100.0％" and rows[9][8:10] == ["0.0％（R1）", "D"]
    # Every indicator has a grade and a chart (its axis years).
    assert all(row[9] in "ABCD" and re.search(r"20\d\d", row[10]) for row in rows.values())


def test_the_review_html_carries_the_revision_stamp():
    html = whole_html(Project.at(ROOT), Options(layout="review"))
    assert '<div class="revision-stamp">' in html and 'id="kpi-20"' in html
    assert 'href="#kpi-9">（再掲：9）' in html
