"""Stage between model and render: change marks (傍線) and structural remarks (新設, 削除).

The result is the same typed Document, whose texts are MarkedText where something changed.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

from . import model
from .changes import CHANGED, mark_units

MARK_MODES = ("both", "draft", "none")
OMITTED = "（略）"


def block_texts(block: model.Block) -> list[str]:
    """The texts of a block in reading order: what change marking compares."""
    if isinstance(block, model.Kpi):
        return [text for item in block.items for text in (item.name, *item.notes, item.base, *item.targets)]
    if isinstance(block, model.Table):
        return [*block.head, *(cell for row in block.rows for cell in row)]
    if isinstance(block, model.Figure):
        return [block.title, *block.text]
    return [block.text]


def with_texts(block: model.Block, texts: Iterator[str]) -> model.Block:
    """The block with its texts replaced, in the order block_texts gives them."""
    if isinstance(block, model.Kpi):
        items = []
        for item in block.items:
            name = next(texts)
            notes = tuple(next(texts) for _ in item.notes)
            base = next(texts)
            targets = tuple(next(texts) for _ in item.targets)
            items.append(dataclasses.replace(item, name=name, notes=notes, base=base, targets=targets))
        return dataclasses.replace(block, items=tuple(items))
    if isinstance(block, model.Table):
        head = tuple(next(texts) for _ in block.head)
        rows = tuple(tuple(next(texts) for _ in row) for row in block.rows)
        return dataclasses.replace(block, head=head, rows=rows)
    if isinstance(block, model.Figure):
        title = next(texts)
        return dataclasses.replace(block, title=title, text=tuple(next(texts) for _ in block.text))
    return dataclasses.replace(block, text=next(texts))


def side_texts(blocks: tuple[model.Block, ...]) -> list[str]:
    return [text for block in blocks for text in block_texts(block)]


def with_side_texts(blocks: tuple[model.Block, ...], texts: list[str]) -> tuple[model.Block, ...]:
    stream = iter(texts)
    return tuple(with_texts(block, stream) for block in blocks)


def annotate(document: model.Document, marks: str = "both", collapse_unchanged: bool = False) -> model.Document:
    chapters = tuple(
        dataclasses.replace(chapter, rows=tuple(_row(row, document.auto_remarks, marks, collapse_unchanged)
                                                for row in chapter.rows))
        for chapter in document.chapters
    )
    return dataclasses.replace(document, chapters=chapters)


def _row(row: model.Row, labels: model.AutoRemarks, marks: str, collapse_unchanged: bool) -> model.Row:
    if not row.remarks:
        if row.draft and not row.current and labels.added:
            row = dataclasses.replace(row, remarks=(labels.added,))
        elif row.current and not row.draft and labels.removed:
            row = dataclasses.replace(row, remarks=(labels.removed,))
    if not (row.draft and row.current):
        return row
    old_texts, new_texts = side_texts(row.current), side_texts(row.draft)
    if collapse_unchanged and old_texts == new_texts and not any(isinstance(b, model.Heading) for b in row.draft):
        omitted = (model.Paragraph(OMITTED, row.at),)
        return dataclasses.replace(row, draft=omitted, current=omitted)
    if marks == "none":
        return row
    marked_old, marked_new = mark_units(old_texts, new_texts, CHANGED if marks == "both" else "", CHANGED)
    return dataclasses.replace(row, draft=with_side_texts(row.draft, marked_new),
                               current=with_side_texts(row.current, marked_old))
