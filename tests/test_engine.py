"""The engine: WeasyPrint's internals hooked for one version, and nothing else imports it."""

import ast
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from strategy_pdf import engine
from strategy_pdf.build import Options, Project, build
from strategy_pdf.cli import main
from strategy_pdf.engine import parts
from strategy_pdf.errors import SourceError

from .conftest import FIXTURES, ROOT

SOURCES = ROOT / "src" / "strategy_pdf"

# Margin boxes whose content differs from page to page, in text (the running heading) and
# in style alone (the same stamp text, larger on the second page), then repeats.
CHANGING_MARGINS = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><style>
@page { size: 148mm 105mm; margin: 20mm 12mm;
  @top-left { content: string(heading); }
  @top-center { content: "｜"; }
  @top-right { content: element(stamp); }
  @bottom-center { content: "－ " counter(page) " －"; } }
h1 { string-set: heading content(); break-before: page; font-size: 10pt; }
.stamp { position: running(stamp); }
.large { font-size: 18pt; letter-spacing: 2pt; }
</style></head><body>
<h1>短い</h1><div class="stamp">同じ文字</div><p>本文</p>
<h1>ずっと長い見出しの文字列がここに入る</h1><div class="stamp large">同じ文字</div><p>本文</p>
<h1>短い</h1><div class="stamp">同じ文字</div><p>本文</p>
</body></html>"""


def test_margin_widths_measured_once_give_weasyprints_own_pdf_when_margins_differ():
    ours = engine.render_pdf(CHANGING_MARGINS, (ROOT,))
    import weasyprint

    assert ours.pages == 3
    assert ours.data == weasyprint.HTML(string=CHANGING_MARGINS, base_url=ROOT.as_uri() + "/").write_pdf()


def test_another_weasyprint_version_fails_with_one_line(monkeypatch, tmp_path):
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(engine.WeasyPrintVersionError) as caught:
        engine.render_pdf('<meta charset="utf-8"><p>x</p>', (ROOT,))
    message = str(caught.value)
    assert "\n" not in message
    assert f"WeasyPrint 71.0 is installed" in message and engine.WEASYPRINT_VERSION in message
    from click.testing import CliRunner

    for layout in ("draft", "comparison"):  # in one piece, and in parts by the forked renderers
        result = CliRunner().invoke(main, ["build", "--layout", layout, "--quiet",
                                           "--source", "tests/fixtures/good/minimal/source",
                                           "-o", str(tmp_path / "out.pdf")])
        assert result.exit_code == 1 and result.output.strip() == message, layout
        assert not (tmp_path / "out.pdf").exists()


def _imported(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_engine_imports_weasyprint_or_pikepdf():
    outside = {str(path.relative_to(SOURCES)): _imported(path) & {"weasyprint", "pikepdf"}
               for path in SOURCES.rglob("*.py") if "engine" not in path.relative_to(SOURCES).parts}
    assert {path: names for path, names in outside.items() if names} == {}
    assert {"weasyprint", "pikepdf"} <= set().union(*(_imported(path) for path in (SOURCES / "engine").glob("*.py")))


def test_glyphs_shared_by_the_parts_are_in_glyph_order_whoever_drew_them_first():
    from strategy_pdf.engine.parts import _union

    first = {"mincho": ({7: "市", 3: "本"}, {7: 1000, 3: 1000})}
    second = {"mincho": ({5: "、"}, {5: 500}), "gothic": ({9: "見"}, {9: 1000})}
    union = _union([first, second])
    assert union == _union([second, first])
    texts, widths = union["mincho"]
    assert list(texts) == list(widths) == list(_union([second, first])["mincho"][0]) == [3, 5, 7]
    assert texts[5] == "、" and widths[3] == 1000


@pytest.fixture
def temporary(tmp_path, monkeypatch) -> Path:
    """The temporary directory, empty, for what a build leaves in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_build_leaves_no_font_files_behind_whether_it_renders_or_fails(temporary, monkeypatch, tmp_path):
    """Loading the styles copies the fonts (20 MB) into a temporary folder, which the
    renderers, leaving by os._exit, cannot remove: the build does."""
    monkeypatch.setattr(parts, "_keeping_warm", False)  # as the command builds: warmed in the renderer
    build(Project.at(ROOT, FIXTURES / "good" / "minimal" / "source"), tmp_path / "a.pdf", options=Options(stamp=False))
    with pytest.raises(SourceError):
        build(Project.at(ROOT, FIXTURES / "bad" / "structure" / "source"), tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").is_file() and list(temporary.iterdir()) == []


def test_a_process_that_keeps_warm_loads_a_changed_stylesheet_again(temporary, monkeypatch, tmp_path):
    monkeypatch.setattr(parts, "_kept_warm", {})
    root = tmp_path / "project"
    for folder in ("styles", "fonts"):
        shutil.copytree(ROOT / folder, root / folder)
    project = Project.at(root, FIXTURES / "good" / "minimal" / "source")
    options = Options(stamp=False, parts=2)
    landscape = PdfReader(build(project, tmp_path / "a.pdf", options=options)).pages[0].mediabox
    assert len(list(temporary.iterdir())) == 1  # the fonts of the styles kept warm
    with open(root / "styles" / "comparison.css", "a", encoding="utf-8") as sheet:
        sheet.write("\n@page { size: A4 portrait; }\n")
    portrait = PdfReader(build(project, tmp_path / "b.pdf", options=options)).pages[0].mediabox
    assert (round(landscape.width), round(portrait.width)) == (842, 595)
    assert len(list(temporary.iterdir())) == 1  # the earlier styles' fonts removed
    parts._discard_kept_warm()  # what the process does at its exit
    assert list(temporary.iterdir()) == []
