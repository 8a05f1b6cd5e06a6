"""One HTML → one PDF with WeasyPrint, confined to the project's files and fonts.

WeasyPrint only logs what it cannot load (a font, a stylesheet, an image) and carries on;
here every warning it logs fails the render.
"""

from __future__ import annotations

import gc
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import RenderError
from . import hooks
from .fetcher import project_only_fetcher

FONTS_DIR = "fonts"


def _isolate_fontconfig(fonts_dir: Path) -> None:
    """Let fontconfig see the vendored fonts only: no fallback to whatever the machine has."""
    os.environ["FONTCONFIG_FILE"] = str((fonts_dir / "fonts.conf").resolve())


@contextmanager
def _progress_to(report: Callable[[str], None] | None):
    """Pass WeasyPrint's own progress messages (its steps, page by page) to ``report``."""
    if report is None:
        yield
        return

    class Report(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            report(record.getMessage())

    logger = logging.getLogger("weasyprint.progress")
    handler, previous_level = Report(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


@contextmanager
def _warnings_as_errors():
    collected: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            # An image WeasyPrint refuses is logged as "Failed to load image at …: " with an
            # empty error; its reason is that error's cause.
            arguments = record.args if isinstance(record.args, tuple) else ()
            cause = next((arg.__cause__ for arg in arguments if isinstance(arg, BaseException) and arg.__cause__), None)
            if cause is not None and message.endswith(": "):
                message += f"{type(cause).__name__}: {cause}"
            collected.append(message)

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    previous_propagate = logger.propagate
    logger.propagate = False
    try:
        yield collected
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous_propagate


@dataclass(frozen=True)
class Pdf:
    """A rendered PDF: its bytes, and what the join needs to know of it."""

    data: bytes
    pages: int
    bookmark_levels: tuple[int, ...] = ()  # each outline entry's bookmark-level, in order
    # The fonts (WeasyPrint's font keys, the PDF's resource names) whose subsets hold the
    # glyphs all parts drew: the joined PDF keeps one copy of each, and every part uses it.
    shared_fonts: frozenset[str] = frozenset()


def prepare_weasyprint(project_root: Path):
    """WeasyPrint, imported once fontconfig is confined to the project's fonts."""
    _isolate_fontconfig(project_root / FONTS_DIR)
    import weasyprint

    hooks.check_version(weasyprint.__version__)
    return weasyprint


@dataclass(frozen=True)
class Styles:
    """Stylesheets parsed once, with the fonts they declare loaded, for HTML that does not
    link them: each render given them skips both (about a quarter second a render)."""

    sheets: tuple
    font_config: object


def load_styles(paths: tuple[Path, ...], roots: tuple[Path, ...], fonts: Path) -> Styles:
    """Parse the stylesheets and load their fonts, copying the font files into the folder
    ``fonts`` (its maker removes it); raise RenderError on any WeasyPrint warning."""
    weasyprint = prepare_weasyprint(roots[0])
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    font_config = FontConfiguration()
    hooks.fonts_copied_to(font_config, fonts)
    with _warnings_as_errors() as warnings:
        try:
            sheets = tuple(weasyprint.CSS(filename=str(path), font_config=font_config,
                                          url_fetcher=project_only_fetcher(roots)) for path in paths)
        except FatalURLFetchingError as exc:
            raise RenderError(str(exc)) from None
    if warnings:
        raise RenderError("WeasyPrint could not load the styles cleanly:\n" + "\n".join(f"  {w}" for w in warnings))
    return Styles(sheets, font_config)


def render_pdf(html: str, roots: tuple[Path, ...], variant: str | None = None,
               progress: Callable[[str], None] | None = None, styles: Styles | None = None,
               laid_out: Callable[[dict[str, int]], None] | None = None) -> Pdf:
    """Render ``html`` to PDF bytes; raise RenderError on any WeasyPrint warning.
    ``roots``: the project (styles, fonts; the first) and the sources (figures): nothing else
    may be fetched. ``styles``: stylesheets loaded beforehand, for HTML that links none.
    ``laid_out`` is told the page (from 1) of every anchor once the pages are laid out,
    before they are drawn."""
    with _rendering(roots, progress) as weasyprint:
        document = _laid_out(weasyprint, html, roots, styles)
        if laid_out is not None:
            laid_out({name: number for number, page in enumerate(document.pages, start=1) for name in page.anchors})
        data = document.write_pdf(pdf_variant=variant)
    levels = tuple(level for page in document.pages for level, *_ in page.bookmarks)
    return Pdf(data, len(document.pages), levels)


def count_pages(html: str, roots: tuple[Path, ...], styles: Styles | None = None) -> int:
    """How many pages ``html`` takes, laid out as render_pdf lays it out, never drawn."""
    with _rendering(roots, None) as weasyprint:
        return len(_laid_out(weasyprint, html, roots, styles).pages)


@contextmanager
def _rendering(roots: tuple[Path, ...], progress: Callable[[str], None] | None):
    weasyprint = prepare_weasyprint(roots[0])
    from weasyprint.urls import FatalURLFetchingError

    with _warnings_as_errors() as warnings, _progress_to(progress), \
            hooks.margin_widths_measured_once():
        # Layout builds millions of short-lived objects and no cycles worth collecting
        # before the end: the collector only costs time here (about a tenth, measured).
        gc.disable()
        try:
            yield weasyprint
        except FatalURLFetchingError as exc:
            raise RenderError(str(exc)) from None
        finally:
            gc.enable()
    if warnings:
        raise RenderError("WeasyPrint could not render cleanly:\n" + "\n".join(f"  {w}" for w in warnings))


def _laid_out(weasyprint, html: str, roots: tuple[Path, ...], styles: Styles | None):
    return weasyprint.HTML(string=html, base_url=roots[0].resolve().as_uri() + "/",
                           url_fetcher=project_only_fetcher(roots)).render(
        stylesheets=styles.sheets if styles else None, font_config=styles.font_config if styles else None)
