"""Panels of 履职活动 in shared pages: upcoming activities on the console home, source activities on an opinion."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from renda.activities.models import Activity, ActivityStatus
from renda.core import panels
from renda.core.access import has_perm, restrict

UPCOMING_DAYS = 14


@panels.panel("console_home")
def upcoming_activities(request, user) -> str:
    if not has_perm(user, "activity.view") or not (user.deputy_id or user.station_id):
        return ""
    now = timezone.now()
    rows = list(
        restrict(Activity.objects.select_related("station"), user)
        .filter(status=ActivityStatus.PLANNED, ends_at__gte=now, starts_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS))
        .order_by("starts_at", "pk")[:5]
    )
    if not rows:
        return ""
    return render_to_string("activities/_home_panel.html", {"rows": rows, "days": UPCOMING_DAYS}, request=request)


@panels.panel("opinion_detail")
def source_activities(request, opinion) -> str:
    if not has_perm(request.user, "activity.view"):
        return ""
    rows = list(restrict(Activity.objects.filter(opinions=opinion), request.user).order_by("-starts_at")[:5])
    if not rows:
        return ""
    return render_to_string("activities/_opinion_panel.html", {"rows": rows}, request=request)
