"""What the build, the pool of renderers and each part's renderer say to each other, and
the one place it is sent and received (a ``Channel``, one end of a pipe).

The build sends the pool a ``Job`` and hears ``Progress`` until ``Done`` or ``Failed``
(answering a ``ContentsWanted`` on the way, for a job with a contents part). A part's
renderer sends the pool ``Progress`` and ends with ``Done`` or ``Failed``; between, it
stops at each *meeting*: it asks a question and waits for the answer, which the pool
gives every part at once when all parts still rendering have asked (see
``parts.MEETINGS``). An answer names the question it answers (``answers``), and ``ask``
refuses any other reply. Another meeting is a question, its answer, a function of
``parts.MEETINGS`` that answers all parts, and the place in the renderer that asks it."""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import ClassVar, Union

from ..errors import RenderError
from .hooks import Glyphs
from .pdf import Pdf


@dataclass(frozen=True)
class Job:
    """Build → pool: the parts' HTML, a title for each, and whether to report progress;
    the images each part shows and the folder of rendered parts to reuse (``cache``: see
    ``cache``, None for none); ``contents``: the first part is a contents page, laid out
    first with stand-in page numbers and rendered once the others tell where their
    anchors fell (``ContentsWanted``)."""

    htmls: tuple[str, ...]
    titles: tuple[str, ...]
    progress: bool
    images: tuple[tuple[Path, ...], ...] = ()
    cache: Path | None = None
    contents: bool = False


@dataclass(frozen=True)
class Progress:
    """Renderer → pool, pool → build: a line of WeasyPrint's progress."""

    text: str


@dataclass(frozen=True)
class Done:
    """Renderer → pool, pool → build: the PDF (a part's, or the joined one), and how many
    parts were reused from the cache rather than rendered."""

    pdf: Pdf
    reused: int = 0


@dataclass(frozen=True)
class Failed:
    """Renderer → pool, pool → build: what went wrong, as the user is to read it."""

    message: str


@dataclass(frozen=True)
class Closed:
    """Received when the other end is gone: it stopped, or it was stopped."""


@dataclass(frozen=True)
class PagesCounted:
    """Meeting 1, renderer → pool: this part is paginated, in ``pages`` pages."""

    pages: int


@dataclass(frozen=True)
class Numbering:
    """Meeting 1, pool → renderer: number this part's pages from ``offset`` + 1."""

    answers: ClassVar[type] = PagesCounted
    offset: int


@dataclass(frozen=True)
class AnchorsPlaced:
    """Meeting 2, held for a job with a contents part, renderer → pool: this part is laid
    out, its anchors on these pages of the document."""

    pages: dict[str, int]


@dataclass(frozen=True)
class AnchorPages:
    """Meeting 2, pool → renderer: the page of every anchor of the document."""

    answers: ClassVar[type] = AnchorsPlaced
    pages: dict[str, int]


@dataclass(frozen=True)
class GlyphsDrawn:
    """Meeting 3, renderer → pool: every page is drawn, with these glyphs of each font.
    A part reused from the cache tells also the digest of the glyphs each of its fonts
    embeds (``embedded``); a part rendered now embeds what it is sent."""

    glyphs: Glyphs
    embedded: dict[str, str] | None = None


@dataclass(frozen=True)
class GlyphsShared:
    """Meeting 3, pool → renderer: embed these glyphs of each font, the same in every part.
    ``again``: a reused part is to render after all, as no other part embeds these
    glyphs of one of its fonts."""

    answers: ClassVar[type] = GlyphsDrawn
    glyphs: Glyphs
    again: bool = False


@dataclass(frozen=True)
class ContentsWanted:
    """Contents renderer → pool → build: the contents page's HTML, printing these pages."""

    pages: dict[str, int]


@dataclass(frozen=True)
class ContentsHtml:
    """Build → pool → contents renderer: that HTML."""

    answers: ClassVar[type] = ContentsWanted
    html: str


Question = Union[PagesCounted, AnchorsPlaced, GlyphsDrawn]
Answer = Union[Numbering, AnchorPages, GlyphsShared]
Message = Union[Job, Progress, Done, Failed, Closed, Question, Answer, ContentsWanted, ContentsHtml]


class Channel:
    """One end of a pipe: every message of the protocol is sent and received here."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def send(self, message: Message) -> None:
        try:
            self.connection.send(message)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the other end is gone and waits for nothing more; receive() tells so

    def receive(self) -> Message:
        try:
            return self.connection.recv()
        except (EOFError, ConnectionResetError, OSError):
            return Closed()

    def ask(self, question: Question | ContentsWanted) -> Answer | ContentsHtml:
        """Send ``question`` and wait for its answer."""
        self.send(question)
        answer = self.receive()
        if getattr(answer, "answers", None) is not type(question):
            raise RenderError(f"asked {type(question).__name__}, the pool replied {type(answer).__name__}")
        return answer

    def fileno(self) -> int:  # for multiprocessing.connection.wait
        return self.connection.fileno()

    def close(self) -> None:
        self.connection.close()
