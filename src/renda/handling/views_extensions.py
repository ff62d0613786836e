"""Console: 延期审批 (extension requests from lead agencies)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, staff_required
from renda.core.lists import Column, ListSpec, field_filter
from renda.handling import selectors
from renda.handling.models import ExtensionRequest, ExtensionStatus
from renda.handling.services import extension_decide
from renda.handling.views_queues import _back, fmt, list_or_export, tracking_code
from renda.registry.views_base import error_messages

TABS = [("pending", "待审批"), ("decided", "已审批")]


def extension_spec(decided: bool) -> ListSpec:
    filters = [field_filter("status", "审批结果", ExtensionStatus.choices[1:])] if decided else []
    return ListSpec(
        title="延期审批",
        columns=[
            Column("查询码", lambda e: tracking_code(e.assignment.case)),
            Column("标题", lambda e: e.assignment.case.title),
            Column("主办单位", lambda e: e.assignment.agency.name),
            Column("申请延期（工作日）", lambda e: e.working_days),
            Column("延期理由", lambda e: e.reason),
            Column("申请时间", lambda e: fmt(e.requested_at)),
            Column("当前答复时限", lambda e: fmt(e.assignment.reply_due_at)),
            Column("原答复时限", lambda e: fmt(e.assignment.original_reply_due_at)),
            Column("状态", lambda e: e.get_status_display()),
            Column("审批人", lambda e: str(e.decided_by) if e.decided_by else ""),
            Column("审批时间", lambda e: fmt(e.decided_at)),
            Column("审批意见", lambda e: e.decision_note),
        ],
        search_fields=[
            "assignment__case__title",
            "assignment__case__opinion__tracking_code",
            "assignment__agency__name",
        ],
        search_hint="标题、查询码或单位",
        filters=filters,
        export_name="延期申请",
        empty_text="没有已审批的延期申请。" if decided else "目前没有待审批的延期申请。",
    )


@staff_required("case.assign")
def extension_list(request: HttpRequest):
    tab = "decided" if request.GET.get("tab") == "decided" else "pending"
    decided = tab == "decided"
    return list_or_export(
        request,
        selectors.pending_extensions(request.user, decided=decided),
        extension_spec(decided),
        "handling/extension_list.html",
        tab=tab,
        tabs=TABS,
    )


@require_POST
@staff_required("case.assign")
def extension_decide_view(request: HttpRequest, pk: int):
    ext = get_scoped_or_404(ExtensionRequest.objects.select_related("assignment__case"), request.user, pk=pk)
    choice = request.POST.get("approve")
    if choice not in ("1", "0"):
        messages.error(request, "请选择同意或不同意。")
        return _back(request, "console:extension_list")
    approve = choice == "1"
    note = request.POST.get("note", "").strip()[:2000]
    try:
        ext = extension_decide(actor=request.user, request=ext, approve=approve, note=note)
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        title = ext.assignment.case.title
        if approve:
            due = fmt(ext.assignment.reply_due_at)
            messages.success(request, f"已同意“{title}”延期 {ext.working_days} 个工作日，新的答复时限为 {due}。")
        else:
            messages.success(request, f"已不同意“{title}”的延期申请。")
    return _back(request, "console:extension_list")
