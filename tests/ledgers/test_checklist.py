import io

from django.urls import reverse
from openpyxl import load_workbook

from renda.registry import services as reg
from renda.registry.models import ChecklistItem, StationChecklist, StationKind


def _all_met(station):
    for item in ChecklistItem.values:
        StationChecklist.objects.update_or_create(station=station, item=item, defaults={"met": True, "evidence": "有"})


def test_overview_filters_and_summary(world, login, django_assert_max_num_queries):
    _all_met(world.station_a)
    extra = reg.station_create(
        actor=None,
        code="ST009",
        name="光明社区代表联系点",
        kind=StationKind.POINT,
        division=world.village_a,
        address="x",
    )
    StationChecklist.objects.update_or_create(station=extra, item=ChecklistItem.PLACE, defaults={"met": True})
    StationChecklist.objects.update_or_create(station=extra, item=ChecklistItem.STAFF, defaults={"met": False})
    url = reverse("console:ledger_checklist")
    client = login(world.staff_a)
    with django_assert_max_num_queries(14):
        body = client.get(url).content.decode()
    assert world.station_a.name in body and extra.name in body and world.station_b.name not in body
    assert "六有全部达标 <strong>1</strong>" in body and "未全部达标 <strong>1</strong>" in body
    body = client.get(url + "?short=1").content.decode()
    assert extra.name in body and world.station_a.name not in body and "2/6" not in body and "1/6" in body
    body = client.get(url + "?short=0").content.decode()
    assert world.station_a.name in body and extra.name not in body
    response = client.get(url + "?short=1&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][3] == "有固定场所" and rows[1][1] == extra.name and rows[1][3] == "✓" and rows[1][4] == "✗"
    assert rows[1][5] == "✗" and rows[1][-1] == "1/6"


def test_overview_owner_member_outsider(world, login):
    url = reverse("console:ledger_checklist")
    body = login(world.station_staff_a).get(url).content.decode()  # member: own station only
    assert world.station_a.name in body and world.station_b.name not in body
    body = login(world.staff_b).get(url).content.decode()  # outsider county
    assert world.station_a.name not in body and world.station_b.name in body
    assert login(world.deputy_user_a).get(url).status_code == 403
    assert login(world.handler_a).get(url).status_code == 403


def test_console_home_panel(world, login):
    _all_met(world.station_a)
    body = login(world.station_staff_a).get(reverse("console:home")).content.decode()
    assert "六有建设已达标 <strong>6/6</strong>" in body and "本年度工作台账" in body
    body = login(world.staff_b).get(reverse("console:home")).content.decode()
    assert "1 个家站点中 <strong>1</strong> 个六有建设未全部达标" in body
    body = login(world.deputy_user_a).get(reverse("console:home")).content.decode()
    assert "家站点建设" not in body
