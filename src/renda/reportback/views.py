"""Console: 述职评议 — meetings, reports, paper tallies and the compliance view."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, has_perm, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, field_filter, run_list
from renda.core.masking import phone_for
from renda.core.xlsx import xlsx_response
from renda.registry.views_base import apply_errors, form_errors_text, form_page, run_service
from renda.reportback import services
from renda.reportback.forms import MeetingForm, ReportForm, TallyForm
from renda.reportback.models import MEETING_TRANSITIONS, DeputyReport, MeetingStatus, PaperTally, ReportMeeting
from renda.reportback.selectors import (
    ORAL_MIN_SHARE,
    district_compliance,
    district_of,
    results_for,
    unreported_mandates,
    visible_terms,
)

TRANSITION_LABELS = {
    MeetingStatus.HELD: "标记已召开",
    MeetingStatus.CANCELLED: "取消会议",
    MeetingStatus.PLANNED: "恢复安排",
}


def _term_filter(user) -> Filter:
    def choices():
        return [(t.pk, str(t)) for t in visible_terms(user)]

    return Filter("term", "届次", choices, lambda qs, v: qs.filter(term_id=v))


def meeting_spec(user) -> ListSpec:
    return ListSpec(
        title="述职评议",
        columns=[
            Column("日期", lambda m: m.date.isoformat()),
            Column("会议名称", lambda m: m.title, link=True),
            Column("届次", lambda m: str(m.term)),
            Column("选区", lambda m: m.district),
            Column("地点", lambda m: m.place),
            Column("述职代表", lambda m: m.report_count),
            Column("状态", lambda m: m.get_status_display()),
        ],
        search_fields=["title", "district", "place"],
        search_hint="会议名称、选区或地点",
        filters=[field_filter("status", "状态", MeetingStatus.choices), _term_filter(user)],
        export_name="述职评议会",
        detail_url="console:reportback_meeting_detail",
        empty_text="还没有述职评议会。",
    )


@staff_required("reportback.view")
def meeting_list(request):
    qs = (
        ReportMeeting.objects.select_related("term__congress")
        .annotate(report_count=Count("reports", distinct=True))
        .order_by("-date", "-id")
    )
    spec = meeting_spec(request.user)
    result = run_list(request, restrict(qs, request.user), spec)
    if not isinstance(result, dict):
        return result
    result["can_manage"] = has_perm(request.user, "reportback.manage")
    return render(request, "reportback/meeting_list.html", result)


@staff_required("reportback.manage")
def meeting_create(request):
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=request.user, term=d["term"], district=d["district"], title=d["title"], date=d["date"],
                place=d["place"], note=d["note"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已安排“{meeting.title}”。")
            return redirect("console:reportback_meeting_detail", meeting.pk)
    return form_page(request, form, title="安排述职评议会", cancel_url="../")


@staff_required("reportback.manage")
def meeting_edit(request, pk: int):
    meeting = get_scoped_or_404(ReportMeeting.objects.all(), request.user, pk=pk)
    initial = {"title": meeting.title, "date": meeting.date, "place": meeting.place, "note": meeting.note}
    form = MeetingForm(request.POST or None, initial=initial, user=request.user, editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.meeting_update(
                actor=request.user, meeting=meeting, title=d["title"], date=d["date"], place=d["place"], note=d["note"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("console:reportback_meeting_detail", meeting.pk)
    return form_page(request, form, title=f"修改：{meeting.title}", cancel_url="../")


@staff_required("reportback.view")
def meeting_detail(request, pk: int):
    meeting = get_scoped_or_404(ReportMeeting.objects.select_related("term__congress"), request.user, pk=pk)
    reports = list(restrict(meeting.reports.select_related("deputy"), request.user).order_by("id"))
    results = results_for(reports)
    can_manage = has_perm(request.user, "reportback.manage")
    rows = [(r, results[r.pk]) for r in reports]
    return render(
        request,
        "reportback/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "can_manage": can_manage,
            "transitions": [(to, TRANSITION_LABELS[to]) for to in sorted(MEETING_TRANSITIONS[meeting.status])],
            "report_form": ReportForm(meeting=meeting)
            if can_manage and meeting.status != MeetingStatus.CANCELLED
            else None,
        },
    )


@require_POST
@staff_required("reportback.manage")
def meeting_transition(request, pk: int):
    meeting = get_scoped_or_404(ReportMeeting.objects.all(), request.user, pk=pk)
    to = request.POST.get("to", "")
    run_service(
        request,
        lambda: services.meeting_transition(actor=request.user, meeting=meeting, to=to),
        f"会议状态已更新为“{MeetingStatus(to).label if to in MeetingStatus.values else to}”。",
    )
    return redirect("console:reportback_meeting_detail", meeting.pk)


@require_POST
@staff_required("reportback.manage")
def report_add(request, pk: int):
    meeting = get_scoped_or_404(ReportMeeting.objects.all(), request.user, pk=pk)
    form = ReportForm(request.POST, meeting=meeting)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("console:reportback_meeting_detail", meeting.pk)
    d = form.cleaned_data
    run_service(
        request,
        lambda: services.report_create(
            actor=request.user, meeting=meeting, deputy=d["deputy"], mode=d["mode"], text=d["text"]
        ),
        f"已登记{d['deputy'].name}的述职报告。",
    )
    return redirect("console:reportback_meeting_detail", meeting.pk)


def _report(request, pk: int) -> DeputyReport:
    return get_scoped_or_404(
        DeputyReport.objects.select_related("meeting__term__congress", "deputy"), request.user, pk=pk
    )


@staff_required("reportback.view")
def report_detail(request, pk: int):
    report = _report(request, pk)
    results = results_for([report])[report.pk]
    tally = PaperTally.objects.filter(report=report).first()
    initial = {"satisfied": 0, "basic": 0, "unsatisfied": 0}
    if tally:
        initial = {"satisfied": tally.satisfied, "basic": tally.basic, "unsatisfied": tally.unsatisfied}
    can_manage = has_perm(request.user, "reportback.manage")
    return render(
        request,
        "reportback/report_detail.html",
        {
            "report": report,
            "meeting": report.meeting,
            "results": results,
            "tally": tally,
            "can_manage": can_manage,
            "tally_form": TallyForm(initial=initial)
            if can_manage and report.meeting.status == MeetingStatus.HELD
            else None,
        },
    )


@staff_required("reportback.manage")
def report_edit(request, pk: int):
    report = _report(request, pk)
    form = ReportForm(request.POST or None, initial={"mode": report.mode, "text": report.text}, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(
                actor=request.user, report=report, mode=form.cleaned_data["mode"], text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存述职报告。")
            return redirect("console:reportback_report_detail", report.pk)
    return form_page(request, form, title=f"修改述职报告：{report.deputy.name}", cancel_url="../")


@require_POST
@staff_required("reportback.manage")
def report_publish(request, pk: int):
    report = _report(request, pk)
    publish = request.POST.get("publish", "1") == "1"
    run_service(
        request,
        lambda: services.report_publish(actor=request.user, report=report, publish=publish),
        "述职报告已公开，选民可在网上评议。" if publish else "已撤回公开。",
    )
    return redirect("console:reportback_report_detail", report.pk)


@require_POST
@staff_required("reportback.manage")
def report_tally(request, pk: int):
    report = _report(request, pk)
    form = TallyForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        run_service(
            request,
            lambda: services.tally_save(actor=request.user, report=report, **form.cleaned_data),
            "已保存现场测评票数。",
        )
    return redirect("console:reportback_report_detail", report.pk)


@staff_required("reportback.view")
def compliance(request):
    """Per term: deputies who have not reported yet; per district the oral share against 30%."""
    if not has_perm(request.user, "reportback.manage"):
        raise PermissionDenied("只有人大工作人员可以查看述职情况统计。")
    terms = list(visible_terms(request.user).filter(ends_on__isnull=True))
    term = next((t for t in terms if str(t.pk) == request.GET.get("term", "")), terms[0] if terms else None)
    districts, unreported = [], None
    if term is not None:
        districts = district_compliance(term)
        unreported = unreported_mandates(term)
        q = request.GET.get("q", "").strip()[:50]
        if q:
            unreported = unreported.filter(deputy__name__icontains=q)
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                f"未述职代表-{term}.xlsx",
                ["代表编号", "姓名", "选区（代表团）", "手机号"],
                ([m.deputy.number, m.deputy.name, district_of(m), phone_for(request.user, m.deputy.phone)]
                 for m in unreported.iterator(chunk_size=500)),
            )  # fmt: skip
    page = Paginator(unreported if unreported is not None else [], settings.RENDA_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    export = params.copy()
    export["format"] = "xlsx"
    page_rows = [(m, district_of(m)) for m in page.object_list]
    return render(
        request,
        "reportback/compliance.html",
        {
            "terms": terms,
            "term": term,
            "districts": districts,
            "short_districts": sum(1 for d in districts if not d.oral_ok),
            "page": page,
            "page_rows": page_rows,
            "keep_query": params.urlencode(),
            "export_query": export.urlencode(),
            "q": request.GET.get("q", "").strip()[:50],
            "min_percent": int(ORAL_MIN_SHARE * 100),
        },
    )
