"""Console pages for 代表建议: the list (scoped per role), the detail with its action panel, commitments."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from renda.core.access import can_see, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, field_filter, run_list
from renda.core.models import Role, User
from renda.core.uploads import media_response
from renda.handling.commitments import commitment_fulfil as commitment_fulfil_service
from renda.handling.models import ANSWERING_ROLES, Assignment, CaseState, Commitment, ReplyAttachment
from renda.registry.models import Agency
from renda.registry.views_base import run_service
from renda.suggestions import actions
from renda.suggestions import services as ss
from renda.suggestions.forms_console import FulfilForm
from renda.suggestions.models import (
    CoSigner,
    CoSignStatus,
    KeyTopic,
    Suggestion,
    SuggestionAttachment,
    SuggestionCategory,
    SuggestionKind,
    SuggestionSession,
    SuggestionStatus,
)
from renda.suggestions.selectors import PRE_CASE_STATES, suggestion_detail, suggestion_list

S = CaseState
YES_NO = [("1", "是"), ("0", "否")]


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- Tabs per role ------------------------------------------------------------------------------


def _deputy_tabs(user: User) -> list[tuple[str, str, object]]:
    dep = user.deputy_id
    invited = CoSigner.objects.filter(suggestion=OuterRef("pk"), deputy_id=dep, status=CoSignStatus.INVITED)
    return [
        ("all", "我的建议", None),
        ("own", "我领衔的", Q(proposer_id=dep)),
        ("cosigned", "我附议的", ~Q(proposer_id=dep)),
        (
            "invited",
            "待我确认附议",
            Q(Exists(invited), status__in=(SuggestionStatus.DRAFT, SuggestionStatus.COSIGNING)),
        ),
        ("evaluate", "待评价", Q(case__state=S.FED_BACK)),
    ]


def _staff_tabs() -> list[tuple[str, str, object]]:
    submitted = Q(status=SuggestionStatus.SUBMITTED)
    return [
        ("all", "全部", None),
        ("register", "待立案", submitted & Q(case__state=S.SUBMITTED)),
        ("assign", "待交办", submitted & Q(case__state__in=(S.ACCEPTED, S.REOPENED))),
        ("handling", "办理中", submitted & Q(case__state__in=(S.ASSIGNED, S.IN_PROGRESS))),
        ("answered", "已答复", submitted & Q(case__state__in=(S.FED_BACK, S.CLOSED))),
        ("key", "重点督办", Q(is_key=True)),
    ]


def _agency_tabs(user: User) -> list[tuple[str, str, object]]:
    mine = Assignment.objects.filter(case_id=OuterRef("case_id"), agency_id=user.agency_id)
    pending = mine.filter(status="pending")
    active = mine.filter(status__in=("pending", "signed"))
    return [
        ("all", "全部", None),
        ("sign", "待签收", Q(Exists(pending))),
        ("handling", "在办", Q(Exists(active))),
    ]


def tabs_for(user: User) -> list[tuple[str, str, object]]:
    if user.role == Role.DEPUTY:
        return _deputy_tabs(user)
    if user.role == Role.AGENCY_HANDLER:
        return _agency_tabs(user)
    return _staff_tabs()


# --- The list --------------------------------------------------------------------------------------


def _scoped_choices(model, user, label="title", **filters):
    return lambda: list(restrict(model.objects.filter(**filters), user).values_list("pk", label))


def _by_state(qs, value):
    if value in PRE_CASE_STATES:
        return qs.filter(status=value)
    return qs.filter(case__state=value).exclude(status=SuggestionStatus.WITHDRAWN)


def _by_agency(qs, value):
    return qs.filter(Exists(Assignment.objects.filter(case_id=OuterRef("case_id"), agency_id=value)))


def _years(user):
    def choices():
        years = restrict(SuggestionSession.objects.all(), user).order_by().values_list("year", flat=True).distinct()
        return [(y, f"{y}年") for y in sorted(set(years), reverse=True)]

    return choices


def _units(s: Suggestion) -> str:
    """The answering units of the latest round (主办/分办), with co-handlers after a slash."""
    rows = getattr(s.case, "console_assignments", None) if s.case_id else None
    if not rows:
        return ""
    last = max(a.round for a in rows)
    current = [a for a in rows if a.round == last and a.status not in ("withdrawn", "returned")]
    lead = "、".join(a.agency.name for a in current if a.role in ANSWERING_ROLES)
    co = "、".join(a.agency.name for a in current if a.role not in ANSWERING_ROLES)
    return f"{lead}（协办：{co}）" if co else lead


def suggestion_spec(user: User) -> ListSpec:
    return ListSpec(
        title="代表建议",
        columns=[
            Column("编号", lambda s: s.number_label),
            Column("标题", lambda s: s.title, link=True),
            Column("类型", lambda s: s.get_kind_display()),
            Column("会次", lambda s: s.session.title),
            Column("状态", actions.state_label),
            Column("领衔代表", lambda s: s.proposer.name),
            Column("分类", lambda s: s.category.name if s.category_id else ""),
            Column("承办单位", _units),
            Column("重点督办", lambda s: (s.topic.title if s.topic_id else "是") if s.is_key else ""),
            Column("提交时间", lambda s: _local(s.submitted_at)),
            Column("当前时限", lambda s: _local(s.case.stage_due_at) if s.case_id and s.case.is_open else ""),
            Column("超期", lambda s: bool(s.case_id and s.case.is_overdue)),
        ],
        search_hint="标题、内容、编号或代表姓名",
        filters=[
            field_filter("kind", "类型", SuggestionKind.choices),
            field_filter("session", "会次", _scoped_choices(SuggestionSession, user), "session_id"),
            Filter("state", "状态", actions.state_choices, _by_state),
            field_filter("key", "重点督办", YES_NO, "is_key"),
            field_filter("topic", "督办专题", _scoped_choices(KeyTopic, user), "topic_id"),
            field_filter(
                "category", "分类", lambda: SuggestionCategory.objects.values_list("pk", "name"), "category_id"
            ),
            Filter("agency", "承办单位", _scoped_choices(Agency, user, "name", is_active=True), _by_agency),
            field_filter("year", "年度", _years(user), "session__year"),
        ],
        export_name="代表建议",
        detail_url="console:suggestion_detail",
        empty_text="没有符合条件的建议。",
    )


def _list_queryset(request: HttpRequest):
    user = request.user
    qs = suggestion_list(user, q=request.GET.get("q", "")[:100])
    qs = qs.prefetch_related(
        Prefetch(
            "case__assignments",
            queryset=Assignment.objects.select_related("agency").order_by("round", "id"),
            to_attr="console_assignments",
        )
    )
    tabs = tabs_for(user)
    tab = request.GET.get("tab", "all")
    cond = dict((key, q) for key, _, q in tabs).get(tab)
    if tab not in {key for key, _, _ in tabs}:
        tab = "all"
    if cond is not None:
        qs = qs.filter(cond)
    return qs, tab, [(key, label) for key, label, _ in tabs]


@staff_required("suggestion.view")
def suggestion_list_view(request: HttpRequest) -> HttpResponse:
    qs, tab, tabs = _list_queryset(request)
    result = run_list(request, qs, suggestion_spec(request.user))
    if isinstance(result, HttpResponse):
        return result
    result.update(tab=tab, tabs=tabs)
    return render(request, "suggestions/console/list.html", result)


# --- The detail and its actions ------------------------------------------------------------------


def _panel(user: User, s: Suggestion, record: actions.SuggestionRecord) -> list[dict]:
    panel = []
    for name in actions.available(user, s, record):
        action = actions.ACTIONS[name]
        if name == "extension":
            for ext in record.pending_extensions:
                form = action.form(
                    initial={"request": ext.pk}, user=user, suggestion=s, auto_id=f"id_{name}{ext.pk}_%s"
                )
                panel.append({"name": name, "action": action, "form": form, "extension": ext})
            continue
        form = action.form(user=user, suggestion=s, auto_id=f"id_{name}_%s")
        panel.append({"name": name, "action": action, "form": form})
    return panel


@staff_required("suggestion.view")
def suggestion_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    s = suggestion_detail(user, pk)
    record = actions.suggestion_record(s)
    fulfil = [c for c in record.commitments if actions.may_fulfil(user, c)]
    ctx = {
        "s": s,
        "case": s.case,
        "state_label": actions.state_label(s),
        "stage_label": actions.stage_label(s.case) if s.case_id else "",
        "record": record,
        "panel": _panel(user, s, record),
        "mine": actions.own_assignment(user, record) if user.role == Role.AGENCY_HANDLER else None,
        "fulfil_ids": {c.pk for c in fulfil},
        "opinion_visible": bool(s.from_opinion_id and can_see(user, s.from_opinion)),
        "can_edit": s.is_editable and ss.may_edit(user, s),
    }
    return render(request, "suggestions/console/detail.html", ctx)


@require_POST
@staff_required("suggestion.view")
def suggestion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    s = suggestion_detail(request.user, pk)
    if action not in actions.ACTIONS:
        raise Http404("没有这个操作。")
    ok, text = actions.run_action(action, request.user, s, request.POST, request.FILES)
    (messages.success if ok else messages.error)(request, text)
    if ok and not can_see(request.user, s):  # e.g. a deputy who declined to co-sign no longer sees it
        return redirect("console:suggestion_list")
    return redirect("console:suggestion_detail", pk=s.pk)


# --- Commitments ------------------------------------------------------------------------------------


def commitments_in_scope(user: User):
    """承诺事项 of the suggestions the user sees (agencies: also only their own units' undertakings)."""
    visible = restrict(Suggestion.objects.filter(case__isnull=False), user).values("case_id")
    qs = Commitment.objects.filter(case_id__in=visible)
    if user.role == Role.AGENCY_HANDLER:
        qs = qs.filter(agency_id=user.agency_id)
    return qs.select_related("agency", "fulfilled_by", "reply", "case__suggestion__session").order_by(
        "fulfilled_at", "due_on", "id"
    )


STATUS_CHOICES = [("open", "未落实"), ("fulfilled", "已落实")]


def _by_status(qs, value):
    return qs.filter(fulfilled_at__isnull=(value == "open"))


def _overdue_commitments(qs, value):
    return qs.filter(fulfilled_at__isnull=True, due_on__lt=timezone.localdate())


def commitment_spec(user: User) -> ListSpec:
    return ListSpec(
        title="承诺事项",
        columns=[
            Column("建议编号", lambda c: c.case.suggestion.number_label),
            Column("建议标题", lambda c: c.case.suggestion.title, link=True),
            Column("会次", lambda c: c.case.suggestion.session.title),
            Column("承办单位", lambda c: c.agency.name),
            Column("承诺事项", lambda c: c.text),
            Column("计划完成", lambda c: c.due_on.isoformat() if c.due_on else ""),
            Column("登记时间", lambda c: _local(c.created_at)),
            Column("状态", lambda c: "已落实" if c.fulfilled_at else "未落实"),
            Column("落实时间", lambda c: _local(c.fulfilled_at)),
            Column("落实情况", lambda c: c.fulfil_note),
        ],
        search_fields=["text", "case__suggestion__title", "agency__name"],
        search_hint="承诺内容、建议标题或单位",
        filters=[
            Filter("status", "状态", STATUS_CHOICES, _by_status),
            Filter("overdue", "逾期", [("1", "已过计划完成日期")], _overdue_commitments),
            field_filter("agency", "承办单位", _scoped_choices(Agency, user, "name", is_active=True), "agency_id"),
            field_filter("session", "会次", _scoped_choices(SuggestionSession, user), "case__suggestion__session_id"),
        ],
        export_name="承诺事项",
        empty_text="没有符合条件的承诺事项。",
    )


@staff_required("suggestion.view")
def commitment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = request.GET
    if "status" not in params:  # open commitments first: that is what is followed
        params = params.copy()
        params["status"] = "open"
        request.GET = params
    result = run_list(request, commitments_in_scope(user), commitment_spec(user))
    if isinstance(result, HttpResponse):
        return result
    result["can_fulfil"] = {c.pk for c, _ in result["rows"] if actions.may_fulfil(user, c)}
    return render(request, "suggestions/console/commitments.html", result)


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if target and ok else default


@require_POST
@staff_required("suggestion.view")
def commitment_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = commitments_in_scope(request.user).filter(pk=pk).first()
    if commitment is None:
        raise Http404("没有找到该承诺事项，或您无权查看。")
    form = FulfilForm(request.POST)
    default = reverse("console:suggestion_detail", args=[commitment.case.suggestion.pk])
    if not form.is_valid():
        messages.error(request, "请填写落实情况。")
    else:
        run_service(
            request,
            lambda: commitment_fulfil_service(
                actor=request.user, commitment=commitment, note=form.cleaned_data["note"]
            ),
            "已确认承诺事项落实。",
        )
    return redirect(_next_url(request, default))


@staff_required("suggestion.view")
def suggestion_file(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A suggestion's own attachment (``kind`` = own) or one of a reply to it (``kind`` = reply), to
    whoever may open the suggestion (404 outside that scope, drafts included)."""
    if kind == "own":
        attachment = SuggestionAttachment.objects.filter(pk=pk).first()
        suggestion_id = attachment.suggestion_id if attachment else None
    elif kind == "reply":
        attachment = ReplyAttachment.objects.select_related("reply__case__suggestion").filter(pk=pk).first()
        suggestion = getattr(attachment.reply.case, "suggestion", None) if attachment else None
        suggestion_id = suggestion.pk if suggestion else None
    else:
        suggestion_id = None
    if suggestion_id is None:
        raise Http404("附件不存在。")
    suggestion_detail(request.user, suggestion_id)
    return media_response(attachment.file, public=False, filename=attachment.name)
