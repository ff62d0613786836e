"""Console: 行政区划, 人大 and 届次."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, restrict, staff_required
from renda.core.lists import Column, ListSpec, active_filter, field_filter
from renda.registry import services as reg
from renda.registry.forms import (
    CongressEditForm,
    CongressForm,
    DivisionCreateForm,
    DivisionEditForm,
    TermForm,
    scoped_divisions,
)
from renda.registry.models import Congress, CongressLevel, Division, DivisionLevel
from renda.registry.views_base import check_in_scope, form_page, list_page, save_form, toggle_page


def _yes(obj) -> bool:
    return obj.is_active


def _parent_choices(user):
    return lambda: scoped_divisions(user).exclude(level=DivisionLevel.VILLAGE).values_list("pk", "name")


# --- 行政区划 ---------------------------------------------------------------------------------------------


def division_spec(user) -> ListSpec:
    return ListSpec(
        title="行政区划",
        columns=[
            Column("区划代码", lambda d: d.code, link=True),
            Column("名称", lambda d: d.name, link=True),
            Column("层级", lambda d: d.get_level_display()),
            Column("上级区划", lambda d: d.parent.name if d.parent else ""),
            Column("状态", _yes, badge=True),
        ],
        search_fields=["code", "name"],
        search_hint="区划代码或名称",
        filters=[
            field_filter("level", "层级", DivisionLevel.choices),
            field_filter("parent", "上级区划", _parent_choices(user), "parent_id"),
            active_filter(),
        ],
        export_name="行政区划",
        detail_url="console:division_detail",
        empty_text="没有符合条件的行政区划。",
    )


@staff_required("registry.view")
def division_list(request):
    qs = Division.objects.select_related("parent")
    return list_page(request, qs, division_spec(request.user), create_url="console:division_create")


@staff_required("registry.view")
def division_detail(request, pk):
    division = get_scoped_or_404(Division.objects.select_related("parent"), request.user, pk=pk)
    children = restrict(division.children.all(), request.user)
    stations = restrict(division.stations.all(), request.user)
    congress = Congress.objects.filter(division=division).first()
    return render(
        request,
        "registry/division_detail.html",
        {"obj": division, "children": children, "stations": stations, "congress": congress},
    )


@staff_required("registry.manage")
def division_create(request):
    form = DivisionCreateForm(request.POST or None, user=request.user, initial={"parent": request.GET.get("parent")})
    if request.method == "POST":
        parent = form.cleaned_data.get("parent") if form.is_valid() else None
        if check_in_scope(form, "parent", parent, request.user) and (
            obj := save_form(form, lambda: reg.division_create(actor=request.user, **form.cleaned_data))
        ):
            return redirect("console:division_detail", pk=obj.pk)
    return form_page(request, form, title="新增行政区划", cancel_url=reverse("console:division_list"))


@staff_required("registry.manage")
def division_edit(request, pk):
    division = get_scoped_or_404(Division.objects.all(), request.user, pk=pk)
    form = DivisionEditForm(request.POST or None, instance=division, user=request.user)
    if request.method == "POST" and save_form(
        form, lambda: reg.division_update(actor=request.user, division=division, **form.cleaned_data)
    ):
        return redirect("console:division_detail", pk=pk)
    return form_page(
        request, form, title=f"编辑行政区划：{division.name}", cancel_url=reverse("console:division_detail", args=[pk])
    )


@require_POST
@staff_required("registry.manage")
def division_toggle(request, pk):
    return toggle_page(request, Division.objects.all(), pk, reg.division_set_active, "行政区划")


# --- 人大与届次 --------------------------------------------------------------------------------------------


def congress_spec(user) -> ListSpec:
    return ListSpec(
        title="人大与届次",
        columns=[
            Column("名称", lambda c: c.name, link=True),
            Column("层级", lambda c: c.get_level_display()),
            Column("行政区划", lambda c: c.division.name),
            Column("状态", _yes, badge=True),
        ],
        search_fields=["name", "division__name"],
        search_hint="名称或区划",
        filters=[field_filter("level", "层级", CongressLevel.choices), active_filter()],
        export_name="人大",
        detail_url="console:congress_detail",
        empty_text="没有符合条件的人大。",
    )


@staff_required("registry.view")
def congress_list(request):
    qs = Congress.objects.select_related("division")
    return list_page(request, qs, congress_spec(request.user), create_url="console:congress_create")


@staff_required("registry.view")
def congress_detail(request, pk):
    congress = get_scoped_or_404(Congress.objects.select_related("division"), request.user, pk=pk)
    terms = congress.terms.all()
    agencies = restrict(congress.agencies.all(), request.user)
    return render(request, "registry/congress_detail.html", {"obj": congress, "terms": terms, "agencies": agencies})


@staff_required("registry.manage")
def congress_create(request):
    form = CongressForm(request.POST or None, user=request.user)
    if request.method == "POST":
        division = form.cleaned_data.get("division") if form.is_valid() else None
        if check_in_scope(form, "division", division, request.user) and (
            obj := save_form(form, lambda: reg.congress_create(actor=request.user, **form.cleaned_data))
        ):
            return redirect("console:congress_detail", pk=obj.pk)
    return form_page(request, form, title="新增人大", cancel_url=reverse("console:congress_list"))


@staff_required("registry.manage")
def congress_edit(request, pk):
    congress = get_scoped_or_404(Congress.objects.all(), request.user, pk=pk)
    form = CongressEditForm(request.POST or None, instance=congress, user=request.user)
    if request.method == "POST" and save_form(
        form, lambda: reg.congress_update(actor=request.user, congress=congress, **form.cleaned_data)
    ):
        return redirect("console:congress_detail", pk=pk)
    return form_page(
        request, form, title=f"编辑人大：{congress.name}", cancel_url=reverse("console:congress_detail", args=[pk])
    )


@require_POST
@staff_required("registry.manage")
def congress_toggle(request, pk):
    return toggle_page(request, Congress.objects.all(), pk, reg.congress_set_active, "人大")


@staff_required("registry.manage")
def term_create(request, pk):
    congress = get_scoped_or_404(Congress.objects.all(), request.user, pk=pk)
    form = TermForm(request.POST or None, user=request.user)
    if request.method == "POST" and save_form(
        form, lambda: reg.term_create(actor=request.user, congress=congress, **form.cleaned_data)
    ):
        return redirect("console:congress_detail", pk=pk)
    return form_page(
        request, form, title=f"新增届次：{congress.name}", cancel_url=reverse("console:congress_detail", args=[pk])
    )
