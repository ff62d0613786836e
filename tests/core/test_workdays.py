"""Working days on China's official calendar, with configuration overrides and a fallback for unknown years."""

import datetime

import chinese_calendar
import pytest
from django.utils import timezone

from renda.core.workdays import add_working_days, is_workday, working_days_between


def at(y, m, d, hh=10, mm=0):
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm))


def day_of(value):
    return timezone.localtime(value).date()


def test_end_of_day_on_the_last_working_day():
    due = add_working_days(at(2026, 11, 16), 2)  # Monday → end of Wednesday
    assert timezone.localtime(due).replace(tzinfo=None) == datetime.datetime(2026, 11, 18, 23, 59, 59)


def test_across_a_weekend():
    assert day_of(add_working_days(at(2026, 11, 20, 18), 2)) == datetime.date(2026, 11, 24)  # Fri → Tue
    assert day_of(add_working_days(at(2026, 11, 21), 1)) == datetime.date(2026, 11, 23)  # Sat → Mon


def test_national_day_2026_per_the_library():
    # chinese-calendar's 2026 schedule: 1–7 October off, 20 September (Sun) and 10 October (Sat) worked.
    assert [chinese_calendar.is_workday(datetime.date(2026, 10, d)) for d in range(1, 9)] == [False] * 7 + [True]
    assert day_of(add_working_days(at(2026, 9, 30), 1)) == datetime.date(2026, 10, 8)
    assert day_of(add_working_days(at(2026, 9, 30), 3)) == datetime.date(2026, 10, 10)  # 调休 Saturday counts
    assert day_of(add_working_days(at(2026, 10, 9), 1)) == datetime.date(2026, 10, 10)


def test_make_up_sunday_counts():
    assert is_workday(datetime.date(2026, 9, 20))  # Sunday worked (调休)
    assert day_of(add_working_days(at(2026, 9, 19), 1)) == datetime.date(2026, 9, 20)


def test_settings_override_holidays_and_workdays(settings):
    monday, saturday = datetime.date(2026, 11, 23), datetime.date(2026, 11, 21)
    assert is_workday(monday) and not is_workday(saturday)
    settings.RENDA_HOLIDAYS = "2026-11-23"
    settings.RENDA_WORKDAYS = "2026-11-21"
    # The cache is keyed by the override sets, so a changed setting takes effect at once.
    assert not is_workday(monday) and is_workday(saturday)
    assert day_of(add_working_days(at(2026, 11, 20), 2)) == datetime.date(2026, 11, 24)
    settings.RENDA_HOLIDAYS = ["2026-11-24"]
    settings.RENDA_WORKDAYS = ""
    assert is_workday(monday) and not is_workday(datetime.date(2026, 11, 24))


@pytest.mark.parametrize("year", [2030])
def test_unknown_year_falls_back_to_monday_to_friday(year):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(datetime.date(year, 10, 1))
    # 1 October 2030 is a Tuesday: without a published schedule it is an ordinary working day.
    assert is_workday(datetime.date(year, 10, 1))
    assert not is_workday(datetime.date(year, 10, 5))  # Saturday
    assert day_of(add_working_days(at(year, 10, 4), 1)) == datetime.date(year, 10, 7)


def test_working_days_between():
    assert working_days_between(at(2026, 11, 20), at(2026, 11, 24)) == 2
    assert working_days_between(at(2026, 11, 24), at(2026, 11, 20)) == 0
