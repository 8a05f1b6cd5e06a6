"""Stage 3, render: the Document as one HTML page, through the project's only Jinja environment."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import jinja2
from markupsafe import Markup

from . import eras, kpis, model, review as review_, typeset
from .paginate import Part, keep_whole, only_headings, opens_page


REVIEW_HEADING = "数値目標・KPI の達成状況"


@dataclass(frozen=True)
class TocEntry:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Page:
    """What the templates receive: one typed object for the whole page."""

    document: model.Document
    layout: str                    # comparison, draft, current or review
    heading: str                   # after the title in the running header
    stylesheets: tuple[str, ...]
    source_uri: str                # figures/ images are found under it
    toc: tuple[TocEntry, ...]
    kpis: tuple[kpis.KpiRecord, ...]  # the KPI appendix; empty when this layout has none
    underline_note: bool           # print （傍線部分は改正部分）
    since: str | None              # the revision 見え消し compares with
    stamp: str                     # the source revision in every footer; empty outside git
    created: str                   # ISO date for the PDF metadata; empty when unknown
    # The page of each heading the contents lists, printed as given: the contents rendered
    # apart from the headings (in parts); None: WeasyPrint's target-counter finds them.
    toc_pages: Mapping[str, str] | None
    council: bool                  # the council edition: the document's meeting at the top right
    chapters: tuple[model.Chapter, ...]  # what this page carries: all, or a part's
    review: review_.Review | None = None  # the review layout's indicators, rates and grades


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
    environment.filters["lines"] = typeset.text_html
    environment.globals["marker"] = BlockMarker
    environment.filters["kpi_chart"] = kpis.chart
    environment.filters["percent"] = review_.percent
    environment.tests["kept_whole"] = keep_whole
    environment.tests["only_headings"] = only_headings
    environment.tests["opens_page"] = opens_page
    environment.tests["heading"] = lambda block: isinstance(block, model.Heading)
    for kind in (model.Label, model.Lead, model.Paragraph, model.Item, model.Note,
                 model.Kpi, model.Table, model.Figure):
        environment.tests[kind.__name__.lower()] = lambda block, kind=kind: isinstance(block, kind)
    return environment


@dataclass(frozen=True)
class BlockMarker:
    """What the templates call to print a text of one block: ``m(value, *field path)`` prints
    the text, with the row's marks for that field when it carries any."""

    row: model.Row
    side: str
    block: int

    def __call__(self, value: str, *path, era: bool = False, whole_if: tuple = (), phrases: str = "",
                 following: str = "") -> Markup:
        """``phrases`` and ``following`` (what the template prints right after) go to typeset."""
        segments = self.row.segments(self.side, self.block, tuple(path))
        if whole_if and (other := self.row.segments(self.side, self.block, tuple(whole_if))):
            marks = frozenset().union(*(segment.marks for segment in other)) - {model.DELETED}
            segments = (model.Segment(value, marks or frozenset({model.INSERTED})),)
        if segments is None:
            html = typeset.text_html(value, phrases=phrases, following=following)
        else:
            if "".join(s.text for s in segments if model.DELETED not in s.marks) != value and not whole_if \
                    and not all(model.DELETED in s.marks for s in segments):
                raise ValueError(f"marks of {self.row.id} {self.side} {self.block} {path} do not fit its text")
            # Composed segment by segment, so a mark never moves; each knows what follows it.
            afters = [s.text[:1] for s in segments[1:]] + [following]
            html = Markup("").join(
                self.marked(segment, text) if segment.marks else text
                for segment, after in zip(segments, afters)
                for text in [typeset.text_html(segment.text, phrases=phrases, following=after)])
        return Markup("（{}）").format(html) if era and value else html

    @staticmethod
    def marked(segment: model.Segment, html: Markup) -> Markup:
        """A marked segment (``html``, its text composed) as the print draws it: a span whose
        classes the styles draw."""
        return Markup('<span class="{}">{}</span>').format(" ".join(sorted(segment.marks)), html)


def toc_entries(document: model.Document, side: str, deepest: int = 3) -> tuple[TocEntry, ...]:
    """The headings of one side, with the anchors the templates give them."""
    return tuple(
        TocEntry(block.level, str(block.text), f"{row.id}-{side}-{index}")
        for chapter in document.chapters if not chapter.is_contents
        for row in chapter.rows
        for index, block in enumerate(getattr(row, side), start=1)
        if isinstance(block, model.Heading) and block.level <= deepest
    )


def appendix(document: model.Document, layout: str) -> tuple[kpis.KpiRecord, ...]:
    """The KPI list that ends a layout, when the document asks for one: the register of the
    layout's column, read from the sources as written (never from marked text)."""
    return kpis.register(document, layout if layout in model.SINGLE_LAYOUTS else "draft") \
        if layout in document.kpi_appendix else ()


def render_html(document: model.Document, stylesheets: tuple[Path, ...], source_dir: Path, *,
                layout: str = "comparison", kpi_list: tuple[kpis.KpiRecord, ...] = (),
                underline_note: bool = False, since: str | None = None, stamp: str = "", created: str = "",
                part: Part | None = None, toc_pages: Mapping[str, str] | None = None,
                review: review_.Review | None = None, council: bool = False) -> str:
    """The whole document as HTML, or one ``part`` of it (whose pages then continue the
    numbering from where the renderer says; the contents part prints ``toc_pages``); the
    review layout shows ``review``."""
    side = layout if layout in model.SINGLE_LAYOUTS else "draft"
    headings = {"comparison": document.subtitle, "draft": document.columns.draft, "current": document.columns.current,
                "review": REVIEW_HEADING}
    page = Page(
        document=document,
        layout=layout,
        heading=headings[layout],
        stylesheets=tuple(path.resolve().as_uri() for path in stylesheets),
        source_uri=source_dir.resolve().as_uri(),
        # The comparison carries the document's own 目次 and a header row on every page;
        # a text alone gets a generated contents page with page numbers.
        toc=toc_entries(document, side) if layout in model.SINGLE_LAYOUTS and (part is None or part.contents) else (),
        kpis=kpi_list if part is None or part.last else (),
        underline_note=underline_note and (part is None or part.first),
        since=since,
        stamp=stamp,
        created=created,
        toc_pages=toc_pages,
        council=council,
        chapters=part.chapters if part else document.chapters,
        review=review,
    )
    template = {"comparison": "comparison.html.j2", "review": "review.html.j2"}.get(layout, "single.html.j2")
    return _shared_environment().get_template(template).render(page=page)


@functools.cache
def _shared_environment() -> jinja2.Environment:
    """Compiling the templates once per process matters to watch, which renders often."""
    return make_environment()
