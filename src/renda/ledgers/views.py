"""Console: station management — the 六有 overview, the ledgers (printable and .xlsx) and their configuration."""

from dataclasses import replace
from io import BytesIO
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from openpyxl import Workbook

from renda.core.access import get_scoped_or_404, has_perm, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, apply_spec, field_filter, run_list
from renda.core.xlsx import XLSX_MIME, _cell, xlsx_response
from renda.ledgers import services
from renda.ledgers.models import LedgerSet
from renda.ledgers.registry import LEDGERS, all_ledgers, enabled_ledgers, ledger_set_for, safe_rows
from renda.registry.models import ChecklistItem, Congress, Station, StationChecklist, StationKind
from renda.registry.views_base import list_page
from renda.registry.views_stations import area_filter

FIRST_YEAR = 2000
MET, SHORT, MISSING = "✓", "✗", "未填"


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except (TypeError, ValueError):
        return this_year
    return year if FIRST_YEAR <= year <= this_year + 1 else this_year


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


def _station(request, pk: int) -> Station:
    return get_scoped_or_404(Station.objects.select_related("division"), request.user, pk=pk)


# ---- the ledgers --------------------------------------------------------------------------------


def ledger_station_spec(user) -> ListSpec:
    return ListSpec(
        title="工作台账",
        columns=[
            Column("编号", lambda s: s.code, link=True),
            Column("家站点", lambda s: s.name, link=True),
            Column("类型", lambda s: s.get_kind_display()),
            Column("所在区划", lambda s: s.division.name),
            Column("进站代表", lambda s: s.deputy_count),
        ],
        search_fields=["name", "code", "address"],
        search_hint="家站点名称、编号或地址",
        filters=[field_filter("kind", "类型", StationKind.choices), area_filter(user)],
        export_name="家站点台账目录",
        detail_url="console:ledger_station",
        empty_text="没有符合条件的家站点。",
    )


@staff_required("ledgers.view")
def station_list(request):
    qs = (
        Station.objects.filter(is_active=True)
        .select_related("division")
        .annotate(deputy_count=Count("memberships", filter=Q(memberships__left_on=None)))
        .order_by("code")
    )
    return list_page(request, qs, ledger_station_spec(request.user))


@staff_required("ledgers.view")
def station_index(request, pk: int):
    """一册两本三簿: the station's ledgers for one year, each with its row count."""
    station = _station(request, pk)
    year = _year(request)
    entries = []
    for ledger in enabled_ledgers(station):
        result = safe_rows(ledger, station, year)
        entries.append({"ledger": ledger, "count": None if result is None else len(result[1])})
    ledger_set = ledger_set_for(station)
    return render(
        request,
        "ledgers/index.html",
        {
            "station": station,
            "year": year,
            "years": _years(),
            "entries": entries,
            "ledger_set": ledger_set,
            "can_configure": has_perm(request.user, "ledgers.configure"),
        },
    )


def _ledger(station: Station, key: str):
    ledger = LEDGERS.get(key)
    if ledger is None or ledger not in enabled_ledgers(station):
        raise Http404("没有这种台账，或本家站点未启用。")
    return ledger


def _filename(station: Station, year: int, title: str) -> str:
    return f"{station.name}-{year}年-{title}.xlsx"


@staff_required("ledgers.view")
def ledger_page(request, pk: int, key: str):
    """One ledger as a printable page, or ``?format=xlsx``."""
    station = _station(request, pk)
    year = _year(request)
    ledger = _ledger(station, key)
    result = safe_rows(ledger, station, year)
    if request.GET.get("format") == "xlsx":
        if result is None:
            raise Http404("该台账暂时无法生成。")
        return xlsx_response(_filename(station, year, ledger.title), result[0], result[1])
    sections = [{"ledger": ledger, "headers": result[0] if result else [], "rows": result[1] if result else [],
                 "failed": result is None}]  # fmt: skip
    return render(request, "ledgers/print.html", {"station": station, "year": year, "sections": sections,
                                                  "title": ledger.title, "key": key})  # fmt: skip


@staff_required("ledgers.view")
def ledger_book(request, pk: int):
    """All the station's ledgers of the year: one printable page, or one workbook with a sheet per ledger."""
    station = _station(request, pk)
    year = _year(request)
    sections = []
    for ledger in enabled_ledgers(station):
        result = safe_rows(ledger, station, year)
        sections.append({"ledger": ledger, "headers": result[0] if result else [], "rows": result[1] if result else [],
                         "failed": result is None})  # fmt: skip
    if request.GET.get("format") == "xlsx":
        wb = Workbook(write_only=True)
        for section in sections:
            ws = wb.create_sheet(section["ledger"].title[:31])
            if section["failed"]:
                ws.append(["该台账暂时无法生成"])
                continue
            ws.append(list(section["headers"]))
            for row in section["rows"]:
                ws.append([_cell(v) for v in row])
        if not sections:
            wb.create_sheet("台账")
        buf = BytesIO()
        wb.save(buf)
        response = HttpResponse(buf.getvalue(), content_type=XLSX_MIME)
        name = _filename(station, year, "一册两本三簿")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    return render(request, "ledgers/print.html", {"station": station, "year": year, "sections": sections,
                                                  "title": "一册两本三簿", "key": ""})  # fmt: skip


@staff_required("ledgers.configure")
def ledger_config(request):
    """Which ledgers the stations of a congress keep (default: all)."""
    congresses = list(restrict(Congress.objects.filter(is_active=True), request.user).select_related("division"))
    congress = next((c for c in congresses if str(c.pk) == request.GET.get("congress", request.POST.get("congress", ""))),
                    congresses[0] if congresses else None)  # fmt: skip
    if congress is None:
        raise Http404("您的管辖范围内没有人大。")
    current = LedgerSet.objects.filter(congress=congress).first()
    if request.method == "POST":
        if request.POST.get("reset") == "1":
            if current:
                services.ledger_set_reset(actor=request.user, ledger_set=current)
            messages.success(request, f"{congress.name}的家站点恢复为保存全部台账。")
            return redirect(f"{request.path}?congress={congress.pk}")
        try:
            services.ledger_set_save(actor=request.user, congress=congress, keys=request.POST.getlist("keys"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已保存{congress.name}家站点的台账设置。")
            return redirect(f"{request.path}?congress={congress.pk}")
    chosen = current.keys if current else [ledger.key for ledger in all_ledgers()]
    return render(
        request,
        "ledgers/config.html",
        {
            "congresses": congresses,
            "congress": congress,
            "current": current,
            "ledgers": [{"ledger": ledger, "on": ledger.key in chosen} for ledger in all_ledgers()],
        },
    )


# ---- 六有 overview -------------------------------------------------------------------------------


def _item_cell(item: str):
    def value(station: Station) -> str:
        row = station.checklist_by_item.get(item)
        if row is None:
            return MISSING
        return MET if row.met else SHORT

    return value


def _short_filter(qs, value):
    return (
        qs.filter(met_count__lt=len(ChecklistItem.values))
        if value == "1"
        else qs.filter(met_count__gte=len(ChecklistItem.values))
    )


def checklist_spec(user) -> ListSpec:
    return ListSpec(
        title="六有建设",
        columns=[
            Column("编号", lambda s: s.code),
            Column("家站点", lambda s: s.name, link=True),
            Column("所在区划", lambda s: s.division.name),
            *[Column(label, _item_cell(item)) for item, label in ChecklistItem.choices],
            Column("达标项", lambda s: f"{s.met_count}/{len(ChecklistItem.values)}"),
        ],
        search_fields=["name", "code"],
        search_hint="家站点名称或编号",
        filters=[
            area_filter(user),
            Filter("short", "达标情况", (("1", "未全部达标"), ("0", "六有全部达标")), _short_filter),
            field_filter("kind", "类型", StationKind.choices),
        ],
        export_name="六有建设情况",
        detail_url="console:station_detail",
        empty_text="没有符合条件的家站点。",
    )


@staff_required("ledgers.view")
def checklist_overview(request):
    """Per area: stations × the six items, which fall short, with evidence on the station page."""
    spec = checklist_spec(request.user)
    base = restrict(
        Station.objects.filter(is_active=True)
        .select_related("division")
        .annotate(met_count=Count("checklist", filter=Q(checklist__met=True)))
        .order_by("met_count", "code"),
        request.user,
    )
    qs = base.prefetch_related(Prefetch("checklist", queryset=StationChecklist.objects.all(), to_attr="checklist_rows"))
    original_values = [c.value for c in spec.columns]

    def attach(station: Station) -> Station:
        if not hasattr(station, "checklist_by_item"):
            station.checklist_by_item = {row.item: row for row in getattr(station, "checklist_rows", [])}
        return station

    for col, value in zip(spec.columns, original_values, strict=True):
        col.value = (lambda v: lambda s: v(attach(s)))(value)
    result = run_list(request, qs, spec)
    if not isinstance(result, dict):
        return result
    # The summary counts the searched / area / kind selection, whatever the 达标情况 filter shows.
    summary_spec = replace(spec, filters=[f for f in spec.filters if f.name != "short"])
    filtered, _q, _states = apply_spec(request, base, summary_spec)
    stations = filtered.count()
    full = filtered.filter(met_count__gte=len(ChecklistItem.values)).count()
    met = dict(
        StationChecklist.objects.filter(station__in=filtered.values("pk"), met=True)
        .values_list("item")
        .annotate(n=Count("id"))
        .values_list("item", "n")
    )
    result["summary"] = {
        "stations": stations,
        "full": full,
        "short": stations - full,
        "items": [(label, stations - met.get(item, 0)) for item, label in ChecklistItem.choices],
    }
    return render(request, "ledgers/checklist.html", result)
