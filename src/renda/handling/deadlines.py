"""Stage time limits: configured per kind, category and urgency, counted in working days (or hours, days, months)."""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from renda.core.workdays import add_working_days
from renda.handling.models import CaseKind, LimitUnit, Stage, StageLimit, Urgency


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str

    def __str__(self) -> str:
        return f"{self.amount}{LimitUnit(self.unit).label}"


WD, DAYS, HOURS, MONTHS = LimitUnit.WORKING_DAYS, LimitUnit.DAYS, LimitUnit.HOURS, LimitUnit.MONTHS

# (stage, urgency) -> limit; urgency "" is the fallback for any urgency.
DEFAULT_LIMITS: dict[tuple[str, str], Limit] = {
    (Stage.ACCEPT, ""): Limit(2, WD),
    (Stage.SIGN, ""): Limit(1, WD),
    (Stage.REPLY, ""): Limit(7, WD),
    (Stage.REPLY, Urgency.COMPLEX): Limit(15, WD),
    (Stage.FEEDBACK, ""): Limit(2, WD),
    (Stage.EVALUATE, ""): Limit(7, DAYS),
    (Stage.ACCEPT, Urgency.URGENT): Limit(4, HOURS),
    (Stage.SIGN, Urgency.URGENT): Limit(2, HOURS),
    (Stage.REPLY, Urgency.URGENT): Limit(24, HOURS),
    (Stage.FEEDBACK, Urgency.URGENT): Limit(4, HOURS),
    (Stage.CO_VIEW, ""): Limit(1, MONTHS),
}

# A kind's own defaults, before the general ones (and before configured rows for any kind).
KIND_DEFAULT_LIMITS: dict[str, dict[tuple[str, str], Limit]] = {
    CaseKind.SUGGESTION: {
        (Stage.ACCEPT, ""): Limit(10, WD),  # 立案 by congress staff
        (Stage.SIGN, ""): Limit(5, WD),
        (Stage.REPLY, ""): Limit(3, MONTHS),  # from assignment; up to 6 with an approved extension
        (Stage.FEEDBACK, ""): Limit(5, WD),
        (Stage.EVALUATE, ""): Limit(1, MONTHS),  # then closed 未评价
        (Stage.CO_VIEW, ""): Limit(1, MONTHS),
    },
}


def limit_for(stage: str, *, urgency: str = "", category_key: str = "", kind: str = "") -> Limit:
    """The limit for one stage, the most specific first.

    In order: configured rows for ``kind``; the kind's own defaults (``KIND_DEFAULT_LIMITS``);
    configured rows for any kind (blank); the general defaults. Among configured rows the
    longest matching category prefix wins, then an exact urgency over a blank one.
    """
    rows = list(StageLimit.objects.filter(stage=stage, is_active=True, kind__in={"", kind}))
    if kind:
        found = _best_row([r for r in rows if r.kind == kind], urgency, category_key)
        if found is not None:
            return found
        own = KIND_DEFAULT_LIMITS.get(kind, {})
        if limit := own.get((stage, urgency)) or own.get((stage, "")):
            return limit
    found = _best_row([r for r in rows if not r.kind], urgency, category_key)
    if found is not None:
        return found
    return DEFAULT_LIMITS.get((stage, urgency)) or DEFAULT_LIMITS[(stage, "")]


def _best_row(rows: list[StageLimit], urgency: str, category_key: str) -> Limit | None:
    best: tuple[int, int, StageLimit] | None = None
    for row in rows:
        if row.urgency and row.urgency != urgency:
            continue
        prefix = row.category_prefix
        if prefix and not (category_key == prefix or category_key.startswith(prefix.rstrip("/") + "/")):
            continue
        rank = (len(prefix), 1 if row.urgency else 0)
        if best is None or rank > best[:2]:
            best = (*rank, row)
    return Limit(best[2].amount, best[2].unit) if best is not None else None


def add_months(start: datetime.datetime, months: int) -> datetime.datetime:
    """The end (23:59:59 local) of the same day ``months`` later, clamped to the month's last day."""
    local = timezone.localtime(start).date()
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    end = datetime.datetime.combine(datetime.date(year, month, day), datetime.time(23, 59, 59))
    return timezone.make_aware(end, timezone.get_current_timezone())


def due_after(start: datetime.datetime, limit: Limit) -> datetime.datetime:
    if limit.unit == LimitUnit.MONTHS:
        return add_months(start, limit.amount)
    if limit.unit == LimitUnit.HOURS:
        return start + datetime.timedelta(hours=limit.amount)
    if limit.unit == LimitUnit.DAYS:
        return start + datetime.timedelta(days=limit.amount)
    return add_working_days(start, limit.amount)


def stage_due(
    stage: str, start: datetime.datetime | None = None, *, urgency: str = "", category_key: str = "", kind: str = ""
):
    return due_after(start or timezone.now(), limit_for(stage, urgency=urgency, category_key=category_key, kind=kind))


def remind_time(start: datetime.datetime, due: datetime.datetime) -> datetime.datetime:
    """Remind a day before (configurable), or halfway for short limits."""
    before = datetime.timedelta(hours=settings.RENDA_REMIND_BEFORE_HOURS)
    return max(start + (due - start) / 2, due - before)
