"""make bench: the full build against a plain WeasyPrint render of the same HTML, at 1×-8×.

Every figure is a median over runs made in this one session, each command in its own
process (wall time, and peak resident memory from the kernel's rusage for that process).
The watch-mode figure is a warm in-process rebuild after a one-paragraph edit.
Writes docs/performance.md.
"""

from __future__ import annotations

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
SCALES = ((1, 7), (2, 3), (4, 1), (8, 1))  # (content multiple, runs)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float


def measure(command: list[str]) -> Run:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return Run(seconds, usage.ru_maxrss / 1024)


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


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), statistics.median(r.peak_mib for r in runs))


def watch_rebuild(work: Path, plain_seconds: float) -> tuple[float, float]:
    """Seconds for watch's rebuild after a one-paragraph edit (warm process, chapters cached
    as watch keeps them), and its ratio to the plain render."""
    sys.path.insert(0, str(ROOT / "src"))
    from strategy_pdf.build import Options, Project, build_by_part

    source = scaled_source(1, work / "watch")
    project, cache = Project(ROOT, source), {}
    build_by_part(project, work / "watch.pdf", Options(stamp=False), cache)
    chapter = source / "goal-1.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("取組を推進してきました。", "取組を推進してきました（編集）。", 1),
                       encoding="utf-8")
    start = time.perf_counter()
    rendered = build_by_part(project, work / "watch.pdf", Options(stamp=False), cache)
    seconds = time.perf_counter() - start
    assert rendered == 1, rendered
    return seconds, seconds / plain_seconds


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="strategy-pdf-bench-") as temporary:
        work = Path(temporary)
        for multiple, runs in SCALES:
            source = scaled_source(multiple, work)
            html, ours_pdf, plain_pdf = work / f"{multiple}x.html", work / f"{multiple}x.pdf", work / f"{multiple}x-plain.pdf"
            measure([str(BIN / "strategy-pdf"), "build", "--source", str(source), "--format", "html",
                     "--no-stamp", "-o", str(html)])
            ours, plain = [], []
            for _ in range(runs):
                ours.append(measure([str(BIN / "strategy-pdf"), "build", "--source", str(source), "--no-stamp",
                                     "-o", str(ours_pdf)]))
                plain.append(measure([str(BIN / "python"), "-m", "weasyprint", str(html), str(plain_pdf)]))
                print(f"{multiple}x: ours {ours[-1].seconds:.2f} s, plain {plain[-1].seconds:.2f} s", flush=True)
            # Each build is paired with the plain render made right after it: the ratio of a
            # pair is what the machine's drifting speed (a shared host) disturbs least.
            ratios = sorted(o.seconds / p.seconds for o, p in zip(ours, plain))
            rows.append((multiple, runs, median(ours), median(plain), ours_pdf.stat().st_size,
                         plain_pdf.stat().st_size, len(PdfReader(str(ours_pdf)).pages), ratios))
        watch_seconds, watch_ratio = watch_rebuild(work, rows[0][3].seconds)
    write_report(rows, watch_seconds, watch_ratio)


def write_report(rows, watch_seconds: float, watch_ratio: float) -> None:
    base = rows[0][2].seconds
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`benchmarks/bench.py`): the full build (`strategy-pdf build`, its own",
        "process) against a plain one-process `python -m weasyprint` render of the same generated HTML,",
        "in the same run; medians; the ratio is the median of each build's ratio to the plain render",
        "made right after it (the range: lowest and highest); peak memory is the maximum resident set.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, WeasyPrint {weasyprint.__version__}, {platform.platform()}.",
        "",
        "The build renders the comparison in parts side by side, each in its own process (three at 1×, "
        "more for longer documents, up to eight); peak memory is the largest process's.",
        "",
        "| content | runs | pages | build s | plain s | ratio (range) | build MiB | plain MiB | build KiB | plain KiB | vs 1× |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for multiple, runs, ours, plain, ours_size, plain_size, pages, ratios in rows:
        spread = f" ({ratios[0]:.2f}–{ratios[-1]:.2f})" if len(ratios) > 1 else ""
        lines.append(f"| {multiple}× | {runs} | {pages} | {ours.seconds:.2f} | {plain.seconds:.2f} | "
                     f"{statistics.median(ratios):.2f}{spread} | {ours.peak_mib:.0f} | {plain.peak_mib:.0f} | "
                     f"{ours_size // 1024} | {plain_size // 1024} | {ours.seconds / base:.2f} |")
    lines += [
        "",
        f"Watch-mode rebuild after a one-paragraph edit (warm process; the edited part rendered, the "
        f"others reused from watch's cache, then joined): "
        f"{watch_seconds:.2f} s, {watch_ratio:.2f}× the plain 1× render.",
        "",
        "Reproduce: `make bench` (about ten minutes on this machine).",
        "",
    ]
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "performance.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
