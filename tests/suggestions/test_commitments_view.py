"""承诺事项: the list of B-commitments in scope (open by default), export, and marking one fulfilled."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renda.handling import services as hs
from renda.handling.commitments import case_record_contact
from renda.handling.models import Commitment
from renda.suggestions.models import CoSigner, CoSignStatus

from .conftest import in_progress
from .console_helpers import msgs

URL = reverse("console:commitment_list")


def texts(resp) -> set[str]:
    assert resp.status_code == 200
    return {c.text for c, _ in resp.context["rows"]}


@pytest.fixture
def commitments(world, sw):
    s = in_progress(world, sw, co=[world.agency_a2])
    case_record_contact(
        actor=world.handler_a, case=s.case, method="phone", contacted_on=timezone.localdate(), content="电话"
    )
    hs.case_reply(actor=world.handler_a, case=s.case, result="B", content="列入计划", commitments=["修路", "装灯"])
    CoSigner.objects.create(suggestion=s, deputy=sw.deputy_a2, status=CoSignStatus.CONFIRMED)
    return list(Commitment.objects.filter(case=s.case).order_by("id"))


def fulfil(client, c, note="已完成", **extra):
    return client.post(reverse("console:commitment_fulfil", args=[c.pk]), {"note": note, **extra}, follow=True)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_a", {"修路", "装灯"}),
        ("handler_a", {"修路", "装灯"}),  # the committing unit
        ("deputy_user_a", {"修路", "装灯"}),  # the proposer
        ("cosigner", {"修路", "装灯"}),  # a confirmed co-signer
        ("handler_a2", set()),  # the co unit: not its undertaking
        ("staff_b", set()),
        ("handler_b", set()),
        ("admin", {"修路", "装灯"}),
    ],
)
def test_list_scope(world, sw, login, commitments, who, expected):
    user = sw.cosigner_user if who == "cosigner" else getattr(world, who)
    assert texts(login(user).get(URL)) == expected


def test_list_forbidden_without_role(world, sw, login, commitments):
    assert login(world.station_staff_a).get(URL).status_code == 403
    assert login(world.nobody).get(URL).status_code == 403


def test_filter_open_fulfilled_and_export(world, sw, login, commitments):
    client = login(world.handler_a)
    assert "已确认承诺事项落实" in msgs(fulfil(client, commitments[0], next=URL))
    assert texts(client.get(URL)) == {"装灯"}  # open by default
    assert texts(client.get(URL, {"status": "fulfilled"})) == {"修路"}
    assert texts(client.get(URL, {"status": ""})) == {"修路", "装灯"}
    assert texts(client.get(URL, {"q": "修"})) == set()  # open only
    resp = client.get(URL, {"format": "xlsx", "status": ""})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.values)
    assert rows[0][4] == "承诺事项" and {r[4] for r in rows[1:]} == {"修路", "装灯"}


def test_fulfil_by_unit_or_staff_only(world, sw, login, commitments):
    first, second = commitments
    assert fulfil(login(world.handler_b), first).status_code == 404  # outsider
    assert fulfil(login(world.staff_b), first).status_code == 404
    resp = fulfil(login(world.handler_a2), first)  # the co unit sees the suggestion, not this undertaking
    assert resp.status_code == 404
    resp = fulfil(login(world.deputy_user_a), first)  # the deputy may not mark it
    assert "只有作出承诺的承办单位" in msgs(resp)
    assert "请填写落实情况" in msgs(fulfil(login(world.handler_a), first, note=""))
    first.refresh_from_db()
    assert first.is_open
    assert "已确认" in msgs(fulfil(login(world.staff_a), second))
    assert "已确认落实" in msgs(fulfil(login(world.handler_a), second))  # twice: a message, not a 500


def test_fulfil_redirect_is_local_only(world, sw, login, commitments):
    resp = login(world.handler_a).post(
        reverse("console:commitment_fulfil", args=[commitments[0].pk]), {"note": "好", "next": "https://evil.example/"}
    )
    assert resp.status_code == 302 and resp["Location"].startswith("/console/suggestions/")


def test_get_not_allowed(world, sw, login, commitments):
    resp = login(world.handler_a).get(reverse("console:commitment_fulfil", args=[commitments[0].pk]))
    assert resp.status_code == 405


def test_list_query_count(world, sw, login, commitments, django_assert_max_num_queries):
    for _ in range(3):
        s = in_progress(world, sw)
        case_record_contact(
            actor=world.handler_a, case=s.case, method="phone", contacted_on=timezone.localdate(), content="电话"
        )
        hs.case_reply(actor=world.handler_a, case=s.case, result="B", content="计划", commitments=["一", "二"])
    client = login(world.staff_a)
    client.get(URL)
    with django_assert_max_num_queries(12):
        resp = client.get(URL)
    assert len(resp.context["rows"]) == 8
