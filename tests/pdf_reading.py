"""Reading built PDFs back for the structural tests: pages, text by column, fonts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from fontTools.ttLib import TTFont
from pdfminer.pdftypes import resolve1
from pypdf import PdfReader

A4_LANDSCAPE = (841.89, 595.28)
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class PageText:
    size: tuple[float, float]
    text: str
    chars: tuple[dict, ...]


MM = 72 / 25.4
# Column edges of styles/comparison.css: 16 mm page margin, then 108 mm, 108 mm, the rest.
DRAFT_END = (16 + 108) * MM
CURRENT_END = (16 + 216) * MM


def column_of(char: dict) -> str:
    if char["x0"] < DRAFT_END:
        return "draft"
    return "current" if char["x0"] < CURRENT_END else "remarks"


def table_chars(page: "PageText") -> list[dict]:
    """The characters of the table body: below the header row, above the footer."""
    header = [c for c in page.chars if c["text"] == "備" and column_of(c) == "remarks"]
    top = min(c["bottom"] for c in header) if header else 0.0
    return [c for c in page.chars if c["text"].strip() and top < c["top"] < page.size[1] - 16 * MM]


def column_text(page: "PageText", column: str) -> str:
    """The column's text in reading order, lines joined without spaces."""
    chars = sorted((c for c in table_chars(page) if column_of(c) == column), key=lambda c: (round(c["top"]), c["x0"]))
    return "".join(c["text"] for c in chars)


def lowest_text(page: "PageText") -> dict[str, float]:
    """Per column, the top of the lowest character of the table body."""
    lowest: dict[str, float] = {}
    for char in table_chars(page):
        column = column_of(char)
        lowest[column] = max(lowest.get(column, 0.0), char["top"])
    return lowest


def read_pages(path: Path) -> list[PageText]:
    with pdfplumber.open(str(path)) as pdf:
        return [PageText((float(page.width), float(page.height)), page.extract_text() or "",
                         tuple(page.chars)) for page in pdf.pages]


def drawn_pages(path: Path) -> list[tuple[bytes, str]]:
    """Each page as drawn: its content stream, and the text it shows, decoded through its
    fonts' maps from glyphs to text (ToUnicode). Pages drawn alike look alike, and their text
    extracts alike; reading them takes a hundredth of pdfplumber's text extraction."""
    pages = []
    for page in PdfReader(str(path)).pages:
        fonts = page["/Resources"].get("/Font", {})
        maps = {name[1:]: _glyph_texts(fonts[name].get_object()["/ToUnicode"].get_object().get_data()) for name in fonts}
        content, shown, font = page.get_contents().get_data(), [], None
        for match in _SHOWN.finditer(content):
            if match.group(1):
                font = maps[match.group(1).decode()]
            else:
                codes = b"".join(bytes.fromhex(run.decode()) for run in _HEX.findall(match.group(2)))
                shown += [font[codes[index:index + 2]] for index in range(0, len(codes), 2)]
        pages.append((content, "".join(shown)))
    return pages


# WeasyPrint's content streams select a font with Tf and show glyphs with TJ of hex strings
# (two bytes a glyph); its ToUnicode maps are single bfchar entries.
_SHOWN = re.compile(rb"/(\S+) [0-9.]+ Tf|\[((?:<[0-9a-f]*>)*)\] TJ")
_HEX = re.compile(rb"<([0-9a-f]*)>")
_MAPPED = re.compile(rb"<([0-9a-f]+)> <([0-9a-f]+)>")


def _glyph_texts(cmap: bytes) -> dict[bytes, str]:
    assert b"bfrange" not in cmap, "a ToUnicode range: extend _glyph_texts"
    return {bytes.fromhex(code.decode()): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in _MAPPED.findall(cmap)}


def font_names(path: Path) -> set[str]:
    """Base names (subset tag removed) of every font in every page's resources."""
    names = set()
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            fonts = resolve1(resolve1(page.page_obj.resources).get("Font", {})) or {}
            for reference in fonts.values():
                base = resolve1(reference).get("BaseFont")
                names.add(SUBSET_TAG.sub("", getattr(base, "name", str(base))))
    return names


def vendored_font_names(fonts: Path) -> set[str]:
    """The names the PDF must give the fonts of ``fonts/``: each file's own family name (the
    name table's, as a print shop's preflight shows it), spaces as hyphens (a PDF name has
    none), ``-Bold`` for a bold face."""
    names = set()
    for path in sorted(fonts.glob("*.ttf")):
        font = TTFont(path, lazy=True)
        family = font["name"].getDebugName(1).replace(" ", "-")
        names.add(f"{family}-Bold" if font["OS/2"].usWeightClass >= 700 else family)
    return names


def text_lines(page: "PageText") -> list[list[dict]]:
    """The table body's lines of text, cut where a column or a cell boundary (a gap of more
    than 6pt: KPI figures beside their indicator) separates runs, in reading order."""
    lines: dict[tuple[str, int], list[dict]] = {}
    for char in table_chars(page):
        lines.setdefault((column_of(char), round(char["top"])), []).append(char)
    runs = []
    for _, chars in sorted(lines.items(), key=lambda item: (item[0][0], item[0][1])):
        run: list[dict] = []
        for char in sorted(chars, key=lambda c: c["x0"]):
            if run and char["x0"] - run[-1]["x1"] > 6:
                runs.append(run)
                run = []
            run.append(char)
        runs.append(run)
    return runs


# The text area of styles/comparison.css: the page less its 17 mm top and 15 mm bottom margins.
TEXT_AREA_TOP = 17 * MM
TEXT_AREA_HEIGHT = A4_LANDSCAPE[1] - (17 + 15) * MM


def page_fill(page: "PageText") -> float:
    """The share of the text area's height that the page fills: to the lowest character of
    the table body (the rules of its last row are a few points below)."""
    body = table_chars(page)
    return (max(c["bottom"] for c in body) - TEXT_AREA_TOP) / TEXT_AREA_HEIGHT if body else 0.0
