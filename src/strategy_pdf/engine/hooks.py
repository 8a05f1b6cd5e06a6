"""Every change made to WeasyPrint's internals, for the one version they were written against.

WeasyPrint offers no API for what these do, so three replace one of its functions for the
length of a render and restore it after, and one tells a font configuration where to keep
its files. Those functions' signatures and the page-state
tuple changed between WeasyPrint 60, 64 and 69: before a hook is installed, the installed
version is checked, and an upgrade means reading this file against the new version's
``layout/page.py``, ``layout/preferred.py``, ``layout/__init__.py``, ``pdf/fonts.py`` and
``text/fonts.py``.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..errors import StrategyPdfError

# The version every hook below was read against; pyproject.toml pins the same.
WEASYPRINT_VERSION = "70.0"


class WeasyPrintVersionError(StrategyPdfError):
    """The installed WeasyPrint is not the one the hooks were written for."""


def check_version(installed: str) -> None:
    if installed != WEASYPRINT_VERSION:
        raise WeasyPrintVersionError(
            f"WeasyPrint {installed} is installed, but strategy_pdf/engine/hooks.py is written for the internals"
            f" of WeasyPrint {WEASYPRINT_VERSION}: reinstall with `make` (pyproject.toml pins it) or port the hooks")


def _weasyprint():
    """WeasyPrint, once its version is known to be the hooks' (it is imported by then)."""
    import weasyprint

    check_version(weasyprint.__version__)
    return weasyprint


@contextmanager
def _replaced(module, name: str, replacement) -> Iterator[None]:
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextmanager
def margin_widths_measured_once() -> Iterator[None]:
    """Every page carries the same running title, draft mark and revision stamp in its margin
    boxes, and WeasyPrint measures their min- and max-content widths again on each page
    (about a tenth of a render). A measurement's result follows from the boxes' types and
    texts and from the style properties it reads: each is measured once with every read
    recorded, and reused for a later box of the same types and texts whose recorded
    properties have the same values (``layout/page.py`` calls these two functions)."""
    _weasyprint()
    import weasyprint.layout.page as page_layout
    from weasyprint.formatting_structure import boxes

    def measured_once(measure):
        measured: dict[tuple, list[tuple[tuple[tuple[int, str], ...], tuple, float]]] = {}

        def measure_margin_box(context, box, outer=True):
            if not isinstance(box, boxes.MarginBox):
                return measure(context, box, outer)
            content = tuple(box.descendants())
            if any(isinstance(child, boxes.ReplacedBox) for child in content):
                return measure(context, box, outer)
            shape = (box.at_keyword, outer, tuple((type(child), getattr(child, "text", None)) for child in content))
            for reads, values, width in measured.get(shape, ()):
                if _values(content, reads) == values:
                    return width
            recorded: dict[int, set[str]] = {index: set() for index in range(len(content))}
            styles = [child.style for child in content]
            for index, child in enumerate(content):
                child.style = _ReadsRecorded(child.style, recorded[index])
            try:
                width = measure(context, box, outer)
            finally:
                for child, style in zip(content, styles):
                    child.style = style
            reads = tuple((index, name) for index in sorted(recorded) for name in sorted(recorded[index]))
            measured.setdefault(shape, []).append((reads, _values(content, reads), width))
            return width

        return measure_margin_box

    with _replaced(page_layout, "min_content_width", measured_once(page_layout.min_content_width)), \
            _replaced(page_layout, "max_content_width", measured_once(page_layout.max_content_width)):
        yield


def _values(content: tuple, reads: tuple[tuple[int, str], ...]) -> tuple:
    return tuple(repr(content[index].style[name]) for index, name in reads)


class _ReadsRecorded:
    """A box's style that notes the name of every property read from it (a copy made of
    it notes into the same set: what is read of the copy was read of the style)."""

    def __init__(self, style, reads: set[str]):
        self._style, self._reads = style, reads

    def __getitem__(self, name):
        self._reads.add(name)
        return self._style[name]

    def get(self, name, default=None):
        self._reads.add(name)
        return self._style.get(name, default)

    def __contains__(self, name) -> bool:
        self._reads.add(name)
        return name in self._style

    def __setitem__(self, name, value) -> None:
        self._style[name] = value

    def items(self):
        self._reads.update(self._style.keys())
        return self._style.items()

    def copy(self) -> "_ReadsRecorded":
        return _ReadsRecorded(self._style.copy(), self._reads)

    def __getattr__(self, name):  # parent_style, font_config, cache …: not properties
        return getattr(self._style, name)


@contextmanager
def numbered_on(page_offset: Callable[[int], int]) -> Iterator[None]:
    """Page numbers in margin boxes shifted by the offset ``page_offset`` returns when told
    this render's page count. WeasyPrint 70 builds every page's margin boxes after
    paginating the whole document, from the page's counter state (quote depth, counter
    values, counter scopes, page groups): only its page counter is changed here, nothing
    of the layout (``layout/__init__.py`` calls ``make_margin_boxes``). No stylesheet
    prints counter(pages), so the total is left to each part."""
    _weasyprint()
    import weasyprint.layout as layout

    original = layout.make_margin_boxes
    offset: int | None = None

    def make_margin_boxes(context, page, state):
        nonlocal offset
        quote_depth, counter_values, counter_scopes, page_groups = state
        if offset is None:
            offset = page_offset(counter_values["pages"][-1])
        counters = {**counter_values, "page": [*counter_values["page"][:-1], counter_values["page"][-1] + offset]}
        return original(context, page, (quote_depth, counters, counter_scopes, page_groups))

    with _replaced(layout, "make_margin_boxes", make_margin_boxes):
        yield


Glyphs = dict[str, tuple[dict, dict]]  # font key → (glyph → text, glyph → width)


@contextmanager
def subsets_shared(shared: Callable[[Glyphs], Glyphs]) -> Iterator[None]:
    """Each font embeds the glyphs ``shared`` returns when told the glyphs this render drew,
    font keys being WeasyPrint's hash of the font description, stable across processes
    (``pdf/__init__.py`` calls ``build_fonts_dictionary`` once every page is drawn)."""
    _weasyprint()
    import weasyprint.pdf as weasyprint_pdf

    original = weasyprint_pdf.build_fonts_dictionary

    def build_fonts_dictionary(pdf, fonts, compress, subset, options):
        drawn: Glyphs = {}
        for font in fonts.values():
            texts, widths = drawn.setdefault(font.hash, ({}, {}))
            texts.update(font.to_unicode)
            widths.update(font.widths)
        everyone = shared(drawn)
        for font in fonts.values():
            texts, widths = everyone[font.hash]
            font.to_unicode.clear()
            font.to_unicode.update(texts)
            font.widths.clear()
            font.widths.update(widths)
        return original(pdf, fonts, compress, subset, options)

    with _replaced(weasyprint_pdf, "build_fonts_dictionary", build_fonts_dictionary):
        yield


def fonts_copied_to(font_config, folder: Path) -> None:
    """WeasyPrint copies the file of each @font-face into a folder of the font configuration,
    one it makes in the temporary directory and removes when the configuration is collected
    (``text/fonts.py``: ``add_font_face``, ``__del__``). A renderer is never collected: it
    leaves by ``os._exit`` or is killed, and every build left its fonts (20 MB) behind. The
    fonts go to ``folder`` instead, which the process that outlives the renderers removes."""
    _weasyprint()
    font_config._folder = folder
