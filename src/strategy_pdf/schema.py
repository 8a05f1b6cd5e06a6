"""The source schema in one table: the keys parse accepts, and the JSON Schema editors use.

``make schema`` writes schema/*.schema.json from this table; a test fails when they drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Key:
    name: str
    kind: str  # text, texts, flag, era, eras, page, blocks, chapters, cells, or a shape name / "[shape]"
    help: str
    required: bool = False


SHAPES: dict[str, tuple[Key, ...]] = {
    "document": (
        Key("title", "text", "Title of the strategy, printed in the running header.", True),
        Key("subtitle", "text", "E.g. 新旧対照表; PDF subject."),
        Key("city", "text", "The city: the PDF's author.", True),
        Key("draft", "flag", "A working draft: 案 in the page header."),
        Key("columns", "columns", "Column labels of the comparison table.", True),
        Key("chapters", "chapters", "Chapter files in order, without .yaml.", True),
        Key("auto_remarks", "auto_remarks", "Remarks for rows with one side when the author wrote none."),
        Key("kpi_appendix", "layouts", "Layouts that end with the list of every KPI (default: comparison, draft)."),
        Key("grades", "grades", "Grades of the annual review, best first: met, ≥ N or > N (percent achieved), "
                                "else for the last (default {A: met, B: ≥ 50, C: > 0, D: else})."),
        Key("adopted", "text", "Git revision whose draft was adopted: lint checks that 現行 is exactly its draft."),
        Key("marks", "marks", "How this office prints its change marks: the note, new rows, where 新設/削除 stand."),
        Key("meeting", "meeting", "The council edition's top right corner (build --council): 資料番号, meeting, date."),
    ),
    "meeting": (
        Key("number", "text", "資料番号, e.g. 資料１."),
        Key("name", "text", "The meeting, e.g. 第５回熊本市しごと・ひと・まち創生総合戦略検証委員会."),
        Key("date", "text", "Its date as printed, e.g. 令和２年１月２０日."),
    ),
    "marks": (
        Key("note", "text", "Printed above the table, e.g. （傍線部分は改正部分） (the default) or （下線部分は改正部分）."),
        Key("whole_new_rows", "flag", "Underline a row that has only one side as a whole (default: no)."),
        Key("labels_in", "label_place", "Where 新設/削除 (auto_remarks) stand: remarks (default) or column (the empty one)."),
    ),
    "columns": (
        Key("draft", "text", "E.g. 第２期（案）", True),
        Key("current", "text", "E.g. 現行", True),
        Key("remarks", "text", "E.g. 備考", True),
    ),
    "auto_remarks": (
        Key("added", "text", "For a row with only a draft side (default 新設)."),
        Key("removed", "text", "For a row with only a current side (default 削除)."),
    ),
    "chapter": (
        Key("title", "text", "Chapter title for bookmarks and summaries.", True),
        Key("contents", "flag", "A table of contents: its headings make no bookmarks."),
        Key("rows", "[row]", "Rows: a draft block beside the current block it replaces.", True),
    ),
    "row": (
        Key("id", "text", "Stable id (a-z, 0-9, -), unique in the document.", True),
        Key("draft", "blocks", "The new draft's side; absent for deleted text."),
        Key("current", "blocks", "The text in force; absent for new text."),
        Key("remark", "texts", "備考: one remark or a list."),
        Key("break", "page", "'page' starts the row on a new page."),
    ),
    "kpi": (
        Key("label", "text", "First heading cell (default KPI), e.g. [数値目標]."),
        Key("base", "text", "Baseline heading (default 基準値; the current text says 現状値)."),
        Key("base_year", "era", "Era year of the baseline heading, e.g. H27."),
        Key("target_years", "eras", "Era year of each target column, e.g. [R1, R5].", True),
        Key("items", "[kpi_item]", "The indicators.", True),
    ),
    "kpi_item": (
        Key("name", "text", "Indicator, without ・, unit or （再掲）.", True),
        Key("unit", "text", "Printed as 〔unit〕."),
        Key("repeat", "flag", "（再掲）: repeated from another section."),
        Key("base", "text", "Baseline value as printed."),
        Key("base_year", "era", "Only when it differs from the heading's year."),
        Key("targets", "texts", "One value per target year, as printed.", True),
        Key("target_years", "eras", "Only when these targets carry their own years."),
        Key("notes", "texts", "※ footnotes, without ※."),
        Key("actuals", "actuals", "Results by era year, as printed, e.g. {H28: －1,394, H29: 560}."),
    ),
    "table": (
        Key("caption", "text", "Title above the table."),
        Key("head", "texts", "Column headings."),
        Key("rows", "cells", "Rows, each a list of cells.", True),
    ),
    "figure": (
        Key("title", "text", "E.g. プロジェクトイメージ図; leave it out where the print gives none."),
        Key("text", "texts", "The figure's text fragments, in reading order (printed when there is no diagram)."),
        Key("diagram", "diagram", "The figure drawn from data: stages left to right, a band across the foot."),
        Key("image", "text", "An image file under source/figures/ (SVG, PNG), e.g. figures/system.svg."),
        Key("alt", "text", "An image's alternative text: what it shows, for readers who cannot see it (the web edition's alt)."),
    ),
    "diagram": (
        Key("stages", "[stage]", "Columns read left to right, joined by arrows.", True),
        Key("band", "stage", "A band across the foot, e.g. 復興への取組み."),
    ),
    "stage": (
        Key("title", "text", "The stage's heading, e.g. 特性.", True),
        Key("boxes", "boxes", "Its boxes, top to bottom.", True),
    ),
    "box": (
        Key("text", "text", "The box's text (or a group's title).", True),
        Key("boxes", "boxes", "Boxes inside: this box is a titled group."),
        Key("emphasis", "flag", "Draw the box heavier."),
    ),
}

LABEL_PLACES = ("remarks", "column")

TEXT_BLOCKS = {
    "p": "A paragraph.",
    "label": "A bracketed label such as 【施策】.",
    "lead": "The quoted title of a goal or project.",
    "li": "A bullet item; ・ is printed for you.",
    "note": "A note; ※ is printed for you.",
}
HEADINGS = {"h1": "Part: １ 基本的考え方", "h2": "Goal or project: 基本目標１", "h3": "Section: （１）…",
            "h4": "Measure: ①…"}
SHAPED_BLOCKS = ("kpi", "table", "figure")
BLOCK_KINDS = sorted([*TEXT_BLOCKS, *HEADINGS, *SHAPED_BLOCKS])


# A grade's condition in document.yaml: met, ≥ 50 (or >= 50), > 0, else.
GRADE_CONDITION = r"^(met|else|(≥|>=|>)\s*-?\d+(\.\d+)?\s*%?)$"


def keys(shape: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(allowed, required) key names of a shape."""
    return (tuple(key.name for key in SHAPES[shape]), tuple(key.name for key in SHAPES[shape] if key.required))


def _kind(kind: str) -> dict:
    text = {"type": ["string", "number", "boolean"]}
    if kind == "text":
        return text
    if kind == "texts":
        return {"anyOf": [text, {"type": "array", "items": text}]}
    if kind == "flag":
        return {"type": ["boolean", "string"], "enum": [True, False, "true", "false", "yes", "no"]}
    if kind == "era":
        return {"type": "string", "pattern": "^[HR](元|[0-9]{1,2})$"}
    if kind == "eras":
        return {"type": "array", "items": _kind("era")}
    if kind == "page":
        return {"const": "page"}
    if kind == "chapters":
        return {"type": "array", "items": {"type": "string"}}
    if kind == "cells":
        return {"type": "array", "items": {"type": "array", "items": text}}
    if kind == "actuals":
        return {"type": "object", "propertyNames": _kind("era"), "additionalProperties": text}
    if kind == "label_place":
        return {"enum": list(LABEL_PLACES)}
    if kind == "grades":
        return {"type": "object", "additionalProperties": {"type": "string", "pattern": GRADE_CONDITION}}
    if kind == "layouts":
        return {"type": "array", "items": {"enum": ["comparison", "draft", "current"]}}
    if kind == "boxes":
        return {"type": "array", "items": {"anyOf": [text, {"$ref": "#/definitions/box"}]}}
    if kind == "blocks":
        return {"anyOf": [text, {"$ref": "#/definitions/block"},
                          {"type": "array", "items": {"anyOf": [text, {"$ref": "#/definitions/block"}]}}]}
    if kind.startswith("["):
        return {"type": "array", "items": {"$ref": f"#/definitions/{kind[1:-1]}"}}
    return {"$ref": f"#/definitions/{kind}"}


def _shape(name: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [key.name for key in SHAPES[name] if key.required],
        "properties": {key.name: {**_kind(key.kind), "description": key.help} for key in SHAPES[name]},
    }


def json_schema(root: str) -> dict:
    """The JSON Schema of a document.yaml (``root`` document) or a chapter file (chapter)."""
    block_choices = [
        {"type": "object", "additionalProperties": False, "required": [name],
         "properties": {name: {**_kind("text"), "description": help_text}}}
        for name, help_text in {**TEXT_BLOCKS, **HEADINGS}.items()
    ] + [
        {"type": "object", "additionalProperties": False, "required": [name],
         "properties": {name: {"$ref": f"#/definitions/{name}"}}}
        for name in SHAPED_BLOCKS
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
