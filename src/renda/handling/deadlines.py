"""Stage time limits: configured per category and urgency, counted in working days (or hours)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from renda.core.workdays import add_working_days
from renda.handling.models import LimitUnit, Stage, StageLimit, Urgency


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str

    def __str__(self) -> str:
        return f"{self.amount}{LimitUnit(self.unit).label}"


WD, DAYS, HOURS = LimitUnit.WORKING_DAYS, LimitUnit.DAYS, LimitUnit.HOURS

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
}


def limit_for(stage: str, *, urgency: str = "", category_key: str = "") -> Limit:
    """The most specific configured limit (longest category prefix, then exact urgency), else the default."""
    best: tuple[int, int, StageLimit] | None = None
    for row in StageLimit.objects.filter(stage=stage, is_active=True):
        if row.urgency and row.urgency != urgency:
            continue
        prefix = row.category_prefix
        if prefix and not (category_key == prefix or category_key.startswith(prefix.rstrip("/") + "/")):
            continue
        rank = (len(prefix), 1 if row.urgency else 0)
        if best is None or rank > best[:2]:
            best = (*rank, row)
    if best is not None:
        return Limit(best[2].amount, best[2].unit)
    return DEFAULT_LIMITS.get((stage, urgency)) or DEFAULT_LIMITS[(stage, "")]


def due_after(start: datetime.datetime, limit: Limit) -> datetime.datetime:
    if limit.unit == LimitUnit.HOURS:
        return start + datetime.timedelta(hours=limit.amount)
    if limit.unit == LimitUnit.DAYS:
        return start + datetime.timedelta(days=limit.amount)
    return add_working_days(start, limit.amount)


def stage_due(stage: str, start: datetime.datetime | None = None, *, urgency: str = "", category_key: str = ""):
    return due_after(start or timezone.now(), limit_for(stage, urgency=urgency, category_key=category_key))


def remind_time(start: datetime.datetime, due: datetime.datetime) -> datetime.datetime:
    """Remind a day before (configurable), or halfway for short limits."""
    before = datetime.timedelta(hours=settings.RENDA_REMIND_BEFORE_HOURS)
    return max(start + (due - start) / 2, due - before)
