"""strategy-pdf watch and build progress."""

import shutil
import threading
import time

from strategy_pdf.build import Options, Project, build, watch

from .conftest import FIXTURES, ROOT
from .pdf_reading import read_pages


def test_watch_rebuilds_on_save_and_keeps_the_last_good_pdf(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "good" / "minimal" / "source", source)
    target = tmp_path / "out.pdf"
    messages: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(Project(ROOT, source), target, Options(stamp=False),
                                                  messages.append, stop, tmp_path / "cache"))
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
        assert messages[0].endswith(", 2 of 2 parts rendered") and messages[1].endswith(", 1 of 2 parts rendered")
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
