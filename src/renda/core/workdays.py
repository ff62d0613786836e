"""Working days on China's official calendar (holidays and 调休 make-up days).

The ``chinese-calendar`` library carries the State Council's published
schedule; years it does not know yet fall back to Monday–Friday. Either can be
overridden by configuration: ``RENDA_HOLIDAYS`` (dates that are off) and
``RENDA_WORKDAYS`` (dates that are worked), comma-separated ISO dates.
"""

import datetime
from functools import lru_cache

import chinese_calendar
from django.conf import settings
from django.utils import timezone


def _dates(value: str | list | tuple | None) -> frozenset[datetime.date]:
    if not value:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(datetime.date.fromisoformat(str(item).strip()) for item in items if str(item).strip())


@lru_cache(maxsize=4096)
def _is_workday(day: datetime.date, holidays: frozenset, workdays: frozenset) -> bool:
    if day in workdays:
        return True
    if day in holidays:
        return False
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def is_workday(day: datetime.date) -> bool:
    return _is_workday(
        day,
        _dates(getattr(settings, "RENDA_HOLIDAYS", "")),
        _dates(getattr(settings, "RENDA_WORKDAYS", "")),
    )


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """The moment ``days`` full working days after ``start``: end of that working day (23:59:59 local).

    Something received on a Friday evening with a 2-working-day limit is due at
    the end of Tuesday; received on the eve of the Spring Festival, the days
    start counting after the holiday.
    """
    local = timezone.localtime(start)
    day = local.date()
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            counted += 1
    end = datetime.datetime.combine(day, datetime.time(23, 59, 59))
    return timezone.make_aware(end, timezone.get_current_timezone())


def working_days_between(start: datetime.datetime, end: datetime.datetime) -> int:
    """Working days after ``start``'s day up to and including ``end``'s day (0 if end is earlier)."""
    first = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    count = 0
    day = first
    while day < last:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
