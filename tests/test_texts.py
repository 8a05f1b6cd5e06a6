"""The one traversal of a document's texts: every field, with its place and source line."""

import dataclasses

from strategy_pdf import model, parse, texts

from .conftest import ROOT, fixture_project


def minimal():
    return parse.load_document(fixture_project("good", "minimal").source)


def by_row(document, row_id, side="draft"):
    return [place.text for place in texts.document_texts(document) if place.row.id == row_id and place.side == side]


def test_every_kpi_field_is_a_text_with_its_own_line():
    found = {text.path: text for text in by_row(minimal(), "goal-heading")}
    assert found[("items", 0, "unit")].value == "十億円"
    assert found[("items", 0, "targets", 1)].value == "2,692"
    assert found[("items", 0, "targets", 1)].label == "市内総生産額 › 目標値（R5）"
    assert found[("target_years", 1)].value == "R5"
    # The scalar's own place, not the item's first line.
    assert (found[("items", 0, "targets", 1)].at.line, found[("items", 0, "targets", 1)].at.column) == (17, 34)
    assert found[("items", 0, "base_year")].at.line == 16


def test_table_figure_and_diagram_fields_are_texts():
    members = {text.path: text.value for text in by_row(minimal(), "reference-members")}
    assert members[("caption",)] == "委員名簿" and members[("head", 1)] == "所属団体等"
    assert members[("rows", 1, 1)] == "試験市\n商工会議所"
    diagram = {text.path: text for text in by_row(minimal(), "goal-diagram")}
    assert diagram[("diagram", "stages", 2, "boxes", 0, "boxes", 1, "text")].value == "②受入体制整備"
    assert diagram[("diagram", "band", "title")].value == "復興への取組み"
    assert diagram[("diagram", "stages", 0, "boxes", 1, "text")].at.line == 69
    image = {text.path: text.value for text in by_row(minimal(), "goal-diagram", "current")}
    assert image[("image",)] == "figures/system.svg"


def test_traversal_reaches_every_string_field_of_the_model():
    """A string field added to a block type must be listed in the traversal: fill every
    string of every block of the real document with a marker and find each one again."""
    document = parse.load_document(ROOT / "source")
    for row in document.rows:
        for block in row.draft + row.current:
            expected = sorted(_strings(block))
            walked = sorted(text.value for text in texts.block_texts(block)
                            if text.kind != texts.FLAG and text.value)
            assert expected == walked, (row.id, type(block).__name__)


def _strings(value) -> list[str]:
    """Every non-empty string inside a model value (flags and locations aside)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, tuple):
        return [s for item in value for s in _strings(item)]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) if f.name not in ("at", "locations", "level")
                for s in _strings(getattr(value, f.name))]
    return []


def test_block_kinds_are_the_source_keys():
    kinds = {texts.block_kind(block) for row in minimal().rows for block in row.draft + row.current}
    assert {"h1", "h3", "p", "kpi", "table", "figure", "label", "li", "note", "lead", "h2", "h4"} <= kinds
    assert isinstance(minimal().rows[0].draft[0], model.Heading)
