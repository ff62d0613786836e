"""The public site: pages render, show only public data, and never 500 on bad input."""

import datetime
import json

import pytest
from django.urls import reverse

from renda.registry import services as reg
from renda.registry.models import MandateStatus


def test_home_shows_figures_and_entry_points(client, world):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("找代表", "找家站点", "家站点分布图"):
        assert text in html
    assert response.context["figures"]["deputies"] == 3
    assert response.context["figures"]["by_kind"] == {"home": 1, "station": 1}
    assert response.context["figures"]["by_level"] == {"county": 2, "city": 2}


def test_home_figures_are_cached(client, world, django_assert_num_queries):
    client.get(reverse("public:home"))
    with django_assert_num_queries(0):
        assert client.get(reverse("public:home")).status_code == 200


def test_nav_links(client, world):
    html = client.get(reverse("public:home")).content.decode()
    for name in ("public:deputy_list", "public:station_list", "public:map"):
        assert f'href="{reverse(name)}"' in html


def test_deputy_list_search_and_filters(client, world):
    url = reverse("public:deputy_list")
    names = lambda r: {d.name for d in r.context["page"].object_list}  # noqa: E731
    assert names(client.get(url)) == {"王𠙶", "李向阳", "赵市代"}
    assert names(client.get(url, {"q": "向阳"})) == {"李向阳"}
    assert names(client.get(url, {"level": "city"})) == {"王𠙶", "赵市代"}
    assert names(client.get(url, {"division": world.county_a.code})) == {"王𠙶"}
    assert names(client.get(url, {"division": world.town_b.code})) == {"李向阳"}
    assert names(client.get(url, {"station": world.station_b.code})) == {"李向阳"}
    html = client.get(url).content.decode()
    assert "王𠙶" in html
    assert world.station_a.name in html
    assert "市级人大代表" in html


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
        {"division": "zzz"},
        {"division": "999999"},
        {"level": "bogus"},
        {"station": "<nope>"},
        {"q": "x" * 500},
        {"q": "%_'\"\\"},
    ],
)
def test_deputy_list_bad_params_never_500(client, world, params):
    response = client.get(reverse("public:deputy_list"), params)
    assert response.status_code == 200


def test_deputy_list_bad_params_give_a_notice(client, world):
    html = client.get(reverse("public:deputy_list"), {"level": "bogus", "division": "zzz"}).content.decode()
    assert "已忽略" in html
    assert "zzz" in html


@pytest.mark.parametrize("params", [{"page": "abc"}, {"division": "zzz"}, {"kind": "bogus"}, {"q": "x" * 300}])
def test_station_list_bad_params_never_500(client, world, params):
    assert client.get(reverse("public:station_list"), params).status_code == 200


def test_deputy_list_excludes_inactive_and_no_mandate(client, world):
    reg.deputy_set_active(actor=None, deputy=world.deputy_b, active=False)
    mandate = world.city_deputy.mandates.get()
    reg.mandate_change_status(actor=None, mandate=mandate, status=MandateStatus.ENDED, reason="届满")
    reg.deputy_create(actor=None, name="无资格", gender="M")
    names = {d.name for d in client.get(reverse("public:deputy_list")).context["page"].object_list}
    assert names == {"王𠙶"}


def test_deputy_detail_public_fields_only(client, world):
    response = client.get(reverse("public:deputy_detail", args=[world.deputy_a.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "王𠙶" in html
    assert "第一选区" in html
    assert "东风区代表团" in html
    assert world.station_a.name in html
    assert world.grid_a.name in html
    # Never the private phone or ID number, not even a fragment of them.
    assert "13900001111" not in html
    assert "990102198001011234" not in html
    assert "1111" not in html
    assert "身份证" not in html


def test_deputy_detail_404s(client, world):
    assert client.get(reverse("public:deputy_detail", args=["NOPE"])).status_code == 404
    reg.deputy_set_active(actor=None, deputy=world.deputy_b, active=False)
    assert client.get(reverse("public:deputy_detail", args=[world.deputy_b.number])).status_code == 404
    mandate = world.city_deputy.mandates.get()
    reg.mandate_change_status(actor=None, mandate=mandate, status=MandateStatus.SUSPENDED)
    assert client.get(reverse("public:deputy_detail", args=[world.city_deputy.number])).status_code == 404
    assert client.get("/deputies/%3Cscript%3E/").status_code == 404


def test_names_are_escaped(client, world):
    evil = reg.deputy_create(actor=None, name="<script>alert(1)</script>", gender="M", position="<b>x</b>")
    term = world.congress_a.terms.get()
    reg.mandate_create(actor=None, deputy=evil, term=term, started_on=datetime.date(2022, 1, 1))
    reg.station_assign_deputy(actor=None, station=world.station_a, deputy=evil)
    for url in (
        reverse("public:deputy_list"),
        reverse("public:deputy_detail", args=[evil.number]),
        reverse("public:station_detail", args=[world.station_a.code]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_station_list_and_detail(client, world):
    url = reverse("public:station_list")
    codes = lambda r: {s.code for s in r.context["page"].object_list}  # noqa: E731
    assert codes(client.get(url)) == {"ST001", "ST002"}
    assert codes(client.get(url, {"kind": "home"})) == {"ST001"}
    assert codes(client.get(url, {"division": world.county_b.code})) == {"ST002"}
    assert codes(client.get(url, {"q": "长安"})) == {"ST001"}
    reg.station_update(
        actor=None, station=world.station_a, opening_hours="每周三 9:00-11:30", contact_phone="0454-1234567"
    )
    response = client.get(reverse("public:station_detail", args=["ST001"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "每周三 9:00-11:30" in html
    assert "0454-1234567" in html  # a station's phone is public
    assert "王𠙶" in html
    assert 'id="station-map"' in html
    assert "vendor/leaflet/leaflet.js" in html
    assert "13900001111" not in html


def test_station_detail_404s(client, world):
    assert client.get(reverse("public:station_detail", args=["NOPE"])).status_code == 404
    reg.station_set_active(actor=None, station=world.station_b, active=False)
    assert client.get(reverse("public:station_detail", args=["ST002"])).status_code == 404
    assert "ST002" not in {s.code for s in client.get(reverse("public:station_list")).context["page"].object_list}


def test_station_without_coordinates_has_no_map(client, world):
    reg.station_update(actor=None, station=world.station_b, latitude=None, longitude=None)
    html = client.get(reverse("public:station_detail", args=["ST002"])).content.decode()
    assert 'id="station-map"' not in html


def test_map_page_is_offline_by_default(client, world, settings):
    settings.RENDA_MAP_TILE_URL = ""
    html = client.get(reverse("public:map")).content.decode()
    assert 'data-tile-url=""' in html
    assert "vendor/leaflet/leaflet.js" in html
    assert "renda/map.js" in html
    assert "http://" not in html and "https://" not in html
    assert reverse("public:station_list") in html  # list fallback


def test_map_page_passes_tile_server(client, world, settings):
    settings.RENDA_MAP_TILE_URL = "https://t0.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}"
    settings.RENDA_MAP_TILE_ATTRIBUTION = "天地图"
    html = client.get(reverse("public:map")).content.decode()
    assert "t0.tianditu.gov.cn" in html
    assert 'data-tile-attribution="天地图"' in html


def test_map_data(client, world):
    reg.division_update(
        actor=None,
        division=world.county_a,
        boundary={"type": "Polygon", "coordinates": [[[130, 46], [131, 46], [131, 47], [130, 46]]]},
    )
    reg.division_update(
        actor=None,
        division=world.town_a,
        boundary={
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [[[130, 46], [130.5, 46], [130.5, 46.5], [130, 46]]]},
        },
    )
    response = client.get(reverse("public:map_data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    by_code = {s["code"]: s for s in data["stations"]}
    assert set(by_code) == {"ST001", "ST002"}
    a = by_code["ST001"]
    assert a["county"] == world.county_a.code
    assert a["division"] == world.town_a.code
    assert a["lat"] == 46.8 and a["lng"] == 130.3
    assert a["url"] == reverse("public:station_detail", args=["ST001"])
    assert by_code["ST002"]["county"] == world.county_b.code
    assert {c["code"] for c in data["counties"]} == {world.county_a.code, world.county_b.code}
    [county] = data["outlines"]["county"]["features"]
    assert county["properties"]["code"] == world.county_a.code
    assert county["geometry"]["type"] == "Polygon"
    [town] = data["outlines"]["township"]["features"]
    assert town["properties"]["name"] == world.town_a.name


def test_map_data_without_boundaries_or_coordinates(client, world):
    reg.station_update(actor=None, station=world.station_b, latitude=None, longitude=None)
    data = json.loads(client.get(reverse("public:map_data")).content)
    assert [s["code"] for s in data["stations"]] == ["ST001"]
    assert data["without_location"] == 1
    assert data["outlines"]["county"]["features"] == []


def test_map_data_is_cached(client, world, django_assert_num_queries):
    client.get(reverse("public:map_data"))
    with django_assert_num_queries(0):
        assert client.get(reverse("public:map_data")).status_code == 200


def test_rare_character_renders(client, world):
    for url in (
        reverse("public:deputy_list"),
        reverse("public:deputy_detail", args=[world.deputy_a.number]),
        reverse("public:station_detail", args=["ST001"]),
    ):
        assert "王𠙶" in client.get(url).content.decode()
    assert {d.name for d in client.get(reverse("public:deputy_list"), {"q": "𠙶"}).context["page"].object_list} == {
        "王𠙶"
    }


def test_pages_have_no_inline_script_or_style(client, world):
    for url in (
        reverse("public:home"),
        reverse("public:deputy_list"),
        reverse("public:deputy_detail", args=[world.deputy_a.number]),
        reverse("public:station_list"),
        reverse("public:station_detail", args=["ST001"]),
        reverse("public:map"),
    ):
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert "<script>" not in html, url


def test_map_data_gzip(client, world):
    import gzip

    plain = client.get(reverse("public:map_data"))
    zipped = client.get(reverse("public:map_data"), headers={"accept-encoding": "gzip, deflate"})
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content


def test_division_filter_keeps_selection(client, world):
    html = client.get(reverse("public:station_list"), {"division": world.county_a.code}).content.decode()
    assert f'<option value="{world.county_a.code}" selected>' in html
    assert f'<option value="{world.town_a.code}">　└ {world.town_a.name}</option>' in html
    html = client.get(reverse("public:deputy_list")).content.decode()
    assert " selected>" not in html.split('name="division"')[1].split("</select>")[0]
