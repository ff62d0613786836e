"""Console: the change history (AuditEvents) of one record and of its dependent rows."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from renda.core.access import get_scoped_or_404, has_perm, staff_required
from renda.core.audit import history_for
from renda.core.models import AuditEvent
from renda.registry.models import Agency, Congress, Deputy, Grid, Station

# Rows that live under a record: their events belong to its history too.
DEPENDENTS = {
    Deputy: ("mandates", "station_memberships", "grid_memberships"),
    Station: ("staff", "checklist", "memberships"),
    Grid: ("memberships",),
    Congress: ("terms",),
}


def owns(user, obj) -> bool:
    """The record is the user's own scope: their station, their deputy record, their agency."""
    return (
        (isinstance(obj, Station) and user.station_id == obj.pk)
        or (isinstance(obj, Deputy) and user.deputy_id == obj.pk)
        or (isinstance(obj, Agency) and user.agency_id == obj.pk)
    )


def events_for(obj):
    query = Q(pk__in=history_for(obj).values("pk"))
    for accessor in DEPENDENTS.get(type(obj), ()):
        related = getattr(obj, accessor)
        ids = [str(pk) for pk in related.values_list("pk", flat=True)]
        if ids:
            query |= Q(target_type=ContentType.objects.get_for_model(related.model), target_id__in=ids)
    return AuditEvent.objects.filter(query).select_related("actor", "target_type").order_by("-at", "-id")


def _detail_url_name(obj) -> str:
    name = obj._meta.model_name
    return f"console:{name}_detail" if type(obj) in (*DEPENDENTS, Agency) or name == "division" else ""


@staff_required("registry.view")
def history(request, label, pk):
    try:
        app_label, model_name = label.split(".", 1)
        model = apps.get_model(app_label, model_name)
    except (ValueError, LookupError) as exc:
        raise Http404("没有找到该记录。") from exc
    obj = get_scoped_or_404(model._default_manager.all(), request.user, pk=pk)
    if not (has_perm(request.user, "audit.view") or owns(request.user, obj)):
        raise PermissionDenied("您没有查看修改记录的权限。")
    page = Paginator(events_for(obj), 50).get_page(request.GET.get("page"))
    context = {
        "obj": obj,
        "verbose_name": model._meta.verbose_name,
        "page": page,
        "detail_url": _detail_url_name(obj),
    }
    return render(request, "registry/history.html", context)
