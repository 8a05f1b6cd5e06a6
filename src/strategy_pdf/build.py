"""The whole pipeline in order: load and model → render → pdf."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import annotate, lint, parse, pdf, render, revisions
from .errors import StrategyPdfError


class LintFailed(StrategyPdfError):
    """--strict: lint findings fail the build."""

STYLESHEETS = ("fonts.css", "comparison.css")


@dataclass(frozen=True)
class Project:
    """Where a project keeps its sources, styles and fonts."""

    root: Path
    source: Path

    @classmethod
    def at(cls, root: Path, source: Path | None = None) -> "Project":
        return cls(root=root, source=source if source is not None else root / "source")

    @property
    def stylesheets(self) -> tuple[Path, ...]:
        return tuple(self.root / "styles" / name for name in STYLESHEETS)


def validate(project: Project) -> int:
    """Load and check every source; return the number of rows. Raises SourceError."""
    return len(parse.load_document(project.source).rows)


def check(project: Project, strict: bool = False) -> list[lint.Finding]:
    """Lint the sources; with ``strict``, any finding raises LintFailed."""
    findings = lint.lint(parse.load_document(project.source), lint.load_spelling(project.source))
    if strict and findings:
        raise LintFailed("\n".join([*map(str, findings), f"{len(findings)} lint finding(s); --strict fails on any"]))
    return findings


def html_of(project: Project, marks: str = "both", collapse_unchanged: bool = False,
            since: str | None = None) -> str:
    """The sources as the HTML the PDF is made from; ``since`` a git revision for 見え消し."""
    document = parse.load_document(project.source)
    earlier = revisions.load_document_at(project.source, since) if since else None
    document = annotate.annotate(document, marks, collapse_unchanged)
    if earlier is not None:
        document = revisions.mark_since(earlier, document)
    return render.render_html(document, project.stylesheets, underline_note=marks != "none", since=since)


def build(project: Project, output: Path, output_format: str = "pdf", marks: str = "both",
          collapse_unchanged: bool = False, since: str | None = None) -> Path:
    html = html_of(project, marks, collapse_unchanged, since)
    if output_format == "html":
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    else:
        pdf.write_pdf(html, output, project.root)
    return output


def changes(project: Project, since: str) -> str:
    """A readable summary of the rows added, changed and removed since a git revision."""
    earlier = revisions.load_document_at(project.source, since)
    return revisions.format_changes(revisions.compare(earlier, parse.load_document(project.source)), since)
