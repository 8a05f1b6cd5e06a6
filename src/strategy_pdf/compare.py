"""Where two sides differ, field by field: the one comparison behind 傍線 (draft against the
text in force), 見え消し (draft against an earlier draft) and `changes`.

Texts of the flowing blocks (headings, paragraphs, items, notes) are read as one stream, so
that a paragraph split or merged still lines up; a KPI table, a plain table or a figure
stands in that stream as one opaque token, and when it is matched with one of its kind on
the other side the two are compared cell by cell: KPI indicators matched by name, target
columns by their year, table rows by their cells. Whatever has no counterpart is changed
as a whole.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

from . import diff, eras, model, texts
from .diff import Span

# A text of one side: the index of its block and the text itself.
Ref = tuple[int, texts.Text]
Key = tuple[int, model.FieldPath]  # block index, field path

_OPAQUE_TOKENS = {model.Kpi: "\ue000", model.Table: "\ue001", model.Figure: "\ue002"}


@dataclass(frozen=True)
class FieldChange:
    """One change, located on both sides (None where that side has no such text)."""

    old: Ref | None
    new: Ref | None
    old_span: Span
    new_span: Span
    deleted: str
    inserted: str


@dataclass(frozen=True)
class SideDiff:
    """The changed spans of every text of both sides, and the changes themselves."""

    old_spans: dict[Key, tuple[Span, ...]]
    new_spans: dict[Key, tuple[Span, ...]]
    changes: tuple[FieldChange, ...]

    @property
    def differs(self) -> bool:
        return bool(self.changes)


def compare_sides(old: tuple[model.Block, ...], new: tuple[model.Block, ...],
                  kinds: frozenset[str] = texts.PRINTED) -> SideDiff:
    """Compare two sides' texts of the given ``kinds`` (printed ones by default)."""
    comparison = _Comparison(kinds)
    comparison.flow(old, new)
    return SideDiff(comparison.old_spans, comparison.new_spans, tuple(comparison.changes))


class _Comparison:
    def __init__(self, kinds: frozenset[str]) -> None:
        self.kinds = kinds
        self.old_spans: dict[Key, tuple[Span, ...]] = {}
        self.new_spans: dict[Key, tuple[Span, ...]] = {}
        self.changes: list[FieldChange] = []

    def refs(self, blocks: tuple[model.Block, ...], index: int) -> list[Ref]:
        return [(index, text) for text in texts.block_texts(blocks[index]) if text.kind in self.kinds]

    def fields(self, old: list[Ref], new: list[Ref]) -> diff.StreamDiff:
        """Compare two lists of texts as one stream and record what differs."""
        return self._stream([(ref, ref[1].value) for ref in old], [(ref, ref[1].value) for ref in new])

    def _stream(self, old: list[tuple[Ref | int, str]], new: list[tuple[Ref | int, str]]) -> diff.StreamDiff:
        """Compare two streams of units, each a text (its Ref) or a block's opaque token (the
        block's index), and record the changed spans and the changes of the texts."""
        result = diff.compare_streams([unit for _, unit in old], [unit for _, unit in new])
        for units, spans, store in ((old, result.old_spans, self.old_spans), (new, result.new_spans, self.new_spans)):
            for (ref, _), local in zip(units, spans):
                if local and not isinstance(ref, int):
                    key = (ref[0], ref[1].path)
                    store[key] = store.get(key, ()) + local
        for change in result.changes:
            deleted, inserted = diff.OPAQUE.sub("", change.deleted), diff.OPAQUE.sub("", change.inserted)
            if deleted or inserted:
                self.changes.append(FieldChange(_text_of(old, change.old_unit), _text_of(new, change.new_unit),
                                                change.old_span, change.new_span, deleted, inserted))
        return result

    def whole(self, old: list[Ref], new: list[Ref]) -> None:
        """Texts with no counterpart: changed as a whole (an empty text is no change)."""
        old, new = [ref for ref in old if ref[1].value], [ref for ref in new if ref[1].value]
        if old:
            self.fields(old, [])
        if new:
            self.fields([], new)

    def flow(self, old: tuple[model.Block, ...], new: tuple[model.Block, ...]) -> None:
        old_units, new_units = self._flow_units(old), self._flow_units(new)
        stream = self._stream(old_units, new_units)
        # Matched opaque tokens are unmarked, and the stream matches in order: the n-th
        # unmarked table of one side is the n-th of the other.
        old_matched = [unit for (unit, _), spans in zip(old_units, stream.old_spans) if isinstance(unit, int) and not spans]
        new_matched = [unit for (unit, _), spans in zip(new_units, stream.new_spans) if isinstance(unit, int) and not spans]
        for old_index, new_index in zip(old_matched, new_matched, strict=True):
            self.block(old, old_index, new, new_index)
        for (unit, _), spans in zip(old_units, stream.old_spans):
            if isinstance(unit, int) and spans:
                self.whole(self.refs(old, unit), [])
        for (unit, _), spans in zip(new_units, stream.new_spans):
            if isinstance(unit, int) and spans:
                self.whole([], self.refs(new, unit))

    def _flow_units(self, blocks: tuple[model.Block, ...]) -> list[tuple[Ref | int, str]]:
        """The stream of a side: each flowing text, and each other block as its opaque token
        (with the block's index in place of a text)."""
        units: list[tuple[Ref | int, str]] = []
        for index, block in enumerate(blocks):
            token = _OPAQUE_TOKENS.get(type(block))
            if token is not None:
                units.append((index, token))
            else:
                units += [(ref, ref[1].value) for ref in self.refs(blocks, index)]
        return units

    def block(self, old_blocks, old_index: int, new_blocks, new_index: int) -> None:
        old, new = old_blocks[old_index], new_blocks[new_index]
        old_refs, new_refs = self.refs(old_blocks, old_index), self.refs(new_blocks, new_index)
        if isinstance(old, model.Kpi):
            self.kpi(old, new, old_refs, new_refs)
        elif isinstance(old, model.Table):
            self.table(old, new, old_refs, new_refs)
        else:
            self.figure(old_refs, new_refs)

    def kpi(self, old: model.Kpi, new: model.Kpi, old_refs: list[Ref], new_refs: list[Ref]) -> None:
        old_at, new_at = _by_path(old_refs), _by_path(new_refs)
        for name in ("label", "base_label", "base_year"):
            self.pair(old_at, new_at, (name,))
        self.columns(old_at, new_at, ("target_years",), old.target_years, new.target_years)
        for old_pair, new_pair in self.aligned(enumerate(old.items), enumerate(new.items),
                                               lambda pair: diff.comparison_key(pair[1].name)):
            if old_pair is None or new_pair is None:
                self.whole(_under(old_refs, ("items", old_pair[0])) if old_pair else [],
                           _under(new_refs, ("items", new_pair[0])) if new_pair else [])
                continue
            (old_index, old_item), (new_index, new_item) = old_pair, new_pair
            old_prefix, new_prefix = ("items", old_index), ("items", new_index)
            for name in ("repeat", "name", "unit", "base", "base_year"):
                self.pair(old_at, new_at, old_prefix + (name,), new_prefix + (name,))
            self.fields(_under(old_refs, old_prefix + ("notes",)), _under(new_refs, new_prefix + ("notes",)))
            old_years = old_item.target_years or old.target_years
            new_years = new_item.target_years or new.target_years
            self.columns(old_at, new_at, old_prefix + ("targets",), old_years, new_years, new_prefix + ("targets",))
            self.columns(old_at, new_at, old_prefix + ("target_years",), old_item.target_years,
                         new_item.target_years, new_prefix + ("target_years",))
            old_actuals = [year for year, _ in old_item.actuals]
            new_actuals = [year for year, _ in new_item.actuals]
            for suffix in ("year", "value"):
                self.columns(old_at, new_at, old_prefix + ("actuals",), old_actuals, new_actuals,
                             new_prefix + ("actuals",), suffix=(suffix,))

    def table(self, old: model.Table, new: model.Table, old_refs: list[Ref], new_refs: list[Ref]) -> None:
        old_at, new_at = _by_path(old_refs), _by_path(new_refs)
        self.pair(old_at, new_at, ("caption",))
        self.positional(old_at, new_at, [("head", i) for i in range(len(old.head))],
                        [("head", i) for i in range(len(new.head))])
        for old_row, new_row in self.aligned(enumerate(old.rows), enumerate(new.rows),
                                             lambda row: diff.comparison_key("".join(row[1]))):
            self.positional(old_at, new_at,
                            [("rows", old_row[0], i) for i in range(len(old_row[1]))] if old_row else [],
                            [("rows", new_row[0], i) for i in range(len(new_row[1]))] if new_row else [])

    def figure(self, old_refs: list[Ref], new_refs: list[Ref]) -> None:
        old_at, new_at = _by_path(old_refs), _by_path(new_refs)
        for name in ("title", "image"):
            self.pair(old_at, new_at, (name,))
        self.fields(_under(old_refs, ("text",)), _under(new_refs, ("text",)))
        self.fields(_under(old_refs, ("diagram",)), _under(new_refs, ("diagram",)))

    def pair(self, old_at: dict, new_at: dict, old_path: model.FieldPath, new_path: model.FieldPath | None = None
             ) -> None:
        self.refs_pair(old_at.get(old_path), new_at.get(new_path or old_path))

    def refs_pair(self, old_ref: Ref | None, new_ref: Ref | None) -> None:
        if old_ref is not None and new_ref is not None:
            self.fields([old_ref], [new_ref])
        else:
            self.whole([old_ref] if old_ref else [], [new_ref] if new_ref else [])

    def positional(self, old_at: dict, new_at: dict, old_paths: list, new_paths: list) -> None:
        for index in range(max(len(old_paths), len(new_paths))):
            self.refs_pair(old_at.get(old_paths[index]) if index < len(old_paths) else None,
                           new_at.get(new_paths[index]) if index < len(new_paths) else None)

    def columns(self, old_at: dict, new_at: dict, old_prefix: model.FieldPath, old_years, new_years,
                new_prefix: model.FieldPath | None = None, suffix: model.FieldPath = ()) -> None:
        """Cells of year columns, matched by the year they stand for (H31 is R1), not by place."""
        new_prefix = new_prefix or old_prefix
        old_by_year: dict = {}
        for index, year in enumerate(old_years):
            old_by_year.setdefault(_western(year), index)
        paired_old = set()
        for new_index, year in enumerate(new_years):
            new_ref = new_at.get(new_prefix + (new_index,) + suffix)
            old_index = old_by_year.pop(_western(year), None)  # a column pairs once (R1 and H31 are one year)
            old_ref = old_at.get(old_prefix + (old_index,) + suffix) if old_index is not None else None
            if old_ref is not None:
                paired_old.add(old_index)
            self.refs_pair(old_ref, new_ref)
        for old_index in range(len(old_years)):
            if old_index not in paired_old and (old_ref := old_at.get(old_prefix + (old_index,) + suffix)):
                self.whole([old_ref], [])

    @staticmethod
    def aligned(old: Iterable, new: Iterable, key) -> list[tuple]:
        """Pairs of matching elements (by ``key``, in order; a replaced run pairs place by
        place), and (element, None) / (None, element) for those with no counterpart."""
        old, new = list(old), list(new)
        matcher = difflib.SequenceMatcher(None, [key(x) for x in old], [key(x) for x in new], autojunk=False)
        pairs: list[tuple] = []
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            olds, news = old[a1:a2], new[b1:b2]
            for index in range(max(len(olds), len(news))):
                pairs.append((olds[index] if index < len(olds) else None, news[index] if index < len(news) else None))
        return pairs


def _western(year: str) -> int | str:
    try:
        return eras.western_year(year)
    except ValueError:
        return year


def _text_of(units: list[tuple[Ref | int, str]], unit: int) -> Ref | None:
    """The text a change in a stream falls in; None for a block's opaque token or no text."""
    ref = units[unit][0] if unit < len(units) else None
    return None if isinstance(ref, int) else ref


def _by_path(refs: list[Ref]) -> dict[model.FieldPath, Ref]:
    return {text.path: (block, text) for block, text in refs}


def _under(refs: list[Ref], prefix: model.FieldPath) -> list[Ref]:
    return [(block, text) for block, text in refs if text.path[:len(prefix)] == prefix]
