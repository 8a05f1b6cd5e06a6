"""Change marks: what differs between two texts, found in phrase-like tokens, never in confetti.

Japanese has no spaces between words, so a character diff marks scattered particles
(の, を, 、) that two unrelated sentences share. Here texts are cut into runs of one script
(kanji, hiragana, katakana, Latin and digits) and single punctuation marks; the runs are
matched, short common islands between two changes are absorbed into the change, and
only then are the changed runs trimmed character by character at their edges, so that
取組み → 取組 marks み but 取組 → 取り組み marks both words whole.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

CHANGED, DELETED, INSERTED = "changed", "deleted", "inserted"

TOKEN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]+"   # kanji
    r"|[\u3041-\u309f]+"                                # hiragana
    r"|[\u30a0-\u30ffｦ-ﾟー]+"                           # katakana
    r"|[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+(?:[.,，．][0-9０-９]+)*"  # Latin and numbers (2,541 / 0.90)
    r"|\s+"
    r"|.",
    re.S,
)
UNIT_SEPARATOR = "\x1f"  # between the texts of one side; never inside a source text
ABSORBED_ISLAND = 2      # common runs this short between two changes belong to the change


@dataclass(frozen=True)
class Segment:
    text: str
    mark: str = ""  # "", CHANGED, DELETED or INSERTED


class MarkedText(str):
    """A text that carries its change marks; it is still the plain text for everything else."""

    segments: tuple[Segment, ...]

    def __new__(cls, segments: Sequence[Segment]) -> "MarkedText":
        self = super().__new__(cls, "".join(segment.text for segment in segments))
        self.segments = tuple(segments)
        return self


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    key: str


def comparison_key(text: str) -> str:
    """What two texts must share to count as the same: NFKC width, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))



def _tokens(text: str, *, raw: bool) -> list[_Token]:
    tokens = []
    for match in TOKEN.finditer(text):
        key = match.group() if raw else comparison_key(match.group())
        if key:
            tokens.append(_Token(match.start(), match.end(), key))
    return tokens


def changed_pairs(old: str, new: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Each change as (span in old, span in new), in order; an empty span (i, i) anchors a
    pure insertion or deletion at its place in the other text."""
    old_tokens, new_tokens = _tokens(old, raw=False), _tokens(new, raw=False)
    raw = [t.key for t in old_tokens] == [t.key for t in new_tokens]
    if raw:
        if old == new:
            return []
        # Only white space or character width differ: then those are the change.
        old_tokens, new_tokens = _tokens(old, raw=True), _tokens(new, raw=True)
    matcher = difflib.SequenceMatcher(None, [t.key for t in old_tokens], [t.key for t in new_tokens],
                                      autojunk=False)
    pairs = []
    for a1, a2, b1, b2 in _changed_blocks(matcher.get_opcodes(), old_tokens):
        old_span = _span(old_tokens, a1, a2, len(old))
        new_span = _span(new_tokens, b1, b2, len(new))
        if a2 > a1 and b2 > b1:
            old_span, new_span = _trim(old, new, old_span, new_span, old_tokens[a1:a2], new_tokens[b1:b2], raw)
        if old_span[1] > old_span[0] or new_span[1] > new_span[0]:
            pairs.append((old_span, new_span))
    return pairs


def _span(tokens: list[_Token], first: int, last: int, length: int) -> tuple[int, int]:
    if last > first:
        return tokens[first].start, tokens[last - 1].end
    anchor = tokens[first].start if first < len(tokens) else length
    return anchor, anchor


def changed_spans(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of ``old`` and ``new`` that differ, by the rules of this module."""
    pairs = changed_pairs(old, new)
    return ([o for o, _ in pairs if o[1] > o[0]], [n for _, n in pairs if n[1] > n[0]])


def _changed_blocks(opcodes, old_tokens: list[_Token]) -> list[tuple[int, int, int, int]]:
    """Non-equal opcode ranges, merged across short common islands."""
    blocks: list[list[int]] = []
    previous_equal: tuple[int, int, int, int] | None = None
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "equal":
            previous_equal = (a1, a2, b1, b2)
            continue
        island = previous_equal
        if blocks and island and _is_short(old_tokens[island[0]:island[1]]):
            blocks[-1][1], blocks[-1][3] = a2, b2
        else:
            blocks.append([a1, a2, b1, b2])
        previous_equal = None
    return [tuple(block) for block in blocks]


def _is_short(tokens: list[_Token]) -> bool:
    text = "".join(t.key for t in tokens)
    return len(text) <= ABSORBED_ISLAND and UNIT_SEPARATOR not in text


def _trim(old: str, new: str, old_span, new_span, old_tokens, new_tokens, raw: bool):
    """Narrow two changed spans to what really differs, keeping whole words where both change."""
    (o1, o2), (n1, n2) = old_span, new_span
    same = (lambda a, b: a == b) if raw else (lambda a, b: comparison_key(a) == comparison_key(b))
    while o1 < o2 and n1 < n2 and same(old[o1], new[n1]):
        o1, n1 = o1 + 1, n1 + 1
    while o1 < o2 and n1 < n2 and same(old[o2 - 1], new[n2 - 1]):
        o2, n2 = o2 - 1, n2 - 1
    if o2 > o1 and n2 > n1 and min(o2 - o1, n2 - n1) == 1:
        # A lone character changed inside a word on both sides: give back the trimmed
        # characters of that word (they are the same on both sides) so both words mark whole.
        lone_start, lone_end, lone_tokens = (o1, o2, old_tokens) if o2 - o1 == 1 else (n1, n2, new_tokens)
        word = next(t for t in lone_tokens if t.start <= lone_start < t.end)
        back = min(lone_start - word.start, o1 - old_span[0], n1 - new_span[0])
        forth = min(max(word.end - lone_end, 0), old_span[1] - o2, new_span[1] - n2)
        o1, n1, o2, n2 = o1 - back, n1 - back, o2 + forth, n2 + forth
    return (o1, o2), (n1, n2)


def segments(text: str, spans: list[tuple[int, int]], mark: str) -> tuple[Segment, ...]:
    """The text cut into unmarked and ``mark``-ed segments."""
    result, position = [], 0
    for start, end in sorted(spans):
        if start > position:
            result.append(Segment(text[position:start]))
        result.append(Segment(text[start:end], mark))
        position = end
    if position < len(text):
        result.append(Segment(text[position:]))
    return tuple(result)


def mark_units(old_units: Sequence[str], new_units: Sequence[str], old_mark: str, new_mark: str
               ) -> tuple[list[MarkedText], list[MarkedText]]:
    """Diff two sides given as lists of texts (the texts of their blocks, in order) as one
    stream, so that a paragraph split or merged between revisions still lines up."""
    old_text, new_text = UNIT_SEPARATOR.join(old_units), UNIT_SEPARATOR.join(new_units)
    old_spans, new_spans = changed_spans(old_text, new_text)
    return _split(old_text, old_spans, old_mark), _split(new_text, new_spans, new_mark)


def _split(joined: str, spans: list[tuple[int, int]], mark: str) -> list[MarkedText]:
    units, offset = [], 0
    for unit in joined.split(UNIT_SEPARATOR):
        end = offset + len(unit)
        local = [(max(s, offset) - offset, min(e, end) - offset) for s, e in spans if s < end and e > offset]
        units.append(MarkedText(segments(unit, [span for span in local if span[1] > span[0]], mark)))
        offset = end + 1
    return units


def revision_units(old_units: Sequence[str], new_units: Sequence[str]) -> list[MarkedText]:
    """見え消し: the new texts with what was deleted since the old ones struck through in place
    and what was inserted marked, one MarkedText per new text."""
    old_text, new_text = UNIT_SEPARATOR.join(old_units), UNIT_SEPARATOR.join(new_units)
    merged: list[Segment] = []
    position = 0
    for (o1, o2), (n1, n2) in changed_pairs(old_text, new_text):
        merged.append(Segment(new_text[position:n1]))
        if o2 > o1:
            merged.append(Segment(old_text[o1:o2].replace(UNIT_SEPARATOR, ""), DELETED))
        merged.append(Segment(new_text[n1:n2], INSERTED))
        position = n2
    merged.append(Segment(new_text[position:]))
    units: list[list[Segment]] = [[]]
    for segment in merged:
        for index, piece in enumerate(segment.text.split(UNIT_SEPARATOR) if segment.mark != DELETED else [segment.text]):
            if index:
                units.append([])
            if piece:
                units[-1].append(Segment(piece, segment.mark))
    return [MarkedText(unit) for unit in units]


def wholly(texts: Sequence[str], mark: str) -> list[MarkedText]:
    return [MarkedText((Segment(text, mark),) if text else ()) for text in texts]
