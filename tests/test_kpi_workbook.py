"""strategy-pdf kpis --format xlsx: the register as a workbook to fill in, read back by actuals."""

import openpyxl
from click.testing import CliRunner

from strategy_pdf import kpis
from strategy_pdf.build import Project, export_kpi_workbook, import_actuals
from strategy_pdf.cli import main

from .conftest import ROOT
from .workbooks import FILLED, YEARS, real_sources


def cells(path):
    sheet = openpyxl.load_workbook(path).active
    return [[(cell.value, cell.number_format, cell.fill.fgColor.rgb if cell.fill.fill_type else None)
             for cell in row] for row in sheet.iter_rows()]


def test_export_fill_in_import_export_again(tmp_path):
    project = Project.at(ROOT, real_sources(tmp_path))
    exported = export_kpi_workbook(project, tmp_path / "kpis.xlsx")
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for year, typed in zip(YEARS, FILLED[row[0].value]):
            # A department types numbers; the cell's format shows them as the document prints them.
            row[header.index(year)].value = typed if isinstance(typed, (int, float)) else kpis.numeric(typed)
    workbook.save(tmp_path / "filled.xlsx")
    written = import_actuals(project, tmp_path / "filled.xlsx")
    assert written.values == 4 * len(FILLED)
    again, filled = cells(export_kpi_workbook(project, tmp_path / "again.xlsx")), cells(tmp_path / "filled.xlsx")
    # 23.85 has a decimal more than its baseline (18.9): the next export shows it with two.
    row, column = next(r for r, line in enumerate(filled) if line[0][0] == 13), header.index("R1")
    assert (filled[row][column][1], again[row][column][1]) == ('#,##0.0;"－"#,##0.0', '#,##0.00;"－"#,##0.00')
    again[row][column] = filled[row][column]
    assert again == filled


def test_one_row_per_indicator_numbers_shown_as_printed(tmp_path):
    path = export_kpi_workbook(Project.at(ROOT), tmp_path / "kpis.xlsx")
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == ["番号", "指標", "単位", "基本目標", "施策", "区分", "基準年", "基準値"]
    assert header[-11:] == ["H25", "H26", "H27", "H28", "H29", "H30", "R1", "R2", "R3", "R4", "R5"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert sorted(rows) == [n for n in range(1, 21) if n not in (10, 16, 18)]  # a （再掲） is filled in on its original
    migration = rows[2]
    assert (migration[7].value, migration[7].number_format) == (-37, '#,##0;"－"#,##0')
    assert migration[header.index("H28")].value == -1394  # the actuals the sources hold
    assert (rows[3][9].value, rows[3][9].number_format) == (0.9, '#,##0.00;"－"#,##0.00')  # 0.90
    assert (rows[9][9].value, rows[9][9].number_format) == (7000, '#,##0" 以上";"－"#,##0" 以上"')
    assert rows[13][11].value == "〇〇"  # no number: kept as text
    assert rows[12][header.index("H28")].number_format == '#,##0.0;"－"#,##0.0'  # shown like its baseline 46.5
    # Years outside an indicator's plan are shaded: 企業立地件数 starts from H27, 観光客消費額 ends in R4.
    assert [rows[4][header.index(y)].fill.fill_type for y in ("H27", "H28")] == ["solid", None]
    assert [rows[8][header.index(y)].fill.fill_type for y in ("R4", "R5")] == [None, "solid"]
    assert sheet.freeze_panes == "C2"
    assert sheet.column_dimensions["B"].width == 44 and sheet.column_dimensions["M"].width == 10


def test_the_same_sources_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1575158400")
    first = export_kpi_workbook(Project.at(ROOT), tmp_path / "a.xlsx").read_bytes()
    second = export_kpi_workbook(Project.at(ROOT), tmp_path / "b.xlsx").read_bytes()
    assert first == second
    properties = openpyxl.load_workbook(tmp_path / "a.xlsx").properties
    assert str(properties.created) == str(properties.modified) == "2019-12-01 00:00:00"


def test_the_command_writes_the_workbook(tmp_path):
    output = tmp_path / "out" / "kpis.xlsx"
    result = CliRunner().invoke(main, ["kpis", "--format", "xlsx", "-o", str(output)])
    assert result.exit_code == 0 and result.output.strip() == str(output)
    assert openpyxl.load_workbook(output).active.title == "実績"
