"""Console pages of 信息发布: staff publish and push; deputies read their pushed notices."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, field_filter, run_list
from renda.core.uploads import media_response
from renda.notices import selectors as sel
from renda.notices import services as svc
from renda.notices.forms import NamedForm, NoticeForm, PushForm
from renda.notices.models import (
    DeputyTag,
    Notice,
    NoticeAttachment,
    NoticeKind,
    NoticeStatus,
    NoticeTheme,
    Push,
)
from renda.registry.forms import DeputyPickForm
from renda.registry.models import Deputy
from renda.registry.views_base import error_messages, form_errors_text, run_service, save_form

PUBLIC_CHOICES = (("1", "公开"), ("0", "不公开"))


def _dt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _list(request, qs, spec, template, **extra) -> HttpResponse:
    result = run_list(request, qs, spec)
    if isinstance(result, HttpResponse):
        return result
    return render(request, template, {**result, **extra})


# --- Staff: notices -----------------------------------------------------------------------------


def notice_spec(user) -> ListSpec:
    themes = lambda: restrict(NoticeTheme.objects.all(), user).values_list("pk", "name")  # noqa: E731
    return ListSpec(
        title="信息发布",
        columns=[
            Column("标题", lambda n: n.title, link=True),
            Column("类别", lambda n: n.get_kind_display()),
            Column("发布单位", lambda n: n.congress.name),
            Column("主题", lambda n: n.theme.name if n.theme else ""),
            Column("状态", lambda n: n.get_status_display()),
            Column("公开", lambda n: "公开" if n.publish_public else "不公开"),
            Column("发布时间", lambda n: _dt(n.published_at)),
            Column("推送人数", lambda n: n.pushed),
            Column("已读", lambda n: n.read),
        ],
        search_fields=["title", "summary", "body"],
        search_hint="标题、摘要或正文",
        filters=[
            field_filter("kind", "类别", NoticeKind.choices),
            field_filter("status", "状态", NoticeStatus.choices),
            Filter("public", "公开", PUBLIC_CHOICES, lambda qs, v: qs.filter(publish_public=(v == "1"))),
            field_filter("theme", "主题", themes, "theme_id"),
        ],
        export_name="信息发布",
        detail_url="console:notice_detail",
        empty_text="还没有发布信息。",
    )


@staff_required("notices.manage")
def notice_list(request):
    return _list(request, sel.notices_for_staff(request.user), notice_spec(request.user), "notices/list.html")


@staff_required("notices.manage")
def notice_create(request):
    form = NoticeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        notice = save_form(
            form,
            lambda: svc.notice_create(
                actor=request.user,
                congress=form.cleaned_data["congress"],
                **{k: form.cleaned_data[k] for k in svc.NOTICE_FIELDS},
            ),
        )
        if notice:
            messages.success(request, "已保存草稿，可上传附件后发布。")
            return redirect("console:notice_detail", pk=notice.pk)
    return render(request, "notices/form.html", {"form": form, "title": "新建信息"})


@staff_required("notices.manage")
def notice_edit(request, pk):
    notice = get_scoped_or_404(Notice.objects.select_related("congress"), request.user, pk=pk)
    form = NoticeForm(request.POST or None, instance=notice, user=request.user)
    if request.method == "POST":
        fields = {}
        if form.is_valid():
            fields = {k: form.cleaned_data[k] for k in svc.NOTICE_FIELDS}
        if save_form(form, lambda: svc.notice_update(actor=request.user, notice=notice, **fields)):
            messages.success(request, "已保存修改。")
            return redirect("console:notice_detail", pk=notice.pk)
    return render(request, "notices/form.html", {"form": form, "title": f"修改：{notice.title}", "notice": notice})


@staff_required("notices.manage")
def notice_detail(request, pk):
    notice = get_scoped_or_404(Notice.objects.select_related("congress", "theme", "created_by"), request.user, pk=pk)
    pushes = sel.push_summaries(Push.objects.filter(notice=notice).select_related("sent_by"))
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "attachments": list(notice.attachments.all()),
            "pushes": pushes,
            "actions": sel.notice_actions(notice),
        },
    )


@require_POST
@staff_required("notices.manage")
def notice_action(request, pk):
    notice = get_scoped_or_404(Notice.objects.all(), request.user, pk=pk)
    to = request.POST.get("to", "")
    labels = {NoticeStatus.PUBLISHED: "已发布", NoticeStatus.WITHDRAWN: "已撤回", NoticeStatus.DRAFT: "已改回草稿"}
    if to not in labels:
        messages.error(request, "操作不正确。")
    else:
        run_service(request, lambda: svc.notice_transition(actor=request.user, notice=notice, to=to), labels[to] + "。")
    return redirect("console:notice_detail", pk=notice.pk)


@require_POST
@staff_required("notices.manage")
def notice_attach(request, pk):
    notice = get_scoped_or_404(Notice.objects.all(), request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
    else:
        run_service(
            request, lambda: svc.notice_attach(actor=request.user, notice=notice, uploaded_file=upload), "已上传附件。"
        )
    return redirect("console:notice_detail", pk=notice.pk)


@require_POST
@staff_required("notices.manage")
def notice_attachment_delete(request, pk, attachment_pk):
    attachment = get_scoped_or_404(
        NoticeAttachment.objects.select_related("notice"), request.user, pk=attachment_pk, notice_id=pk
    )
    run_service(request, lambda: svc.attachment_delete(actor=request.user, attachment=attachment), "已删除附件。")
    return redirect("console:notice_detail", pk=pk)


def attachment_response(attachment: NoticeAttachment, *, public: bool = False):
    return media_response(attachment.file, public=public, filename=attachment.name, content_type=attachment.content_type)


@staff_required("console")
def notice_attachment(request, pk, attachment_pk):
    """Staff of the owning congress, or a deputy the notice was pushed to."""
    attachment = get_scoped_or_404(NoticeAttachment.objects.all(), request.user, pk=attachment_pk, notice_id=pk)
    return attachment_response(attachment)


# --- Staff: pushes and receipts -----------------------------------------------------------------


@staff_required("notices.manage")
def push_create(request, pk):
    notice = get_scoped_or_404(Notice.objects.select_related("congress__division"), request.user, pk=pk)
    form = PushForm(request.POST or None, user=request.user, notice=notice)
    preview = None
    if request.method == "POST" and form.is_valid():
        audience = svc.Audience(**form.cleaned_data)
        if request.POST.get("preview"):
            preview = svc.audience_deputies(notice, audience).count()
        else:
            try:
                push = svc.push_send(actor=request.user, notice=notice, audience=audience)
            except ValidationError as exc:
                form.add_error(None, error_messages(exc))
            else:
                messages.success(request, f"已推送给 {push.recipient_count} 名代表。")
                return redirect("console:push_detail", pk=push.pk)
    return render(request, "notices/push_form.html", {"form": form, "notice": notice, "preview": preview})


RECEIPT_SPEC = ListSpec(
    title="阅读回执",
    columns=[
        Column("代表编号", lambda r: r.deputy.number),
        Column("姓名", lambda r: r.deputy.name),
        Column("工作单位及职务", lambda r: r.deputy.position),
        Column("平台账号", lambda r: "有" if r.has_account else "无（无法在线阅读）"),
        Column("状态", lambda r: "已读" if r.read_at else "未读"),
        Column("阅读时间", lambda r: _dt(r.read_at)),
    ],
    search_fields=["deputy__name", "deputy__number"],
    search_hint="代表姓名或编号",
    filters=[
        Filter("read", "状态", (("0", "未读"), ("1", "已读")), lambda qs, v: qs.filter(read_at__isnull=(v == "0")))
    ],
    export_name="阅读回执",
    empty_text="没有符合条件的接收人。",
)


@staff_required("notices.manage")
def push_detail(request, pk):
    push = get_scoped_or_404(Push.objects.select_related("notice", "sent_by"), request.user, pk=pk)
    counts = push.recipients.aggregate(total=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))
    return _list(
        request,
        sel.receipts(push),
        RECEIPT_SPEC,
        "notices/push_detail.html",
        push=push,
        counts=counts,
        unread=counts["total"] - counts["read"],
    )


# --- Staff: themes and tags ---------------------------------------------------------------------


THEME_SPEC = ListSpec(
    title="信息主题",
    columns=[
        Column("主题", lambda t: t.name),
        Column("所属人大", lambda t: t.congress.name),
        Column("信息数", lambda t: t.n),
        Column("状态", lambda t: t.is_active, badge=True),
    ],
    search_fields=["name"],
    search_hint="主题名称",
    filters=[Filter("active", "状态", (("1", "启用"), ("0", "停用")), lambda qs, v: qs.filter(is_active=(v == "1")))],
    export_name="信息主题",
    empty_text="还没有信息主题。",
)


@staff_required("notices.manage")
def notice_theme_list(request):
    form = NamedForm(request.POST or None, user=request.user)
    if request.method == "POST" and save_form(
        form,
        lambda: svc.theme_create(
            actor=request.user, congress=form.cleaned_data["congress"], name=form.cleaned_data["name"]
        ),
    ):
        messages.success(request, "已新增主题。")
        return redirect("console:notice_theme_list")
    qs = restrict(NoticeTheme.objects.select_related("congress"), request.user).annotate(n=Count("notices"))
    return _list(request, qs.order_by("name", "pk"), THEME_SPEC, "notices/theme_list.html", form=form)


@require_POST
@staff_required("notices.manage")
def notice_theme_toggle(request, pk):
    theme = get_scoped_or_404(NoticeTheme.objects.all(), request.user, pk=pk)
    active = request.POST.get("active") == "1"
    run_service(
        request,
        lambda: svc.theme_set_active(actor=request.user, theme=theme, active=active),
        f"已{'启用' if active else '停用'}主题“{theme.name}”。",
    )
    return redirect("console:notice_theme_list")


TAG_SPEC = ListSpec(
    title="代表标签",
    columns=[
        Column("标签", lambda t: t.name, link=True),
        Column("所属人大", lambda t: t.congress.name),
        Column("代表人数", lambda t: t.n),
    ],
    search_fields=["name"],
    search_hint="标签名称",
    export_name="代表标签",
    detail_url="console:notice_tag_detail",
    empty_text="还没有代表标签。标签用于按界别、专业等精准推送。",
)


@staff_required("notices.manage")
def notice_tag_list(request):
    form = NamedForm(request.POST or None, user=request.user)
    if request.method == "POST":
        tag = save_form(
            form,
            lambda: svc.tag_create(
                actor=request.user, congress=form.cleaned_data["congress"], name=form.cleaned_data["name"]
            ),
        )
        if tag:
            messages.success(request, f"已新增标签“{tag.name}”，请添加代表。")
            return redirect("console:notice_tag_detail", pk=tag.pk)
    qs = restrict(DeputyTag.objects.select_related("congress"), request.user).annotate(n=Count("taggings"))
    return _list(request, qs.order_by("name", "pk"), TAG_SPEC, "notices/tag_list.html", form=form)


@staff_required("notices.manage")
def notice_tag_detail(request, pk):
    tag = get_scoped_or_404(DeputyTag.objects.select_related("congress"), request.user, pk=pk)
    form = DeputyPickForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            deputy = form.cleaned_data["deputy"]
            run_service(
                request,
                lambda: svc.tag_add_deputy(actor=request.user, tag=tag, deputy=deputy),
                f"已为{deputy.name}添加标签。",
            )
        else:
            messages.error(request, form_errors_text(form))
        return redirect("console:notice_tag_detail", pk=tag.pk)
    members = Deputy.objects.filter(notice_taggings__tag=tag).order_by("number")
    return render(request, "notices/tag_detail.html", {"tag": tag, "members": members, "form": form})


@require_POST
@staff_required("notices.manage")
def notice_tag_remove(request, pk, deputy_pk):
    tag = get_scoped_or_404(DeputyTag.objects.all(), request.user, pk=pk)
    deputy = get_scoped_or_404(Deputy.objects.all(), request.user, pk=deputy_pk)
    run_service(
        request,
        lambda: svc.tag_remove_deputy(actor=request.user, tag=tag, deputy=deputy),
        f"已移除{deputy.name}的标签。",
    )
    return redirect("console:notice_tag_detail", pk=tag.pk)


# --- Deputies: my pushed notices ----------------------------------------------------------------

MY_SPEC = ListSpec(
    title="我的推送信息",
    columns=[
        Column("标题", lambda r: r.push.notice.title, link=True),
        Column("类别", lambda r: r.push.notice.get_kind_display()),
        Column("发布单位", lambda r: r.push.notice.congress.name),
        Column("推送时间", lambda r: _dt(r.push.sent_at)),
        Column("状态", lambda r: "已读" if r.read_at else "未读"),
    ],
    search_fields=["push__notice__title", "push__notice__body"],
    search_hint="标题或正文",
    filters=[
        Filter("read", "状态", (("0", "未读"), ("1", "已读")), lambda qs, v: qs.filter(read_at__isnull=(v == "0"))),
        field_filter("kind", "类别", NoticeKind.choices, "push__notice__kind"),
    ],
    export_name="我的推送信息",
    detail_url="console:my_notice_detail",
    empty_text="暂时没有推送给您的信息。",
)


@staff_required("console")
def my_notice_list(request):
    qs = sel.my_copies(request.user)
    unread_first = Case(When(read_at=None, then=Value(0)), default=Value(1), output_field=IntegerField())
    return _list(
        request,
        qs.order_by(unread_first, "-push__sent_at", "-pk"),
        MY_SPEC,
        "notices/my_list.html",
        unread=sel.unread_count(request.user),
        no_deputy=not request.user.deputy_id,
    )


@staff_required("console")
def my_notice_detail(request, pk):
    recipient = get_scoped_or_404(sel.my_copies(request.user), request.user, pk=pk)
    notice = recipient.push.notice
    if notice.status == NoticeStatus.PUBLISHED:
        svc.recipient_mark_read(actor=request.user, recipient=recipient)
    attachments = list(notice.attachments.all()) if notice.status == NoticeStatus.PUBLISHED else []
    return render(
        request, "notices/my_detail.html", {"recipient": recipient, "notice": notice, "attachments": attachments}
    )
