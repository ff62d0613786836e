"""Console: drafting a suggestion, editing it while a draft, turning an opinion into one, inviting co-signers.

Thin shells over ``suggestions.services``: a draft and its attachments are saved in one transaction,
so a rejected attachment leaves nothing half-written.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from renda.core.access import can_see, has_perm, staff_required
from renda.core.models import Role, User
from renda.opinions.models import Opinion
from renda.opinions.selectors import opinion_get
from renda.registry.views_base import apply_errors, form_errors_text, run_service
from renda.suggestions import services as svc
from renda.suggestions.forms_draft import CosignerInviteForm, DraftForm, congress_deputies
from renda.suggestions.hooks import suggestion_url
from renda.suggestions.models import CoSignStatus, Suggestion, SuggestionKind
from renda.suggestions.selectors import suggestion_detail

MAX_CANDIDATES = 20
SAVED = "草稿已保存。可以继续修改、邀请代表附议，确认无误后提交。"


def may_draft(user: User) -> bool:
    """A deputy (their own) or congress staff (on a deputy's behalf)."""
    if user.role == Role.DEPUTY:
        return bool(user.deputy_id) and has_perm(user, "suggestion.draft")
    return has_perm(user, "suggestion.manage")


def _after_save(suggestion: Suggestion) -> str:
    return suggestion_url(suggestion) or reverse("console:suggestion_edit", args=[suggestion.pk])


def _save(form: DraftForm, write: Callable[[], Suggestion]) -> Suggestion | None:
    """Run ``write`` in one transaction; a refusal rolls everything back and shows on the form."""
    try:
        with transaction.atomic():
            return write()
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def _attach(user: User, suggestion: Suggestion, files) -> None:
    for upload in files:
        try:
            svc.suggestion_attach(actor=user, suggestion=suggestion, uploaded_file=upload)
        except ValidationError as exc:
            raise ValidationError({"attachments": [f"“{upload.name}”：{m}" for m in exc.messages]}) from exc


def _draft_fields(d: dict) -> dict:
    return {
        "kind": d["kind"],
        "session": d["session"],
        "title": d["title"],
        "content": d["content"],
        "category": d["category"],
        "publish": d["publish"],
        "no_publish_reason": d["no_publish_reason"],
    }


def _form_page(request: HttpRequest, form: DraftForm, **ctx) -> HttpResponse:
    return render(request, "suggestions/draft/form.html", {"form": form, **ctx})


@require_http_methods(["GET", "POST"])
@staff_required("console")
def suggestion_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_draft(user):
        raise PermissionDenied("您没有提出代表建议的权限。")
    form = DraftForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():

        def write() -> Suggestion:
            d = form.cleaned_data
            fields = _draft_fields(d)
            session = fields.pop("session")
            suggestion = svc.suggestion_create(
                actor=user, congress=session.congress, session=session, proposer=d.get("proposer"), **fields
            )
            _attach(user, suggestion, d["attachments"])
            return suggestion

        if (suggestion := _save(form, write)) is not None:
            messages.success(request, SAVED)
            return redirect(_after_save(suggestion))
    title = "提出代表建议" if user.role == Role.DEPUTY else "代代表录入建议"
    return _form_page(request, form, title=title, no_sessions=not form.fields["session"].queryset.exists())


@require_http_methods(["GET", "POST"])
@staff_required("console")
def suggestion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    suggestion = suggestion_detail(user, pk)
    if not svc.may_edit(user, suggestion):
        raise PermissionDenied("只有领衔代表或代为录入的工作人员可以修改建议。")
    if not suggestion.is_editable:
        return render(
            request,
            "suggestions/draft/locked.html",
            {"suggestion": suggestion, "detail_url": suggestion_url(suggestion)},
        )
    existing = len(suggestion.attachments.all())
    initial = {name: getattr(suggestion, name) for name in ("kind", "title", "content", "publish", "no_publish_reason")}
    initial.update(session=suggestion.session_id, category=suggestion.category_id)
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        suggestion=suggestion,
        existing=existing,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():

        def write() -> Suggestion:
            updated = svc.suggestion_update(actor=user, suggestion=suggestion, **_draft_fields(form.cleaned_data))
            _attach(user, updated, form.cleaned_data["attachments"])
            return updated

        if (saved := _save(form, write)) is not None:
            messages.success(request, SAVED)
            return redirect(_after_save(saved))
    ctx = {
        "title": f"修改{suggestion.get_kind_display()}",
        "suggestion": suggestion,
        "detail_url": suggestion_url(suggestion),
        "opinion_visible": bool(suggestion.from_opinion_id) and can_see(user, suggestion.from_opinion),
    }
    return _form_page(request, form, **ctx)


@require_http_methods(["GET", "POST"])
@staff_required("suggestion.draft")
def suggestion_from_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    """转为代表建议: a deputy drafts a suggestion from an opinion they received, prefilled from it."""
    user = request.user
    if user.role != Role.DEPUTY or not user.deputy_id:
        raise PermissionDenied("只有代表本人可以把群众意见转为代表建议。")
    opinion: Opinion = opinion_get(user, pk)
    initial = {"title": opinion.display_title[: svc.MAX_TITLE], "content": opinion.content}
    form = DraftForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():

        def write() -> Suggestion:
            d = form.cleaned_data
            suggestion = svc.suggestion_from_opinion(
                actor=user,
                opinion=opinion,
                congress=d["session"].congress,
                session=d["session"],
                title=d["title"],
                category=d["category"],
            )
            # The service copies the opinion's text; keep what the deputy edited on the form.
            changed = {
                name: d[name]
                for name in ("content", "kind", "publish", "no_publish_reason")
                if d[name] != getattr(suggestion, name)
            }
            if changed:
                suggestion = svc.suggestion_update(actor=user, suggestion=suggestion, **changed)
            _attach(user, suggestion, d["attachments"])
            return suggestion

        if (suggestion := _save(form, write)) is not None:
            messages.success(request, SAVED)
            return redirect(_after_save(suggestion))
    ctx = {"title": "转为代表建议", "opinion": opinion, "no_sessions": not form.fields["session"].queryset.exists()}
    return _form_page(request, form, **ctx)


@require_http_methods(["GET", "POST"])
@staff_required("suggestion.view")
def suggestion_cosigners(request: HttpRequest, pk: int) -> HttpResponse:
    """附议/联名: who was invited and what they answered; the proposer searches and invites more."""
    user = request.user
    suggestion = suggestion_detail(user, pk)
    may_invite = svc.may_edit(user, suggestion)
    if request.method == "POST":
        if not may_invite:
            raise PermissionDenied("只有领衔代表或代为录入的工作人员可以邀请附议。")
        form = CosignerInviteForm(request.POST, suggestion=suggestion)
        if form.is_valid():
            chosen = list(form.cleaned_data["deputies"])
            names = "、".join(d.name for d in chosen)
            run_service(
                request,
                lambda: svc.cosigner_invite(actor=user, suggestion=suggestion, deputies=chosen),
                f"已邀请{names}附议，等待对方确认。",
            )
        else:
            messages.error(request, form_errors_text(form))
        return redirect("console:suggestion_cosigners", pk=suggestion.pk)
    cosigners = list(suggestion.cosigners.all())
    can_invite = may_invite and suggestion.is_editable
    q = request.GET.get("q", "").strip()[:50]
    candidates = []
    if can_invite and q:
        taken = [c.deputy_id for c in cosigners if c.status != CoSignStatus.DECLINED]
        candidates = list(
            congress_deputies(suggestion.congress_id)
            .exclude(pk=suggestion.proposer_id)
            .exclude(pk__in=taken)
            .filter(Q(name__icontains=q) | Q(number__icontains=q))
            .order_by("number")[:MAX_CANDIDATES]
        )
    confirmed = sum(1 for c in cosigners if c.status == CoSignStatus.CONFIRMED)
    ctx = {
        "suggestion": suggestion,
        "cosigners": cosigners,
        "can_invite": can_invite,
        "q": q,
        "candidates": candidates,
        "confirmed": confirmed,
        "detail_url": suggestion_url(suggestion),
    }
    if suggestion.kind == SuggestionKind.MOTION:
        need, have = svc.motion_threshold(suggestion.congress), 1 + confirmed
        ctx.update(need=need, have=have, missing=max(0, need - have))
    return render(request, "suggestions/draft/cosigners.html", ctx)
