"""The suggestion list: scoped per role, searched, filtered, paginated, exported, without N+1."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from renda.suggestions import services as ss
from renda.suggestions.models import CoSigner, CoSignStatus

from .conftest import draft, in_progress, make_session, registered, submitted

URL = reverse("console:suggestion_list")


def titles(resp) -> set[str]:
    assert resp.status_code == 200
    return {s.title for s, _ in resp.context["rows"]}


@pytest.fixture
def mix(world, sw):
    """Drafts, co-signed, registered and assigned suggestions in county A, one in county B."""
    mine_draft = draft(world, sw, title="甲草稿")
    cosigned = draft(world, sw, title="乙附议", actor=sw.cosigner_user)
    CoSigner.objects.create(suggestion=cosigned, deputy=world.deputy_a, status=CoSignStatus.INVITED)
    reg = registered(world, sw, title="丙立案")
    assigned = in_progress(world, sw, title="丁交办")
    other = ss.suggestion_submit(
        actor=sw.deputy_user_b,
        suggestion=ss.suggestion_create(
            actor=sw.deputy_user_b, congress=world.congress_b, session=sw.session_b, title="戊别区", content="内容"
        ),
    )
    return {"draft": mine_draft, "cosigned": cosigned, "registered": reg, "assigned": assigned, "other": other}


def test_each_role_sees_its_own(world, sw, login, mix):
    assert titles(login(world.deputy_user_a).get(URL)) == {"甲草稿", "乙附议", "丙立案", "丁交办"}
    assert titles(login(sw.cosigner_user).get(URL)) == {"乙附议"}
    assert titles(login(world.staff_a).get(URL)) == {"丙立案", "丁交办"}  # nobody's drafts
    assert titles(login(world.handler_a).get(URL)) == {"丁交办"}
    assert titles(login(world.handler_a2).get(URL)) == set()
    assert titles(login(world.staff_b).get(URL)) == {"戊别区"}
    assert titles(login(sw.deputy_user_b).get(URL)) == {"戊别区"}
    assert titles(login(world.admin).get(URL)) == {"甲草稿", "乙附议", "丙立案", "丁交办", "戊别区"}
    assert login(world.station_staff_a).get(URL).status_code == 403
    assert login(world.nobody).get(URL).status_code == 403


def test_deputy_tabs(world, sw, login, mix):
    client = login(world.deputy_user_a)
    assert titles(client.get(URL, {"tab": "own"})) == {"甲草稿", "丙立案", "丁交办"}
    assert titles(client.get(URL, {"tab": "cosigned"})) == {"乙附议"}
    assert titles(client.get(URL, {"tab": "invited"})) == {"乙附议"}
    assert titles(client.get(URL, {"tab": "bogus"})) == {"甲草稿", "乙附议", "丙立案", "丁交办"}


def test_staff_and_agency_tabs(world, sw, login, mix):
    staff = login(world.staff_a)
    assert titles(staff.get(URL, {"tab": "assign"})) == {"丙立案"}
    assert titles(staff.get(URL, {"tab": "handling"})) == {"丁交办"}
    assert titles(staff.get(URL, {"tab": "register"})) == set()
    handler = login(world.handler_a)
    assert titles(handler.get(URL, {"tab": "handling"})) == {"丁交办"}
    assert titles(handler.get(URL, {"tab": "sign"})) == set()


def test_search_by_title_number_and_deputy(world, sw, login, mix):
    client = login(world.staff_a)
    assert titles(client.get(URL, {"q": "丙"})) == {"丙立案"}
    assert titles(client.get(URL, {"q": "第0002号"})) == {"丁交办"}
    assert titles(client.get(URL, {"q": "2"})) == {"丁交办"}
    assert titles(client.get(URL, {"q": world.deputy_a.name})) == {"丙立案", "丁交办"}
    assert titles(client.get(URL, {"q": "不存在"})) == set()


def test_filters(world, sw, login, mix):
    client = login(world.staff_a)
    ss.suggestion_mark_key(actor=world.staff_a, suggestion=mix["registered"], is_key=True)
    assert titles(client.get(URL, {"key": "1"})) == {"丙立案"}
    assert titles(client.get(URL, {"key": "0"})) == {"丁交办"}
    assert titles(client.get(URL, {"state": "accepted"})) == {"丙立案"}
    assert titles(client.get(URL, {"state": "in_progress"})) == {"丁交办"}
    assert titles(client.get(URL, {"agency": world.agency_a.pk})) == {"丁交办"}
    assert titles(client.get(URL, {"category": sw.category.pk})) == {"丙立案", "丁交办"}
    assert titles(client.get(URL, {"session": sw.session.pk})) == {"丙立案", "丁交办"}
    assert titles(client.get(URL, {"year": 2026})) == {"丙立案", "丁交办"}
    assert titles(client.get(URL, {"kind": "motion"})) == set()
    # values outside the user's scope are ignored, never a 500
    assert titles(client.get(URL, {"session": sw.session_b.pk, "agency": "x", "state": "zzz"})) == {"丙立案", "丁交办"}
    options = {f.name: [v for v, _ in f.options] for f in client.get(URL).context["filters"]}
    assert str(sw.session_b.pk) not in options["session"]
    assert str(world.agency_b.pk) not in options["agency"]


def test_deputy_state_filter_on_drafts(world, sw, login, mix):
    client = login(world.deputy_user_a)
    assert titles(client.get(URL, {"state": "draft"})) == {"甲草稿", "乙附议"}
    assert titles(client.get(URL, {"state": "submitted"})) == set()  # 待立案: none left


def test_export_xlsx(world, sw, login, mix):
    resp = login(world.staff_a).get(URL, {"format": "xlsx", "q": "丁"})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("编号", "标题", "类型")
    assert len(rows) == 2 and rows[1][1] == "丁交办" and "东风区住房和城乡建设局" in rows[1][7]


def test_pagination_and_query_count(world, sw, login, settings, django_assert_max_num_queries):
    settings.RENDA_PAGE_SIZE = 5
    for n in range(3):
        in_progress(world, sw, title=f"交办{n}", co=[world.agency_a2])
    for n in range(6):
        registered(world, sw, title=f"立案{n}")
    second = make_session(world.congress_a, title="2026年闭会期间")
    for n in range(3):
        submitted(world, sw, title=f"闭会{n}", session=second)
    for who in (world.staff_a, world.deputy_user_a, world.handler_a):
        client = login(who)
        client.get(URL)  # warm the session/user caches
        with django_assert_max_num_queries(16):
            resp = client.get(URL)
        assert resp.status_code == 200
    client = login(world.staff_a)
    with django_assert_max_num_queries(16):
        resp = client.get(URL, {"page": 2})
    assert len(resp.context["rows"]) == 5
    with django_assert_max_num_queries(16):
        resp = client.get(URL, {"format": "xlsx"})
    assert resp.status_code == 200
