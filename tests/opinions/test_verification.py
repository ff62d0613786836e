"""SMS phone verification: hashed codes, expiry, attempts, rate limits, tokens."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renda.core import ratelimit
from renda.core.models import SmsMessage
from renda.opinions.models import BlockedPhone, PhoneVerification
from renda.opinions.verification import (
    MAX_ATTEMPTS,
    normalize_phone,
    phone_code_check,
    phone_code_send,
    phone_token_check,
)

PHONE = "13800138000"


def send(phone=PHONE, code=123456, ip="10.0.0.1"):
    with mock.patch("renda.opinions.verification.secrets.randbelow", return_value=code):
        return phone_code_send(phone=phone, ip=ip)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("13800138000", PHONE), ("+86 138-0013-8000", PHONE), ("8613800138000", PHONE), ("12345", ""),
     ("23800138000", ""), ("１３８００１３８０００", ""), (None, ""), ("x" * 1000, "")],
)  # fmt: skip
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


def test_code_is_hashed_and_texted(db):
    verification = send()
    assert len(verification.code_hash) > 20 and "123456" not in verification.code_hash
    sms = SmsMessage.objects.get(template_key="sms.verify")
    assert sms.phone == PHONE and "123456" in sms.text
    assert verification.expires_at - verification.created_at == datetime.timedelta(minutes=10)


def test_check_right_and_wrong_code(db):
    send()
    with pytest.raises(ValidationError) as exc:
        phone_code_check(phone=PHONE, code="000000")
    assert "验证码不正确" in str(exc.value)
    checked = phone_code_check(phone=PHONE, code="123456")
    assert checked.verified_at is not None
    assert phone_code_check(phone=PHONE, code="123456").pk == checked.pk  # a retry still works


def test_attempts_are_limited(db):
    send()
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            phone_code_check(phone=PHONE, code="000000")
    with pytest.raises(ValidationError) as exc:
        phone_code_check(phone=PHONE, code="123456")  # even the right code, once locked
    assert "次数过多" in str(exc.value)


def test_code_expires(db):
    verification = send()
    PhoneVerification.objects.filter(pk=verification.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError) as exc:
        phone_code_check(phone=PHONE, code="123456")
    assert "已过期" in str(exc.value)


def test_only_latest_code_counts(db):
    send(code=111111)
    send(code=222222)
    with pytest.raises(ValidationError):
        phone_code_check(phone=PHONE, code="111111")
    assert phone_code_check(phone=PHONE, code="222222")


def test_code_for_other_phone_fails(db):
    send()
    with pytest.raises(ValidationError):
        phone_code_check(phone="13900139000", code="123456")


def test_token(db):
    send()
    token = phone_code_check(phone=PHONE, code="123456").token
    assert phone_token_check(phone=PHONE, token=token)
    with pytest.raises(ValidationError):
        phone_token_check(phone="13900139000", token=token)
    with pytest.raises(ValidationError):
        phone_token_check(phone=PHONE, token="guess")
    unverified = send(phone="13900139000")
    with pytest.raises(ValidationError):
        phone_token_check(phone="13900139000", token=unverified.token)


def test_blocked_and_bad_phone(db):
    BlockedPhone.objects.create(phone=PHONE, reason="骚扰")
    with pytest.raises(ValidationError) as exc:
        send()
    assert "已被限制" in str(exc.value)
    with pytest.raises(ValidationError):
        send(phone="110")
    assert not SmsMessage.objects.exists()


def test_rate_limited_per_phone_and_ip(db, settings):
    settings.RENDA_SMS_RATE_PHONE = "2/hour"
    settings.RENDA_SMS_RATE_IP = "4/hour"  # every attempt counts, refused ones too
    send()
    send()
    with pytest.raises(ratelimit.RateLimited):
        send()
    send(phone="13900139000")
    with pytest.raises(ratelimit.RateLimited):
        send(phone="13700137000")  # fifth attempt from the same IP
    send(phone="13700137000", ip="10.0.0.2")


def test_ratelimit_window_and_parse(db):
    assert ratelimit.parse_rate("20/hour") == (20, 3600)
    assert ratelimit.parse_rate("5/10m") == (5, 600)
    assert ratelimit.parse_rate("3/600s") == (3, 600)
    assert ratelimit.hit("t", "k", 2, 60) and ratelimit.hit("t", "k", 2, 60)
    assert not ratelimit.hit("t", "k", 2, 60)
    assert ratelimit.hit("t", "other", 2, 60)
    assert ratelimit.hit("t", "k", 0, 60)  # 0 = unlimited


def test_client_ip(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    settings.RENDA_TRUSTED_PROXY = False
    assert ratelimit.client_ip(request) == "10.1.1.1"
    settings.RENDA_TRUSTED_PROXY = True
    assert ratelimit.client_ip(request) == "5.6.7.8"
    assert ratelimit.client_ip(rf.get("/", REMOTE_ADDR="garbage")) is None
