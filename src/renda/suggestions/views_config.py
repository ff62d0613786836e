"""Console: configuring 代表建议 — 会次, 建议分类, 重点督办专题, 议案联名人数, 答复类别.

会次 and 专题 belong to one congress (perm ``suggestion.manage``, scoped to the staff member's
territory). 分类, 联名人数 and 答复类别 are platform-wide: congress staff read them
(``case.configure``), administrators change them (``services_config.may_configure_global``).
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from renda.core.access import get_scoped_or_404, restrict, staff_required
from renda.core.lists import Column, ListSpec, active_filter, field_filter, run_list
from renda.handling.models import CaseKind, ResultCategory
from renda.registry.models import CongressLevel
from renda.registry.views_base import form_page, run_service, save_form
from renda.suggestions import services as svc
from renda.suggestions import services_config as cfg
from renda.suggestions.forms_config import (
    CategoryForm,
    KeyTopicForm,
    ResultCategoryForm,
    SessionForm,
    ThresholdForm,
)
from renda.suggestions.models import KeyTopic, MotionThreshold, SessionPeriod, SuggestionCategory, SuggestionSession

MANAGE = "suggestion.manage"
CONFIGURE = "case.configure"
CURRENT_CHOICES = (("1", "当前会次"), ("0", "非当前会次"))


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _page(request: HttpRequest, qs, spec: ListSpec, actions: Callable, **ctx) -> HttpResponse:
    """The generic config list: ``actions(obj)`` gives the row's edit/toggle/delete URLs (or {})."""
    result = run_list(request, qs, spec)
    if isinstance(result, HttpResponse):
        return result
    result["rows"] = [(obj, cells, actions(obj)) for obj, cells in result["rows"]]
    return render(request, "suggestions/config/list.html", {**result, **ctx})


def _edit_page(request: HttpRequest, form, save: Callable, *, done: str, title: str) -> HttpResponse:
    """A config form: on a valid POST call the service ``save`` and go back to the list ``done``."""
    if request.method == "POST" and save_form(form, save):
        return redirect(done)
    return form_page(request, form, title=title, cancel_url=reverse(done))


def _require_global(user) -> None:
    if not cfg.may_configure_global(user):
        raise PermissionDenied(cfg.GLOBAL_DENIED)


def _toggle(request: HttpRequest, set_active: Callable, obj, label: str) -> None:
    active = request.POST.get("active") == "1"
    run_service(request, lambda: set_active(active=active), f"已{'启用' if active else '停用'}{label}“{obj}”。")


# --- 会次 ---------------------------------------------------------------------------------------

SESSION_SPEC = ListSpec(
    title="会次",
    columns=[
        Column("人大", lambda s: s.congress.name),
        Column("名称", lambda s: s.title),
        Column("期间", lambda s: s.get_period_display()),
        Column("年度", lambda s: s.year),
        Column("开始日期", lambda s: _date(s.starts_on)),
        Column("结束日期", lambda s: _date(s.ends_on)),
        Column("当前会次", lambda s: _yes(s.is_current)),
        Column("已立案编号", lambda s: s.last_number),
    ],
    search_fields=["title", "congress__name"],
    search_hint="会次名称或人大",
    filters=[
        field_filter("period", "期间", SessionPeriod.choices),
        field_filter("current", "当前会次", CURRENT_CHOICES, "is_current"),
    ],
    export_name="会次",
    empty_text="还没有设置会次。代表提出建议前，请先新增会次并设为当前会次。",
)


@staff_required(MANAGE)
def suggestion_session_list(request: HttpRequest) -> HttpResponse:
    qs = restrict(SuggestionSession.objects.select_related("congress"), request.user).order_by(
        "congress__division__path", "-starts_on", "-id"
    )

    def actions(s):
        acts = {"edit": reverse("console:suggestion_session_edit", args=[s.pk])}
        if not s.last_number:
            acts["delete"] = reverse("console:suggestion_session_delete", args=[s.pk])
        return acts

    create = reverse("console:suggestion_session_create")
    return _page(request, qs, SESSION_SPEC, actions, create_url=create, create_label="新增会次")


@require_http_methods(["GET", "POST"])
@staff_required(MANAGE)
def suggestion_session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, user=request.user)
    save = lambda: cfg.suggestion_session_create(actor=request.user, **form.cleaned_data)  # noqa: E731
    return _edit_page(request, form, save, done="console:suggestion_session_list", title="新增会次")


@require_http_methods(["GET", "POST"])
@staff_required(MANAGE)
def suggestion_session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_scoped_or_404(SuggestionSession.objects.select_related("congress"), request.user, pk=pk)
    # A fresh instance for the form: ModelForm validation writes into it, the service re-reads the row.
    form = SessionForm(request.POST or None, instance=SuggestionSession.objects.get(pk=pk), user=request.user)
    save = lambda: cfg.suggestion_session_update(actor=request.user, session=session, **form.cleaned_data)  # noqa: E731
    title = f"编辑会次：{session.congress.name} {session.title}"
    return _edit_page(request, form, save, done="console:suggestion_session_list", title=title)


@require_POST
@staff_required(MANAGE)
def suggestion_session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_scoped_or_404(SuggestionSession.objects.select_related("congress"), request.user, pk=pk)
    title = session.title
    run_service(
        request, lambda: cfg.suggestion_session_delete(actor=request.user, session=session), f"已删除会次“{title}”。"
    )
    return redirect("console:suggestion_session_list")


# --- 建议分类 (platform-wide) -------------------------------------------------------------------

CATEGORY_SPEC = ListSpec(
    title="建议分类",
    columns=[
        Column("名称", lambda c: c.name),
        Column("排序", lambda c: c.order),
        Column("启用", lambda c: c.is_active, badge=True),
    ],
    search_fields=["name"],
    search_hint="分类名称",
    filters=[active_filter()],
    export_name="建议分类",
)


@staff_required(CONFIGURE)
def suggestion_category_list(request: HttpRequest) -> HttpResponse:
    can_write = cfg.may_configure_global(request.user)

    def actions(c):
        if not can_write:
            return {}
        return {
            "edit": reverse("console:suggestion_category_edit", args=[c.pk]),
            "toggle": reverse("console:suggestion_category_toggle", args=[c.pk]),
        }

    create = reverse("console:suggestion_category_create") if can_write else ""
    return _page(
        request, SuggestionCategory.objects.order_by("order", "name"), CATEGORY_SPEC, actions,
        create_url=create, create_label="新增分类", read_only=not can_write,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_required(CONFIGURE)
def suggestion_category_create(request: HttpRequest) -> HttpResponse:
    _require_global(request.user)
    form = CategoryForm(request.POST or None)
    save = lambda: cfg.suggestion_category_create(actor=request.user, **form.cleaned_data)  # noqa: E731
    return _edit_page(request, form, save, done="console:suggestion_category_list", title="新增建议分类")


@require_http_methods(["GET", "POST"])
@staff_required(CONFIGURE)
def suggestion_category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_global(request.user)
    category = get_object_or_404(SuggestionCategory, pk=pk)
    form = CategoryForm(request.POST or None, instance=SuggestionCategory.objects.get(pk=pk))
    save = lambda: cfg.suggestion_category_update(actor=request.user, category=category, **form.cleaned_data)  # noqa: E731
    return _edit_page(request, form, save, done="console:suggestion_category_list", title=f"编辑建议分类：{category}")


@require_POST
@staff_required(CONFIGURE)
def suggestion_category_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    _require_global(request.user)
    category = get_object_or_404(SuggestionCategory, pk=pk)
    _toggle(
        request, lambda active: cfg.suggestion_category_set_active(actor=request.user, category=category, active=active),
        category, "建议分类",
    )  # fmt: skip
    return redirect("console:suggestion_category_list")


# --- 重点督办专题 -------------------------------------------------------------------------------

TOPIC_SPEC = ListSpec(
    title="重点督办专题",
    columns=[
        Column("人大", lambda t: t.congress.name),
        Column("专题", lambda t: t.title),
        Column("督办领导", lambda t: t.leader),
        Column("重点建议数", lambda t: t.n_suggestions),
        Column("创建时间", lambda t: _date(t.created_at)),
        Column("启用", lambda t: t.is_active, badge=True),
    ],
    search_fields=["title", "leader", "congress__name"],
    search_hint="专题、督办领导或人大",
    filters=[active_filter()],
    export_name="重点督办专题",
    empty_text="还没有重点督办专题。",
)


@staff_required(MANAGE)
def key_topic_list(request: HttpRequest) -> HttpResponse:
    qs = restrict(KeyTopic.objects.select_related("congress"), request.user)
    qs = qs.annotate(n_suggestions=Count("suggestions")).order_by("congress__division__path", "-created_at", "-id")

    def actions(t):
        return {
            "edit": reverse("console:key_topic_edit", args=[t.pk]),
            "toggle": reverse("console:key_topic_toggle", args=[t.pk]),
        }

    create = reverse("console:key_topic_create")
    return _page(request, qs, TOPIC_SPEC, actions, create_url=create, create_label="新增专题")


@require_http_methods(["GET", "POST"])
@staff_required(MANAGE)
def key_topic_create(request: HttpRequest) -> HttpResponse:
    form = KeyTopicForm(request.POST or None, user=request.user)
    save = lambda: svc.key_topic_create(actor=request.user, **form.cleaned_data)  # noqa: E731
    return _edit_page(request, form, save, done="console:key_topic_list", title="新增重点督办专题")


@require_http_methods(["GET", "POST"])
@staff_required(MANAGE)
def key_topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_scoped_or_404(KeyTopic.objects.select_related("congress"), request.user, pk=pk)
    form = KeyTopicForm(request.POST or None, instance=KeyTopic.objects.get(pk=pk), user=request.user)
    save = lambda: cfg.key_topic_update(actor=request.user, topic=topic, **form.cleaned_data)  # noqa: E731
    return _edit_page(request, form, save, done="console:key_topic_list", title=f"编辑专题：{topic.title}")


@require_POST
@staff_required(MANAGE)
def key_topic_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_scoped_or_404(KeyTopic.objects.select_related("congress"), request.user, pk=pk)
    _toggle(
        request, lambda active: cfg.key_topic_set_active(actor=request.user, topic=topic, active=active), topic, "专题"
    )
    return redirect("console:key_topic_list")


# --- 议案联名人数 (platform-wide) ---------------------------------------------------------------

THRESHOLD_SPEC = ListSpec(
    title="议案联名人数",
    columns=[
        Column("人大层级", lambda t: t.get_level_display()),
        Column("最少联名人数（含领衔代表）", lambda t: t.min_signers),
    ],
    export_name="议案联名人数",
    empty_text="尚未配置，使用默认人数。",
)


@staff_required(CONFIGURE)
def motion_threshold_list(request: HttpRequest) -> HttpResponse:
    can_write = cfg.may_configure_global(request.user)

    def actions(t):
        return {"edit": reverse("console:motion_threshold_edit", args=[t.level])} if can_write else {}

    return _page(request, MotionThreshold.objects.order_by("level"), THRESHOLD_SPEC, actions, read_only=not can_write)


@require_http_methods(["GET", "POST"])
@staff_required(CONFIGURE)
def motion_threshold_edit(request: HttpRequest, level: str) -> HttpResponse:
    _require_global(request.user)
    if level not in CongressLevel.values:
        raise Http404("没有这个人大层级。")
    instance = MotionThreshold.objects.filter(level=level).first() or MotionThreshold(level=level)
    form = ThresholdForm(request.POST or None, instance=instance)
    save = lambda: cfg.motion_threshold_set(actor=request.user, level=level, **form.cleaned_data)  # noqa: E731
    title = f"议案联名人数：{CongressLevel(level).label}"
    return _edit_page(request, form, save, done="console:motion_threshold_list", title=title)


# --- 答复类别 (suggestions' A/B/C/D) ------------------------------------------------------------

RESULT_SPEC = ListSpec(
    title="答复类别",
    columns=[
        Column("代码", lambda r: r.code),
        Column("名称", lambda r: r.label),
        Column("须填写承诺事项", lambda r: _yes(r.creates_commitment)),
        Column("排序", lambda r: r.order),
        Column("启用", lambda r: r.is_active, badge=True),
    ],
    search_fields=["code", "label"],
    filters=[active_filter()],
    export_name="答复类别",
)


def _results():
    return ResultCategory.objects.filter(kind=CaseKind.SUGGESTION)


@staff_required(CONFIGURE)
def result_category_list(request: HttpRequest) -> HttpResponse:
    can_write = cfg.may_configure_global(request.user)

    def actions(r):
        if not can_write:
            return {}
        return {
            "edit": reverse("console:result_category_edit", args=[r.pk]),
            "toggle": reverse("console:result_category_toggle", args=[r.pk]),
        }

    return _page(request, _results().order_by("order", "code"), RESULT_SPEC, actions, read_only=not can_write)


@require_http_methods(["GET", "POST"])
@staff_required(CONFIGURE)
def result_category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_global(request.user)
    category = get_object_or_404(_results(), pk=pk)
    form = ResultCategoryForm(request.POST or None, instance=_results().get(pk=pk))
    save = lambda: cfg.result_category_update(actor=request.user, category=category, **form.cleaned_data)  # noqa: E731
    return _edit_page(request, form, save, done="console:result_category_list", title=f"编辑答复类别：{category}")


@require_POST
@staff_required(CONFIGURE)
def result_category_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    _require_global(request.user)
    category = get_object_or_404(_results(), pk=pk)
    _toggle(
        request, lambda active: cfg.result_category_set_active(actor=request.user, category=category, active=active),
        category, "答复类别",
    )  # fmt: skip
    return redirect("console:result_category_list")
