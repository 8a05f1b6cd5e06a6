"""Era year abbreviations."""

import pytest

from strategy_pdf import eras


@pytest.mark.parametrize("abbreviation, year", [("H27", 2015), ("H31", 2019), ("R1", 2019), ("R元", 2019), ("R5", 2023)])
def test_western_year(abbreviation, year):
    assert eras.western_year(abbreviation) == year


def test_not_an_era_year():
    with pytest.raises(ValueError):
        eras.western_year("2015")


def test_bracketed():
    assert eras.bracketed("H27") == "（H27）"
    assert eras.bracketed("") == ""
