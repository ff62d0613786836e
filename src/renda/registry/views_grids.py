"""Console: 网格 and 进网格代表."""

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, staff_required
from renda.core.lists import Column, ListSpec, active_filter
from renda.registry import services as reg
from renda.registry.forms import DeputyPickForm, GridForm
from renda.registry.models import Grid
from renda.registry.views_base import (
    check_in_scope,
    form_page,
    list_page,
    membership_change,
    save_form,
    toggle_page,
)
from renda.registry.views_stations import area_filter

# --- 网格 --------------------------------------------------------------------------------------------------


def grid_spec(user) -> ListSpec:
    return ListSpec(
        title="网格",
        columns=[
            Column("网格编号", lambda g: g.code, link=True),
            Column("名称", lambda g: g.name, link=True),
            Column("所在村（社区）", lambda g: g.division.name),
            Column("范围说明", lambda g: g.description),
            Column("网格代表", lambda g: g.deputy_count),
            Column("状态", lambda g: g.is_active, badge=True),
        ],
        search_fields=["code", "name", "description"],
        search_hint="网格编号、名称或范围",
        filters=[area_filter(user), active_filter()],
        export_name="网格",
        detail_url="console:grid_detail",
        empty_text="没有符合条件的网格。",
    )


@staff_required("registry.view")
def grid_list(request):
    qs = (
        Grid.objects.select_related("division")
        .annotate(deputy_count=Count("memberships", filter=Q(memberships__left_on=None)))
        .order_by("code")
    )
    return list_page(request, qs, grid_spec(request.user), create_url="console:grid_create")


@staff_required("registry.view")
def grid_detail(request, pk):
    grid = get_scoped_or_404(Grid.objects.select_related("division"), request.user, pk=pk)
    memberships = grid.memberships.select_related("deputy").order_by("left_on", "deputy__number")
    return render(
        request,
        "registry/grid_detail.html",
        {"obj": grid, "memberships": memberships, "pick_form": DeputyPickForm(user=request.user, auto_id="pick_%s")},
    )


@staff_required("registry.manage")
def grid_create(request):
    form = GridForm(request.POST or None, user=request.user)
    if request.method == "POST":
        division = form.cleaned_data.get("division") if form.is_valid() else None
        if check_in_scope(form, "division", division, request.user) and (
            obj := save_form(form, lambda: reg.grid_create(actor=request.user, **form.cleaned_data))
        ):
            return redirect("console:grid_detail", pk=obj.pk)
    return form_page(request, form, title="新增网格", cancel_url=reverse("console:grid_list"))


@staff_required("registry.manage")
def grid_edit(request, pk):
    grid = get_scoped_or_404(Grid.objects.all(), request.user, pk=pk)
    form = GridForm(request.POST or None, instance=grid, user=request.user)
    if request.method == "POST":
        division = form.cleaned_data.get("division") if form.is_valid() else None
        if check_in_scope(form, "division", division, request.user) and save_form(
            form, lambda: reg.grid_update(actor=request.user, grid=grid, **form.cleaned_data)
        ):
            return redirect("console:grid_detail", pk=pk)
    cancel = reverse("console:grid_detail", args=[pk])
    return form_page(request, form, title=f"编辑网格：{grid.name}", cancel_url=cancel)


@require_POST
@staff_required("registry.manage")
def grid_toggle(request, pk):
    return toggle_page(request, Grid.objects.all(), pk, reg.grid_set_active, "网格")


@require_POST
@staff_required("registry.assign")
def grid_deputy_add(request, pk):
    membership_change(
        request,
        group=get_scoped_or_404(Grid.objects.all(), request.user, pk=pk),
        deputy_pk=None,
        service=reg.grid_assign_deputy,
        group_kw="grid",
        done="{name}已进网格。",
    )
    return redirect("console:grid_detail", pk=pk)


@require_POST
@staff_required("registry.assign")
def grid_deputy_remove(request, pk, deputy_pk):
    membership_change(
        request,
        group=get_scoped_or_404(Grid.objects.all(), request.user, pk=pk),
        deputy_pk=deputy_pk,
        service=reg.grid_remove_deputy,
        group_kw="grid",
        done="{name}已离开网格。",
    )
    return redirect("console:grid_detail", pk=pk)
