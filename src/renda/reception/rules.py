"""Turn a plan's rule into dates (``dateutil.rrule``): once, weekly on weekdays, monthly on days, some months."""

import datetime

from dateutil import rrule

from renda.reception.models import PlanKind, ReceptionPlan

HORIZON_DAYS = 366  # a plan without an end date is generated a year ahead (and extended by the tick)


def plan_dates(plan: ReceptionPlan, *, start: datetime.date | None = None, until: datetime.date | None = None):
    """The dates ``plan`` holds a reception day on, from ``start`` (default its first day) to ``until``."""
    first = max(plan.starts_on, start or plan.starts_on)
    last = until or plan.starts_on + datetime.timedelta(days=HORIZON_DAYS)
    if plan.ends_on:
        last = min(last, plan.ends_on)
    if plan.kind == PlanKind.ONCE:
        return [plan.starts_on] if first <= plan.starts_on <= last else []
    if last < first:
        return []
    months = [m for m in plan.numbers(plan.months) if 1 <= m <= 12] or None
    if plan.kind == PlanKind.WEEKLY:
        weekdays = [d for d in plan.numbers(plan.weekdays) if d < 7]
        if not weekdays:
            return []
        rule = rrule.rrule(rrule.WEEKLY, byweekday=weekdays, bymonth=months, dtstart=first, until=last)
    else:
        days = [d for d in plan.numbers(plan.month_days) if 1 <= d <= 31]
        if not days:
            return []
        rule = rrule.rrule(rrule.MONTHLY, bymonthday=days, bymonth=months, dtstart=first, until=last)
    return [dt.date() for dt in rule]
