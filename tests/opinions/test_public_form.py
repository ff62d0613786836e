"""The citizen form: channels, verification, idempotency, photos, limits."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from renda.core.models import SmsMessage
from renda.opinions.models import BlockedPhone, Category, Channel, Opinion, Taxonomy
from tests.opinions.conftest import jpeg_bytes

URL = "/opinions/new/"


def post(client, query="", files=None, **fields):
    data = {"content": "小区路灯坏了", "consent": "1", "idempotency_key": "", **fields}
    if files:
        data["photos"] = files
    return client.post(URL + query, data)


def test_form_renders_without_taxonomy(client, world):
    response = client.get(URL + f"?deputy={world.deputy_a.number}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "反映给代表" in body and world.deputy_a.name in body
    assert 'name="category"' not in body  # no default taxonomy yet
    assert 'name="idempotency_key" value="' in body


def test_category_select_lists_default_taxonomy(client, world):
    tax = Taxonomy.objects.create(name="默认", is_default=True)
    top = Category.objects.create(taxonomy=tax, name="城乡建设", level=1, path="城乡建设")
    Category.objects.create(taxonomy=tax, parent=top, name="路灯", level=2, path="城乡建设/路灯")
    other = Taxonomy.objects.create(name="地方", is_default=False)
    foreign = Category.objects.create(taxonomy=other, name="外来", level=1, path="外来")
    body = client.get(URL).content.decode()
    assert "城乡建设" in body and "路灯" in body and "外来" not in body
    response = post(client, category=str(foreign.pk))
    assert response.status_code == 200 and "请从列表中选择问题分类" in response.content.decode()
    response = post(client, category=str(top.pk))
    assert response.status_code == 302
    assert Opinion.objects.get().category == top


def test_web_submission_without_phone(client, world):
    response = post(client, title="路灯", division=world.village_a.code)
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert response["Location"] == reverse("public:opinion_private", args=[opinion.access_token])
    assert opinion.channel == Channel.WEB and opinion.deputy is None and opinion.phone == ""
    assert opinion.consent_at is not None and opinion.client_ip == "127.0.0.1"
    page = client.get(response["Location"]).content.decode()
    assert opinion.tracking_code in page and "请保存此链接" in page and "只能通过此私密链接" in page


def test_deputy_and_station_qr_channels(client, world):
    post(client, query=f"?deputy={world.deputy_a.number}")
    post(client, query=f"?station={world.station_a.code}")
    first, second = Opinion.objects.order_by("id")
    assert first.channel == Channel.DEPUTY_QR and first.deputy == world.deputy_a
    assert second.channel == Channel.STATION_QR and second.station == world.station_a
    assert second.division == world.town_a  # the station's place when none given
    response = post(client, query="?deputy=NOPE")
    assert response.status_code == 302 and Opinion.objects.order_by("-id").first().channel == Channel.WEB


def test_required_fields_and_consent(client, world):
    response = client.post(URL, {"content": "", "idempotency_key": "k"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写您要反映的内容" in body and "请阅读并同意隐私说明" in body
    assert not Opinion.objects.exists()


def test_village_must_be_in_area(client, world):
    response = post(client, division=world.county_b.code, village=world.village_a.code)
    assert "不在所选区域内" in response.content.decode()
    response = post(client, division=world.county_a.code, village=world.village_a.code, grid=world.grid_a.code)
    assert response.status_code == 302
    assert Opinion.objects.get().division == world.village_a


def test_places_fragments(client, world):
    body = client.get("/opinions/places/", {"division": world.town_a.code}).content.decode()
    assert world.village_a.name in body
    body = client.get("/opinions/places/", {"village": world.village_a.code}).content.decode()
    assert world.grid_a.name in body
    assert client.get("/opinions/places/", {"division": "<x>"}).status_code == 200


def test_phone_requires_verified_code(client, world, verified_phone):
    response = post(client, phone="13800138000")
    assert response.status_code == 200 and "请填写短信验证码" in response.content.decode()
    response = post(client, phone="13800138000", sms_code="000000")
    assert "验证码已过期或尚未获取" in response.content.decode()
    phone, code, _token = verified_phone()
    response = post(client, phone=phone, sms_code="654321")
    assert "验证码不正确" in response.content.decode()
    assert not Opinion.objects.exists()
    response = post(client, phone="138 0013 8000", sms_code=code, name="张三")
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.phone == phone and opinion.phone_verified and opinion.citizen_name == "张三"
    page = client.get(response["Location"]).content.decode()
    assert "138****8000" in page and phone not in page
    assert SmsMessage.objects.filter(template_key="sms.received", phone=phone).exists()


def test_blocked_phone_rejected(client, world, verified_phone):
    phone, code, _ = verified_phone()
    BlockedPhone.objects.create(phone=phone, reason="骚扰")
    response = post(client, phone=phone, sms_code=code)
    assert "该手机号已被限制提交" in response.content.decode()
    assert not Opinion.objects.exists()


def test_anonymous_drops_name(client, world):
    post(client, name="李四", anonymous="1")
    assert Opinion.objects.get().citizen_name == ""


def test_double_tap_creates_one_opinion(client, world, verified_phone):
    phone, code, _ = verified_phone()
    first = post(client, phone=phone, sms_code=code, idempotency_key="9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d")
    second = post(client, phone=phone, sms_code=code, idempotency_key="9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Opinion.objects.count() == 1
    post(client, idempotency_key="another-key")
    assert Opinion.objects.count() == 2


def _upload(data: bytes, name="p.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_photo_exif_gps_is_stripped(client, world):
    original = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture really has GPS
    response = post(client, files=[_upload(original)])
    assert response.status_code == 302
    photo = Opinion.objects.get().photos.get()
    with photo.image.open("rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
        exif = stored.getexif()
        assert not exif.get_ifd(0x8825) and 0x010F not in exif


def test_non_image_rejected(client, world):
    response = post(client, files=[_upload(b"%PDF-1.4 not an image", name="x.jpg")])
    assert response.status_code == 200
    assert "第 1 张照片" in response.content.decode() and "不是有效的图片" in response.content.decode()
    assert not Opinion.objects.exists()


def test_ten_photos_rejected(client, world):
    files = [_upload(jpeg_bytes(), name=f"{i}.jpg") for i in range(10)]
    response = post(client, files=files)
    assert "最多上传 9 张照片" in response.content.decode()
    assert not Opinion.objects.exists()


def test_oversize_photo_rejected(client, world, settings):
    settings.RENDA_MAX_PHOTO_BYTES = 1000
    response = post(client, files=[_upload(jpeg_bytes(size=(400, 400)) + b"\0" * 2000)])
    assert "图片不能超过" in response.content.decode()


def test_rate_limit_per_ip(client, world, settings):
    settings.RENDA_OPINION_RATE_IP = "2/hour"
    assert post(client).status_code == 302
    assert post(client).status_code == 302
    response = post(client)
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert Opinion.objects.count() == 2


def test_rate_limit_per_phone(client, world, settings, verified_phone):
    settings.RENDA_OPINION_RATE_PHONE = "1/hour"
    phone, code, _ = verified_phone()
    assert post(client, phone=phone, sms_code=code).status_code == 302
    assert post(client, phone=phone, sms_code=code).status_code == 429


def test_sms_code_endpoint(client, world, settings):
    response = client.post("/opinions/sms-code/", {"phone": "13800138000"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "138****8000" in response.content.decode()
    assert SmsMessage.objects.filter(template_key="sms.verify").count() == 1
    response = client.post("/opinions/sms-code/", {"phone": "12345"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "11 位手机号" in response.content.decode()
    settings.RENDA_SMS_RATE_PHONE = "1/hour"
    response = client.post("/opinions/sms-code/", {"phone": "13800138000"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429 and "过于频繁" in response.content.decode()


def test_privacy_page(client, db):
    response = client.get("/opinions/privacy/")
    assert response.status_code == 200 and "隐私说明" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_method(client, db, method):
    assert getattr(client, method)(URL).status_code == 405


def test_photos_are_private_and_served_to_those_who_may_open_the_opinion(client, world, login, settings):
    from django.urls import reverse

    post(client, query=f"?station={world.station_a.code}", files=[_upload(jpeg_bytes())])
    photo = Opinion.objects.get().photos.get()
    assert not photo.image.path.startswith(str(settings.MEDIA_ROOT))  # not under the served /media/
    url = reverse("console:opinion_photo", args=[photo.pk])
    owner = login(world.staff_a).get(url)
    assert owner.status_code == 200 and owner["Content-Type"] == "image/jpeg"
    assert b"".join(owner.streaming_content)[:3] == b"\xff\xd8\xff"
    assert login(world.station_staff_a).get(url).status_code == 200  # addressed to their station
    assert login(world.staff_b).get(url).status_code == 404  # outsider
    assert login(world.handler_a).get(url).status_code in (403, 404)  # not assigned to this agency
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
