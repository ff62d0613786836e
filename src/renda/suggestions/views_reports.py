"""Console: 建议办理成效 (figures with filters and export), the annual report, and the xlsx import."""

import base64
import datetime
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from renda.core.access import is_admin, restrict, staff_required
from renda.core.models import Role
from renda.core.xlsx import XLSX_MIME, xlsx_response
from renda.handling.models import Assignment
from renda.registry.models import Agency, Congress, Deputy
from renda.suggestions import figures as sf
from renda.suggestions import imports, report
from renda.suggestions.models import Suggestion, SuggestionSession


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _pick(request: HttpRequest, name: str, options: dict[int, object]) -> int | None:
    """The chosen pk if it is one of ``options`` (anything else is ignored, never a 500)."""
    value = _int(request.GET.get(name))
    return value if value in options else None


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- 办理成效 -------------------------------------------------------------------------------------


def _figure_cells(figs: sf.SuggestionFigures) -> list:
    cells: list = [figs.suggestions]
    for rate in figs.rates:
        cells += [_round(rate.rate), rate.numerator, rate.denominator, _round(rate.low), _round(rate.high)]
    cells += [figs.satisfied, figs.basic, figs.unsatisfied]
    for share in figs.results:
        cells += [share.share.numerator, _round(share.share.rate)]
    return [*cells, figs.commitments, figs.commitments_open]


def figure_headers(figs: sf.SuggestionFigures) -> list[str]:
    headers = ["建议件数"]
    for rate in figs.rates:
        headers += [rate.label, f"{rate.label}分子", f"{rate.label}分母", "95%区间下限", "95%区间上限"]
    headers += ["满意", "基本满意", "不满意"]
    for share in figs.results:
        headers += [f"{share.code}类（{share.label}）", f"{share.code}类占比"]
    return [*headers, "承诺事项", "未落实承诺事项"]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@staff_required("suggestion.view")
def figures_page(request: HttpRequest):
    user = request.user
    visible = restrict(Suggestion.objects.filter(number__isnull=False), user)
    sessions = {
        s.pk: s
        for s in SuggestionSession.objects.filter(pk__in=visible.values("session_id"))
        .select_related("congress")
        .order_by("congress_id", "-year", "-starts_on")
    }
    congresses = {s.congress_id: s.congress for s in sessions.values()}
    years = {y: y for y in sorted({s.year for s in sessions.values()}, reverse=True)}
    own_agency = user.agency_id if user.role == Role.AGENCY_HANDLER else None
    own_deputy = user.deputy_id if user.role == Role.DEPUTY else None
    if own_agency:
        agencies = {a.pk: a for a in Agency.objects.filter(pk=own_agency)}
    else:
        used = Assignment.objects.filter(case_id__in=visible.values("case_id")).values("agency_id")
        agencies = {a.pk: a for a in Agency.objects.filter(pk__in=used).order_by("code")}
    if own_deputy:
        deputies = {d.pk: d for d in Deputy.objects.filter(pk=own_deputy)}
    else:
        deputies = {d.pk: d for d in Deputy.objects.filter(pk__in=visible.values("proposer_id")).order_by("name")}

    chosen = {
        "congress": _pick(request, "congress", congresses),
        "session": _pick(request, "session", sessions),
        "year": _pick(request, "year", years),
        "agency": own_agency or _pick(request, "agency", agencies),
        "deputy": own_deputy or _pick(request, "deputy", deputies),
    }
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    notices = []
    if start and end and start > end:
        notices.append("起止日期有误（开始晚于结束），已忽略时段条件。")
        start = end = None
    period = sf.period_between(start, end)
    suggestions = sf.suggestion_set(user, **chosen)
    facts = sf.load_facts(suggestions)
    total = sf.compute(facts, agency_id=chosen["agency"], period=period)
    shown = {pk: a.name for pk, a in agencies.items() if pk in facts.agencies()}
    if chosen["agency"]:
        shown = {pk: name for pk, name in shown.items() if pk == chosen["agency"]}
    rows = sf.by_agency(facts, shown, period=period)

    if request.GET.get("format") == "xlsx":
        headers = ["单位", *figure_headers(total)]
        lines = [["合计", *_figure_cells(total)]] + [[name, *_figure_cells(f)] for _, name, f in rows]
        return xlsx_response("代表建议办理成效.xlsx", headers, lines)

    export = request.GET.copy()
    export["format"] = "xlsx"
    context = {
        "total": total,
        "rows": rows,
        "sessions": sessions.values(),
        "congresses": congresses.values(),
        "years": years,
        "agencies": agencies.values(),
        "deputies": deputies.values(),
        "chosen": chosen,
        "start": start,
        "end": end,
        "notices": notices,
        "definitions": sf.DEFINITIONS,
        "export_query": export.urlencode(),
        "own_agency": own_agency,
        "own_deputy": own_deputy,
    }
    return render(request, "suggestions/reports/figures.html", context)


# --- 年度办理情况报告 --------------------------------------------------------------------------------


def _report_congresses(user) -> dict[int, Congress]:
    """Congresses in the user's scope that have suggestion sessions."""
    with_sessions = SuggestionSession.objects.values("congress_id")
    qs = Congress.objects.filter(pk__in=with_sessions).select_related("division").order_by("division__path")
    return {c.pk: c for c in (qs if is_admin(user) else restrict(qs, user))}


@staff_required("suggestion.manage")
def report_page(request: HttpRequest):
    congresses = _report_congresses(request.user)
    congress_pk = _int(request.GET.get("congress"))
    if congress_pk is not None and congress_pk not in congresses:
        raise Http404("没有找到该人大，或您无权查看。")
    congress = congresses.get(congress_pk) if congress_pk else next(iter(congresses.values()), None)
    years = []
    if congress is not None:
        years = sorted(
            set(SuggestionSession.objects.filter(congress=congress).values_list("year", flat=True)), reverse=True
        )
    year = _int(request.GET.get("year"))
    if year not in years:
        year = years[0] if years else None
    fmt = request.GET.get("format", "")
    if congress is not None and year is not None and fmt in ("xlsx", "pdf"):
        data = report.build(congress, year)
        name = f"{congress.name}{year}年代表建议办理情况报告"
        if fmt == "xlsx":
            return _download(report.report_xlsx(data), f"{name}.xlsx", XLSX_MIME)
        return _download(report.report_pdf(data), f"{name}.pdf", "application/pdf")
    context = {"congresses": congresses.values(), "congress": congress, "years": years, "year": year}
    if congress is not None and year is not None:
        context["data"] = report.build(congress, year)
    return render(request, "suggestions/reports/report.html", context)


# --- 导入 ------------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    congress = forms.ModelChoiceField(
        label="人大", queryset=Congress.objects.none(), error_messages={"required": "请选择人大。"}
    )
    file = forms.FileField(
        label="选择文件",
        help_text="Excel（.xlsx）或 CSV 文件，按下载的模板填写。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "请选择要上传的文件。", "empty": "上传的文件是空的。"},
    )

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        self.fields["congress"].invalid_choice_message = "请选择您管辖范围内的人大。"
        self.fields["congress"].error_messages["invalid_choice"] = "请选择您管辖范围内的人大。"


def _import_congresses(user):
    qs = Congress.objects.filter(is_active=True).select_related("division").order_by("division__path")
    return qs if is_admin(user) else restrict(qs, user)


@staff_required("suggestion.manage")
def import_page(request: HttpRequest):
    congresses = _import_congresses(request.user)
    pk = _int(request.POST.get("congress")) if request.method == "POST" else None
    if pk is not None and not congresses.filter(pk=pk).exists():
        raise Http404("没有找到该人大，或您无权导入。")
    form = ImportForm(request.POST or None, request.FILES or None, congresses=congresses)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.RENDA_MAX_IMPORT_BYTES:
            form.add_error("file", "文件太大，请拆分后分批导入。")
        else:
            result, queued = _import(request.user, form.cleaned_data["congress"], upload.read())
            if queued:
                return redirect("console:suggestion_import_status", result_id=queued)
    context = {
        "form": form,
        "result": result,
        "columns": imports.COLUMNS,
        "notes": imports.NOTES,
        "max_rows": imports.MAX_ROWS,
    }
    return render(request, "suggestions/reports/import.html", context)


def _import(user, congress: Congress, data: bytes) -> tuple[imports.ImportResult, str]:
    """Check in the request; write small files at once, hand large ones to the worker (result id)."""
    checked = imports.suggestions_check(actor=user, congress=congress, data=data)
    if not checked.ok or checked.pending <= imports.SYNC_ROWS:
        return imports.suggestions_import(actor=user, congress=congress, data=data), ""
    from renda.suggestions.tasks import import_suggestions

    task_result = import_suggestions.enqueue(user.pk, congress.pk, base64.b64encode(data).decode("ascii"))
    if task_result.is_finished and isinstance(task_result.return_value, dict):  # an immediate backend
        return imports.ImportResult.from_dict(task_result.return_value), ""
    return checked, str(task_result.id)


@staff_required("suggestion.manage")
def import_status(request: HttpRequest, result_id: str):
    """A background import: under way, or its outcome. Only the user who uploaded it may look."""
    from renda.suggestions.tasks import import_suggestions

    try:
        task_result = import_suggestions.get_result(result_id)
    except Exception as exc:  # unknown id, or a backend that keeps no results
        raise Http404("没有找到该导入任务。") from exc
    if not task_result.args or task_result.args[0] != request.user.pk:
        raise Http404("没有找到该导入任务。")
    result, failed = None, False
    if task_result.is_finished:
        value = task_result.return_value if task_result.status == "SUCCEEDED" else None
        result = imports.ImportResult.from_dict(value) if isinstance(value, dict) else None
        failed = result is None
    context = {"task": task_result, "result": result, "failed": failed}
    return render(request, "suggestions/reports/import_status.html", context)


@staff_required("suggestion.manage")
def import_template(request: HttpRequest):
    return _download(imports.template_xlsx(), "代表建议导入模板.xlsx", XLSX_MIME)
