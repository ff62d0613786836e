"""Panels of 选民接待日 in shared pages: upcoming duty on the console home, the source visit on an opinion."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from renda.core import panels
from renda.core.access import has_perm, restrict
from renda.reception.models import DayStatus, ReceptionDay, Visit

UPCOMING_DAYS = 14


@panels.panel("console_home")
def upcoming_days(request, user) -> str:
    if not has_perm(user, "reception.view") or not (user.deputy_id or user.station_id):
        return ""
    today = timezone.localdate()
    rows = list(
        restrict(ReceptionDay.objects.select_related("station"), user)
        .filter(status=DayStatus.SCHEDULED, date__gte=today, date__lte=today + datetime.timedelta(days=UPCOMING_DAYS))
        .order_by("date", "start_time", "pk")[:5]
    )
    if not rows:
        return ""
    ctx = {"rows": rows, "days": UPCOMING_DAYS, "today": today}
    return render_to_string("reception/_home_panel.html", ctx, request=request)


@panels.panel("opinion_detail")
def source_visit(request, opinion) -> str:
    if not has_perm(request.user, "reception.view"):
        return ""
    visits = restrict(Visit.objects.filter(links__opinion=opinion).select_related("day__station", "deputy"), request.user)
    rows = list(visits.order_by("-created_at")[:3])
    if not rows:
        return ""
    return render_to_string("reception/_opinion_panel.html", {"rows": rows}, request=request)
