"""Shared paths and helpers of the test suite."""

from __future__ import annotations

import fcntl
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from strategy_pdf.build import Project, build
from strategy_pdf import engine

from .pdf_reading import PageText, read_pages

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _renderers_kept_warm():
    """A test process builds again and again, as ``watch`` does: it keeps the renderers' warm
    state (WeasyPrint imported, each layout's styles and fonts loaded) for every build to
    inherit. The command's own path, warming in the renderer, is what the tests that run
    ``strategy-pdf`` as a process take."""
    engine.keep_warm()


@pytest.fixture(autouse=True)
def _run_from_project_root(monkeypatch):
    """Sources are shown relative to the working directory, as the CLI shows them."""
    monkeypatch.chdir(ROOT)


def fixture_project(kind: str, name: str) -> Project:
    return Project.at(ROOT, FIXTURES / kind / name / "source")


def git(cwd: Path, *args: str) -> None:
    """Run git in a repository a test made, with an identity of its own."""
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
                   cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def real_pdf(tmp_path_factory, worker_id) -> Path:
    """The real document's comparison, built once for every test that reads it: under
    pytest-xdist, by the first worker that needs it, in the folder all workers share."""
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    target = shared / "real-document" / "comparison.pdf"
    with _exclusive(shared / "real-document.lock"):
        if not target.exists():  # written atomically: it exists only complete
            build(Project.at(ROOT), target)
    return target


@contextmanager
def _exclusive(lock: Path):
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def real_pages(real_pdf) -> tuple[PageText, ...]:
    """Its pages read back once: reading 75 pages with pdfplumber takes seconds."""
    return tuple(read_pages(real_pdf))
