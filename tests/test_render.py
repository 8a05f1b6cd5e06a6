"""Stage 3: the HTML the templates make."""

from dataclasses import replace

import pytest

from strategy_pdf import annotate, model, parse, render

from . import golden
from .conftest import FIXTURES


@pytest.mark.parametrize("name", golden.fixture_names())
def test_html_matches_golden_snapshot(name):
    expected = (golden.GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    assert golden.snapshot(name) == expected, "HTML changed: review it, then `make golden`"


def test_html_declares_utf8_and_japanese():
    html = golden.snapshot("minimal")
    assert '<meta charset="utf-8">' in html and '<html lang="ja">' in html


def test_environment_is_strict_and_autoescaping():
    environment = render.make_environment()
    assert environment.autoescape is True
    with pytest.raises(Exception, match="undefined"):
        environment.from_string("{{ missing }}").render()


def test_office_note_and_column_labels_are_printed():
    source = parse.load_document(FIXTURES / "good" / "minimal" / "source")
    document = replace(source, marks=model.MarkConventions(note="（下線部分は改正部分）", labels_in="column"))
    html = render.render_html(annotate.annotate(document), (), FIXTURES / "good" / "minimal" / "source",
                              underline_note=True)
    assert "（下線部分は改正部分）" in html and "（傍線部分は改正部分）" not in html
    assert '<p class="side-label">（新設）</p>' in html
