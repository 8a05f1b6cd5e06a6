"""The KPI register, its charts, the appendix and the open-data export."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from strategy_pdf import kpis, parse
from strategy_pdf.build import Options, build, export_kpis
from strategy_pdf.cli import main

from .conftest import fixture_project
from .pdf_reading import read_pages


def records(column="draft"):
    return kpis.register(parse.load_document(fixture_project("good", "minimal").source), column)


def test_register_places_each_kpi_and_resolves_repeats():
    draft = records()
    assert [(r.number, r.goal, r.kind, r.indicator) for r in draft] == [
        (1, "基本目標１", "数値目標", "市内総生産額"), (2, "基本目標１", "KPI", "出生数")]
    assert draft[0].targets == (("2,541", "R1"), ("2,692", "R5"))
    assert draft[0].actuals == (("H28", "2,400"), ("H29", "2,380"))
    assert draft[1].targets == (("〇〇", "H30"), ("0.90", "R4"))
    assert draft[1].repeat_of is None  # its original is not in this document: nothing to point at
    assert [r.indicator for r in records("current")] == ["市内総生産額"]


def test_repeat_points_at_the_original(tmp_path):
    real = kpis.register(parse.load_document(fixture_project("good", "minimal").source.parents[4] / "source"))
    births = [r for r in real if r.indicator == "出生数"]
    assert births[0].repeat_of is None and births[1].repeat_of == births[0].number


@pytest.mark.parametrize("printed, number", [
    ("－1,394", -1394.0), ("2,325", 2325.0), ("7,000 以上", 7000.0), ("0.90", 0.9), ("〇〇", None), ("", None)])
def test_numeric(printed, number):
    assert kpis.numeric(printed) == number


def test_chart_draws_plan_and_results_as_vector_with_years():
    svg = str(kpis.chart(records()[0]))
    assert svg.startswith("<svg") and svg.count("<circle") == 5  # base, 2 results, 2 targets
    assert 'stroke-dasharray' in svg and ">2012<" in svg and ">2023<" in svg
    assert str(kpis.chart(records()[1])).count("<circle") == 2  # 〇〇 is not a number: no point for it


def test_csv_has_one_header_row_and_opens_in_excel():
    text = export_kpis(fixture_project("good", "minimal"), "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["番号", "基本目標", "施策", "区分", "指標"] and len(rows) == 3
    assert rows[1][rows[0].index("目標年2（西暦）")] == "2023"
    result = CliRunner().invoke(main, ["kpis", "--source", "tests/fixtures/good/minimal/source", "--bom"])
    assert result.output.startswith("\ufeff番号,")


def test_json_has_numbers_and_western_years():
    data = json.loads(export_kpis(fixture_project("good", "minimal"), "json"))
    assert data[0]["base"] == {"value": "2,325", "number": 2325.0, "era_year": "H24", "year": 2012}
    assert data[0]["actuals"][0] == {"value": "2,400", "number": 2400.0, "era_year": "H28", "year": 2016}


@pytest.mark.parametrize("layout", ["comparison", "draft"])
def test_appendix_ends_the_pdf(tmp_path, layout):
    pages = read_pages(build(fixture_project("good", "minimal"), tmp_path / "x.pdf", options=Options(layout=layout)))
    text = "".join(page.text for page in pages[-2:])
    assert "数値目標・KPI 一覧" in text and "市内総生産額〔十億円〕" in text


def test_appendix_can_be_switched_off(tmp_path):
    source = tmp_path / "source"
    import shutil
    shutil.copytree(fixture_project("good", "minimal").source, source)
    document = source / "document.yaml"
    document.write_text(document.read_text(encoding="utf-8") + "kpi_appendix: [draft]\n", encoding="utf-8")
    from strategy_pdf.build import Project
    from .conftest import ROOT
    html = build(Project(ROOT, source), tmp_path / "x.html", "html").read_text(encoding="utf-8")
    assert "kpi-appendix" not in html
