"""Stage 2: sources checked against the schema into the typed model."""

from pathlib import Path

import pytest

from strategy_pdf import mistakes, model, parse, schema
from strategy_pdf.errors import SourceError

from .conftest import FIXTURES, fixture_project

BAD = sorted(path.name for path in (FIXTURES / "bad").iterdir() if (path / "source").is_dir())


def test_minimal_fixture_becomes_the_typed_document():
    document = parse.load_document(fixture_project("good", "minimal").source)
    assert document.title == "試験市総合戦略" and document.is_draft is True
    assert [chapter.slug for chapter in document.chapters] == ["basics", "goal"]
    heading, kpi = document.chapters[1].rows[0].draft[0], document.chapters[1].rows[0].draft[2]
    assert heading == model.Heading(2, "基本目標１", heading.at)
    assert isinstance(kpi, model.Kpi)
    assert kpi.label == "[数値目標]" and kpi.base_label == "基準値" and kpi.target_years == ("R1", "R5")
    item = kpi.items[0]
    assert (item.name, item.unit, item.base, item.base_year, item.targets) == (
        "市内総生産額", "十億円", "2,325", "H24", ("2,541", "2,692"))


def test_plain_text_side_is_one_paragraph():
    document = parse.load_document(fixture_project("good", "minimal").source)
    row = document.chapters[0].rows[1]
    assert [type(block) for block in row.draft] == [model.Paragraph]
    assert row.draft[0].text.endswith("策定しました。")
    assert row.draft[0].at.line == 11


def test_optional_kpi_fields():
    document = parse.load_document(fixture_project("good", "minimal").source)
    item = document.chapters[1].rows[2].draft[0].items[0]
    assert item.repeat and item.notes == ("熊本市統計による数値",)
    assert item.base == "7,000 以上" and item.target_years == ("H30", "R4")


def test_model_is_frozen():
    document = parse.load_document(fixture_project("good", "minimal").source)
    with pytest.raises(AttributeError):
        document.title = "x"


@pytest.mark.parametrize("name", BAD)
def test_bad_fixture_reports_every_problem_with_file_and_line(name):
    with pytest.raises(SourceError) as caught:
        parse.load_document(fixture_project("bad", name).source)
    expected = (FIXTURES / "bad" / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert str(caught.value).splitlines() == expected


def test_every_problem_names_a_source_file_and_line():
    with pytest.raises(SourceError) as caught:
        parse.load_document(fixture_project("bad", "structure").source)
    for problem in caught.value.problems:
        assert problem.location.file.startswith("tests/fixtures/bad/structure/source/")
        assert problem.location.line >= 1


def test_missing_document_file(tmp_path: Path):
    with pytest.raises(SourceError) as caught:
        parse.load_document(tmp_path)
    assert "cannot read the file" in str(caught.value)


def test_the_three_common_mistakes_say_what_to_write():
    """Mis-indented current:, a colon in a paragraph, a typo'd key: messages a planning officer can act on."""
    with pytest.raises(SourceError) as caught:
        parse.load_document(fixture_project("bad", "common-mistakes").source)
    by_file = {}
    for problem in caught.value.problems:
        by_file.setdefault(problem.location.file.rsplit("/", 1)[1], []).append(problem)
    (indent,) = by_file["indent.yaml"]
    assert (indent.location.line, indent.location.column) == (6, 7)
    assert "'current:' is indented 6 spaces; line it up with 'draft:' on line 4 (4 spaces)" in indent.message
    assert indent.excerpt.splitlines() == ["    6 |       current:", "      |       ^"]
    (colon,) = by_file["colon.yaml"]
    assert "half-width colon" in colon.message and colon.message.endswith(
        '- "目標: 2025 年までに本市への移住者を増やします。"')
    (item,) = by_file["colon-in-item.yaml"]
    assert "half-width colon" in item.message and item.message.endswith(
        '- li: "目標: 2025 年までに本市への移住者を増やします。"')
    typos = {problem.path: problem.message for problem in by_file["typo.yaml"]}
    # The row by its id, the block counted from 1; a block with a text is a label, not a table.
    assert typos == {"rows[g1-m1-kpi].draft[#1].lable": "unknown block kind; did you mean 'label'?",
                     "rows[g1-m1-kpi].curent": "unknown key; did you mean 'current'?"}


def test_key_paths_name_rows_by_id_and_indicators_by_name():
    with pytest.raises(SourceError) as caught:
        parse.load_document(fixture_project("bad", "structure").source)
    paths = [problem.path for problem in caught.value.problems]
    assert "rows[same-id].draft[#1].kpi.items[市内総生産額].targets" in paths
    assert "rows[empty-row]" in paths and "chapters[#3]" in paths


@pytest.mark.parametrize("typo, valid, meant", [
    ("lable", ("label", "lead", "li", "note", "p", "h1"), "label"),   # two letters swapped: one edit
    ("titel", schema.keys("document")[0], "title"),
    ("target_year", schema.keys("kpi")[0], "target_years"),
    ("pp", schema.BLOCK_KINDS, "p"),
    ("caption", schema.keys("row")[0], None),                            # nothing near: no guess
])
def test_a_typo_is_guessed_among_the_words_valid_there(typo, valid, meant):
    assert mistakes.guess(typo, valid) == meant
