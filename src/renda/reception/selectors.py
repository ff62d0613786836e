"""Scoped reads for 选民接待日 (every console list goes through ``restrict``)."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from renda.core.access import restrict
from renda.core.models import User
from renda.reception.models import (
    Booking,
    BookingStatus,
    DayStatus,
    DutyShift,
    ReceptionDay,
    ReceptionPlan,
    ShiftStatus,
    Visit,
)


def _shifts_prefetch() -> Prefetch:
    return Prefetch("shifts", queryset=DutyShift.objects.select_related("deputy", "substitute").order_by("pk"))


def days(user: User) -> QuerySet[ReceptionDay]:
    qs = ReceptionDay.objects.select_related("station").prefetch_related(_shifts_prefetch())
    qs = qs.annotate(
        booking_count=Count("bookings", filter=~Q(bookings__status=BookingStatus.CANCELLED), distinct=True),
        visit_count=Count("visits", distinct=True),
    )
    return restrict(qs, user).order_by("-date", "-start_time", "-pk")


def plans(user: User) -> QuerySet[ReceptionPlan]:
    return restrict(ReceptionPlan.objects.select_related("station"), user).order_by("-is_active", "-starts_on", "-pk")


def shifts(user: User) -> QuerySet[DutyShift]:
    qs = DutyShift.objects.select_related("day__station", "deputy", "substitute")
    return restrict(qs, user).order_by("-day__date", "day__start_time", "pk")


def bookings(user: User) -> QuerySet[Booking]:
    return restrict(Booking.objects.select_related("day__station"), user).order_by("-day__date", "slot_start", "pk")


def visits(user: User) -> QuerySet[Visit]:
    qs = Visit.objects.select_related("day__station", "deputy", "recorded_by").annotate(
        opinion_count=Count("links", distinct=True)
    )
    return restrict(qs, user).order_by("-day__date", "-created_at", "-pk")


def public_days(today: datetime.date | None = None) -> QuerySet[ReceptionDay]:
    """Days the public may see: scheduled, not past, and within their announcement window."""
    today = today or timezone.localdate()
    qs = ReceptionDay.objects.filter(status=DayStatus.SCHEDULED, date__gte=today, station__is_active=True)
    # announce_on <= today  ⇔  date - announce_days <= today: filtered per window size (a handful of values)
    windows = qs.values_list("announce_days", flat=True).distinct().order_by()
    window_q = Q(pk__in=[])
    for n in windows:
        window_q |= Q(announce_days=n, date__lte=today + datetime.timedelta(days=n))
    return qs.filter(window_q).select_related("station").order_by("date", "start_time", "pk")


def attended_days_by_deputy(deputy_ids: list[int], year: int) -> dict[int, int]:
    """Reception days each deputy actually served in ``year`` (on duty and present, or as the substitute).

    For the activities app's compliance view (a deputy's 接待选民日 against the county's standard)."""
    served = (
        DutyShift.objects.filter(day__date__year=year)
        .exclude(day__status=DayStatus.CANCELLED)
        .filter(
            Q(status=ShiftStatus.ATTENDED, deputy_id__in=deputy_ids)
            | Q(status=ShiftStatus.SUBSTITUTED, substitute_id__in=deputy_ids)
        )
        .values_list("status", "deputy_id", "substitute_id", "day_id")
    )
    days: dict[int, set[int]] = {}
    for status, deputy_id, substitute_id, day_id in served:
        who = substitute_id if status == ShiftStatus.SUBSTITUTED else deputy_id
        days.setdefault(who, set()).add(day_id)
    return {deputy_id: len(day_ids) for deputy_id, day_ids in days.items()}
