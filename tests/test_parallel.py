"""The comparison rendered in parts side by side: cut where the document forces a page, and
joined into the same PDF a one-piece render gives."""

import dataclasses
import multiprocessing
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from strategy_pdf import paginate, parse
from strategy_pdf.build import Options, Project, build
from strategy_pdf.errors import RenderError, SourceError
from strategy_pdf.paginate import _even_groups

from .conftest import FIXTURES, ROOT
from .pdf_reading import drawn_pages


def test_even_groups_keep_the_heaviest_group_as_light_as_possible():
    assert _even_groups([1, 1, 1, 1], 2) == [2, 2]
    assert _even_groups([5, 1, 1, 1, 1, 1], 2) == [1, 5]
    assert _even_groups([1, 2, 3, 4, 5], 3) == [3, 1, 1]  # 6 | 4 | 5
    assert _even_groups([7], 1) == [1]


def _chapters(part: paginate.Part) -> list[tuple[str, list[str]]]:
    return [(chapter.slug, [row.id for row in chapter.rows]) for chapter in part.chapters]


def test_parts_are_cut_at_forced_page_breaks_only():
    document = parse.load_document(FIXTURES / "good" / "minimal" / "source")
    whole, = paginate.parts(document, 1)
    assert whole.first and whole.last and _chapters(whole) == [(c.slug, [r.id for r in c.rows]) for c in document.chapters]
    first, second = paginate.parts(document, 2)
    assert (first.first, first.last, second.first, second.last) == (True, False, False, True)
    assert [slug for slug, _ in _chapters(first)] == ["basics"]
    assert _chapters(second)[0] == ("goal", [row.id for row in document.chapters[1].rows])
    assert paginate.parts(document, 8) == (first, second)  # no more parts than runs between breaks
    assert paginate.parts(document) == (first, second)  # without a count: one part per run


def test_longer_documents_get_more_parts_up_to_a_bound():
    document = parse.load_document(ROOT / "source")
    assert paginate.part_count(document) == paginate.FEWEST_PARTS == 3  # the real document
    longer = dataclasses.replace(document, chapters=document.chapters * 2)
    assert paginate.FEWEST_PARTS < paginate.part_count(longer) < paginate.MOST_PARTS
    assert paginate.part_count(dataclasses.replace(document, chapters=document.chapters * 8)) == paginate.MOST_PARTS
    tiny = parse.load_document(FIXTURES / "good" / "minimal" / "source")
    assert paginate.part_count(tiny) == paginate.FEWEST_PARTS


def test_a_break_inside_a_chapter_cuts_the_chapter_in_two(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    goal = source / "goal.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("    break: page\n", ""), encoding="utf-8")
    basics = source / "basics.yaml"
    text = basics.read_text(encoding="utf-8")
    second_row = text.index("  - id: ", text.index("  - id: ") + 1)
    line_end = text.index("\n", second_row) + 1
    basics.write_text(text[:line_end] + "    break: page\n" + text[line_end:], encoding="utf-8")
    document = parse.load_document(source)
    first, second = paginate.parts(document, 2)
    basics_rows = [row.id for row in document.chapters[0].rows]
    assert _chapters(first) == [("basics", basics_rows[:1])]
    assert _chapters(second) == [("basics", basics_rows[1:]), ("goal", [row.id for row in document.chapters[1].rows])]


def _outline(reader: PdfReader, entries=None, level=1):
    found = []
    for entry in reader.outline if entries is None else entries:
        if isinstance(entry, list):
            found.extend(_outline(reader, entry, level + 1))
        else:
            found.append((level, entry.title, reader.get_destination_page_number(entry), round(float(entry.top), 1)))
    return found


def _destinations(reader: PdfReader) -> dict[str, tuple[int, float]]:
    return {name: (reader.get_destination_page_number(destination), round(float(destination.top), 1))
            for name, destination in reader.named_destinations.items()}


def _font_programs(path: Path) -> list[bytes]:
    reader = PdfReader(str(path))
    programs = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            reference = descriptor.raw_get("/FontFile2")
            programs[reference.idnum] = reference.get_object().get_data()
    return list(programs.values())


@pytest.fixture(scope="module")
def real_in_parts_and_whole(real_pdf, tmp_path_factory) -> tuple[Path, Path]:
    """The real document as the build renders it (in parts: three) and in one piece."""
    whole = build(Project.at(ROOT), tmp_path_factory.mktemp("parallel") / "whole.pdf", options=Options(parts=1))
    return real_pdf, whole


def test_parts_join_into_the_pdf_a_one_piece_render_gives(real_in_parts_and_whole):
    parts, whole = real_in_parts_and_whole
    in_parts, in_one = drawn_pages(parts), drawn_pages(whole)
    assert len(in_parts) == len(in_one) > 60
    assert all(text for _, text in in_parts) and "１ 基本的考え方（１）策定の経緯" in in_parts[2][1]
    for number, (page, expected) in enumerate(zip(in_parts, in_one), start=1):
        assert page == expected, f"page {number} differs"  # body, running title and page number
    parts_reader, whole_reader = PdfReader(str(parts)), PdfReader(str(whole))
    assert _outline(parts_reader) == _outline(whole_reader)
    assert max(level for level, *_ in _outline(parts_reader)) == 3  # nested as the headings are
    assert _destinations(parts_reader) == _destinations(whole_reader)
    assert parts_reader.metadata == whole_reader.metadata
    assert parts_reader.trailer["/Root"]["/Lang"] == whole_reader.trailer["/Root"]["/Lang"]


def test_parts_share_their_font_subsets(real_in_parts_and_whole):
    parts, whole = real_in_parts_and_whole
    assert len(_font_programs(parts)) == len(_font_programs(whole)) == 3  # Mincho, Gothic, Gothic Bold once
    assert parts.stat().st_size <= 1.5 * whole.stat().st_size


def test_a_part_that_fails_names_itself_and_keeps_the_previous_pdf(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    target = tmp_path / "out.pdf"
    build(Project(ROOT, source), target, options=Options(parts=2))
    before = target.read_bytes()
    (source / "figures" / "system.svg").write_text("<svg this is not", encoding="utf-8")  # in the second part
    with pytest.raises(RenderError, match=r"part 2 of 2 \(基本目標１\): WeasyPrint could not render cleanly"):
        build(Project(ROOT, source), target, options=Options(parts=2))
    assert target.read_bytes() == before
    assert not multiprocessing.active_children()


def test_a_source_error_stops_the_renderers_started_early(tmp_path):
    with pytest.raises(SourceError):
        build(Project.at(ROOT, FIXTURES / "bad" / "structure" / "source"), tmp_path / "out.pdf",
              options=Options(parts=2))
    assert not multiprocessing.active_children()
    assert not (tmp_path / "out.pdf").exists()
