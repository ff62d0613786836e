"""Console: configuring the handling engine's stage time limits (perm case.configure)."""

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from renda.core.access import staff_required
from renda.core.lists import Column, ListSpec, active_filter, field_filter, run_list
from renda.handling import services_config as svc
from renda.handling.deadlines import DEFAULT_LIMITS, Limit
from renda.handling.models import Stage, StageLimit, Urgency
from renda.registry.views_base import form_page, run_service, save_form

SPEC = ListSpec(
    title="办理时限",
    columns=[
        Column("环节", lambda r: r.get_stage_display()),
        Column("办理类别", lambda r: r.get_urgency_display() or "全部"),
        Column("分类（前缀）", lambda r: r.category_prefix or "全部"),
        Column("时限", lambda r: str(Limit(r.amount, r.unit))),
        Column("启用", lambda r: r.is_active, badge=True),
    ],
    search_fields=["category_prefix"],
    search_hint="按分类搜索",
    filters=[field_filter("stage", "环节", Stage.choices), active_filter()],
    export_name="办理时限",
    empty_text="尚未配置，使用下方的默认时限。",
)


@staff_required("case.configure")
def stage_limit_list(request):
    result = run_list(request, StageLimit.objects.order_by("stage", "urgency", "category_prefix"), SPEC)
    if not isinstance(result, dict):
        return result
    defaults = [
        {"stage": Stage(stage).label, "urgency": Urgency(urgency).label if urgency else "全部", "limit": str(limit)}
        for (stage, urgency), limit in sorted(
            DEFAULT_LIMITS.items(), key=lambda kv: (Stage.values.index(kv[0][0]), kv[0][1])
        )
    ]
    return render(request, "handling/config/stage_limit_list.html", {**result, "defaults": defaults})


class StageLimitForm(forms.ModelForm):
    class Meta:
        model = StageLimit
        fields = ["stage", "urgency", "category_prefix", "amount", "unit"]
        help_texts = {
            "urgency": "留空表示所有办理类别。",
            "category_prefix": "留空表示所有分类；填写分类路径（如“城乡建设/物业管理”）则对该分类及其下级分类生效。",
        }


def _form_page(request, form, limit=None):
    if request.method == "POST":
        if limit is None:
            saved = save_form(form, lambda: svc.stage_limit_create(actor=request.user, **form.cleaned_data))
        else:
            saved = save_form(
                form, lambda: svc.stage_limit_update(actor=request.user, limit=limit, **form.cleaned_data)
            )
        if saved:
            return redirect("console:stage_limit_list")
    title = "新增办理时限" if limit is None else f"编辑办理时限：{limit}"
    return form_page(request, form, title=title, cancel_url=reverse("console:stage_limit_list"))


@staff_required("case.configure")
def stage_limit_create(request):
    return _form_page(request, StageLimitForm(request.POST or None))


@staff_required("case.configure")
def stage_limit_edit(request, pk):
    limit = get_object_or_404(StageLimit, pk=pk)
    # A fresh instance for the form: ModelForm validation writes into it, the service re-reads the row.
    return _form_page(request, StageLimitForm(request.POST or None, instance=StageLimit.objects.get(pk=pk)), limit)


@require_POST
@staff_required("case.configure")
def stage_limit_toggle(request, pk):
    limit = get_object_or_404(StageLimit, pk=pk)
    active = request.POST.get("active") == "1"
    run_service(
        request,
        lambda: svc.stage_limit_set_active(actor=request.user, stage_limit=limit, active=active),
        f"已{'启用' if active else '停用'}办理时限“{limit}”。",
    )
    return redirect("console:stage_limit_list")
