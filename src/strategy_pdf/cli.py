"""The command line: each command parses its options and calls one function of build."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .annotate import MARK_MODES
from .build import (PDF_VARIANTS, Options, Project, adopt, build, build_pdfs, changes, check, check_current, export_kpi_workbook,
                    export_kpis, import_actuals, import_document, validate, watch, write_kpis)
from .model import LAYOUTS, Meeting
from .site import DEFAULT_PDFS
from .errors import StrategyPdfError
from .mistakes import cell_width

source_option = click.option("--source", type=click.Path(file_okay=False, path_type=Path), default=None,
                             help="Directory of the YAML sources [default: ./source].")


class _CleanErrors(click.Group):
    """Turns the tool's own errors into a message and an exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            with _terminated_as_exit():
                return super().invoke(ctx)
        except StrategyPdfError as exc:
            click.echo(str(exc), err=True)
            ctx.exit(exc.exit_code)


@contextmanager
def _terminated_as_exit():
    """SIGTERM (kill, a cancelled CI job) unwinds the command as Ctrl-C does: its renderers
    are stopped and its temporary files removed on the way out (the renderers themselves
    are killed by it, see engine.parts)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals (a command invoked from a thread)
        return
    previous = signal.signal(signal.SIGTERM, _exit_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_terminated(number: int, _frame) -> None:
    raise SystemExit(128 + number)


@click.group(cls=_CleanErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="strategy-pdf")
def main() -> None:
    """Print a city's comprehensive strategy as a 新旧対照表 PDF from YAML sources."""


@main.command("build")
@source_option
@click.option("--output", "-o", metavar="PATH", default=None,
              help="File to write [default: build/LAYOUT.pdf, or .html / .docx with --format; "
                   "with --format site, a folder: build/site].")
@click.option("--format", "output_format", type=click.Choice(["pdf", "html", "docx", "site"]), default="pdf",
              show_default=True,
              help="html writes the intermediate HTML, for debugging and measuring; docx a Word document to comment on; "
                   "site the web edition (index, draft, comparison) linking the PDFs.")
@click.option("--pdf", "pdfs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="With --format site: a PDF to link and copy into the site, named after its layout "
                   "(repeatable) [default: build/comparison.pdf and build/draft.pdf, as make pdf writes them].")
@click.option("--layout", "layouts", type=click.Choice(LAYOUTS), multiple=True, default=("comparison",), show_default=True,
              help="The comparison table, the draft alone (A4 portrait), the text in force alone, or the annual review "
                   "of the KPIs (A4 landscape). Repeated, the PDFs of all are built at once, --output then a folder "
                   "(default build/) that gets LAYOUT.pdf of each.")
@click.option("--marks", type=click.Choice(MARK_MODES), default="both", show_default=True,
              help="Underline changed wording on both columns, the draft only, or nowhere.")
@click.option("--collapse-unchanged", is_flag=True,
              help="Print rows whose two sides are equal as （略）.")
@click.option("--since", metavar="REV", default=None, callback=lambda _, __, value: _revision(value),
              help="Show in the draft column what changed since git revision REV (見え消し): the sources "
                   "as saved now, uncommitted edits included, against REV.")
@click.option("--print", "print_marks", is_flag=True, help="Add crop marks and 3 mm bleed for the print shop.")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), default=None,
              help="Write an archival (PDF/A) or accessible (PDF/UA, tagged) PDF.")
@click.option("--no-stamp", is_flag=True, help="Leave the source revision out of the footer.")
@click.option("--council", is_flag=True,
              help="The council edition: 資料番号 and meeting (document.yaml's meeting) at the top right, no revision stamp.")
@click.option("--document-number", metavar="TEXT", default="", help="資料番号 of the council edition, e.g. 資料１ (implies --council).")
@click.option("--meeting", metavar="TEXT", default="", help="The meeting of the council edition (implies --council).")
@click.option("--meeting-date", metavar="TEXT", default="", help="The meeting's date as printed (implies --council).")
@click.option("--kpi-appendix/--no-kpi-appendix", default=None,
              help="End with the list of every KPI, or not [default: as kpi_appendix in document.yaml says].")
@click.option("--binding", is_flag=True, help="A 10 mm binding margin on the inside edge, for duplex printing bound on the left.")
@click.option("--strict", is_flag=True, help="Fail on lint findings not answered in the sources.")
@click.option("--no-lint", is_flag=True, help="Skip the lint (make pdf lints in its first build only).")
@click.option("--parts", "--jobs", "-j", "parts", type=click.IntRange(min=0), default=0,
              help="Cut each PDF into N parts, each rendered in its own process at once (--jobs is the"
                   " old name) [default: 3, more for a longer document; at most 8; 1: one piece].")
@click.option("--no-cache", is_flag=True,
              help="Render every part again rather than reuse those in build/cache that nothing has changed since.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors and the output path.")
def build_command(source: Path | None, output: str | None, output_format: str, pdfs: tuple[Path, ...],
                  layouts: tuple[str, ...], marks: str,
                  collapse_unchanged: bool, since: str | None, print_marks: bool, pdf_variant: str | None,
                  no_stamp: bool, council: bool, document_number: str, meeting: str, meeting_date: str,
                  kpi_appendix: bool | None, binding: bool, strict: bool, no_lint: bool, parts: int, no_cache: bool,
                  quiet: bool) -> None:
    """Build the comparison table, or one text alone, or several at once; a line says how
    many lint findings are left to look at, the last lines where the files are."""
    if strict and no_lint:
        raise click.UsageError("--strict and --no-lint contradict each other: choose one")
    layouts = tuple(dict.fromkeys(layouts))
    if len(layouts) > 1 and output_format != "pdf":
        raise click.UsageError(f"--format {output_format} writes one layout: give --layout once")
    layout = layouts[0]
    given = Meeting(document_number, meeting, meeting_date)
    options = Options(layout=layout, marks=marks, collapse_unchanged=collapse_unchanged, since=since,
                      stamp=not no_stamp, print_marks=print_marks, pdf_variant=pdf_variant, parts=parts,
                      council=given if council or given != Meeting() else None,
                      kpi_appendix=kpi_appendix, binding=binding)
    project = Project.of(source)
    progress = None if quiet else _progress_line()
    linted = None if quiet or no_lint else _summarise
    try:
        if len(layouts) > 1:
            folder = _output(output, Path("build"), "site")
            targets = tuple((dataclasses.replace(options, layout=name), folder / f"{name}.pdf") for name in layouts)
            paths = [built.path for built in build_pdfs(project, targets, progress, linted, strict,
                                                        None if no_cache else project.cache)]
        else:
            target = _output(output, Path("build/site") if output_format == "site" else Path("build") / f"{layout}.{output_format}",
                             output_format)
            paths = [build(project, target, output_format, options, progress=progress, linted=linted, strict=strict,
                           pdfs=pdfs or DEFAULT_PDFS, cache=None if no_cache else project.cache)]
    finally:
        if progress is not None:
            progress.clear()
    for path in paths:
        click.echo(path)


def _revision(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("needs a git revision (a tag, branch or commit), not an empty word")
    return value


@main.command("watch")
@source_option
@click.option("--output", "-o", metavar="FILE", default=None,
              help="PDF to keep up to date [default: build/LAYOUT.pdf].")
@click.option("--layout", type=click.Choice(LAYOUTS), default="comparison", show_default=True)
@click.option("--marks", type=click.Choice(MARK_MODES), default="both", show_default=True)
def watch_command(source: Path | None, output: str | None, layout: str, marks: str) -> None:
    """Rebuild the PDF whenever a source or style is saved (Ctrl-C stops)."""
    target = _output(output, Path("build") / f"{layout}.pdf", "pdf")
    try:
        watch(Project.of(source), target, Options(layout=layout, marks=marks), click.echo)
    except KeyboardInterrupt:
        pass


def _output(given: str | None, default: Path, output_format: str) -> Path:
    """The path --output names, ``default`` when none: a folder for the site only; for a
    file format, a folder (one that exists, or DIR/) is refused rather than written as a
    file named DIR."""
    if given == "":
        raise click.BadParameter("is empty; name the file to write", param_hint="--output")
    target = Path(given) if given is not None else default
    if output_format != "site" and (target.is_dir() or (given or "").endswith(("/", os.sep))):
        raise click.BadParameter(f"{given or target} is a folder; --format {output_format} writes a file",
                                 param_hint="--output")
    return target


class _ProgressLine:
    """One terminal line that follows the rendering: WeasyPrint's steps page by page, for
    each part being rendered and the chapters it holds."""

    def __init__(self) -> None:
        self.width = max(20, shutil.get_terminal_size().columns - 1)

    def __call__(self, message: str) -> None:
        # Cut to the terminal's width in cells (a kanji takes two): a wrapped line could not
        # be drawn over by the next.
        shown, cells = [], 0
        for character in message:
            cell = cell_width(character)
            if cells + cell > self.width:
                break
            shown.append(character)
            cells += cell
        click.echo("\r" + "".join(shown) + " " * (self.width - cells), err=True, nl=False)

    def clear(self) -> None:
        click.echo("\r" + " " * self.width + "\r", err=True, nl=False)


def _progress_line() -> _ProgressLine | None:
    """On a terminal, a progress line; elsewhere (CI, pipes) nothing."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    return _ProgressLine()


@main.command("kpis")
@source_option
@click.option("--format", "output_format", type=click.Choice(["csv", "json", "xlsx"]), default="csv", show_default=True,
              help="xlsx: a workbook for the departments to fill in their actuals (read back by actuals).")
@click.option("--column", type=click.Choice(["draft", "current"]), default="draft", show_default=True,
              help="The KPIs of the draft or of the text in force.")
@click.option("--bom", is_flag=True, help="Begin with a UTF-8 byte order mark: Excel then reads the CSV as UTF-8.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write [default: standard output; build/kpis.xlsx for xlsx].")
def kpis_command(source: Path | None, output_format: str, column: str, bom: bool, output: Path | None) -> None:
    """Export every 数値目標 and KPI for the city's open-data portal, or as a workbook to fill in."""
    if output_format == "xlsx":
        click.echo(export_kpi_workbook(Project.of(source), output or Path("build") / "kpis.xlsx", column))
        return
    if output is None:
        click.echo(export_kpis(Project.of(source), output_format, column, bom), nl=False)
    else:
        click.echo(write_kpis(Project.of(source), output, output_format, column, bom))


@main.command("actuals")
@source_option
@click.argument("sheet_file", metavar="FILE.xlsx|FILE.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sheet", default=None, help="The workbook's sheet to read [default: the first].")
@click.option("--column", type=click.Choice(["draft", "current"]), default="draft", show_default=True,
              help="The register (and its 番号) of the draft or of the text in force.")
def actuals_command(source: Path | None, sheet_file: Path, sheet: str | None, column: str) -> None:
    """Write the actuals of a sheet (one row per indicator, one column per year) into the sources."""
    written = import_actuals(Project.of(source), sheet_file, sheet, column)
    click.echo(f"{written.values} actual(s) of {written.indicators} indicator(s) written into "
               f"{', '.join(map(str, written.files)) or 'no file'}")


@main.command("lint")
@source_option
@click.option("--strict", is_flag=True, help="Exit non-zero when a finding is not answered in the sources.")
def lint_command(source: Path | None, strict: bool) -> None:
    """Report placeholders, unbalanced brackets, era years, （再掲） figures and spelling variants
    not answered in the sources (# strategy-pdf: keep RULE)."""
    report = check(Project.of(source), strict)
    for finding in report.open:
        click.echo(f"warning: {finding}", err=True)
    click.echo(report.footer())


def _summarise(report) -> None:
    if summary := report.summary():
        click.echo(summary, err=True)


@main.command("changes")
@source_option
@click.argument("revision", metavar="REV", callback=lambda _, __, value: _revision(value))
def changes_command(source: Path | None, revision: str) -> None:
    """Summarise the rows added, changed and removed since git revision REV."""
    click.echo(changes(Project.of(source), revision))


@main.command("import")
@click.argument("word", type=click.Path(dir_okay=False, path_type=Path), metavar="WORD.docx")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory to write the sources into; it must be empty or missing.")
def import_command(word: Path, into: Path) -> None:
    """Turn a Word comparison table or strategy document into YAML sources."""
    click.echo(import_document(word, into))


@main.command("adopt")
@source_option
def adopt_command(source: Path | None) -> None:
    """After adoption: make every row's draft the text in force (committed sources only)."""
    click.echo(adopt(Project.of(source)))


@main.command("check-current")
@source_option
@click.argument("revision", metavar="REV")
def check_current_command(source: Path | None, revision: str) -> None:
    """Check that the 現行 column is exactly the draft adopted at git revision REV."""
    click.echo(check_current(Project.of(source), revision))


@main.command("validate")
@source_option
def validate_command(source: Path | None) -> None:
    """Check the sources and report every problem at once."""
    rows = validate(Project.of(source))
    click.echo(f"sources are valid: {rows} rows")
