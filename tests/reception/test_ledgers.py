"""What reception gives other apps: served days per deputy (compliance) and the 选民接待登记本 ledger."""

import datetime

from renda.reception.ledgers import RECEPTION_HEADERS, reception_rows
from renda.reception.models import DayStatus, DutyShift, ShiftStatus, Visit
from renda.reception.selectors import attended_days_by_deputy


def test_attended_days_count_presence_and_substitution(world, make_day, today):
    past = today - datetime.timedelta(days=10)
    present = make_day(past, deputy=world.deputy_a)
    DutyShift.objects.filter(day=present).update(status=ShiftStatus.ATTENDED)
    covered = make_day(past - datetime.timedelta(days=7), deputy=world.deputy_a)
    DutyShift.objects.filter(day=covered).update(status=ShiftStatus.SUBSTITUTED, substitute=world.deputy_b)
    absent = make_day(past - datetime.timedelta(days=14), deputy=world.deputy_b)
    DutyShift.objects.filter(day=absent).update(status=ShiftStatus.ABSENT)
    cancelled = make_day(past - datetime.timedelta(days=21), deputy=world.deputy_b)
    DutyShift.objects.filter(day=cancelled).update(status=ShiftStatus.ATTENDED)
    cancelled.status = DayStatus.CANCELLED
    cancelled.save()
    ids = [world.deputy_a.pk, world.deputy_b.pk, world.city_deputy.pk]
    years = {d.date.year for d in (present, covered, absent, cancelled)}
    got: dict[int, int] = {}
    for year in years:
        for deputy_id, n in attended_days_by_deputy(ids, year).items():
            got[deputy_id] = got.get(deputy_id, 0) + n
    assert got == {world.deputy_a.pk: 1, world.deputy_b.pk: 1}


def test_reception_ledger_lists_visits_with_duty_and_opinions(world, make_day, today, django_assert_max_num_queries):
    day = make_day(today - datetime.timedelta(days=3), deputy=world.deputy_a)
    DutyShift.objects.filter(day=day).update(status=ShiftStatus.ATTENDED)
    Visit.objects.create(day=day, visitor_name="王某", visitor_phone="138****0000", summary="反映路灯", deputy=world.deputy_a)
    held_empty = make_day(today - datetime.timedelta(days=2))
    held_empty.status = DayStatus.HELD
    held_empty.save()
    with django_assert_max_num_queries(4):
        headers, rows = reception_rows(world.station_a, day.date.year)
    assert headers == RECEPTION_HEADERS
    visit_rows = [r for r in rows if r[3] == "王某"]
    assert visit_rows and visit_rows[0][2] == world.deputy_a.name and visit_rows[0][4] == "138****0000"
    if held_empty.date.year == day.date.year:
        assert any(r[5] == "无来访" for r in rows)
