"""The annotate stage: structural remarks, marks modes, （略）, marks beside plain texts."""

import dataclasses

from strategy_pdf import annotate, model, parse, texts

from .conftest import fixture_project


def document():
    return parse.load_document(fixture_project("good", "minimal").source)


def marked(row: model.Row, side: str, mark: str = model.CHANGED) -> dict:
    """Field → the marked parts of its text, in order."""
    found = {}
    for (mark_side, block, path), segments in row.marks:
        parts = [segment.text for segment in segments if mark in segment.marks]
        if mark_side == side and parts:
            found[(block, path)] = parts
    return found


def rows(doc):
    return {row.id: row for row in doc.rows}


def test_rows_with_one_side_get_structural_remarks():
    annotated = rows(annotate.annotate(document()))
    assert annotated["basics-new"].remarks == ("新設",)
    assert annotated["basics-quake"].remarks == ("・項目削除",)  # the author's remark wins


def test_marks_modes():
    both = rows(annotate.annotate(document(), "both"))["basics-history"]
    assert marked(both, "current") == {(0, ("text",)): ["いた"]} and not marked(both, "draft")
    draft_only = rows(annotate.annotate(document(), "draft"))["goal-measures"]
    assert marked(draft_only, "draft") and not marked(draft_only, "current")
    none = rows(annotate.annotate(document(), "none"))["goal-measures"]
    assert none.marks == ()


def test_texts_stay_plain():
    """Marks travel beside the text: the model's values are the sources' own strings."""
    plain, annotated = document(), annotate.annotate(document())
    for before, after in zip(plain.rows, annotated.rows):
        assert [text.value for _, text in texts.side_texts(before.draft)] == \
               [text.value for _, text in texts.side_texts(after.draft)]
        assert all(type(text.value) is str for _, text in texts.side_texts(after.draft))


def test_kpi_cells_are_compared_cell_by_cell_and_columns_by_year():
    kpi_row = rows(annotate.annotate(document()))["goal-heading"]
    draft = marked(kpi_row, "draft")
    # Same baseline (2,325) on both sides: unmarked. R1 is H31's year: 2,541 = 2,541, unmarked.
    assert (2, ("items", 0, "base")) not in draft and (2, ("items", 0, "targets", 0)) not in draft
    # R5 has no column in the text in force: new as a whole, heading and figure.
    assert draft[(2, ("items", 0, "targets", 1))] == ["2,692"]
    assert draft[(2, ("target_years", 1))] == ["R5"]
    assert marked(kpi_row, "current")[(2, ("base_label",))] == ["現状"]


def test_collapse_unchanged_rows():
    source = document()
    title_row = source.chapters[0].rows[0]
    equal_row = model.Row("same", (model.Paragraph("同じ文。", title_row.at),), (model.Paragraph("同じ文。", title_row.at),),
                          (), False, title_row.at)
    chapter = dataclasses.replace(source.chapters[0], rows=(title_row, equal_row))
    collapsed = annotate.annotate(dataclasses.replace(source, chapters=(chapter,)), collapse_unchanged=True)
    kept_heading, omitted = collapsed.chapters[0].rows
    assert kept_heading.draft == title_row.draft  # headings stay, even when equal
    assert [block.text for block in omitted.draft + omitted.current] == ["（略）", "（略）"]


def test_since_and_underline_marks_stand_together():
    """見え消し against an earlier draft and 傍線 against the text in force on one text."""
    plain = document()
    row = rows(plain)["basics-history"]
    earlier_row = dataclasses.replace(row, draft=(model.Paragraph("本市においても、総合戦略を策定しました。", row.at),))
    earlier = dataclasses.replace(plain, chapters=tuple(
        dataclasses.replace(chapter, rows=tuple(earlier_row if r.id == row.id else r for r in chapter.rows))
        for chapter in plain.chapters))
    annotated = rows(annotate.annotate(plain, earlier=earlier))["basics-history"]
    assert marked(annotated, "draft", model.INSERTED) == {(0, ("text",)): ["平成 28（2016）年 3 月に"]}
    assert marked(annotated, "current") == {(0, ("text",)): ["いた"]}


def test_office_conventions():
    """labels_in: column writes （新設）/（削除） in the empty column instead of 備考;
    whole_new_rows underlines a one-sided row whole; the note is the office's."""
    conventions = model.MarkConventions(note="（下線部分は改正部分）", whole_new_rows=True, labels_in="column")
    annotated = rows(annotate.annotate(dataclasses.replace(document(), marks=conventions)))
    new_row = annotated["basics-new"]
    assert new_row.remarks == () and new_row.empty_side_label == "（新設）"
    assert marked(new_row, "draft") == {(0, ("text",)): [new_row.draft[0].text]}
    assert marked(annotated["basics-quake"], "current")  # the text in force's deleted row, whole
    default = rows(annotate.annotate(document()))["basics-new"]
    assert default.remarks == ("新設",) and default.empty_side_label == "" and not default.marks
