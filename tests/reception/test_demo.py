"""The demo step on the small test world (the full demo build is covered by tests/demo)."""

import datetime
import random

import pytest
from django.utils import timezone

from renda.demo import reception as demo
from renda.opinions.models import Channel, Opinion
from renda.opinions.services import OpinionInput, opinion_submit
from renda.reception.models import DayStatus, DutyShift, ReceptionDay, ShiftStatus, Visit, VisitOpinion
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_demo_builds_a_year_and_links_existing_opinions(world):
    make_user("station_staff", "station_staff", station=world.station_a)
    make_user("deputy", "deputy", deputy=world.deputy_b)  # not the demo account's station: still fine
    old, _ = opinion_submit(actor=world.admin, data=OpinionInput(
        content="接待日反映的老问题", channel=Channel.RECEPTION, station=world.station_a, deputy=world.deputy_a,
        citizen_name="老李", consent=True), register_now=True)  # fmt: skip
    Opinion.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=100))
    before = Opinion.objects.count()
    counts = demo.build(random.Random(1), now=timezone.now(), scale=0.05, say=lambda *_: None)
    assert Opinion.objects.count() == before  # no new opinions
    assert counts["plans"] == 2 and counts["days"] > 20 and counts["linked_opinions"] == 1
    link = VisitOpinion.objects.get(opinion=old)
    assert link.visit.day.date <= timezone.localdate() - datetime.timedelta(days=100)
    today = timezone.localdate()
    assert ReceptionDay.objects.filter(station=world.station_a, date=today).exists()  # the demo station: today
    assert not ReceptionDay.objects.filter(date__lt=today, status=DayStatus.SCHEDULED).exists()
    assert not DutyShift.objects.filter(day__date__lt=today, day__status=DayStatus.HELD,
                                        status=ShiftStatus.SCHEDULED).exists()  # fmt: skip
    assert Visit.objects.count() == counts["visits"]
