"""Japanese composition in the markup: what typeset.text_html makes of a text."""

import html
import re

import pytest

from strategy_pdf import typeset

TAG = re.compile(r"<[^>]+>")


def printed(markup) -> str:
    """The text a reader (and a PDF's extraction) sees: tags gone, <br> a line break."""
    return html.unescape(TAG.sub("", str(markup).replace("<br>", "\n")))


def test_text_is_escaped_and_line_breaks_kept():
    assert str(typeset.text_html("<b>&\n二行目")) == "&lt;b&gt;&amp;<br>二行目"


def test_the_first_of_two_adjacent_marks_is_narrowed():
    assert str(typeset.text_html("「という。）」及び」")) == \
        '「という<span class="half">。</span><span class="half">）</span>」及び」'


def test_an_opening_mark_before_a_closing_one_keeps_its_width():
    # Their inks would meet: （ has its ink in the right half, ） in the left.
    assert "half" not in str(typeset.text_html("（）"))
    assert str(typeset.text_html("（「")) == '<span class="half">（</span>「'


def test_marks_adjacent_across_a_segment_boundary_are_narrowed():
    assert str(typeset.text_html("熊本。」", following="）")) == '熊本<span class="half">。</span><span class="half">」</span>'
    assert "half" not in str(typeset.text_html("熊本。", following="市"))


def test_full_width_letter_and_digit_runs_are_kept_together():
    assert str(typeset.text_html("ＩＣＴを活用しＳＤＧｓ")) == \
        '<span class="run">ＩＣＴ</span>を活用し<span class="run">ＳＤＧｓ</span>'


def test_a_short_cell_is_kept_whole():
    assert str(typeset.text_html("日時：", phrases="cell")) == '<span class="phrase">日時：</span>'
    assert str(typeset.text_html("あらかわ こうじ", phrases="cell")) == '<span class="phrase">あらかわ こうじ</span>'


def test_longer_texts_break_between_phrases():
    markup = str(typeset.text_html("充実した医療・福祉資源の活用", phrases="box"))
    assert markup.count('class="phrase"') >= 2 and "資源" in markup
    assert not re.search(r"資</span>", markup), markup  # 資源 is never cut


def test_a_last_line_is_never_one_character():
    for text in ("熊本地震からの復興とリーディングプロジェクト", "地域の魅力を活かした観光の振興と交流の拡大へ"):
        units = typeset._phrases(text, typeset.LONGEST_KEPT_PHRASE["heading"])
        assert len(units[-1]) >= 2 and "".join(units) == text
    # A last phrase longer than a line may break inside, never before its last two characters.
    assert typeset._phrases("熊本地震からのリーディングプロジェクトプロジェクト", 8)[-1] == "クト"


def test_a_run_is_never_cut_between_phrases():
    units = typeset._phrases("ＩＣＴを活用したＳＤＧｓの推進と２０２０年の目標", 20)
    assert all(not typeset.UNBREAKABLE_RUN.fullmatch(a[-1] + b[0]) for a, b in zip(units, units[1:])), units


@pytest.mark.parametrize("phrases", ["", "heading", "cell", "box"])
@pytest.mark.parametrize("text", ["「という。）」及び」", "（仮称）熊本城ホール<&>\n二行目（（２）」", "ＩＣＴ、ＳＤＧｓ。", "", "\n"])
def test_the_printed_text_is_the_text(text, phrases):
    assert printed(typeset.text_html(text, phrases=phrases, following="」")) == text


@pytest.mark.parametrize("text", ["1,300,000,000", "総額 1,300,000,000円の事業費を計上", "https://example.jp/a/long/path/index.html の説明"])
def test_a_half_width_figure_or_word_is_never_cut_between_phrases(text):
    # BudouX and the packing of long phrases may cut inside 1,300,000,000; a table column
    # would then print it over two lines.
    word = max(re.findall(r"[!-~]+", text), key=len)
    assert word in typeset.pieces(text, phrases="cell")
    parts = str(typeset.text_html(text, phrases="cell")).split("<wbr>")
    assert word in [found for part in parts for found in re.findall(r"[!-~]+", printed(part))]


def test_pieces_are_what_no_line_breaks_inside():
    # A short cell is kept whole, its space inside; longer texts break between phrases and at
    # spaces; plain text beside every Japanese character that kinsoku lets a line break at.
    assert typeset.pieces("7,000 以上", phrases="cell") == ["7,000 以上"]
    assert typeset.pieces("※熊本大学ほか 7 大学の COC+事業に", phrases="cell") == ["※熊本大学ほか", "7 大学の", "COC+事業に"]
    assert typeset.pieces("市内総生産額（十億円）") == ["市", "内", "総", "生", "産", "額", "（十", "億", "円）"]
    assert typeset.pieces("ＩＣＴを活用") == ["ＩＣＴ", "を", "活", "用"]
