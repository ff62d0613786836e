"""Writes for 民意直通车: intake (form, API, staff entry), spam and blocking.

``opinion_submit`` is the one intake path. It commits the opinion and its
case before anything is acknowledged, and with an idempotency key a retried
or double-tapped submission returns the first opinion instead of a second.
"""

import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.core.access import has_perm
from renda.core.audit import audit_record
from renda.core.models import User
from renda.core.notifications import sms_queue
from renda.handling import services as handling
from renda.handling.engine import TransitionError
from renda.handling.models import CaseKind, Urgency
from renda.opinions.models import BlockedPhone, Category, Channel, Opinion, OpinionPhoto
from renda.registry.models import Congress, Deputy, Division, Grid, Station

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


def responsible_congress(data: OpinionInput) -> Congress | None:
    """The congress whose staff triage it: the station's (or place's) nearest congress, else the deputy's."""
    place = data.station.division if data.station else data.division
    if place is not None:
        codes = [c for c in place.path.strip("/").split("/") if c]
        found = {c.division.code: c for c in Congress.objects.filter(division__code__in=codes, is_active=True)
                 .select_related("division")}  # fmt: skip
        for code in reversed(codes):
            if code in found:
                return found[code]
    if data.deputy is not None:
        mandate = data.deputy.mandates.filter(status="active").select_related("congress__division")
        mandate = mandate.order_by("-congress__division__depth").first()
        if mandate is not None:
            return mandate.congress
    return None


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
) -> tuple[Opinion, bool]:
    """Record a citizen's opinion and open its case. Returns (opinion, created).

    With ``idempotency_key``, a second call with the same key returns the first
    opinion (created=False) and writes nothing.
    """
    key = (idempotency_key or "").strip()[:100] or None
    if key and (existing := Opinion.objects.filter(idempotency_key=key).first()):
        return existing, False
    _validate(data)
    try:
        return _submit(actor=actor, data=data, key=key), True
    except IntegrityError:
        if key and (existing := Opinion.objects.filter(idempotency_key=key).first()):
            return existing, False  # a concurrent retry won the race
        raise


@transaction.atomic
def _submit(*, actor: User | None, data: OpinionInput, key: str | None) -> Opinion:
    now = timezone.now()
    content = data.content.strip()
    title = (data.title or "").strip() or content[:30]
    division = data.division or (data.grid.division if data.grid else None) or (
        data.station.division if data.station else None
    )
    case = handling.case_open(
        actor=actor,
        kind=CaseKind.OPINION,
        title=title,
        division=division,
        congress=responsible_congress(data),
        deputy=data.deputy,
        station=data.station,
        urgency=data.urgency or Urgency.NORMAL,
        category_key=data.category.path if data.category else "",
        actor_label="" if actor else "群众",
        at=now,
        notify=False,
    )
    for _attempt in range(5):
        code = new_tracking_code()
        if not Opinion.objects.filter(tracking_code=code).exists():
            break
    opinion = Opinion.objects.create(
        case=case,
        tracking_code=code,
        access_token=secrets.token_urlsafe(24),
        title=(data.title or "").strip(),
        content=content,
        category=data.category,
        division=division,
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
        deputy=data.deputy,
        station=data.station,
        entered_by=actor,
        created_at=now,
        client_ip=data.client_ip,
        idempotency_key=key,
    )
    for position, photo in enumerate(data.photos):
        OpinionPhoto.objects.create(opinion=opinion, image=photo, position=position)
    handling.case_announce(case)
    if opinion.phone and opinion.phone_verified:
        sms_queue(opinion.phone, "sms.received", {"code": opinion.tracking_code, "url": track_url(opinion)})
    return opinion


def track_url(opinion: Opinion) -> str:
    from django.conf import settings
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
