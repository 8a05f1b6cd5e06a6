"""import: Word documents made here with python-docx, read into sources that validate and build."""

import zipfile

import docx

import pytest
from click.testing import CliRunner

from strategy_pdf import model, parse, texts
from strategy_pdf.build import Options, Project, build
from strategy_pdf.cli import main
from strategy_pdf.wordimport import OLE_MAGIC, WordImportError, import_word

from . import word_documents
from .conftest import ROOT


def side_texts(blocks):
    """A side as a reader compares it: each text with its block kind and field."""
    return [(texts.block_kind(blocks[i]), t.path, t.value) for i, t in texts.side_texts(blocks)]


def kinds(blocks):
    return [type(block).__name__ if not isinstance(block, model.Heading) else f"h{block.level}" for block in blocks]


def test_comparison_continued_over_tables_gives_one_row_per_table_row(tmp_path):
    imported = import_word(word_documents.comparison(tmp_path / "taisho.docx"), tmp_path / "source")
    document = parse.load_document(tmp_path / "source")
    assert imported.kind == "comparison"
    assert (document.title, document.subtitle, document.city) == ("試験市まち・ひと・しごと創生総合戦略", "新旧対照表", "試験市")
    assert document.columns == model.Columns("改正案", "現行", "備考")
    rows = document.rows
    assert len(rows) == 8  # 4 + 3 + 1 table rows; the repeated header and the 傍線 note are not rows
    assert [row.draft[0].text if row.draft and hasattr(row.draft[0], "text") else None for row in rows[:3]] == \
        ["１ 基本的考え方", "（１）策定の経緯", "本市においても第２期総合戦略を策定しました。"]
    assert rows[2].current[0].text == "本市においても総合戦略を策定しました。"
    deleted = rows[3]
    assert not deleted.draft and deleted.current[0].text == "３ 熊本地震に伴う改訂について"
    assert deleted.remarks == ("・項目削除",)
    assert rows[4].page_break and not any(row.page_break for row in rows[:4] + rows[5:])
    assert kinds(rows[5].draft) == ["h2", "Lead"]
    kpi, old = rows[6].draft[0], rows[6].current[0]
    assert isinstance(kpi, model.Kpi) and (kpi.label, kpi.base_year, kpi.target_years) == ("[数値目標]", "H27", ("R1", "R5"))
    assert kpi.items[0] == model.KpiItem(name="市内総生産額", unit="十億円", base="2,325", targets=("2,541", "2,692"),
                                         base_year="H24")
    assert (old.base_label, old.target_years, old.items[0].targets) == ("現状値", ("H31",), ("2,541",))
    last = rows[7]
    assert kinds(last.draft) == ["Item"] and last.draft[0].text == "創業支援を行います。"
    assert last.remarks == ("・文言修正",)
    # The deleted part (its h1 on the current side only) is a part of its own, as in the real document.
    assert [chapter.slug for chapter in document.chapters] == ["part-1", "part-3", "part-2"]
    assert len({row.id for row in rows}) == len(rows)
    text = (tmp_path / "source" / "part-2.yaml").read_text(encoding="utf-8")
    assert "target_years: [R1, R5]" in text and "targets: ['2,541', '2,692']" in text
    assert build(Project(root=ROOT, source=tmp_path / "source"), tmp_path / "c.pdf", options=Options(stamp=False)).stat().st_size


@pytest.mark.parametrize("header, draft, current", [
    (("改正後", "改正前"), 0, 1),
    (("新", "旧", "備考"), 0, 1),
    (("現行", "第２期（案）", "備考"), 1, 0),
])
def test_comparison_headers_of_every_office(tmp_path, header, draft, current):
    import_word(word_documents.comparison(tmp_path / "t.docx", header, draft, current), tmp_path / "source")
    document = parse.load_document(tmp_path / "source")
    row = document.rows[2]
    assert row.draft[0].text == "本市においても第２期総合戦略を策定しました。"
    assert row.current[0].text == "本市においても総合戦略を策定しました。"
    assert (document.columns.draft, document.columns.current) == (header[draft], header[current])


def test_strategy_document_with_heading_styles(tmp_path):
    imported = import_word(word_documents.strategy_with_heading_styles(tmp_path / "plan.docx"), tmp_path / "source")
    document = parse.load_document(tmp_path / "source")
    assert imported.kind == "strategy" and document.title == "試験市総合戦略"
    drafts = [row.draft[0] for row in document.rows]
    assert kinds(drafts) == ["h1", "h3", "Paragraph", "Item", "h1", "h2", "Figure"]
    # Headings come from the styles, so a paragraph that starts like one stays a paragraph.
    assert drafts[2].text.startswith("（１）で始まるが")
    assert all(side_texts(row.draft) == side_texts(row.current) and kinds(row.draft) == kinds(row.current)
               for row in document.rows)
    figure = drafts[6]
    assert figure.title == "推進体制イメージ図" and figure.image == "figures/figure-1.png"
    assert (tmp_path / "source" / "figures" / "figure-1.png").read_bytes() == word_documents.PNG
    assert [chapter.title for chapter in document.chapters] == ["基本的考え方", "基本戦略"]  # the Title is the title


def test_strategy_document_with_numbering_only(tmp_path):
    imported = import_word(word_documents.strategy_with_numbering(tmp_path / "plan.docx"), tmp_path / "source")
    document = parse.load_document(tmp_path / "source")
    assert build(Project(root=ROOT, source=tmp_path / "source"), tmp_path / "d.pdf",
                 options=Options(layout="draft", stamp=False)).stat().st_size
    blocks = [row.draft[0] for row in document.rows]
    assert kinds(blocks) == ["Paragraph", "h1", "h3", "Paragraph", "h1", "h2", "Lead", "Label", "Kpi",
                             "Label", "h3", "h4", "Item", "Note", "h2", "Label", "h1", "Table", "Table"]
    kpi = blocks[8]
    assert (kpi.label, kpi.base_label, kpi.base_year, kpi.target_years) == ("[数値目標]", "基準値", "H27", ("R1", "R5"))
    first, second = kpi.items
    assert (first.name, first.unit, first.repeat, first.base, first.base_year, first.targets) == \
        ("市内総生産額", "十億円", True, "2,325", "H24", ("2,541", "2,692"))
    assert (second.name, second.base, second.targets, second.notes) == ("年転入超過数", "－37", ("400", "〇〇"), ("住民基本台帳による",))
    assert blocks[13].text == "現状値は平成 27 年度の数値"
    assert blocks[17].rows == (("氏名", "所属"), ("山田 太郎", "熊本大学"), ("鈴木 花子", "商工会議所"))
    ids = [row.id for row in document.rows]
    assert ids[:3] == ["front", "part-1", "part-1-s1"]
    assert "part-2-g1" in ids and "part-2-g1-s1-m1" in ids and "part-2-p1" in ids and "reference" in ids
    # The table that has a year and 目標値 but is no KPI table is kept, and said so.
    assert [item.where for item in imported.unclear] == ["table 3"]
    report = imported.report(tmp_path / "source")
    assert "read: 16 paragraphs, 3 tables" in report and "19 rows" in report
    assert "table 3: a table that looks like a KPI table" in report


def test_the_same_document_gives_the_same_sources(tmp_path):
    word = word_documents.strategy_with_numbering(tmp_path / "plan.docx")
    import_word(word, tmp_path / "a")
    import_word(word, tmp_path / "b")
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def _encrypted(path):
    # An encrypted .docx is an OLE compound file holding an EncryptedPackage stream.
    path.write_bytes(OLE_MAGIC + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100)
    return path


def _corrupt(path):
    """A .docx whose main part was cut short, as a broken download or disk leaves it."""
    word = word_documents.comparison(path.with_name("whole.docx"))
    with zipfile.ZipFile(word) as whole, zipfile.ZipFile(path, "w") as cut:
        for name in whole.namelist():
            data = whole.read(name)
            cut.writestr(name, data[: len(data) // 2] if name == "word/document.xml" else data)
    word.unlink()
    return path


def _spreadsheet(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("これはテキストです") or p, "not a Word document (.docx)"),
    (lambda p: p.write_bytes(OLE_MAGIC + b"\0" * 500) or p, "an old binary Word file (.doc)"),
    (_encrypted, "password-protected"),
    (_corrupt, "corrupt"),
    (_spreadsheet, "without word/document.xml"),
    (word_documents.empty, "the document is empty"),
    (word_documents.unrecognisable, "no recognisable heading or table"),
])
def test_bad_input_is_one_message_and_nothing_written(tmp_path, make, message):
    word = tmp_path / "in.docx"
    make(word)
    result = CliRunner().invoke(main, ["import", str(word), "--into", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert message in result.output and str(word) in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.docx"]  # no out/, no staging directory left


def test_import_refuses_a_directory_that_is_not_empty(tmp_path):
    word = word_documents.comparison(tmp_path / "t.docx")
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "keep.yaml").write_text("title: x\n")
    with pytest.raises(WordImportError, match="not an empty directory"):
        import_word(word, tmp_path / "source")
    assert [p.name for p in (tmp_path / "source").iterdir()] == ["keep.yaml"]


def test_import_into_an_empty_directory_from_the_command_line(tmp_path):
    word = word_documents.comparison(tmp_path / "t.docx")
    (tmp_path / "source").mkdir()
    result = CliRunner().invoke(main, ["import", str(word), "--into", str(tmp_path / "source")])
    assert result.exit_code == 0, result.output
    assert "imported a comparison table" in result.output and "8 rows" in result.output
    result = CliRunner().invoke(main, ["validate", "--source", str(tmp_path / "source")])
    assert result.exit_code == 0 and "8 rows" in result.output


def test_a_document_of_one_kpi_table_is_named_after_its_file(tmp_path):
    word = docx.Document()
    word_documents._kpi(word, "KPI", "基準値（H30）", ("R6",), [("・企業立地件数〔件〕", "12", ["20"])])
    word.save(tmp_path / "指標.docx")
    import_word(tmp_path / "指標.docx", tmp_path / "source")
    document = parse.load_document(tmp_path / "source")
    assert document.title == "指標"
    (kpi,), = [row.draft for row in document.rows]
    assert (kpi.label, kpi.base_year, kpi.target_years, kpi.items[0].name, kpi.items[0].targets) == \
        ("KPI", "H30", ("R6",), "企業立地件数", ("20",))
