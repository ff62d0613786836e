"""API v1 代表建议: public answers (published only), the signed-in caller's scope, OpenAPI."""

import json

from renda.suggestions import services as ss
from tests.suggestions.conftest import draft, in_progress, sw  # noqa: F401 - sw is a fixture
from tests.suggestions.test_public import CONTACT, answered

API = "/api/v1"


def test_openapi_lists_the_endpoints(client, db):
    doc = json.loads(client.get(f"{API}/openapi.json").content)
    for path in ("/api/v1/suggestions/replies", "/api/v1/suggestions/replies/{suggestion_id}", "/api/v1/suggestions"):
        assert path in doc["paths"], path
    params = {p["name"] for p in doc["paths"]["/api/v1/suggestions/replies"]["get"]["parameters"]}
    assert {"q", "year", "session", "category", "unit", "deputy", "page", "page_size"} <= params


def test_public_replies_published_only(client, world, sw):  # noqa: F811
    shown = answered(world, sw, result="B", content="已列入改造计划。")
    hidden = answered(world, sw, title="关于不公开事项的建议", publish=False, no_publish_reason="涉及个人隐私")
    in_progress(world, sw, title="关于尚未答复事项的建议")
    data = client.get(f"{API}/suggestions/replies").json()
    assert data["count"] == 1 and data["page"] == 1 and data["page_size"] == 20
    (item,) = data["items"]
    assert item["id"] == shown.pk and item["number_label"] == shown.number_label
    assert item["results"] == ["正在解决或列入计划"]
    assert {"role": "主办", "name": world.agency_a.name} in item["units"]
    assert item["proposer"] == world.deputy_a.name

    detail = client.get(f"{API}/suggestions/replies/{shown.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["replies"][0]["content"] == "已列入改造计划。" and body["replies"][0]["unit"] == world.agency_a.name
    assert body["commitments"][0]["fulfilled"] is False
    text = detail.content.decode()
    assert CONTACT not in text and "handler_a" not in text

    for pk in (hidden.pk, draft(world, sw).pk, 999999):
        response = client.get(f"{API}/suggestions/replies/{pk}")
        assert response.status_code == 404 and "没有找到" in response.json()["detail"]


def test_public_filters_and_bad_input(client, world, sw):  # noqa: F811
    s = answered(world, sw)
    get = lambda **p: client.get(f"{API}/suggestions/replies", p)  # noqa: E731
    assert get(year=2026).json()["count"] == 1
    assert get(year=2025).json()["count"] == 0
    assert get(unit=world.agency_a.code).json()["count"] == 1
    assert get(deputy=world.deputy_b.number).json()["count"] == 0
    assert get(q=s.number_label).json()["count"] == 1
    assert get(unit="NOPE").status_code == 400
    assert get(year="abc").status_code == 422
    assert get(page_size=1000).status_code == 422
    assert get(page=5).json()["items"] == []


def test_scoped_list_by_role(client, world, sw):  # noqa: F811
    own = in_progress(world, sw, title="代表A的建议")
    mine_draft = draft(world, sw, title="代表A的草稿")
    cosigned = draft(world, sw, title="邀请附议的建议")
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=cosigned, deputies=[sw.deputy_a2])
    url = f"{API}/suggestions"

    def titles(user):
        client.force_login(user)
        response = client.get(url)
        client.logout()
        assert response.status_code == 200, response.content
        return {i["title"] for i in response.json()["items"]}

    assert titles(world.deputy_user_a) == {own.title, mine_draft.title, cosigned.title}
    assert titles(sw.cosigner_user) == {cosigned.title}  # a member of the same congress sees only what they sign
    assert titles(sw.deputy_user_b) == set()  # outsider deputy
    assert titles(world.staff_a) == {own.title}  # staff: submitted ones of their congress
    assert titles(world.staff_b) == set()  # other county
    assert titles(world.handler_a) == {own.title}  # the assigned unit
    assert titles(world.handler_b) == set()

    assert client.get(url).status_code == 401  # anonymous
    client.force_login(world.station_staff_a)
    assert client.get(url).status_code == 403  # no suggestion permission
    client.logout()

    client.force_login(world.deputy_user_a)
    item = client.get(url, {"state": "in_progress"}).json()["items"]
    assert [i["title"] for i in item] == [own.title] and item[0]["state_label"] == "办理中"
    assert client.get(f"{url}/{own.pk}").json()["number_label"] == own.number_label
    client.force_login(world.staff_b)
    assert client.get(f"{url}/{own.pk}").status_code == 404
    client.force_login(sw.deputy_user_b)
    assert client.get(f"{url}/{mine_draft.pk}").status_code == 404
