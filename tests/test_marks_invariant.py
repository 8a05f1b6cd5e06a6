"""The marks are the product: every difference marked, nothing else, in every mode.

The invariant, for every row with both sides: removing what is marked on each side leaves the
same text on both; a row whose sides differ carries a mark, a row whose sides are equal none.
The property test edits one random field of the real document, on either side, and checks
the invariant, that `changes` names the row and field, and that 見え消し marks it.
``make fuzz`` runs it with many more examples (STRATEGY_PDF_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import dataclasses
import functools
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from strategy_pdf import annotate, model, parse, summary, texts
from strategy_pdf.diff import comparison_key

from .conftest import ROOT

EXAMPLES = int(os.environ.get("STRATEGY_PDF_FUZZ_EXAMPLES", "200"))
ALPHABET = "市民県の策定をにはがいうアイウ０１２3456、。（）「」・ 〇第期"
ERA_YEARS = ("H27", "H30", "H31", "R1", "R3", "R5", "R7")


@functools.cache
def real_document() -> model.Document:
    return parse.load_document(ROOT / "source")


def printed(row: model.Row, side: str) -> list[str]:
    return [text.value for _, text in texts.side_texts(getattr(row, side)) if text.kind in texts.PRINTED]


def unmarked(row: model.Row, side: str) -> str:
    """A side's printed texts without what 傍線 marks (and without struck, deleted text)."""
    kept = []
    for index, text in texts.side_texts(getattr(row, side)):
        if text.kind not in texts.PRINTED:
            continue
        segments = row.segments(side, index, text.path)
        kept.append(text.value if segments is None else "".join(
            segment.text for segment in segments if not segment.marks & {model.CHANGED, model.DELETED}))
    return comparison_key("".join(kept))


def carries(row: model.Row, mark: str, side: str | None = None) -> bool:
    return any(mark in segment.marks for (mark_side, _, _), segments in row.marks
               if side in (None, mark_side) for segment in segments if segment.text)


def invariant_violations(document: model.Document) -> list[str]:
    annotated = {row.id: row for row in annotate.annotate(document, "both").rows}
    problems = []
    for row in document.rows:
        if not (row.draft and row.current):
            continue
        marked = annotated[row.id]
        if unmarked(marked, "draft") != unmarked(marked, "current"):
            problems.append(f"{row.id}: unmarked texts differ")
        differs = printed(row, "draft") != printed(row, "current")
        if differs != carries(marked, model.CHANGED):
            problems.append(f"{row.id}: sides {'differ' if differs else 'are equal'} but "
                            f"{'no' if differs else 'a'} mark")
    return problems


def test_invariant_holds_on_the_real_document():
    assert invariant_violations(real_document()) == []


def test_invariant_fails_when_a_mark_is_lost():
    """The check itself can fail: drop one row's marks and it says so."""
    document = real_document()
    row = next(r for r in annotate.annotate(document).rows if r.marks)
    assert unmarked(dataclasses.replace(row, marks=()), "draft") != unmarked(dataclasses.replace(row, marks=()), "current")


def replaced(value, path: model.FieldPath, new):
    """``value`` with the field at ``path`` (the traversal's path: attribute names and
    indices) replaced by ``new``."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(value)
        items[head] = replaced(items[head], rest, new)
        return tuple(items)
    if head == "year" or head == "value":  # an actual: (year, value)
        return (new, value[1]) if head == "year" else (value[0], new)
    if head == "repeat":
        return dataclasses.replace(value, repeat=not value.repeat)
    return dataclasses.replace(value, **{head: replaced(getattr(value, head), rest, new)})


def mutated(document: model.Document, place: texts.Place, new_value: str) -> model.Document:
    side = getattr(place.row, place.side)
    block = replaced(side[place.block], place.text.path, new_value)
    row = dataclasses.replace(place.row, **{place.side: side[:place.block] + (block,) + side[place.block + 1:]})
    return dataclasses.replace(document, chapters=tuple(
        dataclasses.replace(chapter, rows=tuple(row if r.id == row.id else r for r in chapter.rows))
        for chapter in document.chapters))


EDITABLE = frozenset({texts.PROSE, texts.VALUE, texts.YEAR, texts.UNIT, texts.FLAG, texts.CELL})


@functools.cache
def editable_places() -> tuple[texts.Place, ...]:
    return tuple(place for place in texts.document_texts(real_document()) if place.text.kind in EDITABLE)


@st.composite
def edits(draw):
    # Drawn by index: sampled_from hashes its elements to label the strategy, and a place
    # hashes its whole row and chapter, anew for every example (four fifths of the test's time).
    places = editable_places()
    place = places[draw(st.integers(0, len(places) - 1))]
    old = place.text.value
    if place.text.kind == texts.FLAG:
        new = "" if old else texts.REPEAT
    elif place.text.kind == texts.YEAR:
        new = draw(st.sampled_from([year for year in ERA_YEARS if year != old]))
    else:
        start = draw(st.integers(0, len(old)))
        end = draw(st.integers(start, min(len(old), start + 6)))
        new = old[:start] + draw(st.text(ALPHABET, min_size=0 if end > start else 1, max_size=5)) + old[end:]
    return place, new


@settings(max_examples=EXAMPLES, deadline=None)
@given(edits())
def test_any_single_edit_is_marked_and_reported(edit):
    place, new_value = edit
    if new_value == place.text.value:
        return
    # The chapter of the edit alone: every other row is the real document's, checked above.
    original = dataclasses.replace(real_document(), chapters=(place.chapter,))
    document = mutated(original, place, new_value)
    assert invariant_violations(document) == []

    (change,) = summary.compare_documents(original, document)
    assert change.row_id == place.row.id and change.kind == "changed"
    block = getattr(place.row, place.side)[place.block]
    where = ("現行 › " if place.side == "current" else "") + f"{place.block + 1} {texts.block_kind(block)}"
    assert any(detail.startswith(where) for detail in change.details), (where, change.details)
    if place.text.label != "本文" and comparison_key(new_value) != comparison_key(place.text.value):
        field = place.text.label.split(" › ")[-1]  # the name before it may be what changed
        assert any(f" › {field}: " in detail for detail in change.details), (field, change.details)

    since = {row.id: row for row in annotate.annotate(document, "none", earlier=original).rows}[place.row.id]
    if place.side == "draft":
        assert carries(since, model.INSERTED, "draft") or carries(since, model.DELETED, "draft")
    else:
        assert not since.marks  # 見え消し is the draft column's
