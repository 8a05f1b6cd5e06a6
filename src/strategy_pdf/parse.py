"""Stage 2, model: check loaded node trees against the source schema and build the Document.

Every problem is collected with its file, line, column and key path; the caller raises
once with all of them.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from . import model, schema
from .errors import Location, Problem, SourceError, display_path
from .loader import Mapping, Node, Null, Scalar, Sequence, load_file

DOCUMENT_FILE = "document.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ERA_YEAR = re.compile(r"^[HR](元|\d{1,2})$")
IMAGE_PATH = re.compile(r"^figures/[\w.-]+(/[\w.-]+)*\.(svg|png|jpe?g)$")
TRUE_WORDS = {"true": True, "yes": True, "false": False, "no": False}

TEXT_BLOCKS = {
    "p": model.Paragraph,
    "label": model.Label,
    "lead": model.Lead,
    "li": model.Item,
    "note": model.Note,
}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
BLOCK_KINDS = schema.BLOCK_KINDS


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
            guess = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else f"; expected one of {', '.join(allowed)}"
            self.report(key_at, _join(path, key), f"unknown key{hint}")
        for key in required:
            if key not in found or isinstance(found[key], Null):
                self.report(node.at, path, f"missing required key '{key}'")
        return found

    def text(self, node: Node | None, path: str, *, required: bool = True) -> str:
        if node is None or isinstance(node, Null):
            if required and node is not None:
                self.report(node.at, path, "expected text, found nothing")
            return ""
        if isinstance(node, Scalar):
            return node.text
        self.report(node.at, path, "expected text, found a " + _kind(node))
        return ""

    def texts(self, node: Node | None, path: str) -> tuple[str, ...]:
        """A list of texts; a single text is accepted as a list of one."""
        if node is None or isinstance(node, Null):
            return ()
        if isinstance(node, Scalar):
            return (node.text,)
        if isinstance(node, Sequence):
            return tuple(self.text(item, f"{path}[{i}]") for i, item in enumerate(node.items))
        self.report(node.at, path, "expected text or a list of texts, found a mapping")
        return ()

    def flag(self, node: Node | None, path: str) -> bool:
        if node is None or isinstance(node, Null):
            return False
        word = self.text(node, path).lower()
        if word not in TRUE_WORDS:
            self.report(node.at, path, f"expected true or false, found '{word}'")
            return False
        return TRUE_WORDS[word]

    def era_years(self, node: Node | None, path: str) -> tuple[str, ...]:
        years = self.texts(node, path)
        for i, year in enumerate(years):
            if not ERA_YEAR.match(year):
                at = node.items[i].at if isinstance(node, Sequence) else node.at
                self.report(at, path, f"'{year}' is not an era year; expected H or R and a number, e.g. H27, R1, R5")
        return years


def _locations(**nodes: Node | None) -> tuple[tuple[model.FieldPath, Location], ...]:
    """Field path → where its scalar was written; a list's items are located one by one."""
    located: list[tuple[model.FieldPath, Location]] = []
    for name, node in nodes.items():
        if node is None:
            continue
        if isinstance(node, Sequence):
            located += [((name, index), item.at) for index, item in enumerate(node.items)]
        else:
            located.append(((name,), node.at))
            if isinstance(node, Scalar) and name in _LISTS:
                located.append(((name, 0), node.at))  # a single text stands for a list of one
    return tuple(located)


_LISTS = {"notes", "targets", "target_years", "text", "head"}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(node: Node) -> str:
    return {Mapping: "mapping", Sequence: "list", Scalar: "text", Null: "nothing"}[type(node)]


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
    fields = checker.fields(loaded.root, "", *schema.keys("document"))
    column_fields = checker.fields(fields["columns"], "columns", *schema.keys("columns")) \
        if "columns" in fields else {}
    columns = model.Columns(*(checker.text(column_fields.get(k), f"columns.{k}") for k in ("draft", "current", "remarks")))

    chapter_names = fields.get("chapters")
    chapters = []
    listed = set()
    if isinstance(chapter_names, Sequence):
        for i, name_node in enumerate(chapter_names.items):
            name = checker.text(name_node, f"chapters[{i}]")
            if not name:
                continue
            if name in listed:
                checker.report(name_node.at, f"chapters[{i}]", f"chapter '{name}' is listed twice")
                continue
            listed.add(name)
            chapter_path = source_dir / f"{name}.yaml"
            if not chapter_path.is_file():
                checker.report(name_node.at, f"chapters[{i}]", f"chapter file {shown(chapter_path)} does not exist")
                continue
            chapter = _load_chapter(chapter_path, name, shown(chapter_path), checker)
            if chapter is not None:
                chapters.append(chapter)
    elif chapter_names is not None:
        checker.report(chapter_names.at, "chapters", "expected a list of chapter file names (without .yaml)")

    for path in sorted(source_dir.glob("*.yaml")):
        if path.name != DOCUMENT_FILE and path.stem not in listed and "chapters" in fields:
            checker.report(fields["chapters"].at, "chapters",
                           f"{shown(path)} is not listed in chapters; add '{path.stem}' or remove the file")

    _check_unique_ids(chapters, checker)
    remark_fields = checker.fields(fields["auto_remarks"], "auto_remarks", *schema.keys("auto_remarks")) \
        if "auto_remarks" in fields else {}
    defaults = model.AutoRemarks()
    auto_remarks = model.AutoRemarks(
        **{key: checker.text(remark_fields[key], f"auto_remarks.{key}", required=False) if key in remark_fields
           else getattr(defaults, key) for key in ("added", "removed")})
    appendix = checker.texts(fields.get("kpi_appendix"), "kpi_appendix") if "kpi_appendix" in fields \
        else model.Document.kpi_appendix
    for layout in appendix:
        if layout not in ("comparison", "draft", "current"):
            checker.report(fields["kpi_appendix"].at, "kpi_appendix",
                           f"'{layout}' is not a layout; expected comparison, draft or current")
    mark_fields = checker.fields(fields["marks"], "marks", *schema.keys("marks")) if "marks" in fields else {}
    conventions = model.MarkConventions()
    labels_in = checker.text(mark_fields.get("labels_in"), "marks.labels_in", required=False) or conventions.labels_in
    if labels_in not in schema.LABEL_PLACES:
        checker.report(mark_fields["labels_in"].at, "marks.labels_in",
                       f"'{labels_in}' is not a place; expected {' or '.join(schema.LABEL_PLACES)}")
    conventions = model.MarkConventions(
        note=checker.text(mark_fields["note"], "marks.note", required=False) if "note" in mark_fields
        else conventions.note,
        whole_new_rows=checker.flag(mark_fields.get("whole_new_rows"), "marks.whole_new_rows"),
        labels_in=labels_in)
    grades = _grades(fields["grades"], checker) if "grades" in fields else model.DEFAULT_GRADES
    meeting_fields = checker.fields(fields["meeting"], "meeting", *schema.keys("meeting")) if "meeting" in fields else {}
    meeting = model.Meeting(*(checker.text(meeting_fields.get(key), f"meeting.{key}", required=False)
                              for key in ("number", "name", "date")))
    document = model.Document(
        title=checker.text(fields.get("title"), "title"),
        subtitle=checker.text(fields.get("subtitle"), "subtitle", required=False),
        city=checker.text(fields.get("city"), "city"),
        is_draft=checker.flag(fields.get("draft"), "draft"),
        columns=columns,
        chapters=tuple(chapters),
        auto_remarks=auto_remarks,
        kpi_appendix=tuple(appendix),
        marks=conventions,
        grades=grades,
        adopted=checker.text(fields.get("adopted"), "adopted", required=False),
        meeting=meeting,
    )
    if checker.problems:
        raise SourceError(checker.problems)
    return document


def _grades(node: Node, checker: _Checker) -> tuple[model.GradeRule, ...]:
    if not isinstance(node, Mapping) or not node.entries:
        checker.report(node.at, "grades", "expected a mapping of grades to conditions, e.g. {A: met, B: ≥ 50, C: > 0, D: else}")
        return model.DEFAULT_GRADES
    rules = []
    for grade, (key_at, value) in node.entries.items():
        condition = checker.text(value, f"grades.{grade}").strip()
        if not re.match(schema.GRADE_CONDITION, condition):
            checker.report(value.at, f"grades.{grade}", f"'{condition}' is not a condition; expected met, ≥ N, > N or else")
            continue
        if condition in ("met", "else"):
            rules.append(model.GradeRule(grade, condition))
        else:
            operator = ">" if condition.startswith(">") and not condition.startswith(">=") else "≥"
            rules.append(model.GradeRule(grade, operator, float(re.search(r"-?\d+(\.\d+)?", condition).group())))
    if rules and rules[-1].condition != "else":
        checker.report(node.at, "grades", "the last grade takes every other rate: give it the condition else")
    return tuple(rules)


def _check_unique_ids(chapters: list[model.Chapter], checker: _Checker) -> None:
    seen: dict[str, model.Row] = {}
    for chapter in chapters:
        for index, row in enumerate(chapter.rows):
            if not row.id:
                continue
            if row.id in seen:
                first = seen[row.id].at
                checker.report(row.at, f"rows[{index}].id", f"row id '{row.id}' is used twice (first at {first})")
            else:
                seen[row.id] = row


def _load_chapter(path: Path, slug: str, shown_as: str, checker: _Checker) -> model.Chapter | None:
    loaded = load_file(path, shown_as)
    checker.problems.extend(loaded.problems)
    if loaded.root is None:
        return None
    fields = checker.fields(loaded.root, "", *schema.keys("chapter"))
    rows = []
    rows_node = fields.get("rows")
    if isinstance(rows_node, Sequence):
        rows = [_row(node, f"rows[{i}]", checker) for i, node in enumerate(rows_node.items)]
    elif rows_node is not None and not isinstance(rows_node, Null):
        checker.report(rows_node.at, "rows", "expected a list of rows")
    return model.Chapter(slug=slug, title=checker.text(fields.get("title"), "title"),
                         rows=tuple(rows), source=shown_as,
                         is_contents=checker.flag(fields.get("contents"), "contents"))


def _row(node: Node, path: str, checker: _Checker) -> model.Row:
    fields = checker.fields(node, path, *schema.keys("row"))
    row_id = checker.text(fields.get("id"), _join(path, "id"))
    if row_id and not ID_PATTERN.match(row_id):
        checker.report(fields["id"].at, _join(path, "id"),
                       f"'{row_id}' is not a valid row id; use lower-case letters, digits and '-'")
    draft = _side(fields.get("draft"), _join(path, "draft"), checker)
    current = _side(fields.get("current"), _join(path, "current"), checker)
    if isinstance(node, Mapping) and not draft and not current:
        checker.report(node.at, path, "row has neither a draft nor a current side")
    page_break = False
    if "break" in fields:
        word = checker.text(fields["break"], _join(path, "break"))
        if word != "page":
            checker.report(fields["break"].at, _join(path, "break"), f"expected 'page', found '{word}'")
        page_break = word == "page"
    return model.Row(id=row_id, draft=draft, current=current,
                     remarks=checker.texts(fields.get("remark"), _join(path, "remark")),
                     page_break=page_break, at=node.at)


def _side(node: Node | None, path: str, checker: _Checker) -> tuple[model.Block, ...]:
    if node is None or isinstance(node, Null):
        return ()
    if isinstance(node, Scalar):
        return (model.Paragraph(node.text, node.at, locations=_locations(text=node)),)
    if isinstance(node, Mapping):
        return (_block(node, f"{path}[0]", checker),)
    return tuple(block for i, item in enumerate(node.items)
                 if (block := _block(item, f"{path}[{i}]", checker)) is not None)


def _block(node: Node, path: str, checker: _Checker) -> model.Block | None:
    if isinstance(node, Scalar):
        return model.Paragraph(node.text, node.at, locations=_locations(text=node))
    if not isinstance(node, Mapping) or len(node.entries) != 1:
        checker.report(node.at, path, f"expected text or a one-key block ({', '.join(BLOCK_KINDS)})")
        return None
    (kind, (key_at, value)), = node.entries.items()
    inner = _join(path, kind)
    if kind in TEXT_BLOCKS:
        return TEXT_BLOCKS[kind](checker.text(value, inner), node.at, locations=_locations(text=value))
    if kind in HEADINGS:
        return model.Heading(HEADINGS[kind], checker.text(value, inner), node.at, locations=_locations(text=value))
    if kind == "kpi":
        return _kpi(value, inner, checker)
    if kind == "table":
        return _table(value, inner, checker)
    if kind == "figure":
        return _figure(value, inner, node, checker)
    guess = difflib.get_close_matches(kind, BLOCK_KINDS, n=1)
    hint = f"did you mean '{guess[0]}'?" if guess else f"expected one of {', '.join(BLOCK_KINDS)}"
    checker.report(key_at, inner, f"unknown block kind; {hint}")
    return None


def _figure(value: Node, path: str, node: Node, checker: _Checker) -> model.Figure:
    fields = checker.fields(value, path, *schema.keys("figure"))
    image = checker.text(fields.get("image"), _join(path, "image"), required=False)
    if image and (not IMAGE_PATH.match(image) or ".." in image.split("/")):
        checker.report(fields["image"].at, _join(path, "image"),
                       f"'{image}' is not an image under figures/; expected e.g. figures/system.svg (.svg, .png, .jpg)")
    elif image and checker.source_dir is not None and not (checker.source_dir / image).is_file():
        checker.report(fields["image"].at, _join(path, "image"), f"image file {image} does not exist in the sources")
    diagram = None
    if "diagram" in fields:
        diagram_fields = checker.fields(fields["diagram"], _join(path, "diagram"), *schema.keys("diagram"))
        stages_node = diagram_fields.get("stages")
        stages = tuple(_stage(stage, f"{path}.diagram.stages[{i}]", checker)
                       for i, stage in enumerate(stages_node.items)) if isinstance(stages_node, Sequence) else ()
        if stages_node is not None and not isinstance(stages_node, Sequence):
            checker.report(stages_node.at, f"{path}.diagram.stages", "expected a list of stages")
        band = _stage(diagram_fields["band"], f"{path}.diagram.band", checker) if "band" in diagram_fields else None
        diagram = model.Diagram(stages=stages, band=band)
    return model.Figure(checker.text(fields.get("title"), _join(path, "title"), required=False),
                        checker.texts(fields.get("text"), _join(path, "text")), node.at,
                        diagram=diagram, image=image,
                        alt=checker.text(fields.get("alt"), _join(path, "alt"), required=False),
                        locations=_locations(title=fields.get("title"), text=fields.get("text"),
                                             image=fields.get("image"), alt=fields.get("alt")))


def _stage(node: Node, path: str, checker: _Checker) -> model.Stage:
    fields = checker.fields(node, path, *schema.keys("stage"))
    return model.Stage(checker.text(fields.get("title"), _join(path, "title")),
                       _boxes(fields.get("boxes"), _join(path, "boxes"), checker),
                       locations=_locations(title=fields.get("title"), boxes=fields.get("boxes")))


def _boxes(node: Node | None, path: str, checker: _Checker) -> tuple[model.Box, ...]:
    if node is None or isinstance(node, Null):
        return ()
    if not isinstance(node, Sequence):
        checker.report(node.at, path, "expected a list of boxes")
        return ()
    boxes = []
    for i, item in enumerate(node.items):
        if isinstance(item, Scalar):
            boxes.append(model.Box(item.text, locations=_locations(text=item)))
            continue
        fields = checker.fields(item, f"{path}[{i}]", *schema.keys("box"))
        boxes.append(model.Box(checker.text(fields.get("text"), f"{path}[{i}].text"),
                               _boxes(fields.get("boxes"), f"{path}[{i}].boxes", checker),
                               checker.flag(fields.get("emphasis"), f"{path}[{i}].emphasis"),
                               locations=_locations(text=fields.get("text"), boxes=fields.get("boxes"))))
    return tuple(boxes)


def _kpi(node: Node, path: str, checker: _Checker) -> model.Kpi:
    fields = checker.fields(node, path, *schema.keys("kpi"))
    target_years = checker.era_years(fields.get("target_years"), _join(path, "target_years"))
    items = []
    items_node = fields.get("items")
    if isinstance(items_node, Sequence):
        for i, item_node in enumerate(items_node.items):
            items.append(_kpi_item(item_node, f"{path}.items[{i}]", len(target_years), checker))
    elif items_node is not None:
        checker.report(items_node.at, _join(path, "items"), "expected a list of indicators")
    base_year = checker.era_years(fields.get("base_year"), _join(path, "base_year"))
    return model.Kpi(
        label=checker.text(fields.get("label"), _join(path, "label"), required=False) or "KPI",
        base_label=checker.text(fields.get("base"), _join(path, "base"), required=False) or "基準値",
        base_year=base_year[0] if base_year else "",
        target_years=target_years,
        items=tuple(items),
        at=node.at,
        locations=_locations(label=fields.get("label"), base_label=fields.get("base"),
                             base_year=fields.get("base_year"), target_years=fields.get("target_years")),
    )


def _kpi_item(node: Node, path: str, target_count: int, checker: _Checker) -> model.KpiItem:
    fields = checker.fields(node, path, *schema.keys("kpi_item"))
    targets = checker.texts(fields.get("targets"), _join(path, "targets"))
    if "targets" in fields and len(targets) != target_count:
        hint = ""
        if target_count and len(targets) > target_count and any(re.fullmatch(r"\d{3}", t) for t in targets[1:]):
            hint = ('; a comma inside [ ] separates values, so quote a number printed with a'
                    ' thousands separator: ["2,541", "2,692"]')
        checker.report(fields["targets"].at, _join(path, "targets"),
                       f"{len(targets)} target value(s) but the table has {target_count} target year(s){hint}")
    own_years = checker.era_years(fields.get("target_years"), _join(path, "target_years"))
    if own_years and len(own_years) != len(targets):
        checker.report(fields["target_years"].at, _join(path, "target_years"),
                       f"{len(own_years)} year(s) for {len(targets)} target value(s)")
    base_year = checker.era_years(fields.get("base_year"), _join(path, "base_year"))
    return model.KpiItem(
        name=checker.text(fields.get("name"), _join(path, "name")),
        unit=checker.text(fields.get("unit"), _join(path, "unit"), required=False),
        base=checker.text(fields.get("base"), _join(path, "base"), required=False),
        targets=targets,
        base_year=base_year[0] if base_year else "",
        target_years=own_years,
        repeat=checker.flag(fields.get("repeat"), _join(path, "repeat")),
        notes=checker.texts(fields.get("notes"), _join(path, "notes")),
        actuals=_actuals(fields.get("actuals"), _join(path, "actuals"), checker),
        at=node.at,
        locations=_locations(name=fields.get("name"), unit=fields.get("unit"), base=fields.get("base"),
                             targets=fields.get("targets"), base_year=fields.get("base_year"),
                             target_years=fields.get("target_years"), repeat=fields.get("repeat"),
                             notes=fields.get("notes"))
        + _actual_locations(fields.get("actuals")),
    )


def _actual_locations(node: Node | None) -> tuple[tuple[model.FieldPath, Location], ...]:
    if not isinstance(node, Mapping):
        return ()
    return tuple((("actuals", index), value.at) for index, (_, value) in enumerate(node.entries.values()))


def _actuals(node: Node | None, path: str, checker: _Checker) -> tuple[tuple[str, str], ...]:
    if node is None or isinstance(node, Null):
        return ()
    if not isinstance(node, Mapping):
        checker.report(node.at, path, "expected a mapping of era years to values, e.g. {H28: 560}")
        return ()
    actuals = []
    for year, (key_at, value) in node.entries.items():
        if not ERA_YEAR.match(year):
            checker.report(key_at, f"{path}.{year}", f"'{year}' is not an era year; expected e.g. H28, R1")
        actuals.append((year, checker.text(value, f"{path}.{year}")))
    return tuple(actuals)


def _table(node: Node, path: str, checker: _Checker) -> model.Table:
    fields = checker.fields(node, path, *schema.keys("table"))
    head = checker.texts(fields.get("head"), _join(path, "head"))
    rows = []
    located = list(_locations(caption=fields.get("caption"), head=fields.get("head")))
    rows_node = fields.get("rows")
    if isinstance(rows_node, Sequence):
        for i, row_node in enumerate(rows_node.items):
            cells = checker.texts(row_node, f"{path}.rows[{i}]")
            located += [(("rows", i, column), cell.at) for column, cell in
                        enumerate(row_node.items if isinstance(row_node, Sequence) else (row_node,))]
            if head and len(cells) != len(head):
                checker.report(row_node.at, f"{path}.rows[{i}]",
                               f"{len(cells)} cell(s) but the head has {len(head)} column(s)")
            rows.append(cells)
    elif rows_node is not None:
        checker.report(rows_node.at, _join(path, "rows"), "expected a list of rows, each a list of cells")
    return model.Table(caption=checker.text(fields.get("caption"), _join(path, "caption"), required=False),
                       head=head, rows=tuple(rows), at=node.at, locations=tuple(located))
