import datetime

from renda.reception.models import PlanKind, ReceptionPlan
from renda.reception.rules import plan_dates


def plan(**kw):
    return ReceptionPlan(title="t", starts_on=datetime.date(2026, 1, 1), **kw)


def test_every_monday():
    dates = plan_dates(plan(kind=PlanKind.WEEKLY, weekdays="0"), until=datetime.date(2026, 1, 31))
    assert dates == [datetime.date(2026, 1, d) for d in (5, 12, 19, 26)]
    assert all(d.weekday() == 0 for d in dates)


def test_fifteenth_of_odd_months():
    dates = plan_dates(plan(kind=PlanKind.MONTHLY_DAYS, month_days="15", months="1,3,5,7,9,11"),
                       until=datetime.date(2026, 12, 31))  # fmt: skip
    assert dates == [datetime.date(2026, m, 15) for m in (1, 3, 5, 7, 9, 11)]


def test_ninth_and_nineteenth():
    dates = plan_dates(plan(kind=PlanKind.MONTHLY_DAYS, month_days="9，19"), until=datetime.date(2026, 2, 28))
    assert dates == [datetime.date(2026, 1, 9), datetime.date(2026, 1, 19), datetime.date(2026, 2, 9),
                     datetime.date(2026, 2, 19)]  # fmt: skip


def test_31st_skips_short_months_and_end_date_bounds():
    p = plan(kind=PlanKind.MONTHLY_DAYS, month_days="31", ends_on=datetime.date(2026, 5, 1))
    assert plan_dates(p) == [datetime.date(2026, m, 31) for m in (1, 3)]


def test_once_and_empty_rules():
    assert plan_dates(plan(kind=PlanKind.ONCE)) == [datetime.date(2026, 1, 1)]
    assert plan_dates(plan(kind=PlanKind.WEEKLY, weekdays="")) == []
    assert plan_dates(plan(kind=PlanKind.MONTHLY_DAYS, month_days="x")) == []


def test_open_ended_plan_is_bounded_to_a_year():
    dates = plan_dates(plan(kind=PlanKind.WEEKLY, weekdays="0,3"))
    assert 100 < len(dates) <= 106 and dates[-1] <= datetime.date(2027, 1, 2)


def test_rule_text():
    assert plan(kind=PlanKind.MONTHLY_DAYS, month_days="15", months="1,3,5,7,9,11").rule_text == (
        "1月、3月、5月、7月、9月、11月 每月15日"
    )
    assert plan(kind=PlanKind.WEEKLY, weekdays="0,4").rule_text == "每周一、五"
