"""Outputs for every use: layouts, contents with page numbers, revision stamp, print and PDF variants."""

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from strategy_pdf.build import Options, Project, build

from .conftest import FIXTURES, ROOT, fixture_project, git
from .pdf_reading import read_pages

A4_PORTRAIT = (595.28, 841.89)



@pytest.fixture(scope="module")
def draft_pdf(tmp_path_factory) -> Path:
    return build(fixture_project("good", "minimal"), tmp_path_factory.mktemp("draft") / "draft.pdf",
                 options=Options(layout="draft"))


def test_draft_layout_is_the_draft_alone_in_a4_portrait(draft_pdf):
    pages = read_pages(draft_pdf)
    assert all(page.size == pytest.approx(A4_PORTRAIT, abs=0.5) for page in pages)
    text = "".join(page.text for page in pages)
    assert "第２期（案）" in pages[0].text.splitlines()[0]  # the running header names the text
    assert "策定しました" in text and "策定いたしました" not in text  # the current text is not there
    assert "現行" not in text and "備考" not in text and "新設" not in text


def test_contents_page_numbers_point_at_the_headings(draft_pdf):
    pages = read_pages(draft_pdf)
    contents = pages[0].text.splitlines()
    assert contents[1] == "目次"
    entries = [line for line in contents if line.rstrip().split()[-1].isdigit() and "．" in line]
    assert len(entries) == 3  # １ 基本的考え方, （１）策定の経緯, 基本目標１
    for entry in entries:
        title, number = entry.split("．")[0].strip(), int(entry.split()[-1])
        body = pages[number - 1].text.splitlines()[1:]
        assert any(line.startswith(title) for line in body), (title, number)


def test_draft_bookmarks(draft_pdf):
    titles = []

    def walk(outline):
        for entry in outline:
            walk(entry) if isinstance(entry, list) else titles.append(entry.title)

    walk(PdfReader(str(draft_pdf)).outline)
    assert titles == ["目次", "１ 基本的考え方", "（１）策定の経緯", "基本目標１", "参考　数値目標・KPI 一覧"]


def test_current_layout_is_the_text_in_force(tmp_path):
    target = build(fixture_project("good", "minimal"), tmp_path / "current.pdf", options=Options(layout="current"))
    text = "".join(page.text for page in read_pages(target))
    assert "策定いたしました" in text and "３ 熊本地震に伴う改訂について" in text
    assert "新しい段落です" not in text


@pytest.fixture
def repository(tmp_path) -> Project:
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", tmp_path / "source")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "draft")
    return Project(root=ROOT, source=tmp_path / "source")


def footer(path: Path) -> str:
    return read_pages(path)[0].text.splitlines()[-1]


def test_footer_stamp_carries_the_revision_and_dirty(repository, tmp_path):
    short = subprocess.run(["git", "log", "-1", "--format=%h %cs"], cwd=repository.source, capture_output=True,
                           text=True, check=True).stdout.split()
    assert footer(build(repository, tmp_path / "a.pdf")).endswith(f"rev {short[0]} ({short[1]})")
    (repository.source / "basics.yaml").write_text(
        (repository.source / "basics.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert footer(build(repository, tmp_path / "b.pdf")).endswith(f"rev {short[0]} ({short[1]}) +dirty")


def test_no_stamp_outside_git(tmp_path):
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", tmp_path / "source")
    target = build(Project(root=ROOT, source=tmp_path / "source"), tmp_path / "x.pdf")
    assert "rev " not in footer(target)
    assert footer(target).endswith("－ 1 －")


def test_creation_date_comes_from_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577836800")
    first = build(fixture_project("good", "minimal"), tmp_path / "a.pdf")
    assert PdfReader(str(first)).metadata["/CreationDate"].startswith("D:20200101000000")
    second = build(fixture_project("good", "minimal"), tmp_path / "b.pdf")
    assert first.read_bytes() == second.read_bytes()


def test_print_adds_bleed_and_crop_marks(tmp_path):
    page = PdfReader(str(build(fixture_project("good", "minimal"), tmp_path / "p.pdf",
                               options=Options(print_marks=True)))).pages[0]
    assert float(page.trimbox.width) == pytest.approx(841.89, abs=0.5)
    bleed = 3 * 72 / 25.4
    assert float(page.bleedbox.width) == pytest.approx(841.89 + 2 * bleed, abs=0.5)


@pytest.mark.parametrize("variant, marker", [
    ("pdf/a-2b", b'pdfaid:part="2"'), ("pdf/a-3b", b'pdfaid:part="3"'), ("pdf/ua-1", b'pdfuaid:part="1"')])
def test_pdf_variants_identify_themselves(tmp_path, variant, marker):
    reader = PdfReader(str(build(fixture_project("good", "minimal"), tmp_path / "v.pdf",
                                 options=Options(pdf_variant=variant))))
    assert marker in reader.xmp_metadata.stream.get_data()
    if variant == "pdf/ua-1":
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
