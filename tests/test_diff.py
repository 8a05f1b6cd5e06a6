"""Change marks on real row pairs from the seed: the expected marks written out.

``show`` puts [brackets] around each marked span, so an expectation reads like the page.
"""

import pytest

from strategy_pdf.diff import changed_spans, compare_streams


def show(text: str, spans) -> str:
    out, position = [], 0
    for start, end in spans:
        out += [text[position:start], "[", text[start:end], "]"]
        position = end
    return "".join(out + [text[position:]])


def marks(old: str, new: str) -> tuple[str, str]:
    old_spans, new_spans = changed_spans(old, new)
    return show(old, old_spans), show(new, new_spans)


@pytest.mark.parametrize("old, new, expected", [
    # 取組み → 取組: the okurigana alone is the change.
    ("取組みを推進します。", "取組を推進します。", ("取組[み]を推進します。", "取組を推進します。")),
    # A lone changed character inside a word marks both words whole, never 組 alone.
    ("取組を推進します。", "取り組みを推進します。", ("[取組]を推進します。", "[取り組み]を推進します。")),
    # seed 基本目標１（１）③, current → draft
    ("市民が安心して、仕事と生活の調和（ワーク・ライフ・バランス）が図られるよう、子育てや介護に対する支援体制を整備します。",
     "市民が安心して、仕事と生活の調和（ワーク・ライフ・バランス）が図られるよう、子育てや介護に対する支援に取り組みます。",
     ("市民が安心して、仕事と生活の調和（ワーク・ライフ・バランス）が図られるよう、子育てや介護に対する支援[体制を整備し]ます。",
      "市民が安心して、仕事と生活の調和（ワーク・ライフ・バランス）が図られるよう、子育てや介護に対する支援[に取り組み]ます。")),
    # seed １（１）策定の経緯
    ("を策定いたしました。", "を策定しました。", ("を策定[いた]しました。", "を策定しました。")),
    # seed 基本目標１ heading of 施策（１）: wholly different wording after the number.
    ("（１）雇用(しごと)の場の拡大と雇用の質の向上", "（１）魅力あるしごとの創出と働く環境の整備",
     ("（１）[雇用(しごと)の場の拡大と雇用の質の向上]", "（１）[魅力あるしごとの創出と働く環境の整備]")),
    # Spelling variant in the seed: 障害者 / 障がいのある人.
    ("障害者の支援", "障がいのある人の支援", ("障[害者]の支援", "障[がいのある人]の支援")),
    # A KPI target changed from 30 to 42.
    ("30", "42", ("[30]", "[42]")),
])
def test_marks_on_seed_pairs(old, new, expected):
    assert marks(old, new) == expected


def test_equal_texts_have_no_marks():
    assert changed_spans("熊本県内における正社員", "熊本県内における正社員") == ([], [])


def test_white_space_and_width_are_ignored_beside_real_changes():
    old = "平成 28 年にＰＲを行い、支援体制を整備します。"
    new = "平成28年にPRを行い、支援に取り組みます。"
    assert marks(old, new) == ("平成 28 年にＰＲを行い、支援[体制を整備し]ます。",
                               "平成28年にPRを行い、支援[に取り組み]ます。")


def test_width_alone_is_a_change_when_it_is_the_only_one():
    assert marks("ＰＲし", "PRし") == ("[ＰＲ]し", "PRし".replace("PR", "[PR]"))


def test_unrelated_sentences_do_not_become_confetti():
    old = "商工会議所、商工会など様々な関係機関との連携のもと、中小企業の経営基盤の強化を図ります。"
    new = "インキュベータ施設を活用した創業支援のほか、見本市への出展支援を行います。"
    old_spans, new_spans = changed_spans(old, new)
    # No unmarked island of one or two characters between two marks.
    for spans, text in ((old_spans, old), (new_spans, new)):
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert start - end > 2, show(text, spans)


def test_long_texts_keep_frequent_characters():
    # difflib's autojunk would drop characters that are frequent in 200+ character texts.
    common = "本市の強みや特性を生かしながら、多様な主体と連携のうえ、" * 10
    old_spans, new_spans = changed_spans(common + "対策を取りまとめています。", common + "対策を取りまとめたものです。")
    # (One kana left at the end, す, is no word of its own: it goes with the change.)
    assert show(common + "対策を取りまとめています。", old_spans).endswith("対策を取りまとめ[ています]。")


def test_streams_diff_a_side_as_one_stream():
    result = compare_streams(["①新事業の創出支援", "食品産業で促進します。"], ["①新事業の創出支援", "食品産業で支援します。"])
    assert result.new_spans == ((), ((5, 7),)) and result.old_spans == ((), ((5, 7),))
    (change,) = result.changes
    assert (change.new_unit, change.deleted, change.inserted) == (1, "促進", "支援")


def test_a_number_moved_to_another_item_is_marked():
    """g2-m2-3: the draft's ③ is the item that is ④ in the text in force."""
    result = compare_streams(["③放課後児童対策を推進します。", "④子ども・青少年の健全育成を推進します。"],
                             ["③子ども・青少年の健全育成を推進します。"])
    assert result.new_spans == (((0, 1),),)
    assert result.old_spans == (((0, 15),), ((0, 1),))


def test_a_kana_word_is_not_cut():
    """p2-outline-5: このため → これらの marks both words whole, こ included."""
    assert marks("このため、農業", "これらの新技術") == ("[このため、農業]", "[これらの新技術]")
    assert marks("このため、", "これらの、")[1].startswith("[これらの]")


def test_a_stream_against_nothing_is_changed_whole():
    result = compare_streams([], ["新しい段落。", "二つ目。"])
    assert result.new_spans == (((0, 6),), ((0, 4),))


def test_a_space_changed_alone_inside_a_change():
    """Found by the property test: a lone space on one side is in no word."""
    assert marks("17 のゴールからなる", "17 のゴ らなる") == ("17 のゴ[ールか]らなる", "17 のゴ[ ]らなる")


def test_a_figure_is_marked_whole():
    assert marks("2,692", "2,700") == ("[2,692]", "[2,700]")
    assert marks("目標 0.90 以上", "目標 0.95 以上") == ("目標 [0.90] 以上", "目標 [0.95] 以上")


def test_an_emptied_text_keeps_its_change():
    """Found by the property test: a heading emptied is reported at the heading."""
    (change,) = compare_streams(["②雇用の安定", "雇用の安定を図る"], ["", "雇用の安定を図る"]).changes
    assert (change.old_unit, change.new_unit, change.deleted) == (0, 0, "②雇用の安定")
