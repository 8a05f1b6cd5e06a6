"""Stage 1: the safe, located YAML loader."""

from strategy_pdf.loader import Mapping, Null, Scalar, Sequence, load_bytes


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
    (message,) = messages(load("a: [1, 2\nb: 3\n"))
    assert message.startswith("source/x.yaml:2:2: YAML syntax error:")


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
