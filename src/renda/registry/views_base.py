"""Shared shells for the registry console views: list, form, toggle. Views stay thin; services write."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from renda.core.access import can_see, get_scoped_or_404, has_perm, restrict
from renda.core.lists import ListSpec, run_list
from renda.registry.forms import DeputyPickForm
from renda.registry.models import Deputy


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field when the form has that field, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def save_form(form, save: Callable[[], Any]) -> Any | None:
    """Validate ``form`` and call ``save`` (a service call); None when anything was refused."""
    if not form.is_valid():
        return None
    try:
        return save()
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def check_in_scope(form, field: str, obj: models.Model | None, user) -> bool:
    """Re-check (beyond the restricted choices) that a chosen anchor lies in the user's territory."""
    if obj is not None and not can_see(user, obj):
        form.add_error(field, "所选项不在您的管辖范围内。")
        return False
    return True


def form_errors_text(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def error_messages(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def run_service(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    """For small POST actions on a detail page: run ``call``, flash success or the Chinese error."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
        return False
    messages.success(request, success)
    return True


def membership_change(
    request: HttpRequest, *, group: models.Model, deputy_pk: int | None, service: Callable, group_kw: str, done: str
) -> None:
    """进站 / 进网格 and leaving them: pick the deputy (form or scoped pk), call the service, flash the outcome.

    ``done`` is a message with ``{name}`` for the deputy's name.
    """
    if deputy_pk is None:
        form = DeputyPickForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return
        deputy = form.cleaned_data["deputy"]
    else:
        deputy = get_scoped_or_404(Deputy.objects.all(), request.user, pk=deputy_pk)
    run_service(
        request, lambda: service(actor=request.user, deputy=deputy, **{group_kw: group}), done.format(name=deputy.name)
    )


def list_page(
    request: HttpRequest,
    qs: models.QuerySet,
    spec: ListSpec,
    *,
    create_url: str = "",
    import_kind: str = "",
    extra: dict | None = None,
) -> HttpResponse:
    result = run_list(request, restrict(qs, request.user), spec)
    if isinstance(result, HttpResponse):
        return result
    result["create_url"] = create_url if has_perm(request.user, "registry.manage") else ""
    result["import_kind"] = import_kind if has_perm(request.user, "registry.import") else ""
    return render(request, "registry/list.html", {**result, **(extra or {})})


def form_page(request: HttpRequest, form, *, title: str, cancel_url: str, multipart: bool = False) -> HttpResponse:
    ctx = {"form": form, "title": title, "cancel_url": cancel_url, "multipart": multipart}
    return render(request, "registry/form.html", ctx)


def toggle_page(
    request: HttpRequest, qs: models.QuerySet, pk: int, set_active: Callable[..., Any], label: str
) -> HttpResponse:
    """POST: flip ``is_active`` through the service ``set_active(actor=, <obj>=, active=)``."""
    obj = get_scoped_or_404(qs, request.user, pk=pk)
    active = request.POST.get("active") == "1"
    kwarg = obj._meta.model_name
    run_service(
        request,
        lambda: set_active(actor=request.user, **{kwarg: obj}, active=active),
        f"已{'启用' if active else '停用'}{label}“{obj}”。",
    )
    return redirect(f"console:{kwarg}_detail", pk=obj.pk)
