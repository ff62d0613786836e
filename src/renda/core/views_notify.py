"""Console: one's own notifications, and the editable wording of messages (模板)."""

from django import forms
from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from renda.core import services_notify as svc
from renda.core.access import staff_required
from renda.core.lists import Column, Filter, ListSpec, run_list
from renda.core.models import MessageTemplate, Notification
from renda.core.notifications import DEFAULT_TEMPLATES
from renda.registry.views_base import run_service, save_form

NOTIFICATION_SPEC = ListSpec(
    title="通知",
    columns=[
        Column("标题", lambda n: n.title),
        Column("内容", lambda n: n.body),
        Column("时间", lambda n: n.created_at),
        Column("状态", lambda n: "已读" if n.read_at else "未读"),
    ],
    search_fields=["title", "body"],
    search_hint="搜索通知内容",
    filters=[
        Filter("read", "状态", (("0", "未读"), ("1", "已读")), lambda qs, v: qs.filter(read_at__isnull=(v == "0")))
    ],
    export_name="通知",
    empty_text="暂时没有通知。",
)


@staff_required("console")
def notification_list(request):
    own = Notification.objects.filter(user=request.user)
    unread_first = Case(When(read_at=None, then=Value(0)), default=Value(1), output_field=IntegerField())
    result = run_list(request, own.order_by(unread_first, "-created_at", "-id"), NOTIFICATION_SPEC)
    if not isinstance(result, dict):
        return result
    result["unread"] = own.filter(read_at=None).count()
    return render(request, "core/notify/notification_list.html", result)


@require_POST
@staff_required("console")
def notification_read(request, pk):
    notification = Notification.objects.filter(user=request.user, pk=pk).first()
    if notification is None:
        raise Http404("没有找到该通知。")
    svc.notification_mark_read(actor=request.user, pk=pk)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("console:notification_list")


@require_POST
@staff_required("console")
def notification_read_all(request):
    count = svc.notification_mark_read(actor=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect("console:notification_list")


# --- Message templates -----------------------------------------------------------------------


@staff_required("case.configure")
def template_list(request):
    saved = dict(MessageTemplate.objects.values_list("key", "text"))
    rows = [
        {"key": key, "purpose": purpose, "text": saved.get(key, default), "custom": key in saved}
        for key, (purpose, default) in DEFAULT_TEMPLATES.items()
    ]
    return render(request, "core/notify/template_list.html", {"rows": rows})


class TemplateForm(forms.Form):
    text = forms.CharField(
        label="模板内容",
        max_length=svc.MAX_TEMPLATE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写模板内容。"},
    )


def _template_or_404(key: str) -> tuple[str, str]:
    if key not in DEFAULT_TEMPLATES:
        raise Http404("没有这个消息模板。")
    return DEFAULT_TEMPLATES[key]


@staff_required("case.configure")
def template_edit(request, key):
    purpose, default = _template_or_404(key)
    saved = MessageTemplate.objects.filter(key=key).values_list("text", flat=True).first()
    form = TemplateForm(request.POST or None, initial={"text": saved or default})
    if request.method == "POST" and save_form(
        form, lambda: svc.message_template_save(actor=request.user, key=key, text=form.cleaned_data["text"])
    ):
        messages.success(request, f"已保存消息模板“{purpose}”。")
        return redirect("console:template_list")
    ctx = {
        "form": form,
        "key": key,
        "purpose": purpose,
        "default": default,
        "custom": saved is not None,
        "allowed": ["{" + name + "}" for name in svc.allowed_placeholders(key)],
    }
    return render(request, "core/notify/template_edit.html", ctx)


@require_POST
@staff_required("case.configure")
def template_reset(request, key):
    purpose, _ = _template_or_404(key)
    run_service(
        request, lambda: svc.message_template_reset(actor=request.user, key=key), f"已将“{purpose}”恢复为默认内容。"
    )
    return redirect("console:template_list")
