"""What the build, the pool of renderers and each part's renderer say to each other, and
the one place it is sent and received (a ``Channel``, one end of a pipe).

The build sends the pool a ``Job`` and hears ``Progress`` until ``Done`` or ``Failed``. A
part's renderer sends the pool ``Progress`` and ends with ``Done`` or ``Failed``; between,
it stops at each *meeting*: it asks a question and waits for the answer, which the pool
gives every part at once when all parts still rendering have asked (see
``parts.MEETINGS``). An answer names the question it answers (``answers``), and ``ask``
refuses any other reply. A third meeting is a question, its answer, a function of
``parts.MEETINGS`` that answers all parts, and a hook that asks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import ClassVar, Union

from ..errors import RenderError
from .hooks import Glyphs
from .pdf import Pdf


@dataclass(frozen=True)
class Job:
    """Build → pool: the parts' HTML, a title for each, and whether to report progress."""

    htmls: tuple[str, ...]
    titles: tuple[str, ...]
    progress: bool


@dataclass(frozen=True)
class Progress:
    """Renderer → pool, pool → build: a line of WeasyPrint's progress."""

    text: str


@dataclass(frozen=True)
class Done:
    """Renderer → pool, pool → build: the PDF (a part's, or the joined one)."""

    pdf: Pdf


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
class GlyphsDrawn:
    """Meeting 2, renderer → pool: every page is drawn, with these glyphs of each font."""

    glyphs: Glyphs


@dataclass(frozen=True)
class GlyphsShared:
    """Meeting 2, pool → renderer: embed these glyphs of each font, the same in every part."""

    answers: ClassVar[type] = GlyphsDrawn
    glyphs: Glyphs


Question = Union[PagesCounted, GlyphsDrawn]
Answer = Union[Numbering, GlyphsShared]
Message = Union[Job, Progress, Done, Failed, Closed, Question, Answer]


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

    def ask(self, question: Question) -> Answer:
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
