"""API v1: 民意直通车 intake and tracking, for anyone (no account, no CSRF; rate-limited).

Bodies are parsed by hand so that any malformed input (bad JSON, wrong types,
NaN, huge numbers) yields a Chinese 422, never a 500; the same form as the web
page validates them.
"""

import json
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from ninja import Field, Router, Schema

from renda.core import ratelimit
from renda.core.masking import mask_phone
from renda.opinions import tracking, verification
from renda.opinions.forms import OpinionApiForm
from renda.opinions.models import Channel, Opinion
from renda.opinions.services import opinion_submit

router = Router(tags=["民意直通车"], auth=None)

MAX_BODY = 64 * 1024


class OpinionIn(Schema):
    content: str = Field(..., description="反映内容（必填，最多 5000 字）")
    title: str | None = Field(None, description="标题")
    category_id: int | None = Field(None, description="默认分类体系中的分类 id")
    division_code: str | None = Field(None, description="区划代码（区县、街道乡镇或村社区）")
    grid_code: str | None = Field(None, description="网格编号")
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    name: str | None = Field(None, description="姓名")
    phone: str | None = Field(None, description="手机号；填写时须同时提供 phone_token 或 sms_code")
    phone_token: str | None = Field(None, description="POST /opinions/sms-verify 返回的令牌")
    sms_code: str | None = Field(None, description="短信验证码（可代替 phone_token）")
    anonymous: bool = False
    consent: bool = Field(..., description="须为 true：已同意隐私说明")
    deputy: str | None = Field(None, description="代表编号（扫代表二维码）")
    station: str | None = Field(None, description="家站点编号（扫家站点二维码）")


class OpinionCreated(Schema):
    tracking_code: str
    private_url: str
    state: str
    state_label: str
    created_at: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] | None = None


class PhoneIn(Schema):
    phone: str


class VerifyIn(Schema):
    phone: str
    code: str


class StepOut(Schema):
    label: str
    at: str
    note: str


class MergedOut(Schema):
    state: str
    state_label: str
    steps: list[StepOut]
    feedback: str


class ProgressOut(Schema):
    tracking_code: str
    private_url: str
    title: str
    content: str
    created_at: str
    state: str
    state_label: str
    steps: list[StepOut]
    feedback: str
    can_evaluate: bool
    merged: MergedOut | None


# field → (accepted JSON types, form field)
FIELDS: dict[str, tuple[tuple[type, ...], str]] = {
    "content": ((str,), "content"),
    "title": ((str,), "title"),
    "category_id": ((int,), "category"),
    "division_code": ((str,), "division"),
    "grid_code": ((str,), "grid"),
    "address": ((str,), "address"),
    "latitude": ((int, float), "latitude"),
    "longitude": ((int, float), "longitude"),
    "name": ((str,), "name"),
    "phone": ((str,), "phone"),
    "phone_token": ((str,), "phone_token"),
    "sms_code": ((str,), "sms_code"),
    "anonymous": ((bool,), "anonymous"),
    "consent": ((bool,), "consent"),
    "deputy": ((str,), "deputy"),
    "station": ((str,), "station"),
}
TYPE_NAMES = {str: "字符串", int: "整数", float: "数字", bool: "true 或 false"}


def _json(data: dict, status: int = 200, **headers) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _invalid(errors: dict[str, str], detail: str = "提交的内容有误，请按提示修改。") -> JsonResponse:
    return _json({"detail": detail, "errors": errors}, status=422)


def _too_many(message: str) -> JsonResponse:
    return _json({"detail": message}, status=429)


def _body(request) -> dict | JsonResponse:
    if len(request.body) > MAX_BODY:
        return _invalid({"body": "请求内容过大。"}, "请求内容过大。")
    try:
        data = json.loads(request.body or b"null", parse_constant=lambda _c: math.nan)
    except (ValueError, RecursionError):
        return _invalid({"body": "请求体不是有效的 JSON。"}, "请求体不是有效的 JSON。")
    if not isinstance(data, dict):
        return _invalid({"body": "请求体须为 JSON 对象。"}, "请求体须为 JSON 对象。")
    return data


def _form_data(data: dict) -> tuple[dict, dict[str, str]]:
    values, errors = {}, {}
    for name, (types, field) in FIELDS.items():
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            errors[name] = f"应为{'或'.join(TYPE_NAMES[t] for t in types if t in TYPE_NAMES)}。"
        elif isinstance(value, float) and not math.isfinite(value):
            errors[name] = "不是有效的数字。"
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
            errors[name] = "数字过大。"
        else:
            values[field] = value
    return values, errors


def _errors(form) -> dict[str, str]:
    reverse_names = {field: name for name, (_t, field) in FIELDS.items()}
    return {reverse_names.get(k, "body" if k == "__all__" else k): "；".join(v) for k, v in form.errors.items()}


def _created(request, opinion: Opinion, *, new: bool = False) -> dict:
    view = tracking.received(opinion) if new else tracking.public_view(opinion)
    return {
        "tracking_code": opinion.tracking_code,
        "private_url": request.build_absolute_uri(reverse("public:opinion_private", args=[opinion.access_token])),
        "state": view.own.state,
        "state_label": view.own.state_label,
        "created_at": opinion.created_at.isoformat(),
    }


@router.post(
    "/opinions",
    response={201: OpinionCreated, 200: OpinionCreated, 422: ErrorOut, 429: ErrorOut},
    summary="提交群众意见",
    description=(
        "匿名可用，无需 CSRF。填写手机号时须先完成短信验证（`phone_token` 或 `sms_code`）。"
        "带 `Idempotency-Key` 请求头重试时，返回第一次的结果（状态 200，响应头 `Idempotent-Replayed: true`），"
        "不会重复创建。按 IP 和手机号限流，超出返回 429。"
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": OpinionIn.model_json_schema()}}}
    },
)
def opinion_create(request):
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    values, errors = _form_data(data)
    if errors:
        return _invalid(errors)
    form = OpinionApiForm(values)
    if not form.is_valid():
        return _invalid(_errors(form))
    key = form.idempotency_key(request.headers.get("Idempotency-Key"), "api")
    # With a phone, a replay must answer before the (already used) SMS code is checked again; without one,
    # opinion_submit's unique key turns a replay into created=False at no extra query.
    replay_first = key and form.cleaned_data.get("phone")
    if replay_first and Opinion.objects.filter(idempotency_key=key).order_by().values_list("pk", flat=True)[:1]:
        existing = Opinion.objects.select_related("case").get(idempotency_key=key)
        return _json(_created(request, existing), 200, Idempotent_Replayed="true")
    ip = ratelimit.client_ip(request)
    phone = form.cleaned_data.get("phone")
    if (ip and not ratelimit.allow("opinion-ip", ip, settings.RENDA_OPINION_RATE_IP)) or (
        phone and not ratelimit.allow("opinion-phone", phone, settings.RENDA_OPINION_RATE_PHONE)
    ):
        return _too_many("提交过于频繁，请稍后再试。")
    deputy, station = form.cleaned_data.get("deputy"), form.cleaned_data.get("station")
    channel = Channel.API
    try:
        opinion, created = opinion_submit(
            actor=None,
            data=form.to_input(channel=channel, deputy=deputy, station=station, ip=ip),
            idempotency_key=key,
        )
    except ValidationError as exc:
        return _invalid({k: "；".join(v) for k, v in exc.message_dict.items()})
    if form.verification is not None:
        verification.phone_verification_use(form.verification)
    if not created:
        return _json(_created(request, opinion), 200, Idempotent_Replayed="true")
    return _json(_created(request, opinion, new=opinion.case_id is None), 201)


@router.post(
    "/opinions/sms-code",
    response={200: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="获取短信验证码",
    description="向手机号发送 6 位验证码（10 分钟内有效）。按手机号和 IP 限流。",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": PhoneIn.model_json_schema()}}}
    },
)
def sms_code(request):
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    phone = data.get("phone")
    if not isinstance(phone, str):
        return _invalid({"phone": verification.BAD_PHONE})
    try:
        sent = verification.phone_code_send(phone=phone, ip=ratelimit.client_ip(request))
    except ratelimit.RateLimited as exc:
        return _too_many(exc.message)
    except ValidationError as exc:
        return _invalid({k: "；".join(v) for k, v in exc.message_dict.items()})
    return _json({"detail": f"验证码已发送至 {mask_phone(sent.phone)}，10 分钟内有效。"})


@router.post(
    "/opinions/sms-verify",
    response={200: dict, 422: ErrorOut},
    summary="核对短信验证码",
    description="验证码正确时返回 `phone_token`（30 分钟内有效），提交意见时连同手机号一并提供。",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": VerifyIn.model_json_schema()}}}
    },
)
def sms_verify(request):
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    phone, code = data.get("phone"), data.get("code")
    if not isinstance(phone, str) or not isinstance(code, str):
        return _invalid({"code": "请提供手机号和验证码（字符串）。"})
    try:
        checked = verification.phone_code_check(phone=phone, code=code)
    except ValidationError as exc:
        return _invalid({("code" if k == "sms_code" else k): "；".join(v) for k, v in exc.message_dict.items()})
    return _json({"phone_token": checked.token, "phone": mask_phone(checked.phone)})


def _progress(request, opinion: Opinion) -> JsonResponse:
    url = request.build_absolute_uri(reverse("public:opinion_private", args=[opinion.access_token]))
    response = _json(tracking.as_json(tracking.public_view(opinion), url))
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/opinions/track",
    response={200: ProgressOut, 404: ErrorOut, 429: ErrorOut},
    summary="按查询码和手机号查询办理进展",
)
def track(request, code: str = "", phone: str = ""):
    if not ratelimit.allow("track-ip", ratelimit.client_ip(request) or "-", settings.RENDA_TRACK_RATE_IP):
        return _too_many("查询过于频繁，请稍后再试。")
    opinion = tracking.opinion_by_code_phone(code[:40], phone[:40])
    if opinion is None:
        return _json({"detail": "查询码或手机号不正确，请核对后重试。"}, 404)
    return _progress(request, opinion)


@router.get(
    "/opinions/private/{token}",
    response={200: ProgressOut, 404: ErrorOut},
    summary="按私密链接令牌查看办理进展",
)
def private(request, token: str):
    opinion = tracking.opinion_by_token(token)
    if opinion is None:
        return _json({"detail": "没有找到这条意见，请核对链接。"}, 404)
    return _progress(request, opinion)
