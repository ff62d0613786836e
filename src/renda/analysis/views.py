"""Console pages of 研判: 答复质量 (flagged replies), 民意趋势 (chart), 月度分析 (page, PDF, xlsx)."""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.analysis import monthly, report, selectors
from renda.analysis.models import Flag, ReplyCheck
from renda.analysis.services import month_start, previous_month
from renda.analysis.tasks import generate_monthly_report
from renda.core.access import has_perm, is_admin, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, run_list
from renda.registry.models import Agency, Congress, Division, DivisionLevel


def _flags_text(c: ReplyCheck) -> str:
    return "、".join(c.flag_labels) or "无"


def quality_spec(user) -> ListSpec:
    flag_choices = [*Flag.choices, ("none", "未发现问题")]

    def by_flag(qs, v):
        return qs.filter(flagged=False) if v == "none" else qs.filter(**{v: True})

    return ListSpec(
        title="答复质量",
        columns=[
            Column("查询码", lambda c: getattr(getattr(c.case, "opinion", None), "tracking_code", "")),
            Column("事项", lambda c: c.case.title),
            Column("答复单位", lambda c: c.agency.name if c.agency else c.reply.author_label),
            Column("答复时间", lambda c: timezone.localtime(c.replied_at).strftime("%Y-%m-%d %H:%M")),
            Column("用时（工作日）", lambda c: c.working_days),
            Column("问题", _flags_text),
            Column("未回应的要点", lambda c: "；".join(c.missed) if c.missed_points else ""),
            Column("实质字数", lambda c: c.substance_chars),
            Column("质量分", lambda c: c.score),
        ],
        search_fields=["case__title", "agency__name", "case__opinion__tracking_code"],
        search_hint="事项标题、单位或查询码",
        filters=[
            Filter("flag", "问题", flag_choices, by_flag),
            Filter(
                "agency",
                "答复单位",
                lambda: restrict(Agency.objects.all(), user).values_list("pk", "name"),
                lambda qs, v: qs.filter(agency_id=int(v)),
            ),
        ],
        export_name="答复质量",
        empty_text="还没有检查过的承办单位答复。",
    )


@staff_required("analysis.view")
def quality(request: HttpRequest) -> HttpResponse:
    qs = selectors.reply_checks(request.user)
    summary = selectors.check_summary(qs)
    result = run_list(request, qs.order_by("-flagged", "-replied_at", "-pk"), quality_spec(request.user))
    if isinstance(result, HttpResponse):
        return result
    return render(request, "analysis/quality.html", {**result, "summary": summary})


def _counties(user) -> list[Division]:
    return list(
        restrict(Division.objects.defer("boundary"), user)
        .filter(level__in=(DivisionLevel.COUNTY, DivisionLevel.CITY))
        .order_by("code")[:200]
    )


@staff_required("analysis.view")
def trends(request: HttpRequest) -> HttpResponse:
    unit = request.GET.get("unit") if request.GET.get("unit") in dict(selectors.UNITS) else "month"
    counties = _counties(request.user)
    division = next((d for d in counties if d.code == request.GET.get("division", "")), None)
    data = selectors.trends(request.user, division=division, unit=unit)
    return render(
        request,
        "analysis/trends.html",
        {"data": data, "unit": unit, "units": selectors.UNITS, "counties": counties, "division": division},
    )


# --- 月度分析 -----------------------------------------------------------------------------------


def _month(request: HttpRequest) -> datetime.date:
    try:
        day = datetime.date.fromisoformat((request.GET.get("month") or request.POST.get("month") or "") + "-01")
    except ValueError:
        return previous_month(timezone.localdate())
    return min(month_start(day), month_start(timezone.localdate()))


def _congresses(user) -> list[Congress]:
    if is_admin(user):
        return list(Congress.objects.select_related("division").order_by("division__path")[:200])
    if user.congress_id:
        return list(restrict(Congress.objects.select_related("division"), user).order_by("division__path")[:200])
    return []


def _target(request: HttpRequest):
    """(congress, station) the page is about: a congress for congress staff, the station for station staff."""
    user = request.user
    congresses = _congresses(user)
    if congresses:
        wanted = request.GET.get("congress") or request.POST.get("congress") or ""
        chosen = next((c for c in congresses if str(c.pk) == wanted), None)
        if chosen is None:
            chosen = next((c for c in congresses if c.pk == user.congress_id), congresses[0])
        return chosen, None, congresses
    if user.station_id:
        return None, user.station, []
    raise PermissionDenied("您的账号没有可分析的范围。")


def _data(request: HttpRequest, month: datetime.date):
    congress, station, congresses = _target(request)
    if congress is not None:
        stored = selectors.monthly_reports(request.user).filter(congress=congress, month=month).first()
        return congress, station, congresses, stored, (stored.data if stored else None)
    return None, station, [], None, monthly.build(station=station, month=month)


@staff_required("analysis.view")
def monthly_page(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    congress, station, congresses, stored, data = _data(request, month)
    today = timezone.localdate()
    months = []
    day = month_start(today)
    for _ in range(12):
        months.append(day)
        day = previous_month(day)
    return render(
        request,
        "analysis/monthly.html",
        {
            "month": month,
            "months": months,
            "congress": congress,
            "congresses": congresses,
            "station": station,
            "report": stored,
            "data": data,
            "sections": report.sections(data) if data else [],
            "can_generate": congress is not None and has_perm(request.user, "analysis.manage"),
            "query": f"month={month:%Y-%m}" + (f"&congress={congress.pk}" if congress else ""),
        },
    )


@require_POST
@staff_required("analysis.manage")
def monthly_generate(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    congress, _, _ = _target(request)
    if congress is None:
        raise PermissionDenied("您没有生成月度分析的权限。")
    generate_monthly_report.enqueue(request.user.pk, congress.pk, month.isoformat())
    messages.success(request, f"已开始生成{congress.name}{month.year}年{month.month}月的分析，完成后刷新本页即可查看。")
    return redirect(reverse("console:analysis_monthly") + f"?month={month:%Y-%m}&congress={congress.pk}")


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    month = _month(request)
    _, _, _, _, data = _data(request, month)
    if not data:
        raise Http404("该月的分析尚未生成。")
    name = f"{data['title']}.{kind}"
    if kind == "pdf":
        response = HttpResponse(report.report_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            report.report_xlsx(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@staff_required("analysis.view")
def monthly_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@staff_required("analysis.view")
def monthly_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")
