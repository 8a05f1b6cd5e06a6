"""Parts rendered apart joined into one PDF with pikepdf: pages, destinations, one outline, fonts once."""

from __future__ import annotations

import io

from .pdf import Pdf


def join(parts: list[Pdf]) -> bytes:
    """One PDF of the parts' pages and named destinations, with the first part's catalog and
    metadata, each font stored once (the subset of a part that holds every part's glyphs),
    and one outline rebuilt over all parts (a part may open inside a chapter of the one
    before, so its own outline cannot be kept as it is). A destination of a later part
    replaces one of the same name before it (the contents part's stand-ins for its links)."""
    import pikepdf

    documents = [pikepdf.open(io.BytesIO(part.data)) for part in parts]
    joined = documents[0]
    fonts = _current_fonts(documents, parts)
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


def _current_fonts(documents, parts: list[Pdf]) -> dict:
    """Each font as the first part whose subset of it is current has it, copied into the
    joined PDF (the first part's) afresh, in the order of their names, whichever part it
    comes from: qpdf numbers objects after where they came from, and the bytes of a build
    that reused parts must be those of one that rendered them all."""
    import pikepdf

    chosen: dict = {}
    for document, part in zip(documents, parts):
        for resources in _font_resources(document.pages):
            for key, font in resources.Font.items():
                if key[1:] in part.shared_fonts:
                    chosen.setdefault(key, font)
    holder = pikepdf.new()
    return {key: documents[0].copy_foreign(holder.copy_foreign(chosen[key])) for key in sorted(chosen)}


def _share_fonts(pages, fonts: dict) -> None:
    """Point these pages at the current copy of each font (WeasyPrint keeps each font's own
    glyph numbers in the pages, so any part's pages draw alike with any of its subsets
    that holds their glyphs)."""
    for resources in _font_resources(pages):
        for key in list(resources.Font.keys()):
            if key in fonts:
                resources.Font[key] = fonts[key]


def _font_resources(pages) -> list:
    return [resources for resources in {page.Resources.objgen: page.Resources for page in pages}.values()
            if "/Font" in resources]
