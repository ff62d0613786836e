"""Writes for 民意直通车: intake (form, API, staff entry), spam and blocking.

``opinion_submit`` is the one intake path. It commits the opinion before
anything is acknowledged (its case follows from the intake worker, see
``renda.opinions.intake``), and with an idempotency key a retried or
double-tapped submission returns the first opinion instead of a second.
"""

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from renda.core.access import has_perm
from renda.core.audit import audit_record
from renda.core.models import User
from renda.handling import services as handling
from renda.handling.engine import TransitionError
from renda.handling.models import Urgency
from renda.opinions import intake
from renda.opinions.models import BlockedPhone, Category, Channel, Opinion, OpinionPhoto
from renda.registry.models import Deputy, Division, Grid, Station

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
TRACKING_LENGTH = 10
MAX_PHOTOS = 9
MAX_CONTENT = 5000


@dataclass
class OpinionInput:
    content: str
    channel: str
    title: str = ""
    category: Category | None = None
    division: Division | None = None
    grid: Grid | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    citizen_name: str = ""
    phone: str = ""
    phone_verified: bool = False
    anonymous: bool = False
    consent: bool = False
    deputy: Deputy | None = None
    station: Station | None = None
    urgency: str = Urgency.NORMAL
    client_ip: str | None = None
    photos: list = field(default_factory=list)  # cleaned ContentFiles (see renda.core.uploads.clean_image)


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalize_tracking_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:TRACKING_LENGTH]


def is_blocked(phone: str) -> bool:
    return bool(phone) and BlockedPhone.objects.filter(phone=phone).exists()


def _validate(data: OpinionInput) -> None:
    errors: dict[str, str] = {}
    content = (data.content or "").strip()
    if not content:
        errors["content"] = "请填写您要反映的内容。"
    elif len(content) > MAX_CONTENT:
        errors["content"] = f"内容不能超过 {MAX_CONTENT} 字。"
    if len(data.title or "") > 100:
        errors["title"] = "标题不能超过 100 字。"
    if data.channel not in Channel.values:
        errors["channel"] = "来源渠道不正确。"
    if not data.consent:
        errors["consent"] = "请阅读并同意隐私说明。"
    if len(data.photos) > MAX_PHOTOS:
        errors["photos"] = f"最多上传 {MAX_PHOTOS} 张照片。"
    if data.phone and is_blocked(data.phone):
        errors["phone"] = "该手机号已被限制提交，如有疑问请到家站点或拨打人大联系电话。"
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = "地图位置不完整。"
    if errors:
        raise ValidationError(errors)


def opinion_submit(
    *,
    actor: User | None,
    data: OpinionInput,
    idempotency_key: str | None = None,
    register_now: bool = False,
) -> tuple[Opinion, bool]:
    """Store a citizen's opinion. Returns (opinion, created).

    The opinion is registered (its case opened, the deputy or station told) by the intake worker
    (``renda.opinions.intake``) moments later, or before this returns with ``register_now`` (staff
    entry, who go straight to the case) or the ``RENDA_INTAKE_INLINE`` setting. With
    ``idempotency_key``, a second call with the same key returns the first opinion
    (created=False) and writes nothing.
    """
    key = (idempotency_key or "").strip()[:100] or None
    _validate(data)
    inline = register_now or settings.RENDA_INTAKE_INLINE
    for _attempt in range(5):
        try:
            return _submit(actor=actor, data=data, key=key, inline=inline), True
        except IntegrityError:
            if key and (existing := Opinion.objects.filter(idempotency_key=key).first()):
                return existing, False  # a retry (or a concurrent double tap) with the same key
            # otherwise a tracking code collision (1 in 10^15): draw another
    raise IntegrityError("无法生成唯一的查询码")


def _submit(*, actor: User | None, data: OpinionInput, key: str | None, inline: bool) -> Opinion:
    now = timezone.now()
    opinion = Opinion(
        tracking_code=new_tracking_code(),
        access_token=secrets.token_urlsafe(24),
        title=(data.title or "").strip(),
        content=data.content.strip(),
        category=data.category,
        division_id=_division_id(data),
        grid=data.grid,
        address=(data.address or "").strip()[:200],
        latitude=data.latitude,
        longitude=data.longitude,
        citizen_name="" if data.anonymous else (data.citizen_name or "").strip()[:50],
        phone=data.phone or "",
        phone_verified=data.phone_verified,
        anonymous=data.anonymous,
        consent_at=now if data.consent else None,
        channel=data.channel,
        urgency=data.urgency or Urgency.NORMAL,
        deputy=data.deputy,
        station=data.station,
        entered_by=actor,
        created_at=now,
        client_ip=data.client_ip,
        idempotency_key=key,
    )
    if not data.photos and not inline and not connection.in_atomic_block:
        opinion.save(force_insert=True)  # one statement, in autocommit: the hot path of intake
        return opinion
    with transaction.atomic():
        opinion.save(force_insert=True)
        for position, photo in enumerate(data.photos):
            OpinionPhoto.objects.create(opinion=opinion, image=photo, position=position)
        if inline:
            intake.opinions_register(ids=[opinion.pk])
            opinion.refresh_from_db(fields=["case"])
    return opinion


def _division_id(data: OpinionInput) -> int | None:
    if data.division is not None:
        return data.division.pk
    if data.grid is not None:
        return data.grid.division_id
    return data.station.division_id if data.station is not None else None


def track_url(opinion: Opinion) -> str:
    from django.urls import reverse

    return settings.RENDA_PUBLIC_BASE_URL.rstrip("/") + reverse("public:opinion_private", args=[opinion.access_token])


@transaction.atomic
def phone_block(*, actor: User, phone: str, reason: str) -> BlockedPhone:
    reason = (reason or "").strip()
    if not phone or not reason:
        raise ValidationError("请填写手机号和屏蔽原因。")
    blocked, created = BlockedPhone.objects.get_or_create(
        phone=phone, defaults={"reason": reason[:200], "blocked_by": actor}
    )
    if created:
        audit_record(actor=actor, action="opinions.phone.block", target=blocked, note=reason)
    return blocked


@transaction.atomic
def phone_unblock(*, actor: User, phone: str) -> None:
    blocked = BlockedPhone.objects.filter(phone=phone).first()
    if blocked is not None:
        audit_record(actor=actor, action="opinions.phone.unblock", target=blocked)
        blocked.delete()


@transaction.atomic
def opinion_mark_spam(
    *, actor: User, opinion: Opinion, reason: str, block_phone: bool = False, version: int | None = None
) -> Opinion:
    """无效信息: rejected without telling the submitter; optionally block the phone."""
    if not has_perm(actor, "opinion.spam"):
        raise TransitionError("您没有标记无效信息的权限。")
    handling.case_reject(actor=actor, case=opinion.case, reason=reason or "无效信息", spam=True, version=version)
    Opinion.objects.filter(pk=opinion.pk).update(is_spam=True)
    opinion.is_spam = True
    if block_phone and opinion.phone:
        phone_block(actor=actor, phone=opinion.phone, reason=reason or "提交无效信息")
    return opinion
