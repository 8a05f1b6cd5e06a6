"""The web edition as files: what it writes, that it is self-contained, and how it is replaced.
The same site in a real browser: test_site_browser.py."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
import pytest
from click.testing import CliRunner

from strategy_pdf import kpis, model, parse, site
from strategy_pdf.build import Options, build
from strategy_pdf.cli import main

from .conftest import FIXTURES, ROOT, fixture_project
from .test_revisions import revised  # noqa: F401 (a fixture)


def stand_in_pdfs(folder: Path) -> tuple[Path, ...]:
    """Small real PDFs named as make pdf names them: the site copies PDFs, it never reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, pages in (("comparison", 2), ("draft", 1)):
        pdf = pikepdf.new()
        for _ in range(pages):
            pdf.add_blank_page()
        pdf.save(folder / f"{name}.pdf", deterministic_id=True)
        paths.append(folder / f"{name}.pdf")
    return tuple(paths)


def build_site(project, target: Path, options: Options = Options()) -> Path:
    return build(project, target, "site", options, pdfs=stand_in_pdfs(target.parent / "pdfs"))


class _Page(HTMLParser):
    """What the tests read from a page: its references, ids, headings and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str]] = []   # (tag, url)
        self.ids: set[str] = set()
        self.headings: list[tuple[int, str]] = []
        self.tags: list[str] = []
        self.lang = ""
        self._heading: list | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if name in attributes:
                self.references.append((tag, attributes[name]))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = [int(tag[1]), ""]

    def handle_endtag(self, tag):
        if self._heading is not None and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], self._heading[1]))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory) -> Path:
    return build_site(fixture_project("good", "minimal"), tmp_path_factory.mktemp("minimal") / "site")


def test_marks_are_markup_a_screen_reader_announces():
    assert site.marked_html(model.Segment("策定<しました>", frozenset({model.CHANGED}))) == (
        '<u class="changed"><span class="visually-hidden">［改正部分］</span>策定&lt;しました&gt;'
        '<span class="visually-hidden">［改正部分ここまで］</span></u>')
    # 見え消し outside, the 傍線 it keeps inside; line breaks kept.
    assert site.marked_html(model.Segment("一\n二", frozenset({model.INSERTED, model.CHANGED}))) == (
        '<ins class="inserted"><span class="visually-hidden">［追加部分］</span>'
        '<u class="changed"><span class="visually-hidden">［改正部分］</span>一<br>二'
        '<span class="visually-hidden">［改正部分ここまで］</span></u>'
        '<span class="visually-hidden">［追加部分ここまで］</span></ins>')


def test_the_site_marker_marks_a_field_with_the_rows_segments_and_leaves_others_plain():
    at = model.Paragraph("", None).at
    row = model.Row("r", (model.Paragraph("総合戦略を策定しました。", at),), (), (), False, at,
                    marks=((("draft", 0, ("text",)), (model.Segment("総合戦略を"),
                                                      model.Segment("策定しました", frozenset({model.CHANGED})),
                                                      model.Segment("。"))),))
    marker = site.SiteMarker(row, "draft", 0)
    assert marker("総合戦略を策定しました。", "text") == (
        '総合戦略を<u class="changed"><span class="visually-hidden">［改正部分］</span>策定しました'
        '<span class="visually-hidden">［改正部分ここまで］</span></u>。')
    assert site.SiteMarker(row, "current", 0)("改行を\n含む & 段落", "text") == "改行を<br>含む &amp; 段落"


def test_sizes_and_labels_of_the_pdfs():
    assert [site.file_size(size) for size in (300, 12_345, 999_999, 1_234_567, 25_000_000)] == [
        "1KB", "12KB", "1.0MB", "1.2MB", "25.0MB"]
    document = model.Document("題", "新旧対照表", "市", True, model.Columns("第２期（案）", "現行", "備考"), ())
    assert [site.pdf_label(document, Path(name)) for name in ("build/comparison.pdf", "draft.pdf", "since-3.pdf")] == [
        "新旧対照表", "第２期（案）", "since-3.pdf"]


def test_the_site_has_its_pages_fonts_styles_images_and_pdfs(minimal_site):
    files = sorted(str(path.relative_to(minimal_site)) for path in minimal_site.rglob("*") if path.is_file())
    assert files == sorted([
        "index.html", "draft.html", "comparison.html", "site.css", "comparison.pdf", "draft.pdf",
        "figures/system.svg", *(f"fonts/{name}" for name in site.FONT_FILES)])
    assert (minimal_site / "fonts" / "BIZUDMincho-Regular.ttf").read_bytes() == (ROOT / "fonts" / "BIZUDMincho-Regular.ttf").read_bytes()
    index = (minimal_site / "index.html").read_text(encoding="utf-8")
    assert '<a href="comparison.pdf" type="application/pdf">新旧対照表（PDF形式、1KB）</a>' in index
    assert '<a href="draft.pdf" type="application/pdf">第２期（案）（PDF形式、1KB）</a>' in index


def test_every_reference_is_a_file_in_the_site_and_there_is_no_script(minimal_site):
    for path in minimal_site.glob("*.html"):
        page = read_page(path)
        assert page.lang == "ja"
        assert "script" not in page.tags and "iframe" not in page.tags
        assert page.references
        for tag, url in page.references:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{path.name}: {tag} refers outside the site: {url}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_relative_to(minimal_site.resolve()) and target.is_file(), f"{path.name}: {url}"
            if parts.fragment:
                assert parts.fragment in read_page(target).ids, f"{path.name}: {url} names no element"
    stylesheet = (minimal_site / "site.css").read_text(encoding="utf-8")
    assert "http" not in stylesheet and "@import" not in stylesheet


def test_page_titles_say_where_one_is(minimal_site):
    titles = {path.name: path.read_text(encoding="utf-8").split("<title>")[1].split("</title>")[0]
              for path in minimal_site.glob("*.html")}
    assert titles == {"index.html": "試験市総合戦略（案）｜試験市",
                      "draft.html": "第２期（案）｜試験市総合戦略",
                      "comparison.html": "新旧対照表｜試験市総合戦略"}


def test_the_draft_has_its_headings_in_order_below_the_page_title_without_gaps(minimal_site):
    page = read_page(minimal_site / "draft.html")
    assert page.headings == [(1, "第２期（案）"), (2, "目次"), (2, "１ 基本的考え方"), (3, "（１）策定の経緯"),
                             (3, "基本目標１"), (4, "①地域産業の競争力強化を図ります。"), (2, "数値目標・KPI 一覧")]


def test_heading_levels_close_up_where_the_print_skips_one():
    assert site.outline_levels([1, 3, 3, 4, 2, 4, 1, 2, 3]) == [2, 3, 3, 4, 3, 4, 2, 3, 4]
    assert site.outline_levels([2, 4, 1]) == [2, 3, 2]


def test_the_draft_shows_blocks_as_lists_tables_and_structured_figures(minimal_site):
    html = (minimal_site / "draft.html").read_text(encoding="utf-8").replace("\n", "")
    assert '<ul class="items"><li>創業支援を行います。</li></ul>' in html
    assert '<ul class="notes"><li>現状値は平成 27 年度の数値</li></ul>' in html
    assert ('<thead><tr><th scope="col" class="indicator">指標〔単位〕</th><th scope="col">基準値（H27）</th>'
            '<th scope="col">目標値（R1）</th><th scope="col">目標値（R5）</th></tr></thead>') in html
    assert '<caption>[数値目標]</caption>' in html and '<th scope="row" class="indicator">市内総生産額〔十億円〕' in html
    assert '<tr><th scope="col">氏名</th><th scope="col">所属団体等</th></tr>' in html
    assert '<li class="box emphasis"><strong>交流拠点都市の実現</strong></li>' in html
    assert '<li class="box group">（１）観光客誘致<ul class="boxes"><li class="box">①外国人観光客の誘致</li>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<u " not in html, "the draft reads as adopted: no change marks"


def test_the_comparison_is_a_table_a_row_per_source_row_with_its_marks(minimal_site):
    html = (minimal_site / "comparison.html").read_text(encoding="utf-8")
    rows = [row.id for row in parse.load_document(fixture_project("good", "minimal").source).rows]
    assert [part.split('"')[0] for part in html.split('<tr id="row-')[1:]] == rows
    assert html.count('<caption>') >= 2 and '<th scope="col" class="remarks">備考</th>' in html
    assert ('<td class="current" data-label="現行"><p class="paragraph">本市においても、平成 28（2016）年 3 月に総合戦略を'
            '策定<u class="changed"><span class="visually-hidden">［改正部分］</span>いた'
            '<span class="visually-hidden">［改正部分ここまで］</span></u>しました。</p>') in html.replace("\n", "")
    assert '<td class="remarks" data-label="備考"><p>・項目削除</p></td>' in html
    # The current text's image, with its alternative text from the source.
    assert '<img src="figures/system.svg" alt="市、市民、企業、大学が連携して戦略を推進する体制を示す図">' in html


def test_the_same_sources_give_the_same_site(minimal_site, tmp_path):
    again = build_site(fixture_project("good", "minimal"), tmp_path / "site")
    for path in minimal_site.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(minimal_site)).read_bytes() == path.read_bytes(), path.name


def test_a_failed_build_leaves_the_previous_site(tmp_path, monkeypatch):
    target = build_site(fixture_project("good", "minimal"), tmp_path / "site")
    before = {path: path.read_bytes() for path in target.rglob("*") if path.is_file()}

    copy = shutil.copyfile

    def failing_copy(source, destination):
        if Path(destination).suffix == ".ttf":
            raise OSError("disk full")
        return copy(source, destination)

    monkeypatch.setattr(site.shutil, "copyfile", failing_copy)
    with pytest.raises(OSError, match="disk full"):
        build_site(fixture_project("good", "minimal"), target)
    assert {path: path.read_bytes() for path in target.rglob("*") if path.is_file()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pdfs", "site"], "no temporary folder left"


def test_a_second_build_replaces_the_site_whole(tmp_path):
    target = build_site(fixture_project("good", "minimal"), tmp_path / "site")
    (target / "stale.html").write_text("left from before", encoding="utf-8")
    build_site(fixture_project("good", "minimal"), target)
    assert not (target / "stale.html").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pdfs", "site"]


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path):
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "comparison.pdf").write_bytes(b"%PDF-1.7 precious")
    with pytest.raises(site.SiteError, match="is not a site written by strategy-pdf"):
        build_site(fixture_project("good", "minimal"), tmp_path / "build")
    assert (tmp_path / "build" / "comparison.pdf").read_bytes() == b"%PDF-1.7 precious"


def test_missing_pdfs_are_a_clear_error_without_traceback(tmp_path):
    result = CliRunner().invoke(main, ["build", "--source", str(FIXTURES / "good" / "minimal" / "source"),
                                       "--format", "site", "-o", str(tmp_path / "site"),
                                       "--pdf", str(tmp_path / "comparison.pdf")])
    assert result.exit_code == 1
    assert f"the site links these PDFs, which do not exist: {tmp_path / 'comparison.pdf'}" in result.output
    assert "make site" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_what_is_not_a_pdf_or_would_overwrite_another_is_refused(tmp_path):
    pdfs = stand_in_pdfs(tmp_path / "pdfs")
    (tmp_path / "notes.pdf").write_text("not a PDF", encoding="utf-8")
    project = fixture_project("good", "minimal")
    with pytest.raises(site.SiteError, match=f"not a PDF: {tmp_path / 'notes.pdf'}"):
        build(project, tmp_path / "site", "site", pdfs=(*pdfs, tmp_path / "notes.pdf"))
    (tmp_path / "other").mkdir()
    shutil.copyfile(pdfs[0], tmp_path / "other" / "comparison.pdf")
    with pytest.raises(site.SiteError, match="two PDFs of one name"):
        build(project, tmp_path / "site", "site", pdfs=(*pdfs, tmp_path / "other" / "comparison.pdf"))
    assert not (tmp_path / "site").exists()


def test_the_cli_writes_the_site_with_the_pdfs_it_is_given(tmp_path):
    pdfs = stand_in_pdfs(tmp_path / "pdfs")
    result = CliRunner().invoke(main, ["build", "--source", str(FIXTURES / "good" / "minimal" / "source"), "-q",
                                       "--format", "site", "-o", str(tmp_path / "site"),
                                       *(argument for pdf in pdfs for argument in ("--pdf", str(pdf)))])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "site")
    assert (tmp_path / "site" / "draft.pdf").read_bytes() == pdfs[1].read_bytes()


def test_output_is_a_folder_for_the_site_only(tmp_path):
    result = CliRunner().invoke(main, ["build", "--source", str(FIXTURES / "good" / "minimal" / "source"),
                                       "--format", "html", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder; --format html writes a file" in result.output


def test_the_draft_ends_with_every_kpi_as_a_data_table(minimal_site):
    html = (minimal_site / "draft.html").read_text(encoding="utf-8").replace("\n", "")
    records = kpis.register(parse.load_document(fixture_project("good", "minimal").source), "draft")
    listed = html.split('<table class="kpi-list">')[1].split("</table>")[0]
    assert f"<caption>数値目標・KPI 一覧（{len(records)}件）</caption>" in listed
    assert listed.count('<th scope="row">') == len(records) == 2
    assert ('<td class="figure" data-label="実績"><span class="value">2,400<span class="year">（H28）</span></span>'
            '<span class="value">2,380<span class="year">（H29）</span></span></td>') in listed
    assert '<a href="#kpi-appendix">数値目標・KPI 一覧</a>' in html


def test_since_marks_are_ins_and_del_announced_with_the_underline_they_keep(revised, tmp_path):
    target = build(revised, tmp_path / "site", "site", Options(since="meeting-3"), pdfs=stand_in_pdfs(tmp_path / "pdfs"))
    html = (target / "comparison.html").read_text(encoding="utf-8").replace("\n", "")
    hidden = '<span class="visually-hidden">［{}］</span>'
    assert ('<ins class="inserted">' + hidden.format("追加部分") + '<u class="changed">' + hidden.format("改正部分")
            + "第２期" + hidden.format("改正部分ここまで") + "</u>" + hidden.format("追加部分ここまで") + "</ins>総合戦略を") in html
    assert '<del class="deleted">' + hidden.format("削除部分") + "新しい段落です。&lt;script&gt;" in html
    assert "見え消し（第２期（案）欄、meeting-3 以降の変更）" in html
    draft = (target / "draft.html").read_text(encoding="utf-8")
    assert "<ins" not in draft and "<del" not in draft and "新しい段落です" not in draft
