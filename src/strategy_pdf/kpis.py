"""The KPI register: every 数値目標 and KPI of one column with its place in the document,
（再掲） resolved to its original; for the appendix, its charts; the open-data export, and the
workbook the departments fill in with their actuals."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from markupsafe import Markup

from . import eras, model
from .diff import comparison_key
from .errors import Location

# The headings of the register's columns that name an indicator, in every export and in the
# sheets read back by actuals.
NUMBER_HEADING, INDICATOR_HEADING = "番号", "指標"


@dataclass(frozen=True)
class KpiRecord:
    number: int
    row_id: str
    goal: str                              # the 基本目標 or project it belongs to
    measure: str                           # the 施策 heading, or the table's label (数値目標)
    kind: str                              # 数値目標 or KPI
    indicator: str
    unit: str
    base: str
    base_year: str
    targets: tuple[tuple[str, str], ...]   # (value, era year)
    actuals: tuple[tuple[str, str], ...]   # (era year, value)
    notes: tuple[str, ...]
    repeat_of: int | None                  # number of the record it repeats
    at: Location | None = field(default=None, compare=False)  # the indicator's item in its source file


def register(document: model.Document, side: str = "draft") -> tuple[KpiRecord, ...]:
    records: list[KpiRecord] = []
    originals: dict[str, int] = {}
    goal = measure = ""
    for row in document.rows:
        for block in getattr(row, side):
            if isinstance(block, model.Heading) and block.level <= 2:
                goal, measure = str(block.text), ""
            elif isinstance(block, model.Heading) and block.level == 3:
                measure = str(block.text)
            elif isinstance(block, model.Kpi):
                kind = "数値目標" if "数値目標" in block.label else "KPI"
                for item in block.items:
                    key = comparison_key(item.name)
                    number = len(records) + 1
                    repeat_of = originals.get(key) if item.repeat else None
                    if not item.repeat:
                        originals.setdefault(key, number)
                    years = item.target_years or block.target_years
                    records.append(KpiRecord(
                        number=number, row_id=row.id, goal=goal, measure=measure if kind == "KPI" else block.label,
                        kind=kind, indicator=str(item.name), unit=item.unit, base=str(item.base),
                        base_year=item.base_year or block.base_year,
                        targets=tuple(zip(map(str, item.targets), years)), actuals=item.actuals,
                        notes=tuple(map(str, item.notes)), repeat_of=repeat_of, at=item.at))
    return tuple(records)


# A number as the document prints it: 2,325 · －37 · 0.56 · 7,000 以上 (full-width forms too).
PRINTED_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
                            r"(?:\s*(?P<bound>以上|以下))?$")


@dataclass(frozen=True)
class Value:
    """A printed value read as a number; ``bound`` 以上 or 以下 makes it a threshold."""

    number: float
    decimals: int
    bound: str = ""

    def printed(self) -> str:
        """The document's form: thousands separated, a full-width minus, the decimals kept."""
        digits = f"{abs(self.number):,.{self.decimals}f}"
        return ("－" if self.number < 0 else "") + digits + (f" {self.bound}" if self.bound else "")


def number_format(value: Value) -> str:
    """The Excel number format that shows a number as printed: 2,325 · －37 · 0.90 · 7,000 以上."""
    digits = "#,##0" + ("." + "0" * value.decimals if value.decimals else "")
    suffix = f'" {value.bound}"' if value.bound else ""
    return f'{digits}{suffix};"－"{digits}{suffix}'


def value(printed: str) -> Value | None:
    """The value a printed text stands for, or None when it is not a number as printed (〇〇)."""
    text = unicodedata.normalize("NFKC", printed).replace("−", "-").strip()
    match = PRINTED_NUMBER.match(text)
    if not match:
        return None
    number = float(match["whole"].replace(",", "") + (f".{match['fraction']}" if match["fraction"] else ""))
    return Value(-number if match["sign"] == "-" else number, len(match["fraction"] or ""), match["bound"] or "")


def numeric(printed: str) -> float | None:
    """The number a printed value stands for: －1,394 → -1394, 7,000 以上 → 7000, 〇〇 → None."""
    read = value(printed)
    return read.number if read else None


def _points(record: KpiRecord) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """(base and actuals, base and targets) as (western year, value), where both are known."""
    def point(year: str, value: str):
        number = numeric(value)
        return (eras.western_year(year), number) if year and number is not None else None

    base = point(record.base_year, record.base)
    history = sorted(p for p in [base, *(point(y, v) for y, v in record.actuals)] if p)
    plan = sorted(p for p in [base, *(point(y, v) for v, y in record.targets)] if p)
    return history, plan


CHART_WIDTH, CHART_HEIGHT, MARGIN = 150.0, 46.0, 10.0


def chart(record: KpiRecord) -> Markup:
    """A small vector chart: baseline → targets (dashed, open marks), results (solid, filled)."""
    history, plan = _points(record)
    points = history + plan
    if len(points) < 2:
        return Markup("")
    years = [year for year, _ in points]
    values = [value for _, value in points]
    low, high = min(values + [0.0]), max(values + [0.0])
    span_x, span_y = (max(years) - min(years)) or 1, (high - low) or 1.0

    def x(year: int) -> float:
        return MARGIN + (year - min(years)) / span_x * (CHART_WIDTH - 2 * MARGIN)

    def y(value: float) -> float:
        return CHART_HEIGHT - 12 - (value - low) / span_y * (CHART_HEIGHT - 18)

    def path(series, dashed: bool) -> str:
        coordinates = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in series)
        dash = ' stroke-dasharray="3 2"' if dashed else ""
        return f'<polyline points="{coordinates}" fill="none" stroke="#000" stroke-width="0.8"{dash}/>' \
            if len(series) > 1 else ""

    parts = [f'<line x1="{MARGIN}" y1="{y(0):.1f}" x2="{CHART_WIDTH - MARGIN}" y2="{y(0):.1f}" '
             f'stroke="#999" stroke-width="0.4"/>', path(plan, True), path(history, False)]
    planned = set(plan) - set(history[:1])
    for year, value in sorted(set(points)):
        filled = (year, value) in history
        parts.append(f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="2" stroke="#000" stroke-width="0.7" '
                     f'fill="{"#000" if filled and (year, value) not in planned else "#fff"}"/>')
    labelled = -CHART_WIDTH
    for year in sorted(set(years)):
        if x(year) - labelled < 16:  # labels closer than this would overlap
            continue
        labelled = x(year)
        parts.append(f'<text x="{x(year):.1f}" y="{CHART_HEIGHT - 2}" font-size="6.5" text-anchor="middle" '
                     f'font-family="BIZ UDGothic">{year}</text>')
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" width="{CHART_WIDTH}" '
                  f'height="{CHART_HEIGHT}" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
                  f'aria-label="{Markup.escape(record.indicator)}">{"".join(parts)}</svg>')


def _western(year: str) -> str:
    return str(eras.western_year(year)) if year else ""


def as_json(records: tuple[KpiRecord, ...]) -> str:
    def year(era_year: str) -> int | None:
        return eras.western_year(era_year) if era_year else None

    return json.dumps([{
        "number": r.number, "goal": r.goal, "measure": r.measure, "kind": r.kind, "indicator": r.indicator,
        "unit": r.unit, "repeat_of": r.repeat_of, "notes": list(r.notes),
        "base": {"value": r.base, "number": numeric(r.base), "era_year": r.base_year, "year": year(r.base_year)},
        "targets": [{"value": v, "number": numeric(v), "era_year": y, "year": year(y)} for v, y in r.targets],
        "actuals": [{"value": v, "number": numeric(v), "era_year": y, "year": year(y)} for y, v in r.actuals],
        "row": r.row_id,
    } for r in records], ensure_ascii=False, indent=2) + "\n"


def as_csv(records: tuple[KpiRecord, ...]) -> str:
    """One header row, one line per KPI, targets in numbered column pairs."""
    width = max((len(r.targets) for r in records), default=0)
    header = ["番号", "基本目標", "施策", "区分", "指標", "単位", "再掲元番号", "基準値", "基準年", "基準年（西暦）"]
    for n in range(1, width + 1):
        header += [f"目標値{n}", f"目標年{n}", f"目標年{n}（西暦）"]
    header += ["実績", "注記"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for r in records:
        line = [r.number, r.goal, r.measure, r.kind, r.indicator, r.unit, r.repeat_of or "", r.base, r.base_year,
                _western(r.base_year)]
        for n in range(width):
            value, year = r.targets[n] if n < len(r.targets) else ("", "")
            line += [value, year, _western(year)]
        line += ["；".join(f"{year}：{value}" for year, value in r.actuals), "；".join(r.notes)]
        writer.writerow(line)
    return out.getvalue()


WORKBOOK_SHEET = "実績"
WORKBOOK_EPOCH = "1980-01-01T00:00:00Z"  # the earliest date a zip entry can carry


def as_xlsx(records: tuple[KpiRecord, ...], created: str = "") -> bytes:
    """The register as a workbook to fill in: one row per indicator (a （再掲） is filled in on
    its original's row), one column per year of the plans, values as numbers shown as printed,
    years outside an indicator's plan shaded. ``created`` (ISO) dates it; the same records and
    date give the same bytes."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    originals = [r for r in records if r.repeat_of is None]
    width = max((len(r.targets) for r in originals), default=0)
    first = min((eras.western_year(r.base_year) + 1 for r in originals if r.base_year), default=None)
    last = max((eras.western_year(y) for r in originals for _, y in r.targets if y), default=None)
    years = [eras.abbreviation(year) for year in range(first, last + 1)] if first and last else []
    header = [NUMBER_HEADING, INDICATOR_HEADING, "単位", "基本目標", "施策", "区分", "基準年", "基準値"]
    for n in range(1, width + 1):
        header += [f"目標年{n}", f"目標値{n}"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = WORKBOOK_SHEET
    sheet.append(header + years)
    outside = PatternFill("solid", fgColor="D9D9D9")
    for record in originals:
        row, base = sheet.max_row + 1, value(record.base)
        for column, text in enumerate([record.number, record.indicator, record.unit, record.goal, record.measure,
                                       record.kind, record.base_year], start=1):
            sheet.cell(row, column, text)
        _printed_cell(sheet.cell(row, 8), record.base, base)
        for n, (target, year) in enumerate(record.targets):
            sheet.cell(row, 9 + 2 * n, year)
            _printed_cell(sheet.cell(row, 10 + 2 * n), target, base)
        actuals = {eras.western_year(year): printed for year, printed in record.actuals}
        start = eras.western_year(record.base_year) if record.base_year else None
        end = max((eras.western_year(y) for _, y in record.targets if y), default=None)
        for offset, year in enumerate(years):
            cell, western = sheet.cell(row, len(header) + 1 + offset), eras.western_year(year)
            _printed_cell(cell, actuals.get(western, ""), base)
            if start and western <= start or end and western > end:
                cell.fill = outside
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = {INDICATOR_HEADING: 44, "基本目標": 12, "施策": 30, "単位": 8, "区分": 8}
    for index, heading in enumerate(header + years, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(heading, 10)
    sheet.freeze_panes = "C2"  # the header row and each row's 番号 and 指標 stay in sight
    out = io.BytesIO()
    workbook.save(out)
    return _dated(out.getvalue(), created or WORKBOOK_EPOCH)


def _printed_cell(cell, printed: str, like: Value | None) -> None:
    """A value as a number shown as printed, or as text when it is none (〇〇); an empty cell is
    formatted like the baseline, so that what a department types shows as the document prints it."""
    read = value(printed) if printed else None
    if read:
        cell.value = int(read.number) if read.number.is_integer() else read.number
        cell.number_format = number_format(read)
    elif printed:
        cell.value = printed
    elif like:
        cell.number_format = number_format(Value(0, like.decimals))


def _dated(data: bytes, created: str) -> bytes:
    """The workbook with ``created`` as its creation and modification date and every zip entry
    dated 1980-01-01: openpyxl stamps both with the clock."""
    stamp = re.sub(r"(\.\d+)?([+-]00:00)?$", "", created.replace("Z", "")) + "Z"
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", lambda m: m[1] + stamp.encode(), content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
