"""Import from Word: a comparison table or a strategy document (.docx) into new YAML sources."""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from . import loader, model, parse, schema
from .texts import block_kind
from .errors import Location, SourceError, StrategyPdfError
from .engine import write_atomically

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 files, and encrypted .docx
SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/{}.schema.json\n"

# Column headers of a comparison table, compared in NFKC without spaces.
DRAFT_HEADER = re.compile(r"^(改正後|改正案|改定後|改定案|新|案|第\d+期(\(案\))?|.*\(案\))$")
CURRENT_HEADER = re.compile(r"^(改正前|改定前|現行|旧|現行計画)$")
REMARKS_HEADER = re.compile(r"^(備考|摘要)$")
UNDERLINE_NOTE = re.compile(r"^[(（](傍線|下線)")

# Numbering conventions of the document (anatomy.md), for documents without heading styles.
H1 = re.compile(r"^([0-9０-９]{1,2})[ 　]+\S|^参考資料$|^目次$")
H2 = re.compile(r"^基本目標\s*([0-9０-９]{1,2})|^([ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])")
H3 = re.compile(r"^[（(]([0-9０-９]{1,2})[）)]")
H4 = re.compile(r"^([①-⑳])")
LABEL = re.compile(r"^(【[^】]+】|\[[^\]]+\]|［[^］]+］)$")
LEAD = re.compile(r"^「.*」$", re.S)
ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Word's own heading styles, and the styles build --format docx gives the other kinds.
HEADING_STYLE = re.compile(r"^(?:Heading|見出し)\s*([1-4])$", re.I)
KIND_STYLES = {"Strategy Label": "label", "Strategy Lead": "lead", "Strategy Item": "li",
               "Strategy Note": "note", "Body Text": "p"}
CAPTION_STYLE = "Caption"

ERA_YEAR = re.compile(r"[(（]\s*([HR](?:元|\d{1,2}))\s*[)）]")
VALUE_WITH_YEAR = re.compile(r"^(.*?)\s*[(（]\s*([HRＨＲ](?:元|[0-9０-９]{1,2}))\s*[)）]\s*$", re.S)
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NAMESPACES = {"w": W[1:-1], "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
              "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


class WordImportError(StrategyPdfError):
    """The Word file cannot be imported, or the target directory is not free."""


@dataclass(frozen=True)
class Unclear:
    """Something of the .docx that import kept as a paragraph (or placeholder) without understanding it."""

    where: str   # "paragraph 12", "table 3, row 5"
    what: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.excerpt}"


@dataclass(frozen=True)
class Imported:
    """What import read and wrote, for its report."""

    kind: str                          # "comparison" or "strategy"
    document: model.Document
    figures: tuple[str, ...]
    unclear: tuple[Unclear, ...]
    read: tuple[tuple[str, int], ...]  # (what, count) of the .docx

    def report(self, into: Path) -> str:
        blocks: dict[str, int] = {}
        for row in self.document.rows:
            for block in row.draft or row.current:
                blocks[block_kind(block)] = blocks.get(block_kind(block), 0) + 1
        lines = [f"imported a {'comparison table' if self.kind == 'comparison' else 'strategy document'} into {into}",
                 "read: " + ", ".join(f"{count} {what}" for what, count in self.read),
                 f"wrote: {len(self.document.chapters)} chapters, {len(self.document.rows)} rows; blocks (draft side): "
                 + ", ".join(f"{count} {kind}" for kind, count in sorted(blocks.items()))
                 + f", {len(self.figures)} figure files"]
        if self.unclear:
            lines.append(f"not understood, kept as paragraphs or placeholders ({len(self.unclear)}):")
            lines += [f"  {item}" for item in self.unclear]
        return "\n".join(lines)


def import_word(word: Path, into: Path) -> Imported:
    """Read ``word`` and write its sources into ``into`` (missing or empty), all or nothing."""
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise WordImportError(f"{into} is not an empty directory; import writes into a new or empty one")
    document = _open(word)
    reader = _Reader(str(word), document)
    imported = reader.read()
    into.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}.", dir=into.parent))
    try:
        write_sources(imported.document, staging)
        for name, data in reader.images.items():
            write_atomically(data, staging / name)
        try:
            parse.load_document(staging)
        except SourceError as error:  # a bug of import, not of the user's file: say so plainly
            raise WordImportError(f"import produced invalid sources (please report):\n{error}") from None
        if into.exists():
            into.rmdir()
        os.replace(staging, into)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return imported


def _open(word: Path):
    """The python-docx document, or one clear message for what the file really is."""
    import docx

    try:
        head = word.read_bytes()
    except OSError as exc:
        raise WordImportError(f"{word}: cannot read the file: {exc.strerror}") from None
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in head:
            raise WordImportError(f"{word}: the document is password-protected; remove the password in Word "
                                  "(ファイル → 情報 → 文書の保護) and import it again")
        raise WordImportError(f"{word}: an old binary Word file (.doc); open it in Word and save it as .docx")
    if not zipfile.is_zipfile(io.BytesIO(head)):
        raise WordImportError(f"{word}: not a Word document (.docx); expected a file saved by Word as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(head)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise WordImportError(f"{word}: a zip file without word/document.xml: not a Word document "
                                      "(an Excel or PowerPoint file?)")
        return docx.Document(io.BytesIO(head))
    except WordImportError:
        raise
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise WordImportError(f"{word}: the .docx is corrupt and cannot be read ({type(exc).__name__}); "
                              "open it in Word and save it again") from None


@dataclass
class _Columns:
    draft: int
    current: int
    remarks: int | None
    labels: tuple[str, str, str]


@dataclass
class _Pending:
    """Rows read so far and the state of the walk through the body."""

    rows: list[model.Row] = field(default_factory=list)
    page_break: bool = False  # a page break since the last row: the next row starts a page


class _Reader:
    """Walks the body of one .docx in order, paragraph by paragraph and table by table."""

    def __init__(self, name: str, document) -> None:
        self.name = name
        self.document = document
        self.unclear: list[Unclear] = []
        self.images: dict[str, bytes] = {}
        self.counts = {"paragraphs": 0, "tables": 0, "table rows": 0, "pictures": 0}
        self.title = self.subtitle = ""
        self.caption = ""  # of the table that follows
        self.uses_heading_styles = any(
            HEADING_STYLE.match(p.style.name or "") for p in document.paragraphs if p.style is not None)

    # The walk ------------------------------------------------------------------------------

    def read(self) -> Imported:
        body = list(_children(self.document.element.body))
        tables = [element for element in body if element.tag == f"{W}tbl"]
        kind = "comparison" if any(self._comparison_columns(self._table(t)) for t in tables) else "strategy"
        pending = _Pending()
        columns: _Columns | None = None
        labels = ("改正案", "現行", "備考")
        paragraph_number = table_number = 0
        for element in body:
            if element.tag == f"{W}p":
                paragraph_number += 1
                self.counts["paragraphs"] += 1
                paragraph = self._paragraph(element)
                if _breaks_page(element):
                    pending.page_break = True
                where = f"paragraph {paragraph_number}"
                if kind == "comparison":
                    self._outside_table(paragraph, where, pending)
                else:
                    for block in self._blocks_of_paragraph(paragraph, where):
                        self._add_row(pending, (block,), (block,), ())
            elif element.tag == f"{W}tbl":
                table_number += 1
                self.counts["tables"] += 1
                table = self._table(element)
                where = f"table {table_number}"
                found = self._comparison_columns(table) if kind == "comparison" else None
                if found is not None:
                    columns, labels = found, found.labels
                    self._comparison_rows(table, columns, where, pending, skip_header=True)
                elif kind == "comparison" and columns is not None and _column_count(table) == _column_count_of(columns) \
                        and _kpi(_grid(table), Location(self.name, 1, 1)) is None:
                    # The same table continued without its header row.
                    self._comparison_rows(table, columns, where, pending, skip_header=False)
                else:
                    block = self._table_block(table, where)
                    if kind == "comparison":
                        self.unclear.append(Unclear(where, "a table outside the comparison", _excerpt(_table_text(table))))
                    self._add_row(pending, (block,), (block,), ())
        if not pending.rows:
            raise WordImportError(f"{self.name}: the document is empty: no text, table or picture to import")
        if kind == "strategy" and not any(isinstance(block, (model.Heading, model.Kpi, model.Table))
                                          for row in pending.rows for block in row.draft):
            raise WordImportError(f"{self.name}: no recognisable heading or table: expected Word heading styles "
                                  "or the document's numbering (１ …, （１）…, 基本目標１, Ⅰ …), or a comparison table "
                                  "whose header names the new and the old text (改正後 / 改正前, 新 / 旧 …)")
        title = self.title or next((text for row in pending.rows if (text := _first_text(row))), Path(self.name).stem)
        chapters = _chapters(pending.rows)
        document = model.Document(
            title=title, subtitle=self.subtitle, city=_city(title), is_draft=True,
            columns=model.Columns(*labels) if kind == "comparison" else model.Columns("改定案", "現行", "備考"),
            chapters=chapters)
        read = tuple((what, count) for what, count in self.counts.items() if count)
        return Imported(kind, document, tuple(sorted(self.images)), tuple(self.unclear), read)

    def _outside_table(self, paragraph, where: str, pending: _Pending) -> None:
        """A paragraph of a comparison document outside its tables: title, subtitle, the
        underline note, or text kept as a row of its own (and listed)."""
        text = paragraph.text.strip()
        if not text and not _pictures(paragraph._p):
            return
        if not pending.rows and not self.title and text:
            self.title = text
        elif not pending.rows and "対照表" in text and not self.subtitle:
            self.subtitle = text
        elif UNDERLINE_NOTE.match(text):
            return
        else:
            for block in self._blocks_of_paragraph(paragraph, where):
                self.unclear.append(Unclear(where, "text outside the comparison table", _excerpt(text)))
                self._add_row(pending, (block,), (block,), ())

    def _add_row(self, pending: _Pending, draft, current, remarks) -> None:
        at = Location(self.name, len(pending.rows) + 1, 1)
        pending.rows.append(model.Row(id="", draft=tuple(draft), current=tuple(current), remarks=tuple(remarks),
                                      page_break=pending.page_break and bool(pending.rows), at=at))
        pending.page_break = False

    # Comparison tables -----------------------------------------------------------------------

    def _table(self, element):
        from docx.table import Table

        return Table(element, self.document.part)

    def _comparison_columns(self, table) -> _Columns | None:
        if not table.rows:
            return None
        cells = _distinct(table.rows[0].cells)
        if len(cells) not in (2, 3):
            return None
        keys = [_key(_cell_text(cell)) for cell in cells]
        draft = next((i for i, k in enumerate(keys) if DRAFT_HEADER.match(k)), None)
        current = next((i for i, k in enumerate(keys) if CURRENT_HEADER.match(k)), None)
        remarks = next((i for i, k in enumerate(keys) if REMARKS_HEADER.match(k)), None)
        if draft is None or current is None or draft == current or (len(cells) == 3 and remarks is None):
            return None
        texts = [_cell_text(cell) for cell in cells]
        return _Columns(draft, current, remarks, (texts[draft], texts[current], texts[remarks] if remarks is not None else "備考"))

    def _comparison_rows(self, table, columns: _Columns, where: str, pending: _Pending, skip_header: bool) -> None:
        previous: list = []
        for number, row in enumerate(table.rows, start=1):
            self.counts["table rows"] += 1
            cells = _distinct(row.cells)
            if number == 1 and skip_header:
                previous = cells
                continue
            here = f"{where}, row {number}"
            side = lambda index: () if index is None or index >= len(cells) or _merged_down(cells, previous, index) \
                else self._cell_blocks(cells[index], here)  # noqa: E731
            draft, current = _unlabelled(side(columns.draft)), _unlabelled(side(columns.current))
            remarks = tuple(text for p in cells[columns.remarks].paragraphs if (text := p.text.strip())) \
                if columns.remarks is not None and columns.remarks < len(cells) \
                and not _merged_down(cells, previous, columns.remarks) else ()
            previous = cells
            if not draft and not current:
                if remarks:
                    self.unclear.append(Unclear(here, "a remark beside two empty cells", _excerpt(" ".join(remarks))))
                    self._add_row(pending, (model.Paragraph(" ".join(remarks), Location(self.name, number, 1)),), (), ())
                continue
            # 新設 / 削除 written by the build for one-sided rows: the build writes them again.
            defaults = model.AutoRemarks()
            if remarks in ((defaults.added,), (defaults.removed,)) and bool(draft) != bool(current):
                remarks = ()
            self._add_row(pending, draft, current, remarks)

    def _cell_blocks(self, cell, where: str) -> tuple[model.Block, ...]:
        from docx.text.paragraph import Paragraph

        blocks: list[model.Block] = []
        for element in _children(cell._tc):
            if element.tag == f"{W}p":
                blocks += self._blocks_of_paragraph(Paragraph(element, cell), where)
            elif element.tag == f"{W}tbl":
                blocks.append(self._table_block(self._table(element), where))
        return tuple(blocks)

    # Blocks ---------------------------------------------------------------------------------

    def _paragraph(self, element):
        from docx.text.paragraph import Paragraph

        return Paragraph(element, self.document._body)

    def _blocks_of_paragraph(self, paragraph, where: str) -> list[model.Block]:
        at = Location(self.name, 1, 1)
        element = paragraph._p
        text = paragraph.text.strip("\r")
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == CAPTION_STYLE and not _pictures(element) and _next_is_table(element):
            self.caption = text.strip()
            return []
        figure = self._figure(element, text, style, where, at)
        if figure is not None:
            return [figure]
        if not text.strip():
            return []
        if style == "Title":
            if not self.title:
                self.title = text.strip()
                return []
        if style == "Subtitle" and not self.subtitle:
            self.subtitle = text.strip()
            return []
        return [self._classify(text.strip(), style, at)]

    def _classify(self, text: str, style: str, at: Location) -> model.Block:
        heading = HEADING_STYLE.match(style)
        if heading:
            return model.Heading(int(heading.group(1)), text, at)
        if style in KIND_STYLES:
            return _block_of_kind(KIND_STYLES[style], text, at)
        if not self.uses_heading_styles:
            for level, pattern in ((1, H1), (2, H2), (3, H3), (4, H4)):
                if pattern.match(text) and (level != 1 or len(text) <= 40):
                    return model.Heading(level, text, at)
        if text.startswith("・") and len(text) > 1:
            return model.Item(text[1:].strip(), at)
        if text.startswith("※") and len(text) > 1:
            return model.Note(text[1:].strip(), at)
        if LABEL.match(text) or text == "概要":
            return model.Label(text, at)
        if LEAD.match(text):
            return model.Lead(text, at)
        return model.Paragraph(text, at)

    def _figure(self, element, text: str, style: str, where: str, at: Location) -> model.Figure | None:
        """A paragraph holding a picture (saved under figures/) or a drawing of text boxes, or
        the caption build --format docx writes for a figure."""
        pictures = _pictures(element)
        boxes = [t for box in element.iter(f"{W}txbxContent")
                 if (t := "".join(node.text or "" for node in box.iter(f"{W}t")).strip())]
        charts = element.xpath(".//*[local-name()='chart' or local-name()='relIds']")
        title = text.strip()
        if not pictures and not boxes and not charts:
            if style == CAPTION_STYLE:
                title, _, fragments = title.partition("：")
                return model.Figure("" if title == "（図）" else title,
                                    tuple(f for f in fragments.split("、") if f), at)
            return None
        image = ""
        for rid in pictures:
            self.counts["pictures"] += 1
            part = self.document.part.related_parts.get(rid)
            extension = IMAGE_TYPES.get(getattr(part, "content_type", ""))
            if extension is None:
                self.unclear.append(Unclear(where, f"a picture of type {getattr(part, 'content_type', '?')} "
                                                   "(not SVG, PNG or JPEG): kept as a placeholder", _excerpt(title)))
                continue
            if not image:
                image = f"figures/figure-{len(self.images) + 1}.{extension}"
                self.images[image] = part.blob
        if boxes:
            self.unclear.append(Unclear(where, "a drawing of text boxes: kept as a figure listing its text",
                                        _excerpt("、".join(boxes))))
        if charts:
            self.unclear.append(Unclear(where, "a chart or SmartArt: kept as a placeholder", _excerpt(title)))
        return model.Figure(title, tuple(boxes), at, image=image)

    def _table_block(self, table, where: str) -> model.Block:
        caption, self.caption = self.caption, ""
        self.counts["table rows"] += len(table.rows)
        grid = _grid(table)
        kpi = _kpi(grid, Location(self.name, 1, 1))
        if kpi is not None:
            return kpi
        if any(ERA_YEAR.search(cell) for row in grid[:2] for cell in row.texts) and \
                any("目標値" in cell for row in grid[:2] for cell in row.texts):
            self.unclear.append(Unclear(where, "a table that looks like a KPI table but does not read as one: "
                                               "kept as a table", _excerpt(_table_text(table))))
        width = max((len(row.texts) for row in grid), default=0)
        texts = [tuple(row.texts) + ("",) * (width - len(row.texts)) for row in grid]
        has_head = bool(grid) and grid[0].is_header and len(grid) > 1
        return model.Table(caption, texts[0] if has_head else (), tuple(texts[1:] if has_head else texts),
                           Location(self.name, 1, 1))


def _unlabelled(blocks: tuple[model.Block, ...]) -> tuple[model.Block, ...]:
    """An empty column where the build wrote （新設） or （削除） (marks: labels_in: column) is empty."""
    defaults = model.AutoRemarks()
    if len(blocks) == 1 and isinstance(blocks[0], model.Paragraph) and \
            blocks[0].text in (f"（{defaults.added}）", f"（{defaults.removed}）"):
        return ()
    return blocks


def _block_of_kind(kind: str, text: str, at: Location) -> model.Block:
    if kind == "li":
        text = text[1:].strip() if text.startswith("・") else text
    if kind == "note":
        text = text[1:].strip() if text.startswith("※") else text
    return schema.BLOCKS[kind].text(text, at)


# Tables as grids of texts ------------------------------------------------------------------


@dataclass(frozen=True)
class _GridRow:
    texts: tuple[str, ...]           # one per distinct cell, merged-down cells empty
    columns: tuple[tuple[int, str], ...]  # (grid column, text) of each grid column, spans repeated
    paragraphs: tuple[tuple[str, ...], ...]  # the paragraphs of each distinct cell
    is_header: bool


def _grid(table) -> list[_GridRow]:
    rows = []
    previous: list = []
    for row in table.rows:
        cells = list(row.cells)
        seen: list = []
        texts, paragraphs = [], []
        for index, cell in enumerate(cells):
            if any(cell._tc is other._tc for other in seen):
                continue
            seen.append(cell)
            merged = index < len(previous) and previous[index]._tc is cell._tc
            texts.append("" if merged else _cell_text(cell))
            paragraphs.append(() if merged else tuple(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        columns = tuple((index, "" if index < len(previous) and previous[index]._tc is cell._tc else _cell_text(cell))
                        for index, cell in enumerate(cells))
        header = row._tr.trPr is not None and row._tr.trPr.find(f"{W}tblHeader") is not None
        rows.append(_GridRow(tuple(texts), columns, tuple(paragraphs), header))
        previous = cells
    return rows


def _kpi(grid: list[_GridRow], at: Location) -> model.Kpi | None:
    """A table shaped like the document's 数値目標 and KPI tables, or None."""
    if len(grid) < 2:
        return None
    header_rows = 2 if len(grid) > 2 and _is_year_row(grid[1]) else 1
    width = max(len(row.columns) for row in grid)
    heads = [""] * width
    for row in grid[:header_rows]:
        for index, text in row.columns:
            if text and text not in heads[index]:
                heads[index] += text
    base_columns = [i for i, h in enumerate(heads) if "基準値" in _key(h) or "現状値" in _key(h)]
    target_columns = [i for i, h in enumerate(heads) if "目標値" in _key(h)]
    if len(base_columns) != 1 or not target_columns or 0 in base_columns + target_columns:
        return None
    target_years = []
    for index in target_columns:
        years = ERA_YEAR.findall(unicodedata.normalize("NFKC", heads[index]))
        if len(years) != 1:
            return None
        target_years.append(years[0])
    base_head = heads[base_columns[0]]
    base_years = ERA_YEAR.findall(unicodedata.normalize("NFKC", base_head))
    items = []
    for row in grid[header_rows:]:
        cells = dict(row.columns)
        if not any(cells.values()):
            continue
        item = _kpi_item(row, cells, base_columns[0], target_columns)
        if item is None:
            return None
        items.append(item)
    if not items:
        return None
    base_label = ERA_YEAR.sub("", base_head).strip()
    return model.Kpi(label=heads[0].strip() or "KPI", base_label=base_label or "基準値",
                     base_year=base_years[0] if base_years else "", target_years=tuple(target_years),
                     items=tuple(items), at=at)


def _is_year_row(row: _GridRow) -> bool:
    texts = [text for _, text in row.columns if text]
    return bool(texts) and all(ERA_YEAR.fullmatch(unicodedata.normalize("NFKC", t).strip()) or t in ("基準値", "目標値")
                               for t in texts)


def _kpi_item(row: _GridRow, cells: dict[int, str], base_column: int, target_columns: list[int]) -> model.KpiItem | None:
    lines = list(row.paragraphs[0]) if row.paragraphs else []
    names = [line for line in lines if not line.startswith("※")]
    notes = tuple(line[1:].strip() for line in lines if line.startswith("※"))
    if not names:
        return None
    name = "\n".join(names)
    name = name[1:].strip() if name.startswith("・") else name
    repeat = name.startswith("（再掲）")
    name = name.removeprefix("（再掲）").strip()
    unit = ""
    if match := re.search(r"〔([^〔〕]*)〕$", name):
        unit, name = match.group(1), name[:match.start()].strip()
    base, base_year = _value_and_year(cells.get(base_column, ""))
    targets, years = zip(*(_value_and_year(cells.get(i, "")) for i in target_columns))
    return model.KpiItem(name=name, unit=unit, base=base, targets=tuple(targets), base_year=base_year,
                         target_years=tuple(years) if all(years) else (), repeat=repeat, notes=notes)


def _value_and_year(text: str) -> tuple[str, str]:
    """``0.56（H26）`` → ("0.56", "H26"): the value as printed, the year as an abbreviation."""
    match = VALUE_WITH_YEAR.match(text.strip())
    if not match or not match.group(1).strip():
        return text.strip(), ""
    return match.group(1).strip(), unicodedata.normalize("NFKC", match.group(2))


# Small helpers ------------------------------------------------------------------------------


def _children(element) -> Iterator:
    """Paragraphs and tables in document order, content controls (w:sdt) opened."""
    for child in element:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _children(content)


def _pictures(element) -> list[str]:
    return element.xpath(".//a:blip/@r:embed")


def _breaks_page(element) -> bool:
    return bool(element.xpath(".//w:br[@w:type='page']") or element.xpath("./w:pPr/w:pageBreakBefore")
                or element.xpath("./w:pPr/w:sectPr"))


def _next_is_table(element) -> bool:
    following = element.getnext()
    return following is not None and following.tag == f"{W}tbl"


def _distinct(cells) -> list:
    distinct = []
    for cell in cells:
        if not distinct or cell._tc is not distinct[-1]._tc:
            distinct.append(cell)
    return distinct


def _merged_down(cells: list, previous: list, index: int) -> bool:
    return index < len(previous) and previous[index]._tc is cells[index]._tc


def _column_count(table) -> int:
    return len(_distinct(table.rows[0].cells)) if table.rows else 0


def _column_count_of(columns: _Columns) -> int:
    return 3 if columns.remarks is not None else 2


def _table_text(table) -> str:
    return " | ".join(_cell_text(cell) for row in table.rows[:2] for cell in _distinct(row.cells))


def _cell_text(cell) -> str:
    """The cell's paragraphs, one a line, with their own line breaks (python-docx's cell.text drops them)."""
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _excerpt(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _city(title: str) -> str:
    match = re.match(r"^(\S+?[都道府県市区町村])", title)
    return match.group(1) if match else title


# Chapters and ids -------------------------------------------------------------------------


def _chapters(rows: list[model.Row]) -> tuple[model.Chapter, ...]:
    """One chapter per top-level part (a row opening with an h1 on either side), ids from headings;
    headings alone before the first page break are the 目次."""
    groups: list[list[model.Row]] = []
    first_break = next((i for i, row in enumerate(rows) if row.page_break), 0)
    if first_break >= 2 and all(isinstance(block, model.Heading) for row in rows[:first_break]
                                for block in (*row.draft, *row.current)):
        contents = [replace(row, id=_unique(f"toc-{i}", set()), page_break=False) for i, row in enumerate(rows[:first_break], 1)]
        rows = rows[first_break:]
    else:
        contents = []
    for row in rows:
        if _part_heading(row) is not None or not groups:
            groups.append([])
        groups[-1].append(row)
    slugs: set[str] = {"contents"} if contents else set()
    used: set[str] = {row.id for row in contents}  # row ids
    chapters = [model.Chapter("contents", "目次", tuple(contents), is_contents=True)] if contents else []
    for number, group in enumerate(groups, start=1):
        heading = _part_heading(group[0])
        title = heading.text if heading is not None else _first_text(group[0]) or "前文"
        slug = _unique(_part_slug(title, number) if heading is not None else "front", slugs)
        chapters.append(model.Chapter(slug=slug, title=title, rows=tuple(_with_ids(group, slug, used)),
                                      is_contents=_key(title) == "目次"))
    return tuple(chapters)


def _part_heading(row: model.Row) -> model.Heading | None:
    for side in (row.draft, row.current):
        if side and isinstance(side[0], model.Heading) and side[0].level == 1:
            return side[0]
    return None


def _first_text(row: model.Row) -> str:
    for block in (*row.draft, *row.current):
        if isinstance(block, model.Heading | model.Label | model.Paragraph | model.Lead):
            return block.text.split("\n")[0][:40]
    return ""


def _part_slug(title: str, number: int) -> str:
    key = _key(title)
    if key == "目次":
        return "contents"
    if key.startswith("参考資料"):
        return "reference"
    match = re.match(r"^(\d{1,2})", key)
    return f"part-{match.group(1)}" if match else f"part-n{number}"


def _with_ids(rows: list[model.Row], slug: str, used: set[str]) -> list[model.Row]:
    """Ids from the headings above each row: part-3-g1-s2 for （２） under 基本目標１, then
    part-3-g1-s2-2 … for the rows that follow it."""
    path: dict[int, str] = {}
    counters: dict[int, int] = {}
    following = 0
    named = []
    for row in rows:
        heading = next((b for b in (*row.draft, *row.current) if isinstance(b, model.Heading)), None)
        if heading is not None and heading.level > 1:
            counters[heading.level] = counters.get(heading.level, 0) + 1
            path = {level: part for level, part in path.items() if level < heading.level}
            path[heading.level] = _heading_part(heading, counters[heading.level])
            for deeper in [level for level in counters if level > heading.level]:
                del counters[deeper]
            following = 1
        else:
            following += 1
        base = "-".join([slug, *(path[level] for level in sorted(path))])
        candidate = base if following == 1 else f"{base}-{following}"
        named.append(replace(row, id=_unique(candidate, used)))
    return named


def _heading_part(heading: model.Heading, ordinal: int) -> str:
    key = _key(heading.text)
    if heading.level == 2:
        if match := re.match(r"^基本目標(\d{1,2})", key):
            return f"g{match.group(1)}"
        if heading.text[:1] in ROMAN:  # NFKC would make Ⅰ a Latin I
            return f"p{ROMAN.index(heading.text[0]) + 1}"
        return f"h{ordinal}"
    if heading.level == 3 and (match := re.match(r"^\((\d{1,2})\)", key)):
        return f"s{match.group(1)}"
    if heading.level == 4 and heading.text[:1] in CIRCLED:
        return f"m{CIRCLED.index(heading.text[0]) + 1}"
    return f"{'hsm'[heading.level - 2]}{ordinal}"


def _unique(candidate: str, used: set[str]) -> str:
    name, suffix = candidate, 1
    while name in used:
        suffix += 1
        name = f"{candidate}-{suffix}"
    used.add(name)
    return name


# Writing the sources -----------------------------------------------------------------------


def write_sources(document: model.Document, directory: Path) -> None:
    """``document.yaml`` and one file per chapter, through the round-trip YAML library."""
    data = {"title": document.title}
    if document.subtitle:
        data["subtitle"] = document.subtitle
    data.update({"city": document.city, "draft": document.is_draft,
                 "columns": {"draft": document.columns.draft, "current": document.columns.current,
                             "remarks": document.columns.remarks},
                 "chapters": [chapter.slug for chapter in document.chapters]})
    write_atomically((SCHEMA_COMMENT.format("document") + _dump(data)).encode("utf-8"), directory / parse.DOCUMENT_FILE)
    for chapter in document.chapters:
        data = {"title": chapter.title}
        if chapter.is_contents:
            data["contents"] = True
        data["rows"] = [_row_data(row) for row in chapter.rows]
        text = re.sub(r"(?<!rows:)\n(  - id: )", r"\n\n\1", _dump(data))  # a blank line between rows, as authors write them
        write_atomically((SCHEMA_COMMENT.format("chapter") + text).encode("utf-8"), directory / f"{chapter.slug}.yaml")


def _dump(data) -> str:
    yaml = loader.round_trip_yaml()
    stream = io.StringIO()
    yaml.dump(_styled(data), stream)
    return stream.getvalue()


def _styled(data):
    """Lists of scalars in flow style ([R1, R5]), texts with line breaks as | blocks."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(data, dict):
        styled = CommentedMap()
        for key, value in data.items():
            styled[key] = _styled(value)
        return styled
    if isinstance(data, (list, tuple)):
        styled = CommentedSeq(_styled(item) for item in data)
        if isinstance(data, tuple) and all(isinstance(item, str) and "\n" not in item for item in data):
            styled.fa.set_flow_style()
        return styled
    if isinstance(data, str) and "\n" in data:
        return LiteralScalarString(data)
    return data


def _row_data(row: model.Row) -> dict:
    data: dict = {"id": row.id}
    if row.page_break:
        data["break"] = "page"
    for side in ("draft", "current"):
        blocks = getattr(row, side)
        if blocks:
            data[side] = [_block_data(block) for block in blocks]
    if row.remarks:
        data["remark"] = row.remarks[0] if len(row.remarks) == 1 else list(row.remarks)
    return data


def _block_data(block: model.Block):
    if isinstance(block, model.Paragraph):
        return block.text
    if isinstance(block, model.Heading):
        return {f"h{block.level}": block.text}
    if isinstance(block, model.Kpi):
        kpi: dict = {}
        if block.label != "KPI":
            kpi["label"] = block.label
        if block.base_label != "基準値":
            kpi["base"] = block.base_label
        if block.base_year:
            kpi["base_year"] = block.base_year
        kpi["target_years"] = tuple(block.target_years)
        kpi["items"] = [_kpi_item_data(item) for item in block.items]
        return {"kpi": kpi}
    if isinstance(block, model.Table):
        table: dict = {}
        if block.caption:
            table["caption"] = block.caption
        if block.head:
            table["head"] = tuple(block.head)
        table["rows"] = [tuple(cells) for cells in block.rows]
        return {"table": table}
    if isinstance(block, model.Figure):
        figure: dict = {}
        if block.title:
            figure["title"] = block.title
        if block.text:
            figure["text"] = list(block.text)
        if block.image:
            figure["image"] = block.image
        return {"figure": figure}
    return {block_kind(block): block.text}


def _kpi_item_data(item: model.KpiItem) -> dict:
    data: dict = {"name": item.name}
    if item.unit:
        data["unit"] = item.unit
    if item.repeat:
        data["repeat"] = True
    if item.notes:
        data["notes"] = item.notes[0] if len(item.notes) == 1 else list(item.notes)
    data["base"] = item.base
    if item.base_year:
        data["base_year"] = item.base_year
    data["targets"] = tuple(item.targets)
    if item.target_years:
        data["target_years"] = tuple(item.target_years)
    return data
