"""How a document falls into pages, estimated before WeasyPrint lays it out: which rows of
the comparison are kept whole, which open a page, and where a layout is cut into parts.

The estimate counts body lines of a text column. Its units come from the stylesheets'
measures, stated here once and held to styles/comparison.css and base.css by
tests/test_paginate.py: change a measure there, and the test says to change it here.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

from . import kpis, model

MM_PER_PT = 25.4 / 72
# styles/comparison.css and base.css
PAGE_HEIGHT_MM = 210.0                 # A4 landscape
PAGE_MARGINS_MM = (17.0, 15.0)         # @page margin, top and bottom
COLUMN_MM = 108.0                      # col.draft, col.current
CELL_PADDING_MM = 4.0                  # td padding, left and right
HEADER_PADDING_MM = 1.0                # thead th padding, top and bottom
BODY_PT = 10.5                         # --body-size
LINE_HEIGHT = 1.6                      # html line-height

_LINE_MM = BODY_PT * MM_PER_PT * LINE_HEIGHT
# A full-width character is one em wide: 27 in a column.
CHARACTERS_PER_LINE = round((COLUMN_MM - 2 * CELL_PADDING_MM) / (BODY_PT * MM_PER_PT))
# The body lines under the repeated header row: 28.
LINES_PER_PAGE = math.floor((PAGE_HEIGHT_MM - sum(PAGE_MARGINS_MM) - (_LINE_MM + 2 * HEADER_PADDING_MM)) / _LINE_MM)
# Rows up to about four fifths of a page are kept whole: a row split at a page end can leave
# its remark alone at the bottom while its text moves on. Taller rows must split
# (WeasyPrint stops repeating the header row when an unsplittable row overflows a page).
KEEP_WHOLE_LINES = round(LINES_PER_PAGE * 4 / 5)  # 22
# A row without a remark has nothing to leave behind: it is kept whole only when short
# (under a third of a page), and otherwise flows on, so pages do not end in wide gaps.
KEEP_SHORT_LINES = round(LINES_PER_PAGE * 0.3)  # 8


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


# Blocks a page can end inside after their first lines (two at least: orphans), or between
# the rows of a table, so a row that opens with one on each side (after its headings, which
# never end a page) keeps its remark company when it splits.
FLOWING = (model.Paragraph, model.Item, model.Note, model.Table)
HEADINGS = (model.Heading, model.Label, model.Lead)


def keep_whole(row: model.Row) -> bool:
    lines = max(estimated_lines(row.draft), estimated_lines(row.current))
    if lines <= KEEP_SHORT_LINES:
        return True
    # A remark stays with the first part of a split row when each side opens with text that
    # can end a page after its first lines and the remark is no taller than those lines.
    flows = all(isinstance(next((block for block in side if not isinstance(block, HEADINGS)), None), FLOWING)
                for side in (row.draft, row.current) if side)
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
    return all(isinstance(block, HEADINGS) for block in row.draft + row.current)


@dataclass(frozen=True)
class Part:
    """A run of a layout between two forced page breaks (or more runs in a row): it
    paginates alone exactly as within the whole, so parts can be rendered side by side.
    A text alone opens with a part of its own, ``contents``: the generated contents page,
    which prints the page of every heading once the other parts are paginated."""

    chapters: tuple[model.Chapter, ...]
    first: bool                    # carries what opens the document (the marks note)
    last: bool                     # carries what closes it (the KPI appendix)
    contents: bool = False         # the generated contents page alone

    @property
    def title(self) -> str:
        if self.contents:
            return "目次"
        return self.chapters[0].title if len(self.chapters) == 1 else f"{self.chapters[0].title}–{self.chapters[-1].title}"


# Parts rendered side by side: three suit two cores best (a part waiting for the others
# leaves its core to the third; measured 0.94-0.96x the time of two, and four or six gained
# nothing more on the real document). A longer document gets one part per PART_PAGES
# pages of estimated lines (the real document's, about 2,200, make three), up to eight: WeasyPrint slows down on long
# documents (8x the content took 8.3x the time), so shorter parts scale better. The count
# follows the content only, never the machine: how a document is cut decides the PDF's
# bytes, and a revision must give the same PDF on a laptop and in CI.
PART_PAGES = 27
PART_LINES = PART_PAGES * LINES_PER_PAGE
FEWEST_PARTS, MOST_PARTS = 3, 8


def part_count(document: model.Document, layout: str = "comparison") -> int:
    _, weights = _weighted_runs(document, layout)
    return min(MOST_PARTS, max(FEWEST_PARTS, round(sum(weights) / PART_LINES)))


def parts(document: model.Document, count: int | None = None, layout: str = "comparison") -> tuple[Part, ...]:
    """The layout cut at its forced page breaks (rows with ``break: page`` that the layout
    prints) into at most ``count`` parts of about equal weight; fewer when it has fewer
    breaks. Without a ``count``, as many as it has: one part per run between two breaks.
    A text alone (draft, current) is preceded by its contents part, not counted."""
    runs, weights = _weighted_runs(document, layout)
    groups = [1] * len(runs) if count is None or count >= len(runs) else _even_groups(weights, count)
    result, start = [], 0
    for number, size in enumerate(groups):
        rows = [entry for run in runs[start:start + size] for entry in run]
        start += size
        chapters = tuple(
            dataclasses.replace(document.chapters[index], rows=tuple(row for i, row in rows if i == index))
            for index in sorted({index for index, _ in rows}))
        result.append(Part(chapters, first=number == 0, last=number == len(groups) - 1))
    if layout in model.SINGLE_LAYOUTS:
        return (Part((), first=True, last=False, contents=True),
                *(dataclasses.replace(part, first=False) for part in result))
    return tuple(result)


def _weighted_runs(document: model.Document, layout: str) -> tuple[list[list[tuple[int, model.Row]]], list[float]]:
    """The runs of rows between forced page breaks, as (chapter index, row), and how many
    body lines each is estimated to take, the KPI appendix counted with the last. A text
    alone leaves out the document's own 目次 (it prints its contents page instead), and a
    row without its side prints nothing there: its break starts no run, and it never
    makes one alone (a part of nothing would print a blank page), but it stays in its run,
    for its chapter's anchor."""
    def printed(row: model.Row) -> bool:
        return layout not in model.SINGLE_LAYOUTS or bool(getattr(row, layout))

    runs: list[list[tuple[int, model.Row]]] = [[]]
    for index, chapter in enumerate(document.chapters):
        if layout in model.SINGLE_LAYOUTS and chapter.is_contents:
            continue
        for row in chapter.rows:
            if row.page_break and printed(row) and any(printed(earlier) for _, earlier in runs[-1]):
                runs.append([])
            runs[-1].append((index, row))
    weights = [sum(_row_weight(row) for _, row in run) for run in runs]
    weights[-1] += _appendix_weight(document, layout)
    return runs, weights


def _row_weight(row: model.Row) -> float:
    return 1 + max(estimated_lines(row.draft), estimated_lines(row.current))


def _appendix_weight(document: model.Document, layout: str) -> float:
    """The KPI appendix, a row per KPI with its chart, renders like about ten body lines a
    KPI (measured on the real document's comparison)."""
    column = layout if layout in model.SINGLE_LAYOUTS else "draft"
    return 10.0 * len(kpis.register(document, column)) if layout in document.kpi_appendix else 0.0


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
