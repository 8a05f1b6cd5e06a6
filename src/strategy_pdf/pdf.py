"""Stage 4, pdf: HTML → PDF with WeasyPrint, confined to the project's files and fonts.

WeasyPrint only logs what it cannot load (a font, a stylesheet, an image) and carries on;
here every warning it logs fails the build, and the PDF replaces the previous one only
once it is complete.
"""

from __future__ import annotations

import gc
import logging
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from .errors import RenderError

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
            collected.append(record.getMessage())

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
class Rendered:
    data: bytes
    pages: int
    bookmark_levels: tuple[int, ...] = ()  # each outline entry's bookmark-level, in order


def prepare_weasyprint(project_root: Path):
    """WeasyPrint, imported once fontconfig is confined to the project's fonts."""
    _isolate_fontconfig(project_root / FONTS_DIR)
    import weasyprint

    return weasyprint


def _project_only_fetcher(roots: tuple[Path, ...]):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    allowed = tuple(root.resolve() for root in roots)

    class ProjectOnlyFetcher(URLFetcher):
        """Fetches files inside the project; refuses the network and everything else."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise FatalURLFetchingError(f"refused to fetch {url}: only files inside the project are used")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed):
                raise FatalURLFetchingError(f"refused to fetch {url}: it is outside the project {allowed[0]}")
            return super().fetch(url, headers)

    return ProjectOnlyFetcher()


@contextmanager
def _margin_widths_measured_once():
    """Every page carries the same running title, draft mark and revision stamp in its margin
    boxes, and WeasyPrint measures their min- and max-content widths again on each page
    (about a tenth of a render). Those widths depend only on the boxes' text and the styles
    that size it: during a render they are measured once per distinct content and reused."""
    import weasyprint.layout.page as page_layout
    from weasyprint.formatting_structure import boxes

    originals = page_layout.min_content_width, page_layout.max_content_width

    def measured_once(measure):
        widths: dict[tuple, float] = {}

        def measure_margin_box(context, box, outer=True):
            if not isinstance(box, boxes.MarginBox):
                return measure(context, box, outer)
            content = tuple(box.descendants())
            if any(isinstance(child, boxes.ReplacedBox) for child in content):
                return measure(context, box, outer)
            key = (box.at_keyword, outer, tuple(_measured_by(child) for child in content))
            if key not in widths:
                widths[key] = measure(context, box, outer)
            return widths[key]

        return measure_margin_box

    page_layout.min_content_width, page_layout.max_content_width = map(measured_once, originals)
    try:
        yield
    finally:
        page_layout.min_content_width, page_layout.max_content_width = originals


# What a box's min- and max-content widths depend on besides its text and font: a margin
# box and the running element in it are fresh copies on every page, styles included.
_WIDTH_PROPERTIES = ("font_family", "font_size", "font_weight", "font_style", "font_stretch",
                     "letter_spacing", "word_spacing", "white_space", "text_indent", "text_transform",
                     "width", "min_width", "max_width", "box_sizing", "display", "float", "position",
                     "margin_left", "margin_right", "padding_left", "padding_right",
                     "border_left_width", "border_right_width", "border_left_style", "border_right_style")


def _measured_by(box) -> tuple:
    return (type(box), getattr(box, "text", None),
            tuple(repr(box.style[name]) for name in _WIDTH_PROPERTIES))


@dataclass(frozen=True)
class Styles:
    """Stylesheets parsed once, with the fonts they declare loaded, for HTML that does not
    link them: each render given them skips both (about a quarter second a render)."""

    sheets: tuple
    font_config: object


def load_styles(paths: tuple[Path, ...], roots: tuple[Path, ...]) -> Styles:
    """Parse the stylesheets and load their fonts; raise RenderError on any WeasyPrint warning."""
    weasyprint = prepare_weasyprint(roots[0])
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    font_config = FontConfiguration()
    with _warnings_as_errors() as warnings:
        try:
            sheets = tuple(weasyprint.CSS(filename=str(path), font_config=font_config,
                                          url_fetcher=_project_only_fetcher(roots)) for path in paths)
        except FatalURLFetchingError as exc:
            raise RenderError(str(exc)) from None
    if warnings:
        raise RenderError("WeasyPrint could not load the styles cleanly:\n" + "\n".join(f"  {w}" for w in warnings))
    return Styles(sheets, font_config)


def render_pdf(html: str, roots: tuple[Path, ...], variant: str | None = None,
               progress: Callable[[str], None] | None = None, styles: Styles | None = None) -> Rendered:
    """Render ``html`` to PDF bytes; raise RenderError on any WeasyPrint warning.
    ``roots``: the project (styles, fonts; the first) and the sources (figures): nothing else
    may be fetched. ``styles``: stylesheets loaded beforehand, for HTML that links none."""
    weasyprint = prepare_weasyprint(roots[0])
    from weasyprint.urls import FatalURLFetchingError

    with _warnings_as_errors() as warnings, _progress_to(progress), _margin_widths_measured_once():
        # Layout builds millions of short-lived objects and no cycles worth collecting
        # before the end: the collector only costs time here (about a tenth, measured).
        gc.disable()
        try:
            document = weasyprint.HTML(string=html, base_url=roots[0].resolve().as_uri() + "/",
                                       url_fetcher=_project_only_fetcher(roots)).render(
                stylesheets=styles.sheets if styles else None, font_config=styles.font_config if styles else None)
            data = document.write_pdf(pdf_variant=variant)
        except FatalURLFetchingError as exc:
            raise RenderError(str(exc)) from None
        finally:
            gc.enable()
    if warnings:
        raise RenderError("WeasyPrint could not render cleanly:\n" + "\n".join(f"  {w}" for w in warnings))
    levels = tuple(level for page in document.pages for level, *_ in page.bookmarks)
    return Rendered(data, len(document.pages), levels)


def write_atomically(data: bytes, target: Path) -> None:
    """Replace ``target`` only once ``data`` is completely on disk: a reader (a PDF viewer, the
    next step of a script) sees the old file or the new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp creates the file for its owner only; a PDF is for everyone who may read the folder.
        os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def write_pdf(html: str, target: Path, roots: tuple[Path, ...], variant: str | None = None,
              progress: Callable[[str], None] | None = None) -> None:
    """Render ``html`` to ``target`` atomically; raise RenderError on any WeasyPrint warning."""
    write_atomically(render_pdf(html, roots, variant, progress).data, target)
