"""The JSON Schema for editors: generated from the schema table, committed, and true to parse."""

import jsonschema
import pytest
import yaml

from strategy_pdf import parse, schema

from .conftest import FIXTURES, ROOT

SOURCES = sorted((ROOT / "source").glob("*.yaml"))


def test_committed_schema_files_match_the_schema_table():
    for name, text in schema.schema_files().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, "schema drifted: run `make schema`"


def test_parse_knows_every_block_kind_of_the_schema():
    assert set(parse.TEXT_BLOCKS) == set(schema.TEXT_BLOCKS)
    assert set(parse.HEADINGS) == set(schema.HEADINGS)


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
