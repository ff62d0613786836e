"""Console: 承办单位."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, restrict, staff_required
from renda.core.lists import Column, ListSpec, active_filter, field_filter
from renda.handling.figures import unit_figures, year_period
from renda.registry import services as reg
from renda.registry.forms import AgencyForm
from renda.registry.models import Agency, AgencyKind, Congress
from renda.registry.views_base import check_in_scope, form_page, list_page, save_form, toggle_page


def agency_spec(user) -> ListSpec:
    return ListSpec(
        title="承办单位",
        columns=[
            Column("单位编号", lambda a: a.code, link=True),
            Column("名称", lambda a: a.name, link=True),
            Column("类型", lambda a: a.get_kind_display()),
            Column("对应人大", lambda a: a.congress.name),
            Column("上级单位", lambda a: a.parent.name if a.parent else ""),
            Column("联系人", lambda a: a.contact_name),
            Column("联系电话", lambda a: a.contact_phone),
            Column("状态", lambda a: a.is_active, badge=True),
        ],
        search_fields=["code", "name", "contact_name"],
        search_hint="单位编号、名称或联系人",
        filters=[
            field_filter("kind", "类型", AgencyKind.choices),
            field_filter(
                "congress",
                "对应人大",
                lambda: restrict(Congress.objects.all(), user).values_list("pk", "name"),
                "congress_id",
            ),
            active_filter(),
        ],
        export_name="承办单位",
        detail_url="console:agency_detail",
        empty_text="没有符合条件的承办单位。",
    )


@staff_required("registry.view")
def agency_list(request):
    qs = Agency.objects.select_related("congress", "parent")
    return list_page(request, qs, agency_spec(request.user), create_url="console:agency_create", import_kind="agencies")


@staff_required("registry.view")
def agency_detail(request, pk):
    agency = get_scoped_or_404(Agency.objects.select_related("congress", "parent"), request.user, pk=pk)
    children = restrict(agency.children.all(), request.user)
    figures = unit_figures(agency, year_period(timezone.localdate().year))
    return render(request, "registry/agency_detail.html", {"obj": agency, "children": children, "figures": figures})


def _agency_form_page(request, form, agency=None):
    if request.method == "POST":
        congress = form.cleaned_data.get("congress") if form.is_valid() else None
        ok = check_in_scope(form, "congress", congress, request.user)
        if agency is None:
            obj = ok and save_form(form, lambda: reg.agency_create(actor=request.user, **form.cleaned_data))
        else:
            obj = ok and save_form(
                form, lambda: reg.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
            )
        if obj:
            return redirect("console:agency_detail", pk=obj.pk)
    if agency is None:
        return form_page(request, form, title="新增承办单位", cancel_url=reverse("console:agency_list"))
    cancel = reverse("console:agency_detail", args=[agency.pk])
    return form_page(request, form, title=f"编辑承办单位：{agency.name}", cancel_url=cancel)


@staff_required("registry.manage")
def agency_create(request):
    return _agency_form_page(request, AgencyForm(request.POST or None, user=request.user))


@staff_required("registry.manage")
def agency_edit(request, pk):
    agency = get_scoped_or_404(Agency.objects.all(), request.user, pk=pk)
    return _agency_form_page(request, AgencyForm(request.POST or None, instance=agency, user=request.user), agency)


@require_POST
@staff_required("registry.manage")
def agency_toggle(request, pk):
    return toggle_page(request, Agency.objects.all(), pk, reg.agency_set_active, "承办单位")
