"""Public pages of 述职评议: published reports and the appraisal form (phone-verified, one vote per phone)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from renda.core import ratelimit
from renda.opinions import verification
from renda.reportback import services
from renda.reportback.forms import AppraisalForm
from renda.reportback.selectors import public_reports, results_for


@require_GET
def report_list(request):
    qs = public_reports()
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(deputy__name__icontains=q)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "reportback/public/list.html",
        {"page": page, "q": q, "querystring": f"q={q}" if q else ""},
    )


@require_http_methods(["GET", "POST"])
def report_page(request, pk: int):
    report = public_reports().filter(pk=pk).first()
    if report is None:
        raise Http404("没有找到这份述职报告，或尚未公开。")
    form = AppraisalForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            checked = verification.phone_code_check(phone=d["phone"], code=d["sms_code"])
            services.appraisal_submit(
                report=report, phone=checked.phone, choice=d["choice"], ip=ratelimit.client_ip(request)
            )
            verification.phone_verification_use(checked)
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            status = 400
        else:
            messages.success(request, "感谢您的评议！每个手机号对每份述职报告只能评议一次。")
            return redirect("public:reportback_report", report.pk)
    elif request.method == "POST":
        status = 400
    results = results_for([report])[report.pk]
    response = render(
        request,
        "reportback/public/report.html",
        {"report": report, "meeting": report.meeting, "results": results, "form": form,
         "open": services.appraisal_open(report), "page_size": settings.RENDA_PAGE_SIZE},
        status=status,
    )  # fmt: skip
    return response
