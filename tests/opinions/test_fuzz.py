"""Fuzz the public form and API: no input gives a 500."""

import json

from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\x00", "<script>alert(1)</script>", "990102001001", "G001", "1" * 6000, "nan", "-1e999",
                     "13800138000", "ST001", "A" * 200, "😀" * 50, "../../etc/passwd", "0"]),
)  # fmt: skip
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), text,
              st.integers(min_value=10**20, max_value=10**30)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)  # fmt: skip
FORM_FIELDS = ["content", "title", "category", "division", "village", "grid", "address", "latitude", "longitude",
               "name", "phone", "sms_code", "anonymous", "consent", "idempotency_key"]  # fmt: skip
API_FIELDS = ["content", "title", "category_id", "division_code", "grid_code", "address", "latitude", "longitude",
              "name", "phone", "phone_token", "sms_code", "anonymous", "consent", "deputy", "station"]  # fmt: skip


def _client() -> Client:
    cache.clear()  # keep rate limits out of the way
    return Client()


@FUZZ
@given(data=st.dictionaries(st.sampled_from(FORM_FIELDS), text), query=text)
def test_form_never_500(world, data, query):
    client = _client()
    response = client.post("/opinions/new/?deputy=" + query.replace("\x00", ""), data=data)
    assert response.status_code < 500


@FUZZ
@given(data=st.dictionaries(st.sampled_from(API_FIELDS), json_value))
def test_api_never_500(world, data):
    client = _client()
    response = client.post("/api/v1/opinions", data=json.dumps(data), content_type="application/json")
    assert response.status_code < 500
    assert response.status_code in (201, 422, 429)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200), text, json_value.map(lambda v: json.dumps(v))), key=text)
def test_api_raw_body_never_500(world, raw, key):
    client = _client()
    headers = {"HTTP_IDEMPOTENCY_KEY": key.encode("utf-8", "ignore").decode("latin-1")[:200]}
    response = client.post("/api/v1/opinions", data=raw, content_type="application/json", **headers)
    assert response.status_code < 500
    for path in ("/sms-code", "/sms-verify"):
        assert client.post("/api/v1/opinions" + path, data=raw, content_type="application/json").status_code < 500


@FUZZ
@given(code=text, phone=text, token=text)
def test_tracking_never_500(world, code, phone, token):
    client = _client()
    assert client.post("/track/", {"code": code, "phone": phone}).status_code < 500
    assert client.get("/api/v1/opinions/track", {"code": code, "phone": phone}).status_code < 500
    safe = token.replace("/", "").replace("\x00", "") or "x"
    assert client.get(f"/t/{safe}/").status_code < 500
    assert client.get(f"/api/v1/opinions/private/{safe}").status_code < 500
    assert client.post(f"/t/{safe}/evaluate/", {"resolved": code, "satisfaction": phone}).status_code < 500
    assert client.post("/opinions/sms-code/", {"phone": phone}).status_code < 500
    assert client.get("/opinions/places/", {"division": code, "village": phone}).status_code < 500
