"""The comparison on several cores: the parts of one document rendered side by side in forked
processes, numbered as one, and joined into one PDF.

Each part starts at a forced page break, so it paginates alone exactly as within the whole.
Only two things depend on the other parts, and WeasyPrint settles both late, so each
renderer stops twice to meet the others through the coordinator:
- page numbers, set in the margin boxes once the part is paginated: it tells its page count
  and goes on from the offset sent back;
- font subsets, made once every page is drawn: it tells the glyphs it drew and embeds the
  glyphs of all parts, so every part embeds the same subsets and the joined PDF keeps one
  copy of each (a part's own subsets would make the file about half as large again).
What the processes say to each other is in ``protocol``; the meetings are ``MEETINGS``.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable

from ..errors import RenderError, StrategyPdfError
from . import hooks, pdf
from .join import join
from .protocol import (Answer, Channel, Closed, Done, Failed, GlyphsDrawn, GlyphsShared, Job, Numbering,
                       PagesCounted, Progress, Question)


class Renderers:
    """A renderer started before the document is ready: it imports WeasyPrint and renders a
    warm-up page (fonts loaded, C types parsed: over a second) while the sources are parsed
    here; then it forks one process per part, each inheriting that warm state, coordinates
    them and joins their PDFs. Use as a context manager: leaving it stops every process."""

    def __init__(self, roots: tuple[Path, ...], stylesheets: tuple[Path, ...]):
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        self._pool = Channel(ours)
        # Not a daemon: daemons may not start processes of their own.
        self._process = context.Process(target=_pool, args=(roots, stylesheets, Channel(theirs), ours, os.getpid()))
        self._process.start()
        theirs.close()
        self._job_sent = False

    def __enter__(self) -> "Renderers":
        return self

    def __exit__(self, *_) -> None:
        self._pool.close()  # with a job, the pool stops its renderers when it sees this
        self._process.join(timeout=5 if self._job_sent else 0)
        if self._process.is_alive():  # still warming up (the sources failed) or stuck
            self._process.kill()
        self._process.join()

    def render(self, htmls: list[str], titles: list[str], progress: Callable[[str], None] | None = None) -> pdf.Pdf:
        """Render the parts at once, each in its own process, the pages of each numbered on
        from the parts before it; raise RenderError with every part's problems. The parts
        link no stylesheets: the renderer loaded them once, with their fonts."""
        self._pool.send(Job(tuple(htmls), tuple(titles), progress is not None))
        self._job_sent = True
        while True:
            match self._pool.receive():
                case Progress(text):
                    if progress is not None:
                        progress(text)
                case Done(rendered):
                    return rendered
                case Failed(message):
                    raise RenderError(message)
                case Closed():
                    raise RenderError(f"the renderer stopped (exit code {self._process.exitcode})")


def _pool(roots: tuple[Path, ...], stylesheets: tuple[Path, ...], build: Channel, builds_end: Connection,
          build_pid: int) -> None:
    _end_with_parent(build_pid)
    # The fork copied the build's end of the pipe too: closed here, the pipe reads as closed
    # once the build is gone, however it went.
    builds_end.close()
    try:
        styles = pdf.load_styles(stylesheets, roots)
        pdf.render_pdf(_WARM_UP, roots, styles=styles)
    except StrategyPdfError as error:
        styles, failure = None, str(error)
    job = build.receive()
    if not isinstance(job, Job):
        return  # the build stopped before rendering (a source error)
    if styles is None:
        build.send(Failed(failure))
        return
    context = multiprocessing.get_context("fork")
    parts: list[_Part] = []
    try:
        for html, title in zip(job.htmls, job.titles, strict=True):
            ours, theirs = context.Pipe()
            process = context.Process(target=_renderer, args=(html, roots, styles, Channel(theirs), job.progress, os.getpid()),
                                      daemon=True)
            process.start()
            theirs.close()
            parts.append(_Part(title, Channel(ours), process))
        import pikepdf  # noqa: F401 — for the join: loaded while the parts render, not after
        results = _coordinate(parts, build, job.progress)
        build.send(Done(pdf.Pdf(results[0].data if len(results) == 1 else join(results),
                                     sum(result.pages for result in results),
                                     tuple(level for result in results for level in result.bookmark_levels))))
    except _Abandoned:
        pass
    except RenderError as error:
        build.send(Failed(str(error)))
    except BaseException:  # a bug: still tell the build what happened
        build.send(Failed(traceback.format_exc()))
    finally:
        for part in parts:
            if part.process.is_alive():
                part.process.kill()
            part.process.join()
    build.close()
    os._exit(0)  # nothing to tear down that the build needs: leave the core to it


def _end_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent ends, even by SIGKILL, which runs
    no clean-up (Linux: a parent-death signal; elsewhere the closed pipe is what they see). A
    parent that is already gone leaves nothing to render for."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class _Abandoned(Exception):
    """The build went away while its parts were rendering."""


# Text in each of the fonts, so that the first render loads and shapes with all of them.
_WARM_UP = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head>
<body><p>本文、ひらがな・カタカナ（０１２３）abc 123</p><h1>見出し</h1><p><b>太字</b></p></body></html>"""


@dataclass(frozen=True)
class _Part:
    title: str
    channel: Channel
    process: multiprocessing.process.BaseProcess


def _numbering(asked: dict[int, PagesCounted]) -> dict[int, Numbering]:
    """Each part numbered on from the parts before it."""
    offset, answers = 0, {}
    for index in sorted(asked):
        answers[index] = Numbering(offset)
        offset += asked[index].pages
    return answers


def _shared_glyphs(asked: dict[int, GlyphsDrawn]) -> dict[int, GlyphsShared]:
    """Every part embeds the glyphs all parts drew."""
    shared = GlyphsShared(_union([asked[index].glyphs for index in sorted(asked)]))
    return {index: shared for index in asked}


@dataclass(frozen=True)
class Meeting:
    """Each part asks ``question`` once; when every part still rendering has asked,
    ``answer`` gives the answer of each."""

    question: type
    answer: Callable[[dict[int, Question]], dict[int, Answer]]


MEETINGS = (
    Meeting(PagesCounted, _numbering),  # paginated: where do my page numbers start?
    Meeting(GlyphsDrawn, _shared_glyphs),  # drawn: which glyphs do I embed?
)


def _coordinate(parts: list[_Part], build: Channel, report: bool) -> list[pdf.Pdf]:
    """Hold the parts' meetings and collect their PDFs; a part that fails is left out of
    the meetings so the others finish and report their own problems too."""
    count = len(parts)
    asked: dict[type, dict[int, Question]] = {meeting.question: {} for meeting in MEETINGS}
    results: dict[int, pdf.Pdf] = {}
    errors: dict[int, str] = {}
    status = [""] * count
    while len(results) + len(errors) < count:
        rendering = [part.channel for index, part in enumerate(parts) if index not in results and index not in errors]
        for channel in wait([build, *rendering]):
            if channel is build:
                raise _Abandoned()
            index = next(i for i, part in enumerate(parts) if part.channel is channel)
            match channel.receive():
                case Progress(text):
                    status[index] = f"{index + 1}/{count} {parts[index].title}: {text}"
                    if report:
                        build.send(Progress(" · ".join(line for line in status if line)))
                case Done(rendered):
                    results[index] = rendered
                case Failed(message):
                    errors[index] = message
                case Closed():
                    errors[index] = f"its renderer stopped (exit code {parts[index].process.exitcode})"
                case question if type(question) in asked:
                    asked[type(question)][index] = question
        for meeting in MEETINGS:
            questions = {index: question for index, question in asked[meeting.question].items() if index not in errors}
            if questions and all(index in questions or index in errors for index in range(count)):
                for index, answer in meeting.answer(questions).items():
                    parts[index].channel.send(answer)
                asked[meeting.question].clear()
    if errors:
        raise RenderError("\n".join(f"part {index + 1} of {count} ({parts[index].title}): {errors[index]}"
                                    for index in sorted(errors)))
    return [results[index] for index in range(count)]


def _renderer(html: str, roots: tuple[Path, ...], styles: pdf.Styles, pool: Channel, report: bool,
              pool_pid: int) -> None:
    _end_with_parent(pool_pid)
    try:
        # The two meetings, each a question the hook asks and waits on (see MEETINGS).
        with hooks.numbered_on(lambda pages: pool.ask(PagesCounted(pages)).offset), \
                hooks.subsets_shared(lambda drawn: pool.ask(GlyphsDrawn(drawn)).glyphs):
            rendered = pdf.render_pdf(html, roots, styles=styles,
                                      progress=(lambda text: pool.send(Progress(text))) if report else None)
        pool.send(Done(rendered))
    except StrategyPdfError as error:
        pool.send(Failed(str(error)))
    except BaseException:  # a bug: still tell the coordinator what happened, then stop
        pool.send(Failed(traceback.format_exc()))
    pool.close()
    # Leave at once: tearing down the layout's millions of objects would only take the
    # core the join needs now.
    os._exit(0)


def _union(drawn_by_part: list[dict]) -> dict:
    """Every part's glyphs per font, in glyph order: WeasyPrint writes each font's text map
    in the order it is given, and sorted it is the same whichever part drew a glyph first
    (and compresses smaller: the real document's comparison is 493 bytes lighter).
    Every part is sent this same dict, so every part writes the same subsets."""
    union: dict[str, tuple[dict, dict]] = {}
    for drawn in drawn_by_part:
        for key, (texts, widths) in drawn.items():
            all_texts, all_widths = union.setdefault(key, ({}, {}))
            all_texts.update(texts)
            all_widths.update(widths)
    return {key: (dict(sorted(texts.items())), dict(sorted(widths.items()))) for key, (texts, widths) in union.items()}
