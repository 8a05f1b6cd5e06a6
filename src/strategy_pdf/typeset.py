"""Japanese line composition done in the markup: every printed text becomes HTML here.

The vendored BIZ UD fonts have no ``halt``/``palt``/``chws`` features, and WeasyPrint breaks
lines by UAX #14 alone (any two ideographs, any two full-width letters), so what a Japanese
typesetter does is written into the HTML, around the characters and never into them: the
PDF's text, its search and the change marks see the text exactly as written.

- Adjacent full-width punctuation (「という。）」及び」) is set at half-width spacing (JLREQ
  3.1.4): the first of two marks loses the blank half of its em.
- A run of full-width letters or digits (ＩＣＴ, ＳＤＧｓ, ２０２０) is never broken.
- With ``phrases``, for headings, table cells and diagram boxes, where lines are short: lines
  break between the phrases BudouX finds, a short text is never broken, and the last line of
  a text is never one character.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import budoux
from markupsafe import Markup, escape

OPENING = set("（「『〔【〈《［｛")
CLOSING = set("、。，．）」』〕】〉》］｝")
PUNCTUATION = OPENING | CLOSING
SPACES = " 　"
NARROWED = re.compile("[{closing}](?=[{both}])|[{opening}](?=[{opening}])".format(
    closing=re.escape("".join(sorted(CLOSING))), opening=re.escape("".join(sorted(OPENING))),
    both=re.escape("".join(sorted(PUNCTUATION)))))

# Kept on one line: full-width letters and digits (UAX #14 breaks between any two of them;
# half-width digits with their separators it already keeps).
UNBREAKABLE_RUN = re.compile(r"[０-９Ａ-Ｚａ-ｚ]{2,}")
# Half-width ones (13,000, COC+, a URL) UAX #14 keeps together: nor do phrases cut them.
HALF_WIDTH_PAIR = re.compile(r"[!-~]{2}")
# A line may not start with these, nor end with those (kinsoku, as Pango keeps it).
NO_BREAK_BEFORE = frozenset("、。，．）」』】〕〉》ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・：；！？")
NO_BREAK_AFTER = frozenset("（「『【〔〈《")

# Where phrases are kept, and how long a phrase may be and still never break: as long as the
# narrowest line of the place holds (a table cell of a side about 12 characters at 9pt, a
# diagram box about 9 at 8pt) and, for a heading, short enough not to leave a wide gap at
# the end of a line of its 27. A longer phrase is cut where its script changes (_words).
LONGEST_KEPT_PHRASE = {"heading": 12, "cell": 10, "box": 8}
# A text this short (a table label 「日時：」, a name 「荒川　浩二」, a reading 「あらかわ こうじ」) is kept whole.
SHORTEST_BROKEN_TEXT = 9


@functools.cache
def _parser() -> budoux.Parser:
    """BudouX's Japanese model ships inside the package: nothing is fetched."""
    return budoux.load_default_japanese_parser()


def text_html(text: str, *, phrases: str = "", following: str = "") -> Markup:
    """The text as HTML: escaped, the author's line breaks kept, composed as the module says;
    ``phrases`` names the place (a key of LONGEST_KEPT_PHRASE) when lines break between phrases.
    ``following`` is the character printed right after the text (the next marked segment's),
    so punctuation adjacent across a segment boundary is narrowed too."""
    lines = text.split("\n")
    return Markup("<br>").join(
        _line_html(line, phrases, following if number == len(lines) - 1 else "")
        for number, line in enumerate(lines))


def _line_html(line: str, phrases: str, following: str) -> Markup:
    if not phrases or not line:
        return _characters_html(line, following)
    units = _units(line, phrases)
    html = []
    for number, (unit, kept) in enumerate(units):
        after = units[number + 1][0][:1] if number + 1 < len(units) else following
        html.append(_kept_html(unit, after) if kept else _characters_html(unit, after))
    # <wbr> between units: WeasyPrint breaks lines between two nowrap spans, but sizes a table
    # column as if it could not (the column would take the whole text's width); it adds no
    # character to the PDF's text.
    return Markup("<wbr>").join(html)


def _units(line: str, phrases: str) -> list[tuple[str, bool]]:
    """The line's units where it breaks between phrases, each with whether it is kept on one line."""
    longest = LONGEST_KEPT_PHRASE[phrases]
    units = _phrases(line, longest)
    return [(unit, len(unit) <= longest or len(units) == 1 and len(line) < SHORTEST_BROKEN_TEXT) for unit in units]


def pieces(text: str, *, phrases: str = "") -> list[str]:
    """The pieces of ``text`` that no line breaks inside, as text_html composes it: what
    decides how narrow a column holding the text can be."""
    found: list[str] = []
    for line in text.split("\n"):
        for unit, kept in _units(line, phrases) if phrases and line else [(line, False)]:
            core = unit.strip(SPACES)
            found += [core] if kept and core else _breakable_pieces(unit)
    return [piece for piece in found if piece]


def _breakable_pieces(text: str) -> list[str]:
    """The pieces a line breaks between where no phrase is kept: at spaces, and beside a
    Japanese (full-width) character unless kinsoku forbids it or the two are of one run of
    full-width letters or digits; a figure, a word or a URL is one piece."""
    found, piece = [], ""
    for character in text:
        if character.isspace():
            found.append(piece)
            piece = ""
            continue
        if piece and (_wide(character) or _wide(piece[-1])) and character not in NO_BREAK_BEFORE \
                and piece[-1] not in NO_BREAK_AFTER and not _cuts_a_run(piece, character):
            found.append(piece)
            piece = ""
        piece += character
    found.append(piece)
    return found


def _wide(character: str) -> bool:
    return unicodedata.east_asian_width(character) in "WF"


def _kept_html(unit: str, following: str) -> Markup:
    """A unit on one line; spaces around it stay outside, for a line may break there."""
    core = unit.strip(SPACES)
    if not core:
        return _characters_html(unit, following)
    start = unit.index(core)
    trail = unit[start + len(core):]
    return Markup('{}<span class="phrase">{}</span>{}').format(
        unit[:start], _characters_html(core, trail[:1] or following), _characters_html(trail, following))


def _phrases(line: str, longest: int) -> list[str]:
    """The line cut into units that are each kept on one line (but for long ones): BudouX's
    phrases, never cut inside a run of full-width letters or digits, the whole line when it
    is short, and a last unit of at least two characters."""
    if len(line) < SHORTEST_BROKEN_TEXT:
        return [line]
    units: list[str] = []
    for phrase in _parser().parse(line):
        if units and _cuts_a_run(units[-1], phrase):
            units[-1] += phrase
        else:
            units.append(phrase)
    units = [part for unit in units for part in (_words(unit, longest) if len(unit) > longest else (unit,))]
    last = units[-1]
    if len(last) == 1 and len(units) > 1:
        units[-2:] = [units[-2] + last]
    elif len(last) > longest and not _cuts_a_run(last[:-2], last[-2:]):
        # A long last phrase may break inside, but not before its last two characters.
        units[-1:] = [last[:-2], last[-2:]]
    return units


# A kanji or katakana word (with the kana that follow it), a run of full-width letters or
# digits, or anything else one character at a time.
WORD = re.compile(r"(?:[一-龯々〇]+|[ァ-ヺー]+|[０-９Ａ-Ｚａ-ｚ]+)[ぁ-ゖ]*|[!-~]+|.", re.S)


def _words(phrase: str, longest: int) -> list[str]:
    """A phrase too long for one line of its place, cut where its script changes (○地域包括 |
    ケアシステムの), the pieces packed back up to ``longest`` characters: BudouX keeps a
    compound whole, and breaking it anywhere would cut a word (ケアシス／テム)."""
    pieces: list[str] = []
    for word in WORD.findall(phrase):
        if pieces and len(pieces[-1]) + len(word) <= longest and (len(word) == 1 or len(pieces[-1]) == 1):
            pieces[-1] += word
        else:
            pieces.append(word)
    return pieces


def _cuts_a_run(before: str, after: str) -> bool:
    pair = before[-1:] + after[:1]
    return bool(UNBREAKABLE_RUN.fullmatch(pair) or HALF_WIDTH_PAIR.fullmatch(pair))


def _characters_html(text: str, following: str) -> Markup:
    """Escaped text, with narrowed punctuation and unbroken full-width runs."""
    html, start = [], 0
    for match in UNBREAKABLE_RUN.finditer(text):
        html.append(_punctuation_html(text[start:match.start()], match.group()[:1]))
        html.append(Markup('<span class="run">{}</span>').format(match.group()))
        start = match.end()
    html.append(_punctuation_html(text[start:], following))
    return Markup("").join(html)


def _punctuation_html(text: str, following: str) -> Markup:
    """The first of two adjacent full-width marks in a narrowing span. Any pair works with
    the first mark's advance halved (a closing mark's ink is in the left half of its em, an
    opening mark's in the right), except an opening mark before a closing one, whose inks
    would meet."""
    html = NARROWED.sub(r'<span class="half">\g<0></span>', str(escape(text)))
    if text and following[:1] and NARROWED.match(text[-1] + following[:1]):
        html = html[:-1] + f'<span class="half">{text[-1]}</span>'
    return Markup(html)
