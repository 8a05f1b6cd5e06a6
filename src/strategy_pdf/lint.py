"""Lint: what a valid source may still get wrong, said in the planning staff's terms.

Findings are warnings: the document builds; ``--strict`` makes those not answered in the
sources (answers.py) fail the build. The text stays as printed — lint reports, the author decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import eras, model, texts
from .diff import comparison_key
from .errors import Location, Problem, SourceError, display_path
from .loader import Mapping, Scalar, Sequence, load_file

PLACEHOLDER = re.compile(r"[〇○◯]{2,}|[〇○◯][年月日]|（[〇○◯]）")
BRACKETS = {"「": "」", "『": "』", "（": "）", "〔": "〕", "【": "】"}
CLOSERS = {closer: opener for opener, closer in BRACKETS.items()}
ERA_IN_TEXT = re.compile(rf"({'|'.join(era.name for era in eras.ERAS.values())})\s*(元|\d{{1,2}})\s*[（(]\s*(\d{{4}})\s*[）)]")
ERA_BASE = {era.name: era.base for era in eras.ERAS.values()}
DICTIONARY = "prh.yml"
# What a finding can be about; an author answers a finding by its rule (answers.py).
RULES = ("placeholder", "brackets", "era-year", "repeat", "spelling", "alt", "missing-figure")


@dataclass(frozen=True)
class Finding:
    location: Location
    rule: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.location}: {self.rule}: {self.message} ({self.hint})"


@dataclass(frozen=True)
class SpellingRule:
    """One prh rule: text matching ``pattern`` should read ``expected``."""

    expected: str
    pattern: re.Pattern

    def replace(self, text: str) -> str:
        return self.pattern.sub(self.expected, text)


def lint(document: model.Document, spelling: tuple[SpellingRule, ...] = ()) -> list[Finding]:
    findings: list[Finding] = []
    for place in texts.document_texts(document):
        if place.text.kind in LINTED and (place.text.value or _must_have_text(place.text.path)):
            findings += _text_findings(place.text.value, place.text.at, spelling if place.side == "draft" else ())
    for row in document.rows:
        for block in row.draft + row.current:
            findings += _kpi_year_findings(block)
            findings += _alt_findings(block)
            if isinstance(block, model.Figure) and not (block.text or block.image or block.diagram):
                findings.append(_missing_figure(block))
    findings += _repeat_findings(document)
    return sorted(findings, key=lambda f: (f.location.file, f.location.line, f.location.column, f.rule))


def _missing_figure(figure: model.Figure) -> Finding:
    """A figure with neither image, diagram nor text: with a title it prints as
    「title（別添）」, supplied separately, and lint says the figure is missing."""
    if not figure.title:
        return Finding(figure.at, "placeholder", "a figure with nothing in it",
                       "give it an image (figures/…), a diagram or its text")
    return Finding(figure.at, "missing-figure", f"figure 「{figure.title}」 has no image, diagram or text: "
                   "it prints as （別添）", "add its image under figures/ or its diagram, or supply it separately")


# Wording and figures are read (an image's alternative text too); years have their own rule.
LINTED = frozenset({texts.PROSE, texts.VALUE, texts.UNIT, texts.CELL, texts.ALT})


def _must_have_text(path: model.FieldPath) -> bool:
    """An empty text is an unfilled item where the sources need one (a paragraph, an
    indicator's name and figures, a box); an empty caption, unit or table cell is a layout."""
    return path[-1] in ("text", "name", "base", "title") and path[:1] != ("title",) \
        or any(name in path for name in ("targets", "notes")) or path[:1] == ("text",)


def _text_findings(text: str, at: Location, spelling: tuple[SpellingRule, ...]) -> list[Finding]:
    findings = []
    if not text.strip():
        findings.append(Finding(at, "placeholder", "empty text", "write the text, or remove the item"))
    for match in PLACEHOLDER.finditer(text):
        findings.append(Finding(at, "placeholder", f"unfilled placeholder '{match.group()}' in 「{_excerpt(text, match)}」",
                                "fill in the value before the document is final"))
    if (problem := _bracket_problem(text)) is not None:
        findings.append(Finding(at, "brackets", f"{problem} in 「{text[:30]}{'…' if len(text) > 30 else ''}」",
                                "close every bracket that is opened, in the same block"))
    for match in ERA_IN_TEXT.finditer(text):
        era, number, western = match.groups()
        expected = ERA_BASE[era] + eras.year_number(number)
        if int(western) != expected:
            findings.append(Finding(at, "era-year", f"'{match.group()}': {era}{number}年 is {expected}, not {western}",
                                    f"write {era}{number}（{expected}） or correct the era year"))
    for rule in spelling:
        for match in rule.pattern.finditer(text):
            if match.group() != rule.expected:
                findings.append(Finding(at, "spelling", f"'{match.group()}' in 「{_excerpt(text, match)}」",
                                        f"this document writes {rule.expected}"))
    return findings


def _excerpt(text: str, match: re.Match, context: int = 8) -> str:
    start, end = max(0, match.start() - context), min(len(text), match.end() + context)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _bracket_problem(text: str) -> str | None:
    stack = []
    for char in text:
        if char in BRACKETS:
            stack.append(char)
        elif char in CLOSERS:
            if not stack or stack[-1] != CLOSERS[char]:
                return f"'{char}' closes a bracket that is not open"
            stack.pop()
    return f"'{stack[-1]}' is never closed" if stack else None


def _kpi_year_findings(block: model.Block) -> list[Finding]:
    if not isinstance(block, model.Kpi):
        return []
    findings = []
    places = [(text.value, text.at) for text in texts.block_texts(block) if text.kind == texts.YEAR]
    for year, at in places:
        if year and not 1 <= eras.year_number(year[1:]) <= eras.ERAS[year[0]].last:
            findings.append(Finding(at, "era-year", f"{year} does not exist (平成 ran to H31, 令和 starts at R1)",
                                    "check the year"))
    known = [year for year, _ in places if year]
    for year, at in places:
        if year.startswith("H") and year in known and eras.western_year(year) == 2019 and "R1" in known:
            findings.append(Finding(at, "era-year", f"{year} and R1 both name 2019 in one table", "use one of them"))
            break
    return findings


def _alt_findings(block: model.Block) -> list[Finding]:
    """An image is a picture of what it shows: the web edition needs that said in words."""
    if not isinstance(block, model.Figure) or not block.image or block.alt.strip():
        return []
    return [Finding(block.at, "alt", f"image {block.image} has no alternative text",
                    "add alt: what the figure shows, in a sentence or two, for readers who cannot see it")]


def _repeat_findings(document: model.Document) -> list[Finding]:
    """A （再掲） KPI must carry the same figures as the KPI it repeats, in the same column."""
    findings = []
    for side in ("draft", "current"):
        items = [(item, block) for row in document.rows for block in getattr(row, side)
                 if isinstance(block, model.Kpi) for item in block.items]
        originals = {comparison_key(item.name): (item, block) for item, block in items if not item.repeat}
        for item, block in items:
            if not item.repeat:
                continue
            at = item.at or block.at
            if comparison_key(item.name) not in originals:
                findings.append(Finding(at, "repeat", f"（再掲）{item.name} repeats no KPI of the {side} column",
                                        "check the indicator's name against the original"))
                continue
            original, original_block = originals[comparison_key(item.name)]
            differences = [label for label, mine, theirs in (
                ("unit", comparison_key(item.unit), comparison_key(original.unit)),
                ("baseline", (item.base, item.base_year or block.base_year),
                 (original.base, original.base_year or original_block.base_year)),
                ("targets", list(zip(item.targets, item.target_years or block.target_years)),
                 list(zip(original.targets, original.target_years or original_block.target_years))),
            ) if mine != theirs]
            if differences:
                where = original.at or original_block.at
                findings.append(Finding(at, "repeat", f"（再掲）{item.name}: {', '.join(differences)} differ from the "
                                        f"original at {where.file}:{where.line}",
                                        "a repeated KPI must carry the original's figures"))
    return findings


def load_spelling(source_dir: Path) -> tuple[SpellingRule, ...]:
    """The prh dictionary ``source/prh.yml`` (version 1: rules with expected, pattern(s), specs)."""
    path = source_dir / DICTIONARY
    if not path.is_file():
        return ()
    loaded = load_file(path, display_path(path, Path.cwd()))
    problems = list(loaded.problems)
    rules: list[SpellingRule] = []
    root = loaded.root
    if isinstance(root, Mapping):
        version = root.entries.get("version", (None, None))[1]
        if not (isinstance(version, Scalar) and version.text == "1"):
            problems.append(Problem(root.at, "version", "expected version: 1 (the prh dictionary format)"))
        rule_nodes = root.entries.get("rules", (None, None))[1]
        if isinstance(rule_nodes, Sequence):
            for index, node in enumerate(rule_nodes.items):
                rules += _spelling_rule(node, f"rules[{index}]", problems)
        else:
            problems.append(Problem(root.at, "rules", "expected a list of rules"))
    elif root is not None:
        problems.append(Problem(root.at, "", "expected a mapping with version and rules"))
    if problems:
        raise SourceError(problems)
    return tuple(rules)


def _spelling_rule(node, path: str, problems: list[Problem]) -> list[SpellingRule]:
    if not isinstance(node, Mapping):
        problems.append(Problem(node.at, path, "expected a rule with expected and pattern(s)"))
        return []
    entries = {key: value for key, (_, value) in node.entries.items()}
    for key, (key_at, _) in node.entries.items():
        if key not in ("expected", "pattern", "patterns", "specs", "prh", "options"):
            problems.append(Problem(key_at, f"{path}.{key}", "unknown key; expected expected, pattern(s), specs"))
    expected = entries.get("expected")
    if not isinstance(expected, Scalar) or not expected.text:
        problems.append(Problem(node.at, path, "missing required key 'expected'"))
        return []
    sources = entries.get("patterns", entries.get("pattern"))
    texts = [sources] if isinstance(sources, Scalar) else list(sources.items) if isinstance(sources, Sequence) else []
    if not texts:
        problems.append(Problem(node.at, path, "missing 'pattern' or 'patterns'"))
        return []
    rules = []
    for text_node in texts:
        try:
            rules.append(SpellingRule(expected.text, _compile(text_node.text)))
        except (re.error, AttributeError) as exc:
            problems.append(Problem(text_node.at, path, f"pattern is not a valid regular expression: {exc}"))
    specs = entries.get("specs")
    for index, spec in enumerate(specs.items if isinstance(specs, Sequence) else ()):
        spec_entries = {key: value for key, (_, value) in spec.entries.items()} if isinstance(spec, Mapping) else {}
        source, target = spec_entries.get("from"), spec_entries.get("to")
        if not (isinstance(source, Scalar) and isinstance(target, Scalar)):
            problems.append(Problem(spec.at, f"{path}.specs[{index}]", "a spec needs 'from' and 'to'"))
            continue
        result = source.text
        for rule in rules:
            result = rule.replace(result)
        if result != target.text:
            problems.append(Problem(spec.at, f"{path}.specs[{index}]",
                                    f"spec fails: '{source.text}' becomes '{result}', expected '{target.text}'"))
    return rules


def _compile(pattern: str) -> re.Pattern:
    """prh patterns: '/regexp/flags' is a regular expression, anything else literal text."""
    if match := re.fullmatch(r"/(.+)/([gimsu]*)", pattern):
        flags = re.IGNORECASE if "i" in match.group(2) else 0
        return re.compile(match.group(1), flags)
    return re.compile(re.escape(pattern))
