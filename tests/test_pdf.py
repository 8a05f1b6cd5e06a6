"""Stage 4 and the whole build: PDFs checked by structure, never by bytes."""

import shutil
from pathlib import Path

import pytest

from strategy_pdf import engine
from strategy_pdf.build import Options, Project, build, whole_html
from strategy_pdf.errors import RenderError, SourceError

from .conftest import ROOT, fixture_project
from .pdf_reading import A4_LANDSCAPE, column_text, font_names, read_pages, vendored_font_names


@pytest.fixture(scope="module")
def minimal_pdf(tmp_path_factory) -> Path:
    return build(fixture_project("good", "minimal"), tmp_path_factory.mktemp("pdf") / "minimal.pdf")


def test_pages_are_a4_landscape(minimal_pdf):
    pages = read_pages(minimal_pdf)
    assert len(pages) >= 2
    for page in pages:
        assert page.size == pytest.approx(A4_LANDSCAPE, abs=0.5)


def test_every_page_has_header_row_running_title_and_number(minimal_pdf):
    for number, page in enumerate(read_pages(minimal_pdf), start=1):
        lines = page.text.splitlines()
        assert "試験市総合戦略 新旧対照表" in page.text
        assert any(line.split() == ["第２期（案）", "現行", "備考"] for line in lines), lines[:3]
        assert f"－ {number} －" in lines[-1]


def test_text_is_printed_literally(minimal_pdf):
    pages = read_pages(minimal_pdf)
    draft = "".join(column_text(page, "draft") for page in pages)
    assert "<script>alert(1)</script>&<b>太字ではない</b>" in draft
    assert "・（再掲）出生数〔人〕" in draft and "※熊本市統計による数値" in draft and "7,000" in draft
    assert "・項目削除" in "".join(column_text(page, "remarks") for page in pages)


def test_only_vendored_fonts_are_embedded(minimal_pdf):
    used = font_names(minimal_pdf)
    assert used, "no fonts found"
    assert used <= vendored_font_names(ROOT / "fonts"), used


def test_failed_build_keeps_the_previous_pdf(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(fixture_project("good", "minimal").source, source)
    target = tmp_path / "out" / "out.pdf"
    build(Project(ROOT, source), target, options=Options(parts=1))
    before = target.read_bytes()
    with pytest.raises(SourceError):
        build(fixture_project("bad", "structure"), target)
    (source / "figures" / "system.svg").write_text("<svg this is not", encoding="utf-8")
    with pytest.raises(RenderError):
        build(Project(ROOT, source), target, options=Options(parts=1))
    assert target.read_bytes() == before
    assert sorted(path.name for path in target.parent.iterdir()) == ["out.pdf"]


@pytest.mark.parametrize("url", ["http://example.invalid/x.png", "file:///etc/passwd", "styles/../../outside.png"])
def test_renderer_fetches_nothing_outside_the_project(url):
    with pytest.raises(RenderError) as caught:
        engine.render_pdf(f'<meta charset="utf-8"><img src="{url}">', (ROOT,))
    assert "refused" in str(caught.value) or "outside" in str(caught.value)


def test_html_output_is_the_html_the_pdf_is_made_from(tmp_path):
    project = fixture_project("good", "minimal")
    options = Options(marks="draft")
    target = build(project, tmp_path / "out.html", "html", options)
    assert target.read_text(encoding="utf-8") == whole_html(project, options)


def test_metadata_bookmarks_and_draft_mark(minimal_pdf):
    import pdfplumber

    with pdfplumber.open(str(minimal_pdf)) as document:
        assert document.metadata["Title"] == "試験市総合戦略"
        assert document.metadata["Author"] == "試験市"
        assert document.metadata["Subject"] == "新旧対照表"
    from pypdf import PdfReader

    outline = PdfReader(str(minimal_pdf)).outline
    assert [entry.title for entry in outline if not isinstance(entry, list)] == ["１ 基本的考え方", "参考　数値目標・KPI 一覧"]
    assert [entry.title for entry in outline[1]] == ["（１）策定の経緯", "基本目標１"]
    for page in read_pages(minimal_pdf):
        assert page.text.splitlines()[0].endswith("案")


def test_same_sources_give_byte_identical_pdfs(tmp_path, minimal_pdf):
    again = build(fixture_project("good", "minimal"), tmp_path / "again.pdf")
    assert again.read_bytes() == minimal_pdf.read_bytes()


def test_renders_are_weasyprints_own_byte_for_byte(tmp_path):
    """The renderer measures the margin boxes' widths once per distinct content instead of
    on every page: the PDF must be exactly what WeasyPrint alone writes."""
    project = fixture_project("good", "minimal")
    html = whole_html(project)
    ours = engine.render_pdf(html, (ROOT, project.source)).data
    import weasyprint

    theirs = weasyprint.HTML(string=html, base_url=ROOT.as_uri() + "/").write_pdf()
    assert ours == theirs
