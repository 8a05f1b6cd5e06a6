"""The README's layout table names every module of the tree, where it is."""

import re

from .conftest import ROOT

PACKAGE = ROOT / "src" / "strategy_pdf"


def _row(path: str) -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith(f"| `{path}` |"))
    return set(re.findall(r"`(\w+)/?`", line.split("|")[2]))


def test_the_layout_table_names_every_module():
    assert {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"} | {"engine"} <= _row("src/strategy_pdf/")
    assert {path.stem for path in (PACKAGE / "engine").glob("*.py") if path.stem != "__init__"} \
        <= _row("src/strategy_pdf/engine/")
