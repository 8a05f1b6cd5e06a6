"""Achievement rates and grades of the annual review, computed by hand from the real document."""

import dataclasses
from pathlib import Path

import pytest

from strategy_pdf import kpis, model, parse, review
from strategy_pdf.errors import SourceError

from .conftest import fixture_project

REAL = Path(__file__).parents[1] / "source"


def real_record(name: str) -> kpis.KpiRecord:
    return next(r for r in kpis.register(parse.load_document(REAL)) if r.indicator.startswith(name) and not r.repeat_of)


def judged(name: str, **actuals: str) -> tuple[review.Achievement, ...]:
    record = dataclasses.replace(real_record(name), actuals=tuple(actuals.items()))
    return review.achievements(record, model.DEFAULT_GRADES)


def test_higher_is_better_toward_the_final_target_when_the_year_has_none():
    # 年転入超過数: −37 (H26) → 400 (R1), 400 (R5).
    h28, h29, h30, r1 = judged("年転入超過数", H28="－1,394", H29="560", H30="－128", R1="250")
    assert (h28.target, h28.target_year) == ("400", "R5")
    assert h28.rate == pytest.approx((-1394 + 37) / (400 + 37) * 100) and round(h28.rate, 1) == -310.5
    assert h28.grade == "D" and not h28.met
    assert (h29.rate, h29.met, h29.grade) == (100.0, True, "A")  # 560 passes 400: met, not 137 %
    assert round(h30.rate, 1) == -20.8 and h30.grade == "D"
    assert (r1.target_year, round(r1.rate, 1), r1.grade) == ("R1", 65.7, "B")  # (250 + 37) / 437


def test_lower_is_better_when_the_target_is_below_the_baseline():
    # 保育所など利用待機児童数: 397 (H27) → 0.
    assert review.higher_is_better(real_record("保育所など利用待機児童数")) is False
    h28, h29, h30, r1 = judged("保育所など利用待機児童数", H28="200", H29="150", H30="500", R1="0")
    assert round(h28.rate, 1) == 49.6 and h28.grade == "C"   # 197 / 397: just short of B
    assert round(h29.rate, 1) == 62.2 and h29.grade == "B"   # 247 / 397
    assert round(h30.rate, 1) == -25.9 and h30.grade == "D"  # more children waiting than at the baseline
    assert (r1.rate, r1.met, r1.grade) == (100.0, True, "A")


def test_kept_level_is_met_when_the_actual_does_not_fall_behind():
    # 居住誘導区域の人口密度: 60.7 → 60.7 (維持).
    kept, above, behind = judged("居住誘導区域の人口密度", H28="60.7", H29="61.2", H30="60.5")
    assert kept.met and above.met and (kept.grade, above.grade) == ("A", "A")
    assert (behind.rate, behind.met, behind.grade) == (0.0, False, "D")


def test_threshold_target():
    # 出生数: 7,039 (H26) → 7,000 以上: already above the threshold at the baseline.
    assert review.higher_is_better(real_record("出生数"))
    met, below = judged("出生数", H28="7,010", H29="6,950")
    assert met.met and met.grade == "A"
    assert (below.rate, below.grade) == (0.0, "D")
    below_threshold = review.rate(6000.0, kpis.value("7,000 以上"), 6500.0, True)
    assert below_threshold == (50.0, False)


def test_a_placeholder_target_is_passed_over_for_the_last_numeric_one():
    # 「仕事と子育ての両立ができている」: 18.9 → 28.8 (R1), 〇〇 (R5).
    (h28,) = judged("「仕事と子育ての両立", H28="23.85")
    assert (h28.target, h28.target_year, round(h28.rate, 1), h28.grade) == ("28.8", "R1", 50.0, "B")


def test_no_actual_and_no_number():
    record = real_record("市内総生産額")
    assert review.achievements(record, model.DEFAULT_GRADES) == ()
    indicator = review.Indicator(record, ())
    assert indicator.grade == review.NO_ACTUAL and indicator.latest is None
    (unknown,) = review.achievements(dataclasses.replace(record, base="〇〇", actuals=(("H28", "2,400"),)),
                                     model.DEFAULT_GRADES)
    assert unknown.rate is None and unknown.grade == review.NO_ACTUAL


@pytest.mark.parametrize("percent, met, expected", [
    (100.0, True, "A"), (99.9, False, "B"), (50.0, False, "B"), (49.9, False, "C"), (0.1, False, "C"),
    (0.0, False, "D"), (-310.5, False, "D"), (None, False, "－")])
def test_default_grades(percent, met, expected):
    assert review.grade(percent, met, model.DEFAULT_GRADES) == expected


def test_grades_from_document_yaml(tmp_path):
    import shutil
    source = tmp_path / "source"
    shutil.copytree(fixture_project("good", "minimal").source, source)
    document = source / "document.yaml"
    text = document.read_text(encoding="utf-8")
    document.write_text(text + "grades: {S: met, A: ≥ 80, B: '> 0', C: else}\n", encoding="utf-8")
    rules = parse.load_document(source).grades
    assert [(r.grade, r.condition, r.percent) for r in rules] == [
        ("S", "met", 0.0), ("A", "≥", 80.0), ("B", ">", 0.0), ("C", "else", 0.0)]
    assert review.grade(85.0, False, rules) == "A" and review.grade(79.0, False, rules) == "B"
    document.write_text(text + "grades: {A: met, B: about half}\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        parse.load_document(source)
    assert "grades.B: 'about half' is not a condition" in str(error.value)
    assert "give it the condition else" in str(error.value)


def test_review_groups_by_goal_and_measure_and_counts_originals_only():
    document = parse.load_document(REAL)
    result = review.review(document)
    assert [g.title for g in result.goals] == ["基本目標１", "基本目標２", "基本目標３"]
    assert result.years == ("H28", "H29", "H30") and result.grades == ("A", "B", "C", "D", "－")
    migration = next(i for i in result.indicators if i.record.indicator == "年転入超過数")
    assert migration.grade == "D"  # H30: −128, −20.8 %
    births_again = [i for i in result.indicators if i.record.indicator == "出生数"][1]
    assert births_again.record.repeat_of == 9
    # 20 indicators, 3 of them （再掲）: 17 counted, one (年転入超過数) graded.
    assert result.counts(result.indicators) == (0, 0, 0, 1, 16)


@pytest.mark.parametrize("rate, printed", [
    (6.25, "6.3％"), (-310.526, "－310.5％"), (100.0, "100.0％"), (0.0, "0.0％"), (-0.04, "0.0％"),
    (49.99999999999999, "50.0％"), (None, "－")])
def test_percent(rate, printed):
    assert review.percent(rate) == printed
