import io

import pytest
from django.core.cache import cache
from PIL import Image

from renda.opinions.models import PhoneVerification
from renda.opinions.verification import phone_code_check, phone_code_send


@pytest.fixture(autouse=True)
def _clear_cache(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def verified_phone(db):
    """A phone with a confirmed code: returns (phone, code, token)."""

    def make(phone: str = "13800138000") -> tuple[str, str, str]:
        from unittest import mock

        with mock.patch("renda.opinions.verification.secrets.randbelow", return_value=123456):
            phone_code_send(phone=phone, ip="10.0.0.1")
        checked = phone_code_check(phone=phone, code="123456")
        assert PhoneVerification.objects.filter(pk=checked.pk, verified_at__isnull=False).exists()
        return phone, "123456", checked.token

    return make


def jpeg_bytes(gps: bool = False, size=(64, 48)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        gps_ifd = {1: "N", 2: (46.0, 48.0, 0.0), 3: "E", 4: (130.0, 18.0, 0.0)}
        exif[0x8825] = gps_ifd
        img.save(out, format="JPEG", exif=exif)
    else:
        img.save(out, format="JPEG")
    return out.getvalue()
