"""Citizen side: "the same problem was already reported" while typing, and 关注这件事."""

import re

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from renda.core import ratelimit
from renda.opinions.models import Opinion
from renda.opinions.verification import normalize_phone, phone_code_check, phone_verification_use
from renda.similar import selectors, services

_DIGIT = re.compile(r"\d")
SALT = "renda.similar.follow"
FOLLOW_MAX_AGE = 24 * 3600


def public_excerpt(text: str, length: int = 60) -> str:
    """What another citizen may see of an item: the start of its text, digits masked (phone and house
    numbers, ID numbers), one line."""
    text = _DIGIT.sub("*", " ".join((text or "").split()))
    return text[:length] + ("…" if len(text) > length else "")


def follow_token(opinion_pk: int) -> str:
    return signing.dumps(opinion_pk, salt=SALT)


@require_GET
def similar_hint(request: HttpRequest) -> HttpResponse:
    """The htmx fragment under the content field (an empty answer when there is nothing to show)."""
    text = request.GET.get("content", "")[:2000]
    ip = ratelimit.client_ip(request) or "-"
    if not ratelimit.allow("similar-hint", ip, getattr(settings, "RENDA_SIMILAR_RATE_IP", "240/hour")):
        return HttpResponse("")
    division = request.GET.get("division", "")
    items = selectors.similar_for_citizen(text, division_id=int(division) if division.isdigit() else None)
    counts = selectors.follower_counts(i.opinion.pk for i in items)
    rows = [
        {"item": i, "token": follow_token(i.opinion.pk), "followers": counts.get(i.opinion.pk, 0),
         "excerpt": public_excerpt(i.opinion.content)}
        for i in items
    ]
    return render(request, "similar/_public_hint.html", {"rows": rows})


@require_POST
def similar_follow(request: HttpRequest) -> HttpResponse:
    """The follow button posts the token with the form's phone and SMS code (htmx): a verified phone
    is recorded too; without one, the follow only counts."""
    ip = ratelimit.client_ip(request)
    try:
        pk = signing.loads(request.POST.get("follow", ""), salt=SALT, max_age=FOLLOW_MAX_AGE)
        opinion = Opinion.objects.select_related("case").get(pk=pk)
    except (signing.BadSignature, Opinion.DoesNotExist, TypeError, ValueError):
        return _render(request, {"error": "链接已失效，请返回重新填写。"}, status=400)
    if not ratelimit.allow("similar-follow", ip or "-", getattr(settings, "RENDA_OPINION_RATE_IP", "20/hour")):
        return _render(request, {"error": "操作过于频繁，请稍后再试。"}, status=429)
    phone, verified, note = normalize_phone(request.POST.get("phone")), False, ""
    if phone and request.POST.get("sms_code"):
        try:
            verification = phone_code_check(phone=phone, code=request.POST.get("sms_code"))
        except ValidationError:
            note = "短信验证码不正确，本次关注未记录手机号。"
        else:
            phone_verification_use(verification)
            verified = True
    try:
        follower, created = services.opinion_follow(opinion=opinion, phone=phone, phone_verified=verified, ip=ip)
    except ValidationError as exc:
        return _render(request, {"error": "；".join(exc.messages)}, status=409)
    ctx = {
        "opinion": opinion,
        "created": created,
        "followers": services.follower_count(opinion),
        "phone_kept": bool(follower.phone),
        "note": note,
    }
    return _render(request, ctx)


def _render(request: HttpRequest, ctx: dict, status: int = 200) -> HttpResponse:
    """htmx (the button in the form): the fragment in place of the button; otherwise a page."""
    if request.headers.get("HX-Request"):
        return render(request, "similar/_public_followed.html", ctx, status=200 if status < 500 else status)
    return render(request, "similar/public_follow.html", ctx, status=status)
