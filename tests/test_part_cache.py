"""Rendered parts reused from build/cache: a rebuild renders only what changed and gives the
bytes of a cold build; an entry that is damaged or from elsewhere is never used. And the
texts alone rendered in parts, their contents page numbered from the other parts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from strategy_pdf import build, paginate, parse
from strategy_pdf.build import Options, Project, build_pdfs
from strategy_pdf.cli import main
from strategy_pdf.engine import cache
from strategy_pdf.engine.pdf import Pdf
from strategy_pdf.errors import RenderError

from .conftest import FIXTURES, ROOT
from .pdf_reading import drawn_pages

GOOD = FIXTURES / "good" / "minimal" / "source"
OPTIONS = Options(stamp=False, parts=2)


@pytest.fixture
def source(tmp_path) -> Path:
    copied = tmp_path / "source"
    shutil.copytree(GOOD, copied)
    return copied


def _built(source: Path, folder: Path | None, name: str = "out.pdf", options: Options = OPTIONS) -> tuple[bytes, int]:
    target = source.parent / name
    built, = build_pdfs(Project(ROOT, source), ((options, target),), cache=folder)
    return target.read_bytes(), built.reused


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_rebuild_reuses_the_unchanged_parts_and_gives_the_bytes_of_a_cold_build(source, tmp_path):
    folder = tmp_path / "cache"
    first, reused = _built(source, folder)
    assert reused == 0 and len(list(folder.iterdir())) == 2
    assert _built(source, folder) == (first, 2)
    # A word in the second part with a glyph no part drew before: the first part is reused
    # with its older font subsets, which the join replaces with the second part's.
    _edit(source / "goal.yaml", "創業支援を行います。", "創業支援を鬱蒼と行います。")
    edited, reused = _built(source, folder)
    assert reused == 1
    assert edited == _built(source, None, "cold.pdf")[0]
    # The same in the first part: now the second is reused with the older subsets.
    _edit(source / "basics.yaml", "策定しました。", "策定し躑躅しました。")
    edited, reused = _built(source, folder)
    assert reused == 1
    assert edited == _built(source, None, "cold.pdf")[0]


def test_a_part_whose_first_page_moved_is_rendered_again(source, tmp_path):
    folder = tmp_path / "cache"
    _built(source, folder)
    # The first part a page longer: the second keeps its HTML but is numbered from a page on.
    _edit(source / "basics.yaml", "策定しました。", "策定しました。" + "長い文。" * 400)
    edited, reused = _built(source, folder)
    assert reused == 0
    assert edited == _built(source, None, "cold.pdf")[0]
    assert len(PdfReader(source.parent / "out.pdf").pages) > len(PdfReader(source.parent / "cold.pdf").pages) - 1


def test_damaged_entries_are_ignored_and_replaced(source, tmp_path):
    folder = tmp_path / "cache"
    first, _ = _built(source, folder)
    cut, altered = sorted(folder.iterdir())
    cut.write_bytes(cut.read_bytes()[:1000])
    content = bytearray(altered.read_bytes())
    content[len(content) // 2] ^= 0xFF
    altered.write_bytes(bytes(content))
    assert _built(source, folder) == (first, 0)
    assert _built(source, folder) == (first, 2)  # written whole again


def test_an_entry_reads_back_only_whole_and_for_its_own_address(tmp_path, monkeypatch):
    entry = cache.Entry(Pdf(b"%PDF-1.7 pages", 3, (1, 2)), 4, {"ABCDEF": "digest"},
                        {"ABCDEF": ({12: "字", 40: "a"}, {12: 1000, 40: 500.5})}, {"row-a": 2})
    cache.write(tmp_path, "one", entry)
    assert cache.read(tmp_path, "one") == entry
    (tmp_path / "two").write_bytes((tmp_path / "one").read_bytes())
    assert cache.read(tmp_path, "two") is None  # written for another address
    assert cache.read(tmp_path, "missing") is None
    monkeypatch.setattr(cache, "FORMAT", "strategy-pdf part 0")
    assert cache.read(tmp_path, "one") is None  # an older layout of entries


def test_the_key_follows_the_html_the_images_the_styles_the_fonts_and_the_engine(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "fonts", root / "fonts")
    shutil.copytree(ROOT / "styles", root / "styles")
    image = root / "figure.svg"
    image.write_text("<svg/>", encoding="utf-8")
    styles = (root / "styles" / "base.css",)
    environment = cache.environment((root,), styles)
    address = cache.key(environment, "<p>本文</p>", (image,))
    assert cache.key(cache.environment((root,), styles), "<p>本文</p>", (image,)) == address
    assert cache.key(environment, "<p>本文。</p>", (image,)) != address
    image.write_text("<svg></svg>", encoding="utf-8")
    assert cache.key(environment, "<p>本文</p>", (image,)) != address
    styles[0].write_text(styles[0].read_text(encoding="utf-8") + "\np { color: red; }\n", encoding="utf-8")
    assert cache.environment((root,), styles) != environment
    changed = cache.environment((root,), styles)
    (root / "fonts" / "fonts.conf").write_text("<fontconfig/>", encoding="utf-8")
    assert cache.environment((root,), styles) != changed
    assert "hooks.py" in {path.name for path in Path(cache.__file__).parent.glob("*.py")}  # the engine's code is hashed


def test_the_cache_keeps_the_entries_used_last(tmp_path):
    import os
    for number in range(cache.MOST_ENTRIES + 5):
        path = tmp_path / f"entry-{number:03}"
        path.write_bytes(b"x")
        os.utime(path, (number, number))
    cache.prune(tmp_path)
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert len(kept) == cache.MOST_ENTRIES and kept[0] == "entry-005"


def test_a_text_alone_opens_with_its_contents_part_and_is_cut_where_it_breaks_pages():
    document = parse.load_document(ROOT / "source")
    contents, *body = paginate.parts(document, 3, "draft")
    assert contents.contents and contents.chapters == () and contents.title == "目次"
    assert len(body) == 3 and body[-1].last and not any(part.first for part in body)
    printed = [row for part in body for chapter in part.chapters for row in chapter.rows]
    assert not any(chapter.is_contents for part in body for chapter in part.chapters)
    for part in body[1:]:  # each opens at a break the draft prints
        opening = part.chapters[0].rows[0]
        assert opening.page_break and opening.draft
    assert [row.id for row in printed] == [row.id for chapter in document.chapters if not chapter.is_contents
                                           for row in chapter.rows]


def _structure(path: Path) -> tuple:
    reader = PdfReader(path)

    def outline(entries, level=1):
        found = []
        for entry in entries:
            if isinstance(entry, list):
                found.extend(outline(entry, level + 1))
            else:
                found.append((level, entry.title, reader.get_destination_page_number(entry)))
        return found

    links = sorted((number, str(annotation.get_object().get("/Dest"))) for number, page in enumerate(reader.pages)
                   for annotation in page.get("/Annots") or [])
    destinations = {name: (reader.get_destination_page_number(destination), round(float(destination.top), 1))
                    for name, destination in reader.named_destinations.items()}
    return outline(reader.outline), destinations, links


def test_the_draft_in_parts_is_the_one_piece_draft(tmp_path):
    project = Project.at(ROOT)
    whole = build.build(project, tmp_path / "whole.pdf", options=Options(layout="draft", parts=1))
    parts = build.build(project, tmp_path / "parts.pdf", options=Options(layout="draft"))
    drawn = drawn_pages(parts)
    assert drawn == drawn_pages(whole) and len(drawn) > 20
    outline, destinations, links = _structure(parts)
    assert (outline, destinations, links) == _structure(whole)
    contents = PdfReader(parts).pages[0].extract_text()
    assert "目次" in contents
    # Numbered from the other parts: 基本目標２ opens page 11 (in the third part).
    assert [line.split()[-1] for line in contents.splitlines() if line.startswith("基本目標２")] == ["11"]
    assert len(links) > 50 and len(outline) > 50


def test_contents_that_would_change_length_with_its_numbers_fail_rather_than_misnumber(source, monkeypatch, tmp_path):
    job = build._job

    def contents_grown_by_its_numbers(*arguments):
        renderers, work, contents = job(*arguments)
        return renderers, work, lambda pages: contents(pages).replace("</nav>", "<p>行</p>" * 200 + "</nav>")

    monkeypatch.setattr(build, "_job", contents_grown_by_its_numbers)
    with pytest.raises(RenderError, match="stand-in page numbers"):
        build_pdfs(Project(ROOT, source), ((Options(layout="draft", stamp=False), tmp_path / "x.pdf"),))
    assert not (tmp_path / "x.pdf").exists()


def test_several_layouts_are_built_at_once_as_apart(tmp_path):
    runner = CliRunner()
    arguments = ["build", "--source", str(GOOD), "--no-stamp", "--no-lint", "--no-cache"]
    result = runner.invoke(main, [*arguments, "--layout", "comparison", "--layout", "draft", "-o", f"{tmp_path}/both/"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [str(tmp_path / "both" / "comparison.pdf"), str(tmp_path / "both" / "draft.pdf")]
    for layout in ("comparison", "draft"):
        alone = runner.invoke(main, [*arguments, "--layout", layout, "-o", str(tmp_path / f"{layout}.pdf")])
        assert alone.exit_code == 0, alone.output
        assert (tmp_path / "both" / f"{layout}.pdf").read_bytes() == (tmp_path / f"{layout}.pdf").read_bytes()
    refused = runner.invoke(main, [*arguments, "--layout", "comparison", "--layout", "draft", "--format", "html"])
    assert refused.exit_code == 2 and "writes one layout" in refused.output
