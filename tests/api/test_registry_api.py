"""API v1 read endpoints: counts, pagination, scoping, masking, bad input, OpenAPI."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renda.registry import services as reg
from renda.registry.models import MandateStatus
from tests.public.test_queries import grow

API = "/api/v1"


def get(client, path, **params):
    return client.get(API + path, params)


def test_openapi_document(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/deputies", "/api/v1/deputies/{number}", "/api/v1/stations", "/api/v1/stations/{code}"):
        assert path in doc["paths"], path
    operation = doc["paths"]["/api/v1/deputies"]["get"]
    assert "访问范围" in operation["description"]
    assert operation["security"] == [{"SessionAuth": []}, {}]  # session optional
    assert {p["name"] for p in operation["parameters"]} == {"q", "level", "division", "station", "page", "page_size"}


def test_docs_page_does_not_load_a_cdn(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 404 or b"cdn" not in response.content.lower()


def test_anonymous_deputy_list(client, world):
    data = get(client, "/deputies").json()
    assert data["count"] == 3
    assert data["page"] == 1 and data["page_size"] == 20
    by_name = {d["name"]: d for d in data["items"]}
    assert set(by_name) == {"王𠙶", "李向阳", "赵市代"}
    a = by_name["王𠙶"]
    assert a["public_url"] == f"http://testserver/d/{world.deputy_a.number}/"
    assert a["levels"] == ["city", "county"]
    assert a["stations"][0]["code"] == "ST001"
    assert a["stations"][0]["public_url"] == "http://testserver/s/ST001/"
    assert a["phone"] is None and a["id_number"] is None
    body = get(client, "/deputies").content.decode()
    assert "13900001111" not in body and "990102198001011234" not in body and "1111" not in body


def test_anonymous_never_sees_inactive(client, world):
    reg.deputy_set_active(actor=None, deputy=world.deputy_b, active=False)
    reg.mandate_change_status(
        actor=None, mandate=world.city_deputy.mandates.get(), status=MandateStatus.ENDED, reason="届满"
    )
    reg.station_set_active(actor=None, station=world.station_b, active=False)
    data = get(client, "/deputies").json()
    assert [d["name"] for d in data["items"]] == ["王𠙶"]
    assert data["count"] == 1
    assert get(client, f"/deputies/{world.deputy_b.number}").status_code == 404
    assert get(client, f"/deputies/{world.city_deputy.number}").status_code == 404
    stations = get(client, "/stations").json()
    assert [s["code"] for s in stations["items"]] == ["ST001"]
    assert get(client, "/stations/ST002").status_code == 404


def test_filters(client, world):
    names = lambda **p: {d["name"] for d in get(client, "/deputies", **p).json()["items"]}  # noqa: E731
    assert names(q="向阳") == {"李向阳"}
    assert names(level="city") == {"王𠙶", "赵市代"}
    assert names(division=world.county_a.code) == {"王𠙶"}
    assert names(station="ST002") == {"李向阳"}
    codes = lambda **p: {s["code"] for s in get(client, "/stations", **p).json()["items"]}  # noqa: E731
    assert codes(kind="home") == {"ST001"}
    assert codes(division=world.county_b.code) == {"ST002"}
    assert codes(q="长安") == {"ST001"}


def test_pagination(client, world):
    grow(world, 45)
    first = get(client, "/deputies", page_size=20).json()
    assert first["count"] == 48
    assert len(first["items"]) == 20
    third = get(client, "/deputies", page=3, page_size=20).json()
    assert len(third["items"]) == 8
    assert get(client, "/deputies", page=99).json() == {"count": 48, "items": [], "page": 99, "page_size": 20}
    numbers = [d["number"] for p in (1, 2, 3) for d in get(client, "/deputies", page=p).json()["items"]]
    assert len(numbers) == len(set(numbers)) == 48
    stations = get(client, "/stations", page_size=100).json()
    assert stations["count"] == 47 and len(stations["items"]) == 47


@pytest.mark.parametrize(
    "path,params,status",
    [
        ("/deputies", {"page": "abc"}, 422),
        ("/deputies", {"page": 0}, 422),
        ("/deputies", {"page_size": 101}, 422),
        ("/deputies", {"page_size": 0}, 422),
        ("/deputies", {"level": "bogus"}, 422),
        ("/deputies", {"q": "x" * 500}, 422),
        ("/deputies", {"division": "zzz"}, 400),
        ("/deputies", {"station": "NOPE"}, 400),
        ("/stations", {"kind": "bogus"}, 422),
        ("/stations", {"division": "999999"}, 400),
        ("/stations", {"page": "-3"}, 422),
    ],
)
def test_bad_params(client, world, path, params, status):
    response = get(client, path, **params)
    assert response.status_code == status
    assert "detail" in response.json()


def test_unknown_ids_404(client, world):
    assert get(client, "/deputies/NOPE").status_code == 404
    assert get(client, "/stations/NOPE").status_code == 404
    assert "没有找到" in get(client, "/deputies/NOPE").json()["detail"]


def test_station_detail(client, world):
    reg.station_update(actor=None, station=world.station_a, contact_phone="0454-1234567", area_m2=120)
    data = get(client, "/stations/ST001").json()
    assert data["name"] == world.station_a.name
    assert data["contact_phone"] == "0454-1234567"
    assert data["area_m2"] == 120.0
    assert data["division"] == {"code": world.town_a.code, "name": world.town_a.name}
    assert data["deputies_count"] == 1
    assert data["deputies"] == [
        {
            "number": world.deputy_a.number,
            "name": "王𠙶",
            "levels": ["city", "county"],
            "public_url": f"http://testserver/d/{world.deputy_a.number}/",
        }
    ]
    assert len(data["checklist"]) == 6
    assert data["public_url"] == "http://testserver/s/ST001/"


def test_deputy_detail_anonymous(client, world):
    data = get(client, f"/deputies/{world.deputy_a.number}").json()
    assert data["name"] == "王𠙶"
    assert data["grids"] == [{"code": "G001", "name": world.grid_a.name, "division": world.village_a.code}]
    assert {m["constituency"] for m in data["mandates"]} == {"第一选区", ""}
    assert data["phone"] is None and data["id_number"] is None


def test_staff_scoping(login, world):
    client = login(world.staff_a)
    data = get(client, "/deputies").json()
    assert {d["name"] for d in data["items"]} == {"王𠙶"}
    assert data["count"] == 1
    # staff_a sees the county-A deputy's personal data in full (personal.view) ...
    a = data["items"][0]
    assert a["phone"] == "13900001111"
    assert a["id_number"] == "990102198001011234"
    # ... and inactive deputies of their county too.
    reg.deputy_set_active(actor=None, deputy=world.deputy_a, active=False)
    assert get(client, f"/deputies/{world.deputy_a.number}").json()["is_active"] is False
    assert {s["code"] for s in get(client, "/stations").json()["items"]} == {"ST001"}
    assert get(client, "/stations/ST002").status_code == 404


def test_outsider_staff_gets_404(login, world):
    client = login(world.staff_b)
    assert get(client, f"/deputies/{world.deputy_a.number}").status_code == 404
    assert get(client, "/stations/ST001").status_code == 404
    assert {d["name"] for d in get(client, "/deputies").json()["items"]} == {"李向阳"}


def test_member_without_personal_view_gets_masked_data(login, world):
    client = login(world.station_staff_a)
    data = get(client, f"/deputies/{world.deputy_a.number}").json()
    assert data["phone"] == "139****1111"
    assert data["id_number"] == "9901**********1234"
    assert "13900001111" not in get(client, "/deputies").content.decode()


def test_user_without_console_is_public(login, world):
    client = login(world.nobody)
    data = get(client, "/deputies").json()
    assert data["count"] == 3
    assert all(d["phone"] is None for d in data["items"])


def test_admin_sees_everything(login, world):
    data = get(login(world.admin), "/deputies").json()
    assert data["count"] == 3
    assert {d["phone"] for d in data["items"]} >= {"13900001111"}


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/deputies", "/stations", "/deputies/{deputy}", "/stations/ST001"],
)
def test_query_counts_constant(client, world, url):
    url = API + url.format(deputy=world.deputy_a.number)
    few = _queries(client, url)
    grow(world, 30)
    assert _queries(client, url) == few


def test_staff_query_counts_constant(login, world):
    client = login(world.staff_a)
    few = _queries(client, f"{API}/deputies")
    grow(world, 30)
    assert _queries(client, f"{API}/deputies") == few
