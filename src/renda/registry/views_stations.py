"""Console: 家站点 — profile, staff, 进站代表 and the 六有 checklist."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, has_perm, staff_required
from renda.core.lists import Column, Filter, ListSpec, active_filter, field_filter
from renda.registry import services as reg
from renda.registry.forms import (
    ChecklistForm,
    DeputyPickForm,
    StationForm,
    StationProfileForm,
    StationStaffForm,
)
from renda.registry.models import ChecklistItem, Division, Station, StationKind, StationStaff
from renda.registry.selectors import subtree_q
from renda.registry.views_base import (
    check_in_scope,
    form_errors_text,
    form_page,
    list_page,
    membership_change,
    run_service,
    save_form,
    toggle_page,
)
from renda.registry.views_deputies import area_choices


def may_edit_profile(user, station: Station) -> bool:
    """Registry managers, or this station's own staff (station.edit_own)."""
    if has_perm(user, "registry.manage"):
        return True
    return has_perm(user, "station.edit_own") and user.station_id == station.pk


def _in_area(qs, value):
    division = Division.objects.filter(pk=value).first()
    return qs.filter(subtree_q(division.path, prefix="division__")) if division else qs.none()


def area_filter(user) -> Filter:
    return Filter("division", "所在区域", area_choices(user), _in_area)


def station_spec(user) -> ListSpec:
    return ListSpec(
        title="家站点",
        columns=[
            Column("编号", lambda s: s.code, link=True),
            Column("名称", lambda s: s.name, link=True),
            Column("类型", lambda s: s.get_kind_display()),
            Column("所在区划", lambda s: s.division.name),
            Column("地址", lambda s: s.address),
            Column("进站代表", lambda s: s.deputy_count),
            Column("状态", lambda s: s.is_active, badge=True),
        ],
        search_fields=["name", "code", "address", "theme"],
        search_hint="名称、编号、地址或特色",
        filters=[field_filter("kind", "类型", StationKind.choices), area_filter(user), active_filter()],
        export_name="家站点",
        detail_url="console:station_detail",
        empty_text="没有符合条件的家站点。",
    )


@staff_required("registry.view")
def station_list(request):
    qs = (
        Station.objects.select_related("division")
        .annotate(deputy_count=Count("memberships", filter=Q(memberships__left_on=None)))
        .order_by("code")
    )
    return list_page(
        request, qs, station_spec(request.user), create_url="console:station_create", import_kind="stations"
    )


def _station(request, pk) -> Station:
    return get_scoped_or_404(Station.objects.select_related("division"), request.user, pk=pk)


@staff_required("registry.view")
def station_detail(request, pk):
    station = _station(request, pk)
    user = request.user
    checklist = {row.item: row for row in station.checklist.all()}
    rows = [(item, label, checklist.get(item)) for item, label in ChecklistItem.choices]
    context = {
        "obj": station,
        "staff": station.staff.select_related("deputy"),
        "memberships": station.memberships.filter(left_on=None).select_related("deputy").order_by("deputy__number"),
        "past_memberships": station.memberships.exclude(left_on=None).select_related("deputy").order_by("-left_on"),
        "checklist": rows,
        "met_count": sum(1 for row in checklist.values() if row.met),
        "can_edit": may_edit_profile(user, station),
        "can_assign": has_perm(user, "registry.assign"),
        "staff_form": StationStaffForm(user=user, auto_id="staff_%s"),
        "pick_form": DeputyPickForm(user=user, auto_id="pick_%s"),
    }
    return render(request, "registry/station_detail.html", context)


@staff_required("registry.manage")
def station_create(request):
    form = StationForm(request.POST or None, user=request.user)
    if request.method == "POST":
        division = form.cleaned_data.get("division") if form.is_valid() else None
        if check_in_scope(form, "division", division, request.user) and (
            obj := save_form(form, lambda: reg.station_create(actor=request.user, **form.cleaned_data))
        ):
            return redirect("console:station_detail", pk=obj.pk)
    return form_page(request, form, title="新增家站点", cancel_url=reverse("console:station_list"))


@staff_required("registry.view")
def station_edit(request, pk):
    station = _station(request, pk)
    if not may_edit_profile(request.user, station):
        raise PermissionDenied("您没有修改该家站点的权限。")
    form_class = StationForm if has_perm(request.user, "registry.manage") else StationProfileForm
    form = form_class(request.POST or None, instance=station, user=request.user)
    if request.method == "POST":
        division = form.cleaned_data.get("division") if form.is_valid() else None
        if check_in_scope(form, "division", division, request.user) and save_form(
            form, lambda: reg.station_update(actor=request.user, station=station, **form.cleaned_data)
        ):
            return redirect("console:station_detail", pk=pk)
    cancel = reverse("console:station_detail", args=[pk])
    return form_page(request, form, title=f"编辑家站点：{station.name}", cancel_url=cancel)


@require_POST
@staff_required("registry.manage")
def station_toggle(request, pk):
    return toggle_page(request, Station.objects.all(), pk, reg.station_set_active, "家站点")


def _editable_station(request, pk) -> Station:
    station = _station(request, pk)
    if not may_edit_profile(request.user, station):
        raise PermissionDenied("您没有修改该家站点的权限。")
    return station


@require_POST
@staff_required("registry.view")
def station_staff_add(request, pk):
    station = _editable_station(request, pk)
    form = StationStaffForm(request.POST, user=request.user)
    if form.is_valid():
        run_service(
            request,
            lambda: reg.station_staff_add(actor=request.user, station=station, **form.cleaned_data),
            f"已添加{form.cleaned_data['name']}。",
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("console:station_detail", pk=pk)


@require_POST
@staff_required("registry.view")
def station_staff_remove(request, pk, staff_pk):
    station = _editable_station(request, pk)
    staff = get_object_or_404(StationStaff, pk=staff_pk, station=station)
    run_service(request, lambda: reg.station_staff_remove(actor=request.user, staff=staff), f"已移除{staff}。")
    return redirect("console:station_detail", pk=pk)


@require_POST
@staff_required("registry.view")
def station_checklist(request, pk):
    station = _editable_station(request, pk)
    form = ChecklistForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        run_service(
            request,
            lambda: reg.station_checklist_update(
                actor=request.user,
                station=station,
                item=data["item"],
                met=data["met"],
                evidence=data["evidence"],
                evidence_file=data["evidence_file"],
            ),
            f"已更新“{ChecklistItem(data['item']).label}”。",
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("console:station_detail", pk=pk)


@require_POST
@staff_required("registry.assign")
def station_deputy_add(request, pk):
    membership_change(
        request,
        group=_station(request, pk),
        deputy_pk=None,
        service=reg.station_assign_deputy,
        group_kw="station",
        done="{name}已进站。",
    )
    return redirect("console:station_detail", pk=pk)


@require_POST
@staff_required("registry.assign")
def station_deputy_remove(request, pk, deputy_pk):
    membership_change(
        request,
        group=_station(request, pk),
        deputy_pk=deputy_pk,
        service=reg.station_remove_deputy,
        group_kw="station",
        done="{name}已离站。",
    )
    return redirect("console:station_detail", pk=pk)


@staff_required("registry.view")
def station_evidence(request, pk, item):
    """A 六有 evidence file, to whoever may open the station (404 outside that scope)."""
    from django.http import Http404

    from renda.core.uploads import media_response

    station = _station(request, pk)
    row = station.checklist.filter(item=item).exclude(evidence_file="").first()
    if row is None:
        raise Http404("没有佐证材料。")
    return media_response(row.evidence_file, public=False, filename=row.evidence_file.name.rsplit("/", 1)[-1])
