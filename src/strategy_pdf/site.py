"""The web edition: the document as a static site (an index, the draft, the comparison) for a
browser, accessible (JIS X 8341-3 / WCAG 2.x AA), self-contained and written atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import kpis, model, render, typeset
from .errors import StrategyPdfError

STYLESHEET = "site.css"
FONT_FILES = ("BIZUDMincho-Regular.ttf", "BIZUDGothic-Regular.ttf", "BIZUDGothic-Bold.ttf", "OFL.txt")
GENERATOR = '<meta name="generator" content="strategy-pdf">'
# The PDFs `make pdf` writes, which `make site` links: their layout names their content.
DEFAULT_PDFS = (Path("build/comparison.pdf"), Path("build/draft.pdf"))

# A change mark as markup a screen reader announces: the element says what kind of change
# it is, and words only a screen reader gets say where it starts and ends, since most
# readers announce neither <u> nor <ins>/<del> by themselves. Outermost first: 見え消し
# since a revision, then the 傍線 it keeps.
MARKUP = {
    model.DELETED: ("del", "削除部分"),
    model.INSERTED: ("ins", "追加部分"),
    model.CHANGED: ("u", "改正部分"),
}


class SiteError(StrategyPdfError):
    """The site cannot be written: a PDF to link is missing, or the target is not a site."""


@dataclass(frozen=True)
class PdfLink:
    file: str      # its name in the site
    label: str     # what it is: the layout it prints, as the document calls it
    size: str      # as a reader is told it before downloading, e.g. 1.2MB


@dataclass(frozen=True)
class SitePage:
    """One page of the site: its file, the name it goes by in titles and the navigation."""

    file: str
    name: str


@dataclass(frozen=True)
class Site:
    """What the site templates receive."""

    document: model.Document           # the draft as it reads, without marks
    marked: model.Document             # the same, annotated for the comparison (marks beside its rows)
    pages: tuple[SitePage, ...]
    pdfs: tuple[PdfLink, ...]
    toc: tuple[render.TocEntry, ...]   # the draft's headings, for the contents
    stamp: str                         # the source revision; empty outside git
    heading_levels: dict[str, int]     # anchor of each draft heading → its level on the page
    kpis: tuple[kpis.KpiRecord, ...]   # the list of every KPI ending the draft; empty when it has none
    underline_note: bool               # the comparison shows 傍線
    since: str | None                  # the revision its 見え消し compares with


def outline_levels(levels: list[int], top: int = 2) -> list[int]:
    """The levels headings take on a page whose title is the one h1: the print's levels,
    closed up where the print skips one (１ 基本的考え方 is followed by （１）, a level 3),
    so that the outline a screen reader lists has no gaps."""
    open_levels: list[int] = []
    result = []
    for level in levels:
        while open_levels and open_levels[-1] >= level:
            open_levels.pop()
        open_levels.append(level)
        result.append(top - 1 + len(open_levels))
    return result


def marked_html(segment: model.Segment, html: Markup | None = None) -> Markup:
    """A marked segment for a browser (``html``, its text composed by typeset; by default
    plainly) inside the elements of its marks, each announced where it starts and ends."""
    html = typeset.text_html(segment.text) if html is None else html
    for mark in reversed([mark for mark in MARKUP if mark in segment.marks]):
        tag, name = MARKUP[mark]
        html = Markup('<{0} class="{1}"><span class="visually-hidden">［{2}］</span>{3}'
                      '<span class="visually-hidden">［{2}ここまで］</span></{0}>').format(tag, mark, name, html)
    return html


class SiteMarker(render.BlockMarker):
    """The print's marker (a block's texts with the row's marks for each field), drawing
    marks as the site's semantic markup."""

    marked = staticmethod(marked_html)


def pdf_label(document: model.Document, path: Path) -> str:
    """A PDF named after a layout is that layout; any other keeps its file name."""
    return {"comparison": document.subtitle, "draft": document.columns.draft,
            "current": document.columns.current}.get(path.stem, path.name)


def file_size(size: int) -> str:
    """Bytes as a reader is told them beside a download link (decimal units, as on the web)."""
    if round(size / 1000) < 1000:
        return f"{max(1, round(size / 1000))}KB"
    return f"{size / 1_000_000:.1f}MB"


def pages(document: model.Document) -> tuple[SitePage, ...]:
    return (SitePage("index.html", "トップ"),
            SitePage("draft.html", document.columns.draft),
            SitePage("comparison.html", document.subtitle))


def images(*documents: model.Document) -> tuple[str, ...]:
    """Every image file the documents show, as paths under the sources (and so in the site)."""
    found = {block.image for document in documents for row in document.rows
             for block in (*row.draft, *row.current) if isinstance(block, model.Figure) and block.image}
    return tuple(sorted(found))


def write_site(target: Path, document: model.Document, marked: model.Document, kpi_list: tuple[kpis.KpiRecord, ...],
               stamp: str, project_root: Path, source_dir: Path, pdfs: tuple[Path, ...], *,
               underline_note: bool = True, since: str | None = None) -> Path:
    """Write the site into ``target`` as a whole: built in a folder beside it and swapped in
    only once complete, so a failed build leaves the previous site as it was."""
    missing = [str(path) for path in pdfs if not path.is_file()]
    if missing:
        raise SiteError(f"the site links these PDFs, which do not exist: {', '.join(missing)}\n"
                        "build them first (make site does: it runs make pdf)")
    not_pdf = [str(path) for path in pdfs if path.read_bytes()[:5] != b"%PDF-"]
    if not_pdf:
        raise SiteError(f"not a PDF: {', '.join(not_pdf)}")
    names = [path.name for path in pdfs]
    if len(set(names)) < len(names):
        raise SiteError(f"two PDFs of one name cannot both be in the site: {', '.join(map(str, pdfs))}")
    _check_replaceable(target)
    headings = render.toc_entries(document, "draft", deepest=4)
    site = Site(
        document=document,
        marked=marked,
        pages=pages(document),
        pdfs=tuple(PdfLink(path.name, pdf_label(document, path), file_size(path.stat().st_size)) for path in pdfs),
        toc=tuple(entry for entry in headings if entry.level <= 2),
        stamp=stamp,
        heading_levels=dict(zip((entry.anchor for entry in headings),
                                outline_levels([entry.level for entry in headings]))),
        kpis=kpi_list,
        underline_note=underline_note,
        since=since,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        environment = _environment()
        for page in site.pages:
            html = environment.get_template(f"site/{Path(page.file).stem}.html.j2").render(site=site, page=page)
            (building / page.file).write_text(html, encoding="utf-8")
        shutil.copyfile(project_root / "styles" / STYLESHEET, building / STYLESHEET)
        (building / "fonts").mkdir()
        for name in FONT_FILES:
            shutil.copyfile(project_root / "fonts" / name, building / "fonts" / name)
        for image in images(document, marked):
            (building / image).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source_dir / image, building / image)
        for path in pdfs:
            shutil.copyfile(path, building / path.name)
        # mkdtemp makes a folder for its owner only; a site is for everyone who may read it.
        for folder in (building, *(path for path in building.rglob("*") if path.is_dir())):
            os.chmod(folder, 0o755)
        _swap_in(building, target)
    finally:
        if building.exists():
            shutil.rmtree(building)
    return target


def _check_replaceable(target: Path) -> None:
    """Only a site this tool wrote is replaced: ``-o build`` must not wipe the PDFs."""
    if not target.exists():
        return
    index = target / "index.html"
    if not target.is_dir() or not (
            not any(target.iterdir())
            or index.is_file() and GENERATOR in index.read_text(encoding="utf-8", errors="replace")):
        raise SiteError(f"{target} exists and is not a site written by strategy-pdf; "
                        "choose another --output or remove it")


def _swap_in(building: Path, target: Path) -> None:
    """A folder cannot replace a non-empty folder in one rename: the old site is moved aside
    first and removed after, so only the moment between two renames has neither."""
    if not target.exists():
        os.rename(building, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rename(target, old / target.name)
    os.rename(building, target)
    shutil.rmtree(old)


def _environment():
    environment = render.make_environment()
    environment.globals["site_marker"] = SiteMarker
    return environment
