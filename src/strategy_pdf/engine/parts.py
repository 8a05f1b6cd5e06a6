"""A document on several cores: its parts rendered side by side in forked processes,
numbered as one, and joined into one PDF; parts unchanged since a build before are
reused from the cache (``cache``), which gives the same bytes.

Each part starts at a forced page break, so it paginates alone exactly as within the whole.
Only three things depend on the other parts, and WeasyPrint settles them late, so each
renderer stops to meet the others through the coordinator:
- page numbers, set in the margin boxes once the part is paginated: it tells its page count
  and goes on from the offset sent back;
- for a text alone, the pages of the headings its contents page lists: each part, laid out,
  tells where its anchors fell, and the contents part, laid out first with stand-in
  numbers, is rendered with the real ones (the build writes its HTML);
- font subsets, made once every page is drawn: it tells the glyphs it drew and embeds the
  glyphs of all parts, so every part embeds the same subsets and the joined PDF keeps one
  copy of each (a part's own subsets would make the file about half as large again).
What the processes say to each other is in ``protocol``; the meetings are ``MEETINGS``."""

from __future__ import annotations

import atexit
import ctypes
import dataclasses
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable

from ..errors import RenderError, StrategyPdfError
from . import cache, hooks, pdf
from .join import join
from .protocol import (AnchorPages, AnchorsPlaced, Answer, Channel, Closed, ContentsHtml, ContentsWanted, Done,
                       Failed, GlyphsDrawn, GlyphsShared, Job, Numbering, PagesCounted, Progress, Question)


class Renderers:
    """A renderer started before the document is ready: it imports WeasyPrint and renders a
    warm-up page (fonts loaded, C types parsed: over a second) while the sources are parsed
    here; then it forks one process per part, each inheriting that warm state, coordinates
    them and joins their PDFs. Use as a context manager: leaving it stops every process.
    In a process that keeps warm (``keep_warm``) the renderer inherits that state instead."""

    def __init__(self, roots: tuple[Path, ...], stylesheets: tuple[Path, ...]):
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        self._pool = Channel(ours)
        warm = _warmed(roots, stylesheets) if _keeping_warm else None
        # Made and removed here: the renderers may be killed, and leave without clearing up.
        self._fonts = None if warm else Path(tempfile.mkdtemp(prefix="strategy-pdf-fonts-"))
        # Not a daemon: daemons may not start processes of their own.
        self._process = context.Process(target=_pool, args=(roots, stylesheets, warm or self._fonts, Channel(theirs),
                                                            ours, os.getpid()))
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
        if self._fonts is not None:
            shutil.rmtree(self._fonts, ignore_errors=True)


Work = tuple[Renderers, Job, Callable[[dict[str, int]], str] | None]


@dataclass(frozen=True)
class _Warm:
    """A layout's styles loaded and its fonts warmed (their files in ``fonts``), for the
    environment they were loaded in."""

    environment: bytes
    styles: pdf.Styles
    fonts: Path


_kept_warm: dict[tuple[tuple[Path, ...], tuple[Path, ...]], _Warm] = {}
_keeping_warm = False


def keep_warm() -> None:
    """For a process that builds again and again (``watch``, a test session): each layout's
    styles are loaded and its fonts warmed here, once, and every later build's renderer
    inherits them (about 0.2 s a build, and WeasyPrint's import the first time), where a
    single build warms them in its renderer while the sources are parsed."""
    global _keeping_warm
    if not _keeping_warm:
        atexit.register(_discard_kept_warm)
    _keeping_warm = True


def _discard_kept_warm() -> None:
    for kept in _kept_warm.values():
        shutil.rmtree(kept.fonts, ignore_errors=True)
    _kept_warm.clear()


def _warmed(roots: tuple[Path, ...], stylesheets: tuple[Path, ...]) -> _Warm | None:
    """The warm state for these styles, loaded again when a stylesheet, a font or the
    engine changed; None when they fail to load, so that the renderer reports why in its
    turn, after the sources, as it does in a single build."""
    try:
        environment = cache.environment(roots, stylesheets)
    except StrategyPdfError:  # another WeasyPrint version
        return None
    kept = _kept_warm.get((roots, stylesheets))
    if kept is None or kept.environment != environment:
        fonts = Path(tempfile.mkdtemp(prefix="strategy-pdf-fonts-"))
        try:
            warm = _warm_up(roots, stylesheets, fonts, environment)
        except StrategyPdfError:
            shutil.rmtree(fonts, ignore_errors=True)
            return None
        if kept is not None:  # no renderer still uses them: builds run one after the other
            shutil.rmtree(kept.fonts, ignore_errors=True)
        kept = _kept_warm[roots, stylesheets] = warm
    return kept


def _warm_up(roots: tuple[Path, ...], stylesheets: tuple[Path, ...], fonts: Path, environment: bytes) -> _Warm:
    """Load the styles (their fonts copied into ``fonts``), render a page with each font and
    import what the join needs: done once, before the parts, by the process they fork from."""
    import pikepdf  # noqa: F401 — for the join; 0.03 s that each build spent after the parts

    styles = pdf.load_styles(stylesheets, roots, fonts)
    pdf.render_pdf(_WARM_UP, roots, styles=styles)
    return _Warm(environment, styles, fonts)


def render_together(work: list[Work], progress: Callable[[str], None] | None = None) -> list[Done]:
    """Render each job's parts on its renderers (a layout's styles), all jobs at once so
    that the cores are never left idle between them, the pages of each part numbered on
    from the parts before it; answer a contents part with the HTML its job's function
    writes for the pages of the headings. The results in order; raises RenderError with
    every job's problems once all have ended. The parts link no stylesheets: each
    renderer loaded its own once, with their fonts."""
    for renderers, job, _ in work:
        renderers._pool.send(job)
        renderers._job_sent = True
    waiting = {id(renderers._pool): index for index, (renderers, _, _) in enumerate(work)}
    results: dict[int, Done] = {}
    errors: dict[int, str] = {}
    while waiting:
        for channel in wait([renderers._pool for renderers, _, _ in work if id(renderers._pool) in waiting]):
            index = waiting[id(channel)]
            renderers, _, contents = work[index]
            match channel.receive():
                case Progress(text):
                    if progress is not None:
                        progress(text)
                    continue
                case ContentsWanted(pages) if contents is not None:
                    channel.send(ContentsHtml(contents(pages)))
                    continue
                case Done() as done:
                    results[index] = done
                case Failed(message):
                    errors[index] = message
                case Closed():
                    errors[index] = f"the renderer stopped (exit code {renderers._process.exitcode})"
                case other:
                    errors[index] = f"the renderer said {type(other).__name__} out of turn"
            del waiting[id(channel)]
    if errors:
        raise RenderError("\n".join(errors[index] for index in sorted(errors)))
    return [results[index] for index in range(len(work))]


def _pool(roots: tuple[Path, ...], stylesheets: tuple[Path, ...], warm: _Warm | Path, build: Channel,
          builds_end: Connection, build_pid: int) -> None:
    """``warm``: the warm state this process inherits, or the folder for the fonts it loads."""
    _end_with_parent(build_pid)
    # The fork copied the build's end of the pipe too: closed here, the pipe reads as closed
    # once the build is gone, however it went.
    builds_end.close()
    try:
        if not isinstance(warm, _Warm):
            warm = _warm_up(roots, stylesheets, warm, cache.environment(roots, stylesheets))
        styles, environment = warm.styles, warm.environment
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
        for index, (html, title) in enumerate(zip(job.htmls, job.titles, strict=True)):
            task = _Task(html, job.images[index] if job.images else (), environment, job.cache,
                         contents=job.contents and index == 0, anchors=job.contents)
            ours, theirs = context.Pipe()
            process = context.Process(target=_renderer, args=(task, roots, styles, Channel(theirs), job.progress, os.getpid()),
                                      daemon=True)
            process.start()
            theirs.close()
            parts.append(_Part(title, Channel(ours), process))
        results = _coordinate(parts, build, job.progress)
        if job.cache is not None:
            cache.prune(job.cache)
        pdfs = [done.pdf for done in results]
        build.send(Done(pdf.Pdf(pdfs[0].data if len(pdfs) == 1 else join(pdfs),
                                sum(result.pages for result in pdfs),
                                tuple(level for result in pdfs for level in result.bookmark_levels)),
                        sum(done.reused for done in results)))
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
    # The command unwinds on SIGTERM (cli); a renderer told to stop just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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


@dataclass(frozen=True)
class _Task:
    """What a renderer is given: its part's HTML, the images it shows and the digest of
    what all parts depend on (for its cache key), the cache folder, whether it is the
    contents part, and whether the job holds the anchors meeting."""

    html: str
    images: tuple[Path, ...]
    environment: bytes
    cache_folder: Path | None
    contents: bool
    anchors: bool


def _numbering(asked: dict[int, PagesCounted]) -> dict[int, Numbering]:
    """Each part numbered on from the parts before it."""
    offset, answers = 0, {}
    for index in sorted(asked):
        answers[index] = Numbering(offset)
        offset += asked[index].pages
    return answers


def _anchor_pages(asked: dict[int, AnchorsPlaced]) -> dict[int, AnchorPages]:
    """Every part is told the page of every anchor (only the contents part reads them)."""
    everywhere = AnchorPages({name: page for index in sorted(asked) for name, page in asked[index].pages.items()})
    return {index: everywhere for index in asked}


def _shared_glyphs(asked: dict[int, GlyphsDrawn]) -> dict[int, GlyphsShared]:
    """Every part embeds the glyphs all parts drew. A part reused from the cache keeps the
    subsets it was rendered with; each font needs one part whose subset is current (the
    join gives it to all), so where no part would have one, the first reused part that
    draws the font renders again."""
    union = _union([asked[index].glyphs for index in sorted(asked)])
    current = cache.digests(union)
    again: set[int] = set()
    for font in union:
        drawing = [index for index in sorted(asked) if font in asked[index].glyphs]
        if not any(asked[index].embedded is None or asked[index].embedded.get(font) == current[font]
                   for index in drawing):
            again.add(drawing[0])
    return {index: GlyphsShared(union, index in again) for index in asked}


@dataclass(frozen=True)
class Meeting:
    """Each part asks ``question`` once; when every part still rendering has asked,
    ``answer`` gives the answer of each."""

    question: type
    answer: Callable[[dict[int, Question]], dict[int, Answer]]


MEETINGS = (
    Meeting(PagesCounted, _numbering),  # paginated: where do my page numbers start?
    Meeting(AnchorsPlaced, _anchor_pages),  # laid out: on which page is each anchor? (with a contents part)
    Meeting(GlyphsDrawn, _shared_glyphs),  # drawn: which glyphs do I embed?
)


def _coordinate(parts: list[_Part], build: Channel, report: bool) -> list[Done]:
    """Hold the parts' meetings and collect their PDFs; a part that fails is left out of
    the meetings so the others finish and report their own problems too."""
    count = len(parts)
    asked: dict[type, dict[int, Question]] = {meeting.question: {} for meeting in MEETINGS}
    results: dict[int, pdf.Pdf] = {}
    errors: dict[int, str] = {}
    status = [""] * count
    contents_asker: int | None = None  # the part waiting for the build to write its HTML
    while len(results) + len(errors) < count:
        rendering = [part.channel for index, part in enumerate(parts) if index not in results and index not in errors]
        for channel in wait([build, *rendering]):
            if channel is build:
                match build.receive():
                    case ContentsHtml() as html if contents_asker is not None:
                        parts[contents_asker].channel.send(html)
                        contents_asker = None
                        continue
                    case _:
                        raise _Abandoned()
            index = next(i for i, part in enumerate(parts) if part.channel is channel)
            match channel.receive():
                case ContentsWanted() as question:
                    build.send(question)
                    contents_asker = index
                case Progress(text):
                    status[index] = f"{index + 1}/{count} {parts[index].title}: {text}"
                    if report:
                        build.send(Progress(" · ".join(line for line in status if line)))
                case Done() as done:
                    results[index] = done
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


def _renderer(task: _Task, roots: tuple[Path, ...], styles: pdf.Styles, pool: Channel, report: bool,
              pool_pid: int) -> None:
    _end_with_parent(pool_pid)
    try:
        pool.send(_Rendering(task, roots, styles, pool, (lambda text: pool.send(Progress(text))) if report else None).run())
    except StrategyPdfError as error:
        pool.send(Failed(str(error)))
    except BaseException:  # a bug: still tell the coordinator what happened, then stop
        pool.send(Failed(traceback.format_exc()))
    pool.close()
    # Leave at once: tearing down the layout's millions of objects would only take the
    # core the join needs now.
    os._exit(0)


@dataclass(frozen=True)
class _Rendering:
    """One part through the meetings: rendered, or reused from its cache entry when the
    entry was rendered with the same first page and the same shared glyphs (an entry
    tells the meetings what its render would have told them)."""

    task: _Task
    roots: tuple[Path, ...]
    styles: pdf.Styles
    pool: Channel
    progress: Callable[[str], None] | None

    def run(self) -> Done:
        if self.task.contents:
            return self._contents()
        address = self._address(self.task.html)
        entry = self._entry(address)
        if entry is None:
            return Done(self._render(self.task.html, address))
        offset = self.pool.ask(PagesCounted(entry.pdf.pages)).offset
        if self.task.anchors:
            self.pool.ask(AnchorsPlaced(_on_pages(entry.anchors, offset)))
        return self._numbered(self.task.html, address, entry, offset, entry.pdf.pages)

    def _contents(self) -> Done:
        """The contents page: laid out with stand-in page numbers to count its pages, then,
        once every anchor's page is known, rendered as the build writes it with them."""
        pages = pdf.count_pages(self.task.html, self.roots, self.styles)
        offset = self.pool.ask(PagesCounted(pages)).offset
        everywhere = self.pool.ask(AnchorsPlaced({})).pages
        html = self.pool.ask(ContentsWanted(everywhere)).html
        address = self._address(html)
        return self._numbered(html, address, self._entry(address), offset, pages)

    def _numbered(self, html: str, address: str | None, entry: cache.Entry | None, offset: int, pages: int) -> Done:
        """Past the meetings before drawing: the part starts after page ``offset`` and takes ``pages``."""
        if entry is not None and (entry.offset, entry.pdf.pages) == (offset, pages):
            shared = self.pool.ask(GlyphsDrawn(entry.drawn, entry.embedded))
            if not shared.again:
                current = cache.digests(shared.glyphs)
                return Done(dataclasses.replace(entry.pdf, shared_fonts=frozenset(
                    font for font, digest in entry.embedded.items() if current.get(font) == digest)), reused=1)
            return Done(self._render(html, address, numbered=(offset, pages), shared=shared.glyphs))
        return Done(self._render(html, address, numbered=(offset, pages)))

    def _render(self, html: str, address: str | None, numbered: tuple[int, int] | None = None,
                shared: hooks.Glyphs | None = None) -> pdf.Pdf:
        """Render, asking the meetings not yet held (``numbered``: the first page's offset and
        the page count already told; ``shared``: the glyphs already shared); store the
        result in the cache with what it was told."""
        told: dict = {}

        def page_offset(pages: int) -> int:
            if numbered is None:
                told["offset"] = self.pool.ask(PagesCounted(pages)).offset
            elif pages != numbered[1]:
                raise RenderError(_PAGES_CHANGED.format(told=numbered[1], pages=pages))
            else:
                told["offset"] = numbered[0]
            return told["offset"]

        def laid_out(anchors: dict[str, int]) -> None:
            told["anchors"] = anchors
            if numbered is None and self.task.anchors:
                self.pool.ask(AnchorsPlaced(_on_pages(anchors, told["offset"])))

        def embedded(drawn: hooks.Glyphs) -> hooks.Glyphs:
            told["drawn"] = drawn
            if shared is None:
                told["shared"] = self.pool.ask(GlyphsDrawn(drawn)).glyphs
            elif any(not texts.keys() <= shared.get(font, ({}, {}))[0].keys() for font, (texts, _) in drawn.items()):
                raise RenderError("a part drew glyphs its cached rendering had not: remove build/cache and build again")
            else:
                told["shared"] = shared
            return told["shared"]

        with hooks.numbered_on(page_offset), hooks.subsets_shared(embedded):
            rendered = pdf.render_pdf(html, self.roots, styles=self.styles, progress=self.progress, laid_out=laid_out)
        fonts = cache.digests({font: told["shared"][font] for font in told["drawn"]})
        if address is not None and self.task.cache_folder is not None:
            cache.write(self.task.cache_folder, address,
                        cache.Entry(rendered, told["offset"], fonts, told["drawn"], told["anchors"]))
        return dataclasses.replace(rendered, shared_fonts=frozenset(fonts))

    def _address(self, html: str) -> str | None:
        return cache.key(self.task.environment, html, self.task.images) if self.task.cache_folder is not None else None

    def _entry(self, address: str | None) -> cache.Entry | None:
        return cache.read(self.task.cache_folder, address) if address is not None else None


_PAGES_CHANGED = ("the contents page took {told} page(s) laid out with stand-in page numbers and {pages} with the"
                  " real ones, so the pages after it would be numbered wrong: build it in one piece (--parts 1)")


def _on_pages(anchors: dict[str, int], offset: int) -> dict[str, int]:
    """A part's anchors on the document's pages."""
    return {name: page + offset for name, page in anchors.items()}


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
