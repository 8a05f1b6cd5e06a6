"""make bench: the build against Chromium's print and a plain WeasyPrint render of the same
HTML, cold and after an edit, and at 1×-8× content; writes docs/performance.md.

Every figure is a median over runs made in this one session, each command in its own
process (wall time, and peak resident memory from the kernel's rusage: the largest of the
process and the processes it waited for). Commands compared are run in pairs, one right
after the other (A B A B …), and a ratio is the median of the pairs' ratios: on a shared
host the speed drifts between runs, and a pair is what that disturbs least.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STRATEGY_PDF = str(BIN / "strategy-pdf")
CHROMIUM = shutil.which(os.environ.get("STRATEGY_PDF_CHROMIUM", "chromium"))
PAIRS = 5                                   # pairs of runs for each comparison with Chromium
SCALES = ((1, 5), (2, 3), (4, 1), (8, 1))   # (content multiple, runs) against plain WeasyPrint
EDITED = ("source", "goal-1.yaml", "取組を推進してきました。")  # the paragraph each edit changes


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float


def measure(*commands: list[str]) -> Run:
    """The commands one after the other, as one run: their total time, their largest process."""
    seconds, peak = 0.0, 0.0
    for command in commands:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds += time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return Run(seconds, peak)


def chromium(html: Path, pdf: Path) -> list[str]:
    """Chromium's own print of the HTML (its page size and margins from the same CSS)."""
    return [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}", html.as_uri()]


def build(source: Path, output: Path, *options: str) -> list[str]:
    return [STRATEGY_PDF, "build", "--source", str(source), "--no-stamp", "--no-lint", "-q", "-o", str(output), *options]


def html_of(source: Path, output: Path, layout: str) -> Path:
    measure(build(source, output, "--format", "html", "--layout", layout))
    return output


def scaled_source(multiple: int, into: Path) -> Path:
    """The real sources with every chapter's rows repeated ``multiple`` times (ids kept unique)."""
    source = into / f"source-{multiple}x"
    shutil.copytree(ROOT / "source", source)
    if multiple > 1:
        for path in source.glob("*.yaml"):
            if path.name == "document.yaml":
                continue
            head, rows = path.read_text(encoding="utf-8").split("\nrows:\n", 1)
            copies = [rows.replace("  - id: ", f"  - id: x{k}-") for k in range(1, multiple)]
            path.write_text(head + "\nrows:\n" + rows + "".join("\n" + copy for copy in copies), encoding="utf-8")
    return source


def edit(source: Path, number: int) -> None:
    """Change one paragraph, differently each time (an edit seen before would be all cached)."""
    path = source / EDITED[1]
    text = path.read_text(encoding="utf-8")
    marker = EDITED[2]
    start = text.index(marker[:-1])
    end = text.index("。", start) + 1
    path.write_text(text[:start] + marker[:-1] + f"（第{number}稿）。" + text[end:], encoding="utf-8")


@dataclass(frozen=True)
class Paired:
    """A command against its peer, run in pairs."""

    name: str
    ours: list[Run]
    peer: list[Run]
    pages: int

    @property
    def ratios(self) -> list[float]:
        return sorted(o.seconds / p.seconds for o, p in zip(self.ours, self.peer))

    def median(self, runs: list[Run]) -> Run:
        return Run(statistics.median(r.seconds for r in runs), statistics.median(r.peak_mib for r in runs))


def paired(name: str, ours, peer, pages_of: Path, before=None) -> Paired:
    """``ours`` and ``peer`` (argument lists for measure) in PAIRS pairs; ``before(n)`` runs
    before each of ours, unmeasured (an edit)."""
    our_runs, peer_runs = [], []
    for number in range(PAIRS):
        if before is not None:
            before(number)
        our_runs.append(measure(*ours))
        peer_runs.append(measure(*peer))
        print(f"{name}: ours {our_runs[-1].seconds:.2f} s, peer {peer_runs[-1].seconds:.2f} s", flush=True)
    return Paired(name, our_runs, peer_runs, len(PdfReader(str(pages_of)).pages))


def against_chromium(work: Path) -> list[Paired]:
    source = scaled_source(1, work / "chromium")
    html = {layout: html_of(source, work / f"{layout}.html", layout) for layout in ("comparison", "draft")}
    prints = {layout: chromium(html[layout], work / f"{layout}-chromium.pdf") for layout in html}
    both = work / "both"
    results = [
        paired("comparison, cold", [build(source, work / "comparison.pdf", "--no-cache")], [prints["comparison"]],
               work / "comparison.pdf"),
        paired("draft, cold", [build(source, work / "draft.pdf", "--layout", "draft", "--no-cache")], [prints["draft"]],
               work / "draft.pdf"),
        paired("make pdf (both), cold",
               [build(source, both, "--layout", "comparison", "--layout", "draft", "--no-cache")],
               [prints["comparison"], prints["draft"]], both / "comparison.pdf"),
    ]
    measure(build(source, both, "--layout", "comparison", "--layout", "draft"))  # the cache filled
    results.append(paired("make pdf (both), after a one-paragraph edit",
                          [build(source, both, "--layout", "comparison", "--layout", "draft")],
                          [prints["comparison"], prints["draft"]], both / "comparison.pdf",
                          before=lambda number: edit(source, number)))
    return results


def against_plain(work: Path) -> list[tuple]:
    rows = []
    for multiple, runs in SCALES:
        source = scaled_source(multiple, work)
        html, ours_pdf, plain_pdf = work / f"{multiple}x.html", work / f"{multiple}x.pdf", work / f"{multiple}x-plain.pdf"
        html_of(source, html, "comparison")
        ours, plain = [], []
        for _ in range(runs):
            ours.append(measure(build(source, ours_pdf, "--no-cache")))
            plain.append(measure([str(BIN / "python"), "-m", "weasyprint", str(html), str(plain_pdf)]))
            print(f"{multiple}x: ours {ours[-1].seconds:.2f} s, plain {plain[-1].seconds:.2f} s", flush=True)
        result = Paired(f"{multiple}×", ours, plain, len(PdfReader(str(ours_pdf)).pages))
        rows.append((multiple, runs, result, ours_pdf.stat().st_size, plain_pdf.stat().st_size))
    return rows


def watch_rebuild(work: Path) -> float:
    """Seconds for watch's rebuild of the comparison after a one-paragraph edit: its process
    warm (WeasyPrint loaded), the other parts reused from the cache."""
    sys.path.insert(0, str(ROOT / "src"))
    from strategy_pdf import engine
    from strategy_pdf.build import Options, Project, build_pdfs

    source = scaled_source(1, work / "watch")
    project, target, cache = Project(ROOT, source), work / "watch.pdf", work / "watch-cache"
    engine.pdf.prepare_weasyprint(ROOT)
    build_pdfs(project, ((Options(stamp=False), target),), cache=cache)
    edit(source, 0)
    start = time.perf_counter()
    built, = build_pdfs(project, ((Options(stamp=False), target),), cache=cache)
    seconds = time.perf_counter() - start
    assert built.reused == built.parts - 1, built
    return seconds


def where_the_time_goes(work: Path) -> list[tuple[str, float]]:
    """A plain one-process render of the comparison, step by step as WeasyPrint logs them,
    after the sources made into HTML (one process of strategy-pdf build --format html)."""
    source = scaled_source(1, work / "profile")
    started = time.perf_counter()
    html = html_of(source, work / "profile.html", "comparison")
    steps: list[tuple[str, float]] = [("sources → HTML (strategy-pdf build --format html, its own process)",
                                       time.perf_counter() - started)]
    marks: list[tuple[str, float]] = []

    class Steps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            name = " - ".join(record.getMessage().split(" - ")[:2])  # no page number, file or pass
            if not marks or marks[-1][0] != name:
                marks.append((name, time.perf_counter()))

    logger = logging.getLogger("weasyprint.progress")
    logger.addHandler(Steps())
    logger.setLevel(logging.INFO)
    started = time.perf_counter()
    weasyprint.HTML(filename=str(html)).write_pdf(work / "profile.pdf")
    ended = time.perf_counter()
    marks.insert(0, ("Step 0 - reading and parsing the HTML", started))
    for (name, at), (_, after) in zip(marks, [*marks[1:], ("end", ended)]):
        steps.append((f"WeasyPrint {name}", after - at))
    return steps


def main() -> None:
    if CHROMIUM is None:
        print("no chromium on this machine: the Chromium comparison is left out", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="strategy-pdf-bench-") as temporary:
        work = Path(temporary)
        chromium_rows = against_chromium(work) if CHROMIUM else []
        plain_rows = against_plain(work)
        watch_seconds = watch_rebuild(work)
        profile = where_the_time_goes(work)
    write_report(chromium_rows, plain_rows, watch_seconds, profile)


def _version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def _goals(chromium_rows: list[Paired], plain_rows: list[tuple], base: float) -> list[str]:
    """Each goal of the speed work with the figure that decides it, reached or not."""
    def ratio(name: str) -> str:
        row = next((row for row in chromium_rows if row.name == name), None)
        if row is None:
            return "not measured (no chromium)"
        ratios = row.ratios
        return f"{statistics.median(ratios):.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f})"

    def reached(name: str, bound: float) -> str:
        row = next((row for row in chromium_rows if row.name == name), None)
        return "" if row is None else (" — reached" if statistics.median(row.ratios) <= bound else " — not reached")

    one, eight = plain_rows[0], next((row for row in plain_rows if row[0] == 8), None)
    one_peak = one[2].median(one[2].ours).peak_mib
    lines = [
        "## The goals, against these figures",
        "",
        f"1. Comparison, cold, ≤ 1.0× Chromium: {ratio('comparison, cold')}{reached('comparison, cold', 1.0)}.",
        f"2. Draft in parts, ≤ 1.0× Chromium: {ratio('draft, cold')}{reached('draft, cold', 1.0)}; the same PDF as "
        "one piece in text, page numbers, outline, destinations and links (tests/test_part_cache.py).",
        f"3. `make pdf` after a one-paragraph edit, ≤ 0.4× Chromium (both prints): "
        f"{ratio('make pdf (both), after a one-paragraph edit')}"
        f"{reached('make pdf (both), after a one-paragraph edit', 0.4)}; byte-identical to a cold build (tested).",
        f"4. Peak memory at 1×: {one_peak:.0f} MiB (≤ 200: {'reached' if one_peak <= 200 else 'not reached'})"
        + (f"; 8× content in {eight[2].median(eight[2].ours).seconds / base:.2f}× the 1× time "
           f"(≤ 8: {'reached' if eight[2].median(eight[2].ours).seconds / base <= 8 else 'not reached'})" if eight else "")
        + ".",
        "5. This file, with the Chromium column when chromium is installed.",
        "",
    ]
    return lines


def write_report(chromium_rows: list[Paired], plain_rows: list[tuple], watch_seconds: float,
                 profile: list[tuple[str, float]]) -> None:
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`benchmarks/bench.py`) on the real sources, each command its own process;",
        "compared commands run in pairs (A B A B …); times are medians, a ratio is the median of the",
        "pairs' ratios (the range: lowest and highest pair); memory is the largest process's peak resident set.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, WeasyPrint {weasyprint.__version__}, {platform.platform()}"
        + (f"; {_version([CHROMIUM, '--version'])}" if CHROMIUM else "") + ".",
        "",
    ]
    if chromium_rows:
        lines += [
            "## Against Chromium's print of the same HTML",
            "",
            "Ours: `strategy-pdf build --no-stamp --no-lint` (`--no-cache` for a cold build; `make pdf` is",
            "`--layout comparison --layout draft`). Chromium: `chromium --headless --print-to-pdf` of the HTML",
            "`build --format html` writes for the same layout (for both layouts, the two prints one after",
            "the other). The edit changes one paragraph of `goal-1.yaml`, differently before each run.",
            "",
            "| what | pairs | pages | ours s | Chromium s | ratio (range) | ours MiB | Chromium MiB |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in chromium_rows:
            ours, peer, ratios = row.median(row.ours), row.median(row.peer), row.ratios
            lines.append(f"| {row.name} | {len(ratios)} | {row.pages} | {ours.seconds:.2f} | {peer.seconds:.2f} | "
                         f"{statistics.median(ratios):.2f} ({ratios[0]:.2f}–{ratios[-1]:.2f}) | "
                         f"{ours.peak_mib:.0f} | {peer.peak_mib:.0f} |")
        lines.append("")
    base = plain_rows[0][2].median(plain_rows[0][2].ours).seconds
    lines += _goals(chromium_rows, plain_rows, base)
    lines += [
        "## Against a plain WeasyPrint render, 1×–8× content",
        "",
        "Ours: `strategy-pdf build --no-cache` of the comparison (in parts side by side: three at 1×, more",
        "for longer documents, up to eight). Plain: `python -m weasyprint` of the same HTML, one process.",
        "The content is the real sources with every chapter's rows repeated.",
        "",
        "| content | runs | pages | build s | plain s | ratio (range) | build MiB | plain MiB | build KiB | plain KiB | vs 1× |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for multiple, runs, row, ours_size, plain_size in plain_rows:
        ours, plain, ratios = row.median(row.ours), row.median(row.peer), row.ratios
        spread = f" ({ratios[0]:.2f}–{ratios[-1]:.2f})" if len(ratios) > 1 else ""
        lines.append(f"| {multiple}× | {runs} | {row.pages} | {ours.seconds:.2f} | {plain.seconds:.2f} | "
                     f"{statistics.median(ratios):.2f}{spread} | {ours.peak_mib:.0f} | {plain.peak_mib:.0f} | "
                     f"{ours_size // 1024} | {plain_size // 1024} | {ours.seconds / base:.2f} |")
    lines += [
        "",
        f"`watch`, rebuilding the comparison after a one-paragraph edit (WeasyPrint loaded; the edited part "
        f"rendered, the others reused from the cache, then joined): {watch_seconds:.2f} s.",
        "",
        "## Where a cold render's time goes",
        "",
        "The comparison rendered plain, in one process, step by step as WeasyPrint logs them (one run):",
        "",
        "| step | s |",
        "| --- | --- |",
        *(f"| {name} | {seconds:.2f} |" for name, seconds in profile),
        "",
        "Reproduce: `make bench` (about ten minutes on this machine).",
        "",
    ]
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "performance.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
