"""Console opinion inbox: scope, tabs, filters, export, masking, query counts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from renda.handling import services as hs
from renda.handling.models import CaseState
from tests.handling.conftest import submit

URL = reverse("console:opinion_list")


@pytest.fixture
def opinions(world):
    a1 = submit(world, content="东风区路灯坏了", title="路灯")
    a2 = submit(world, content="东风区垃圾清运不及时", title="垃圾")
    b1 = submit(world, deputy=False, division=world.town_b, content="向阳区学校门口拥堵", title="拥堵")
    return a1, a2, b1


def codes(resp):
    return {o.tracking_code for o, _ in resp.context["rows"]}


def test_scope_owner_member_outsider(world, login, opinions):
    a1, a2, b1 = opinions
    assert codes(login(world.staff_a).get(URL)) == {a1.tracking_code, a2.tracking_code}
    assert codes(login(world.staff_b).get(URL)) == {b1.tracking_code}
    assert codes(login(world.deputy_user_a).get(URL)) == {a1.tracking_code, a2.tracking_code}
    assert codes(login(world.handler_a).get(URL)) == set()
    assert login(world.nobody).get(URL).status_code == 403


def test_agency_sees_only_assigned(world, login, opinions):
    a1, a2, _ = opinions
    hs.case_forward(actor=world.deputy_user_a, case=a1.case)
    hs.case_assign(actor=world.staff_a, case=a1.case, lead=world.agency_a)
    assert codes(login(world.handler_a).get(URL)) == {a1.tracking_code}
    assert codes(login(world.handler_a2).get(URL)) == set()


def test_front_default_tab_is_todo(world, login, opinions):
    a1, a2, _ = opinions
    hs.case_accept(actor=world.deputy_user_a, case=a1.case)
    client = login(world.deputy_user_a)
    resp = client.get(URL)
    assert resp.context["tab"] == "todo" and codes(resp) == {a2.tracking_code}
    assert codes(client.get(URL, {"tab": "all"})) == {a1.tracking_code, a2.tracking_code}
    hs.case_answer(actor=world.deputy_user_a, case=a1.case, result="explained", content="x", send_feedback=False)
    assert codes(client.get(URL, {"tab": "review"})) == {a1.tracking_code}
    assert login(world.staff_a).get(URL).context["tab"] == "all"


def test_filters_and_search(world, login, opinions):
    a1, a2, _ = opinions
    hs.case_accept(actor=world.staff_a, case=a1.case)
    client = login(world.staff_a)
    assert codes(client.get(URL, {"state": CaseState.ACCEPTED})) == {a1.tracking_code}
    assert codes(client.get(URL, {"q": "垃圾"})) == {a2.tracking_code}
    assert codes(client.get(URL, {"q": a1.tracking_code.lower()})) == {a1.tracking_code}
    assert codes(client.get(URL, {"channel": "deputy_qr"})) == {a1.tracking_code, a2.tracking_code}
    assert codes(client.get(URL, {"deputy": world.deputy_a.pk})) == {a1.tracking_code, a2.tracking_code}
    assert codes(client.get(URL, {"overdue": "1"})) == set()
    assert codes(client.get(URL, {"from": "2000-01-01", "to": "2000-01-02"})) == set()
    assert len(codes(client.get(URL, {"from": "bad", "to": "2999-99-99"}))) == 2  # bad dates ignored, no 500
    hs.case_supervise(actor=world.staff_a, case=a2.case, reason="督办", level=2)
    assert codes(client.get(URL, {"supervision": "2"})) == {a2.tracking_code}


def test_out_of_scope_filter_value_ignored(world, login, opinions):
    resp = login(world.staff_a).get(URL, {"deputy": world.deputy_b.pk})
    assert len(codes(resp)) == 2  # deputy_b is not a choice for staff_a: the filter is ignored


def test_phone_masked_for_deputy(world, login, opinions):
    body = login(world.deputy_user_a).get(URL).content.decode()
    assert "13800138000" not in body and "138****8000" in body


def test_user_text_escaped(world, login):
    submit(world, title="<script>x()</script>")
    body = login(world.staff_a).get(URL).content.decode()
    assert "<script>x()" not in body and "&lt;script&gt;" in body


def test_export_only_scoped_rows_masked(world, login, opinions):
    a1, a2, b1 = opinions
    resp = login(world.deputy_user_a).get(URL, {"tab": "all", "format": "xlsx"})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "查询码"
    assert {r[0] for r in rows[1:]} == {a1.tracking_code, a2.tracking_code}
    assert all("13800138000" not in str(r) for r in rows)


def test_list_query_count_flat(world, login, django_assert_max_num_queries):
    for i in range(3):
        submit(world, content=f"意见 {i}")
    client = login(world.staff_a)
    with django_assert_max_num_queries(14) as small:
        client.get(URL)
    for i in range(12):
        submit(world, content=f"更多意见 {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        resp = client.get(URL)
    assert len(resp.context["rows"]) == 15


def test_home_shows_todo_counts(world, login, opinions):
    a1, _, _ = opinions
    hs.case_answer(actor=world.deputy_user_a, case=a1.case, result="explained", content="x", send_feedback=False)
    body = login(world.deputy_user_a).get(reverse("console:home")).content.decode()
    assert "群众意见待办" in body and "待受理" in body and "待反馈" in body
    assert "群众意见待办" not in login(world.nobody).get(reverse("console:home")).content.decode()
