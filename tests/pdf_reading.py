"""Reading built PDFs back for the structural tests: pages, text by column, fonts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdftypes import resolve1

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


def vendored_font_names(stylesheet: Path) -> set[str]:
    """The names WeasyPrint gives the @font-face families of styles/fonts.css."""
    families = set(re.findall(r'font-family:\s*"([^"]+)"', stylesheet.read_text(encoding="utf-8")))
    names = {family.replace(" ", "-") for family in families}
    return names | {f"{name}-Bold" for name in names}
