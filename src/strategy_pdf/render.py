"""Stage 3, render: the Document as one HTML page, through the project's only Jinja environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import eras, model


@dataclass(frozen=True)
class Page:
    """What the templates receive: the document and the stylesheets to link."""

    document: model.Document
    stylesheets: tuple[str, ...]


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
    environment.tests["heading"] = lambda block: isinstance(block, model.Heading)
    for kind in (model.Label, model.Lead, model.Paragraph, model.Item, model.Note,
                 model.Kpi, model.Table, model.Figure):
        environment.tests[kind.__name__.lower()] = lambda block, kind=kind: isinstance(block, kind)
    return environment


def text_with_line_breaks(text: str) -> Markup:
    """Escape the text, then keep the author's explicit line breaks."""
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def render_html(document: model.Document, stylesheets: tuple[Path, ...]) -> str:
    page = Page(document=document, stylesheets=tuple(path.resolve().as_uri() for path in stylesheets))
    return make_environment().get_template("comparison.html.j2").render(page=page)
