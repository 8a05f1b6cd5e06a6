"""The pagination estimate: its measures are the stylesheets' own."""

import re

from strategy_pdf import model, paginate
from strategy_pdf.errors import Location

from .conftest import ROOT

STYLES = ROOT / "styles"


def _rule(css: str, selector: str) -> str:
    """The declarations of the first rule whose selector list starts with ``selector``."""
    match = re.search(r"(?m)^" + re.escape(selector) + r"[^{]*\{([^}]*)\}", css)
    assert match, selector
    return match.group(1)


def _mm(value: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(mm|pt)", value).groups()
    return float(number) * (paginate.MM_PER_PT if unit == "pt" else 1.0)


def _padding(declarations: str) -> tuple[float, float, float, float]:
    """top, right, bottom, left of a padding shorthand of one to four values."""
    values = [_mm(value) for value in re.search(r"padding:\s*([^;]+);", declarations).group(1).split()]
    top, right, bottom, left = {1: lambda a: (a, a, a, a), 2: lambda a, b: (a, b, a, b),
                                3: lambda a, b, c: (a, b, c, b), 4: lambda *four: four}[len(values)](*values)
    return top, right, bottom, left


def test_the_estimate_measures_are_the_stylesheets():
    comparison = (STYLES / "comparison.css").read_text(encoding="utf-8")
    base = (STYLES / "base.css").read_text(encoding="utf-8")
    page = _rule(comparison, "@page")
    assert "A4 landscape" in page and paginate.PAGE_HEIGHT_MM == 210.0
    top, _, bottom, _ = [_mm(value) for value in re.search(r"margin:\s*([^;]+);", page).group(1).split()]
    assert (top, bottom) == paginate.PAGE_MARGINS_MM
    assert re.search(r"width:\s*([0-9.]+mm)", _rule(comparison, "table.comparison col.draft")).group(1) \
        == f"{paginate.COLUMN_MM:g}mm"
    cell = _padding(_rule(comparison, "table.comparison > tbody > tr > td"))
    assert cell[1] == cell[3] == paginate.CELL_PADDING_MM
    header = _padding(_rule(comparison, "table.comparison > thead th"))
    assert header[0] == header[2] == paginate.HEADER_PADDING_MM
    assert re.search(r"--body-size:\s*([0-9.]+)pt", base).group(1) == f"{paginate.BODY_PT:g}"
    assert re.search(r"line-height:\s*([0-9.]+);", _rule(base, "html")).group(1) == f"{paginate.LINE_HEIGHT:g}"


def test_the_estimate_follows_from_the_measures():
    # What the golden HTML and the real document's cut were tuned with.
    assert (paginate.CHARACTERS_PER_LINE, paginate.LINES_PER_PAGE) == (27, 28)
    assert (paginate.KEEP_WHOLE_LINES, paginate.KEEP_SHORT_LINES) == (22, 8)


AT = Location("x.yaml", 1, 1)
LONG = "熊本市の" * 40  # six lines of a column


def _row(*draft, remarks=("新設",)) -> model.Row:
    return model.Row("r", tuple(draft), (), remarks, False, AT)


def test_a_short_row_is_kept_whole_and_a_long_one_with_a_short_remark_splits():
    assert paginate.keep_whole(_row(model.Paragraph("短い段落。", AT)))
    assert not paginate.keep_whole(_row(*[model.Paragraph(LONG, AT)] * 3))


def test_headings_go_with_what_follows_them_when_a_row_splits():
    # After its heading the row flows (a paragraph, or a table's rows): the page can end
    # inside it, with the remark beside its first lines. A figure after the heading cannot.
    heading = model.Heading(3, "（２）検証委員会・委員", AT)
    table = model.Table("", ("氏名", "所属"), (("荒川　浩二", "肥後銀行 上席執行役員 地域振興部長"),) * 4, AT)
    paragraph = model.Paragraph(LONG, AT)
    assert paginate.KEEP_SHORT_LINES < paginate.estimated_lines((heading, paragraph, table)) <= paginate.KEEP_WHOLE_LINES
    assert not paginate.keep_whole(_row(heading, paragraph, table))
    assert not paginate.keep_whole(_row(heading, table, paragraph))
    figure = model.Figure("図", ("支援",) * 8, AT)
    assert paginate.keep_whole(_row(heading, figure, paragraph))
    # A remark taller than the first lines would be left alone: kept whole.
    assert paginate.keep_whole(_row(heading, paragraph, table, remarks=("長い備考の文章が続く" * 4,)))
