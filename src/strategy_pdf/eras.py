"""Japanese era years: the eras, the abbreviations used in KPI tables (H27, R1) and their Western years."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    name: str   # as written in text: 平成
    base: int   # the Western year before its first: 平成元年 is 1988 + 1
    last: int   # its last year number (平成31 ended on 30 April 2019; 令和 has no end yet: two digits)


ERAS = {"S": Era("昭和", 1925, 64), "H": Era("平成", 1988, 31), "R": Era("令和", 2018, 99)}
ABBREVIATED = "HR"  # the eras KPI tables abbreviate
# An abbreviation: the era's letter and its year number, 元 for the first, digits half- or
# full-width (R５ is typed as often as R5). The JSON Schema uses the same pattern.
PATTERN = f"^([{ABBREVIATED}])(元|[0-9０-９]{{1,2}})$"
ABBREVIATION = re.compile(PATTERN)


def year_number(number: str) -> int:
    """``元`` → 1, ``27`` or ``２７`` → 27."""
    return 1 if number == "元" else int(number)


def western_year(abbreviation: str) -> int:
    """``H27`` → 2015, ``R1`` or ``R元`` → 2019."""
    match = ABBREVIATION.match(abbreviation)
    if not match:
        raise ValueError(f"not an era year abbreviation: {abbreviation!r}")
    era, number = match.groups()
    return ERAS[era].base + year_number(number)


def abbreviation(year: int) -> str:
    """The era year a Western year is written as: 2016 → ``H28``, 2019 → ``R1`` (令和 from its first year)."""
    era = max((letter for letter in ABBREVIATED if year > ERAS[letter].base), key=lambda letter: ERAS[letter].base)
    return f"{era}{year - ERAS[era].base}"


def bracketed(abbreviation: str) -> str:
    """The form printed in table headings: ``H27`` → ``（H27）``; empty stays empty."""
    return f"（{abbreviation}）" if abbreviation else ""
