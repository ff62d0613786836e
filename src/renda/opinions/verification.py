"""Phone verification for citizens: an SMS code proves the phone before it is used.

``phone_code_send`` texts a 6-digit code (stored only as an HMAC, valid 10
minutes, at most 5 wrong tries, rate-limited per phone and per IP).
``phone_code_check`` confirms it and returns the verification, whose
``token`` an API client may submit instead of the code (valid 30 minutes).
A confirmed code stays usable until it expires, so a double-tapped or
retried submission does not fail on an already used code.
"""

import datetime
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from renda.core import ratelimit
from renda.core.notifications import sms_queue
from renda.opinions.models import PhoneVerification
from renda.opinions.services import is_blocked

CODE_TTL = datetime.timedelta(minutes=10)
TOKEN_TTL = datetime.timedelta(minutes=30)
MAX_ATTEMPTS = 5
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")

BAD_PHONE = "请填写正确的 11 位手机号。"
BLOCKED = "该手机号已被限制提交，如有疑问请到家站点或拨打人大联系电话。"
NO_CODE = "验证码已过期或尚未获取，请先点击“获取验证码”。"
WRONG_CODE = "验证码不正确，请核对短信后重新输入。"
TOO_MANY = "验证码错误次数过多，请重新获取验证码。"
BAD_TOKEN = "手机验证已失效，请重新获取验证码。"


def normalize_phone(value) -> str:
    """Digits of a mainland mobile number ("+86 138-0013-8000" → "13800138000"); "" if not one."""
    digits = "".join(ch for ch in str(value or "")[:40] if ch.isdigit() and ch.isascii())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if PHONE_RE.match(digits) else ""


def _hash(phone: str, code: str) -> str:
    return salted_hmac("renda.opinions.phone-code", f"{phone}:{code}").hexdigest()


def phone_code_send(*, phone: str, ip: str | None = None) -> PhoneVerification:
    """Text a new code to ``phone``. Raises ValidationError (bad/blocked phone) or RateLimited."""
    phone = normalize_phone(phone)
    if not phone:
        raise ValidationError({"phone": BAD_PHONE})
    if is_blocked(phone):
        raise ValidationError({"phone": BLOCKED})
    busy = "获取验证码过于频繁，请稍后再试。"
    if ip:
        ratelimit.check("sms-ip", ip, settings.RENDA_SMS_RATE_IP, busy)
    ratelimit.check("sms-phone", phone, settings.RENDA_SMS_RATE_PHONE, busy)
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    with transaction.atomic():
        verification = PhoneVerification.objects.create(
            phone=phone,
            code_hash=_hash(phone, code),
            token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        sms_queue(phone, "sms.verify", {"code": code})
    return verification


def phone_code_check(*, phone: str, code: str) -> PhoneVerification:
    """Confirm the latest code sent to ``phone``; returns the verification or raises ValidationError."""
    phone = normalize_phone(phone)
    code = "".join(ch for ch in str(code or "")[:20] if ch.isdigit())
    if not phone:
        raise ValidationError({"phone": BAD_PHONE})
    now = timezone.now()
    verification = (
        PhoneVerification.objects.filter(phone=phone, expires_at__gt=now).order_by("-created_at", "-id").first()
    )
    if verification is None:
        raise ValidationError({"sms_code": NO_CODE})
    matches = len(code) == 6 and constant_time_compare(verification.code_hash, _hash(phone, code))
    if verification.verified_at is not None and matches:
        return verification
    if verification.attempts >= MAX_ATTEMPTS:
        raise ValidationError({"sms_code": TOO_MANY})
    if not matches:
        PhoneVerification.objects.filter(pk=verification.pk).update(attempts=F("attempts") + 1)
        raise ValidationError({"sms_code": WRONG_CODE})
    verification.verified_at = now
    verification.save(update_fields=["verified_at"])
    return verification


def phone_token_check(*, phone: str, token: str) -> PhoneVerification:
    """The verification a confirmed ``token`` stands for, if it is for ``phone`` and still fresh."""
    phone = normalize_phone(phone)
    token = str(token or "")[:64]
    if not phone:
        raise ValidationError({"phone": BAD_PHONE})
    verification = PhoneVerification.objects.filter(
        phone=phone, token=token, verified_at__gt=timezone.now() - TOKEN_TTL
    ).first()
    if not token or verification is None:
        raise ValidationError({"phone_token": BAD_TOKEN})
    return verification


def phone_verification_use(verification: PhoneVerification) -> None:
    """Record the first use (kept for the record; a confirmed code stays valid until it expires)."""
    if verification.used_at is None:
        PhoneVerification.objects.filter(pk=verification.pk, used_at__isnull=True).update(used_at=timezone.now())
