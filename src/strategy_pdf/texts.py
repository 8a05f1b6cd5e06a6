"""The one traversal of a document's texts: every text a block carries, with its field path,
its kind, a label a person can find it by, and the place in the source where it was written.

Change marks, 見え消し, `changes`, lint and the KPI register all walk this, so that a field
added to a block later is compared, marked, linted and reported once it is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from . import eras, model
from .errors import Location

# Kinds of text. PRINTED kinds are what a reader sees in the comparison; an image's file
# name is not printed but a changed image is a change; actuals are results, not wording.
PROSE = "prose"   # headings, paragraphs, names, captions, boxes …
VALUE = "value"   # a KPI figure as printed: 2,325 / 7,000 以上 / 〇〇
YEAR = "year"     # an era year: H27, R1
UNIT = "unit"     # a KPI unit, printed 〔unit〕
FLAG = "flag"     # printed words a flag stands for: （再掲）
CELL = "cell"     # a plain table's cell or heading
FILE = "file"     # an image file under source/figures/
ACTUAL = "actual"  # a reported result (the KPI appendix and export read it)
ALT = "alt"       # an image's alternative text: the web edition's, never printed
PRINTED = frozenset({PROSE, VALUE, YEAR, UNIT, FLAG, CELL, FILE})

REPEAT = "（再掲）"


@dataclass(frozen=True)
class Text:
    """One text of a block: ``path`` inside the block, e.g. ("items", 0, "targets", 1)."""

    path: model.FieldPath
    value: str
    kind: str
    label: str       # e.g. 企業立地件数（累計） › 目標値（R5）
    at: Location


@dataclass(frozen=True)
class Place:
    """A text of the document with the row, side and block that hold it."""

    chapter: model.Chapter
    row: model.Row
    side: str        # draft or current
    block: int       # index of the block in the side
    text: Text


def block_texts(block: model.Block) -> tuple[Text, ...]:
    """Every text of ``block`` in reading order."""
    return tuple(_walk(block))


def side_texts(blocks: tuple[model.Block, ...]) -> Iterator[tuple[int, Text]]:
    for index, block in enumerate(blocks):
        for text in _walk(block):
            yield index, text


def document_texts(document: model.Document) -> Iterator[Place]:
    for chapter in document.chapters:
        for row in chapter.rows:
            for side in ("draft", "current"):
                for index, text in side_texts(getattr(row, side)):
                    yield Place(chapter, row, side, index, text)


def block_kind(block: model.Block) -> str:
    """The block's key in the sources: p, h1 … h4, label, lead, li, note, kpi, table, figure."""
    if isinstance(block, model.Heading):
        return f"h{block.level}"
    return _KINDS[type(block)]


_KINDS = {model.Label: "label", model.Lead: "lead", model.Paragraph: "p", model.Item: "li", model.Note: "note",
          model.Kpi: "kpi", model.Table: "table", model.Figure: "figure"}


def _text(owner: model.Located, prefix: model.FieldPath, path: model.FieldPath, value: str, kind: str,
          label: str, default: Location) -> Text:
    return Text(prefix + path, value, kind, label, owner.location_of(path, default))


def _walk(block: model.Block) -> Iterator[Text]:
    at = block.at
    if isinstance(block, model.Kpi):
        yield from _kpi(block)
    elif isinstance(block, model.Table):
        yield _text(block, (), ("caption",), block.caption, PROSE, "表題", at)
        for column, cell in enumerate(block.head):
            yield _text(block, (), ("head", column), cell, CELL, f"見出し {column + 1}列", at)
        for number, cells in enumerate(block.rows):
            for column, cell in enumerate(cells):
                heading = block.head[column] if column < len(block.head) and block.head[column] else f"{column + 1}列"
                yield _text(block, (), ("rows", number, column), cell, CELL, f"{number + 1}行 › {heading}", at)
    elif isinstance(block, model.Figure):
        yield _text(block, (), ("title",), block.title, PROSE, "図題", at)
        for number, fragment in enumerate(block.text):
            yield _text(block, (), ("text", number), fragment, PROSE, f"図の文字 {number + 1}", at)
        yield _text(block, (), ("image",), block.image, FILE, "画像", at)
        yield _text(block, (), ("alt",), block.alt, ALT, "代替テキスト", at)
        if block.diagram:
            for number, stage in enumerate(block.diagram.stages):
                yield from _stage(stage, ("diagram", "stages", number), stage.title or f"{number + 1}段", at)
            if block.diagram.band:
                yield from _stage(block.diagram.band, ("diagram", "band"), block.diagram.band.title or "帯", at)
    else:
        yield _text(block, (), ("text",), block.text, PROSE, "本文", at)


def _kpi(block: model.Kpi) -> Iterator[Text]:
    at = block.at
    yield _text(block, (), ("label",), block.label, PROSE, "表頭", at)
    yield _text(block, (), ("base_label",), block.base_label, PROSE, "基準値の見出し", at)
    yield _text(block, (), ("base_year",), block.base_year, YEAR, "基準年", at)
    for number, year in enumerate(block.target_years):
        yield _text(block, (), ("target_years", number), year, YEAR, f"目標年 {number + 1}", at)
    for number, item in enumerate(block.items):
        prefix = ("items", number)
        item_at = item.at or at
        name = item.name or f"{number + 1}番目の指標"
        yield _text(item, prefix, ("repeat",), REPEAT if item.repeat else "", FLAG, f"{name} › 再掲", item_at)
        yield _text(item, prefix, ("name",), item.name, PROSE, f"{name} › 指標名", item_at)
        yield _text(item, prefix, ("unit",), item.unit, UNIT, f"{name} › 単位", item_at)
        for index, note in enumerate(item.notes):
            yield _text(item, prefix, ("notes", index), note, PROSE, f"{name} › 注 {index + 1}", item_at)
        yield _text(item, prefix, ("base",), item.base, VALUE, f"{name} › {block.base_label}", item_at)
        yield _text(item, prefix, ("base_year",), item.base_year, YEAR, f"{name} › {block.base_label}の年", item_at)
        years = item.target_years or block.target_years
        for index, value in enumerate(item.targets):
            year = eras.bracketed(years[index]) if index < len(years) else f" {index + 1}"
            yield _text(item, prefix, ("targets", index), value, VALUE, f"{name} › 目標値{year}", item_at)
        for index, year in enumerate(item.target_years):
            yield _text(item, prefix, ("target_years", index), year, YEAR, f"{name} › 目標値の年 {index + 1}", item_at)
        for index, (year, value) in enumerate(item.actuals):
            actual_at = item.location_of(("actuals", index), item_at)
            yield Text(prefix + ("actuals", index, "year"), year, ACTUAL, f"{name} › 実績の年", actual_at)
            yield Text(prefix + ("actuals", index, "value"), value, ACTUAL, f"{name} › 実績{eras.bracketed(year)}",
                       actual_at)


def _stage(stage: model.Stage, prefix: model.FieldPath, name: str, at: Location) -> Iterator[Text]:
    yield _text(stage, prefix, ("title",), stage.title, PROSE, f"{name} › 見出し", at)
    yield from _boxes(stage, stage.boxes, prefix, name, at)


def _boxes(owner: model.Located, boxes: tuple[model.Box, ...], prefix: model.FieldPath, name: str,
           at: Location) -> Iterator[Text]:
    for number, box in enumerate(boxes):
        path = prefix + ("boxes", number)
        box_at = owner.location_of(("boxes", number), at)
        yield _text(box, path, ("text",), box.text, PROSE, f"{name} › 箱 {number + 1}", box_at)
        yield from _boxes(box, box.boxes, path, f"{name} › 箱 {number + 1}", box_at)
