"""The real document in source/ validates and builds: the product's reason to exist."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from strategy_pdf.build import Project, build, validate

from .conftest import ROOT
from .pdf_reading import A4_LANDSCAPE, font_names, lowest_text, read_pages, vendored_font_names


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
    assert font_names(real_pdf) <= vendored_font_names(ROOT / "styles" / "fonts.css")


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
