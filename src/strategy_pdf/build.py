"""The pipeline in order — load and model → annotate → render → pdf — and the commands
built on it: validate, lint, watch, changes, the KPI export, the actuals import, and import, adopt and
check-current."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from . import (actuals, adoption, annotate, answers, engine, kpis, limits, lint, model, paginate, parse, render,
               review, revisions, site, summary, wordexport, wordimport)
from .errors import SourceError, StrategyPdfError


class LintFailed(StrategyPdfError):
    """--strict: lint findings not answered in the sources fail the build."""


PDF_VARIANTS = ("pdf/a-2b", "pdf/a-3b", "pdf/ua-1")


@dataclass(frozen=True)
class Project:
    """Where a project keeps its sources, styles and fonts."""

    root: Path
    source: Path

    @classmethod
    def at(cls, root: Path, source: Path | None = None) -> "Project":
        return cls(root=root, source=source if source is not None else root / "source")

    @classmethod
    def of(cls, source: Path | None) -> "Project":
        """The project of the working directory, or the one that holds ``source``: the nearest
        folder above it with styles and fonts of its own, wherever the command runs (else
        the working directory's, for sources kept apart from the project)."""
        if source is None:
            return cls.at(Path.cwd())
        holder = next((folder for folder in source.resolve().parents
                       if (folder / "styles").is_dir() and (folder / engine.pdf.FONTS_DIR).is_dir()), Path.cwd())
        return cls.at(holder, source)

    @property
    def cache(self) -> Path:
        """Where parts rendered by one build are kept for the next (make clean empties it)."""
        return self.root / "build" / "cache"

    def stylesheets(self, layout: str, print_marks: bool, binding: bool = False) -> tuple[Path, ...]:
        names = ["fonts.css", "base.css", {"comparison": "comparison.css", "review": "review.css"}.get(layout, "single.css")]
        if binding:
            names.append("binding.css")
        if print_marks:
            names.append("print.css")
        return tuple(self.root / "styles" / name for name in names)


@dataclass(frozen=True)
class Options:
    """How to build: which layout, which marks, what to stamp, how to print."""

    layout: str = "comparison"            # comparison, draft, current or review
    marks: str = "both"                   # 傍線: both, draft or none
    collapse_unchanged: bool = False      # equal rows as （略）
    since: str | None = None              # git revision for 見え消し
    stamp: bool = True                    # the source revision in every footer
    print_marks: bool = False             # crop marks and 3 mm bleed
    pdf_variant: str | None = None        # passed to WeasyPrint, e.g. pdf/a-3b
    parts: int = 0                        # the comparison cut into this many parts, rendered side by side; 0: paginate.part_count, 1: one piece
    council: model.Meeting | None = None  # the council edition: over document.yaml's meeting
    kpi_appendix: bool | None = None      # add or leave off the KPI list; None: as document.yaml says
    binding: bool = False                 # a binding margin on the inside edge, for duplex printing

    @property
    def styles(self) -> tuple[str, bool, bool]:
        """What chooses the stylesheets."""
        return self.layout, self.print_marks, self.binding


def validate(project: Project) -> int:
    """Load and check every source; return the number of rows. Raises SourceError."""
    return len(load(project).rows)


def load(project: Project) -> model.Document:
    """The sources as a Document that the pages can print: checked against the schema, then
    against what the fonts and the columns hold (limits). Raises SourceError."""
    document = parse.load_document(project.source)
    if problems := limits.check(document, project.root / engine.pdf.FONTS_DIR):
        raise SourceError(problems)
    return document


def check(project: Project, strict: bool = False) -> answers.Report:
    """Lint the sources and sort the findings by the answers in them; with ``strict``, any
    finding left open raises LintFailed."""
    return _checked(project, parse.load_document(project.source), strict)


def _checked(project: Project, document: model.Document, strict: bool) -> answers.Report:
    findings = lint.lint(document, lint.load_spelling(project.source))
    if document.adopted:
        findings = [*findings, *adoption.check_current(project.source, document.adopted, document)]
    report = answers.sort(findings, *answers.read_sources(project.source, document))
    if strict and report.open:
        raise LintFailed("\n".join([*map(str, report.open),
                                    f"{len(report.open)} lint finding(s) not answered; --strict fails on any"]))
    return report


@dataclass(frozen=True)
class _Prepared:
    """The document ready to render, with what the footer and metadata say of its revision."""

    document: model.Document                  # annotated: marks and structural remarks
    kpis: tuple[kpis.KpiRecord, ...]          # the KPI appendix, read from the plain sources
    stamp: str
    created: str
    review: review.Review | None = None   # the review layout's, judged on the parsed document


def _loaded(project: Project, linted: Callable[[answers.Report], None] | None = None,
            strict: bool = False) -> model.Document:
    """The sources loaded, and linted when asked (the report to ``linted``)."""
    document = load(project)
    if linted is not None or strict:
        report = _checked(project, document, strict)
        if linted is not None:
            linted(report)
    return document


def _prepare(project: Project, options: Options, document: model.Document) -> _Prepared:
    # The review reads actuals and targets from the document as parsed, before any mark.
    judged = review.review(document) if options.layout == "review" else None
    document = _edition(document, options)
    earlier = revisions.load_document_at(project.source, options.since) if options.since else None
    records = render.appendix(document, options.layout)
    annotated = annotate.annotate(document, _marks(options), options.collapse_unchanged, earlier)
    # The revision stamp is for review copies: the council's copy carries its meeting instead.
    if not options.stamp or options.council is not None:
        return _Prepared(annotated, records, "", "", judged)
    stamp = revisions.current_stamp(project.source)
    return _Prepared(annotated, records, str(stamp) if stamp else "", revisions.creation_date(stamp), judged)


def _edition(document: model.Document, options: Options) -> model.Document:
    """The document as this copy prints it: the command line's meeting over document.yaml's,
    the KPI list added to or left off this layout."""
    if options.council is not None:
        document = dataclasses.replace(document, meeting=options.council.over(document.meeting))
    if options.kpi_appendix is not None:
        others = tuple(layout for layout in document.kpi_appendix if layout != options.layout)
        document = dataclasses.replace(document, kpi_appendix=others + ((options.layout,) if options.kpi_appendix else ()))
    return document


def _marks(options: Options) -> str:
    """Marks compare the draft with the text in force: only the comparison shows them."""
    return options.marks if options.layout == "comparison" else "none"


def _html(project: Project, options: Options, prepared: _Prepared, part: paginate.Part | None = None,
          linked_styles: bool = True, toc_pages: Mapping[str, str] | None = None) -> str:
    return render.render_html(
        prepared.document, project.stylesheets(*options.styles) if linked_styles else (), project.source,
        layout=options.layout,
        council=options.council is not None,
        kpi_list=prepared.kpis,
        underline_note=_marks(options) != "none",
        since=options.since,
        stamp=prepared.stamp,
        created=prepared.created,
        part=part,
        toc_pages=toc_pages,
        review=prepared.review,
    )


def whole_html(project: Project, options: Options = Options()) -> str:
    """The sources as one HTML page: what ``--format html`` writes, and what a one-piece
    render prints (the parts rendered side by side are cut from the same document)."""
    return _html(project, options, _prepare(project, options, load(project)))


@dataclass(frozen=True)
class Built:
    """A PDF written, and how: in how many parts, how many of them reused from the cache."""

    path: Path
    parts: int                 # 1: rendered in one piece
    reused: int = 0


def build(project: Project, output: Path, output_format: str = "pdf", options: Options = Options(),
          progress: Callable[[str], None] | None = None, linted: Callable[[answers.Report], None] | None = None,
          strict: bool = False, pdfs: tuple[Path, ...] = site.DEFAULT_PDFS, cache: Path | None = None) -> Path:
    """Load, lint (the report to ``linted``; with ``strict`` findings not answered fail),
    annotate, render, write: a PDF, the HTML it is made from, a Word document (docx), or the
    site (``output`` a folder), which links and copies ``pdfs``. A PDF rendered in parts
    reuses the parts kept in ``cache`` that are unchanged, and keeps its own there."""
    if output_format == "pdf":
        return build_pdfs(project, ((options, output),), progress, linted, strict, cache)[0].path
    if output_format == "site":
        return build_site(project, output, options, pdfs, linted, strict)
    engine.check_writable(output)
    prepared = _prepare(project, options, _loaded(project, linted, strict))
    if output_format == "html":
        engine.write_atomically(_html(project, options, prepared).encode("utf-8"), output)
        return output
    if output_format == "docx":
        if options.layout not in wordexport.LAYOUTS:
            raise StrategyPdfError(f"--format docx writes the layouts {', '.join(wordexport.LAYOUTS)}; "
                                   f"the {options.layout} layout is a PDF only")
        engine.write_atomically(wordexport.write_docx(prepared.document, options.layout, project.source,
                                                   underline_note=_marks(options) != "none", since=options.since,
                                                   stamp=prepared.stamp, created=prepared.created), output)
        return output
    raise StrategyPdfError(f"no output format {output_format!r}")


def build_pdfs(project: Project, targets: Sequence[tuple[Options, Path]],
               progress: Callable[[str], None] | None = None, linted: Callable[[answers.Report], None] | None = None,
               strict: bool = False, cache: Path | None = None) -> list[Built]:
    """PDFs of the same sources, each with its options (its layout), in one process: the
    sources loaded and linted once, the layouts cut into parts rendered all at once (one
    piece for what cannot be cut, see _renders_in_parts), each PDF written atomically."""
    for _, output in targets:
        engine.check_writable(output)
    roots = (project.root, project.source)
    with contextlib.ExitStack() as stack:
        # The renderers start first: they load WeasyPrint while the sources are parsed here.
        renderers = {index: stack.enter_context(engine.Renderers(roots, project.stylesheets(*options.styles)))
                     for index, (options, _) in enumerate(targets) if _renders_in_parts(options)}
        document = _loaded(project, linted, strict)
        whole: dict[int, engine.Pdf] = {}
        work: dict[int, engine.Work] = {}
        for index, (options, _) in enumerate(targets):
            prepared = _prepare(project, options, document)
            if index in renderers:
                work[index] = _job(project, options, prepared, renderers[index], cache, progress is not None)
            else:
                whole[index] = engine.render_pdf(_html(project, options, prepared), roots, options.pdf_variant, progress)
        rendered = dict(zip(work, engine.render_together(list(work.values()), progress)))
        built = []
        for index, (_, output) in enumerate(targets):
            if index in whole:
                engine.write_atomically(whole[index].data, output)
                built.append(Built(output, 1))
            else:
                engine.write_atomically(rendered[index].pdf.data, output)
                built.append(Built(output, len(work[index][1].htmls), rendered[index].reused))
    return built


def _job(project: Project, options: Options, prepared: _Prepared, renderers: engine.Renderers,
         cache: Path | None, progress: bool) -> engine.Work:
    """A layout's parts for its renderers: their HTML, titles and images, and, for a text
    alone, how to write its contents page once the pages of its headings are known."""
    parts = paginate.parts(prepared.document, _part_count(options, prepared.document), options.layout)
    contents = next((part for part in parts if part.contents), None)

    def contents_html(pages: Mapping[str, int]) -> str:
        return _html(project, options, prepared, contents, linked_styles=False,
                     toc_pages={entry.anchor: str(_page_of(pages, entry)) for entry in _toc(prepared, options)})

    htmls = [_html(project, options, prepared, part, linked_styles=False,
                   toc_pages={entry.anchor: _STAND_IN_PAGE for entry in _toc(prepared, options)} if part.contents else None)
             for part in parts]
    job = engine.Job(tuple(htmls), tuple(part.title for part in parts), progress,
                     tuple(_images_of(project, part) for part in parts), cache, contents is not None)
    return renderers, job, contents_html if contents is not None else None


# What the contents page prints for a heading's page while the pages are being counted: as
# wide as the real numbers of a document up to 99 pages, so that it takes the same lines.
_STAND_IN_PAGE = "00"


def _toc(prepared: _Prepared, options: Options) -> tuple[render.TocEntry, ...]:
    return render.toc_entries(prepared.document, options.layout)


def _page_of(pages: Mapping[str, int], entry: render.TocEntry) -> int:
    if entry.anchor not in pages:
        raise StrategyPdfError(f"the contents lists 「{entry.text}」, but no part printed its heading #{entry.anchor}")
    return pages[entry.anchor]


def build_site(project: Project, output: Path, options: Options, pdfs: tuple[Path, ...],
               linted: Callable[[answers.Report], None] | None = None, strict: bool = False) -> Path:
    """The web edition: the draft as it reads and the comparison with its marks, from one
    set of sources; the layout option does not apply (the site has both)."""
    document = _loaded(project, linted, strict)
    marked = _prepare(project, dataclasses.replace(options, layout="comparison"), document)
    plain = _prepare(project, dataclasses.replace(options, layout="draft", since=None, collapse_unchanged=False,
                                                  stamp=False), document)
    return site.write_site(output, plain.document, marked.document, plain.kpis, marked.stamp,
                           project.root, project.source, pdfs,
                           underline_note=options.marks != "none", since=options.since)


def _part_count(options: Options, document: model.Document) -> int:
    """How many parts, each its own process: as many as --parts asks, up to the most a
    document is ever cut into. A fixed cap, not the machine's cores: how the document is cut
    decides the PDF's bytes, and 200 renderers (a part per page break) took 4.4 GB and five
    times as long on two cores."""
    return min(options.parts, paginate.MOST_PARTS) if options.parts else paginate.part_count(document, options.layout)


def _renders_in_parts(options: Options) -> bool:
    """The comparison and a text alone are rendered in parts, side by side, cut at their
    forced page breaks. Not the review (one table of its own), nor an archival or tagged
    PDF (written whole by WeasyPrint), nor in one part, nor with a binding margin (a part
    would count its own left and right pages)."""
    return (options.layout in model.TEXT_LAYOUTS and not options.pdf_variant and options.parts != 1
            and not options.binding)


def _images_of(project: Project, part: paginate.Part) -> tuple[Path, ...]:
    """What a part shows besides its HTML and the styles: the image files of its figures."""
    return tuple(project.source / image for image in sorted(
        {block.image for chapter in part.chapters for row in chapter.rows
         for block in row.draft + row.current if isinstance(block, model.Figure) and block.image}))


def watch(project: Project, output: Path, options: Options, report: Callable[[str], None],
          stop: threading.Event | None = None, cache: Path | None = None) -> None:
    """Build, then rebuild whenever a source or style changes, until ``stop`` is set (or
    Ctrl-C). Each build reuses the parts the last one rendered that are unchanged (the
    project's part cache), so it renders only what an edit touched; each PDF replaces the
    last atomically, and a failed build is reported while the last good PDF stays in place.
    ``cache``: another folder for the parts than the project's."""
    import watchfiles

    engine.keep_warm()

    def attempt() -> None:
        start = time.perf_counter()
        try:
            built, = build_pdfs(project, ((options, output),), cache=cache or project.cache)
        except StrategyPdfError as error:
            report(f"build failed, {output} unchanged:\n{error}")
        else:
            detail = f", {built.parts - built.reused} of {built.parts} parts rendered" if built.parts > 1 else ""
            report(f"{output} built in {time.perf_counter() - start:.1f} s{detail}")

    attempt()
    for _ in watchfiles.watch(project.source, project.root / "styles", stop_event=stop,
                              watch_filter=lambda _, path: path.endswith((".yaml", ".yml", ".css", ".svg", ".png", ".jpg", ".jpeg"))):
        attempt()


def changes(project: Project, since: str) -> str:
    """A readable summary of the rows added, changed and removed since a git revision."""
    earlier = revisions.load_document_at(project.source, since)
    return summary.format_changes(summary.compare_documents(earlier, parse.load_document(project.source)), since)


def export_kpis(project: Project, output_format: str = "csv", column: str = "draft", bom: bool = False) -> str:
    """Every KPI of a column for the open-data portal, as CSV or JSON text; with ``bom``
    opened by a UTF-8 byte order mark (Excel then reads the CSV as UTF-8)."""
    records = kpis.register(parse.load_document(project.source), column)
    return ("\ufeff" if bom else "") + (kpis.as_csv(records) if output_format == "csv" else kpis.as_json(records))


def write_kpis(project: Project, output: Path, output_format: str = "csv", column: str = "draft",
               bom: bool = False) -> Path:
    """The KPI export written to ``output`` whole or not at all."""
    engine.check_writable(output)
    engine.write_atomically(export_kpis(project, output_format, column, bom).encode("utf-8"), output)
    return output


def export_kpi_workbook(project: Project, output: Path, column: str = "draft") -> Path:
    """The register as a workbook for the departments to fill in (read back by actuals),
    dated like the PDFs: the same sources and revision give the same bytes."""
    records = kpis.register(parse.load_document(project.source), column)
    engine.write_atomically(kpis.as_xlsx(records, revisions.creation_date(revisions.current_stamp(project.source))), output)
    return output


@dataclass(frozen=True)
class ActualsWritten:
    values: int                    # actual values written
    indicators: int
    files: tuple[Path, ...]


def import_actuals(project: Project, sheet_path: Path, sheet: str | None = None,
                   column: str = "draft") -> ActualsWritten:
    """Read a department's sheet and write its actuals into the sources, or nothing at all
    when any value, year or indicator is wrong (ActualsError names each cell)."""
    document = parse.load_document(project.source)
    updates = actuals.updates_of(kpis.register(document, column), actuals.read_sheet(sheet_path, sheet))
    files = actuals.write(project.source, document, updates)
    return ActualsWritten(sum(len(u.values) for u in updates), len(updates), files)


def import_document(word: Path, into: Path) -> str:
    """A Word document as new sources in ``into``; returns the report of what was read and written."""
    return wordimport.import_word(word, into).report(into)


def adopt(project: Project) -> str:
    """The adopted draft as the text in force; returns what was done and the tag to give it."""
    return adoption.adopt(project.source).report()


def check_current(project: Project, revision: str) -> str:
    """The 現行 column against the draft adopted at ``revision``; raises CurrentDiffers on any difference."""
    return adoption.check(project.source, revision)
