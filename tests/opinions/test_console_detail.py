"""Console opinion detail: who may see it, what it shows, query count."""

import pytest
from django.urls import reverse

from renda.handling import services as hs
from renda.handling.models import ReplyResult
from tests.handling.conftest import submit


@pytest.fixture
def opinion(world):
    return submit(world)


def url(op):
    return reverse("console:opinion_detail", args=[op.pk])


@pytest.mark.parametrize("who", ["staff_a", "station_staff_a", "deputy_user_a", "admin"])
def test_owner_and_members_see_detail(world, login, opinion, who):
    resp = login(getattr(world, who)).get(url(opinion))
    assert resp.status_code == 200
    assert opinion.tracking_code in resp.content.decode()


@pytest.mark.parametrize("who", ["staff_b", "handler_b", "handler_a"])
def test_outsiders_get_404(world, login, opinion, who):
    # handler_a has no assignment on this case yet
    assert login(getattr(world, who)).get(url(opinion)).status_code == 404


def test_no_role_gets_403(world, login, opinion):
    assert login(world.nobody).get(url(opinion)).status_code == 403


def test_anonymous_redirected_to_login(world, client, opinion):
    assert client.get(url(opinion)).status_code == 302


def test_agency_handler_sees_only_assigned(world, login, opinion):
    hs.case_forward(actor=world.deputy_user_a, case=opinion.case)
    hs.case_assign(actor=world.staff_a, case=opinion.case, lead=world.agency_a)
    assert login(world.handler_a).get(url(opinion)).status_code == 200
    assert login(world.handler_a2).get(url(opinion)).status_code == 404


@pytest.mark.parametrize("who", ["deputy_user_a", "station_staff_a"])
def test_phone_masked_for_deputy_and_station(world, login, opinion, who):
    body = login(getattr(world, who)).get(url(opinion)).content.decode()
    assert "13800138000" not in body
    assert "138****8000" in body


def test_phone_masked_for_agency(world, login, opinion):
    hs.case_forward(actor=world.deputy_user_a, case=opinion.case)
    hs.case_assign(actor=world.staff_a, case=opinion.case, lead=world.agency_a)
    body = login(world.handler_a).get(url(opinion)).content.decode()
    assert "13800138000" not in body and "138****8000" in body


def test_congress_staff_sees_full_phone(world, login, opinion):
    assert "13800138000" in login(world.staff_a).get(url(opinion)).content.decode()


def test_anonymous_citizen_name_hidden(world, login):
    op = submit(world, citizen_name="张三", anonymous=True)
    body = login(world.staff_a).get(url(op)).content.decode()
    assert "张三" not in body and "匿名" in body


def test_user_text_escaped(world, login):
    op = submit(world, content="<script>alert(1)</script>", title="<b>标题</b>")
    hs.case_note(actor=world.staff_a, case=op.case, note="<img src=x onerror=alert(2)>")
    body = login(world.staff_a).get(url(op)).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "<b>标题</b>" not in body
    assert "<img src=x" not in body


def test_panel_shows_only_allowed_actions(world, login, opinion):
    body = login(world.deputy_user_a).get(url(opinion)).content.decode()
    assert reverse("console:opinion_act", args=[opinion.pk, "accept"]) in body
    assert reverse("console:opinion_act", args=[opinion.pk, "spam"]) not in body  # deputies cannot mark spam
    assert reverse("console:opinion_act", args=[opinion.pk, "assign"]) not in body
    assert reverse("console:opinion_act", args=[opinion.pk, "sign"]) not in body
    body = login(world.staff_a).get(url(opinion)).content.decode()
    assert reverse("console:opinion_act", args=[opinion.pk, "spam"]) in body
    assert reverse("console:opinion_act", args=[opinion.pk, "assign"]) not in body  # not accepted yet


def test_shows_assignments_replies_timeline(world, login, opinion, django_assert_max_num_queries):
    case = opinion.case
    hs.case_forward(actor=world.deputy_user_a, case=case, note="请交办")
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a, co=[world.agency_a2], instructions="尽快")
    hs.case_sign(actor=world.handler_a, case=case)
    hs.case_co_view(actor=world.handler_a2, case=case, text="城管配合巡查。")
    hs.case_request_extension(actor=world.handler_a, case=case, working_days=3, reason="需要采购灯具")
    hs.case_reply(actor=world.handler_a, case=case, result=ReplyResult.RESOLVED, content="已修复路灯。")
    client = login(world.staff_a)
    with django_assert_max_num_queries(25):
        body = client.get(url(opinion)).content.decode()
    for text in (
        "东风区住房和城乡建设局",
        "东风区城市管理局",
        "城管配合巡查。",
        "已修复路灯。",
        "需要采购灯具",
        "请交办",
        "转交人大交办",
        "反馈群众",
    ):
        assert text in body, text


def test_detail_query_count_does_not_grow(world, login, opinion, django_assert_num_queries):
    client = login(world.staff_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url(opinion))
    for i in range(5):
        hs.case_note(actor=world.staff_a, case=opinion.case, note=f"备注 {i}")
    with CaptureQueriesContext(connection) as second:
        client.get(url(opinion))
    assert len(second) == len(first)
