"""Console: 履职量化标准 (county standards), 年度活动计划 (station plans) and the 履职达标 compliance view."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from renda.activities import selectors, services
from renda.activities.forms import PlanForm, StandardForm
from renda.activities.models import ActivityKind, ActivityPlan, DutyStandard
from renda.core.access import get_scoped_or_404, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, run_list
from renda.core.xlsx import xlsx_response
from renda.registry.models import Station
from renda.registry.views_base import form_page, save_form

PLAN, STANDARD, COMPLIANCE = "activity.plan", "activity.standard", "activity.compliance"


def _year_filter() -> Filter:
    from renda.activities.views import _years

    return Filter("year", "年度", _years, lambda qs, v: qs.filter(year=int(v)))


# --- 履职量化标准 -------------------------------------------------------------------------------

STANDARD_SPEC = ListSpec(
    title="履职量化标准",
    columns=[
        Column("人大", lambda s: s.congress.name),
        Column("年度", lambda s: s.year),
        Column("每名代表接待选民日（天）", lambda s: s.min_reception_days),
        Column("每名代表参加活动（次）", lambda s: s.min_activities_per_deputy),
        Column("每个家站点开展活动（次）", lambda s: s.min_activities_per_station),
    ],
    search_fields=["congress__name"],
    search_hint="人大名称",
    filters=[_year_filter()],
    export_name="履职量化标准",
    empty_text="还没有设置履职量化标准。",
)


@require_safe
@staff_required(STANDARD)
def activity_standard_list(request: HttpRequest) -> HttpResponse:
    qs = restrict(DutyStandard.objects.select_related("congress"), request.user).order_by(
        "-year", "congress__division__path"
    )
    result = run_list(request, qs, STANDARD_SPEC)
    if isinstance(result, HttpResponse):
        return result
    result["rows"] = [
        (obj, cells, {"edit": reverse("console:activity_standard_edit", args=[obj.pk])}) for obj, cells in result["rows"]
    ]
    ctx = {**result, "create_url": reverse("console:activity_standard_create"), "create_label": "设置标准"}
    return render(request, "suggestions/config/list.html", ctx)


def _standard_page(request: HttpRequest, initial: dict, title: str) -> HttpResponse:
    form = StandardForm(request.POST or None, initial=initial, user=request.user)
    save = lambda: services.standard_save(actor=request.user, **form.cleaned_data)  # noqa: E731
    if request.method == "POST" and save_form(form, save):
        messages.success(request, "已保存履职量化标准。")
        return redirect("console:activity_standard_list")
    return form_page(request, form, title=title, cancel_url=reverse("console:activity_standard_list"))


@require_http_methods(["GET", "POST"])
@staff_required(STANDARD)
def activity_standard_create(request: HttpRequest) -> HttpResponse:
    initial = {"year": selectors.default_year(), "min_reception_days": 2, "min_activities_per_deputy": 4,
               "min_activities_per_station": 12}  # fmt: skip
    return _standard_page(request, initial, "设置履职量化标准")


@require_http_methods(["GET", "POST"])
@staff_required(STANDARD)
def activity_standard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    s = get_scoped_or_404(DutyStandard.objects.select_related("congress"), request.user, pk=pk)
    initial = {"congress": s.congress_id, "year": s.year, "min_reception_days": s.min_reception_days,
               "min_activities_per_deputy": s.min_activities_per_deputy,
               "min_activities_per_station": s.min_activities_per_station}  # fmt: skip
    return _standard_page(request, initial, f"修改履职量化标准：{s}")


# --- 年度活动计划 -------------------------------------------------------------------------------


def plan_spec(user) -> ListSpec:
    from renda.activities.views import _station_choices
    from renda.core.lists import field_filter

    filters = [_year_filter(), field_filter("kind", "类型", ActivityKind.choices)]
    if user.role != "station_staff":
        filters.append(field_filter("station", "家站点", _station_choices(user), "station_id"))
    return ListSpec(
        title="年度活动计划",
        columns=[
            Column("家站点", lambda p: p.station.name),
            Column("年度", lambda p: p.year),
            Column("活动类型", lambda p: p.get_kind_display()),
            Column("计划次数", lambda p: p.planned),
            Column("说明", lambda p: p.note),
        ],
        search_fields=["station__name", "station__code", "note"],
        search_hint="家站点名称或编号",
        filters=filters,
        export_name="年度活动计划",
        empty_text="还没有制定年度活动计划。",
    )


@require_safe
@staff_required(PLAN)
def activity_plan_list(request: HttpRequest) -> HttpResponse:
    qs = restrict(ActivityPlan.objects.select_related("station"), request.user).order_by(
        "-year", "station__code", "kind"
    )
    result = run_list(request, qs, plan_spec(request.user))
    if isinstance(result, HttpResponse):
        return result
    edit = reverse("console:activity_plan_edit")
    result["rows"] = [
        (obj, cells, {"edit": f"{edit}?station={obj.station_id}&year={obj.year}"}) for obj, cells in result["rows"]
    ]
    ctx = {**result, "create_url": edit, "create_label": "制定/修改计划"}
    return render(request, "suggestions/config/list.html", ctx)


@require_http_methods(["GET", "POST"])
@staff_required(PLAN)
def activity_plan_edit(request: HttpRequest) -> HttpResponse:
    initial: dict = {"year": selectors.default_year()}
    station_id, year = request.GET.get("station", ""), request.GET.get("year", "")
    if station_id.isdigit():
        station = get_scoped_or_404(Station.objects.all(), request.user, pk=int(station_id))
        initial["station"] = station.pk
        if year.isdigit():
            initial["year"] = int(year)
        for p in ActivityPlan.objects.filter(station=station, year=initial["year"]):
            initial[f"kind_{p.kind}"] = p.planned
            initial["note"] = p.note
    form = PlanForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST":
        save = lambda: services.plan_save(  # noqa: E731
            actor=request.user,
            station=form.cleaned_data["station"],
            year=form.cleaned_data["year"],
            counts=form.counts(),
            note=form.cleaned_data["note"],
        )
        total = save_form(form, save)
        if total is not None:
            messages.success(request, f"已保存年度活动计划，共计划 {total} 次活动。")
            return redirect("console:activity_plan_list")
    return form_page(request, form, title="年度活动计划", cancel_url=reverse("console:activity_plan_list"))


# --- 履职达标 -----------------------------------------------------------------------------------


def _int(value: str, default: int) -> int:
    return int(value) if value.isdigit() else default


@require_safe
@staff_required(COMPLIANCE)
def activity_compliance(request: HttpRequest) -> HttpResponse:
    user = request.user
    congresses = list(selectors.standard_congresses(user))
    if not congresses:
        return render(request, "activities/compliance.html", {"no_congress": True})
    chosen = _int(request.GET.get("congress", ""), 0)
    congress = next((c for c in congresses if c.pk == chosen), None)
    if congress is None:  # default: the lowest (county) congress in scope
        congress = max(congresses, key=lambda c: (c.division.depth, -c.pk))
    year = _int(request.GET.get("year", ""), selectors.default_year())
    if not 2000 <= year <= 2100:
        raise Http404("年度不正确。")
    stations = list(
        restrict(Station.objects.filter(is_active=True), user)
        .filter(selectors.subtree_q(congress.division.path, prefix="division__"))
        .order_by("code")
        .values_list("pk", "name")
    )
    station_id = _int(request.GET.get("station", ""), 0)
    station = Station.objects.filter(pk=station_id).first() if station_id in {pk for pk, _ in stations} else None
    q = request.GET.get("q", "").strip()[:50]
    data = selectors.compliance(user, congress=congress, year=year, station=station, q=q)
    export = request.GET.get("format") == "xlsx"
    if export and request.GET.get("table") == "stations":
        headers = ["家站点编号", "家站点", "计划次数", "标准次数", "年度目标", "按进度应完成", "已开展", "差额", "是否落后"]
        rows = ([r.code, r.name, r.planned, data.standard.min_activities_per_station if data.standard else "", r.target,
                 r.expected, r.held, r.gap, "落后" if r.behind else ""] for r in data.stations)  # fmt: skip
        return xlsx_response(f"家站点活动达标_{congress.name}_{year}.xlsx", headers, rows)
    if export:
        headers = ["代表编号", "代表", "家站点", "参加活动（次）", "活动差额", "接待选民日（天）", "接待差额", "合计差额",
                   "是否落后"]  # fmt: skip
        rows = ([r.number, r.name, r.station, r.attended, r.gap_activities,
                 r.reception if r.reception is not None else "—", r.gap_reception, r.gap,
                 "落后" if r.behind else ""] for r in data.deputies)  # fmt: skip
        return xlsx_response(f"代表履职达标_{congress.name}_{year}.xlsx", headers, rows)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    params.pop("table", None)
    keep = params.urlencode()
    page = Paginator(data.deputies, 30).get_page(request.GET.get("page"))
    ctx = {
        "data": data,
        "congresses": congresses,
        "congress": congress,
        "year": year,
        "years": [y for y in range(selectors.default_year() + 1, selectors.default_year() - 5, -1)],
        "stations": stations,
        "station": station,
        "q": q,
        "page": page,
        "keep_query": keep,
        "percent": round(data.fraction * 100),
        "station_planned_total": sum(r.planned for r in data.stations),
        "station_held_total": sum(r.held for r in data.stations),
    }
    return render(request, "activities/compliance.html", ctx)

