"""What the pages can print, checked against the sources before anything is rendered: every
character in a vendored font, no run of text too long to break, every table within its
column. Each limit is a located problem, never a silently clipped or overlapping page."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from . import eras, model, texts, typeset
from .errors import Location, Problem

# The comparison's text column: 108 mm less 4 mm of padding either side (comparison.css). It
# is the narrowest any layout prints, and the same sources print in every layout.
COLUMN_MM = 100.0
# A table cell's padding (1 mm either side) and its half-point rules (base.css).
CELL_MM = 2.2
# Type sizes of tables (base.css): plain tables, KPI headings and figures 9 pt; from five
# target years on (.many-targets) the figures and their headings 7.5 pt.
TABLE_PT, MANY_PT, MANY_TARGETS = 9.0, 7.5, 5
# A KPI table's figure columns are as narrow as their widest piece and the indicator takes
# the rest, but never less than this (about eight characters a line) nor its widest phrase
# and its hanging 1em indent.
INDICATOR_MM = 26.0
# A run of text with nowhere to break a line (no space, no Japanese character): WeasyPrint
# cuts one of about 200,000 characters to a single line, silently. A strategy's longest is an
# address or a URL: anything near this limit is a mistake.
LONGEST_RUN = 1000

MM_PER_PT = 25.4 / 72


def check(document: model.Document, fonts_dir: Path) -> list[Problem]:
    """Every problem of the document's texts and tables against the limits above."""
    fonts = _Fonts.of(fonts_dir)
    problems: list[Problem] = []
    for place in texts.document_texts(document):
        text = place.text
        if text.kind in texts.PRINTED and text.kind != texts.FILE:
            problems += _character_problems(text, fonts)
            problems += _run_problems(text)
    for row_index, row in ((index, row) for chapter in document.chapters for index, row in enumerate(chapter.rows)):
        for side in ("draft", "current"):
            for index, block in enumerate(getattr(row, side)):
                path = f"rows[{row_index}].{side}[{index}]"
                if isinstance(block, model.Table):
                    problems += _table_problems(block, path, fonts)
                elif isinstance(block, model.Kpi):
                    problems += _kpi_problems(block, path, fonts)
    return problems


class _Fonts:
    """The characters the vendored fonts have and how wide the body font sets them."""

    def __init__(self, fonts_dir: Path):
        from fontTools.ttLib import TTFont

        files = sorted(path for path in fonts_dir.iterdir() if path.suffix.lower() in (".ttf", ".otf"))
        self.names = ", ".join(path.stem for path in files)
        self.characters: set[int] = set()
        self.advances: dict[int, float] = {}
        for path in files:
            font = TTFont(path, lazy=True)
            # Glyphs by number: reading the fonts' own glyph names would take most of the time.
            font.setGlyphOrder([f"glyph{number}" for number in range(font["maxp"].numGlyphs)])
            cmap = font.getBestCmap()
            self.characters.update(cmap)
            if not self.advances:  # the first, the Mincho of body text: widths in em
                metrics, units = font["hmtx"].metrics, font["head"].unitsPerEm
                self.advances = {code: metrics[glyph][0] / units for code, glyph in cmap.items()}

    @staticmethod
    @functools.cache
    def of(fonts_dir: Path) -> "_Fonts":
        return _Fonts(fonts_dir)

    def width_mm(self, text: str, size_pt: float) -> float:
        return sum(self.advances.get(ord(character), 1.0) for character in text) * size_pt * MM_PER_PT


def _ignorable(character: str) -> bool:
    """White space, format characters and variation selectors draw no glyph of their own."""
    return character.isspace() or unicodedata.category(character) == "Cf" \
        or "\ufe00" <= character <= "\ufe0f" or "\U000e0100" <= character <= "\U000e01ef"


def _character_problems(text: texts.Text, fonts: _Fonts) -> list[Problem]:
    """One problem for each run of characters no font has (한국어 is one), where it starts."""
    problems, start = [], None
    for index, character in enumerate(text.value + "\n"):
        missing = not (ord(character) in fonts.characters or _ignorable(character))
        if missing and start is None:
            start = index
        elif not missing and start is not None:
            run = text.value[start:index]
            codes = ", ".join(f"U+{ord(c):04X}" for c in run[:5]) + (", …" if len(run) > 5 else "")
            name = f" {unicodedata.name(run, '')}" if len(run) == 1 and unicodedata.name(run, "") else ""
            problems.append(Problem(_place_of(text, start), "",
                                    f"'{run}' ({codes}{name}) is in none of the vendored fonts ({fonts.names}) and"
                                    " would print as blank boxes; write it another way"))
            start = None
    return problems


def _place_of(text: texts.Text, index: int) -> Location:
    """Where the character at ``index`` of the text stands in its file: found from the
    scalar's start, so quotes, escapes and block scalars are all counted right."""
    at, character = text.at, text.value[index]
    occurrence = text.value[: index + 1].count(character)
    try:
        lines = Path(at.file).read_text(encoding="utf-8-sig").split("\n")
    except OSError:
        return at
    line, start = at.line - 1, at.column - 1
    while line < len(lines):
        column = lines[line].find(character, start)
        while column >= 0:
            occurrence -= 1
            if occurrence == 0:
                return Location(at.file, line + 1, column + 1)
            column = lines[line].find(character, column + 1)
        line, start = line + 1, 0
    return at


def _run_problems(text: texts.Text) -> list[Problem]:
    longest = max(typeset.pieces(text.value), key=len, default="")
    if len(longest) <= LONGEST_RUN:
        return []
    return [Problem(_place_of(text, text.value.index(longest)), "",
                    f"{len(longest):,} characters without a space or a Japanese character ('{longest[:20]}…'): no line"
                    f" can break in them; at most {LONGEST_RUN:,} print (break the text with spaces)")]


def _widest(cells: list[tuple[str, ...]], size_pt: float, fonts: _Fonts) -> tuple[float, str]:
    """The narrowest a column of these cells can be, and the piece that decides it: each cell
    the texts it prints one after another, composed as table cells are (typeset, between
    phrases). WeasyPrint sizes a column as if no line broke where one text meets the next."""
    found = [(fonts.width_mm(piece, size_pt), piece) for cell in cells for piece in _joined(cell)]
    return max(found, default=(0.0, ""))


def _joined(texts: tuple[str, ...]) -> list[str]:
    pieces: list[str] = []
    for text in texts:
        own = typeset.pieces(text, phrases="cell")
        if pieces and own and text[:1] not in typeset.SPACES:
            pieces[-1] += own.pop(0)
        pieces += own
    return pieces


def _table_problems(table: model.Table, path: str, fonts: _Fonts) -> list[Problem]:
    columns = max([len(table.head), *map(len, table.rows)], default=0)
    widest = [_widest([(cells[column],) for cells in (table.head, *table.rows) if column < len(cells)], TABLE_PT, fonts)
              for column in range(columns)]
    needed = sum(width + CELL_MM for width, _ in widest)
    if needed <= COLUMN_MM:
        return []
    width, piece = max(widest)
    return [Problem(table.at, f"{path}.table",
                    f"the table is too wide for its column: its {columns} columns need at least {needed:.0f} mm and"
                    f" the column is {COLUMN_MM:.0f} mm wide{f' (its widest piece, {piece!r}, takes {width:.1f} mm)' if len(piece) > 1 else ''};"
                    " split the table, or give it fewer or narrower columns")]


def _kpi_problems(kpi: model.Kpi, path: str, fonts: _Fonts) -> list[Problem]:
    years = len(kpi.target_years)
    # Each column's cells as the template prints them (blocks.html.j2): the indicator with
    # its mark, its unit (after a <wbr>: a piece of its own), every note; the figures with the
    # year printed beside them (（R5）).
    indicator = [(kpi.label,)]
    for item in kpi.items:
        indicator += [("・", "（再掲）" if item.repeat else "", item.name), ("〔", item.unit, "〕") if item.unit else (),
                      *(("※", note) for note in item.notes)]
    # A heading and its year break apart (<wbr>, or rows of their own); 目標値 spans the target
    # columns, but for a single year.
    columns = [[(kpi.base_label,), (eras.bracketed(kpi.base_year),)] + [(item.base, eras.bracketed(item.base_year)) for item in kpi.items]]
    for index, year in enumerate(kpi.target_years):
        columns.append([("目標値",) if years == 1 else (), (eras.bracketed(year),)]
                       + [(item.targets[index], eras.bracketed(item.target_years[index]) if item.target_years else "")
                          for item in kpi.items])
    size = MANY_PT if years >= MANY_TARGETS else TABLE_PT
    room = COLUMN_MM - max(INDICATOR_MM, _widest(indicator, TABLE_PT, fonts)[0] + CELL_MM + TABLE_PT * MM_PER_PT)
    widest = [_widest(column, size, fonts) for column in columns]
    needed = sum(width + CELL_MM for width, _ in widest)
    if needed <= room:
        return []
    width, piece = max(widest)
    # Tables of fewer years, their columns as wide as this one's widest, in their type size.
    cells = [cell for column in columns for cell in column]
    widest_at = {size: _widest(cells, size, fonts)[0] + CELL_MM for size in (TABLE_PT, MANY_PT)}
    fitting = max((count for count in range(1, years)
                   if (count + 1) * widest_at[MANY_PT if count >= MANY_TARGETS else TABLE_PT] <= room), default=0)
    return [Problem(kpi.at, f"{path}.kpi",
                    f"{years} target years do not fit the column: the figures' {years + 1} columns need {needed:.0f} mm"
                    f" (the widest piece, '{piece}', takes {width:.1f} mm) and {room:.0f} mm are left beside the"
                    f" indicator; figures this wide fit {fitting} target years a table (split the years over two tables)")]
