"""Stage 3: the HTML the templates make."""

import pytest

from strategy_pdf import render

from . import golden


@pytest.mark.parametrize("name", golden.fixture_names())
def test_html_matches_golden_snapshot(name):
    expected = (golden.GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    assert golden.snapshot(name) == expected, "HTML changed: review it, then `make golden`"


def test_html_declares_utf8_and_japanese():
    html = golden.snapshot("minimal")
    assert '<meta charset="utf-8">' in html and '<html lang="ja">' in html


def test_text_is_escaped_and_line_breaks_kept():
    assert str(render.text_with_line_breaks("<b>&\n二行目")) == "&lt;b&gt;&amp;<br>二行目"


def test_environment_is_strict_and_autoescaping():
    environment = render.make_environment()
    assert environment.autoescape is True
    with pytest.raises(Exception, match="undefined"):
        environment.from_string("{{ missing }}").render()
