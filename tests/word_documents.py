"""Word documents made with python-docx for the import tests, as a planning department writes them."""

from __future__ import annotations

import base64
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK

# A 1×1 PNG: a picture for import to save under figures/.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _kpi(container, label: str, base: str, years: tuple[str, ...], items: list[tuple[str, str, list[str]]],
         notes: dict[int, str] | None = None):
    """A KPI table in the printed shape: one header row, an indicator per row."""
    table = container.add_table(1 + len(items), 2 + len(years))
    heads = [label, base, *(f"目標値（{year}）" for year in years)]
    for cell, text in zip(table.rows[0].cells, heads):
        cell.text = text
    for number, (name, value, targets) in enumerate(items, start=1):
        cells = table.rows[number].cells
        cells[0].text = name
        if notes and number in notes:
            cells[0].add_paragraph(notes[number])
        cells[1].text = value
        for cell, target in zip(cells[2:], targets):
            cell.text = target
    return table


def _comparison_table(document, header: tuple[str, ...]):
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    return table


def comparison(path: Path, header: tuple[str, ...] = ("改正案", "現行", "備考"), draft: int = 0, current: int = 1) -> Path:
    """A comparison table continued over two page-long tables (the second repeats the header)
    and a third without one, with remarks, a deleted row and a KPI table in a cell; ``draft``
    and ``current`` say which columns hold the new and the old text."""
    document = docx.Document()
    document.add_paragraph("試験市まち・ひと・しごと創生総合戦略")
    document.add_paragraph("新旧対照表")
    document.add_paragraph("（傍線部分は改正部分）")
    table = _comparison_table(document, header)
    rows = [
        ("１ 基本的考え方", "１ 基本的考え方", ""),
        ("（１）策定の経緯", "（１）策定の経緯", ""),
        ("本市においても第２期総合戦略を策定しました。", "本市においても総合戦略を策定しました。", ""),
        ("", "３ 熊本地震に伴う改訂について", "・項目削除"),
    ]
    for texts in rows:
        cells = table.add_row().cells
        cells[draft].text, cells[current].text = texts[:2]
        if len(header) == 3:
            cells[2].text = texts[2]
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    table = _comparison_table(document, header)
    cells = table.add_row().cells
    cells[draft].text = "２ 基本戦略"
    cells[current].text = "２ 基本戦略"
    cells = table.add_row().cells
    cells[draft].text = "基本目標１"
    cells[current].text = "基本目標１"
    cells[draft].add_paragraph("「試験のまちを創る。～交流の活発化～」")
    cells[current].add_paragraph("「試験のまちを創る。」")
    cells = table.add_row().cells
    _kpi(cells[draft], "[数値目標]", "基準値（H27）", ("R1", "R5"),
         [("・市内総生産額〔十億円〕", "2,325（H24）", ["2,541", "2,692"])])
    _kpi(cells[current], "[数値目標]", "現状値（H27）", ("H31",),
         [("・市内総生産額〔十億円〕", "2,325（H24）", ["2,541"])])
    continued = document.add_table(rows=0, cols=len(header))  # the same table, its header row not repeated
    cells = continued.add_row().cells
    cells[draft].text = "・創業支援を行います。"
    cells[current].text = "・創業支援などを行います。"
    if len(header) == 3:
        cells[2].text = "・文言修正"
    document.save(path)
    return path


def strategy_with_heading_styles(path: Path) -> Path:
    """A plain strategy document whose author used Word's heading styles, with a picture."""
    document = docx.Document()
    document.add_paragraph("試験市総合戦略", style="Title")
    document.add_paragraph("基本的考え方", style="Heading 1")
    document.add_paragraph("策定の経緯", style="Heading 3")
    document.add_paragraph("（１）で始まるが見出しではない段落。本市は総合戦略を策定しました。")
    document.add_paragraph("・創業支援を行います。")
    document.add_paragraph("基本戦略", style="Heading 1")
    document.add_paragraph("基本目標１", style="Heading 2")
    picture = document.add_paragraph()
    picture.add_run().add_picture(_png(path.parent), width=docx.shared.Mm(20))
    picture.add_run("推進体制イメージ図")
    document.save(path)
    return path


def strategy_with_numbering(path: Path) -> Path:
    """A plain strategy document in Normal style throughout: its numbering tells the block kinds;
    a KPI table with a two-row header, a member table, and a table nobody can read as a KPI."""
    document = docx.Document()
    for text in ["試験市しごと・ひと・まち創生総合戦略",
                 "１ 基本的考え方", "（１）策定の経緯", "本市においても、総合戦略を策定しました。",
                 "２ 基本戦略", "基本目標１", "「試験のまちを創る。～交流の活発化～」", "[数値目標]"]:
        document.add_paragraph(text)
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "[数値目標]"
    table.cell(0, 1).text = "基準値"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "目標値"
    for column, text in ((1, "（H27）"), (2, "（R1）"), (3, "（R5）")):
        table.cell(1, column).text = text
    for row, texts in ((2, ["・（再掲）市内総生産額〔十億円〕", "2,325\n（H24）", "2,541", "2,692"]),
                       (3, ["・年転入超過数〔人〕", "－37", "400", "〇〇"])):
        for column, text in enumerate(texts):
            table.cell(row, column).text = text
    table.cell(3, 0).add_paragraph("※ 住民基本台帳による")
    for text in ["【施策】", "（１）魅力あるしごとの創出", "①新事業の創出支援を図ります。", "・創業支援を行います。",
                 "※ 現状値は平成 27 年度の数値", "Ⅰ「文化・交流によるくまもと創生」プロジェクト", "概要", "参考資料"]:
        document.add_paragraph(text)
    members = document.add_table(rows=3, cols=2)
    for row, (name, group) in enumerate([("氏名", "所属"), ("山田 太郎", "熊本大学"), ("鈴木 花子", "商工会議所")]):
        members.cell(row, 0).text = name
        members.cell(row, 1).text = group
    odd = document.add_table(rows=2, cols=3)
    for column, text in enumerate(["指標", "目標値", "備考"]):
        odd.cell(0, column).text = text
    odd.cell(1, 0).text = "（H30）の件数"
    document.save(path)
    return path


def _png(directory: Path) -> str:
    path = directory / "picture.png"
    path.write_bytes(PNG)
    return str(path)


def empty(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("")
    document.save(path)
    return path


def unrecognisable(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("議事録")
    document.add_paragraph("本日は晴天なり。")
    document.save(path)
    return path
