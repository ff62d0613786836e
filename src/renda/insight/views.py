"""Console pages of 研判: accept/correct a hint (htmx), the models with their quality, keyword rules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, has_perm, is_admin, restrict, staff_required
from renda.handling.models import Case
from renda.insight import selectors, services
from renda.insight.models import ClassifierModel, HintKind, KeywordRule
from renda.insight.panels import render_hints
from renda.opinions.models import Category, Opinion
from renda.registry.models import Agency, Congress


def _opinion(request, pk: int) -> Opinion:
    return get_scoped_or_404(Opinion.objects.filter(case__isnull=False), request.user, pk=pk)


def _flag(request, name: str) -> bool:
    return (request.POST.get(name) or request.GET.get(name)) == "1"


def _choices(opinion: Opinion, kind: str) -> list[tuple[int, str]]:
    congress = (
        Congress.objects.select_related("division")
        .filter(pk=Case.objects.filter(pk=opinion.case_id).values("congress_id")[:1])
        .first()
    )
    if kind == HintKind.CATEGORY:
        return [(c.pk, c.path) for c in services._taxonomy_categories(congress)]
    if congress is None:
        return []
    return list(Agency.objects.filter(congress=congress, is_active=True).order_by("code").values_list("pk", "name"))


@staff_required("insight.decide")
def insight_correct(request, pk: int):
    """The small select that corrects a hint (htmx fragment)."""
    opinion = _opinion(request, pk)
    kind = request.GET.get("kind", HintKind.CATEGORY)
    if kind not in HintKind.values:
        kind = HintKind.CATEGORY
    if kind == HintKind.AGENCY and not has_perm(request.user, "case.assign"):
        raise PermissionDenied("您没有交办权限，不能选择承办单位。")
    return render(
        request, "insight/_correct.html",
        {"opinion": opinion, "kind": kind, "choices": _choices(opinion, kind), "detail": _flag(request, "detail"),
         "form": _flag(request, "form")},
    )  # fmt: skip


@require_POST
@staff_required("insight.decide")
def insight_decide(request, pk: int):
    """Accept a hint or choose another category/agency; answers with the re-rendered hints panel."""
    opinion = _opinion(request, pk)
    kind = request.POST.get("insight_kind", "")
    if kind == HintKind.AGENCY and not has_perm(request.user, "case.assign"):
        raise PermissionDenied("您没有交办权限，不能选择承办单位。")
    raw = request.POST.get("insight_chosen") or request.POST.get(f"insight_chosen_{pk}", "")
    error = ""
    if not raw.isdigit():
        error = "请选择一项。"
    else:
        try:
            services.hint_decide(actor=request.user, opinion=opinion, kind=kind, chosen_id=int(raw))
        except ValidationError as exc:
            error = "；".join(exc.messages)
    html = render_hints(
        request, opinion, detail=_flag(request, "insight_detail"), error=error,
        assign_form=_flag(request, "insight_form"), just_decided=not error,
    )  # fmt: skip
    return HttpResponse(html)


@staff_required("insight.manage")
def insight_models(request):
    models = list(selectors.models_list(request.user).order_by("congress__division__path", "kind", "-version")[:200])
    congresses = list(selectors.manageable_congresses(request.user))
    return render(
        request, "insight/models.html",
        {"models": models, "congresses": congresses, "min_examples": services.conf.min_examples()},
    )  # fmt: skip


@require_POST
@staff_required("insight.manage")
def insight_retrain(request):
    from renda.insight.tasks import retrain

    congress = get_scoped_or_404(Congress.objects.all(), request.user, pk=request.POST.get("congress") or 0)
    retrain.enqueue(congress.pk, request.user.pk)
    messages.success(request, f"已安排{congress.name}的模型重新训练，完成后此页将显示新版本及其交叉验证指标。")
    return redirect("console:insight_models")


@require_POST
@staff_required("insight.manage")
def insight_model_activate(request, pk: int):
    model = get_scoped_or_404(ClassifierModel.objects.select_related("congress"), request.user, pk=pk)
    services.model_activate(actor=request.user, model=model)
    messages.success(request, f"已启用{model.congress.name}的{model}。")
    return redirect("console:insight_models")


@staff_required("insight.manage")
def insight_rules(request):
    user = request.user
    congresses = list(selectors.manageable_congresses(user))
    if request.method == "POST":
        try:
            congress = next((c for c in congresses if str(c.pk) == request.POST.get("congress")), None)
            if congress is None and not is_admin(user):
                raise ValidationError("请选择适用的人大。")
            category = Category.objects.filter(pk=request.POST.get("category") or 0, is_active=True).first()
            agency = restrict(Agency.objects.filter(is_active=True), user).filter(pk=request.POST.get("agency") or 0)
            try:
                weight = float(request.POST.get("weight") or 1)
            except ValueError as exc:
                raise ValidationError("权重须为数字。") from exc
            services.rule_save(
                actor=user, congress=congress, keywords=request.POST.get("keywords", ""), category=category,
                agency=agency.first(), weight=weight,
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已添加关键词规则。")
            return redirect("console:insight_rules")
    rules = list(selectors.rules_list(user).order_by("congress_id", "-id")[:500])
    congress = congresses[0] if congresses else None
    categories = services._taxonomy_categories(congress)
    agencies = restrict(Agency.objects.filter(is_active=True), user).order_by("code")
    return render(
        request, "insight/rules.html",
        {"rules": rules, "congresses": congresses, "categories": categories, "agencies": agencies},
    )  # fmt: skip


@require_POST
@staff_required("insight.manage")
def insight_rule_delete(request, pk: int):
    rule = get_scoped_or_404(KeywordRule.objects.all(), request.user, pk=pk)
    if rule.congress_id is None and not is_admin(request.user):
        raise PermissionDenied("全平台规则只能由系统管理员删除。")
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, "已删除关键词规则。")
    return redirect("console:insight_rules")
