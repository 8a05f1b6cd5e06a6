"""The annual review (効果検証): how far each indicator got toward its target, year by year,
its grade, and the indicators grouped by 基本目標 and 施策 with the grades counted."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import eras, kpis, model

NO_ACTUAL = "－"  # the grade of an indicator without an actual yet, or without a numeric target


@dataclass(frozen=True)
class Achievement:
    """One year's actual against the target it is measured by."""

    year: str                  # era year of the actual
    actual: str                # as printed
    target: str                # the target measured against, as printed ("" when none is a number)
    target_year: str
    rate: float | None         # percent toward the target; None when it cannot be computed
    met: bool
    grade: str


@dataclass(frozen=True)
class Indicator:
    """A record of the register with its achievements; a （再掲） carries its original's actuals."""

    record: kpis.KpiRecord
    achievements: tuple[Achievement, ...]

    @property
    def latest(self) -> Achievement | None:
        return self.achievements[-1] if self.achievements else None

    @property
    def grade(self) -> str:
        return self.latest.grade if self.latest else NO_ACTUAL

    def achievement_in(self, year: str) -> Achievement | None:
        return next((a for a in self.achievements if a.year == year), None)


@dataclass(frozen=True)
class Measure:
    title: str                 # the 施策 heading, or the table's label ([数値目標])
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Goal:
    title: str                 # 基本目標１ …
    measures: tuple[Measure, ...]

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for m in self.measures for i in m.indicators)


@dataclass(frozen=True)
class Review:
    goals: tuple[Goal, ...]
    years: tuple[str, ...]     # every year with an actual, in order: the table's columns
    grades: tuple[str, ...]    # the grades in order, then NO_ACTUAL
    legend: tuple[tuple[str, str], ...]  # (grade, what it means), for the first page

    def counts(self, indicators: tuple[Indicator, ...]) -> tuple[int, ...]:
        """How many indicators have each grade; a （再掲） is counted with its original only."""
        originals = [i for i in indicators if i.record.repeat_of is None]
        return tuple(sum(1 for i in originals if i.grade == grade) for grade in self.grades)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for g in self.goals for i in g.indicators)


def higher_is_better(record: kpis.KpiRecord) -> bool:
    """From the targets: 以上 or a target above the baseline says higher, 以下 or one below says
    lower (待機児童数 397 → 0); targets equal to the baseline (維持) are kept by not falling."""
    base = kpis.numeric(record.base)
    for printed, _ in record.targets:
        target = kpis.value(printed)
        if target is None:
            continue
        if target.bound:
            return target.bound == "以上"
        if base is not None and target.number != base:
            return target.number > base
    return True


def target_for(record: kpis.KpiRecord, year: str) -> tuple[str, str]:
    """(target, its year) an actual of ``year`` is measured by: that year's target, or the final
    one when the year has none; a target that is no number (〇〇) is passed over."""
    numeric = [(value, target_year) for value, target_year in record.targets if kpis.value(value)]
    same_year = [t for t in numeric if t[1] and eras.western_year(t[1]) == eras.western_year(year)]
    chosen = same_year or numeric[-1:]
    return chosen[0] if chosen else ("", "")


def rate(base: float, target: kpis.Value, actual: float, higher: bool) -> tuple[float, bool]:
    """(percent achieved, met): (actual − base) / (target − base), 100 when the target is met.
    A target the baseline already reached (維持, or a threshold such as 7,000 以上) and the
    actual fell behind: 0."""
    def at_least(a: float, b: float) -> bool:
        return a >= b if higher else a <= b

    if at_least(actual, target.number):
        return 100.0, True
    if at_least(base, target.number):
        return 0.0, False
    return (actual - base) / (target.number - base) * 100.0, False


def grade(percent: float | None, met: bool, rules: tuple[model.GradeRule, ...]) -> str:
    if percent is None:
        return NO_ACTUAL
    for rule in rules:
        if (rule.condition == "met" and met or rule.condition == "≥" and percent >= rule.percent
                or rule.condition == ">" and percent > rule.percent or rule.condition == "else"):
            return rule.grade
    return NO_ACTUAL


def achievements(record: kpis.KpiRecord, rules: tuple[model.GradeRule, ...]) -> tuple[Achievement, ...]:
    base = kpis.numeric(record.base)
    higher = higher_is_better(record)
    result = []
    for year, printed in sorted(record.actuals, key=lambda actual: eras.western_year(actual[0])):
        target, target_year = target_for(record, year)
        actual = kpis.numeric(printed)
        if base is None or actual is None or not target:
            percent, met = None, False
        else:
            percent, met = rate(base, kpis.value(target), actual, higher)
        result.append(Achievement(year, printed, target, target_year, percent, met, grade(percent, met, rules)))
    return tuple(result)


def percent(rate: float | None) -> str:
    """A rate as printed in the review: one decimal, a full-width minus; － when there is none."""
    if rate is None:
        return NO_ACTUAL
    # Rounded half up, as by hand (6.25 → 6.3), from the shortest form of the float.
    rounded = Decimal(repr(rate)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{'－' if rounded < 0 else ''}{abs(rounded)}％"


def describe(rule: model.GradeRule) -> str:
    return {"met": "目標値を達成", "≥": f"達成率 {rule.percent:g}％以上", ">": f"達成率 {rule.percent:g}％超",
            "else": "上記以外"}[rule.condition]


def review(document: model.Document, side: str = "draft") -> Review:
    """The review of the parsed (never annotated) document: every indicator of the register,
    a （再掲） judged by its own targets with its original's actuals."""
    records = kpis.register(document, side)
    goals: dict[str, dict[str, list[Indicator]]] = {}
    for record in records:
        original = records[record.repeat_of - 1] if record.repeat_of else record
        judged = dataclasses.replace(record, actuals=original.actuals)
        indicator = Indicator(judged, achievements(judged, document.grades))
        goals.setdefault(record.goal, {}).setdefault(record.measure, []).append(indicator)
    years = sorted({year for record in records for year, _ in record.actuals}, key=eras.western_year)
    return Review(
        goals=tuple(Goal(goal, tuple(Measure(title, tuple(items)) for title, items in measures.items()))
                    for goal, measures in goals.items()),
        years=tuple(years),
        grades=tuple(dict.fromkeys(rule.grade for rule in document.grades)) + (NO_ACTUAL,),
        legend=tuple((rule.grade, describe(rule)) for rule in document.grades) + ((NO_ACTUAL, "実績なし"),),
    )
