"""What differs between two texts (or two lists of texts read as one stream), found in
phrase-like tokens, never in confetti.

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

TOKEN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]+"   # kanji
    r"|[\u3041-\u309f]+"                                # hiragana
    r"|[\u30a0-\u30ffｦ-ﾟー]+"                           # katakana
    r"|[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]+(?:[.,，．][0-9０-９]+)*"  # Latin and numbers (2,541 / 0.90)
    r"|\x1f"                                            # the end of one text of a stream
    r"|[^\S\x1f]+"
    r"|.",
    re.S,
)
UNIT_SEPARATOR = "\x1f"  # between the texts of one side; never inside a source text
# Characters that stand for a whole block in a stream (a table among paragraphs): matched
# or not as one, never absorbed into a change beside them.
OPAQUE = re.compile("[\ue000-\ue0ff]")
ABSORBED_ISLAND = 2      # common runs this short between two changes belong to the change


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    key: str


def comparison_key(text: str) -> str:
    """What two texts must share to count as the same: NFKC width, no white space."""
    return _WHITE_SPACE.sub("", unicodedata.normalize("NFKC", text))


_WHITE_SPACE = re.compile(r"\s+")



def _tokens(text: str, *, raw: bool) -> list[_Token]:
    tokens = []
    for match in TOKEN.finditer(text):
        key = match.group() if raw or match.group() == UNIT_SEPARATOR else comparison_key(match.group())
        if key:
            tokens.append(_Token(match.start(), match.end(), key))
    return tokens


Span = tuple[int, int]


def changed_pairs(old: str, new: str) -> list[tuple[Span, Span]]:
    """Each change as (span in old, span in new), in order; an empty span (i, i) anchors a
    pure insertion or deletion at its place in the other text."""
    if old == new:
        return []
    old_tokens, new_tokens = _tokens(old, raw=False), _tokens(new, raw=False)
    raw = [t.key for t in old_tokens] == [t.key for t in new_tokens]
    if raw:
        # Only white space or character width differ: then those are the change.
        old_tokens, new_tokens = _tokens(old, raw=True), _tokens(new, raw=True)
    matcher = difflib.SequenceMatcher(None, [t.key for t in old_tokens], [t.key for t in new_tokens],
                                      autojunk=False)
    pairs = []
    for a1, a2, b1, b2, keep_head, keep_tail in _changed_blocks(matcher.get_opcodes(), old, new, old_tokens, new_tokens):
        old_span = _span(old_tokens, a1, a2, len(old))
        new_span = _span(new_tokens, b1, b2, len(new))
        if a2 > a1 and b2 > b1:
            old_span, new_span = _trim(old, new, old_span, new_span, old_tokens[a1:a2], new_tokens[b1:b2], raw,
                                       keep_head, keep_tail)
        if old_span[1] > old_span[0] or new_span[1] > new_span[0]:
            pairs.append((old_span, new_span))
    return pairs


def _span(tokens: list[_Token], first: int, last: int, length: int) -> Span:
    if last > first:
        return tokens[first].start, tokens[last - 1].end
    anchor = tokens[first].start if first < len(tokens) else length
    return anchor, anchor


def changed_spans(old: str, new: str) -> tuple[list[Span], list[Span]]:
    """Character spans of ``old`` and ``new`` that differ, by the rules of this module."""
    pairs = changed_pairs(old, new)
    return ([o for o, _ in pairs if o[1] > o[0]], [n for _, n in pairs if n[1] > n[0]])


def _changed_blocks(opcodes, old: str, new: str, old_tokens: list[_Token], new_tokens: list[_Token]
                    ) -> list[tuple[int, int, int, int, bool, bool]]:
    """Non-equal opcode ranges, merged across short common islands, and widened over a short
    island at the edge of a text when the change runs on into the next text: an item's
    number (③) belongs to its item, so ③ moved to another item is a change of ③ (and the
    absorbed edge is then not trimmed away again)."""
    blocks: list[list] = []
    previous_equal: tuple[int, int, int, int] | None = None
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "equal":
            previous_equal = (a1, a2, b1, b2)
            continue
        island = previous_equal
        if blocks and island and _is_short(old_tokens[island[0]:island[1]]):
            blocks[-1][1], blocks[-1][3] = a2, b2
        else:
            blocks.append([a1, a2, b1, b2, False, False])
        previous_equal = None
    for index, block in enumerate(blocks):
        a1, a2, b1, b2 = block[:4]
        old_span, new_span = _span(old_tokens, a1, a2, len(old)), _span(new_tokens, b1, b2, len(new))
        if UNIT_SEPARATOR not in old[slice(*old_span)] + new[slice(*new_span)]:
            continue
        head = _head_island(old, old_tokens, a1, blocks[index - 1][1] if index else 0)
        if head:
            block[0], block[2], block[4] = a1 - head, b1 - head, True
        tail = _tail_island(old, old_tokens, a2, blocks[index + 1][0] if index + 1 < len(blocks) else len(old_tokens))
        if tail:
            block[1], block[3], block[5] = a2 + tail, b2 + tail, True
    return [tuple(block) for block in blocks]


def _starts_text(text: str, tokens: list[_Token], index: int) -> bool:
    """Whether token ``index`` is the first of its text in the stream (the end of the stream
    counts as the start of a text)."""
    return index == 0 or index >= len(tokens) or tokens[index - 1].key == UNIT_SEPARATOR


def _head_island(text: str, tokens: list[_Token], first: int, floor: int) -> int:
    """How many common tokens before ``first`` open their text and are short enough to
    belong to the change that follows them; 0 when they do not."""
    position, characters = first, 0
    while position > floor and not _starts_text(text, tokens, position):
        position -= 1
        characters += len(tokens[position].key)
        if characters > ABSORBED_ISLAND or OPAQUE.search(tokens[position].key):
            return 0
    return first - position if position < first and _starts_text(text, tokens, position) else 0


def _tail_island(text: str, tokens: list[_Token], end: int, ceiling: int) -> int:
    """How many common tokens from ``end`` close their text and are short enough to belong
    to the change before them; 0 when they do not."""
    if end >= len(tokens) or _starts_text(text, tokens, end):
        return 0
    position, characters = end, 0
    while position < ceiling and tokens[position].key != UNIT_SEPARATOR:
        characters += len(tokens[position].key)
        position += 1
        if characters > ABSORBED_ISLAND or OPAQUE.search(tokens[position - 1].key):
            return 0
    closes_text = position == len(tokens) or tokens[position].key == UNIT_SEPARATOR
    return position - end if closes_text else 0


def _is_short(tokens: list[_Token]) -> bool:
    text = "".join(t.key for t in tokens)
    return len(text) <= ABSORBED_ISLAND and UNIT_SEPARATOR not in text and not OPAQUE.search(text)


KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ffｦ-ﾟー]")


def _trim(old: str, new: str, old_span: Span, new_span: Span, old_tokens, new_tokens, raw: bool,
          keep_head: bool = False, keep_tail: bool = False) -> tuple[Span, Span]:
    """Narrow two changed spans to what really differs, keeping whole words where both change."""
    (o1, o2), (n1, n2) = old_span, new_span
    same = (lambda a, b: a == b) if raw else (lambda a, b: comparison_key(a) == comparison_key(b))
    while not keep_head and o1 < o2 and n1 < n2 and same(old[o1], new[n1]):
        o1, n1 = o1 + 1, n1 + 1
    while not keep_tail and o1 < o2 and n1 < n2 and same(old[o2 - 1], new[n2 - 1]):
        o2, n2 = o2 - 1, n2 - 1
    # One kana left behind at a word's edge is no word of its own (こ of これらの / このため).
    if (o1 > old_span[0] and _lone_kana_left(old, old_tokens, o1 - 1, o1, -1)
            and _lone_kana_left(new, new_tokens, n1 - 1, n1, -1)):
        o1, n1 = o1 - 1, n1 - 1
    if (o2 < old_span[1] and _lone_kana_left(old, old_tokens, o2, o2, 1)
            and _lone_kana_left(new, new_tokens, n2, n2, 1)):
        o2, n2 = o2 + 1, n2 + 1
    # A figure is marked whole: 2,692 → 2,700 marks 2,692, not 692.
    back = max(_into_number(old, old_tokens, o1, -1), _into_number(new, new_tokens, n1, -1))
    back = min(back, o1 - old_span[0], n1 - new_span[0])
    forth = max(_into_number(old, old_tokens, o2, 1), _into_number(new, new_tokens, n2, 1))
    forth = min(forth, old_span[1] - o2, new_span[1] - n2)
    o1, n1, o2, n2 = o1 - back, n1 - back, o2 + forth, n2 + forth
    if o2 > o1 and n2 > n1 and min(o2 - o1, n2 - n1) == 1:
        # A lone character changed inside a word on both sides: give back the trimmed
        # characters of that word (they are the same on both sides) so both words mark whole.
        lone_start, lone_end, lone_tokens = (o1, o2, old_tokens) if o2 - o1 == 1 else (n1, n2, new_tokens)
        word = next((t for t in lone_tokens if t.start <= lone_start < t.end), None)
        if word is not None:  # (a space is in no word)
            back = min(lone_start - word.start, o1 - old_span[0], n1 - new_span[0])
            forth = min(max(word.end - lone_end, 0), old_span[1] - o2, new_span[1] - n2)
            o1, n1, o2, n2 = o1 - back, n1 - back, o2 + forth, n2 + forth
    return (o1, o2), (n1, n2)


NUMBER = re.compile(r"[0-9０-９]")


def _into_number(text: str, tokens, cut: int, step: int) -> int:
    """How far ``cut`` lies inside a number (towards its start for step -1, its end for 1)."""
    word = next((t for t in tokens if t.start < cut < t.end), None)
    if word is None or not NUMBER.match(text[word.start]):
        return 0
    return cut - word.start if step < 0 else word.end - cut


def _lone_kana_left(text: str, tokens, character: int, cut: int, step: int) -> bool:
    """Whether trimming left one kana alone before (step -1) or after (step 1) ``cut``, in
    the middle of a kana word."""
    word = next((t for t in tokens if t.start <= character < t.end), None)
    if word is None or not KANA.match(text[character]) or not word.start < cut < word.end:
        return False
    return (cut - word.start if step < 0 else word.end - cut) == 1


@dataclass(frozen=True)
class Change:
    """One change between two streams of texts, located in each: the unit (text) and the
    span within it where it starts; ``deleted`` and ``inserted`` are its texts, units joined."""

    old_unit: int
    old_span: Span
    new_unit: int
    new_span: Span
    deleted: str
    inserted: str


@dataclass(frozen=True)
class StreamDiff:
    """Two lists of texts compared as one stream: the changed spans of each text, and the
    changes themselves."""

    old_spans: tuple[tuple[Span, ...], ...]
    new_spans: tuple[tuple[Span, ...], ...]
    changes: tuple[Change, ...]


def compare_streams(old_units: list[str], new_units: list[str]) -> StreamDiff:
    """Diff two lists of texts as one stream, so that a paragraph split or merged between
    revisions still lines up; either list may be empty (all of the other is then changed)."""
    old_text, new_text = UNIT_SEPARATOR.join(old_units), UNIT_SEPARATOR.join(new_units)
    pairs = changed_pairs(old_text, new_text) if old_units and new_units else \
        [((0, len(old_text)), (0, len(new_text)))] if old_text or new_text else []
    old_starts, new_starts = _starts(old_units), _starts(new_units)
    changes = []
    for (o1, o2), (n1, n2) in pairs:
        # A text deleted (or inserted) at the end of a text is anchored there, not at the
        # start of the next text, where the next token begins; so is a text emptied.
        if n1 == n2 and n1 in new_starts[1:] and (o1 > 0 and old_text[o1 - 1] != UNIT_SEPARATOR
                                                   or new_units[new_starts.index(n1) - 1] == ""):
            n1 = n2 = n1 - 1
        if o1 == o2 and o1 in old_starts[1:] and (n1 > 0 and new_text[n1 - 1] != UNIT_SEPARATOR
                                                   or old_units[old_starts.index(o1) - 1] == ""):
            o1 = o2 = o1 - 1
        old_unit, new_unit = _unit_at(old_starts, o1), _unit_at(new_starts, n1)
        changes.append(Change(
            old_unit, (o1 - old_starts[old_unit], o2 - old_starts[old_unit]) if old_units else (0, 0),
            new_unit, (n1 - new_starts[new_unit], n2 - new_starts[new_unit]) if new_units else (0, 0),
            old_text[o1:o2].replace(UNIT_SEPARATOR, ""), new_text[n1:n2].replace(UNIT_SEPARATOR, "")))
    return StreamDiff(_local([o for o, _ in pairs], old_units), _local([n for _, n in pairs], new_units),
                      tuple(changes))


def _starts(units: list[str]) -> list[int]:
    starts, offset = [], 0
    for unit in units:
        starts.append(offset)
        offset += len(unit) + 1
    return starts or [0]


def _unit_at(starts: list[int], position: int) -> int:
    return max(index for index, start in enumerate(starts) if start <= position)


def _local(spans: list[Span], units: list[str]) -> tuple[tuple[Span, ...], ...]:
    """Spans of the joined stream cut into each unit's own spans."""
    result, offset = [], 0
    for unit in units:
        end = offset + len(unit)
        result.append(tuple((max(s, offset) - offset, min(e, end) - offset)
                            for s, e in spans if s < end and e > offset))
        offset = end + 1
    return tuple(result)
