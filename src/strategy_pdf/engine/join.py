"""Parts rendered apart joined into one PDF with pikepdf: pages, destinations, one outline, fonts once."""

from __future__ import annotations

import io

from .pdf import Pdf


def join(parts: list[Pdf]) -> bytes:
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
