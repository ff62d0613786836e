import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renda.handling import services as hs
from renda.handling.models import ReplyResult, Satisfaction
from renda.ledgers import services
from renda.ledgers.builtin import feedback_rows, opinion_rows, roster_rows
from renda.ledgers.models import LedgerSet
from renda.ledgers.registry import LEDGERS, all_ledgers, enabled_ledgers, register, safe_rows
from tests.handling.conftest import submit

YEAR = timezone.localdate().year


@pytest.fixture
def handled(world):
    opinion = submit(world, content="长安街路灯不亮")
    case = opinion.case
    hs.case_forward(actor=world.deputy_user_a, case=case)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a)
    hs.case_sign(actor=world.handler_a, case=case)
    hs.case_reply(actor=world.handler_a, case=case, result=ReplyResult.RESOLVED, content="已修复路灯。")
    hs.case_feedback(actor=world.deputy_user_a, case=case)
    hs.case_evaluate(case=case, resolved=True, satisfaction=Satisfaction.SATISFIED)
    return opinion


def test_builtin_ledgers_come_from_records(world, handled):
    headers, rows = roster_rows(world.station_a, YEAR)
    assert "姓名" in headers and [r[2] for r in rows] == [world.deputy_a.name]
    assert rows[0][9] == "139****1111"  # masked phone
    assert "第一选区" in rows[0][8] and "东风区人民代表大会" in rows[0][7]
    headers, rows = opinion_rows(world.station_a, YEAR)
    assert len(rows) == 1 and rows[0][2] == handled.tracking_code and rows[0][5] == "138****8000"
    assert opinion_rows(world.station_b, YEAR)[1] == []
    assert opinion_rows(world.station_a, YEAR - 1)[1] == []
    headers, rows = feedback_rows(world.station_a, YEAR)
    row = dict(zip(headers, rows[0], strict=True))
    assert row["承办单位"] == world.agency_a.name and row["答复内容"] == "已修复路灯。"
    assert row["群众评价"] == "满意" and row["问题是否解决"] == "已解决" and row["办结时间"]


def test_registry_defaults_and_ledger_set(world):
    keys = [ledger.key for ledger in all_ledgers()]
    assert keys[:1] == ["roster"] and {"opinions", "feedback", "reportback"} <= set(keys)
    assert [ledger.key for ledger in enabled_ledgers(world.station_a)] == keys
    services.ledger_set_save(actor=world.staff_a, congress=world.city_congress, keys=["opinions", "roster"])
    assert [ledger.key for ledger in enabled_ledgers(world.station_a)] == ["opinions", "roster"]
    services.ledger_set_save(actor=world.staff_a, congress=world.congress_a, keys=["feedback"])  # nearer wins
    assert [ledger.key for ledger in enabled_ledgers(world.station_a)] == ["feedback"]
    assert [ledger.key for ledger in enabled_ledgers(world.station_b)] == ["opinions", "roster"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="没有这些台账"):
        services.ledger_set_save(actor=world.staff_a, congress=world.congress_a, keys=["nope"])
    with pytest.raises(ValidationError, match="至少选择"):
        services.ledger_set_save(actor=world.staff_a, congress=world.congress_a, keys=[])


def test_broken_ledger_is_isolated(world, login):
    def boom(station, year):
        raise RuntimeError("x")

    register("broken", "坏台账", boom, order=999)
    try:
        assert safe_rows(LEDGERS["broken"], world.station_a, YEAR) is None
        body = login(world.staff_a).get(reverse("console:ledger_station", args=[world.station_a.pk])).content.decode()
        assert "坏台账" in body and "暂时无法生成" in body and "代表名册" in body
    finally:
        LEDGERS.pop("broken")


def test_station_ledger_pages_owner_member_outsider(world, login, handled):
    index = reverse("console:ledger_station", args=[world.station_a.pk])
    page = reverse("console:ledger_page", args=[world.station_a.pk, "opinions"])
    assert login(world.staff_a).get(index).status_code == 200  # owner (congress staff)
    body = login(world.station_staff_a).get(page).content.decode()  # member (the station's own staff)
    assert handled.tracking_code in body and "群众意见登记簿" in body and "data-print" in body
    assert login(world.staff_b).get(index).status_code == 404  # outsider
    assert login(world.staff_b).get(page).status_code == 404
    assert login(world.deputy_user_a).get(index).status_code == 403
    assert (
        login(world.staff_a).get(reverse("console:ledger_page", args=[world.station_a.pk, "nope"])).status_code == 404
    )


def test_xlsx_single_and_book(world, login, handled):
    client = login(world.station_staff_a)
    response = client.get(reverse("console:ledger_page", args=[world.station_a.pk, "feedback"]) + "?format=xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.values)
    assert rows[0][0] == "序号" and rows[1][1] == handled.tracking_code
    response = client.get(reverse("console:ledger_book", args=[world.station_a.pk]) + f"?year={YEAR}&format=xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[0] == "代表名册" and "群众意见登记簿" in wb.sheetnames
    body = client.get(reverse("console:ledger_book", args=[world.station_a.pk])).content.decode()
    assert "代表名册" in body and "意见办理反馈簿" in body


def test_ledger_station_list_scoped(world, login, django_assert_max_num_queries):
    url = reverse("console:ledger_station_list")
    client = login(world.staff_a)
    with django_assert_max_num_queries(10):
        body = client.get(url).content.decode()
    assert world.station_a.name in body and world.station_b.name not in body
    body = login(world.station_staff_a).get(url).content.decode()
    assert world.station_a.name in body and world.station_b.name not in body
    body = login(world.staff_b).get(url).content.decode()
    assert world.station_a.name not in body
    assert login(world.handler_a).get(url).status_code == 403


def test_config_page(world, login):
    url = reverse("console:ledger_config")
    client = login(world.staff_a)
    assert "群众意见登记簿" in client.get(url).content.decode()
    response = client.post(url, {"congress": world.congress_a.pk, "keys": ["roster", "opinions"]})
    assert response.status_code == 302
    assert LedgerSet.objects.get(congress=world.congress_a).keys == ["roster", "opinions"]
    # an outsider cannot choose congress A: their own congress is used instead
    login(world.staff_b).post(url, {"congress": world.congress_a.pk, "keys": ["roster"]})
    assert LedgerSet.objects.get(congress=world.congress_a).keys == ["roster", "opinions"]
    assert LedgerSet.objects.get(congress=world.congress_b).keys == ["roster"]
    assert login(world.station_staff_a).get(url).status_code == 403
    client = login(world.staff_a)
    client.post(url, {"congress": world.congress_a.pk, "reset": "1"})
    assert not LedgerSet.objects.filter(congress=world.congress_a).exists()
