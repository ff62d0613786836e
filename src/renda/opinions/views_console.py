"""Console views for opinions: inbox, detail with the handling actions, staff entry, blocked phones."""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from renda.core.access import restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, field_filter, run_list
from renda.core.masking import mask_phone, phone_for
from renda.core.uploads import media_response
from renda.handling.models import OPEN_STATES, CaseState, ReplyAttachment
from renda.opinions import actions
from renda.opinions import services as svc
from renda.opinions.forms_console import BlockPhoneForm, StaffEntryForm
from renda.opinions.models import BlockedPhone, Category, Channel, Opinion, OpinionPhoto
from renda.opinions.selectors import case_record, is_front_user, opinion_get, opinion_inbox
from renda.registry.models import Deputy, Station
from renda.registry.views_base import apply_errors, run_service

TABS = [("todo", "待办"), ("accept", "待受理"), ("review", "待反馈"), ("all", "全部")]
TAB_STATES = {
    "todo": (CaseState.SUBMITTED, CaseState.REPLIED),
    "accept": (CaseState.SUBMITTED,),
    "review": (CaseState.REPLIED,),
}
SUPERVISION_CHOICES = [("1", "一级督办"), ("2", "二级督办"), ("3", "三级督办")]


def _citizen(o: Opinion) -> str:
    return "匿名" if o.anonymous else (o.citizen_name or "—")


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _by_category(qs, value):
    return qs.filter(Q(category__path=value) | Q(category__path__startswith=value + "/"))


def _overdue(qs, value):
    return qs.filter(case__state__in=OPEN_STATES, case__stage_due_at__lt=timezone.now())


def opinion_spec(user) -> ListSpec:
    return ListSpec(
        title="群众意见",
        columns=[
            Column("查询码", lambda o: o.tracking_code, link=True),
            Column("标题", lambda o: o.display_title, link=True),
            Column("状态", lambda o: o.case.get_state_display()),
            Column("来源渠道", lambda o: o.get_channel_display()),
            Column("分类", lambda o: o.category.path if o.category else ""),
            Column("代表", lambda o: o.deputy.name if o.deputy else ""),
            Column("家站点", lambda o: o.station.name if o.station else ""),
            Column("群众", _citizen),
            Column("手机号", lambda o: phone_for(user, o.phone)),
            Column("提交时间", lambda o: _local(o.created_at)),
            Column("当前时限", lambda o: _local(o.case.stage_due_at)),
            Column("超期", lambda o: o.case.is_overdue),
            Column("督办级别", lambda o: o.case.supervision_level or ""),
        ],
        search_fields=["tracking_code", "title", "content"],
        search_hint="查询码、标题或内容",
        filters=[
            field_filter("state", "状态", CaseState.choices, "case__state"),
            field_filter("channel", "来源渠道", Channel.choices),
            Filter("category", "分类", lambda: _level1_categories(), _by_category),
            field_filter("deputy", "代表", lambda: _scoped(Deputy, user), "deputy_id"),
            field_filter("station", "家站点", lambda: _scoped(Station, user), "station_id"),
            Filter("overdue", "超期", [("1", "仅看超期")], _overdue),
            field_filter("supervision", "督办", SUPERVISION_CHOICES, "case__supervision_level"),
        ],
        export_name="群众意见",
        detail_url="console:opinion_detail",
        empty_text="没有符合条件的意见。",
    )


def _level1_categories():
    return Category.objects.filter(level=1, is_active=True).values_list("path", "name").distinct().order_by("path")


def _scoped(model, user):
    return restrict(model.objects.filter(is_active=True), user).order_by("name").values_list("pk", "name")


def _date_range(request: HttpRequest, qs):
    start = parse_date(request.GET.get("from", "") or "") if len(request.GET.get("from", "")) == 10 else None
    end = parse_date(request.GET.get("to", "") or "") if len(request.GET.get("to", "")) == 10 else None
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(created_at__gte=datetime.datetime.combine(start, datetime.time.min, tz))
    if end:
        qs = qs.filter(
            created_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
        )
    return qs, start, end


@staff_required("case.view")
def opinion_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    default_tab = "todo" if is_front_user(user) else "all"
    tab = request.GET.get("tab", default_tab)
    tab = tab if tab in dict(TABS) else default_tab
    qs = opinion_inbox(user)
    if tab in TAB_STATES:
        qs = qs.filter(case__state__in=TAB_STATES[tab])
    try:
        qs, start, end = _date_range(request, qs)
    except ValueError:
        qs, start, end = qs, None, None
    result = run_list(request, qs, opinion_spec(user))
    if isinstance(result, HttpResponse):
        return result
    result.update(tab=tab, tabs=TABS, date_from=start, date_to=end)
    return render(request, "opinions/console/list.html", result)


@staff_required("case.view")
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = opinion_get(request.user, pk)
    record = case_record(opinion)
    panel = []
    for name in actions.available(request.user, opinion, record):
        action = actions.ACTIONS[name]
        initial = {}
        if name == "feedback" and record.latest_reply is not None:
            initial["text"] = record.latest_reply.content
        if name == "extension":
            for ext in record.pending_extensions:
                form = action.form(
                    initial={"request": ext.pk}, user=request.user, opinion=opinion, auto_id=f"id_{name}{ext.pk}_%s"
                )
                panel.append({"name": name, "action": action, "form": form, "extension": ext})
            continue
        form = action.form(initial=initial, user=request.user, opinion=opinion, auto_id=f"id_{name}_%s")
        panel.append({"name": name, "action": action, "form": form})
    ctx = {
        "opinion": opinion,
        "case": opinion.case,
        "record": record,
        "panel": panel,
        "phone": phone_for(request.user, opinion.phone),
        "mine": actions.own_assignment(request.user, record),
    }
    return render(request, "opinions/console/detail.html", ctx)


@require_POST
@staff_required("console")
def opinion_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    opinion = opinion_get(request.user, pk)
    if action not in actions.ACTIONS:
        raise Http404("没有这个操作。")
    ok, text = actions.run_action(action, request.user, opinion, request.POST, request.FILES)
    (messages.success if ok else messages.error)(request, text)
    return redirect("console:opinion_detail", pk=opinion.pk)


@staff_required("case.enter")
def opinion_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = StaffEntryForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            d = form.cleaned_data
            data = svc.OpinionInput(
                content=d["content"], channel=d["channel"], title=d["title"], category=d["category"],
                address=d["address"], citizen_name=d["citizen_name"], phone=d["phone"],
                phone_verified=bool(d["phone"]), anonymous=d["anonymous"], consent=d["consent"],
                deputy=d["deputy"], station=d["station"], photos=d["photos"],
            )  # fmt: skip
            try:
                opinion, _ = svc.opinion_submit(
                    actor=user, data=data, idempotency_key=d["idempotency_key"] or None, register_now=True
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已录入。查询码：{opinion.tracking_code}，请告知群众凭此查询办理进展。")
                return redirect("console:opinion_detail", pk=opinion.pk)
    else:
        form = StaffEntryForm(initial={"idempotency_key": uuid.uuid4().hex}, user=user)
    return render(request, "opinions/console/create.html", {"form": form})


@staff_required("opinion.spam")
def blocked_phone_list(request: HttpRequest) -> HttpResponse:
    form = BlockPhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        ok = run_service(
            request,
            lambda: svc.phone_block(actor=request.user, phone=phone, reason=form.cleaned_data["reason"]),
            f"已屏蔽 {mask_phone(phone)}。",
        )
        if ok:
            return redirect("console:blocked_phone_list")
    spec = ListSpec(
        title="屏蔽号码",
        columns=[
            Column("手机号", lambda b: phone_for(request.user, b.phone)),
            Column("原因", lambda b: b.reason),
            Column("操作人", lambda b: str(b.blocked_by) if b.blocked_by else ""),
            Column("时间", lambda b: _local(b.blocked_at)),
        ],
        search_fields=["phone", "reason"],
        search_hint="手机号或原因",
        export_name="屏蔽号码",
        empty_text="没有被屏蔽的手机号。",
    )
    # Blocking is platform-wide (a phone is blocked everywhere), so the list is not scoped.
    result = run_list(request, BlockedPhone.objects.select_related("blocked_by").order_by("-blocked_at"), spec)
    if isinstance(result, HttpResponse):
        return result
    return render(request, "opinions/console/blocked_phones.html", {**result, "form": form})


@require_POST
@staff_required("opinion.spam")
def blocked_phone_unblock(request: HttpRequest, pk: int) -> HttpResponse:
    blocked = get_object_or_404(BlockedPhone, pk=pk)
    run_service(
        request,
        lambda: svc.phone_unblock(actor=request.user, phone=blocked.phone),
        f"已解除屏蔽 {mask_phone(blocked.phone)}。",
    )
    return redirect("console:blocked_phone_list")


@staff_required("case.view")
def opinion_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A citizen's photo, to whoever may open its opinion (404 outside that scope)."""
    photo = OpinionPhoto.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404("照片不存在。")
    opinion_get(request.user, photo.opinion_id)
    return media_response(photo.image, public=False)


@staff_required("case.view")
def opinion_reply_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An attachment of a reply to an opinion, to whoever may open the opinion (404 outside that scope)."""
    attachment = ReplyAttachment.objects.select_related("reply__case__opinion").filter(pk=pk).first()
    opinion = getattr(attachment.reply.case, "opinion", None) if attachment else None
    if opinion is None:
        raise Http404("附件不存在。")
    opinion_get(request.user, opinion.pk)
    return media_response(attachment.file, public=False, filename=attachment.name)
