"""Golden HTML snapshots of the good fixtures; `make golden` rewrites them (python -m tests.golden)."""

from __future__ import annotations

import os
from pathlib import Path

from strategy_pdf.build import Options, Project, whole_html

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
GOOD = ROOT / "tests" / "fixtures" / "good"


def snapshot(name: str) -> str:
    """The fixture's HTML with the machine-specific project path masked."""
    # No revision stamp: it changes with every commit.
    options = Options(stamp=False)
    return whole_html(Project.at(ROOT, GOOD / name / "source"), options).replace(ROOT.as_uri(), "file://PROJECT")


def fixture_names() -> list[str]:
    return sorted(path.name for path in GOOD.iterdir() if (path / "source").is_dir())


def main() -> None:
    os.chdir(ROOT)
    GOLDEN.mkdir(exist_ok=True)
    for name in fixture_names():
        (GOLDEN / f"{name}.html").write_text(snapshot(name), encoding="utf-8")
        print(f"wrote tests/golden/{name}.html")


if __name__ == "__main__":
    main()
