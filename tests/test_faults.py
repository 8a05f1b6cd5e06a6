"""Issue 13's fault cases: each ends in a clean message naming the file (and line), never a
traceback, a wrong PDF with exit 0, a half-written output or a process left running."""

from __future__ import annotations

import errno
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from strategy_pdf import build, engine, limits, paginate, parse, revisions
from strategy_pdf.engine import output
from strategy_pdf.cli import main
from strategy_pdf.errors import RenderError, SourceError, display_path
from strategy_pdf.loader import load_bytes

from .conftest import FIXTURES, ROOT, git
from .pdf_reading import DRAFT_END, column_of, column_text, read_pages, table_chars

GOOD = FIXTURES / "good" / "minimal" / "source"


def run(*args):
    return CliRunner().invoke(main, list(args))


def messages(data: bytes) -> list[str]:
    return [str(problem) for problem in load_bytes(data, "source/x.yaml").problems]


# 8. A source file cut short: it does not end with a line break.

def test_a_file_without_a_final_line_break_is_reported_as_cut_short():
    found = messages("title: x\nrows:\n  - id: a\n    draft: 本市においても、".encode("utf-8"))
    assert found == ["source/x.yaml:4:20: the file ends in the middle of line 4, without a line break: it may "
                     "have been cut short (an interrupted save, copy or sync); check its end, then end the "
                     "last line with a line break"]


def test_a_file_cut_inside_a_character_is_reported_as_cut_short():
    data = "title: x\nrows: []\nnote: 本市".encode("utf-8")[:-1]
    assert "cut short" in messages(data)[0] and messages(data)[0].startswith("source/x.yaml:3:")


# 14. Nesting a few hundred levels deep.

def test_deep_nesting_is_a_located_error_not_a_recursion_error():
    deep = ("title: x\nrows: " + "[" * 500 + "]" * 500 + "\n").encode()
    assert messages(deep) == ["source/x.yaml:2:38: nesting deeper than 32 levels; a source needs no more than a "
                              "few (a figure's boxes in boxes)"]


def document_with(tmp_path, chapters: str, files: dict[str, str] | None = None):
    """A copy of the minimal fixture whose document.yaml lists ``chapters`` (YAML flow)."""
    source = tmp_path / "source"
    shutil.copytree(GOOD, source)
    document = source / "document.yaml"
    document.write_text(document.read_text(encoding="utf-8").split("chapters:")[0] + f"chapters: {chapters}\n",
                        encoding="utf-8")
    for name, text in (files or {}).items():
        (source / name).write_text(text, encoding="utf-8")
    return source


def source_errors(source) -> list[str]:
    with pytest.raises(SourceError) as caught:
        parse.load_document(source)
    return [str(problem) for problem in caught.value.problems]


# 6. Chapters are files under the source folder, nowhere else (17: nor names with quotes).

@pytest.mark.parametrize("name", ["../outside", "{tmp}/outside", "sub/../../outside", 'a"b'])
def test_a_chapter_outside_the_source_folder_is_refused(tmp_path, name):
    (tmp_path / "outside.yaml").write_text("title: 外\nrows:\n  - id: x\n    draft: 外の文書\n", encoding="utf-8")
    source = document_with(tmp_path, json.dumps(["basics", "goal", name.format(tmp=tmp_path)]))
    shown = display_path(source / "document.yaml", Path.cwd())
    assert any(error.startswith(f"{shown}:9:") and "chapters[2]" in error and "not a file name" in error
               for error in source_errors(source)), source_errors(source)


def test_a_chapter_that_links_outside_the_source_folder_is_refused(tmp_path):
    (tmp_path / "outside.yaml").write_text("title: 外\nrows:\n  - id: x\n    draft: 外の文書\n", encoding="utf-8")
    source = document_with(tmp_path, "[basics, goal, linked]")
    (source / "linked.yaml").symlink_to(tmp_path / "outside.yaml")
    assert any("chapters[2]" in error and "outside the source folder" in error for error in source_errors(source))


# 13. An empty document.

def test_a_document_without_rows_says_what_is_missing(tmp_path):
    source = document_with(tmp_path, "[]")
    for name in ("basics.yaml", "goal.yaml"):
        (source / name).unlink()
    shown = display_path(source / "document.yaml", Path.cwd())
    assert source_errors(source) == [f"{shown}:9:11: chapters: the document has no rows to print; list a chapter"
                                     " that has rows"]
    source = document_with(tmp_path / "again", "[basics]", {"basics.yaml": "title: 空\nrows: []\n"})
    (source / "goal.yaml").unlink()
    assert [error.split(": ", 1)[1] for error in source_errors(source)] == [
        "chapters: the document has no rows to print; list a chapter that has rows"]


def test_an_empty_chapter_beside_others_builds(tmp_path):
    source = document_with(tmp_path, "[basics, empty, goal]", {"empty.yaml": "title: 空の章\nrows: []\n"})
    html = build.whole_html(build.Project.at(ROOT, source))
    assert "創業支援を行います。" in html  # the chapters after the empty one are there


# 3 and 11. Every output is written whole or not at all; a path that cannot be written is
# one line naming it and the reason, found before anything is rendered.

class _FullDisk:
    """A file on a full disk: it opens, and the first write fails."""

    def __init__(self, *_):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *_):
        return False

    def write(self, _):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("command", [["kpis", "--bom"], ["build", "--format", "html"]])
def test_a_full_disk_leaves_the_previous_output_whole(tmp_path, monkeypatch, command):
    target = tmp_path / "out.txt"
    target.write_text("the good export of yesterday", encoding="utf-8")
    monkeypatch.setattr(output.os, "fdopen", _FullDisk)
    result = run(*command, "--source", str(GOOD), "-o", str(target))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1] == f"cannot write {target}: No space left on device"
    assert target.read_text(encoding="utf-8") == "the good export of yesterday"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.txt"]


def test_an_output_that_cannot_be_written_fails_before_rendering(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    monkeypatch.setattr(build.render, "render_html", lambda *_, **__: pytest.fail("rendered before checking"))
    result = run("build", "--source", str(GOOD), "-o", f"{tmp_path}/a-file/x.pdf")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert result.output.strip().splitlines()[-1].startswith("cannot write ")
    assert result.output.strip().endswith("a-file is a file, not a folder")


# 17. -o dir/ (a folder that does not exist yet) is refused as a folder, not written as a file named dir.

def test_an_output_folder_is_refused_for_a_file_format(tmp_path):
    result = run("build", "--source", str(GOOD), "--format", "html", "-q", "-o", f"{tmp_path}/html/")
    assert result.exit_code == 2 and f"{tmp_path}/html/ is a folder; --format html writes a file" in result.output
    assert not (tmp_path / "html").exists()
    empty = run("build", "--source", str(GOOD), "-o", "")
    assert empty.exit_code == 2 and "Invalid value for --output: is empty; name the file to write" in empty.output


# 12. Styles and fonts belong to the project that holds the sources, wherever the command runs.

def test_sources_of_a_project_build_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build", "--source", str(GOOD), "--parts", "1", "-q", "-o", "x.pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    assert build.Project.of(GOOD).root == ROOT and build.Project.of(None).root == tmp_path


# 4. The stamp comes from the repository that holds the sources, only when they are tracked there.

def test_sources_unpacked_inside_an_unrelated_repository_carry_no_stamp(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "unrelated.txt").write_text("another project\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "unrelated")
    source = tmp_path / "unpacked" / "source"
    shutil.copytree(GOOD, source)
    assert revisions.current_stamp(source) is None
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "the sources, tracked")
    assert revisions.current_stamp(source) is not None


@pytest.fixture
def repository(tmp_path) -> Path:
    """The minimal fixture committed in a repository of its own; returns its source folder."""
    source = tmp_path / "source"
    shutil.copytree(GOOD, source)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "meeting 3")
    git(tmp_path, "tag", "meeting-3")
    return source


# 15. --since a revision whose source/ held a symbolic link.

def test_since_a_revision_with_a_link_in_its_sources_is_a_clean_error(repository):
    (repository / "figures" / "link.svg").symlink_to("/etc/passwd")
    git(repository.parent, "add", "-A")
    git(repository.parent, "commit", "-q", "-m", "a link")
    result = run("changes", "HEAD", "--source", str(repository))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert result.output.strip() == ("the sources at HEAD hold source/figures/link.svg, a link to /etc/passwd outside"
                                     " them; sources are plain files")


# 17. A revision without source/, a shallow clone, --since ''.

def test_a_revision_without_the_source_folder_says_so(repository):
    git(repository.parent, "checkout", "-q", "--orphan", "empty")
    git(repository.parent, "rm", "-q", "-r", "--cached", ".")
    git(repository.parent, "commit", "-q", "--allow-empty", "-m", "nothing")
    result = run("changes", "empty", "--source", str(repository))
    assert result.exit_code == 1 and result.output.strip() == "there is no source/ at revision empty"


def test_a_shallow_clone_says_history_is_missing(repository, tmp_path):
    (repository / "basics.yaml").write_text((repository / "basics.yaml").read_text(encoding="utf-8") + "\n",
                                            encoding="utf-8")
    git(repository.parent, "commit", "-q", "-am", "meeting 4")
    git(tmp_path, "clone", "-q", "--depth", "1", repository.parent.as_uri(), "shallow")
    result = run("changes", "meeting-3", "--source", str(tmp_path / "shallow" / "source"))
    assert result.exit_code == 1
    assert "this clone is shallow: its history stops at" in result.output and "git fetch --unshallow" in result.output


def test_an_empty_since_is_refused(tmp_path):
    result = run("build", "--source", str(GOOD), "--since", "", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2 and "'--since': needs a git revision" in result.output
    assert not (tmp_path / "x.pdf").exists()
    assert run("changes", "", "--source", str(GOOD)).exit_code == 2


# 17. make artifacts outside git.

def test_make_artifacts_outside_git_says_why_and_names_nothing(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "build").mkdir()
    for name in ("comparison.pdf", "draft.pdf"):
        (tmp_path / "build" / name).write_bytes(b"%PDF-1.7\n")
    # The PDFs count as built: only the naming is tried, outside any repository.
    result = subprocess.run(["make", "-s", "-o", "pdf", "artifacts"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == ("make artifacts names the PDFs by their git revision: run it in a git"
                                             " checkout with a commit")
    assert not (tmp_path / "build" / "artifacts").exists()


# 5. The part cache keys on everything a part reads, images included.

def test_rebuild_renders_a_part_again_when_its_image_changes(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(GOOD, source)
    project, cache, target = build.Project(ROOT, source), tmp_path / "cache", tmp_path / "out.pdf"
    options = build.Options(stamp=False, parts=2)
    assert build.build_pdfs(project, ((options, target),), cache=cache)[0].reused == 0
    image = source / "figures" / "system.svg"
    image.write_text(image.read_text(encoding="utf-8").replace("</svg>", '<rect width="5" height="5"/></svg>'),
                     encoding="utf-8")
    assert build.build_pdfs(project, ((options, target),), cache=cache)[0].reused == 1  # not the part with the figure


# 18. Every lint finding names the line and column of the scalar that holds it.

def test_lint_findings_name_the_line_and_column_of_their_scalar():
    found = [str(finding) for finding in build.check(build.Project.at(ROOT)).open]
    assert any(line.startswith("source/goal-2.yaml:246:31: placeholder: unfilled placeholder '〇〇'") for line in found)
    assert any(line.startswith("source/reference.yaml:50:21: placeholder: unfilled placeholder '〇月'") for line in found)


# 1, 2, 7 and 16. What the pages cannot print is a located error before rendering: a table
# wider than its column, more target years than fit, a run no line can break in, a character
# no vendored font has.

def test_what_the_pages_cannot_print_is_reported_at_validation():
    result = run("validate", "--source", "tests/fixtures/limits/unprintable/source")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.splitlines() == (FIXTURES / "limits" / "unprintable" / "expected.txt").read_text(
        encoding="utf-8").splitlines()


def test_the_widest_tables_that_fit_print_inside_their_column_with_every_figure_whole(tmp_path):
    target = build.build(build.Project.at(ROOT, FIXTURES / "limits" / "widest" / "source"), tmp_path / "wide.pdf",
                         options=build.Options(stamp=False, parts=1))
    page = read_pages(target)[0]
    draft = column_text(page, "draft")
    # Each table's figures on one line, in order: none broken, none pushed below another.
    assert "13,000" * 8 in draft and "12,000" + "12,345" * 5 in draft and "6,5007,000以上7,500以上8,000以上" in draft
    assert column_text(page, "current") == "現行の文章です。" * 3  # nothing of the draft runs over it
    drawn = [c for c in table_chars(page) if column_of(c) == "draft"]
    assert max(c["x1"] for c in drawn) <= DRAFT_END
    # Nor over its own cells: no character is drawn over another (a figure wider than its
    # column would run into the next).
    lines: dict[int, list[dict]] = {}
    for char in drawn:
        lines.setdefault(round(char["top"]), []).append(char)
    overlaps = [(left["text"], right["text"]) for line in lines.values()
                for left, right in itertools.pairwise(sorted(line, key=lambda c: c["x0"])) if right["x0"] < left["x1"] - 0.3]
    assert overlaps == []


def test_limits_find_no_problem_in_the_real_document():
    assert limits.check(parse.load_document(ROOT / "source"), ROOT / "fonts") == []


# 17. A refused image says why.

def test_a_refused_image_says_why(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(GOOD, source)
    (source / "figures" / "system.svg").write_text("<svg this is not\n", encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        build.build(build.Project(ROOT, source), tmp_path / "x.pdf", options=build.Options(parts=1, stamp=False))
    assert "figures/system.svg': ParseError: not well-formed (invalid token): line 1, column 10" in str(caught.value)
    assert not (tmp_path / "x.pdf").exists()


# 9. No renderer outlives the build, however it ends.

def _processes_in_group(group: int) -> dict[int, int]:
    """The live processes of a process group, each with its parent."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # Fields after the command's closing parenthesis: state, ppid, pgrp, …; a zombie
                # (Z) has ended, and waits only for a PID 1 that may not reap it.
                state, parent, process_group = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
                if int(process_group) == group and state != "Z":
                    found[int(entry.name)] = int(parent)
            except (OSError, IndexError, ValueError):
                continue
    return found


def _renderers(build_pid: int) -> int:
    """How many part renderers run: the processes forked by the build's renderer pool."""
    group = _processes_in_group(build_pid)
    return sum(1 for parent in group.values() if group.get(parent) == build_pid)


def _pool_started(build_pid: int) -> bool:
    return build_pid in _processes_in_group(build_pid).values()


def _wait_until(condition, what: str, build: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert build.poll() is None, f"the build ended (exit {build.returncode}) before it got to {what}"
        assert time.monotonic() < deadline, f"the build never got to {what}"
        time.sleep(0.02)


def _kill_warming_up(build: subprocess.Popen, parts: int) -> None:
    """While the sources are parsed and the renderer pool loads WeasyPrint."""
    _wait_until(lambda: _pool_started(build.pid), "start its renderer pool", build)
    build.send_signal(signal.SIGKILL)


def _terminate_rendering(build: subprocess.Popen, parts: int) -> None:
    """While every part renders."""
    _wait_until(lambda: _renderers(build.pid) == parts, "render its parts", build)
    build.send_signal(signal.SIGTERM)


def _kill_joined(build: subprocess.Popen, parts: int) -> None:
    """Once the parts are rendered and the pool joins them and hands the PDF over: the build
    is stopped while they render, so that the PDF cannot reach it before the kill does."""
    _wait_until(lambda: _renderers(build.pid) == parts, "render its parts", build)
    build.send_signal(signal.SIGSTOP)
    _wait_until(lambda: _renderers(build.pid) == 0, "the end of its parts", build)
    build.send_signal(signal.SIGKILL)


# At three moments, each waited for (a fixed delay finds another moment on a slower or a
# faster machine: after the build, on a quiet one).
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
@pytest.mark.parametrize("kill", [_kill_warming_up, _terminate_rendering, _kill_joined], ids=lambda kill: kill.__name__)
def test_a_killed_build_leaves_no_process_and_no_output(tmp_path, kill):
    target = tmp_path / "out" / "comparison.pdf"
    # Three chapters of three pages, each a part: long enough for every moment to be seen.
    paragraph = "熊本市の人口の推移と将来の見通しについて、各種の統計から分析する。" * 5
    chapters = {f"chapter-{number}.yaml": f"title: 章{number}\nrows:\n" + "".join(
        f"  - id: c{number}-{row}\n    draft: {paragraph}\n    current: {paragraph}\n" + ("    break: page\n" if row == 0 else "")
        for row in range(12)) for number in range(3)}
    source = document_with(tmp_path, "[" + ", ".join(name.removesuffix(".yaml") for name in chapters) + "]", chapters)
    for name in ("basics.yaml", "goal.yaml"):
        (source / name).unlink()
    parts = 3
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    # Its own session: the build and every process it starts share a process group to look for.
    build_process = subprocess.Popen([sys.executable, "-c", "from strategy_pdf.cli import main; main()", "build", "-q", "--no-cache",
                                      "--no-lint", "--parts", str(parts), "--source", str(source), "-o", str(target)],
                                     cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": str(temporary)})
    try:
        kill(build_process, parts)
    except BaseException:
        build_process.kill()  # the moment never came: stop it all the same
        raise
    finally:
        build_process.wait()
    deadline = time.monotonic() + 20
    while _processes_in_group(build_process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = list(_processes_in_group(build_process.pid))
    for pid in left:  # never leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == []
    assert not target.exists() and (not target.parent.exists() or not any(target.parent.iterdir()))
    if kill is _terminate_rendering:  # stopped, it clears up; killed (SIGKILL), nothing can
        assert list(temporary.iterdir()) == [] and build_process.returncode == 128 + signal.SIGTERM


# 10. --parts 1000 on a document of many page breaks starts no more renderers than a fixed cap.

def test_many_parts_start_no_more_renderers_than_the_cap(tmp_path, monkeypatch):
    rows = "".join(f"  - id: page-{number}\n    draft: {number}ページ目の段落。\n    break: page\n" for number in range(12))
    source = document_with(tmp_path, "[pages]", {"pages.yaml": f"title: 頁\nrows:\n{rows}"})
    for name in ("basics.yaml", "goal.yaml"):
        (source / name).unlink()
    started: list[int] = []
    render_together = engine.render_together
    monkeypatch.setattr(engine, "render_together",
                        lambda work, *rest: started.extend(len(job.htmls) for _, job, _ in work) or render_together(work, *rest))
    target = build.build(build.Project.at(ROOT, source), tmp_path / "x.pdf",
                         options=build.Options(parts=1000, stamp=False))
    assert started == [paginate.MOST_PARTS]
    assert len(read_pages(target)) >= 12
