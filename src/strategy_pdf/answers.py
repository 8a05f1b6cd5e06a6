"""Answers to lint findings written in the sources: a ``# strategy-pdf: keep RULE`` comment keeps
what lint reports under RULE on that line as the author wrote it; an answer that keeps nothing,
or cannot be read, is itself reported.

Comments are not in YAML's node tree, so the answers are read from the lines of each file. The
comment ends the finding's line (the line lint prints), or stands alone on a line above it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import adoption, lint, mistakes, model
from .errors import Location
from .lint import Finding

RULE = "answer"  # the findings about answers themselves; they cannot be answered
RULES = (*lint.RULES, adoption.RULE)  # what an author can answer
COMMENT = re.compile(r"(?:^|\s)#\s*strategy-pdf\s*:(?P<body>.*)$")
HOW = "# strategy-pdf: keep RULE"


@dataclass(frozen=True)
class Answer:
    """The author keeps, on line ``line``, what lint reports under ``rules``."""

    at: Location               # where the comment is written
    line: int                  # the line it answers
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """Lint's findings sorted by the answers in the sources."""

    open: tuple[Finding, ...]      # to look at: findings not answered, and answers that keep nothing
    answered: tuple[Finding, ...]

    def summary(self) -> str:
        """One line for a build: how many findings are left to look at, by rule, and where
        to see them; empty when there is nothing to look at."""
        if not self.open:
            return ""
        counts = sorted(Counter(finding.rule for finding in self.open).items(), key=lambda kv: (-kv[1], kv[0]))
        by_rule = ", ".join(f"{rule} {count}" for rule, count in counts)
        answered = f"; {len(self.answered)} answered in the sources" if self.answered else ""
        return f"lint: {_count(len(self.open))} to look at ({by_rule}){answered}; make lint lists them"

    def footer(self) -> str:
        """The last line of ``lint``: the count, and how to answer a finding."""
        answered = f", {len(self.answered)} answered in the sources" if self.answered else ""
        return f"{_count(len(self.open))} to look at{answered}. To keep one as written, end its line with {HOW}."


def _count(number: int) -> str:
    return f"{number} finding{'' if number == 1 else 's'}"


def read(text: str, shown_as: str) -> tuple[tuple[Answer, ...], tuple[Finding, ...]]:
    """The answers written in one source's text, and findings for the comments that address
    strategy-pdf but cannot be read as an answer."""
    lines = text.splitlines()
    answers, problems = [], []
    for number, line in enumerate(lines, start=1):
        match = COMMENT.search(line)
        if match is None:
            continue
        at = Location(shown_as, number, line.index("#", match.start()) + 1)
        standalone = not line[: match.start()].strip()
        target = _next_content_line(lines, number) if standalone else number
        rules, line_problems = _rules(match.group("body"), at)
        problems += line_problems
        if rules:
            answers.append(Answer(at, target, rules))
    return tuple(answers), tuple(problems)


def _next_content_line(lines: list[str], number: int) -> int:
    """A comment alone on its line answers the next line that is not a comment: answers
    for several rules can stand one above the other."""
    for following in range(number, len(lines)):
        if not lines[following].lstrip().startswith("#"):
            return following + 1
    return len(lines) + 1


def _rules(body: str, at: Location) -> tuple[tuple[str, ...], list[Finding]]:
    """The rule names after ``keep`` (separated by spaces or commas; a reason may follow ``--``)."""
    words = body.split("--", 1)[0].replace(",", " ").split()
    if not words or words[0] != "keep":
        return (), [Finding(at, RULE, f"'strategy-pdf:{body}' is not an answer", f"write {HOW}, RULE one of {', '.join(RULES)}")]
    if len(words) == 1:
        return (), [Finding(at, RULE, "'keep' names no rule", f"write {HOW}, RULE one of {', '.join(RULES)}")]
    rules, problems = [], []
    for word in words[1:]:
        if word in RULES:
            rules.append(word)
            continue
        guess = mistakes.guess(word, RULES)
        hint = f"did you mean {guess}?" if guess else f"the rules are {', '.join(RULES)}; a reason goes after --"
        problems.append(Finding(at, RULE, f"'{word}' is not a lint rule, so this answer keeps nothing", hint))
    return tuple(rules), problems


def read_sources(source_dir: Path, document: model.Document) -> tuple[tuple[Answer, ...], tuple[Finding, ...]]:
    """The answers in every chapter of ``document`` (findings are only ever in chapters)."""
    answers, problems = [], []
    for chapter in document.chapters:
        text = (source_dir / f"{chapter.slug}.yaml").read_text(encoding="utf-8-sig")
        found, unreadable = read(text, chapter.source)
        answers += found
        problems += unreadable
    return tuple(answers), tuple(problems)


def sort(findings: list[Finding], answers: tuple[Answer, ...], problems: tuple[Finding, ...] = ()) -> Report:
    """Findings an answer keeps are answered; the rest, with every answer's rule that keeps
    nothing and the comments that could not be read, are open."""
    keeps = {(answer.at.file, answer.line, rule) for answer in answers for rule in answer.rules}
    answered = [finding for finding in findings if _key(finding) in keeps]
    open_findings = [finding for finding in findings if _key(finding) not in keeps]
    reported = {_key(finding) for finding in findings}
    for answer in answers:
        for rule in answer.rules:
            if (answer.at.file, answer.line, rule) in reported:
                continue
            there = sorted({finding.rule for finding in findings
                            if (finding.location.file, finding.location.line) == (answer.at.file, answer.line)})
            hint = f"lint reports {', '.join(there)} there" if there else "remove the comment: there is nothing to keep"
            open_findings.append(Finding(answer.at, RULE, f"'keep {rule}' keeps nothing: line {answer.line} has no "
                                         f"{rule} finding", hint))
    open_findings += problems
    order = lambda finding: (finding.location.file, finding.location.line, finding.location.column, finding.rule)  # noqa: E731
    return Report(tuple(sorted(open_findings, key=order)), tuple(sorted(answered, key=order)))


def _key(finding: Finding) -> tuple[str, int, str]:
    return finding.location.file, finding.location.line, finding.rule
