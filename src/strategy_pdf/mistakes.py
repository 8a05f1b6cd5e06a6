"""YAML mistakes in plain words: the line with a caret under the place, and the usual cause —
an indentation that lines up with nothing, a half-width colon inside a text, a bracket or a
quote that is never closed — with what to write instead.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import yaml

from . import schema
from .errors import Location, Problem


def _shapes_of() -> dict[str, set[str]]:
    """Every key the sources know, and the shapes it belongs to: a mis-indented key is lined
    up with a key of its own shape (current: with draft:, not with the li: inside the draft)."""
    shapes: dict[str, set[str]] = {kind: {"block"} for kind in schema.BLOCK_KINDS}
    for shape, keys in schema.SHAPES.items():
        for key in keys:
            shapes.setdefault(key.name, set()).add(shape)
    return shapes


SHAPES_OF = _shapes_of()

KEY = re.compile(r"(?P<key>[^\s#'\"\[{][^:#]*?):(?:\s|$)")
COLON = "a half-width colon followed by a space (': ') makes YAML read what comes before it as a key"


def cell_width(character: str) -> int:
    """Terminal cells a character takes: two for kanji and kana, one for the rest."""
    return 2 if unicodedata.east_asian_width(character) in "WF" else 1


def excerpt(line_text: str, number: int, column: int) -> str:
    """The source line and a caret under its ``column`` (1-based), counted in terminal cells."""
    gutter = f"{number:>5} | "
    offset = sum(cell_width(character) for character in line_text[: column - 1])
    return f"{gutter}{line_text}\n{' ' * (len(gutter) - 2)}| {' ' * offset}^"


def syntax_problem(text: str, error: yaml.MarkedYAMLError, shown_as: str) -> Problem:
    """The problem a YAML syntax error stands for, in the author's terms."""
    lines = text.splitlines() or [""]
    mark = error.problem_mark or error.context_mark
    context = error.context_mark
    problem, during = error.problem or "", error.context or ""
    if context is not None and during == "while scanning a quoted scalar":
        quote = _char(lines, context)
        return _at(lines, shown_as, context, f"the quote {quote} that starts here is never closed: end the text with "
                   f"{quote}, or leave the quotes out")
    if context is not None and during in ("while parsing a flow sequence", "while parsing a flow mapping"):
        opener = _char(lines, context)
        closer = {"[": "]", "{": "}"}.get(opener, "]")
        line = lines[min(context.line, len(lines) - 1)]
        if mark is not None and mark.line == context.line and mark.column < len(line.rstrip()):
            return _at(lines, shown_as, mark, f"inside {opener} {closer} a comma or ': ' separates values: quote a value "
                       f"that contains one, e.g. \"2,541\"")
        example = "[数値目標]" if opener == "[" else "{…}"
        return _at(lines, shown_as, context, f"the {opener} that starts here is never closed: close it with {closer}; "
                   f"a text that begins with {opener} must be quoted, e.g. \"{example}\"")
    if mark is not None and problem == "mapping values are not allowed here":
        line = lines[min(mark.line, len(lines) - 1)]
        key = _key(line)
        if KEY.search(line[: mark.column]) or key not in SHAPES_OF:
            return _at(lines, shown_as, mark, f"{COLON}; quote the whole text or write the colon full-width (：): "
                       f"{_quoted(line)}")
        return _indentation(lines, shown_as, mark, "so YAML reads the line as the rest of the text above it")
    if mark is not None and (problem.startswith("expected <block end>") or problem.startswith("did not find expected")):
        line = lines[min(mark.line, len(lines) - 1)]
        before = line[: mark.column].rstrip()
        if before.endswith(("'", '"')) and before.strip() not in ("-", ""):
            return _at(lines, shown_as, mark, f"a text that begins with a quote {before[-1]} ends where the quote closes, "
                       f"and here more follows: quote the whole text with the other quote mark: {_quoted(line)}")
        return _indentation(lines, shown_as, mark, "")
    return _at(lines, shown_as, mark, problem or during)


def guess(word: str, valid: tuple[str, ...] | list[str]) -> str | None:
    """The valid word a typo most likely stands for: the fewest edits (two letters swapped
    count as one: lable is label), at most a third of the word; on a tie, the most letters
    in common. The caller passes only the words valid at that place."""
    scored = sorted((_edits(word.lower(), candidate.lower()),
                     -difflib.SequenceMatcher(None, word, candidate).ratio(), candidate) for candidate in valid)
    if not scored or scored[0][0] > max(1, len(word) // 3):
        return None
    return scored[0][2]


def _edits(a: str, b: str) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours turning ``a`` into ``b``."""
    before, row = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (char_a != char_b))
            if before is not None and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, row = row, current
    return row[-1]


def colon_in_text(key: str, value: str) -> str:
    """For a one-key block whose key is not a block kind but words: a paragraph with ': '."""
    return f"'{key}' is not a block kind: {COLON}; quote the paragraph, or write the colon full-width (：): " \
           f"- \"{key}: {value}\""


def _at(lines: list[str], shown_as: str, mark, message: str) -> Problem:
    """``mark`` is YAML's (0-based line and column), or a (line, column) pair."""
    line, column = (0, 0) if mark is None else mark if isinstance(mark, tuple) else (mark.line, mark.column)
    line = min(line, len(lines) - 1)
    return Problem(Location(shown_as, line + 1, column + 1), "", f"YAML syntax error: {message}",
                   excerpt(lines[line], line + 1, column + 1))


def _char(lines: list[str], mark) -> str:
    line = lines[min(mark.line, len(lines) - 1)]
    return line[mark.column] if mark.column < len(line) else "?"


def _key(line: str) -> str | None:
    match = KEY.match(line.strip().removeprefix("- ").lstrip())
    return match.group("key") if match else None


def _quoted(line: str) -> str:
    """The line with its text in quotes, keeping a leading '- ' and a known key."""
    content = line.strip()
    dash = "- " if content.startswith("- ") else ""
    content = content.removeprefix("- ").lstrip()
    key = _key(content)
    prefix = ""
    if key in SHAPES_OF:
        prefix, content = f"{key}: ", content[len(key) + 1:].lstrip()
    if '"' in content and "'" not in content:
        return f"{dash}{prefix}'{content}'"
    escaped = content.replace("\\", "\\\\").replace('"', '\\"')
    return f'{dash}{prefix}"{escaped}"'


def _indentation(lines: list[str], shown_as: str, mark, why: str) -> Problem:
    """Where the offending line should start: lined up with a key of its own shape above it,
    or else with the nearest level that is open there."""
    number = min(mark.line, len(lines) - 1)
    line = lines[number]
    indent = len(line) - len(line.lstrip(" "))
    content = line.strip()
    dash = content.startswith("-")
    key = None if dash else _key(content)
    levels = _open_levels(lines, number)
    wanted = [level for level in levels if level[2] == ("-" if dash else "key")]
    if key is not None:
        same_shape = [level for level in wanted if SHAPES_OF.get(level[3], set()) & SHAPES_OF.get(key, set())]
        wanted = same_shape[:1] or wanted
    wanted = sorted(wanted, key=lambda level: abs(level[0] - indent))  # stable: the nearest line first on a tie
    what = "the '-'" if dash else f"'{key}:'" if key else "this line"
    if not wanted or wanted[0][0] == indent:
        return _at(lines, shown_as, mark, f"{what} does not fit where it stands: check the indentation of this line "
                   "and of the line above")
    column, at_line, _, name = wanted[0]
    reason = f", {why}" if why else ""
    other = "the '-'" if dash else f"'{name}:'"
    return _at(lines, shown_as, (number, indent),
               f"{what} is indented {_spaces(indent)}{reason}; line it up with {other} on line {at_line + 1} "
               f"({_spaces(column)})")


def _spaces(count: int) -> str:
    return f"{count} space{'' if count == 1 else 's'}"


def _open_levels(lines: list[str], number: int) -> list[tuple[int, int, str, str]]:
    """(column, line, '-' or 'key', key) of the dashes and keys still open above ``number``,
    nearest first: each line above that starts no deeper than every line after it."""
    levels, floor, seen = [], None, set()
    for above in range(number - 1, -1, -1):
        text = lines[above]
        content = text.strip()
        if not content or content.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip(" "))
        if floor is not None and indent > floor:
            continue
        floor = indent
        column, rest = indent, content
        while rest.startswith("- ") or rest == "-":
            if (column, "-") not in seen:
                levels.append((column, above, "-", ""))
                seen.add((column, "-"))
            stripped = rest[1:].lstrip()
            column += len(rest) - len(stripped)
            rest = stripped
        key = _key(rest)
        if key is not None and (column, "key") not in seen:
            levels.append((column, above, "key", key))
            seen.add((column, "key"))
    return levels

