"""Citizen-facing views: the opinion form, phone verification, tracking, the private page, evaluation.

Citizens have no account. Writes go through ``opinion_submit`` (intake) and
``case_evaluate``; what a citizen sees of the case comes from
``renda.opinions.tracking`` (public-safe only).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from renda.core import ratelimit
from renda.core.masking import mask_phone
from renda.handling.services import case_evaluate
from renda.opinions import tracking, verification
from renda.opinions.forms import (
    EvaluationForm,
    OpinionForm,
    TrackForm,
    area_options,
    category_options,
    resolve_deputy,
    resolve_station,
    selected,
)
from renda.opinions.models import Channel, Opinion
from renda.opinions.services import opinion_submit
from renda.registry.models import Division, DivisionLevel, Grid

NO_MATCH = "查询码或手机号不正确，请核对后重试。"


def too_many(request, message: str) -> HttpResponse:
    template = "opinions/public/_sms_status.html" if _is_htmx(request) else "opinions/public/ratelimited.html"
    return render(request, template, {"message": message, "error": True}, status=429)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _addressee(request, notices: list[str]):
    """(channel, deputy, station) from ``?deputy=`` / ``?station=`` on the QR code's link."""
    number = request.GET.get("deputy", "").strip()[:32]
    code = request.GET.get("station", "").strip()[:32]
    deputy = resolve_deputy(number) if number else None
    station = resolve_station(code) if code else None
    if number and deputy is None:
        notices.append("没有找到该代表，您的意见将由人大常委会统一受理。")
    if code and station is None:
        notices.append("没有找到该家站点，您的意见将由人大常委会统一受理。")
    if deputy is not None:
        return Channel.DEPUTY_QR, deputy, station
    if station is not None:
        return Channel.STATION_QR, None, station
    return Channel.WEB, None, None


@require_http_methods(["GET", "POST"])
def opinion_new(request):
    notices: list[str] = []
    channel, deputy, station = _addressee(request, notices)
    if request.method == "POST":
        form = OpinionForm(request.POST, request.FILES)
        if form.is_valid():
            key = form.idempotency_key(form.cleaned_data.get("idempotency_key"), "form")
            if key and (existing := Opinion.objects.filter(idempotency_key=key).first()):
                return redirect("public:opinion_private", existing.access_token)
            ip = ratelimit.client_ip(request)
            busy = "提交过于频繁，请稍后再试。如情况紧急，请拨打当地人大联系电话。"
            phone = form.cleaned_data.get("phone")
            if (ip and not ratelimit.allow("opinion-ip", ip, settings.RENDA_OPINION_RATE_IP)) or (
                phone and not ratelimit.allow("opinion-phone", phone, settings.RENDA_OPINION_RATE_PHONE)
            ):
                return too_many(request, busy)
            data = form.to_input(channel=channel, deputy=deputy, station=station, ip=ip,
                                 photos=form.cleaned_data.get("photos"))  # fmt: skip
            try:
                opinion, _created = opinion_submit(actor=None, data=data, idempotency_key=key)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if form.verification is not None:
                    verification.phone_verification_use(form.verification)
                return redirect("public:opinion_private", opinion.access_token)
    else:
        form = OpinionForm(initial={"idempotency_key": _new_key()})
    value = form["idempotency_key"].value() or _new_key()
    return render(
        request,
        "opinions/public/form.html",
        {
            "form": form,
            "idempotency_key": value,
            "notices": notices,
            "deputy": deputy,
            "station": station,
            "category_options": selected(category_options(), str(form["category"].value() or "")),
            "area_options": selected(area_options(), str(form["division"].value() or "")),
        },
    )


def _new_key() -> str:
    import uuid

    return str(uuid.uuid4())


@require_GET
def opinion_places(request):
    """htmx: the villages under a county/township, or the grids of a village."""
    code = request.GET.get("village", "").strip()[:12]
    if code:
        grids = Grid.objects.filter(division__code=code, is_active=True).order_by("code") if code.isdigit() else []
        return render(request, "opinions/public/_grid_select.html", {"grids": grids})
    code = request.GET.get("division", "").strip()[:12]
    villages = []
    if code.isdigit() and (area := Division.objects.filter(code=code, is_active=True).first()):
        villages = (
            Division.objects.filter(is_active=True, level=DivisionLevel.VILLAGE, path__startswith=area.path)
            .order_by("path")
            .only("code", "name")[:2000]
        )
    return render(request, "opinions/public/_village_select.html", {"villages": villages})


@require_POST
def opinion_sms_code(request):
    """htmx: text a verification code to the phone typed in the form."""
    phone = request.POST.get("phone", "")
    try:
        sent = verification.phone_code_send(phone=phone, ip=ratelimit.client_ip(request))
    except ratelimit.RateLimited as exc:
        return too_many(request, exc.message)
    except ValidationError as exc:
        message = "；".join(m for messages_ in exc.message_dict.values() for m in messages_)
        return render(request, "opinions/public/_sms_status.html", {"message": message, "error": True}, status=400)
    message = f"验证码已发送至 {mask_phone(sent.phone)}，10 分钟内有效。"
    return render(request, "opinions/public/_sms_status.html", {"message": message, "error": False})


def _private_response(request, opinion: Opinion, evaluation_form=None) -> HttpResponse:
    view = tracking.public_view(opinion)
    link = request.build_absolute_uri(reverse("public:opinion_private", args=[opinion.access_token]))
    response = render(
        request,
        "opinions/public/private.html",
        {
            "view": view,
            "opinion": opinion,
            "link": link,
            "masked_phone": mask_phone(opinion.phone),
            "evaluation_form": evaluation_form or EvaluationForm(),
        },
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def opinion_private(request, token: str):
    opinion = tracking.opinion_by_token(token)
    if opinion is None:
        raise Http404("没有找到这条意见，请核对链接。")
    return _private_response(request, opinion)


@require_POST
def opinion_evaluate(request, token: str):
    opinion = tracking.opinion_by_token(token)
    if opinion is None:
        raise Http404("没有找到这条意见，请核对链接。")
    form = EvaluationForm(request.POST)
    if not tracking.public_view(opinion).can_evaluate:
        messages.error(request, "当前无需评价，或您已评价过。")
        return redirect("public:opinion_private", opinion.access_token)
    if form.is_valid():
        try:
            case_evaluate(
                case=opinion.case,
                resolved=form.cleaned_data["resolved"],
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "感谢您的评价！")
            return redirect("public:opinion_private", opinion.access_token)
    return _private_response(request, opinion, evaluation_form=form)


@require_http_methods(["GET", "POST"])
def opinion_track(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = ratelimit.client_ip(request) or "-"
        if not ratelimit.allow("track-ip", ip, settings.RENDA_TRACK_RATE_IP):
            return too_many(request, "查询过于频繁，请稍后再试。")
        opinion = tracking.opinion_by_code_phone(form.cleaned_data["code"], form.cleaned_data["phone"])
        if opinion is not None:
            return redirect("public:opinion_private", opinion.access_token)
        form.add_error(None, NO_MATCH)
    return render(request, "opinions/public/track.html", {"form": form})


@require_GET
def opinion_privacy(request):
    return render(request, "opinions/public/privacy.html")
