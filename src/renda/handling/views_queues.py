"""Console work queues: 待交办 (triage), 承办件 (agency inbox) and 督办 (supervision)."""

import datetime
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, has_perm, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, field_filter, run_list
from renda.core.workdays import working_days_between
from renda.handling import selectors
from renda.handling.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    Stage,
)
from renda.handling.services import MAX_SUPERVISION_LEVEL, case_assign, case_sign, case_supervise
from renda.opinions.models import Category, Opinion
from renda.registry.models import Agency, Division, DivisionLevel
from renda.registry.selectors import subtree_q
from renda.registry.views_base import error_messages

YES: tuple[tuple[str, str], ...] = (("1", "是"),)


def fmt(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def opinion_of(case: Case) -> Opinion | None:
    try:
        return case.opinion
    except Opinion.DoesNotExist:
        return None


def tracking_code(case: Case) -> str:
    opinion = opinion_of(case)
    return opinion.tracking_code if opinion else ""


def any_perm_required(*perms: str) -> Callable:
    """Console view open to holders of any of ``perms`` (others 403)."""

    def decorator(view: Callable) -> Callable:
        @staff_required("console")
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(has_perm(request.user, p) for p in perms):
                raise PermissionDenied("您没有执行此操作的权限。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def list_or_export(request: HttpRequest, qs: QuerySet, spec: ListSpec, template: str, **extra) -> HttpResponse:
    result = run_list(request, qs, spec)
    if isinstance(result, HttpResponse):
        return result
    return render(request, template, {**result, "now": timezone.now(), **extra})


def _version(request: HttpRequest, name: str = "version") -> int | None:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the list the POST came from (keeping its filters), never off-site."""
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else default)


# --- 待交办 --------------------------------------------------------------------------------


def _division_choices(user) -> list[tuple[str, str]]:
    levels = (DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP)
    return list(restrict(Division.objects.filter(level__in=levels), user).order_by("path").values_list("path", "name"))


def _category_choices() -> list[tuple[str, str]]:
    return list(
        Category.objects.filter(level=1, is_active=True).order_by("path").values_list("path", "name").distinct()
    )


def _category_filter(prefix: str) -> Filter:
    key = f"{prefix}category_key"
    return Filter(
        "category",
        "分类",
        _category_choices,
        lambda qs, v: qs.filter(Q(**{key: v}) | Q(**{f"{key}__startswith": v + "/"})),
    )


def triage_spec(user) -> ListSpec:
    return ListSpec(
        title="待交办",
        columns=[
            Column("查询码", lambda o: o.tracking_code, link=True),
            Column("标题", lambda o: o.display_title, link=True),
            Column("所在区划", lambda o: o.division.name if o.division else ""),
            Column("代表/家站点", lambda o: " / ".join(x.name for x in (o.deputy, o.station) if x)),
            Column("分类", lambda o: o.category.path if o.category else o.case.category_key),
            Column("提交时间", lambda o: fmt(o.created_at)),
            Column("交办时限", lambda o: fmt(o.case.stage_due_at)),
            Column("已超期", lambda o: o.case.is_overdue),
            Column("督办级别", lambda o: o.case.supervision_level),
            Column("重办", lambda o: o.case.reopened_count > 0),
        ],
        search_fields=["tracking_code", "title", "content", "case__title"],
        search_hint="查询码、标题或内容",
        filters=[
            Filter("overdue", "已超期", YES, lambda qs, v: qs.filter(case__stage_due_at__lt=timezone.now())),
            Filter("reopened", "重办件", YES, lambda qs, v: qs.filter(case__reopened_count__gt=0)),
            Filter(
                "division",
                "区划",
                lambda: _division_choices(user),
                lambda qs, v: qs.filter(subtree_q(v, prefix="case__division_")),
            ),
            _category_filter("case__"),
        ],
        export_name="待交办",
        detail_url="console:opinion_detail",
        empty_text="目前没有待交办的群众意见。",
    )


@staff_required("case.assign")
def triage(request):
    agencies = restrict(Agency.objects.filter(is_active=True), request.user).order_by("code")
    return list_or_export(
        request, selectors.triage_queue(request.user), triage_spec(request.user), "handling/triage.html",
        agencies=agencies,
    )  # fmt: skip


@require_POST
@staff_required("case.assign")
def triage_assign(request):
    """批量交办: each selected opinion is assigned on its own; failures are listed with the reason."""
    back = "console:triage"
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
    if not ids:
        messages.error(request, "请先勾选要交办的群众意见。")
        return _back(request, back)
    lead_pk = request.POST.get("lead", "")
    agencies = restrict(Agency.objects.filter(is_active=True), request.user)
    lead = agencies.filter(pk=lead_pk).first() if lead_pk.isdigit() else None
    if lead is None:
        messages.error(request, "请选择主办单位。")
        return _back(request, back)
    instructions = request.POST.get("instructions", "").strip()[:2000]
    opinions = {str(o.pk): o for o in selectors.triage_queue(request.user).filter(pk__in=ids)}
    done, failed = [], []
    for pk in ids:
        opinion = opinions.get(pk)
        if opinion is None:
            failed.append(f"编号 {pk}：不在待交办列表中（可能已被他人处理）")
            continue
        try:
            case_assign(
                actor=request.user, case=opinion.case, lead=lead, instructions=instructions,
                version=_version(request, f"version_{pk}"),
            )  # fmt: skip
        except ValidationError as exc:
            failed.append(f"{opinion.tracking_code}：{error_messages(exc)}")
        else:
            done.append(opinion.tracking_code)
    if done:
        messages.success(request, f"已交办 {len(done)} 件至{lead.name}：{'、'.join(done)}。")
    if failed:
        messages.error(request, f"{len(failed)} 件未能交办：" + "；".join(failed))
    return _back(request, back)


# --- 承办件 --------------------------------------------------------------------------------

INBOX_TABS = [(s.value, s.label) for s in selectors.INBOX_TABS]


def _assignment_overdue(a: Assignment) -> bool:
    now = timezone.now()
    if a.status == AssignmentStatus.PENDING:
        return a.sign_due_at < now
    return a.status == AssignmentStatus.SIGNED and a.reply_due_at < now


def inbox_spec(user) -> ListSpec:
    filters = [
        field_filter("role", "承办方式", AssignmentRole.choices),
        Filter("overdue", "已超期", YES, _overdue_assignments),
    ]
    if has_perm(user, "case.assign"):
        filters.append(
            field_filter(
                "agency",
                "承办单位",
                lambda: restrict(Agency.objects.all(), user).values_list("pk", "name"),
                "agency_id",
            )
        )
    return ListSpec(
        title="承办件",
        columns=[
            Column("查询码", lambda a: tracking_code(a.case)),
            Column("标题", lambda a: a.case.title),
            Column("承办单位", lambda a: a.agency.name),
            Column("承办方式", lambda a: a.get_role_display()),
            Column("状态", lambda a: a.get_status_display()),
            Column("交办时间", lambda a: fmt(a.assigned_at)),
            Column("签收时限", lambda a: fmt(a.sign_due_at)),
            Column("答复时限", lambda a: fmt(a.reply_due_at)),
            Column("已超期", _assignment_overdue),
            Column("督办级别", lambda a: a.case.supervision_level),
        ],
        search_fields=["case__title", "case__opinion__tracking_code", "agency__name"],
        search_hint="标题、查询码或单位",
        filters=filters,
        export_name="承办件",
        empty_text="没有符合条件的承办件。",
    )


def _overdue_assignments(qs: QuerySet, value: str) -> QuerySet:
    now = timezone.now()
    return qs.filter(
        Q(status=AssignmentStatus.PENDING, sign_due_at__lt=now)
        | Q(status=AssignmentStatus.SIGNED, reply_due_at__lt=now)
    )


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "")
    return tab if tab in dict(INBOX_TABS) else AssignmentStatus.PENDING


@any_perm_required("case.handle", "case.assign")
def agency_inbox(request):
    tab = _tab(request)
    counts = selectors.assignment_counts(request.user)
    tabs = [(value, label, counts[value]) for value, label in INBOX_TABS]
    return list_or_export(
        request, selectors.agency_assignments(request.user, tab), inbox_spec(request.user), "handling/agency_inbox.html",
        tab=tab, tabs=tabs, can_sign=has_perm(request.user, "case.handle"),
    )  # fmt: skip


@require_POST
@staff_required("case.handle")
def assignment_sign(request, pk: int):
    """签收 one assignment; an htmx request gets the refreshed row back, others a redirect."""
    assignment = get_scoped_or_404(Assignment.objects.select_related("case"), request.user, pk=pk)
    error = ""
    try:
        case_sign(actor=request.user, case=assignment.case, assignment_id=assignment.pk, version=_version(request))
    except ValidationError as exc:
        error = error_messages(exc)
    if request.headers.get("HX-Request"):
        fresh = selectors.agency_assignments(request.user).get(pk=pk)
        ctx = {"a": fresh, "now": timezone.now(), "can_sign": True, "row_error": error, "row_done": not error}
        return render(request, "handling/_assignment_row.html", ctx)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"已签收“{assignment.case.title}”。")
    return _back(request, "console:agency_inbox")


# --- 督办 ----------------------------------------------------------------------------------

LEVEL_CHOICES = [(str(n), "未督办" if n == 0 else f"{n} 级") for n in range(MAX_SUPERVISION_LEVEL + 1)]


def overdue_days(case: Case) -> int:
    if not case.stage_due_at or case.stage_due_at >= timezone.now():
        return 0
    return working_days_between(case.stage_due_at, timezone.now())


def agencies_text(case: Case) -> str:
    return "、".join(f"{a.agency.name}（{a.get_role_display()}）" for a in getattr(case, "active_assignments", []))


def supervision_spec(user) -> ListSpec:
    return ListSpec(
        title="督办",
        columns=[
            Column("查询码", tracking_code),
            Column("标题", lambda c: c.title),
            Column("状态", lambda c: c.get_state_display()),
            Column("当前环节", lambda c: c.get_stage_display()),
            Column("环节时限", lambda c: fmt(c.stage_due_at)),
            Column("超期工作日", overdue_days),
            Column("督办级别", lambda c: c.supervision_level),
            Column("承办单位", agencies_text),
        ],
        search_fields=["title", "opinion__tracking_code"],
        search_hint="标题或查询码",
        filters=[
            Filter(
                "kind",
                "类型",
                (("overdue", "已超期"), ("supervised", "已督办")),
                lambda qs, v: (
                    qs.filter(stage_due_at__lt=timezone.now()) if v == "overdue" else qs.filter(supervision_level__gt=0)
                ),
            ),  # fmt: skip
            Filter("level", "督办级别", LEVEL_CHOICES, lambda qs, v: qs.filter(supervision_level=int(v))),
            field_filter("stage", "当前环节", Stage.choices),
            Filter(
                "agency",
                "承办单位",
                lambda: restrict(Agency.objects.all(), user).values_list("pk", "name"),
                selectors.with_active_agency,
            ),  # fmt: skip
        ],
        export_name="督办",
        empty_text="目前没有超期或督办中的事项。",
    )


@staff_required("case.supervise")
def supervision_list(request):
    return list_or_export(
        request, selectors.overdue_cases(request.user), supervision_spec(request.user), "handling/supervision_list.html",
        levels=LEVEL_CHOICES[1:],
    )  # fmt: skip


@require_POST
@staff_required("case.supervise")
def supervision_create(request, pk: int):
    """督办 one case by hand, with a reason and (optionally) a level."""
    case = get_scoped_or_404(Case.objects.all(), request.user, pk=pk)
    raw = request.POST.get("level", "")
    level = int(raw) if raw.isdigit() else None
    if level is not None and not 1 <= level <= MAX_SUPERVISION_LEVEL:
        messages.error(request, f"督办级别应为 1 至 {MAX_SUPERVISION_LEVEL} 级。")
        return _back(request, "console:supervision_list")
    try:
        sup = case_supervise(actor=request.user, case=case, reason=request.POST.get("reason", "")[:2000], level=level)
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, f"已对“{case.title}”{sup.level} 级督办。")
    return _back(request, "console:supervision_list")
