"""The JSON Schema for editors: generated from the schema table, committed, and true to parse."""

import re
import shutil
import typing

import jsonschema
import pytest
import yaml

from strategy_pdf import parse, schema
from strategy_pdf.errors import SourceError

from .conftest import FIXTURES, ROOT

SOURCES = sorted((ROOT / "source").glob("*.yaml"))


def test_committed_schema_files_match_the_schema_table():
    for name, text in schema.schema_files().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, "schema drifted: run `make schema`"


def test_parse_reads_every_type_of_the_schema():
    types = set(typing.get_args(schema.Type))
    assert set(parse._READERS) == types and set(parse._EMPTY) == types
    used = {type(key.type) for keys in schema.SHAPES.values() for key in keys}
    assert used == types, "a type no key uses"


def test_readme_block_table_lists_the_schema_block_kinds():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| block | prints | example |"):]
    table = table[:table.index("\n\n")]
    kinds = [re.findall(r"`(\w+):`", line.split("|")[1])[0] for line in table.splitlines()[2:]]
    assert kinds == list(schema.BLOCKS)


EMPTY_LISTS = """title: 空
rows:
  - id: empty-lists
    draft:
      - kpi:
          target_years: [R5]
          items:
      - table:
          rows:
      - figure:
          diagram:
            stages:
"""


def test_an_empty_list_is_reported_once(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "document.yaml").write_text(
        "title: 試験\ncity: 試験市\ncolumns: {draft: 案, current: 現行, remarks: 備考}\nchapters: [empty]\n",
        encoding="utf-8")
    (source / "empty.yaml").write_text(EMPTY_LISTS, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        parse.load_document(source)
    assert [problem.message for problem in caught.value.problems] == [
        "missing required key 'items'", "missing required key 'rows'", "missing required key 'stages'"]
@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_every_source_names_its_schema_and_conforms(path):
    kind = "document" if path.name == "document.yaml" else "chapter"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schema/{kind}.schema.json"
    jsonschema.validate(yaml.safe_load(text), schema.json_schema(kind))


def test_schema_refuses_what_parse_refuses():
    bad = yaml.safe_load((FIXTURES / "bad" / "unknown-keys" / "source" / "goal.yaml").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema.json_schema("chapter"))
