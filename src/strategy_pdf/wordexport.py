"""Export to Word: the comparison as a real three-column table, or one text alone with heading styles."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from . import eras, model, render
from .changes import CHANGED, DELETED, INSERTED, MarkedText, Segment
from .wordimport import CAPTION_STYLE, KIND_STYLES

MINCHO, GOTHIC = "BIZ UDMincho", "BIZ UDGothic"  # the families of fonts/*.ttf
BODY_SIZE = 10.5
UNDERLINE_NOTE = "（傍線部分は改正部分）"
STYLE_OF_KIND = {kind: style for style, kind in KIND_STYLES.items()}
DOCX_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
COLUMN_WIDTHS = (117, 117, 33)  # mm: two equal text columns and narrow remarks, 267 mm between the margins


def marked_segments(text: str) -> tuple[Segment, ...]:
    """The change marks of a text, as the annotate stage left them: the one place that reads them."""
    return text.segments if isinstance(text, MarkedText) else (Segment(text),)


def write_docx(document: model.Document, layout: str, source_dir: Path, *, underline_note: bool,
               since: str | None, stamp: str, created: str) -> bytes:
    """The document as .docx bytes: the same sources, revision and options give the same bytes."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    word = docx.Document()
    _styles(word)
    section = word.sections[0]
    if layout == "comparison":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.left_margin = section.right_margin = Mm(15)
        section.top_margin = section.bottom_margin = Mm(15)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
    _header_and_footer(section, document, stamp)
    word.add_paragraph(document.title, style="Title")
    if layout == "comparison":
        if document.subtitle:
            word.add_paragraph(document.subtitle, style="Subtitle")
        if since:
            word.add_paragraph(f"見え消し（{document.columns.draft}欄、{since} 以降の変更）：取消線は削除、二重下線は追加")
        if underline_note:
            word.add_paragraph(UNDERLINE_NOTE)
        _comparison(word, document, source_dir)
    else:
        word.add_paragraph({"draft": document.columns.draft, "current": document.columns.current}[layout],
                           style="Subtitle")
        _contents(word, document, layout)
        for chapter in document.chapters:
            if chapter.is_contents:
                continue  # the contents are Word's, made from the heading styles
            for row in chapter.rows:
                for block in getattr(row, layout):
                    _block(word, block, source_dir)
    properties = word.core_properties
    properties.title, properties.author, properties.subject = document.title, document.city, document.subtitle
    properties.language, properties.last_modified_by, properties.revision = "ja-JP", document.city, 1
    moment = datetime.datetime.fromisoformat(created) if created else datetime.datetime(2000, 1, 1)
    properties.created = properties.modified = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    stream = io.BytesIO()
    word.save(stream)
    return _with_fixed_times(stream.getvalue())


def _with_fixed_times(data: bytes) -> bytes:
    """python-docx stamps every zip entry with the clock; the same document must give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, DOCX_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# Styles -----------------------------------------------------------------------------------


def _font(style_or_run, family: str) -> None:
    """Name ``family`` for Latin and East Asian text alike, dropping the template's theme fonts
    (which Word would prefer to a named one)."""
    from docx.oxml.ns import qn

    style_or_run.font.name = family
    fonts = style_or_run.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), family)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _styles(word) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    normal = word.styles["Normal"]
    _font(normal, MINCHO)
    normal.font.size = Pt(BODY_SIZE)
    for name, size in (("Title", 16), ("Subtitle", 13), ("TOC Heading", 14), ("Heading 1", 14), ("Heading 2", 12.5),
                       ("Heading 3", 11.5), ("Heading 4", BODY_SIZE)):
        style = word.styles[name]
        _font(style, GOTHIC)
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
    body = word.styles["Body Text"]
    body.paragraph_format.first_line_indent = Pt(BODY_SIZE)
    for kind in ("label", "lead", "li", "note"):
        style = word.styles.add_style(STYLE_OF_KIND[kind], WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        if kind == "label":
            _font(style, GOTHIC)
        if kind in ("li", "note"):
            style.paragraph_format.left_indent = Pt(BODY_SIZE)
            style.paragraph_format.first_line_indent = Pt(-BODY_SIZE)
    caption = word.styles[CAPTION_STYLE]
    _font(caption, GOTHIC)
    caption.font.color.rgb = RGBColor(0, 0, 0)


def _header_and_footer(section, document: model.Document, stamp: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = section.header.paragraphs[0]
    header.text = document.title + ("（案）" if document.is_draft else "")
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page = OxmlElement("w:fldSimple")  # python-docx has no field API: Word fills the page number in
    page.set(qn("w:instr"), "PAGE")
    footer._p.append(page)
    if stamp:
        footer.add_run(f"　{stamp}")


def _contents(word, document: model.Document, side: str) -> None:
    """Word's contents field over headings 1-3, holding the headings as its last result, so
    that a reader without Word sees them too; Word fills in the page numbers when the document
    is opened (updateFields), as it paginates."""
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def field_char(paragraph, kind: str) -> None:
        element = OxmlElement("w:fldChar")  # python-docx has no field API
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    word.add_paragraph("目次", style="TOC Heading")
    opening = word.add_paragraph()
    field_char(opening, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = ' TOC \\o "1-3" \\h \\z \\u '
    opening.add_run()._r.append(instruction)
    field_char(opening, "separate")
    for entry in render.toc_entries(document, side):
        line = word.add_paragraph(entry.text)
        line.paragraph_format.left_indent = Pt(BODY_SIZE * (entry.level - 1))
    field_char(word.add_paragraph(), "end")
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# The comparison -------------------------------------------------------------------------


def _comparison(word, document: model.Document, source_dir: Path) -> None:
    from docx.enum.text import WD_BREAK

    table = _comparison_table(word, document.columns)
    for number, row in enumerate(document.rows):
        if row.page_break and number:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            table = _comparison_table(word, document.columns)
        cells = table.add_row().cells
        for cell, side in zip(cells, (row.draft, row.current)):
            for block in side:
                _block(cell, block, source_dir)
        for remark in row.remarks:
            _text_paragraph(cells[2], remark, None)
        _set_widths(cells)


def _comparison_table(word, columns: model.Columns):
    """A table whose header row (新 | 旧 | 備考) Word repeats at the top of every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    table = word.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.autofit = False
    head = table.rows[0]
    _repeat_as_header(head)
    for cell, label in zip(head.cells, (columns.draft, columns.current, columns.remarks)):
        cell.paragraphs[0].add_run(label).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for column, width in zip(table.columns, COLUMN_WIDTHS):
        column.width = Mm(width)  # the table's grid, which LibreOffice follows
    _set_widths(head.cells)
    return table


def _set_widths(cells) -> None:
    from docx.shared import Mm

    for cell, width in zip(cells, COLUMN_WIDTHS):
        cell.width = Mm(width)  # each cell's own width, which Word follows


def _repeat_as_header(row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # no python-docx API for it


# Blocks -----------------------------------------------------------------------------------


def _first_paragraph(container, style: str | None):
    """A cell starts with one empty paragraph: the first block fills it."""
    paragraphs = getattr(container, "paragraphs", [])
    if hasattr(container, "_tc") and len(paragraphs) == 1 and not paragraphs[0].text and \
            len(container._tc.xpath("./w:tbl")) == 0 and not paragraphs[0]._p.xpath(".//w:drawing"):
        paragraph = paragraphs[0]
        if style:
            paragraph.style = style
        return paragraph
    return container.add_paragraph(style=style)


def _text_paragraph(container, text: str, style: str | None, prefix: str = ""):
    paragraph = _first_paragraph(container, style)
    if prefix:
        paragraph.add_run(prefix)
    _runs(paragraph, text)
    return paragraph


def _runs(paragraph, text: str) -> None:
    from docx.enum.text import WD_UNDERLINE

    for segment in marked_segments(text):
        for index, line in enumerate(segment.text.split("\n")):
            run = paragraph.add_run()
            if index:
                run.add_break()
            run.add_text(line)
            if segment.mark == CHANGED:
                run.underline = True
            elif segment.mark == INSERTED:
                run.underline = WD_UNDERLINE.DOUBLE
            elif segment.mark == DELETED:
                run.font.strike = True


def _block(container, block: model.Block, source_dir: Path) -> None:
    if isinstance(block, model.Heading):
        _text_paragraph(container, block.text, f"Heading {block.level}")
    elif isinstance(block, model.Paragraph):
        _text_paragraph(container, block.text, STYLE_OF_KIND["p"])
    elif isinstance(block, model.Label):
        _text_paragraph(container, block.text, STYLE_OF_KIND["label"])
    elif isinstance(block, model.Lead):
        _text_paragraph(container, block.text, STYLE_OF_KIND["lead"])
    elif isinstance(block, model.Item):
        _text_paragraph(container, block.text, STYLE_OF_KIND["li"], "・")
    elif isinstance(block, model.Note):
        _text_paragraph(container, block.text, STYLE_OF_KIND["note"], "※")
    elif isinstance(block, model.Kpi):
        _kpi(container, block)
    elif isinstance(block, model.Table):
        _table(container, block)
    elif isinstance(block, model.Figure):
        _figure(container, block, source_dir)


def _add_table(container, rows: int, columns: int):
    table = container.add_table(rows, columns)
    table.style = "Table Grid"
    return table


def _kpi(container, block: model.Kpi) -> None:
    """The KPI as a table of the printed shape: 指標〔単位〕 | 基準値（年） | 目標値（年）…"""
    table = _add_table(container, 1, 2 + len(block.target_years))
    heads = [block.label, block.base_label + eras.bracketed(block.base_year),
             *(f"目標値{eras.bracketed(year)}" for year in block.target_years)]
    for cell, text in zip(table.rows[0].cells, heads):
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_as_header(table.rows[0])
    for item in block.items:
        cells = table.add_row().cells
        name = cells[0].paragraphs[0]
        name.add_run("・" + ("（再掲）" if item.repeat else ""))
        _runs(name, item.name)
        if item.unit:
            name.add_run(f"〔{item.unit}〕")
        for note in item.notes:
            _runs(cells[0].add_paragraph("※"), note)
        _value(cells[1], item.base, item.base_year)
        for index, value in enumerate(item.targets):
            _value(cells[2 + index], value, item.target_years[index] if item.target_years else "")


def _value(cell, value: str, year: str) -> None:
    _runs(cell.paragraphs[0], value)
    if year:
        cell.add_paragraph(eras.bracketed(year))


def _table(container, block: model.Table) -> None:
    if block.caption:
        _text_paragraph(container, block.caption, CAPTION_STYLE)
    width = max([len(block.head), *(len(cells) for cells in block.rows)], default=1)
    rows = ([block.head] if block.head else []) + list(block.rows)
    table = _add_table(container, len(rows), width)
    if block.head:
        _repeat_as_header(table.rows[0])
    for cells, texts in zip(table.rows, rows):
        for cell, text in zip(cells.cells, texts):
            _runs(cell.paragraphs[0], text)


def _figure(container, block: model.Figure, source_dir: Path) -> None:
    """A picture from figures/ where Word can show it, then the title (or （図）) and the figure's
    text, in one caption paragraph that import reads back as a figure."""
    from docx.shared import Mm

    paragraph = _first_paragraph(container, CAPTION_STYLE)
    if Path(block.image).suffix.lower() in (".png", ".jpg", ".jpeg"):  # Word shows no SVG without a fallback
        paragraph.add_run().add_picture(str(source_dir / block.image), width=Mm(90))
    fragments = list(block.text)
    if block.diagram is not None:
        fragments = [text for stage in (*block.diagram.stages, *([block.diagram.band] if block.diagram.band else []))
                     for text in (stage.title, *_box_texts(stage.boxes))]
    _runs(paragraph, block.title or "（図）")
    if fragments:
        paragraph.add_run("：" + "、".join(fragments))


def _box_texts(boxes: tuple[model.Box, ...]) -> list[str]:
    return [text for box in boxes for text in (box.text, *_box_texts(box.boxes))]

