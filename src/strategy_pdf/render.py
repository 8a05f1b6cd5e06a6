"""Stage 3, render: the Document as one HTML page, through the project's only Jinja environment."""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import eras, kpis, model, review as review_, typeset


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
    first_page: int                # the number of the first page (a part rendered on its own)
    council: bool                  # the council edition: the document's meeting at the top right
    chapters: tuple[model.Chapter, ...]  # what this page carries: all, or a part's
    review: review_.Review | None = None  # the review layout's indicators, rates and grades


# A text column holds about 27 full-width characters a line and a page about 27 lines.
# Rows up to about four fifths of a page are kept whole: a row split at a page end can leave
# its remark alone at the bottom while its text moves on. Taller rows must split
# (WeasyPrint stops repeating the header row when an unsplittable row overflows a page).
CHARACTERS_PER_LINE = 27
KEEP_WHOLE_LINES = 22
# A row without a remark has nothing to leave behind: it is kept whole only when short,
# and otherwise flows on, so pages do not end in wide gaps.
KEEP_SHORT_LINES = 8


def estimated_lines(blocks: tuple[model.Block, ...]) -> float:
    """Roughly how many body lines a side takes; only compared with KEEP_WHOLE_LINES."""
    lines = 0.0
    for block in blocks:
        if isinstance(block, model.Kpi):
            lines += 3 + sum(2 + len(item.notes) * 1.5 + len(item.name) / 12 for item in block.items)
        elif isinstance(block, model.Table):
            lines += 2 + sum(1 + max(len(cell) for cell in row) / 20 for row in block.rows if row)
        elif isinstance(block, model.Figure) and block.diagram:
            lines += 3 + _diagram_lines(block.diagram)
        elif isinstance(block, model.Figure):
            lines += 3 + len(block.text) * 0.75
        else:
            lines += 0.3 + sum(math.ceil(len(part) / CHARACTERS_PER_LINE) or 1 for part in block.text.split("\n"))
    return lines


def _diagram_lines(diagram: model.Diagram) -> float:
    """A diagram is as tall as its tallest stage (plus its band), in body lines: its 8pt
    box lines are about 0.8 of one, a box's border and gap about 0.45 more (measured at
    7.5pt on the real document's 展開図, scaled)."""
    characters = max(4, int(CHARACTERS_PER_LINE * 2.35 / max(len(diagram.stages), 1)) - 2)

    def height(boxes: tuple[model.Box, ...], width: int) -> float:
        return sum(0.45 + 0.8 * math.ceil(len(box.text) / width) + height(box.boxes, width - 1) for box in boxes)

    tallest = max((1.2 + height(stage.boxes, characters) for stage in diagram.stages), default=0.0)
    band = 1.2 + height(diagram.band.boxes, characters * len(diagram.stages)) if diagram.band else 0.0
    return tallest + band


# Blocks a page can end inside after their first lines (two at least: orphans), so a row
# that opens with one on each side keeps its remark company when it splits.
FLOWING = (model.Paragraph, model.Item, model.Note)


def keep_whole(row: model.Row) -> bool:
    lines = max(estimated_lines(row.draft), estimated_lines(row.current))
    if lines <= KEEP_SHORT_LINES:
        return True
    # A remark stays with the first part of a split row when each side opens with text that
    # can end a page after its first lines and the remark is no taller than those lines.
    flows = all(isinstance(side[0], FLOWING) for side in (row.draft, row.current) if side)
    return bool(row.remarks) and lines <= KEEP_WHOLE_LINES and not (flows and remark_lines(row) <= 2)


def remark_lines(row: model.Row) -> int:
    """How many lines the remarks take in their column (9pt, about 11 characters a line)."""
    return sum(math.ceil(len(part) / 11) or 1 for remark in row.remarks for part in remark.split("\n"))


def opens_page(row: model.Row) -> bool:
    """A figure too tall to keep whole with its row starts a page: it does not split inside
    a box, so it would move on alone, leaving its remark behind on the page before."""
    tallest = max((row.draft, row.current), key=estimated_lines)
    return (len(tallest) == 1 and isinstance(tallest[0], model.Figure)
            and estimated_lines(tallest) > KEEP_WHOLE_LINES)


def only_headings(row: model.Row) -> bool:
    """A row of headings belongs with the row after it: never the last on a page."""
    return all(isinstance(block, (model.Heading, model.Label, model.Lead)) for block in row.draft + row.current)


@dataclass(frozen=True)
class Part:
    """A run of the comparison between two forced page breaks (or more runs in a row): it
    paginates alone exactly as within the whole, so parts can be rendered side by side."""

    chapters: tuple[model.Chapter, ...]
    first: bool                    # carries what opens the document (the marks note)
    last: bool                     # carries what closes it (the KPI appendix)

    @property
    def title(self) -> str:
        return self.chapters[0].title if len(self.chapters) == 1 else f"{self.chapters[0].title}–{self.chapters[-1].title}"


# Parts rendered side by side: three suit two cores best (a part waiting for the others
# leaves its core to the third; measured 0.94-0.96x the time of two, and four or six gained
# nothing more on the real document). A longer document gets one part per about 750
# estimated lines (the real document's thirds), up to eight: WeasyPrint slows down on long
# documents (8x the content took 8.3x the time), so shorter parts scale better. The count
# follows the content only, never the machine: how a document is cut decides the PDF's
# bytes, and a revision must give the same PDF on a laptop and in CI.
PART_LINES = 750
FEWEST_PARTS, MOST_PARTS = 3, 8


def part_count(document: model.Document) -> int:
    _, weights = _weighted_runs(document)
    return min(MOST_PARTS, max(FEWEST_PARTS, round(sum(weights) / PART_LINES)))


def parts(document: model.Document, count: int) -> tuple[Part, ...]:
    """The document cut at its forced page breaks (rows with ``break: page``) into at most
    ``count`` parts of about equal weight; fewer when it has fewer breaks."""
    runs, weights = _weighted_runs(document)
    groups = [1] * len(runs) if count >= len(runs) else _even_groups(weights, count)
    result, start = [], 0
    for number, size in enumerate(groups):
        rows = [entry for run in runs[start:start + size] for entry in run]
        start += size
        chapters = tuple(
            dataclasses.replace(document.chapters[index], rows=tuple(row for i, row in rows if i == index))
            for index in sorted({index for index, _ in rows}))
        result.append(Part(chapters, first=number == 0, last=number == len(groups) - 1))
    return tuple(result)


def _weighted_runs(document: model.Document) -> tuple[list[list[tuple[int, model.Row]]], list[float]]:
    """The runs of rows between forced page breaks, as (chapter index, row), and how many
    body lines each is estimated to take, the KPI appendix counted with the last."""
    runs: list[list[tuple[int, model.Row]]] = [[]]
    for index, chapter in enumerate(document.chapters):
        for row in chapter.rows:
            if row.page_break and runs[-1]:
                runs.append([])
            runs[-1].append((index, row))
    weights = [sum(_row_weight(row) for _, row in run) for run in runs]
    weights[-1] += _appendix_weight(document)
    return runs, weights


def _row_weight(row: model.Row) -> float:
    return 1 + max(estimated_lines(row.draft), estimated_lines(row.current))


def _appendix_weight(document: model.Document) -> float:
    """The KPI appendix, a row per KPI with its chart, renders like about ten body lines a
    KPI (measured on the real document)."""
    return 10.0 * len(kpis.register(document, "draft")) if "comparison" in document.kpi_appendix else 0.0


def _even_groups(weights: list[float], count: int) -> list[int]:
    """Sizes of ``count`` consecutive groups of ``weights`` whose heaviest is as light as
    can be (the classic linear partition; a document has a few dozen breaks at most)."""
    prefix = [0.0]
    for weight in weights:
        prefix.append(prefix[-1] + weight)

    @functools.cache
    def best(end: int, groups: int) -> tuple[float, tuple[int, ...]]:
        if groups == 1:
            return prefix[end], (end,)
        options = []
        for start in range(groups - 1, end):
            heaviest, sizes = best(start, groups - 1)
            options.append((max(heaviest, prefix[end] - prefix[start]), sizes + (end - start,)))
        return min(options)

    return list(best(len(weights), count)[1])


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
    return kpis.register(document, layout if layout in ("draft", "current") else "draft") \
        if layout in document.kpi_appendix else ()


def render_html(document: model.Document, stylesheets: tuple[Path, ...], source_dir: Path, *,
                layout: str = "comparison", kpi_list: tuple[kpis.KpiRecord, ...] = (),
                underline_note: bool = False, since: str | None = None, stamp: str = "", created: str = "",
                first_page: int = 1, part: Part | None = None, review: review_.Review | None = None,
                council: bool = False) -> str:
    """The whole document as HTML, or one ``part`` of it (whose pages then continue the
    numbering from where the renderer says); the review layout shows ``review``."""
    side = layout if layout in ("draft", "current") else "draft"
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
        toc=toc_entries(document, side) if layout in ("draft", "current") else (),
        kpis=kpi_list if part is None or part.last else (),
        underline_note=underline_note and (part is None or part.first),
        since=since,
        stamp=stamp,
        created=created,
        first_page=first_page,
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
