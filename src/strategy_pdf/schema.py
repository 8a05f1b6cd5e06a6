"""The source schema in one table: every key with its type, once. ``parse`` reads the sources
by these types, the JSON Schema editors use is made from them, and a test holds the README's
block table to ``BLOCKS``.

``make schema`` writes schema/*.schema.json from this table; a test fails when they drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import eras, model

_SCALAR = {"type": ["string", "number", "boolean"]}  # kept as typed: 0.90 stays 0.90


# The types a key's value can have. Each knows its JSON Schema; parse has one reader per type.
@dataclass(frozen=True)
class Text:
    """A scalar, kept as typed."""

    def json(self) -> dict:
        return dict(_SCALAR)


@dataclass(frozen=True)
class Texts:
    """A list of texts; one text stands for a list of one."""

    def json(self) -> dict:
        return {"anyOf": [_SCALAR, {"type": "array", "items": _SCALAR}]}


@dataclass(frozen=True)
class Flag:
    """true or false (yes or no)."""

    def json(self) -> dict:
        return {"type": ["boolean", "string"], "enum": [True, False, "true", "false", "yes", "no"]}


@dataclass(frozen=True)
class Era:
    """An era year: H27, R1 or R元."""

    def json(self) -> dict:
        return {"type": "string", "pattern": eras.PATTERN}


@dataclass(frozen=True)
class Eras:
    """A list of era years."""

    def json(self) -> dict:
        return {"type": "array", "items": Era().json()}


@dataclass(frozen=True)
class PageBreak:
    """The word page."""

    def json(self) -> dict:
        return {"const": "page"}


@dataclass(frozen=True)
class FileNames:
    """A list of file names: the chapters, without .yaml."""

    def json(self) -> dict:
        return {"type": "array", "items": {"type": "string"}}


@dataclass(frozen=True)
class Layouts:
    """A list of layout names."""

    def json(self) -> dict:
        return {"type": "array", "items": {"enum": list(model.TEXT_LAYOUTS)}}


@dataclass(frozen=True)
class Choice:
    """One of ``values``; ``noun`` says what they are, in an error."""

    values: tuple[str, ...]
    noun: str

    def json(self) -> dict:
        return {"enum": list(self.values)}


# A grade's condition in document.yaml: met, ≥ 50 (or >= 50), > 0, else.
GRADE_CONDITION = r"^(met|else|(≥|>=|>)\s*-?\d+(\.\d+)?\s*%?)$"


@dataclass(frozen=True)
class Grades:
    """The annual review's grades, best first: grade → met, ≥ N, > N or else."""

    def json(self) -> dict:
        return {"type": "object", "additionalProperties": {"type": "string", "pattern": GRADE_CONDITION}}


@dataclass(frozen=True)
class Cells:
    """A table's rows, each a list of cells."""

    def json(self) -> dict:
        return {"type": "array", "items": {"type": "array", "items": _SCALAR}}


@dataclass(frozen=True)
class Actuals:
    """Era year → value as printed."""

    def json(self) -> dict:
        return {"type": "object", "propertyNames": Era().json(), "additionalProperties": _SCALAR}


@dataclass(frozen=True)
class Boxes:
    """A list of diagram boxes: a text, or a box with boxes inside."""

    def json(self) -> dict:
        return {"type": "array", "items": {"anyOf": [_SCALAR, {"$ref": "#/definitions/box"}]}}


@dataclass(frozen=True)
class Blocks:
    """A side of a row: one paragraph as text, one block, or a list of them."""

    def json(self) -> dict:
        block = {"anyOf": [_SCALAR, {"$ref": "#/definitions/block"}]}
        return {"anyOf": [*block["anyOf"], {"type": "array", "items": block}]}


@dataclass(frozen=True)
class Shape:
    """A mapping of the keys of ``SHAPES[name]``."""

    name: str

    def json(self) -> dict:
        return {"$ref": f"#/definitions/{self.name}"}


@dataclass(frozen=True)
class ShapeList:
    """A list of ``name`` mappings; ``noun`` says what they are, in an error."""

    name: str
    noun: str

    def json(self) -> dict:
        return {"type": "array", "items": Shape(self.name).json()}


Type = Text | Texts | Flag | Era | Eras | PageBreak | FileNames | Layouts | Choice | Grades | Cells | Actuals | Boxes | Blocks | Shape | ShapeList


@dataclass(frozen=True)
class Key:
    name: str
    type: Type
    help: str
    required: bool = False
    field: str = ""               # the model's name for it, when not ``name``
    default: object = None        # the value when it is left out, when not the model's or the type's empty value

    @property
    def model_field(self) -> str:
        return self.field or self.name


LABEL_PLACES = ("remarks", "column")  # where 新設/削除 stand: in 備考, or in the empty column

SHAPES: dict[str, tuple[Key, ...]] = {
    "document": (
        Key("title", Text(), "Title of the strategy, printed in the running header.", True),
        Key("subtitle", Text(), "E.g. 新旧対照表; PDF subject."),
        Key("city", Text(), "The city: the PDF's author.", True),
        Key("draft", Flag(), "A working draft: 案 in the page header.", field="is_draft"),
        Key("columns", Shape("columns"), "Column labels of the comparison table.", True),
        Key("chapters", FileNames(), "Chapter files in order, without .yaml.", True),
        Key("auto_remarks", Shape("auto_remarks"), "Remarks for rows with one side when the author wrote none."),
        Key("kpi_appendix", Layouts(), "Layouts that end with the list of every KPI (default: comparison, draft)."),
        Key("grades", Grades(), "Grades of the annual review, best first: met, ≥ N or > N (percent achieved), "
                                "else for the last (default {A: met, B: ≥ 50, C: > 0, D: else})."),
        Key("adopted", Text(), "Git revision whose draft was adopted: lint checks that 現行 is exactly its draft."),
        Key("marks", Shape("marks"), "How this office prints its change marks: the note, new rows, where 新設/削除 stand."),
        Key("meeting", Shape("meeting"), "The council edition's top right corner (build --council): 資料番号, meeting, date."),
    ),
    "meeting": (
        Key("number", Text(), "資料番号, e.g. 資料１."),
        Key("name", Text(), "The meeting, e.g. 第５回熊本市しごと・ひと・まち創生総合戦略検証委員会."),
        Key("date", Text(), "Its date as printed, e.g. 令和２年１月２０日."),
    ),
    "marks": (
        Key("note", Text(), "Printed above the table, e.g. （傍線部分は改正部分） (the default) or （下線部分は改正部分）."),
        Key("whole_new_rows", Flag(), "Underline a row that has only one side as a whole (default: no)."),
        Key("labels_in", Choice(LABEL_PLACES, "place"),
            "Where 新設/削除 (auto_remarks) stand: remarks (default) or column (the empty one)."),
    ),
    "columns": (
        Key("draft", Text(), "E.g. 第２期（案）", True),
        Key("current", Text(), "E.g. 現行", True),
        Key("remarks", Text(), "E.g. 備考", True),
    ),
    "auto_remarks": (
        Key("added", Text(), "For a row with only a draft side (default 新設)."),
        Key("removed", Text(), "For a row with only a current side (default 削除)."),
    ),
    "chapter": (
        Key("title", Text(), "Chapter title for bookmarks and summaries.", True),
        Key("contents", Flag(), "A table of contents: its headings make no bookmarks.", field="is_contents"),
        Key("rows", ShapeList("row", "rows"), "Rows: a draft block beside the current block it replaces.", True),
    ),
    "row": (
        Key("id", Text(), "Stable id (a-z, 0-9, -), unique in the document.", True),
        Key("draft", Blocks(), "The new draft's side; absent for deleted text."),
        Key("current", Blocks(), "The text in force; absent for new text."),
        Key("remark", Texts(), "備考: one remark or a list.", field="remarks"),
        Key("break", PageBreak(), "'page' starts the row on a new page.", field="page_break"),
    ),
    "kpi": (
        Key("label", Text(), "First heading cell (default KPI), e.g. [数値目標].", default="KPI"),
        Key("base", Text(), "Baseline heading (default 基準値; the current text says 現状値).", field="base_label",
            default="基準値"),
        Key("base_year", Era(), "Era year of the baseline heading, e.g. H27."),
        Key("target_years", Eras(), "Era year of each target column, e.g. [R1, R5].", True),
        Key("items", ShapeList("kpi_item", "indicators"), "The indicators.", True),
    ),
    "kpi_item": (
        Key("name", Text(), "Indicator, without ・, unit or （再掲）.", True),
        Key("unit", Text(), "Printed as 〔unit〕."),
        Key("repeat", Flag(), "（再掲）: repeated from another section."),
        Key("base", Text(), "Baseline value as printed."),
        Key("base_year", Era(), "Only when it differs from the heading's year."),
        Key("targets", Texts(), "One value per target year, as printed.", True),
        Key("target_years", Eras(), "Only when these targets carry their own years."),
        Key("notes", Texts(), "※ footnotes, without ※."),
        Key("actuals", Actuals(), "Results by era year, as printed, e.g. {H28: －1,394, H29: 560}."),
    ),
    "table": (
        Key("caption", Text(), "Title above the table."),
        Key("head", Texts(), "Column headings."),
        Key("rows", Cells(), "Rows, each a list of cells.", True),
    ),
    "figure": (
        Key("title", Text(), "E.g. プロジェクトイメージ図; leave it out where the print gives none."),
        Key("text", Texts(), "The figure's text fragments, in reading order (printed when there is no diagram)."),
        Key("diagram", Shape("diagram"), "The figure drawn from data: stages left to right, a band across the foot."),
        Key("image", Text(), "An image file under source/figures/ (SVG, PNG), e.g. figures/system.svg."),
        Key("alt", Text(), "An image's alternative text: what it shows, for readers who cannot see it (the web edition's alt)."),
    ),
    "diagram": (
        Key("stages", ShapeList("stage", "stages"), "Columns read left to right, joined by arrows.", True),
        Key("band", Shape("stage"), "A band across the foot, e.g. 復興への取組み."),
    ),
    "stage": (
        Key("title", Text(), "The stage's heading, e.g. 特性.", True),
        Key("boxes", Boxes(), "Its boxes, top to bottom.", True),
    ),
    "box": (
        Key("text", Text(), "The box's text (or a group's title).", True),
        Key("boxes", Boxes(), "Boxes inside: this box is a titled group."),
        Key("emphasis", Flag(), "Draw the box heavier."),
    ),
}


@dataclass(frozen=True)
class BlockKind:
    """A block's key in a side: a text block (its model class), a heading, or a shape."""

    help: str
    text: type | None = None      # the model class of a text block
    level: int = 0                # a heading's level
    shape: str = ""               # the SHAPES entry of a block with keys


BLOCKS: dict[str, BlockKind] = {
    "p": BlockKind("A paragraph.", text=model.Paragraph),
    "h1": BlockKind("Part: １ 基本的考え方", level=1),
    "h2": BlockKind("Goal or project: 基本目標１", level=2),
    "h3": BlockKind("Section: （１）…", level=3),
    "h4": BlockKind("Measure: ①…", level=4),
    "label": BlockKind("A bracketed label such as 【施策】.", text=model.Label),
    "lead": BlockKind("The quoted title of a goal or project.", text=model.Lead),
    "li": BlockKind("A bullet item; ・ is printed for you.", text=model.Item),
    "note": BlockKind("A note; ※ is printed for you.", text=model.Note),
    "kpi": BlockKind("A KPI or 数値目標 table.", shape="kpi"),
    "table": BlockKind("A plain table.", shape="table"),
    "figure": BlockKind("A figure: drawn from a diagram, shown from an image, or a placeholder.", shape="figure"),
}
BLOCK_KINDS = sorted(BLOCKS)


def keys(shape: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(allowed, required) key names of a shape."""
    return (tuple(key.name for key in SHAPES[shape]), tuple(key.name for key in SHAPES[shape] if key.required))


def _shape(name: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [key.name for key in SHAPES[name] if key.required],
        "properties": {key.name: {**key.type.json(), "description": key.help,
                                  **({"default": key.default} if key.default is not None else {})}
                       for key in SHAPES[name]},
    }


def json_schema(root: str) -> dict:
    """The JSON Schema of a document.yaml (``root`` document) or a chapter file (chapter)."""
    block_choices = [
        {"type": "object", "additionalProperties": False, "required": [name],
         "properties": {name: ({"$ref": f"#/definitions/{kind.shape}"} if kind.shape
                               else {**Text().json(), "description": kind.help})}}
        for name, kind in sorted(BLOCKS.items(), key=lambda item: bool(item[1].shape))
    ]
    definitions = {name: _shape(name) for name in SHAPES if name != root}
    definitions["block"] = {"oneOf": block_choices}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"strategy-pdf {root} source",
        **_shape(root),
        "definitions": definitions,
    }


def schema_files() -> dict[str, str]:
    """File name → text of every schema file under schema/."""
    return {f"{root}.schema.json": json.dumps(json_schema(root), ensure_ascii=False, indent=2) + "\n"
            for root in ("document", "chapter")}


def write_schema_files(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in schema_files().items():
        (directory / name).write_text(text, encoding="utf-8")
