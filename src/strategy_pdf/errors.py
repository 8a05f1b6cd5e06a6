"""The one exception family of the tool, and the located problem it reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a source file: path as shown to the user, 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the sources, where it is, and under which key."""

    location: Location
    path: str
    message: str
    excerpt: str = ""  # the source line with a caret under the place, when it helps to see it

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.location}: {where}{self.message}" + (f"\n{self.excerpt}" if self.excerpt else "")


class StrategyPdfError(Exception):
    """Base of every error the CLI reports as a clean message and a non-zero exit."""

    exit_code = 1


class SourceError(StrategyPdfError):
    """The sources are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.location.file, p.location.line, p.location.column))
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} error{'s' if count != 1 else ''} in the sources")
        super().__init__("\n".join(lines))


class OutputError(StrategyPdfError):
    """An output cannot be written: one line naming the path and the reason."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"cannot write {path}: {reason}")


class RenderError(StrategyPdfError):
    """WeasyPrint could not render cleanly (a warning counts: it means something is missing)."""


def display_path(path: Path, root: Path) -> str:
    """The path as the user knows it: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
