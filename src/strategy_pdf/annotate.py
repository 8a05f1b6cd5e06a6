"""Stage between model and render: change marks and structural remarks.

傍線 marks what differs between the draft and the text in force; 見え消し (with an earlier
revision) marks in the draft column what was inserted and, struck through in place, what was
deleted since. Both come from `compare.compare_sides`, and both can stand on one text: the
marks are carried on each row as segments, beside texts that stay plain, so whatever reads a
value (the KPI register, its charts, lint) never sees a mark.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from . import compare, model, texts
from .model import CHANGED, DELETED, INSERTED

MARK_MODES = ("both", "draft", "none")
OMITTED = "（略）"
ADDED_ROW = "（前回以降に追加）"
REMOVED_ROW = "（前回以降に削除）"


def annotate(document: model.Document, marks: str = "both", collapse_unchanged: bool = False,
             earlier: model.Document | None = None) -> model.Document:
    """The document with its rows marked: ``marks`` (both, draft, none) for 傍線, and 見え消し
    against ``earlier`` when given (rows matched by id; removed rows come back struck
    through where they stood)."""
    old_rows = {row.id: row for row in earlier.rows} if earlier is not None else None
    removed = _removed_rows(earlier, document) if earlier is not None else {}
    chapters = []
    for chapter in document.chapters:
        rows = list(removed.pop(None, [])) if not chapters else []
        for row in chapter.rows:
            old = old_rows.get(row.id) if old_rows is not None else None
            rows.append(_row(row, document, marks, collapse_unchanged, old_rows is not None, old))
            rows += removed.get(row.id, [])
        chapters.append(dataclasses.replace(chapter, rows=tuple(rows)))
    return dataclasses.replace(document, chapters=tuple(chapters))


def _row(row: model.Row, document: model.Document, marks: str, collapse_unchanged: bool,
         since: bool, old: model.Row | None) -> model.Row:
    labels, conventions = document.auto_remarks, document.marks
    label = labels.added if row.draft and not row.current else labels.removed if row.current and not row.draft else ""
    if label and conventions.labels_in == "column":
        row = dataclasses.replace(row, empty_side_label=f"（{label}）")
    elif label and not row.remarks:
        row = dataclasses.replace(row, remarks=(label,))
    against_current = compare.compare_sides(row.current, row.draft) if row.draft and row.current else None
    against_earlier = compare.compare_sides(old.draft, row.draft) if since and old is not None else None
    if (collapse_unchanged and against_current is not None and not against_current.differs
            and not (against_earlier and against_earlier.differs)
            and not any(isinstance(block, model.Heading) for block in row.draft)):
        omitted = (model.Paragraph(OMITTED, row.at),)
        return dataclasses.replace(row, draft=omitted, current=omitted)
    marking = _Marking()
    if against_current is not None and marks != "none":
        marking.add("draft", against_current.new_spans, CHANGED)
        if marks == "both":
            marking.add("current", against_current.old_spans, CHANGED)
    elif conventions.whole_new_rows and marks != "none":
        if not row.current:
            marking.add("draft", _everything(row.draft), CHANGED)
        elif marks == "both":
            marking.add("current", _everything(row.current), CHANGED)
    if since and old is None:
        marking.add("draft", _everything(row.draft), INSERTED)
        row = dataclasses.replace(row, remarks=row.remarks + (ADDED_ROW,))
    elif since and old.draft and not row.draft:
        # The draft side was deleted since: shown as it was, struck through.
        row = dataclasses.replace(row, draft=old.draft)
        marking.add("draft", _everything(old.draft), DELETED)
    elif against_earlier is not None:
        marking.add("draft", against_earlier.new_spans, INSERTED)
        marking.strike(against_earlier.changes, row.draft)
    return dataclasses.replace(row, marks=marking.segments(row))


def _everything(blocks: tuple[model.Block, ...]) -> dict[compare.Key, tuple[compare.Span, ...]]:
    return {(index, text.path): ((0, len(text.value)),)
            for index, text in texts.side_texts(blocks) if text.kind in texts.PRINTED and text.value}


def _removed_rows(earlier: model.Document, document: model.Document) -> dict[str | None, list[model.Row]]:
    """The earlier rows that no longer exist, struck through, under the id of the surviving
    row they followed (None: the start of the document)."""
    ids = {row.id for row in document.rows}
    removed: dict[str | None, list[model.Row]] = defaultdict(list)
    after: str | None = None
    for row in earlier.rows:
        if row.id in ids:
            after = row.id
            continue
        marking = _Marking()
        marking.add("draft", _everything(row.draft), DELETED)
        struck = dataclasses.replace(row, remarks=row.remarks + (REMOVED_ROW,))
        removed[after].append(dataclasses.replace(struck, marks=marking.segments(struck)))
    return removed


class _Marking:
    """The marks gathered for one row: spans by mark, and deleted texts shown in place."""

    def __init__(self) -> None:
        self.spans: dict[model.MarkPlace, dict[str, list[compare.Span]]] = defaultdict(lambda: defaultdict(list))
        self.deletions: dict[model.MarkPlace, list[tuple[int, str]]] = defaultdict(list)

    def add(self, side: str, spans: dict[compare.Key, tuple[compare.Span, ...]], mark: str) -> None:
        for (block, path), local in spans.items():
            self.spans[(side, block, path)][mark] += local

    def strike(self, changes: tuple[compare.FieldChange, ...], blocks: tuple[model.Block, ...]) -> None:
        """What each change deleted, placed where it stood in the new draft: where the change
        has no text on the new side (a KPI or row of a table removed), at the next text that
        has one, or at the end of the last."""
        anchored = [change.new for change in changes]
        ends = [(index, text) for index, text in texts.side_texts(blocks) if text.kind in texts.PRINTED]
        for number, change in enumerate(changes):
            if not change.deleted:
                continue
            if change.new is not None:
                (block, text), position = change.new, change.new_span[0]
            else:
                following = next((ref for ref in anchored[number + 1:] if ref is not None), None)
                if following is not None:
                    (block, text), position = following, 0
                elif ends:
                    (block, text) = ends[-1]
                    position = len(text.value)
                else:
                    continue
            self.deletions[("draft", block, text.path)].append((position, change.deleted))

    def segments(self, row: model.Row) -> tuple[tuple[model.MarkPlace, tuple[model.Segment, ...]], ...]:
        values = {(side, index, text.path): text.value
                  for side in ("draft", "current") for index, text in texts.side_texts(getattr(row, side))}
        places = sorted(set(self.spans) | set(self.deletions), key=lambda place: (place[0], place[1], str(place[2])))
        return tuple((place, _segments(values[place], self.spans.get(place, {}), self.deletions.get(place, [])))
                     for place in places)


def _segments(value: str, spans: dict[str, list[compare.Span]], deletions: list[tuple[int, str]]
              ) -> tuple[model.Segment, ...]:
    """The text cut into runs of equal marks, deleted texts placed before the character they
    stood before."""
    marks: list[set[str]] = [set() for _ in value]
    for mark, local in spans.items():
        for start, end in local:
            for position in range(start, min(end, len(value))):
                marks[position].add(mark)
    struck: dict[int, list[str]] = defaultdict(list)
    for position, text in deletions:
        struck[min(position, len(value))].append(text)
    cuts = sorted({0, len(value), *struck,
                   *(position for position in range(1, len(value)) if marks[position] != marks[position - 1])})
    result: list[model.Segment] = []
    for start, end in zip(cuts, cuts[1:] + [None]):
        result += [model.Segment(text, frozenset({DELETED})) for text in struck.get(start, ())]
        if end is not None and end > start:
            result.append(model.Segment(value[start:end], frozenset(marks[start])))
    return tuple(result)
