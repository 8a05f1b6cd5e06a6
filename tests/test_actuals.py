"""Actuals in: a department's sheet written into the sources, or refused cell by cell."""

import csv

import pytest
from click.testing import CliRunner

from strategy_pdf import actuals, kpis, parse
from strategy_pdf.build import Project, import_actuals
from strategy_pdf.cli import main

from .conftest import ROOT
from .workbooks import FILLED, PRINTED, YEARS, filled_workbook, real_sources


def snapshot(source):
    return {path.name: path.read_bytes() for path in sorted(source.glob("*.yaml"))}


def test_a_filled_workbook_writes_every_actual_and_nothing_else(tmp_path):
    source = real_sources(tmp_path)
    before = snapshot(source)
    written = import_actuals(Project.at(ROOT, source), filled_workbook(tmp_path / "actuals.xlsx"))
    assert (written.values, written.indicators) == (4 * len(FILLED), len(FILLED))
    assert sorted(path.name for path in written.files) == ["goal-1-measures-3-4.yaml", "goal-1.yaml",
                                                            "goal-2.yaml", "goal-3.yaml"]
    records = {r.number: r for r in kpis.register(parse.load_document(source))}
    for number, printed in PRINTED.items():
        assert records[number].actuals == tuple(zip(YEARS, printed)), number
    assert all(len(records[number].actuals) == 4 for number in FILLED)
    assert records[10].actuals == ()  # a （再掲） row's values belong to its original (9)
    after = snapshot(source)
    for name, text in before.items():
        old, new = text.decode().splitlines(), after[name].decode().splitlines()
        if name not in {path.name for path in written.files}:
            assert old == new, name
            continue
        # Only actuals lines come and go: comments, quotes and order stay as written.
        assert all("actuals:" in line for line in set(new) - set(old)), name
        assert all("actuals:" in line for line in set(old) - set(new)), name
    assert "# Reported in 【第１期戦略の検証】" in after["goal-1.yaml"].decode()
    assert '              actuals: {H28: "－1,394", H29: "560", H30: "－128", R1: "250"}\n' in after["goal-1.yaml"].decode()


def test_csv_and_the_command_line(tmp_path):
    source = real_sources(tmp_path)
    sheet = tmp_path / "kpi.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows([["番号", "指標", "R1"], ["11", "", "20"], ["", "企業立地件数（累計）", "150"]])
    result = CliRunner().invoke(main, ["actuals", "--source", str(source), str(sheet)])
    assert result.exit_code == 0, result.output
    assert "2 actual(s) of 2 indicator(s) written" in result.output
    records = {r.number: r for r in kpis.register(parse.load_document(source))}
    assert records[11].actuals == (("R1", "20"),) and records[4].actuals == (("R1", "150"),)


def test_every_bad_input_is_refused_at_its_cell_and_nothing_is_written(tmp_path):
    source = real_sources(tmp_path)
    before = snapshot(source)
    workbook = filled_workbook(tmp_path / "bad.xlsx", extra_rows=[
        [99, None, 1],                          # A20: an unknown 番号
        [None, "市内の幸福度", 1],                  # B21: an unknown name
        [10, None, 7000],                        # A22: 出生数 again, as its （再掲）
        [4, "出生数", 1],                        # A23: 番号 and name disagree
        [None, None, 5],                         # C24: values without an indicator
        [None, "※ 数値は速報値", None],             # a note without values: nothing to write, no problem
    ], headings=["番号", "指標", "H28", "H29", "H20", "R1"])
    sheet = openpyxl_edit(workbook, {"D4": "約 2,400", "F5": "560人", "C8": True})
    result = CliRunner().invoke(main, ["actuals", "--source", str(source), str(sheet)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    where = f"{sheet}:実績!"
    expected = [
        f"{where}E3: H20 is outside the plan of 市内総生産額 (after H24, up to R5)",
        f"{where}D4: '約 2,400' is not a number as the document prints them (e.g. 2,325, －37, 0.56 or 7,000 以上)",
        f"{where}F5: '560人' is not a number as the document prints them",
        f"{where}C8: 'True' is not a number",
        f"{where}A20: no indicator 番号 99 in the register (1–20)",
        f"{where}B21: no indicator named '市内の幸福度' in the register",
        f"{where}A22: 出生数 (番号 9) again; first in A11",
        f"{where}A23: 番号 4 is 企業立地件数（累計）, not '出生数'",
        f"{where}C24: values without a 番号 or 指標 on their row",
    ]
    for line in expected:
        assert line in result.output, line
    assert result.output.count("outside the plan") == len(FILLED)  # every filled H20 cell
    assert "25 problems in the sheet; no source was changed" in result.output and "速報値" not in result.output
    assert snapshot(source) == before
    assert not list(source.glob(".*.tmp"))


def openpyxl_edit(path, cells):
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    for name, value in cells.items():
        workbook.active[name] = value
    workbook.save(path)
    return path


def test_a_sheet_without_a_header_row_is_refused(tmp_path):
    sheet = tmp_path / "x.csv"
    sheet.write_text("名前,値\n出生数,1\n", encoding="utf-8")
    with pytest.raises(actuals.ActualsError, match=r"x.csv:x: no header row with 番号 or 指標 and years"):
        import_actuals(Project.at(ROOT, real_sources(tmp_path)), sheet)


@pytest.mark.parametrize("heading, year", [
    ("H28", "H28"), ("R元", "R1"), ("R1", "R1"), (2019, "R1"), ("2016", "H28"), ("平成30年度", "H30"),
    ("令和元年度", "R1"), ("Ｒ２年", "R2"), ("目標値（R1）", None), ("指標", None), (None, None), (1234, None)])
def test_year_headings(heading, year):
    assert actuals.year_of(heading) == year


def cell_of(value, number_format="General", decimals=0):  # and the decimals of its indicator
    return actuals.Cell(value, number_format), decimals


@pytest.mark.parametrize("cell, printed", [
    (cell_of(2325), "2,325"), (cell_of(-37), "－37"), (cell_of(0.56), "0.56"), (cell_of(0.9, "0.00"), "0.90"),
    (cell_of(60.75, "0.0"), "60.75"), (cell_of(7000, '#,##0" 以上"'), "7,000 以上"), (cell_of("7,000以上"), "7,000 以上"),
    (cell_of("－1,394"), "－1,394"), (cell_of("-1394"), "－1,394"), (cell_of("２，３２５"), "2,325"),
    (cell_of(46, decimals=1), "46.0"),
    (cell_of("23,25"), None), (cell_of("〇〇"), None), (cell_of("1.2.3"), None), (cell_of(True), None)])
def test_printed_values(cell, printed):
    assert actuals.printed_value(*cell) == printed
