"""Stage 4 on several cores: the parts of one document rendered side by side in forked
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

import io
import multiprocessing
import os
import traceback
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable

from . import pdf
from .errors import RenderError, StrategyPdfError


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
        with _numbered_on(numbering), _subsets_shared(sharing):
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


@contextmanager
def _numbered_on(numbering: Callable[[int], tuple[int, int]]):
    """While rendering, page numbers in margin boxes are shifted by the offset ``numbering``
    returns when it is told the part's page count, and the page total is the one it returns.
    WeasyPrint 70 builds every page's margin boxes after paginating the whole document, from
    the page's counter state; only that state is changed here, nothing of the layout."""
    import weasyprint.layout as layout

    original = layout.make_margin_boxes
    numbers: tuple[int, int] | None = None

    def make_margin_boxes(context, page, state):
        nonlocal numbers
        quote_depth, counter_values, counter_scopes, page_groups = state
        if numbers is None:
            numbers = numbering(counter_values["pages"][-1])
        offset, total = numbers
        counters = {**counter_values,
                    "page": [*counter_values["page"][:-1], counter_values["page"][-1] + offset],
                    "pages": [total]}
        return original(context, page, (quote_depth, counters, counter_scopes, page_groups))

    layout.make_margin_boxes = make_margin_boxes
    try:
        yield
    finally:
        layout.make_margin_boxes = original


@contextmanager
def _subsets_shared(sharing: Callable[[dict], dict]):
    """While rendering, each font embeds the glyphs ``sharing`` returns when it is told the
    glyphs this part drew: {font key: (glyph → text, glyph → width)}, keys being WeasyPrint's
    hash of the font description, stable across processes."""
    import weasyprint.pdf as weasyprint_pdf

    original = weasyprint_pdf.build_fonts_dictionary

    def build_fonts_dictionary(pdf_, fonts, compress, subset, options):
        drawn: dict[str, tuple[dict, dict]] = {}
        for font in fonts.values():
            texts, widths = drawn.setdefault(font.hash, ({}, {}))
            texts.update(font.to_unicode)
            widths.update(font.widths)
        everyone = sharing(drawn)
        for font in fonts.values():
            texts, widths = everyone[font.hash]
            font.to_unicode.clear()
            font.to_unicode.update(texts)
            font.widths.clear()
            font.widths.update(widths)
        return original(pdf_, fonts, compress, subset, options)

    weasyprint_pdf.build_fonts_dictionary = build_fonts_dictionary
    try:
        yield
    finally:
        weasyprint_pdf.build_fonts_dictionary = original


def _union(drawn_by_part: list[dict]) -> dict:
    """Every part's glyphs per font, in glyph order so that all parts write the same bytes."""
    union: dict[str, tuple[dict, dict]] = {}
    for drawn in drawn_by_part:
        for key, (texts, widths) in drawn.items():
            all_texts, all_widths = union.setdefault(key, ({}, {}))
            all_texts.update(texts)
            all_widths.update(widths)
    return {key: (dict(sorted(texts.items())), dict(sorted(widths.items()))) for key, (texts, widths) in union.items()}


def join(parts: list[pdf.Rendered]) -> bytes:
    """One PDF of the parts' pages and named destinations, with the first part's catalog and
    metadata, the font subsets the parts share stored once, and one outline rebuilt over all
    parts (a part may open inside a chapter of the one before, so its own outline cannot be
    kept as it is)."""
    import pikepdf

    documents = [pikepdf.open(io.BytesIO(part.data)) for part in parts]
    joined = documents[0]
    fonts: dict = {}
    _share_fonts(joined.pages, fonts)
    destinations = pikepdf.NameTree(joined.Root.Names.Dests) if "/Names" in joined.Root else None
    bookmarks = _bookmarks(joined, 0)
    for document in documents[1:]:
        first = len(joined.pages)
        bookmarks += _bookmarks(document, first)
        joined.pages.extend(document.pages)
        copied = {page.objgen: joined.pages[first + index].obj for index, page in enumerate(document.pages)}
        _share_fonts(joined.pages[first:], fonts)
        if destinations is not None and "/Names" in document.Root:
            for name, destination in pikepdf.NameTree(document.Root.Names.Dests).items():
                destinations[name] = pikepdf.Array([copied[destination[0].objgen], *destination[1:]])
    levels = [level for part in parts for level in part.bookmark_levels]
    with joined.open_outline() as outline:
        outline.root.clear()
        # As WeasyPrint nests them: under the last entry of a lower level.
        open_entries: list[tuple[int, list]] = [(0, outline.root)]
        for level, (title, page, left, top) in zip(levels, bookmarks, strict=True):
            while open_entries[-1][0] >= level:
                open_entries.pop()
            item = pikepdf.OutlineItem(title, page, "XYZ", left=left, top=top, zoom=0)
            open_entries[-1][1].append(item)
            open_entries.append((level, item.children))
    out = io.BytesIO()
    joined.save(out, deterministic_id=True)
    return out.getvalue()


def _bookmarks(document, first_page: int) -> list[tuple[str, int, float, float]]:
    """(title, page index in the joined PDF, left, top) of every outline entry, in order."""
    index = {page.objgen: first_page + number for number, page in enumerate(document.pages)}
    entries = []

    def walk(items) -> None:
        for item in items:
            page, _, left, top, *_ = item.destination
            entries.append((item.title, index[page.objgen], float(left), float(top)))
            walk(item.children)

    with document.open_outline() as outline:
        walk(outline.root)
    return entries


def _share_fonts(pages, fonts: dict) -> None:
    """Point these pages at the first part's copy of each font when both draw and extract
    alike (the parts agree on their subsets), so that each font is stored once."""
    for resources in {page.Resources.objgen: page.Resources for page in pages}.values():
        if "/Font" not in resources:
            continue
        for key, font in list(resources.Font.items()):
            signature = _font_signature(font)
            if key in fonts and signature is not None and signature == _font_signature(fonts[key]):
                resources.Font[key] = fonts[key]
            else:
                fonts.setdefault(key, font)


def _font_signature(font) -> tuple | None:
    """What decides how a composite font draws and extracts: its program, widths and text
    map; None for any other kind of font, which is then never shared."""
    import pikepdf

    if "/DescendantFonts" not in font:
        return None
    descendant = font.DescendantFonts[0]
    descriptor = descendant.FontDescriptor
    program = next((descriptor[key].read_raw_bytes() for key in ("/FontFile2", "/FontFile3") if key in descriptor), b"")
    return (str(font.BaseFont), program, descendant.get("/W", pikepdf.Array()).unparse(),
            font.ToUnicode.read_raw_bytes() if "/ToUnicode" in font else b"")
