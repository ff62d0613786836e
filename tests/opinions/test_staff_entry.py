"""Staff entry on a citizen's behalf, and the blocked-phone list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from renda.core.models import SmsMessage
from renda.opinions.models import BlockedPhone, Channel, Opinion

URL = reverse("console:opinion_create")
BLOCKED = reverse("console:blocked_phone_list")


def form_data(world, **extra):
    data = {
        "channel": Channel.WALK_IN,
        "station": world.station_a.pk,
        "content": "楼道灯不亮，老人上下楼不便。",
        "citizen_name": "刘大爷",
        "phone": "13912345678",
        "consent": "on",
        "idempotency_key": "k-1",
    }
    data.update(extra)
    return data


def test_station_staff_enters_opinion(world, login):
    client = login(world.station_staff_a)
    resp = client.get(URL)
    assert resp.status_code == 200
    assert resp.context["form"].fields["station"].initial == world.station_a.pk
    png = io.BytesIO()
    Image.new("RGB", (30, 30), "blue").save(png, format="PNG")
    data = form_data(world, photos=[SimpleUploadedFile("p.png", png.getvalue())])
    resp = client.post(URL, data, follow=True)
    op = Opinion.objects.get()
    assert op.channel == Channel.WALK_IN and op.entered_by == world.station_staff_a
    assert op.phone_verified and op.station == world.station_a and op.photos.count() == 1
    assert op.tracking_code in resp.content.decode()
    assert SmsMessage.objects.filter(phone="13912345678").exists()
    # a double submit with the same key does not create a second opinion
    client.post(URL, form_data(world))
    assert Opinion.objects.count() == 1


def test_consent_required_and_phone_checked(world, login):
    client = login(world.station_staff_a)
    data = form_data(world, phone="12345")
    data.pop("consent")
    resp = client.post(URL, data)
    body = resp.content.decode()
    assert resp.status_code == 200 and "群众已同意" in body and "11 位手机号" in body
    assert not Opinion.objects.exists()


def test_station_outside_scope_refused(world, login):
    resp = login(world.station_staff_a).post(URL, form_data(world, station=world.station_b.pk))
    assert resp.status_code == 200 and not Opinion.objects.exists()


def test_blocked_phone_refused(world, login):
    BlockedPhone.objects.create(phone="13912345678", reason="骚扰")
    resp = login(world.staff_a).post(URL, form_data(world))
    assert "限制提交" in resp.content.decode() and not Opinion.objects.exists()


@pytest.mark.parametrize("who,status", [("deputy_user_a", 403), ("handler_a", 403), ("nobody", 403)])
def test_entry_permission(world, login, who, status):
    assert login(getattr(world, who)).get(URL).status_code == status


def test_block_and_unblock(world, login):
    client = login(world.station_staff_a)
    resp = client.post(BLOCKED, {"phone": "139 1234 5678", "reason": "反复提交广告"}, follow=True)
    assert BlockedPhone.objects.filter(phone="13912345678").exists()
    body = resp.content.decode()
    assert "139****5678" in body and "13912345678" not in body  # station staff see it masked
    assert "13912345678" in login(world.staff_a).get(BLOCKED).content.decode()
    blocked = BlockedPhone.objects.get()
    client.post(reverse("console:blocked_phone_unblock", args=[blocked.pk]))
    assert not BlockedPhone.objects.exists()


def test_block_bad_input(world, login):
    resp = login(world.staff_a).post(BLOCKED, {"phone": "abc", "reason": ""})
    assert resp.status_code == 200 and not BlockedPhone.objects.exists()


@pytest.mark.parametrize("who", ["deputy_user_a", "handler_a", "nobody"])
def test_blocked_list_permission(world, login, who):
    client = login(getattr(world, who))
    assert client.get(BLOCKED).status_code == 403
    assert client.post(BLOCKED, {"phone": "13912345678", "reason": "x"}).status_code == 403
