"""Console home: the 六有 state of the user's station(s), with a link to the ledgers."""

from django.db.models import Count, Q
from django.template.loader import render_to_string

from renda.core import panels
from renda.core.access import has_perm, restrict
from renda.registry.models import ChecklistItem, Station

SIX = len(ChecklistItem.values)


@panels.panel("console_home")
def checklist_card(request, user) -> str:
    if not has_perm(user, "ledgers.view") or not (user.station_id or user.congress_id):
        return ""
    stations = restrict(Station.objects.filter(is_active=True), user).annotate(
        met=Count("checklist", filter=Q(checklist__met=True))
    )
    if user.station_id:
        station = stations.filter(pk=user.station_id).first()
        if station is None:
            return ""
        ctx = {"station": station, "six": SIX}
    else:
        totals = stations.aggregate(n=Count("id"))
        short = stations.filter(met__lt=SIX).count()
        if not totals["n"]:
            return ""
        ctx = {"stations": totals["n"], "short": short}
    return render_to_string("ledgers/_home_panel.html", ctx, request=request)
