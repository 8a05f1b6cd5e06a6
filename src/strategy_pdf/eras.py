"""Japanese era years: the abbreviations used in KPI tables (H27, R1) and their Western years."""

from __future__ import annotations

import re

ERAS = {"H": ("平成", 1988), "R": ("令和", 2018)}
ABBREVIATION = re.compile(r"^([HR])(元|\d{1,2})$")


def western_year(abbreviation: str) -> int:
    """``H27`` → 2015, ``R1`` or ``R元`` → 2019."""
    match = ABBREVIATION.match(abbreviation)
    if not match:
        raise ValueError(f"not an era year abbreviation: {abbreviation!r}")
    era, number = match.groups()
    return ERAS[era][1] + (1 if number == "元" else int(number))


def abbreviation(year: int) -> str:
    """The era year a Western year is written as: 2016 → ``H28``, 2019 → ``R1`` (令和 from its first year)."""
    era = max((start, letter) for letter, (_, start) in ERAS.items() if year > start)[1]
    return f"{era}{year - ERAS[era][1]}"


def bracketed(abbreviation: str) -> str:
    """The form printed in table headings: ``H27`` → ``（H27）``; empty stays empty."""
    return f"（{abbreviation}）" if abbreviation else ""


def abbreviation(year: int) -> str:
    """The era abbreviation of a Western year: 2020 → ``R2``; 2019 counts as 令和 (``R1``)."""
    era = max((letter for letter, (_, base) in ERAS.items() if year > base), key=lambda letter: ERAS[letter][1])
    return f"{era}{year - ERAS[era][1]}"
