"""Stage 3, render: the Document as one HTML page, through the project's only Jinja environment."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import eras, model
from .changes import MarkedText, Segment


@dataclass(frozen=True)
class Page:
    """What the templates receive: the document, the stylesheets to link, and which
    explanations of marks to print above the table."""

    document: model.Document
    stylesheets: tuple[str, ...]
    underline_note: bool
    since: str | None


# A text column holds about 27 full-width characters a line and a page about 27 lines.
# Rows up to about four fifths of a page are kept whole: a row split at a page end can leave
# its remark alone at the bottom while its text moves on. Taller rows must split
# (WeasyPrint stops repeating the header row when an unsplittable row overflows a page).
CHARACTERS_PER_LINE = 27
KEEP_WHOLE_LINES = 22


def estimated_lines(blocks: tuple[model.Block, ...]) -> float:
    """Roughly how many body lines a side takes; only compared with KEEP_WHOLE_LINES."""
    lines = 0.0
    for block in blocks:
        if isinstance(block, model.Kpi):
            lines += 3 + sum(2 + len(item.notes) * 1.5 + len(item.name) / 12 for item in block.items)
        elif isinstance(block, model.Table):
            lines += 2 + sum(1 + max(len(cell) for cell in row) / 20 for row in block.rows if row)
        elif isinstance(block, model.Figure):
            lines += 3 + len(block.text) * 0.75
        else:
            lines += 0.3 + sum(math.ceil(len(part) / CHARACTERS_PER_LINE) or 1 for part in block.text.split("\n"))
    return lines


def keep_whole(row: model.Row) -> bool:
    return max(estimated_lines(row.draft), estimated_lines(row.current)) <= KEEP_WHOLE_LINES


def only_headings(row: model.Row) -> bool:
    """A row of headings belongs with the row after it: never the last on a page."""
    return all(isinstance(block, (model.Heading, model.Label, model.Lead)) for block in row.draft + row.current)


def make_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("strategy_pdf", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["era"] = eras.bracketed
    environment.filters["lines"] = text_with_line_breaks
    environment.tests["kept_whole"] = keep_whole
    environment.tests["only_headings"] = only_headings
    environment.tests["heading"] = lambda block: isinstance(block, model.Heading)
    for kind in (model.Label, model.Lead, model.Paragraph, model.Item, model.Note,
                 model.Kpi, model.Table, model.Figure):
        environment.tests[kind.__name__.lower()] = lambda block, kind=kind: isinstance(block, kind)
    return environment


def text_with_line_breaks(text: str) -> Markup:
    """Escape the text, keep the author's explicit line breaks, and show change marks."""
    parts = text.segments if isinstance(text, MarkedText) else (Segment(text),)
    html = []
    for part in parts:
        lines = Markup("<br>").join(escape(line) for line in part.text.split("\n"))
        html.append(Markup('<span class="{}">{}</span>').format(part.mark, lines) if part.mark else lines)
    return Markup("").join(html)


def render_html(document: model.Document, stylesheets: tuple[Path, ...], underline_note: bool = False,
                since: str | None = None) -> str:
    page = Page(document=document, stylesheets=tuple(path.resolve().as_uri() for path in stylesheets),
                underline_note=underline_note, since=since)
    return make_environment().get_template("comparison.html.j2").render(page=page)
