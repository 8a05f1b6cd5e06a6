"""The typed document: frozen dataclasses that every stage after loading works on."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Union

from .errors import Location

# The documents a build prints: the 新旧対照表, the draft alone, the text in force alone
# (these three print the document's text, and may end with its KPI list), and the annual review.
SINGLE_LAYOUTS = ("draft", "current")  # one side alone, with a generated contents page
TEXT_LAYOUTS = ("comparison", *SINGLE_LAYOUTS)
LAYOUTS = (*TEXT_LAYOUTS, "review")

FieldPath = tuple[Union[str, int], ...]  # a text's place inside its block: ("items", 0, "targets", 1)


@dataclass(frozen=True)
class Located:
    """Where each text of a block (or item, stage, box) was written, by field path, so that
    a finding or a change points at the scalar itself, not at the block that holds it."""

    locations: tuple[tuple[FieldPath, Location], ...] = field(default=(), compare=False, kw_only=True)

    def location_of(self, path: FieldPath, default: Location) -> Location:
        return dict(self.locations).get(path, default)


@dataclass(frozen=True)
class Heading(Located):
    """A heading; ``level`` 1 is ``１ 基本的考え方``, 2 is 基本目標 or Ⅰ「…」プロジェクト,
    3 is ``（１）…``, 4 is ``①…``."""

    level: int
    text: str
    at: Location


@dataclass(frozen=True)
class Label(Located):
    """A bracketed section label such as ``【施策】`` or ``概要``."""

    text: str
    at: Location


@dataclass(frozen=True)
class Lead(Located):
    """The quoted title of a basic goal or project, e.g. ``「…～…～」``."""

    text: str
    at: Location


@dataclass(frozen=True)
class Paragraph(Located):
    text: str
    at: Location


@dataclass(frozen=True)
class Item(Located):
    """A bullet item; the bullet ``・`` is printed by the template, not stored."""

    text: str
    at: Location


@dataclass(frozen=True)
class Note(Located):
    """A ``※`` note; the mark is printed by the template, not stored."""

    text: str
    at: Location


@dataclass(frozen=True)
class KpiItem(Located):
    """One indicator row: values keep their printed form (``7,000 以上``, ``〇〇``)."""

    name: str
    unit: str
    base: str
    targets: tuple[str, ...]
    base_year: str = ""
    target_years: tuple[str, ...] = ()
    repeat: bool = False
    notes: tuple[str, ...] = ()
    actuals: tuple[tuple[str, str], ...] = ()  # (era year, value as printed): results reported so far
    at: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Kpi(Located):
    """A KPI or 数値目標 table: headings with era years, then indicator rows."""

    label: str
    base_label: str
    base_year: str
    target_years: tuple[str, ...]
    items: tuple[KpiItem, ...]
    at: Location


@dataclass(frozen=True)
class Table(Located):
    """A plain table such as the committee member list or the meeting schedule."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    at: Location


@dataclass(frozen=True)
class Box(Located):
    """A box of a diagram: a text, or a titled group of boxes; emphasis draws it heavier."""

    text: str
    boxes: tuple["Box", ...] = ()
    emphasis: bool = False


@dataclass(frozen=True)
class Stage(Located):
    """A column of a diagram (特性, 取組みの方向性, 施策 …): a title over stacked boxes."""

    title: str
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class Diagram:
    """Stages read left to right, joined by arrows, and an optional band across the foot."""

    stages: tuple[Stage, ...]
    band: Stage | None = None


@dataclass(frozen=True)
class Figure(Located):
    """A figure: drawn from a diagram, shown from an image under source/figures/, or a
    placeholder listing the text fragments the printed figure shows."""

    title: str
    text: tuple[str, ...]
    at: Location
    diagram: Diagram | None = None
    image: str = ""
    alt: str = ""                  # an image's alternative text: what it shows, for those who cannot see it


Block = Union[Heading, Label, Lead, Paragraph, Item, Note, Kpi, Table, Figure]

# Change marks. 傍線 (CHANGED) marks what differs from the other column; 見え消し marks what
# changed since an earlier revision: INSERTED text, and DELETED text that is shown struck
# through in place but is no longer part of the text.
CHANGED, INSERTED, DELETED = "changed", "inserted", "deleted"


@dataclass(frozen=True)
class Segment:
    text: str
    marks: frozenset[str] = frozenset()


MarkPlace = tuple[str, int, FieldPath]  # side, block index, field path


@dataclass(frozen=True)
class Row:
    """A draft block beside the current block it replaces; either side may be empty.
    ``marks``: the segments of each marked text, set by annotate; texts stay plain."""

    id: str
    draft: tuple[Block, ...]
    current: tuple[Block, ...]
    remarks: tuple[str, ...]
    page_break: bool
    at: Location
    marks: tuple[tuple[MarkPlace, tuple[Segment, ...]], ...] = ()
    empty_side_label: str = ""  # 新設/削除 printed in the empty column (MarkConventions.labels_in)

    def segments(self, side: str, block: int, path: FieldPath) -> tuple[Segment, ...] | None:
        """The marked segments of one text, or None when it carries no mark."""
        return self._marks.get((side, block, path))

    @functools.cached_property
    def _marks(self) -> dict[MarkPlace, tuple[Segment, ...]]:
        return dict(self.marks)


@dataclass(frozen=True)
class Chapter:
    """One source file; a contents chapter prints headings that make no bookmarks."""

    slug: str
    title: str
    rows: tuple[Row, ...]
    is_contents: bool = False
    source: str = ""  # the file as problems and findings name it: the answers to lint are read from it


@dataclass(frozen=True)
class Columns:
    draft: str
    current: str
    remarks: str


@dataclass(frozen=True)
class AutoRemarks:
    """Remarks written for rows whose author wrote none: new text, deleted text."""

    added: str = "新設"
    removed: str = "削除"


@dataclass(frozen=True)
class MarkConventions:
    """How an office prints its 新旧対照表 marks: the note above the table, whether a row
    with one side only is underlined as a whole, and where 新設/削除 stand (in 備考, or in
    the empty column)."""

    note: str = "（傍線部分は改正部分）"
    whole_new_rows: bool = False
    labels_in: str = "remarks"


@dataclass(frozen=True)
class GradeRule:
    """One grade of the annual review: given when the target is ``met``, when the achievement
    rate is ``≥`` or ``>`` ``percent``, or (``else``) to every other rate; rules apply in order."""

    grade: str
    condition: str          # met, ≥, > or else
    percent: float = 0.0


DEFAULT_GRADES = (GradeRule("A", "met"), GradeRule("B", "≥", 50.0), GradeRule("C", ">", 0.0), GradeRule("D", "else"))


@dataclass(frozen=True)
class Meeting:
    """The council meeting a copy is handed out at, as its top right corner says: 資料１,
    the meeting's name and its date, as printed."""

    number: str = ""   # 資料番号, e.g. 資料１
    name: str = ""     # e.g. 第５回熊本市しごと・ひと・まち創生総合戦略検証委員会
    date: str = ""     # e.g. 令和２年１月２０日

    def over(self, other: "Meeting") -> "Meeting":
        """This meeting's fields where given, ``other``'s elsewhere (the command line over
        document.yaml)."""
        return Meeting(*(mine or theirs for mine, theirs in zip(
            (self.number, self.name, self.date), (other.number, other.name, other.date))))


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    city: str
    is_draft: bool
    columns: Columns
    chapters: tuple[Chapter, ...]
    auto_remarks: AutoRemarks = AutoRemarks()
    kpi_appendix: tuple[str, ...] = ("comparison", "draft")  # the layouts that end with the KPI list
    marks: MarkConventions = MarkConventions()
    grades: tuple[GradeRule, ...] = DEFAULT_GRADES            # the review's grades, best first
    adopted: str = ""  # the git revision whose draft is the text in force: lint checks 現行 against it
    meeting: Meeting = Meeting()   # printed on the council edition only

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(row for chapter in self.chapters for row in chapter.rows)
