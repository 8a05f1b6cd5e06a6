"""The comparison on several cores: the parts of one document rendered side by side in forked
processes, numbered as one, and joined into one PDF.

Each part starts at a forced page break, so it paginates alone exactly as within the whole.
Only two things depend on the other parts, and WeasyPrint settles both late, so each
renderer stops twice to meet the others through the coordinator:
- page numbers, set in the margin boxes once the part is paginated: it tells its page count
  and goes on with the offset and the total sent back;
- font subsets, made once every page is drawn: it tells the glyphs it drew and embeds the
  glyphs of all parts, so every part embeds the same subsets and the joined PDF keeps one
  copy of each (a part's own subsets would make the file about half as large again).
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable

from ..errors import RenderError, StrategyPdfError
from . import hooks, pdf
from .join import join


class Renderers:
    """A renderer started before the document is ready: it imports WeasyPrint and renders a
    warm-up page (fonts loaded, C types parsed: over a second) while the sources are parsed
    here; then it forks one process per part, each inheriting that warm state, coordinates
    them and joins their PDFs. Use as a context manager: leaving it stops every process."""

    def __init__(self, roots: tuple[Path, ...], stylesheets: tuple[Path, ...]):
        context = multiprocessing.get_context("fork")
        self._connection, theirs = context.Pipe()
        # Not a daemon: daemons may not start processes of their own.
        self._process = context.Process(target=_pool, args=(roots, stylesheets, theirs))
        self._process.start()
        theirs.close()
        self._rendering = False

    def __enter__(self) -> "Renderers":
        return self

    def __exit__(self, *_) -> None:
        self._connection.close()  # once rendering, the pool stops its renderers when it sees this
        if self._rendering:
            self._process.join(timeout=5)
        if self._process.is_alive():  # still warming up (the sources failed) or stuck
            self._process.kill()
        self._process.join()

    def render(self, htmls: list[str], titles: list[str], progress: Callable[[str], None] | None = None) -> pdf.Rendered:
        """Render the parts at once, each in its own process, the pages of each numbered on
        from the parts before it; raise RenderError with every part's problems. The parts
        link no stylesheets: the renderer loaded them once, with their fonts."""
        self._connection.send((htmls, titles, progress is not None))
        self._rendering = True
        while True:
            try:
                kind, value = self._connection.recv()
            except EOFError:
                raise RenderError(f"the renderer stopped (exit code {self._process.exitcode})") from None
            if kind == "progress":
                if progress is not None:
                    progress(value)
            elif kind == "done":
                return value
            else:
                raise RenderError(value)


def _pool(roots: tuple[Path, ...], stylesheets: tuple[Path, ...], parent: Connection) -> None:
    try:
        styles = pdf.load_styles(stylesheets, roots)
        pdf.render_pdf(_WARM_UP, roots, styles=styles)
    except StrategyPdfError as error:
        styles, failure = None, str(error)
    try:
        htmls, titles, report = parent.recv()
    except EOFError:
        return  # the build stopped before rendering (a source error)
    if styles is None:
        parent.send(("error", failure))
        return
    context = multiprocessing.get_context("fork")
    connections, processes = [], []
    try:
        for html in htmls:
            ours, theirs = context.Pipe()
            process = context.Process(target=_renderer, args=(html, roots, styles, theirs, report), daemon=True)
            process.start()
            theirs.close()
            connections.append(ours)
            processes.append(process)
        import pikepdf  # noqa: F401 — for the join: loaded while the parts render, not after
        results = _coordinate(connections, processes, titles, parent,
                              (lambda message: parent.send(("progress", message))) if report else None)
        parent.send(("done", pdf.Rendered(results[0].data if len(results) == 1 else join(results),
                                          sum(result.pages for result in results),
                                          tuple(level for result in results for level in result.bookmark_levels))))
    except _Abandoned:
        pass
    except RenderError as error:
        parent.send(("error", str(error)))
    except BaseException:  # a bug: still tell the build what happened
        parent.send(("error", traceback.format_exc()))
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
    parent.close()
    os._exit(0)  # nothing to tear down that the build needs: leave the core to it


class _Abandoned(Exception):
    """The build went away while its parts were rendering."""


# Text in each of the fonts, so that the first render loads and shapes with all of them.
_WARM_UP = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head>
<body><p>本文、ひらがな・カタカナ（０１２３）abc 123</p><h1>見出し</h1><p><b>太字</b></p></body></html>"""


def _coordinate(connections: list[Connection], processes, titles: list[str], parent: Connection,
                progress: Callable[[str], None] | None) -> list[pdf.Rendered]:
    """Run the parts' two meetings (page counts → offsets; glyphs → shared subsets) and
    collect their PDFs; a part that fails is left out of the meetings so the others finish
    and report their own problems too."""
    count = len(connections)
    pages: dict[int, int] = {}
    glyphs: dict[int, dict] = {}
    results: dict[int, pdf.Rendered] = {}
    errors: dict[int, str] = {}
    status = [""] * count
    numbered = shared = False
    while len(results) + len(errors) < count:
        waiting = [c for i, c in enumerate(connections) if i not in results and i not in errors]
        for connection in wait([parent, *waiting]):
            if connection is parent:
                raise _Abandoned()
            index = connections.index(connection)
            try:
                kind, value = connection.recv()
            except EOFError:
                kind, value = "error", f"its renderer stopped (exit code {processes[index].exitcode})"
            if kind == "progress":
                status[index] = f"{index + 1}/{count} {titles[index]}: {value}"
                if progress is not None:
                    progress(" · ".join(line for line in status if line))
            elif kind == "pages":
                pages[index] = value
            elif kind == "glyphs":
                glyphs[index] = value
            elif kind == "done":
                results[index] = value
            else:
                errors[index] = value
        if not numbered and len(pages.keys() | errors.keys()) == count:
            total, offset = sum(pages.values()), 0
            for index in sorted(pages.keys() - errors.keys()):
                connections[index].send((offset, total))
                offset += pages[index]
            numbered = True
        if not shared and len(glyphs.keys() | errors.keys()) == count:
            union = _union([glyphs[index] for index in sorted(glyphs)])
            for index in sorted(glyphs.keys() - errors.keys()):
                connections[index].send(union)
            shared = True
    if errors:
        raise RenderError("\n".join(f"part {index + 1} of {count} ({titles[index]}): {errors[index]}"
                                    for index in sorted(errors)))
    return [results[index] for index in range(count)]


def _renderer(html: str, roots: tuple[Path, ...], styles: pdf.Styles, connection: Connection, report: bool) -> None:
    def numbering(pages: int) -> tuple[int, int]:
        connection.send(("pages", pages))
        return connection.recv()

    def sharing(glyphs: dict) -> dict:
        connection.send(("glyphs", glyphs))
        return connection.recv()

    def progress(message: str) -> None:
        connection.send(("progress", message))

    try:
        with hooks.numbered_on(numbering), hooks.subsets_shared(sharing):
            rendered = pdf.render_pdf(html, roots, progress=progress if report else None, styles=styles)
        connection.send(("done", rendered))
    except StrategyPdfError as error:
        connection.send(("error", str(error)))
    except BaseException:  # a bug: still tell the coordinator what happened, then stop
        connection.send(("error", traceback.format_exc()))
    connection.close()
    # Leave at once: tearing down the layout's millions of objects would only take the
    # core the join needs now.
    os._exit(0)


def _union(drawn_by_part: list[dict]) -> dict:
    """Every part's glyphs per font, in glyph order so that all parts write the same bytes."""
    union: dict[str, tuple[dict, dict]] = {}
    for drawn in drawn_by_part:
        for key, (texts, widths) in drawn.items():
            all_texts, all_widths = union.setdefault(key, ({}, {}))
            all_texts.update(texts)
            all_widths.update(widths)
    return {key: (dict(sorted(texts.items())), dict(sorted(widths.items()))) for key, (texts, widths) in union.items()}
