"""Departments' sheets made in the tests: actuals H28–R1 of every indicator of the real document."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from .conftest import ROOT

HEADINGS = ["番号", "指標", "H28", "H29年度", 2018, "令和元年度"]  # the forms a department may write
YEARS = ("H28", "H29", "H30", "R1")

# 番号 → the four actuals as a department types them (numbers, or text in the printed forms).
FILLED = {
    1: ("2,300", 2400, 2450, 2500),
    2: ("－1,394", 560, "-128", 250),
    3: (0.9, 1.0, 1.3, 1.45),
    4: (120, 130, 140, 150),
    5: (3, 4, 5, 6),
    6: (900, 910, 920, 930),
    7: (12, 20, 30, 55),
    8: (650, 700, 760, 800),
    9: ("7,011", 6800, 6700, 6600),
    11: (200, 150, 120, 20),
    12: (45.0, 46.0, 47.5, 48.0),
    13: (20.1, 21.0, 22.5, 23.85),
    14: (60.9, 60.8, 60.7, 60.6),
    15: (26.0, 27.0, 28.0, 29.0),
    17: ("55,500", 55450, 55400, 55380),
    19: (78.5, 78.6, 78.55, 78.5),
    20: (50, 60, 70, 80),
}
# How the sources print them afterwards (number formats of the cells below are kept: 0.00).
PRINTED = {
    1: ("2,300", "2,400", "2,450", "2,500"),
    2: ("－1,394", "560", "－128", "250"),
    3: ("0.90", "1.00", "1.30", "1.45"),
    12: ("45.0", "46.0", "47.5", "48.0"),  # as many decimals as its baseline, 46.5
    14: ("60.9", "60.8", "60.7", "60.6"),
    17: ("55,500", "55,450", "55,400", "55,380"),
    19: ("78.50", "78.60", "78.55", "78.50"),
}
TWO_DECIMALS = {3, 19}
BY_NAME_ONLY = {14: "居住誘導区域の人口密度（住民基本台帳ベース）"}


def real_sources(tmp_path: Path) -> Path:
    """A copy of the real document's sources: the repository's are never written."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "source", source)
    return source


def filled_workbook(path: Path, extra_rows: list[list] = (), headings: list = HEADINGS) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "実績"
    sheet.append(["令和元年度 数値目標・KPI 実績調査（政策企画課）"])
    sheet.append(headings)
    for number, values in FILLED.items():
        sheet.append([None if number in BY_NAME_ONLY else number, BY_NAME_ONLY.get(number), *values])
        if number in TWO_DECIMALS:
            for cell in sheet[sheet.max_row][2:]:
                cell.number_format = "0.00"
    for row in extra_rows:
        sheet.append(row)
    workbook.save(path)
    return path
