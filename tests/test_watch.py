"""strategy-pdf watch and build progress."""

import shutil
import threading
import time

from strategy_pdf.build import Options, Project, build, build_by_part, watch

from .conftest import FIXTURES, ROOT
from .pdf_reading import read_pages


def test_watch_rebuilds_on_save_and_keeps_the_last_good_pdf(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    target = tmp_path / "out.pdf"
    messages: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(Project(ROOT, source), target, Options(stamp=False),
                                                  messages.append, stop))
    thread.start()
    try:
        def wait_for(count: int) -> None:
            deadline = time.monotonic() + 60
            while len(messages) < count and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(messages) >= count, messages

        wait_for(1)
        chapter = source / "basics.yaml"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace("策定しました。", "策定し直しました。"),
                           encoding="utf-8")
        wait_for(2)
        assert "策定し直しました" in "".join(page.text for page in read_pages(target))
        good = target.read_bytes()
        chapter.write_text("title: [broken\n", encoding="utf-8")
        wait_for(3)
        assert messages[2].startswith(f"build failed, {target} unchanged:") and "basics.yaml:1:8: YAML syntax error" in messages[2]
        assert target.read_bytes() == good
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_progress_reports_weasyprint_steps_page_by_page(tmp_path):
    steps: list[str] = []
    build(Project.at(ROOT, FIXTURES / "good" / "minimal" / "source"), tmp_path / "x.pdf",
          options=Options(stamp=False, parts=1), progress=steps.append)
    assert "Step 5 - Creating layout - Page 1" in steps and steps[-1].startswith("Step 7")


def test_progress_of_parts_rendered_side_by_side_names_their_chapters(tmp_path):
    steps: list[str] = []
    build(Project.at(ROOT, FIXTURES / "good" / "minimal" / "source"), tmp_path / "x.pdf",
          options=Options(stamp=False, parts=2), progress=steps.append)
    assert any("1/2 １ 基本的考え方: Step 5 - Creating layout - Page 1" in step for step in steps)
    assert any("2/2 基本目標１: Step 5 - Creating layout - Page 1" in step for step in steps)


def test_build_by_part_reuses_unchanged_parts_and_numbers_pages_on(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    project, cache, target = Project(ROOT, source), {}, tmp_path / "out.pdf"
    options = Options(stamp=False)
    assert build_by_part(project, target, options, cache) == 2  # both parts rendered
    first = read_pages(target)
    assert build_by_part(project, target, options, cache) == 0  # nothing changed: all reused
    goal = source / "goal.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("創業支援を行います。", "創業支援を強化します。"),
                    encoding="utf-8")
    assert build_by_part(project, target, options, cache) == 1  # only the edited part
    pages = read_pages(target)
    assert len(pages) == len(first)
    for number, page in enumerate(pages, start=1):
        assert f"－ {number} －" in page.text.splitlines()[-1]
        assert "第２期（案） 現行 備考" in page.text
    assert "創業支援を強化します" in "".join(page.text for page in pages)
