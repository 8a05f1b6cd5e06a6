"""Stage 1: the safe, located YAML loader."""

from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from strategy_pdf import loader
from strategy_pdf.loader import Mapping, Null, Scalar, Sequence, load_bytes

from .conftest import FIXTURES, ROOT

SOURCES = sorted(path for folder in (ROOT / "source", FIXTURES) for path in folder.rglob("*.y*ml"))


def load(text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return load_bytes(data, "source/x.yaml")


def messages(loaded) -> list[str]:
    return [str(problem) for problem in loaded.problems]


def test_scalars_stay_the_text_typed():
    root = load("a: 0.90\nb: yes\nc: 2,325\nd: 012\n").root
    assert {k: v.text for k, (_, v) in root.entries.items()} == {"a": "0.90", "b": "yes", "c": "2,325", "d": "012"}


def test_nodes_know_their_line_and_column():
    root = load("title: x\nrows:\n  - id: a\n    draft: 段落\n").root
    row = root.entries["rows"][1].items[0]
    assert isinstance(row, Mapping)
    key_at, value = row.entries["draft"]
    assert (key_at.line, key_at.column) == (4, 5)
    assert (value.at.line, value.at.column) == (4, 12)
    assert str(value.at) == "source/x.yaml:4:12"


def test_null_and_sequence_nodes():
    root = load("a:\nb: [x, y]\n").root
    assert isinstance(root.entries["a"][1], Null)
    assert isinstance(root.entries["b"][1], Sequence)
    assert [item.text for item in root.entries["b"][1].items] == ["x", "y"]


def test_aliases_are_refused_before_expanding():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    loaded = load(bomb)
    assert loaded.root is None
    assert messages(loaded) == ["source/x.yaml:2:8: YAML aliases (*name) are not allowed in sources; write the text out"]


def test_python_tags_are_refused():
    loaded = load('a: !!python/object/apply:os.system ["echo"]\n')
    assert messages(loaded) == [
        "source/x.yaml:1:4: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in sources"]


def test_duplicate_keys_name_the_first():
    assert messages(load("a: 1\nb: 2\na: 3\n")) == ["source/x.yaml:3:1: a: duplicate key (first at line 1)"]


def test_syntax_error_has_line_and_column():
    (message,) = messages(load("a: x\nb: [1, 2\nc: 3\n"))
    # Where the bracket opens, which is where the author has to look, not where YAML gave up.
    assert message.startswith("source/x.yaml:2:4: YAML syntax error:")


ROW = "title: 章\nrows:\n  - id: a\n    draft:\n"


@pytest.mark.parametrize("lines, expected", [
    # current: indented with the draft's blocks instead of with draft:
    (["      - li: 段落", "      current:", "      - li: 段落"], [
        "source/x.yaml:6:7: YAML syntax error: 'current:' is indented 6 spaces; line it up with 'draft:' on line 4 "
        "(4 spaces)",
        "    6 |       current:",
        "      |       ^"]),
    (["      - li: 段落", "   current:"], [
        "source/x.yaml:6:4: YAML syntax error: 'current:' is indented 3 spaces; line it up with 'draft:' on line 4 "
        "(4 spaces)",
        "    6 |    current:",
        "      |    ^"]),
    # a deeper key after a text on the same line as its key reads as that text's continuation
    (["      - li: 段落", "    remark: 備考", "     break: page"], [
        "source/x.yaml:7:6: YAML syntax error: 'break:' is indented 5 spaces, so YAML reads the line as the rest of the "
        "text above it; line it up with 'remark:' on line 6 (4 spaces)",
        "    7 |      break: page",
        "      |      ^"]),
    (["      - li: 段落", "        - li: 段落"], [
        "source/x.yaml:6:9: YAML syntax error: the '-' is indented 8 spaces; line it up with the '-' on line 5 "
        "(6 spaces)",
        "    6 |         - li: 段落",
        "      |         ^"]),
    # a half-width colon inside a text: the caret under the colon, counted in terminal cells
    (["      - li: 目標: 移住者を増やす"], [
        "source/x.yaml:5:15: YAML syntax error: a half-width colon followed by a space (': ') makes YAML read what "
        "comes before it as a key; quote the whole text or write the colon full-width (：): "
        "- li: \"目標: 移住者を増やす\"",
        "    5 |       - li: 目標: 移住者を増やす",
        "      |                 ^"]),
    (["      - 目標: 本市の: 将来"], [
        "source/x.yaml:5:16: YAML syntax error: a half-width colon followed by a space (': ') makes YAML read what "
        "comes before it as a key; quote the whole text or write the colon full-width (：): - \"目標: 本市の: 将来\"",
        "    5 |       - 目標: 本市の: 将来",
        "      |                     ^"]),
    # brackets and quotes never closed: pointed at where they open
    (["      - kpi: {label: 数値目標, items: []", "  - id: b"], [
        "source/x.yaml:5:14: YAML syntax error: the { that starts here is never closed: close it with }; a text "
        "that begins with { must be quoted, e.g. \"{…}\"",
        "    5 |       - kpi: {label: 数値目標, items: []",
        "      |              ^"]),
    (["      - \"段落", "  - id: b"], [
        "source/x.yaml:5:9: YAML syntax error: the quote \" that starts here is never closed: end the text with \", "
        "or leave the quotes out",
        "    5 |       - \"段落",
        "      |         ^"]),
    (["      - \"人口ビジョン\"に掲げた"], [
        "source/x.yaml:5:17: YAML syntax error: a text that begins with a quote \" ends where the quote closes, and "
        "here more follows: quote the whole text with the other quote mark: - '\"人口ビジョン\"に掲げた'",
        "    5 |       - \"人口ビジョン\"に掲げた",
        "      |                       ^"]),
])
def test_syntax_errors_in_plain_words_with_the_line_and_a_caret(lines, expected):
    (message,) = messages(load(ROW + "\n".join(lines) + "\n"))
    assert message.splitlines() == expected


def test_byte_order_mark_is_accepted():
    loaded = load(b"\xef\xbb\xbftitle: x\n")
    assert loaded.problems == () and isinstance(loaded.root.entries["title"][1], Scalar)


def test_shift_jis_is_named():
    data = "a: ok\nb: 本市\n".encode("cp932")
    assert messages(load(data)) == ["source/x.yaml:2:4: file is not UTF-8 (looks like Shift_JIS); save it as UTF-8"]


def test_binary_and_empty_files():
    assert messages(load(b"a: 1\n\0\0")) == ["source/x.yaml:2:1: file is binary (contains NUL bytes), expected UTF-8 YAML text"]
    assert messages(load(" \n\n")) == ["source/x.yaml:1:1: file is empty, expected a YAML mapping"]
    assert messages(load("# only a comment\n")) == ["source/x.yaml:1:1: file holds only comments, expected a YAML mapping"]


def test_tab_and_full_width_indentation():
    assert messages(load("a:\n\tb: 1\n  \u3000c: 2\n")) == [
        "source/x.yaml:2:1: a tab is used for indentation; indent with half-width spaces",
        "source/x.yaml:3:3: a full-width space (U+3000) is used for indentation; indent with half-width spaces",
    ]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _by_pyyaml_alone(data: bytes):
    with mock.patch.object(loader, "_FastComposer", None):
        return load_bytes(data, "source/x.yaml")


def test_libyaml_reads_the_real_sources_itself_as_pyyaml_does():
    for path in SOURCES:
        data = path.read_bytes()
        assert load_bytes(data, "source/x.yaml") == _by_pyyaml_alone(data), path
    # Only prh.yml's patterns ('?') and the fixtures made to be wrong go to PyYAML.
    chapters = [path for path in SOURCES if path.parent == ROOT / "source" and path.suffix == ".yaml"]
    for path in chapters:
        assert yaml.compose(path.read_text(encoding="utf-8"), Loader=loader._FastComposer) is not None, path


class _LibyamlAlone(loader._FastComposer):
    """libyaml's reading of everything, none of it sent to PyYAML."""

    compose_node = loader._Refusing.compose_node


def _tree(text: str, composer):
    try:
        return loader._convert(yaml.compose(text, Loader=composer), "source/x.yaml", [])
    except yaml.YAMLError:
        return "refused"


@pytest.mark.parametrize("text", ["- id: ref-meet\ting-5\n", "a: [40? ]\n", "a: |-#\n  x\n", "a: x\nb\ufeff: y\n",
                                  "a: {b: , c: d}\n", "!\n"])
def test_where_libyaml_reads_apart_pyyaml_reads(text):
    assert _tree(text, _LibyamlAlone) != _tree(text, loader._SafeComposer)
    data = text.encode("utf-8")
    assert load_bytes(data, "source/x.yaml") == _by_pyyaml_alone(data)


TEXTS = [path for path in SOURCES if _is_utf8(path.read_bytes())]
_EDITS = ["- ", ": ", ":", "\n", "  ", "[", "]", "{", "}", ",", "&a ", "*a", "!", "!!str ", "|", ">-", "'", '"', "#",
          "?", "%", "@", "~", "\t", "\u3000", "\ufeff", "\u2028", "\x85", "\r", "---\n", "...\n", "\\", "😀", "１"]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_libyaml_or_pyyaml_a_mutated_source_reads_the_same(data):
    """Every text PyYAML and libyaml read apart goes to PyYAML: the same tree, locations and
    problems either way."""
    text = data.draw(st.sampled_from(TEXTS)).read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    start = data.draw(st.integers(0, max(0, len(lines) - 30)))
    window = list("".join(lines[start:start + 30]))
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(window)))
        edit = data.draw(st.sampled_from(_EDITS))
        width = data.draw(st.sampled_from([0, 1, 2, 40]))  # 40: to the end of the line, often
        window[at:at + width] = [edit]
    mutated = "".join(window).encode("utf-8")
    assert load_bytes(mutated, "source/x.yaml") == _by_pyyaml_alone(mutated)
