"""Export to Word: the comparison as a real three-column table, or one text alone with heading styles."""

from __future__ import annotations

import datetime
import io
import weakref
import zipfile
from pathlib import Path

from dataclasses import dataclass

from . import eras, model, render
from .model import CHANGED, DELETED, INSERTED, Segment
from .wordimport import CAPTION_STYLE, KIND_STYLES

LAYOUTS = ("comparison", "draft", "current")
MINCHO, GOTHIC = "BIZ UDMincho", "BIZ UDGothic"  # the families of fonts/*.ttf
BODY_SIZE = 10.5
STYLE_OF_KIND = {kind: style for style, kind in KIND_STYLES.items()}
DOCX_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
COLUMN_WIDTHS = (117, 117, 33)  # mm: two equal text columns and narrow remarks, 267 mm between the margins


@dataclass(frozen=True)
class _Marks:
    """The texts of one block with the marks annotate left on its row: the one place that
    reads them. ``marks(value, *field path)`` gives the segments to write."""

    row: model.Row | None
    side: str = ""
    block: int = 0

    def __call__(self, value: str, *path) -> tuple[Segment, ...]:
        segments = self.row.segments(self.side, self.block, tuple(path)) if self.row is not None else None
        return segments if segments is not None else (Segment(value),)


UNMARKED = _Marks(None)


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
            word.add_paragraph(document.marks.note)
        _comparison(word, document, source_dir)
    else:
        word.add_paragraph({"draft": document.columns.draft, "current": document.columns.current}[layout],
                           style="Subtitle")
        _contents(word, document, layout)
        for chapter in document.chapters:
            if chapter.is_contents:
                continue  # the contents are Word's, made from the heading styles
            for row in chapter.rows:
                for index, block in enumerate(getattr(row, layout)):
                    _block(word, block, source_dir, _Marks(row, layout, index))
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
        for cell, side in zip(cells, ("draft", "current")):
            for index, block in enumerate(getattr(row, side)):
                _block(cell, block, source_dir, _Marks(row, side, index))
            if not getattr(row, side) and row.empty_side_label:
                _text_paragraph(cell, (Segment(row.empty_side_label),), None)
        for remark in row.remarks:
            _text_paragraph(cells[2], (Segment(remark),), None)
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
    else:
        paragraph = container.add_paragraph()
    if style:
        _set_style(paragraph, style)
    return paragraph


_style_ids: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _set_style(paragraph, name: str) -> None:
    """``paragraph.style = name`` with each name looked up once per document: python-docx
    looks it up among all the template's styles every time (half the time of an export)."""
    from docx.enum.style import WD_STYLE_TYPE

    ids = _style_ids.setdefault(paragraph.part, {})
    if name not in ids:
        ids[name] = paragraph.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
    paragraph._p.style = ids[name]


def _text_paragraph(container, segments: tuple[Segment, ...], style: str | None, prefix: str = ""):
    paragraph = _first_paragraph(container, style)
    if prefix:
        paragraph.add_run(prefix)
    _runs(paragraph, segments)
    return paragraph


def _runs(paragraph, segments: tuple[Segment, ...], bracketed: bool = False) -> None:
    """The segments as runs: 傍線 underlined, inserted text double-underlined (Word has no
    overline), deleted text struck through; an era year in brackets, （H26）."""
    from docx.enum.text import WD_UNDERLINE

    if bracketed:
        paragraph.add_run("（")
    for segment in segments:
        for index, line in enumerate(segment.text.split("\n")):
            run = paragraph.add_run()
            if index:
                run.add_break()
            run.add_text(line)
            if INSERTED in segment.marks:
                run.underline = WD_UNDERLINE.DOUBLE
            elif CHANGED in segment.marks:
                run.underline = True
            if DELETED in segment.marks:
                run.font.strike = True
    if bracketed:
        paragraph.add_run("）")


def _block(container, block: model.Block, source_dir: Path, marks: _Marks = UNMARKED) -> None:
    if isinstance(block, model.Heading):
        _text_paragraph(container, marks(block.text, "text"), f"Heading {block.level}")
    elif isinstance(block, model.Paragraph):
        _text_paragraph(container, marks(block.text, "text"), STYLE_OF_KIND["p"])
    elif isinstance(block, model.Label):
        _text_paragraph(container, marks(block.text, "text"), STYLE_OF_KIND["label"])
    elif isinstance(block, model.Lead):
        _text_paragraph(container, marks(block.text, "text"), STYLE_OF_KIND["lead"])
    elif isinstance(block, model.Item):
        _text_paragraph(container, marks(block.text, "text"), STYLE_OF_KIND["li"], "・")
    elif isinstance(block, model.Note):
        _text_paragraph(container, marks(block.text, "text"), STYLE_OF_KIND["note"], "※")
    elif isinstance(block, model.Kpi):
        _kpi(container, block, marks)
    elif isinstance(block, model.Table):
        _table(container, block, marks)
    elif isinstance(block, model.Figure):
        _figure(container, block, source_dir, marks)


def _add_table(container, rows: int, columns: int):
    table = container.add_table(rows, columns)
    table.style = "Table Grid"
    return table


def _kpi(container, block: model.Kpi, marks: _Marks) -> None:
    """The KPI as a table of the printed shape: 指標〔単位〕 | 基準値（年） | 目標値（年）…"""
    table = _add_table(container, 1, 2 + len(block.target_years))
    head = table.rows[0].cells
    _runs(head[0].paragraphs[0], marks(block.label, "label"))
    _runs(head[1].paragraphs[0], marks(block.base_label, "base_label"))
    if block.base_year:
        _runs(head[1].paragraphs[0], marks(block.base_year, "base_year"), bracketed=True)
    for index, year in enumerate(block.target_years):
        head[2 + index].paragraphs[0].add_run("目標値")
        _runs(head[2 + index].paragraphs[0], marks(year, "target_years", index), bracketed=True)
    for cell in head:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_as_header(table.rows[0])
    for number, item in enumerate(block.items):
        cells = table.add_row().cells
        name = cells[0].paragraphs[0]
        name.add_run("・")
        if item.repeat:
            _runs(name, marks("（再掲）", "items", number, "repeat"))
        _runs(name, marks(item.name, "items", number, "name"))
        if item.unit:
            name.add_run("〔")
            _runs(name, marks(item.unit, "items", number, "unit"))
            name.add_run("〕")
        for index, note in enumerate(item.notes):
            _runs(cells[0].add_paragraph("※"), marks(note, "items", number, "notes", index))
        _runs(cells[1].paragraphs[0], marks(item.base, "items", number, "base"))
        if item.base_year:
            _runs(cells[1].add_paragraph(), marks(item.base_year, "items", number, "base_year"), bracketed=True)
        for index, value in enumerate(item.targets):
            _runs(cells[2 + index].paragraphs[0], marks(value, "items", number, "targets", index))
            if item.target_years:
                _runs(cells[2 + index].add_paragraph(), marks(item.target_years[index], "items", number, "target_years", index),
                      bracketed=True)


def _table(container, block: model.Table, marks: _Marks) -> None:
    if block.caption:
        _text_paragraph(container, marks(block.caption, "caption"), CAPTION_STYLE)
    width = max([len(block.head), *(len(cells) for cells in block.rows)], default=1)
    table = _add_table(container, len(block.rows) + bool(block.head), width)
    rows = iter(table.rows)
    if block.head:
        head = next(rows)
        _repeat_as_header(head)
        for column, (cell, text) in enumerate(zip(head.cells, block.head)):
            _runs(cell.paragraphs[0], marks(text, "head", column))
    for number, (row, texts) in enumerate(zip(rows, block.rows)):
        for column, (cell, text) in enumerate(zip(row.cells, texts)):
            _runs(cell.paragraphs[0], marks(text, "rows", number, column))


def _figure(container, block: model.Figure, source_dir: Path, marks: _Marks) -> None:
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
    _runs(paragraph, marks(block.title, "title") if block.title else (Segment("（図）"),))
    if fragments:  # the figure's words, for a reader of the Word file; their marks stay in the PDF
        paragraph.add_run("：" + "、".join(fragments))


def _box_texts(boxes: tuple[model.Box, ...]) -> list[str]:
    return [text for box in boxes for text in (box.text, *_box_texts(box.boxes))]

