"""The annotate stage: structural remarks, marks modes, （略）."""

from strategy_pdf import annotate, model, parse
from strategy_pdf.changes import MarkedText

from .conftest import fixture_project


def document():
    return parse.load_document(fixture_project("good", "minimal").source)


def is_marked(text: str) -> bool:
    return isinstance(text, MarkedText) and any(segment.mark for segment in text.segments)


def rows(doc):
    return {row.id: row for row in doc.rows}


def test_rows_with_one_side_get_structural_remarks():
    annotated = rows(annotate.annotate(document()))
    assert annotated["basics-new"].remarks == ("新設",)
    assert annotated["basics-quake"].remarks == ("・項目削除",)  # the author's remark wins


def test_marks_modes():
    both = rows(annotate.annotate(document(), "both"))["basics-history"]
    assert is_marked(both.current[0].text) and not is_marked(both.draft[0].text)
    draft_only = rows(annotate.annotate(document(), "draft"))["goal-measures"]
    assert is_marked(draft_only.draft[3].text) and not is_marked(draft_only.current[2].text)
    none = rows(annotate.annotate(document(), "none"))["goal-measures"]
    assert not any(is_marked(text) for block in none.draft for text in annotate.block_texts(block))


def test_kpi_values_are_compared_field_by_field():
    kpi = rows(annotate.annotate(document()))["goal-heading"].draft[2]
    assert isinstance(kpi, model.Kpi)
    assert not is_marked(kpi.items[0].base)
    assert is_marked(kpi.items[0].targets[1])


def test_collapse_unchanged_rows():
    source = document()
    title_row = source.chapters[0].rows[0]
    equal_row = model.Row("same", (model.Paragraph("同じ文。", title_row.at),), (model.Paragraph("同じ文。", title_row.at),),
                          (), False, title_row.at)
    chapter = source.chapters[0].__class__(**{**source.chapters[0].__dict__, "rows": (title_row, equal_row)})
    collapsed = annotate.annotate(source.__class__(**{**source.__dict__, "chapters": (chapter,)}), collapse_unchanged=True)
    kept_heading, omitted = collapsed.chapters[0].rows
    assert kept_heading.draft == title_row.draft  # headings stay, even when equal
    assert [block.text for block in omitted.draft + omitted.current] == ["（略）", "（略）"]


def test_texts_round_trip_through_blocks():
    for row in document().rows:
        for block in row.draft + row.current:
            texts = annotate.block_texts(block)
            assert annotate.with_texts(block, iter(texts)) == block
