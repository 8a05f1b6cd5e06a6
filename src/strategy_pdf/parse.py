"""Stage 2, model: check loaded node trees against the source schema and build the Document.

Each key is read by the reader of the type ``schema`` declares for it, and each shape of
keys becomes its model class, with the source location of every scalar it holds; what a
type cannot say (a row needs a side, a KPI as many targets as years) is checked after.
Every problem is collected with its file, line, column and key path; the caller raises
once with all of them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import eras, mistakes, model, schema
from .errors import Location, Problem, SourceError, display_path
from .loader import Mapping, Node, Null, Scalar, Sequence, load_file

DOCUMENT_FILE = "document.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IMAGE_PATH = re.compile(r"^figures/[\w.-]+(/[\w.-]+)*\.(svg|png|jpe?g)$")
TRUE_WORDS = {"true": True, "yes": True, "false": False, "no": False}

Locations = tuple[tuple[model.FieldPath, Location], ...]


@dataclass(frozen=True)
class _Fields:
    """A shape read: its values by model field, the nodes by source key (for the checks
    that follow), and where each scalar was written, by field path."""

    values: dict[str, object]
    nodes: dict[str, Node]
    locations: Locations


class _Checker:
    """Collects problems while walking one file's nodes."""

    def __init__(self, source_dir: Path | None = None) -> None:
        self.problems: list[Problem] = []
        self.source_dir = source_dir

    def report(self, at: Location, path: str, message: str) -> None:
        self.problems.append(Problem(at, path, message))

    def fields(self, node: Node, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Node]:
        """The entries of a mapping, reporting unknown keys (with a guess) and missing ones."""
        if not isinstance(node, Mapping):
            self.report(node.at, path, f"expected a mapping with keys {', '.join(allowed)}")
            return {}
        found = {}
        for key, (key_at, value) in node.entries.items():
            if key in allowed:
                found[key] = value
                continue
            guess = mistakes.guess(key, allowed)
            hint = f"; did you mean '{guess}'?" if guess else f"; expected one of {', '.join(allowed)}"
            self.report(key_at, _join(path, key), f"unknown key{hint}")
        for key in required:
            if key not in found or isinstance(found[key], Null):
                self.report(node.at, path, f"missing required key '{key}'")
        return found

    def read(self, key_type: schema.Type, node: Node, path: str):
        """The value of ``node`` as ``key_type`` says, reporting what does not fit."""
        return _READERS[type(key_type)](self, key_type, node, path)

    def shape(self, node: Node, path: str, name: str) -> _Fields:
        """The keys of a ``schema.SHAPES`` mapping, each read by its type. A key left out,
        or left empty, takes its declared default, else the model's, else its type's
        empty value."""
        nodes = self.fields(node, path, *schema.keys(name))
        model_defaults = {field.name: field.default for field in dataclasses.fields(_MODELS[name])
                          if field.default is not dataclasses.MISSING}
        values: dict[str, object] = {}
        located: list[tuple[model.FieldPath, Location]] = []
        for key in schema.SHAPES[name]:
            value = nodes.get(key.name)
            if value is None or isinstance(value, Null):
                if key.default is not None:
                    values[key.model_field] = key.default
                else:
                    values[key.model_field] = model_defaults.get(key.model_field, _EMPTY[type(key.type)])
                continue
            values[key.model_field] = self.read(key.type, value, _join(path, key.name))
            located += _located(key.type, key.model_field, value)
        return _Fields(values, nodes, tuple(located))

    def build(self, name: str, node: Node, path: str, at: Location | None = None):
        """The model object of a shape: read, checked, located (at ``node``, or ``at``)."""
        fields = self.shape(node, path, name)
        if name in _CHECKS:
            _CHECKS[name](self, fields, node, path)
        model_class = _MODELS[name]
        extra: dict[str, object] = {}
        if "at" in {field.name for field in dataclasses.fields(model_class)}:
            extra["at"] = at or node.at
        if issubclass(model_class, model.Located):
            extra["locations"] = fields.locations
        return model_class(**fields.values, **extra)


def _nth(path: str, index: int, node: Node) -> str:
    """A list's item as a person finds it: a row by its id, an indicator by its name, anything
    else counted from 1 (``draft[#2]``, the second block)."""
    if isinstance(node, Mapping):
        for key in ("id", "name"):
            value = node.entries.get(key, (None, None))[1]
            if isinstance(value, Scalar) and value.text.strip():
                return f"{path}[{value.text.strip()}]"
    return f"{path}[#{index + 1}]"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(node: Node) -> str:
    return {Mapping: "mapping", Sequence: "list", Scalar: "text", Null: "nothing"}[type(node)]


def _entry(node: Node | None, key: str) -> Node | None:
    return node.entries[key][1] if isinstance(node, Mapping) and key in node.entries else None


# One reader per type of schema: (checker, the type, node, key path) → value.

def _text(checker: _Checker, _, node: Node, path: str) -> str:
    if isinstance(node, Scalar):
        return node.text
    checker.report(node.at, path, "expected text, found " + ("nothing" if isinstance(node, Null) else "a " + _kind(node)))
    return ""


def _texts(checker: _Checker, _, node: Node, path: str) -> tuple[str, ...]:
    if isinstance(node, Null):
        return ()
    if isinstance(node, Scalar):
        return (node.text,)
    if isinstance(node, Sequence):
        return tuple(_text(checker, None, item, _nth(path, i, item)) for i, item in enumerate(node.items))
    checker.report(node.at, path, "expected text or a list of texts, found a mapping")
    return ()


def _flag(checker: _Checker, _, node: Node, path: str) -> bool:
    word = _text(checker, None, node, path).lower()
    if word not in TRUE_WORDS:
        checker.report(node.at, path, f"expected true or false, found '{word}'")
        return False
    return TRUE_WORDS[word]


def _check_era(checker: _Checker, year: str, at: Location, path: str) -> None:
    if not eras.ABBREVIATION.match(year):
        checker.report(at, path, f"'{year}' is not an era year; expected H or R and a number, e.g. H27, R1, R5")


def _era(checker: _Checker, _, node: Node, path: str) -> str:
    year = _text(checker, None, node, path)
    if year:
        _check_era(checker, year, node.at, path)
    return year


def _eras(checker: _Checker, _, node: Node, path: str) -> tuple[str, ...]:
    years = _texts(checker, None, node, path)
    for i, year in enumerate(years):
        _check_era(checker, year, node.items[i].at if isinstance(node, Sequence) else node.at, path)
    return years


def _page_break(checker: _Checker, _, node: Node, path: str) -> bool:
    word = _text(checker, None, node, path)
    if word != "page":
        checker.report(node.at, path, f"expected 'page', found '{word}'")
    return word == "page"


def _file_names(checker: _Checker, _, node: Node, path: str) -> tuple[str, ...]:
    if isinstance(node, Sequence):
        return _texts(checker, None, node, path)
    checker.report(node.at, path, "expected a list of chapter file names (without .yaml)")
    return ()


def _layouts(checker: _Checker, _, node: Node, path: str) -> tuple[str, ...]:
    layouts = _texts(checker, None, node, path)
    expected = f"{', '.join(model.TEXT_LAYOUTS[:-1])} or {model.TEXT_LAYOUTS[-1]}"
    for layout in layouts:
        if layout not in model.TEXT_LAYOUTS:
            checker.report(node.at, path, f"'{layout}' is not a layout; expected {expected}")
    return layouts


def _choice(checker: _Checker, key_type: schema.Choice, node: Node, path: str) -> str:
    word = _text(checker, None, node, path)
    if word not in key_type.values:
        checker.report(node.at, path, f"'{word}' is not a {key_type.noun}; expected {' or '.join(key_type.values)}")
    return word


def _grades(checker: _Checker, _, node: Node, path: str) -> tuple[model.GradeRule, ...]:
    if not isinstance(node, Mapping) or not node.entries:
        checker.report(node.at, path, "expected a mapping of grades to conditions, e.g. {A: met, B: ≥ 50, C: > 0, D: else}")
        return model.DEFAULT_GRADES
    rules = []
    for grade, (key_at, value) in node.entries.items():
        condition = _text(checker, None, value, f"{path}.{grade}").strip()
        if not re.match(schema.GRADE_CONDITION, condition):
            checker.report(value.at, f"{path}.{grade}", f"'{condition}' is not a condition; expected met, ≥ N, > N or else")
            continue
        if condition in ("met", "else"):
            rules.append(model.GradeRule(grade, condition))
        else:
            operator = ">" if condition.startswith(">") and not condition.startswith(">=") else "≥"
            rules.append(model.GradeRule(grade, operator, float(re.search(r"-?\d+(\.\d+)?", condition).group())))
    if rules and rules[-1].condition != "else":
        checker.report(node.at, path, "the last grade takes every other rate: give it the condition else")
    return tuple(rules)


def _cells(checker: _Checker, _, node: Node, path: str) -> tuple[tuple[str, ...], ...]:
    if isinstance(node, Sequence):
        return tuple(_texts(checker, None, row, _nth(path, i, row)) for i, row in enumerate(node.items))
    checker.report(node.at, path, "expected a list of rows, each a list of cells")
    return ()


def _actuals(checker: _Checker, _, node: Node, path: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(node, Mapping):
        checker.report(node.at, path, "expected a mapping of era years to values, e.g. {H28: 560}")
        return ()
    actuals = []
    for year, (key_at, value) in node.entries.items():
        if not eras.ABBREVIATION.match(year):
            checker.report(key_at, f"{path}.{year}", f"'{year}' is not an era year; expected e.g. H28, R1")
        actuals.append((year, _text(checker, None, value, f"{path}.{year}")))
    return tuple(actuals)


def _boxes(checker: _Checker, _, node: Node, path: str) -> tuple[model.Box, ...]:
    if not isinstance(node, Sequence):
        checker.report(node.at, path, "expected a list of boxes")
        return ()
    return tuple(model.Box(item.text, locations=_located(schema.Text(), "text", item)) if isinstance(item, Scalar)
                 else checker.build("box", item, _nth(path, i, item)) for i, item in enumerate(node.items))


def _blocks(checker: _Checker, _, node: Node, path: str) -> tuple[model.Block, ...]:
    if isinstance(node, (Scalar, Mapping)):
        block = _block(checker, node, _nth(path, 0, node))
        return (block,) if block is not None else ()
    return tuple(block for i, item in enumerate(node.items)
                 if (block := _block(checker, item, _nth(path, i, item))) is not None)


def _block(checker: _Checker, node: Node, path: str) -> model.Block | None:
    if isinstance(node, Scalar):
        return model.Paragraph(node.text, node.at, locations=_located(schema.Text(), "text", node))
    if not isinstance(node, Mapping) or len(node.entries) != 1:
        checker.report(node.at, path, f"expected text or a one-key block ({', '.join(schema.BLOCK_KINDS)})")
        return None
    (name, (key_at, value)), = node.entries.items()
    inner = _join(path, name)
    kind = schema.BLOCKS.get(name)
    if kind is None and not name.isascii() and isinstance(value, Scalar):
        checker.report(key_at, inner, mistakes.colon_in_text(name, value.text))
        return None
    if kind is None:
        # Only the kinds that take such a value: 'lable: 【施策】' is a label, not a table.
        valid = [other for other in schema.BLOCK_KINDS if bool(schema.BLOCKS[other].shape) == isinstance(value, Mapping)] \
            if isinstance(value, (Scalar, Null, Mapping)) else schema.BLOCK_KINDS
        guess = mistakes.guess(name, valid)
        hint = f"did you mean '{guess}'?" if guess else f"expected one of {', '.join(valid)}"
        checker.report(key_at, inner, f"unknown block kind; {hint}")
        return None
    if kind.shape:
        # A figure is placed at its "- figure:" line, as it always was; a KPI or a table
        # at its first key (lint's fixtures point there).
        return checker.build(kind.shape, value, inner, at=node.at if kind.shape == "figure" else None)
    text, locations = _text(checker, None, value, inner), _located(schema.Text(), "text", value)
    if kind.level:
        return model.Heading(kind.level, text, node.at, locations=locations)
    return kind.text(text, node.at, locations=locations)


def _shape(checker: _Checker, key_type: schema.Shape, node: Node, path: str):
    return checker.build(key_type.name, node, path)


def _shape_list(checker: _Checker, key_type: schema.ShapeList, node: Node, path: str) -> tuple:
    if isinstance(node, Sequence):
        return tuple(checker.build(key_type.name, item, _nth(path, i, item)) for i, item in enumerate(node.items))
    checker.report(node.at, path, f"expected a list of {key_type.noun}")
    return ()


_READERS: dict[type, Callable] = {
    schema.Text: _text, schema.Texts: _texts, schema.Flag: _flag, schema.Era: _era, schema.Eras: _eras,
    schema.PageBreak: _page_break, schema.FileNames: _file_names, schema.Layouts: _layouts, schema.Choice: _choice, schema.Grades: _grades,
    schema.Cells: _cells, schema.Actuals: _actuals, schema.Boxes: _boxes, schema.Blocks: _blocks,
    schema.Shape: _shape, schema.ShapeList: _shape_list,
}
_EMPTY: dict[type, object] = {
    schema.Text: "", schema.Texts: (), schema.Flag: False, schema.Era: "", schema.Eras: (),
    schema.PageBreak: False, schema.FileNames: (), schema.Layouts: (), schema.Choice: "", schema.Grades: (), schema.Cells: (), schema.Actuals: (),
    schema.Boxes: (), schema.Blocks: (), schema.Shape: None, schema.ShapeList: (),
}


def _located(key_type: schema.Type, field: str, node: Node) -> Locations:
    """Where the scalars of a key's value were written, by field path within its owner."""
    if isinstance(key_type, (schema.Texts, schema.Eras)):
        if isinstance(node, Sequence):
            return tuple(((field, index), item.at) for index, item in enumerate(node.items))
        return (((field,), node.at), ((field, 0), node.at))  # a single text stands for a list of one
    if isinstance(key_type, schema.Boxes):
        return tuple(((field, index), item.at) for index, item in enumerate(node.items)) \
            if isinstance(node, Sequence) else ()
    if isinstance(key_type, schema.Cells):
        return tuple(((field, row, column), cell.at)
                     for row, cells in enumerate(node.items if isinstance(node, Sequence) else ())
                     for column, cell in enumerate(cells.items if isinstance(cells, Sequence) else (cells,)))
    if isinstance(key_type, schema.Actuals):
        return tuple(((field, index), value.at) for index, (_, value) in enumerate(node.entries.values())) \
            if isinstance(node, Mapping) else ()
    if isinstance(key_type, (schema.Text, schema.Flag, schema.Era, schema.PageBreak, schema.Choice)):
        return (((field,), node.at),)
    return ()


# What the types cannot say, checked once a shape is read: (checker, fields, node, path).

def _check_row(checker: _Checker, fields: _Fields, node: Node, path: str) -> None:
    row_id = fields.values["id"]
    if row_id and not ID_PATTERN.match(row_id):
        checker.report(fields.nodes["id"].at, _join(path, "id"),
                       f"'{row_id}' is not a valid row id; use lower-case letters, digits and '-'")
    # A side whose blocks were refused has been reported already: the row is not empty.
    refused = any(problem.path.startswith((_join(path, "draft"), _join(path, "current"))) for problem in checker.problems)
    if isinstance(node, Mapping) and not fields.values["draft"] and not fields.values["current"] and not refused:
        checker.report(node.at, path, "row has neither a draft nor a current side")


def _check_kpi(checker: _Checker, fields: _Fields, node: Node, path: str) -> None:
    target_count = len(fields.values["target_years"])
    items_node = fields.nodes.get("items")
    for i, item in enumerate(fields.values["items"]):
        targets_node = _entry(items_node.items[i], "targets")
        if targets_node is None or len(item.targets) == target_count:
            continue
        hint = ""
        if target_count and len(item.targets) > target_count and any(re.fullmatch(r"\d{3}", t) for t in item.targets[1:]):
            hint = ('; a comma inside [ ] separates values, so quote a number printed with a'
                    ' thousands separator: ["2,541", "2,692"]')
        checker.report(targets_node.at, _nth(f"{path}.items", i, items_node.items[i]) + ".targets",
                       f"{len(item.targets)} target value(s) but the table has {target_count} target year(s){hint}")


def _check_kpi_item(checker: _Checker, fields: _Fields, node: Node, path: str) -> None:
    own_years, targets = fields.values["target_years"], fields.values["targets"]
    if own_years and len(own_years) != len(targets):
        checker.report(fields.nodes["target_years"].at, _join(path, "target_years"),
                       f"{len(own_years)} year(s) for {len(targets)} target value(s)")


def _check_table(checker: _Checker, fields: _Fields, node: Node, path: str) -> None:
    head = fields.values["head"]
    for i, cells in enumerate(fields.values["rows"]):
        if head and len(cells) != len(head):
            row = fields.nodes["rows"].items[i]
            checker.report(row.at, _nth(f"{path}.rows", i, row),
                           f"{len(cells)} cell(s) but the head has {len(head)} column(s)")


def _check_figure(checker: _Checker, fields: _Fields, node: Node, path: str) -> None:
    image = fields.values["image"]
    if image and (not IMAGE_PATH.match(image) or ".." in image.split("/")):
        checker.report(fields.nodes["image"].at, _join(path, "image"),
                       f"'{image}' is not an image under figures/; expected e.g. figures/system.svg (.svg, .png, .jpg)")
    elif image and checker.source_dir is not None and not (checker.source_dir / image).is_file():
        checker.report(fields.nodes["image"].at, _join(path, "image"), f"image file {image} does not exist in the sources")


_CHECKS: dict[str, Callable[[_Checker, _Fields, Node, str], None]] = {
    "row": _check_row, "kpi": _check_kpi, "kpi_item": _check_kpi_item, "table": _check_table, "figure": _check_figure,
}
_MODELS: dict[str, type] = {
    "document": model.Document, "chapter": model.Chapter, "marks": model.MarkConventions, "meeting": model.Meeting,
    "columns": model.Columns, "auto_remarks": model.AutoRemarks, "row": model.Row, "kpi": model.Kpi,
    "kpi_item": model.KpiItem, "table": model.Table, "figure": model.Figure, "diagram": model.Diagram,
    "stage": model.Stage, "box": model.Box,
}


def load_document(source_dir: Path) -> model.Document:
    """Read ``document.yaml`` and every chapter it lists; raise SourceError with all problems."""
    checker = _Checker(source_dir)
    shown = lambda path: display_path(path, Path.cwd())  # noqa: E731
    document_path = source_dir / DOCUMENT_FILE
    loaded = load_file(document_path, shown(document_path))
    checker.problems.extend(loaded.problems)
    if loaded.root is None:
        for path in sorted(source_dir.glob("*.yaml")):
            if path.name != DOCUMENT_FILE:
                _load_chapter(path, path.stem, shown(path), checker)
        raise SourceError(checker.problems)
    fields = checker.shape(loaded.root, "", "document")
    names_node = fields.nodes.get("chapters")
    chapters, listed = [], set()
    for i, name in enumerate(fields.values["chapters"]):
        name_at, at = names_node.items[i].at, _nth("chapters", i, names_node.items[i])
        if not name:
            continue
        if name in listed:
            checker.report(name_at, at, f"chapter '{name}' is listed twice")
            continue
        listed.add(name)
        chapter_path = source_dir / f"{name}.yaml"
        if refused := _refused_chapter(source_dir, name):
            checker.report(name_at, f"chapters[{i}]", refused)
            continue
        if not chapter_path.is_file():
            checker.report(name_at, at, f"chapter file {shown(chapter_path)} does not exist")
            continue
        chapter = _load_chapter(chapter_path, name, shown(chapter_path), checker)
        if chapter is not None:
            chapters.append(chapter)
    for path in sorted(source_dir.glob("*.yaml")):
        if path.name != DOCUMENT_FILE and path.stem not in listed and names_node is not None:
            checker.report(names_node.at, "chapters",
                           f"{shown(path)} is not listed in chapters; add '{path.stem}' or remove the file")
    _check_unique_ids(chapters, checker)
    if names_node is not None and not any(chapter.rows for chapter in chapters) and not checker.problems:
        checker.report(names_node.at, "chapters", "the document has no rows to print; list a chapter that has rows")
    document = model.Document(**{**fields.values, "chapters": tuple(chapters)})
    if checker.problems:
        raise SourceError(checker.problems)
    return document


CHAPTER_NAME = re.compile(r"^[\w-]+(\.[\w-]+)*$")


def _refused_chapter(source_dir: Path, name: str) -> str:
    """Why a chapter name cannot be read ('' when it can): a chapter is a file directly in
    the source folder, named in letters, digits, '-', '_' and '.', and no link out of it."""
    if not CHAPTER_NAME.match(name):
        return (f"'{name}' is not a file name in the source folder; a chapter is named by its file there"
                " without .yaml, in letters, digits, '-', '_' and '.'")
    path = source_dir / f"{name}.yaml"
    if path.exists() and not path.resolve().is_relative_to(source_dir.resolve()):
        return f"{name}.yaml links outside the source folder; chapters are files in it"
    return ""


def _check_unique_ids(chapters: list[model.Chapter], checker: _Checker) -> None:
    seen: dict[str, model.Row] = {}
    for chapter in chapters:
        for row in chapter.rows:
            if not row.id:
                continue
            if row.id in seen:
                first = seen[row.id].at
                checker.report(row.at, f"rows[{row.id}].id", f"row id '{row.id}' is used twice (first at {first})")
            else:
                seen[row.id] = row


def _load_chapter(path: Path, slug: str, shown_as: str, checker: _Checker) -> model.Chapter | None:
    loaded = load_file(path, shown_as)
    checker.problems.extend(loaded.problems)
    if loaded.root is None:
        return None
    return model.Chapter(slug=slug, source=shown_as, **checker.shape(loaded.root, "", "chapter").values)
