import datetime
import io
import sys
import types

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renda.activities import selectors, services
from renda.activities.ledgers import activity_rows, training_rows
from renda.activities.models import ActivityKind, ActivityStatus, Participant
from renda.registry import services as reg
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db
URL = reverse("console:activity_compliance")


@pytest.fixture
def year_data(world):
    year = timezone.localdate().year - 1  # a finished year: the whole target is due
    services.standard_save(actor=world.staff_a, congress=world.congress_a, year=year, min_reception_days=2,
                           min_activities_per_deputy=2, min_activities_per_station=3)  # fmt: skip
    services.plan_save(actor=world.staff_a, station=world.station_a, year=year, counts={"forum": 5})
    start = timezone.make_aware(datetime.datetime(year, 1, 10, 9))
    other = reg.deputy_create(actor=None, name="陈落后", gender="M")
    reg.station_assign_deputy(actor=None, station=world.station_a, deputy=other)
    for i in range(2):
        a = make_activity(world, starts=start + datetime.timedelta(days=i), kind=ActivityKind.STUDY, title=f"培训{i}")
        services.activity_set_status(actor=world.staff_a, activity=a, status=ActivityStatus.HELD)
        services.participants_invite(actor=world.staff_a, activity=a, deputies=[world.deputy_a, other])
        services.participant_mark(actor=world.staff_a, participant=Participant.objects.get(activity=a,
                                  deputy=world.deputy_a), attended=True)  # fmt: skip
    return year, other


def test_compliance_numbers_and_order(world, year_data):
    year, other = year_data
    data = selectors.compliance(world.staff_a, congress=world.congress_a, year=year)
    [row] = data.stations
    assert (row.planned, row.held, row.target, row.gap) == (5, 2, 5, 3)
    assert [d.name for d in data.deputies] == ["陈落后", world.deputy_a.name]  # furthest behind first
    assert data.deputies[0].attended == 0 and data.deputies[0].gap_activities == 2
    assert data.deputies[1].attended == 2 and data.deputies[1].gap_activities == 0


def test_reception_days_used_when_available(world, year_data, monkeypatch):
    year, other = year_data
    fake = types.ModuleType("renda.reception.selectors")
    fake.attended_days_by_deputy = lambda ids, y: {world.deputy_a.pk: 1}
    monkeypatch.setitem(sys.modules, "renda.reception.selectors", fake)
    data = selectors.compliance(world.staff_a, congress=world.congress_a, year=year)
    mine = next(d for d in data.deputies if d.pk == world.deputy_a.pk)
    assert data.reception_known and mine.reception == 1 and mine.gap_reception == 1


def test_reception_days_missing_shows_dash(world, year_data, monkeypatch):
    monkeypatch.setitem(sys.modules, "renda.reception.selectors", types.ModuleType("renda.reception.selectors"))
    year, _ = year_data
    data = selectors.compliance(world.staff_a, congress=world.congress_a, year=year)
    assert not data.reception_known and all(d.reception is None for d in data.deputies)


def test_compliance_page(world, login, year_data, django_assert_max_num_queries):
    year, other = year_data
    client = login(world.staff_a)
    with django_assert_max_num_queries(15):
        r = client.get(URL, {"year": year})
    html = r.content.decode()
    assert r.status_code == 200 and "陈落后" in html and world.station_a.name in html
    r = client.get(URL, {"year": year, "format": "xlsx", "table": "deputies"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[1][1] == "陈落后"
    r = client.get(URL, {"year": year, "format": "xlsx", "table": "stations"})
    assert list(load_workbook(io.BytesIO(r.content)).active.values)[1][1] == world.station_a.name


def test_compliance_permissions(world, login, year_data):
    year, _ = year_data
    html = login(world.station_staff_a).get(URL, {"year": year}).content.decode()  # member: own station
    assert "陈落后" in html
    r = login(world.staff_b).get(URL, {"year": year, "congress": world.congress_a.pk})  # outsider: own county
    assert r.status_code == 200 and "陈落后" not in r.content.decode() and "向阳区人民代表大会" in r.content.decode()
    assert login(world.deputy_user_a).get(URL).status_code == 403
    assert login(world.handler_a).get(URL).status_code == 403


def test_ledger_rows(world, year_data):
    year, _ = year_data
    headers, rows = activity_rows(world.station_a, year)
    assert headers[0] == "日期" and len(rows) == 2 and rows[0][6] == 1 and world.deputy_a.name in rows[0][7]
    headers, rows = training_rows(world.station_a, year)
    assert len(rows) == 2 and rows[0][1] == "培训0"
    assert activity_rows(world.station_b, year)[1] == []
