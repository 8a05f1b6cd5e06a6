"""Rendered parts kept on disk between builds, each addressed by everything its PDF follows
from, and trusted only when it reads back whole.

A part's PDF follows from its HTML, the stylesheets, the fonts, the images it shows, the
WeasyPrint version and this engine's code (the key), and from two things settled while
the parts render: the number of its first page and the glyphs all parts share (kept in
the entry, and compared by the renderer before it reuses one). An entry is one file:
a header line of JSON, the PDF, and the SHA-256 of both; a file that is cut short,
altered, or written for another key is ignored and replaced, never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .hooks import Glyphs
from .pdf import FONTS_DIR, Pdf, prepare_weasyprint

# Changed whenever an entry's layout changes: older entries then miss.
FORMAT = "strategy-pdf part 1"
# Entries kept: the parts of a few layouts and revisions (about 0.2 MB each); the least
# recently used go first.
MOST_ENTRIES = 96


@dataclass(frozen=True)
class Entry:
    """A part as rendered: its PDF, the first page it was numbered from, what its font
    subsets hold, the glyphs it drew and the pages its anchors fell on (what it tells the
    meetings)."""

    pdf: Pdf
    offset: int
    embedded: dict[str, str]       # font → digest of the glyphs its subset holds
    drawn: Glyphs
    anchors: dict[str, int]        # anchor → page within the part, from 1


def environment(roots: tuple[Path, ...], stylesheets: tuple[Path, ...]) -> bytes:
    """What every part of a layout depends on besides its HTML: the versions, the engine's
    code, the stylesheets and the fonts, as one digest."""
    weasyprint = prepare_weasyprint(roots[0])
    digest = hashlib.sha256(f"{FORMAT}\0{weasyprint.__version__}\0".encode())
    engine = Path(__file__).parent
    for path in [*sorted(engine.glob("*.py")), *stylesheets, *sorted((roots[0] / FONTS_DIR).iterdir())]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def key(environment_digest: bytes, html: str, images: tuple[Path, ...]) -> str:
    """The address of a part: its HTML and the images it shows, in its layout's environment.
    An image missing now is keyed as missing (the render then reports it)."""
    digest = hashlib.sha256(environment_digest + hashlib.sha256(html.encode("utf-8")).digest())
    for image in images:
        digest.update(hashlib.sha256(image.read_bytes() if image.is_file() else b"").digest())
    return digest.hexdigest()


def digests(glyphs: Glyphs) -> dict[str, str]:
    """Each font's glyphs as a digest: two subsets of a font are the same when these are."""
    return {font: hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()
            for font, plain in _plain(glyphs).items()}


def read(folder: Path, address: str) -> Entry | None:
    """The entry at ``address``, or None when there is none or it does not read back whole."""
    path = folder / address
    try:
        content = path.read_bytes()
    except OSError:
        return None
    body, checksum = content[:-32], content[-32:]
    if len(content) < 32 or hashlib.sha256(body).digest() != checksum:
        return None
    header, _, data = body.partition(b"\n")
    try:
        fields = json.loads(header)
        if fields["format"] != FORMAT or fields["key"] != address or len(data) != fields["size"]:
            return None
        entry = Entry(Pdf(data, int(fields["pages"]), tuple(fields["bookmark_levels"])), int(fields["offset"]),
                      {str(k): str(v) for k, v in fields["embedded"].items()}, _glyphs(fields["drawn"]),
                      {str(k): int(v) for k, v in fields["anchors"].items()})
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    os.utime(path)  # used: the last to be pruned
    return entry


def write(folder: Path, address: str, entry: Entry) -> None:
    """Store ``entry`` whole or not at all (a temporary file renamed into place); a cache
    that cannot be written costs the next build time, never this one its PDF."""
    header = json.dumps({"format": FORMAT, "key": address, "size": len(entry.pdf.data), "pages": entry.pdf.pages,
                         "bookmark_levels": list(entry.pdf.bookmark_levels), "offset": entry.offset,
                         "embedded": entry.embedded, "drawn": _plain(entry.drawn), "anchors": entry.anchors},
                        ensure_ascii=False, sort_keys=True).encode("utf-8")
    body = header + b"\n" + entry.pdf.data
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(body + hashlib.sha256(body).digest())
            os.replace(temporary, folder / address)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return


def prune(folder: Path) -> None:
    """Keep the MOST_ENTRIES used last (a write's leftover, if a build was killed, ages
    out with them)."""
    try:
        entries = [path for path in folder.iterdir() if path.is_file()]
    except OSError:
        return
    entries.sort(key=_mtime, reverse=True)
    for path in entries[MOST_ENTRIES:]:
        try:
            path.unlink()
        except OSError:
            pass


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _plain(glyphs: Glyphs) -> dict:
    """Glyphs as JSON holds them: glyph numbers as text keys."""
    return {font: [{str(g): t for g, t in texts.items()}, {str(g): w for g, w in widths.items()}]
            for font, (texts, widths) in glyphs.items()}


def _glyphs(plain: dict) -> Glyphs:
    return {font: ({int(g): t for g, t in texts.items()}, {int(g): w for g, w in widths.items()})
            for font, (texts, widths) in plain.items()}
