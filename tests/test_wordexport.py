"""build --format docx: the comparison and the draft as Word documents, and back through import."""

import shutil

import docx
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_UNDERLINE
from docx.oxml.ns import qn

from strategy_pdf import model, parse
from strategy_pdf.texts import block_texts
from strategy_pdf.build import Options, Project, build
from strategy_pdf.cli import main
from strategy_pdf.wordimport import import_word

from .conftest import FIXTURES, ROOT, fixture_project, git

NO_STAMP = Options(stamp=False)


def shape(block):
    """What a reader sees of a block: its kind, texts and KPI figures (import names ids anew)."""
    if isinstance(block, model.Kpi):
        return ("kpi", block.label, block.base_label, block.base_year, block.target_years,
                tuple((i.name, i.unit, i.base, i.base_year, i.targets, i.target_years, i.repeat, i.notes)
                      for i in block.items))
    if isinstance(block, model.Figure):
        return ("figure", block.title)
    if isinstance(block, model.Heading):
        return (f"h{block.level}", block.text)
    return (type(block).__name__, *(text.value for text in block_texts(block)))


def rows_as_read(document):
    return [(tuple(map(shape, row.draft)), tuple(map(shape, row.current)), row.remarks) for row in document.rows]


@pytest.fixture(scope="module")
def real_docx(tmp_path_factory):
    return build(Project.at(ROOT), tmp_path_factory.mktemp("docx") / "comparison.docx", "docx", NO_STAMP)


def test_the_real_document_round_trips_through_word(real_docx, tmp_path):
    import_word(real_docx, tmp_path / "source")
    source, back = parse.load_document(ROOT / "source"), parse.load_document(tmp_path / "source")
    assert rows_as_read(back) == rows_as_read(source)
    assert [row.page_break for row in back.rows][1:] == [row.page_break for row in source.rows][1:]
    assert back.columns == source.columns and back.title == source.title and back.city == source.city
    assert back.chapters[0].is_contents and back.chapters[0].rows == tuple(back.rows[:len(source.chapters[0].rows)])


def test_the_comparison_is_a_landscape_table_whose_header_repeats(real_docx):
    word = docx.Document(str(real_docx))
    section = word.sections[0]
    assert section.page_width > section.page_height and round(section.page_width.mm) == 297
    tables = word.tables
    assert len(tables) == 1 + sum(row.page_break for row in parse.load_document(ROOT / "source").rows[1:])
    for table in tables:
        head = table.rows[0]
        assert [cell.text for cell in head.cells] == ["第２期（案）", "現行", "備考"]
        assert head._tr.trPr.find(qn("w:tblHeader")) is not None
    kpis = [nested for table in tables for row in table.rows for cell in row.cells for nested in cell.tables]
    assert len(kpis) >= 12
    assert [cell.text for cell in kpis[0].rows[0].cells] == ["[数値目標]", "基準値（H27）", "目標値（R1）", "目標値（R5）"]
    fonts = word.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:ascii")) == "BIZ UDMincho"
    assert word.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "BIZ UDGothic"
    assert word.core_properties.author == "熊本市"


def test_changed_wording_is_underlined_on_both_sides(tmp_path):
    path = build(fixture_project("good", "minimal"), tmp_path / "c.docx", "docx", NO_STAMP)
    word = docx.Document(str(path))
    history = next(row for table in word.tables for row in table.rows if "総合戦略を策定" in row.cells[0].text)
    underlined = [[run.text for paragraph in cell.paragraphs for run in paragraph.runs if run.underline]
                  for cell in history.cells[:2]]
    assert underlined == [[], ["いた"]]  # 策定しました → 策定いたしました
    assert "（傍線部分は改正部分）" in [paragraph.text for paragraph in word.paragraphs]
    unmarked = build(fixture_project("good", "minimal"), tmp_path / "n.docx", "docx", Options(stamp=False, marks="none"))
    assert not any(run.underline for table in docx.Document(str(unmarked)).tables for row in table.rows
                   for cell in row.cells for paragraph in cell.paragraphs for run in paragraph.runs)


def test_the_draft_layout_uses_word_heading_styles(tmp_path):
    path = build(Project.at(ROOT), tmp_path / "draft.docx", "docx", Options(layout="draft", stamp=False))
    word = docx.Document(str(path))
    assert word.sections[0].page_height > word.sections[0].page_width
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "１ 基本的考え方") in headings and ("Heading 2", "基本目標１") in headings
    source = parse.load_document(ROOT / "source")
    expected = [(f"Heading {b.level}", b.text) for chapter in source.chapters if not chapter.is_contents
                for row in chapter.rows for b in row.draft if isinstance(b, model.Heading)]
    assert headings == expected
    assert len(word.tables) == sum(isinstance(b, (model.Kpi, model.Table)) for row in source.rows for b in row.draft)
    # Word's contents field, its result the headings 1-3 until Word updates it with page numbers.
    assert word.element.body.xpath(".//w:instrText/text()") == [' TOC \\o "1-3" \\h \\z \\u ']
    assert word.settings.element.find(qn("w:updateFields")) is not None
    texts = [p.text for p in word.paragraphs]
    start = texts.index("目次") + 2
    assert texts[start:start + 3] == [text for style, text in expected if int(style[-1]) <= 3][:3]


def test_the_same_sources_give_the_same_bytes(real_docx, tmp_path):
    again = build(Project.at(ROOT), tmp_path / "again.docx", "docx", NO_STAMP)
    assert again.read_bytes() == real_docx.read_bytes()


def test_since_strikes_deleted_and_double_underlines_inserted_text(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "meeting 3")
    basics = source / "basics.yaml"
    text = basics.read_text(encoding="utf-8").replace("3 月に総合戦略を策定しました。", "3 月に第２期総合戦略を策定しました。")
    removed = "  - id: basics-new\n    draft:\n      - 新しい段落です。<script>alert(1)</script> & <b>太字ではない</b>\n"
    assert removed in text
    basics.write_text(text.replace(removed, ""), encoding="utf-8")
    path = build(Project(root=ROOT, source=source), tmp_path / "since.docx", "docx", Options(since="HEAD", stamp=False))
    word = docx.Document(str(path))
    runs = [run for table in word.tables for row in table.rows for paragraph in row.cells[0].paragraphs
            for run in paragraph.runs]
    assert [run.text for run in runs if run.underline == WD_UNDERLINE.DOUBLE] == ["第２期"]
    assert any(run.font.strike for run in runs) and "新しい段落です。" in [run.text for run in runs if run.font.strike][0]
    assert any("HEAD 以降の変更" in paragraph.text for paragraph in word.paragraphs)


def test_labels_in_the_empty_column_come_back_as_an_empty_side(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    document = source / "document.yaml"
    document.write_text(document.read_text(encoding="utf-8") + "marks: {labels_in: column}\n", encoding="utf-8")
    path = build(Project(root=ROOT, source=source), tmp_path / "c.docx", "docx", NO_STAMP)
    new = next(row for table in docx.Document(str(path)).tables for row in table.rows if "新しい段落です" in row.cells[0].text)
    assert new.cells[1].text == "（新設）"
    import_word(path, tmp_path / "back")
    back = rows_as_read(parse.load_document(tmp_path / "back"))
    # The fixture's | block ends with a line break; import trims a paragraph's edges, as Word users leave them.
    expected = repr(rows_as_read(parse.load_document(source))).replace("含む段落。\\n'", "含む段落。'")
    assert repr(back) == expected


def test_the_review_layout_has_no_word_form(tmp_path):
    result = CliRunner().invoke(main, ["build", "--format", "docx", "--layout", "review", "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 1 and "the review layout is a PDF only" in result.output
    assert not (tmp_path / "r.docx").exists()
