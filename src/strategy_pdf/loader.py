"""Stage 1, load: read one YAML source safely into a tree of located nodes.

Every scalar stays the text the author typed (``0.90`` is not the float 0.9, ``yes`` is
not True), every node keeps its line and column, and nothing in a file can run code:
no tags, no aliases, no duplicate keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from . import mistakes
from .errors import Location, Problem

NULL_TAG = "tag:yaml.org,2002:null"
PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:timestamp",
    NULL_TAG,
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
MAX_BYTES = 4 * 1024 * 1024
# Deep enough for a figure's boxes in boxes; far below what would exhaust Python's stack.
MAX_DEPTH = 32


@dataclass(frozen=True)
class Scalar:
    text: str
    at: Location


@dataclass(frozen=True)
class Mapping:
    entries: dict[str, tuple[Location, "Node"]]
    at: Location


@dataclass(frozen=True)
class Sequence:
    items: tuple["Node", ...]
    at: Location


@dataclass(frozen=True)
class Null:
    at: Location


Node = Union[Scalar, Mapping, Sequence, Null]


@dataclass(frozen=True)
class Loaded:
    """A file's node tree (None when it could not be read) and what went wrong."""

    root: Node | None
    problems: tuple[Problem, ...]


class _AliasRefused(yaml.YAMLError):
    def __init__(self, mark):
        self.mark = mark


class _TooDeep(yaml.YAMLError):
    def __init__(self, mark):
        self.mark = mark


class _Refusing:
    """A composer that refuses aliases (an alias bomb never expands) and nesting deeper than
    MAX_DEPTH (the composer recurses: hundreds of levels exhaust the stack)."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            raise _AliasRefused(self.peek_event().start_mark)
        if self._depth >= MAX_DEPTH:
            raise _TooDeep(self.peek_event().start_mark)
        self._depth += 1
        try:
            return Composer.compose_node(self, parent, index)
        finally:
            self._depth -= 1


class _SafeComposer(_Refusing, yaml.SafeLoader):
    """PyYAML's own parser, in Python: what every problem is reported from."""


class _ReadApart(yaml.YAMLError):
    """libyaml would read this text otherwise than PyYAML: PyYAML reads it."""


# Where the two parsers part (tests/test_loader.py holds an example of each and compares them
# on mutated sources): libyaml takes some tabs, '?' and block headers ('|-#') that PyYAML
# refuses, and marks otherwise what follows a BOM inside the text, an empty value and a tag
# (the last two seen as they come, by _FastComposer).
_READ_APART = re.compile("[\t?\ufeff]|[|>][-+0-9]*#")

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastComposer(_Refusing, Composer, CParser, Resolver):
        """The same nodes from libyaml's events: its parser in C reads a source several times
        faster than PyYAML's in Python (most of the time a build takes to load the sources).
        Tags are resolved and nodes composed here, as PyYAML does."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

        def compose_node(self, parent, index):
            event = self.peek_event()
            if getattr(event, "tag", None) is not None or (getattr(event, "value", None) == "" and event.implicit[0]):
                raise _ReadApart()  # a tag (refused anyway), an empty value unquoted (marked elsewhere)
            return _Refusing.compose_node(self, parent, index)
else:  # PyYAML built without libyaml
    _FastComposer = None


def _compose(text: str):
    """The document's node tree, by libyaml where it reads the text as PyYAML does; by
    PyYAML otherwise, and for every text that has a problem, so that each is told in PyYAML's
    words and marks (which mistakes reads)."""
    if _FastComposer is not None and _READ_APART.search(text) is None:
        try:
            return yaml.compose(text, Loader=_FastComposer)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_SafeComposer)


def load_file(path: Path, shown_as: str) -> Loaded:
    """Read ``path``; problems are reported against ``shown_as`` (e.g. ``source/x.yaml``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _failed(shown_as, 1, 1, f"cannot read the file: {exc.strerror}")
    return load_bytes(data, shown_as)


def load_bytes(data: bytes, shown_as: str) -> Loaded:
    if len(data) > MAX_BYTES:
        return _failed(shown_as, 1, 1, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; is it really a source?")
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        return _failed(shown_as, line, 1, "file is binary (contains NUL bytes), expected UTF-8 YAML text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        if exc.end == len(data) and exc.reason == "unexpected end of data":
            return _failed(shown_as, line, column, _cut_short(line))
        return _failed(shown_as, line, column, f"file is not UTF-8 ({_guess_encoding(data)}); save it as UTF-8")
    if not text.strip():
        return _failed(shown_as, 1, 1, "file is empty, expected a YAML mapping")
    if not text.endswith("\n"):
        lines = text.split("\n")
        return _failed(shown_as, len(lines), len(lines[-1]) + 1, _cut_short(len(lines)))
    indentation = _indentation_problems(text, shown_as)
    if indentation:
        return Loaded(None, tuple(indentation))
    try:
        node = _compose(text)
    except _AliasRefused as exc:
        return _failed(shown_as, exc.mark.line + 1, exc.mark.column + 1,
                       "YAML aliases (*name) are not allowed in sources; write the text out")
    except _TooDeep as exc:
        return _failed(shown_as, exc.mark.line + 1, exc.mark.column + 1,
                       f"nesting deeper than {MAX_DEPTH} levels; a source needs no more than a few"
                       " (a figure's boxes in boxes)")
    except yaml.MarkedYAMLError as exc:
        return Loaded(None, (mistakes.syntax_problem(text, exc, shown_as),))
    except yaml.YAMLError as exc:
        return _failed(shown_as, 1, 1, f"YAML error: {exc}")
    if node is None:
        return _failed(shown_as, 1, 1, "file holds only comments, expected a YAML mapping")
    problems: list[Problem] = []
    return Loaded(_convert(node, shown_as, problems), tuple(problems))


def _cut_short(line: int) -> str:
    """A source is recognised as cut short by its end: every file an editor saves whole ends
    its last line with a line break (the project's .editorconfig asks editors to)."""
    return (f"the file ends in the middle of line {line}, without a line break: it may have been cut short"
            " (an interrupted save, copy or sync); check its end, then end the last line with a line break")


def _guess_encoding(data: bytes) -> str:
    for name, label in (("cp932", "looks like Shift_JIS"), ("euc_jp", "looks like EUC-JP")):
        try:
            data.decode(name)
            return label
        except UnicodeDecodeError:
            continue
    return "unknown encoding"


def _indentation_problems(text: str, shown_as: str) -> list[Problem]:
    """Tabs and full-width spaces look like indentation to people but not to YAML."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        lead = line[: len(line) - len(line.lstrip(" \t\u3000"))]
        if "\t" in lead:
            problems.append(Problem(Location(shown_as, number, lead.index("\t") + 1), "",
                                    "a tab is used for indentation; indent with half-width spaces"))
        elif "\u3000" in lead and line.strip(" \t\u3000"):
            problems.append(Problem(Location(shown_as, number, lead.index("\u3000") + 1), "",
                                    "a full-width space (U+3000) is used for indentation; indent with half-width spaces"))
    return problems


def _failed(shown_as: str, line: int, column: int, message: str) -> Loaded:
    return Loaded(None, (Problem(Location(shown_as, line, column), "", message),))


def _convert(node, shown_as: str, problems: list[Problem]) -> Node:
    at = Location(shown_as, node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in PLAIN_TAGS:
        problems.append(Problem(at, "", f"YAML tag {node.tag!r} is not allowed in sources"))
        return Scalar("", at)  # reported once here; an empty text raises no further problem
    if isinstance(node, ScalarNode):
        if node.tag == NULL_TAG and node.value in ("", "~", "null", "Null", "NULL"):
            return Null(at)
        return Scalar(node.value, at)
    if isinstance(node, SequenceNode):
        return Sequence(tuple(_convert(item, shown_as, problems) for item in node.value), at)
    assert isinstance(node, MappingNode)
    entries: dict[str, tuple[Location, Node]] = {}
    for key_node, value_node in node.value:
        key_at = Location(shown_as, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if not isinstance(key_node, ScalarNode):
            problems.append(Problem(key_at, "", "a key must be plain text"))
            continue
        key = key_node.value
        if key in entries:
            first = entries[key][0]
            problems.append(Problem(key_at, key, f"duplicate key (first at line {first.line})"))
            continue
        entries[key] = (key_at, _convert(value_node, shown_as, problems))
    return Mapping(entries, at)


def round_trip_yaml():
    """The YAML library for the commands that write sources (import, adopt, actuals): what it
    rewrites keeps its comments, quotes, key order and indentation, and a long line of Japanese
    text is never folded (YAML would read a folded plain scalar back with a space)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml
