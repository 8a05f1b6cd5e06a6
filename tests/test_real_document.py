"""The real document in source/ validates and builds: the product's reason to exist."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from strategy_pdf.build import Project, build, validate

from .conftest import ROOT
from .pdf_reading import A4_LANDSCAPE, column_of, font_names, lowest_text, read_pages, table_chars, vendored_font_names


@pytest.fixture(scope="module")
def real_pdf(tmp_path_factory) -> Path:
    return build(Project.at(ROOT), tmp_path_factory.mktemp("real") / "comparison.pdf")


def test_real_sources_validate():
    assert validate(Project.at(ROOT)) > 0


def test_real_document_pages(real_pdf):
    pages = read_pages(real_pdf)
    assert 70 <= len(pages) <= 95  # the printed draft has about 80
    for number, page in enumerate(pages, start=1):
        assert page.size == pytest.approx(A4_LANDSCAPE, abs=0.5)
        assert "現行" in page.text and "備考" in page.text
        assert f"－ {number} －" in page.text.splitlines()[-1]


def test_real_document_fonts(real_pdf):
    # Every vendored face is used, under its own name (not an alias of our stylesheet).
    assert font_names(real_pdf) == vendored_font_names(ROOT / "fonts")


def test_no_page_ends_with_a_remark_alone(real_pdf):
    """A row split at a page end must not leave its remark behind without its text."""
    for number, page in enumerate(read_pages(real_pdf), start=1):
        lowest = lowest_text(page)
        if "remarks" in lowest:
            text_bottom = max(lowest.get("draft", 0.0), lowest.get("current", 0.0))
            assert lowest["remarks"] <= text_bottom + 2, f"page {number} ends with a remark alone"


SEED_COVERAGE = ROOT.parent / "shared" / "tools" / "seed_coverage.py"


@pytest.mark.skipif(not SEED_COVERAGE.is_file(), reason="../shared/tools/seed_coverage.py is not beside the project")
def test_real_document_carries_the_seed(real_pdf):
    """The share of the printed draft's lines that the PDF carries, read column by column."""
    result = subprocess.run([sys.executable, str(SEED_COVERAGE), str(real_pdf), "--show-missing", "0"],
                            capture_output=True, text=True, check=True)
    coverage = float(re.search(r"^coverage: ([0-9.]+)", result.stdout, re.M).group(1))
    assert coverage >= 0.97, result.stdout


NO_LINE_START = set("、。，．）」』〕】〉》］｝！？")
NO_LINE_END = set("（「『〔【〈《［｛")


def test_kinsoku_no_line_starts_with_closing_or_ends_with_opening_punctuation(real_pdf):
    """Japanese line breaking rules (禁則): checked on every text line of every column."""
    offenders = []
    pages = read_pages(real_pdf)
    # The KPI appendix spans the three columns: its lines are not split by column edges.
    appendix = next(i for i, page in enumerate(pages) if "数値目標・KPI 一覧" in page.text)
    appendix_top = min(c["top"] for c in pages[appendix].chars if c["text"] == "覧")
    for number, page in enumerate(pages[:appendix + 1], start=1):
        lines: dict[tuple[str, int], list[dict]] = {}
        for char in table_chars(page):
            if number == appendix + 1 and char["top"] >= appendix_top:
                continue
            # Within a column, a cell boundary (KPI figures beside the indicator) starts a new run.
            lines.setdefault((column_of(char), round(char["top"])), []).append(char)
        for (column, _), chars in lines.items():
            runs, run = [], []
            for char in sorted(chars, key=lambda c: c["x0"]):
                if run and char["x0"] - run[-1]["x1"] > 6:
                    runs.append(run)
                    run = []
                run.append(char)
            runs.append(run)
            for run in runs:
                text = "".join(c["text"] for c in run)
                if text[0] in NO_LINE_START or text[-1] in NO_LINE_END:
                    offenders.append(f"page {number} {column}: {text}")
    assert not offenders, offenders[:10]
