"""Actuals in: a department's sheet (xlsx or csv) of values by indicator and year, checked
against the KPI register and written into the sources beside each indicator."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import eras, kpis, loader, model
from .diff import comparison_key
from .errors import StrategyPdfError

VALUE_EXAMPLES = "2,325, －37, 0.56 or 7,000 以上"
ERA_NAMES = {eras.ERAS[letter].name: letter for letter in eras.ABBREVIATED}
HEADER_ROWS = 10  # a sheet may open with a title or notes above its header row


class ActualsError(StrategyPdfError):
    """The sheet cannot be taken in: every problem, each at its cell; nothing was written."""

    def __init__(self, problems: list[str]):
        count = len(problems)
        super().__init__("\n".join([*problems, f"{count} problem{'s' if count != 1 else ''} in the sheet; "
                                                "no source was changed"]))


@dataclass(frozen=True)
class Cell:
    value: object              # str, int, float, None (or whatever the workbook holds)
    number_format: str = "General"


@dataclass(frozen=True)
class Sheet:
    file: str                  # as the user named it
    title: str
    rows: tuple[tuple[Cell, ...], ...]

    def where(self, row: int, column: int) -> str:
        """FILE:SHEET!CELL of a 0-based row and column."""
        return f"{self.file}:{self.title}!{column_letter(column)}{row + 1}"


@dataclass(frozen=True)
class Update:
    """The actuals to write into one indicator's item: (era year, value as printed)."""

    record: kpis.KpiRecord
    values: tuple[tuple[str, str], ...]


def column_letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The first sheet (or the one named) of a workbook, or a CSV file (UTF-8, with or without BOM)."""
    if not path.is_file():
        raise StrategyPdfError(f"{path}: no such file")
    if path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        rows = tuple(tuple(Cell(value) for value in line) for line in csv.reader(io.StringIO(text)))
        return Sheet(str(path), sheet or path.stem, rows)
    if path.suffix.lower() != ".xlsx":
        raise StrategyPdfError(f"{path}: expected an .xlsx or .csv file")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError and XML errors alike
        raise StrategyPdfError(f"{path}: not a readable .xlsx workbook ({error})") from error
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise StrategyPdfError(f"{path}: no sheet '{sheet}'; it has {', '.join(workbook.sheetnames)}")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        rows = tuple(tuple(Cell(cell.value, getattr(cell, "number_format", "General") or "General") for cell in row)
                     for row in worksheet.iter_rows())
        return Sheet(str(path), worksheet.title, rows)
    finally:
        workbook.close()


def year_of(heading: object) -> str | None:
    """The era year a column heading names: H28, R1, R元, 2019, 平成28年度, 令和元年, 2019年度."""
    if heading is None or isinstance(heading, bool):
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(heading)))
    text = re.sub(r"年度?$", "", text)
    if re.fullmatch(r"\d{4}", text):
        return eras.abbreviation(int(text)) if int(text) > min(eras.ERAS[letter].base for letter in eras.ABBREVIATED) else None
    match = re.fullmatch(r"(平成|令和|[HR])(元|\d{1,2})", text)
    if not match:
        return None
    letter = ERA_NAMES.get(match[1], match[1])
    return f"{letter}{1 if match[2] == '元' else int(match[2])}"


def printed_value(cell: Cell, decimals: int = 0) -> str | None:
    """The value as the document prints it, or None when it is not a number as printed. A
    number cell gets at least ``decimals`` (its indicator's baseline has them: 46.0 beside 46.5)
    and those its number format shows (0.90 from 0.9 in a 0.00 cell); typed text stays as typed."""
    value = cell.value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        shown = re.search(r"0\.(0+)", cell.number_format.split(";")[0])
        own = 0 if float(value).is_integer() else len(repr(float(value)).split(".")[1])
        bound = next((b for b in ("以上", "以下") if b in cell.number_format), "")
        return kpis.Value(float(value), max(own, decimals, len(shown[1]) if shown else 0), bound).printed()
    read = kpis.value(str(value))
    return read.printed() if read else None


def _blank(cell: Cell) -> bool:
    return cell.value is None or isinstance(cell.value, str) and not cell.value.strip()


def _in_plan(record: kpis.KpiRecord, year: str) -> bool:
    """After the baseline's year, up to the last target's."""
    western = eras.western_year(year)
    last = max((eras.western_year(y) for _, y in record.targets if y), default=None)
    return (not record.base_year or western > eras.western_year(record.base_year)) and (last is None or western <= last)


def updates_of(records: tuple[kpis.KpiRecord, ...], sheet: Sheet) -> tuple[Update, ...]:
    """Every value of the sheet checked against the register; raises ActualsError listing all
    problems. A （再掲） row stands for its original, whose item receives the values."""
    problems: list[str] = []
    header = next((i for i, row in enumerate(sheet.rows[:HEADER_ROWS])
                   if any(year_of(c.value) for c in row) and _id_columns(row) != (None, None)), None)
    if header is None:
        raise ActualsError([f"{sheet.file}:{sheet.title}: no header row with {kpis.NUMBER_HEADING} or "
                            f"{kpis.INDICATOR_HEADING} and years (H28, R1, 2019 …) in its first {HEADER_ROWS} rows"])
    number_column, name_column = _id_columns(sheet.rows[header])
    years = {column: year_of(cell.value) for column, cell in enumerate(sheet.rows[header]) if year_of(cell.value)}
    by_number = {r.number: r for r in records}
    by_name: dict[str, list[kpis.KpiRecord]] = {}
    for record in records:
        if record.repeat_of is None:
            by_name.setdefault(comparison_key(record.indicator), []).append(record)
    seen: dict[int, str] = {}
    updates = []
    for index in range(header + 1, len(sheet.rows)):
        row = sheet.rows[index]
        cells = {column: row[column] for column in years if column < len(row) and not _blank(row[column])}
        if not cells:  # nothing to write: a note under the table, an indicator not reported yet
            continue
        record, id_at = _identify(row, index, number_column, name_column, by_number, by_name, sheet, problems)
        if record is None:
            if id_at is None:
                problems.append(f"{sheet.where(index, min(cells))}: values without a {kpis.NUMBER_HEADING} "
                                f"or {kpis.INDICATOR_HEADING} on their row")
            continue
        original = by_number[record.repeat_of] if record.repeat_of else record
        if original.number in seen:
            problems.append(f"{id_at}: {original.indicator} (番号 {original.number}) again; first in "
                            f"{seen[original.number].rsplit('!', 1)[1]}")
            continue
        seen[original.number] = id_at
        values = []
        base = kpis.value(original.base)
        for column, cell in cells.items():
            where, year = sheet.where(index, column), years[column]
            printed = printed_value(cell, base.decimals if base else 0)
            if printed is None:
                problems.append(f"{where}: '{cell.value}' is not a number as the document prints them "
                                f"(e.g. {VALUE_EXAMPLES})")
            elif not _in_plan(original, year):
                last = original.targets[-1][1] if original.targets else ""
                problems.append(f"{where}: {year} is outside the plan of {original.indicator} "
                                f"(after {original.base_year or 'the baseline'}, up to {last})")
            elif year in dict(values):
                problems.append(f"{where}: a second column for {year}")
            else:
                values.append((year, printed))
        if values:
            updates.append(Update(original, tuple(values)))
    if problems:
        raise ActualsError(problems)
    return tuple(updates)


def _id_columns(row: tuple[Cell, ...]) -> tuple[int | None, int | None]:
    def find(heading: str) -> int | None:
        return next((i for i, c in enumerate(row) if isinstance(c.value, str) and c.value.strip() == heading), None)

    return find(kpis.NUMBER_HEADING), find(kpis.INDICATOR_HEADING)


def _identify(row, index, number_column, name_column, by_number, by_name, sheet: Sheet, problems: list[str]):
    """(the record a row names, the cell naming it); (None, cell) when that cell is wrong."""
    def cell(column):
        return row[column] if column is not None and column < len(row) and not _blank(row[column]) else None

    number_cell, name_cell = cell(number_column), cell(name_column)
    named = None
    if name_cell is not None:
        name_at = sheet.where(index, name_column)
        matches = by_name.get(comparison_key(str(name_cell.value)), [])
        if len(matches) > 1:
            problems.append(f"{name_at}: '{name_cell.value}' names {len(matches)} indicators "
                            f"({', '.join(str(r.number) for r in matches)}); give its {kpis.NUMBER_HEADING}")
            return None, name_at
        named = matches[0] if matches else None
    if number_cell is not None:
        number_at = sheet.where(index, number_column)
        text = unicodedata.normalize("NFKC", str(number_cell.value)).strip()
        number = int(float(text)) if re.fullmatch(r"\d+(\.0+)?", text) else None
        record = by_number.get(number)
        if record is None:
            problems.append(f"{number_at}: no indicator 番号 {number_cell.value} in the register "
                            f"(1–{len(by_number)})")
            return None, number_at
        if name_cell is not None and comparison_key(str(name_cell.value)) != comparison_key(record.indicator):
            problems.append(f"{number_at}: 番号 {record.number} is {record.indicator}, not '{name_cell.value}'")
            return None, number_at
        return record, number_at
    if name_cell is not None:
        if named is None:
            problems.append(f"{name_at}: no indicator named '{name_cell.value}' in the register")
        return named, name_at
    return None, None


def write(source_dir: Path, document: model.Document, updates: tuple[Update, ...]) -> tuple[Path, ...]:
    """Merge the values into each indicator's ``actuals`` (a year given again is replaced),
    keeping every comment, quote and order of the files; all files are written, then renamed."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    yaml = loader.round_trip_yaml()
    files = {row.id: source_dir / f"{chapter.slug}.yaml" for chapter in document.chapters for row in chapter.rows}
    trees: dict[Path, object] = {}
    for update in updates:
        path = files[update.record.row_id]
        if path not in trees:
            trees[path] = yaml.load(path.read_text(encoding="utf-8"))
        item = _item_at(trees[path], update.record.at.line - 1, update.record.at.column - 1)
        merged = dict(item.get("actuals") or {})
        merged.update(update.values)
        actuals = item.get("actuals")
        if not isinstance(actuals, CommentedMap):
            actuals = CommentedMap()
            actuals.fa.set_flow_style()
            item["actuals"] = actuals
        actuals.clear()
        for year in sorted(merged, key=eras.western_year):
            actuals[year] = DoubleQuotedScalarString(merged[year])
    written: list[tuple[Path, Path]] = []
    try:
        for path, tree in trees.items():
            out = io.StringIO()
            yaml.dump(tree, out)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(out.getvalue())
            written.append((Path(temporary), path))
            # What is written must load as the sources load: safely, located, no problem.
            problems = loader.load_file(Path(temporary), str(path)).problems
            if problems:
                raise StrategyPdfError("\n".join(map(str, problems)))
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in written:
        os.replace(temporary, path)
    return tuple(path for _, path in written)


def _item_at(tree, line: int, column: int):
    """The mapping that starts at a (0-based) line and column: where the loader saw the item."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CommentedMap):
            if (node.lc.line, node.lc.col) == (line, column):
                return node
            stack.extend(node.values())
        elif isinstance(node, CommentedSeq):
            stack.extend(node)
    raise StrategyPdfError(f"no indicator at line {line + 1}, column {column + 1}: the source changed while reading")
