"""Shared paths and helpers of the test suite."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from strategy_pdf.build import Project

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


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
