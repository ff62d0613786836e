"""API v1 民意直通车: intake, idempotency, verification, tracking, errors."""

import json
from unittest import mock

from renda.opinions.models import Channel, Opinion

API = "/api/v1/opinions"


def post(client, path="", body=None, raw=None, **headers):
    data = raw if raw is not None else json.dumps(body)
    return client.post(API + path, data=data, content_type="application/json", **headers)


def body(**extra):
    return {"content": "小区路灯坏了", "consent": True, **extra}


def test_create_anonymous_without_csrf(db, world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = post(client, body=body(title="路灯", division_code=world.village_a.code, deputy=world.deputy_a.number))
    assert response.status_code == 201, response.content
    data = response.json()
    opinion = Opinion.objects.get()
    assert data["tracking_code"] == opinion.tracking_code and data["state"] == "submitted"
    assert data["private_url"].endswith(f"/t/{opinion.access_token}/")
    assert opinion.channel == Channel.API and opinion.deputy == world.deputy_a


def test_idempotency_key(client, world):
    first = post(client, body=body(), HTTP_IDEMPOTENCY_KEY="abc")
    second = post(client, body=body(), HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201 and second.status_code == 200
    assert second["Idempotent-Replayed"] == "true" and first.json() == second.json()
    assert Opinion.objects.count() == 1
    other = post(client, body=body(content="别人的内容"), HTTP_IDEMPOTENCY_KEY="abc")
    assert other.status_code == 201 and other.json()["tracking_code"] != first.json()["tracking_code"]


def test_validation_errors(client, world):
    response = post(client, body={"content": "", "consent": False})
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] and "content" in data["errors"] and "consent" in data["errors"]
    response = post(client, body=body(latitude="north", category_id="x", anonymous="yes"))
    assert set(response.json()["errors"]) == {"latitude", "category_id", "anonymous"}
    assert post(client, raw="{not json").status_code == 422
    assert post(client, raw="[1, 2]").status_code == 422
    assert post(client, body=body(latitude=float("nan"), longitude=1)).status_code == 422
    assert post(client, body=body(deputy="NOPE")).json()["errors"]["deputy"] == "代表编号不存在。"
    assert not Opinion.objects.exists()


def test_phone_flow(client, world):
    assert post(client, body=body(phone="13800138000")).json()["errors"]["phone_token"]
    with mock.patch("renda.opinions.verification.secrets.randbelow", return_value=123456):
        sent = post(client, "/sms-code", {"phone": "13800138000"})
    assert sent.status_code == 200 and "138****8000" in sent.json()["detail"]
    wrong = post(client, "/sms-verify", {"phone": "13800138000", "code": "000000"})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.json()["errors"]["code"]
    token = post(client, "/sms-verify", {"phone": "13800138000", "code": "123456"}).json()["phone_token"]
    bad = post(client, body=body(phone="13800138000", phone_token="forged"))
    assert bad.status_code == 422
    response = post(client, body=body(phone="13800138000", phone_token=token))
    assert response.status_code == 201
    assert Opinion.objects.get().phone_verified
    response = post(client, body=body(phone="13800138000", sms_code="123456"))
    assert response.status_code == 201


def test_rate_limits(client, world, settings):
    settings.RENDA_OPINION_RATE_IP = "1/hour"
    settings.RENDA_SMS_RATE_PHONE = "1/hour"
    assert post(client, body=body()).status_code == 201
    response = post(client, body=body())
    assert response.status_code == 429 and "频繁" in response.json()["detail"]
    assert post(client, "/sms-code", {"phone": "13800138000"}).status_code == 200
    assert post(client, "/sms-code", {"phone": "13800138000"}).status_code == 429


def test_track_and_private(client, world):
    from tests.handling.conftest import submit

    opinion = submit(world)
    response = client.get(API + "/track", {"code": opinion.tracking_code, "phone": "13800138000"})
    assert response.status_code == 200
    data = response.json()
    assert data["tracking_code"] == opinion.tracking_code and data["steps"][0]["label"] == "您的意见已提交"
    assert "actor" not in json.dumps(data) and "13800138000" not in json.dumps(data)
    assert client.get(API + "/track", {"code": opinion.tracking_code, "phone": "13900139000"}).status_code == 404
    assert client.get(API + "/track").status_code == 404
    assert client.get(f"{API}/private/{opinion.access_token}").json()["tracking_code"] == opinion.tracking_code
    assert client.get(f"{API}/private/nope").status_code == 404


def test_openapi_still_builds(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/opinions" in paths and "/api/v1/opinions/track" in paths


def test_departed_deputy_number_reaches_the_successor(client, world):
    from renda.registry import services as reg

    reg.deputy_update(actor=None, deputy=world.deputy_a, successor=world.city_deputy)
    assert post(client, body=body(deputy=world.deputy_a.number)).status_code == 201
    assert Opinion.objects.get().deputy == world.deputy_a  # still serving: their own code
    reg.deputy_set_active(actor=None, deputy=world.deputy_a, active=False)
    assert post(client, body=body(deputy=world.deputy_a.number)).status_code == 201
    assert Opinion.objects.latest("pk").deputy == world.city_deputy
    reg.deputy_set_active(actor=None, deputy=world.city_deputy, active=False)
    assert post(client, body=body(deputy=world.deputy_a.number)).status_code == 201
    assert Opinion.objects.latest("pk").deputy == world.deputy_a  # no serving successor: kept as named
