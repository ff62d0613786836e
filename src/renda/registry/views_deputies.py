"""Console: 代表 and 代表资格."""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, active_filter
from renda.core.masking import id_number_for, phone_for
from renda.registry import services as reg
from renda.registry.forms import (
    DeputyCreateForm,
    DeputyForm,
    MandateForm,
    MandateStatusForm,
    scoped_divisions,
)
from renda.registry.models import CongressLevel, Deputy, Division, Mandate, MandateStatus, Station, StationDeputy
from renda.registry.selectors import active_mandates_prefetch, current_stations_prefetch, subtree_q
from renda.registry.views_base import check_in_scope, form_page, list_page, save_form, toggle_page


def _mandates_text(deputy) -> str:
    return "、".join(f"{m.congress.name}第{m.term.number}届" for m in deputy.active_mandates)


def _stations_text(deputy) -> str:
    return "、".join(m.station.name for m in deputy.current_memberships)


def _by_level(qs, value):
    active = Mandate.objects.filter(deputy=OuterRef("pk"), congress__level=value, status=MandateStatus.ACTIVE)
    return qs.filter(Exists(active))


def _by_division(qs, value):
    division = Division.objects.filter(pk=value).first()
    if division is None:
        return qs.none()
    in_congress = Mandate.objects.filter(deputy=OuterRef("pk")).filter(
        subtree_q(division.path, prefix="congress__division__")
        | subtree_q(division.path, prefix="constituency_division__")
    )
    in_station = StationDeputy.objects.filter(deputy=OuterRef("pk"), left_on=None).filter(
        subtree_q(division.path, prefix="station__division__")
    )
    return qs.filter(Q(Exists(in_congress)) | Q(Exists(in_station)))


def _by_station(qs, value):
    return qs.filter(Exists(StationDeputy.objects.filter(deputy=OuterRef("pk"), station_id=value, left_on=None)))


def area_choices(user):
    return lambda: scoped_divisions(user, "county", "township").values_list("pk", "name")


def deputy_spec(user) -> ListSpec:
    return ListSpec(
        title="代表",
        columns=[
            Column("代表编号", lambda d: d.number, link=True),
            Column("姓名", lambda d: d.name, link=True),
            Column("性别", lambda d: d.get_gender_display()),
            Column("工作单位及职务", lambda d: d.position),
            Column("现任代表资格", _mandates_text),
            Column("所在家站点", _stations_text),
            Column("手机号", lambda d: phone_for(user, d.phone)),
            Column("状态", lambda d: d.is_active, badge=True),
        ],
        search_fields=["name", "number", "position"],
        search_hint="姓名、编号或单位",
        filters=[
            Filter("level", "代表层级", CongressLevel.choices, _by_level),
            Filter("division", "所在区域", area_choices(user), _by_division),
            Filter(
                "station",
                "家站点",
                lambda: restrict(Station.objects.all(), user).values_list("pk", "name"),
                _by_station,
            ),
            active_filter(),
        ],
        export_name="代表名册",
        detail_url="console:deputy_detail",
        empty_text="没有符合条件的代表。",
    )


@staff_required("registry.view")
def deputy_list(request):
    qs = Deputy.objects.prefetch_related(active_mandates_prefetch(), current_stations_prefetch())
    return list_page(request, qs, deputy_spec(request.user), create_url="console:deputy_create", import_kind="deputies")


@staff_required("registry.view")
def deputy_detail(request, pk):
    user = request.user
    deputy = get_scoped_or_404(Deputy.objects.all(), user, pk=pk)
    mandates = deputy.mandates.select_related("congress", "term", "constituency_division").order_by(
        "status", "congress__division__depth", "-started_on"
    )
    editable = set(restrict(deputy.mandates.all(), user).values_list("pk", flat=True))
    context = {
        "obj": deputy,
        "phone": phone_for(user, deputy.phone),
        "id_number": id_number_for(user, deputy.id_number),
        "mandates": mandates,
        "editable_mandates": editable,
        "stations": deputy.station_memberships.select_related("station").order_by("left_on", "-joined_on"),
        "grids": deputy.grid_memberships.select_related("grid").order_by("left_on", "-joined_on"),
    }
    return render(request, "registry/deputy_detail.html", context)


@staff_required("registry.manage")
def deputy_create(request):
    form = DeputyCreateForm(request.POST or None, request.FILES or None, user=request.user)

    def save():
        with transaction.atomic():
            deputy = reg.deputy_create(actor=request.user, **form.service_fields())
            reg.mandate_create(actor=request.user, deputy=deputy, **form.mandate_fields())
        return deputy

    if request.method == "POST":
        term = form.cleaned_data.get("term") if form.is_valid() else None
        if check_in_scope(form, "term", term and term.congress, request.user) and (deputy := save_form(form, save)):
            return redirect("console:deputy_detail", pk=deputy.pk)
    return form_page(request, form, title="新增代表", cancel_url=reverse("console:deputy_list"), multipart=True)


@staff_required("registry.manage")
def deputy_edit(request, pk):
    deputy = get_scoped_or_404(Deputy.objects.all(), request.user, pk=pk)
    form = DeputyForm(request.POST or None, request.FILES or None, instance=deputy, user=request.user)
    if request.method == "POST" and save_form(
        form, lambda: reg.deputy_update(actor=request.user, deputy=deputy, **form.service_fields())
    ):
        return redirect("console:deputy_detail", pk=pk)
    cancel = reverse("console:deputy_detail", args=[pk])
    return form_page(request, form, title=f"编辑代表：{deputy.name}", cancel_url=cancel, multipart=True)


@require_POST
@staff_required("registry.manage")
def deputy_toggle(request, pk):
    return toggle_page(request, Deputy.objects.all(), pk, reg.deputy_set_active, "代表")


@staff_required("registry.manage")
def mandate_create(request, pk):
    deputy = get_scoped_or_404(Deputy.objects.all(), request.user, pk=pk)
    form = MandateForm(request.POST or None, user=request.user)
    if request.method == "POST":
        term = form.cleaned_data.get("term") if form.is_valid() else None
        if check_in_scope(form, "term", term and term.congress, request.user) and save_form(
            form, lambda: reg.mandate_create(actor=request.user, deputy=deputy, **form.cleaned_data)
        ):
            return redirect("console:deputy_detail", pk=pk)
    cancel = reverse("console:deputy_detail", args=[pk])
    return form_page(request, form, title=f"新增代表资格：{deputy.name}", cancel_url=cancel)


@staff_required("registry.manage")
def mandate_status(request, pk):
    mandate = get_scoped_or_404(Mandate.objects.select_related("deputy", "term__congress"), request.user, pk=pk)
    form = MandateStatusForm(request.POST or None)
    if request.method == "POST" and save_form(
        form,
        lambda: reg.mandate_change_status(
            actor=request.user,
            mandate=mandate,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["on"],
        ),
    ):
        return redirect("console:deputy_detail", pk=mandate.deputy_id)
    title = f"变更代表资格状态：{mandate.deputy.name} · {mandate.term}（当前：{mandate.get_status_display()}）"
    return form_page(request, form, title=title, cancel_url=reverse("console:deputy_detail", args=[mandate.deputy_id]))
