import datetime

import pytest
from django.utils import timezone

from renda.reception import services
from renda.reception.models import PlanKind


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_plan(world, today):
    def _make(station=None, actor=None, **fields):
        base = dict(
            title="选民接待日", kind=PlanKind.ONCE, starts_on=today + datetime.timedelta(days=2),
            start_time=datetime.time(9, 0), end_time=datetime.time(11, 0), slot_minutes=30, slot_capacity=2,
            announce_days=3,
        )  # fmt: skip
        base.update(fields)
        return services.plan_create(actor=actor or world.admin, station=station or world.station_a, **base)

    return _make


@pytest.fixture
def make_day(make_plan):
    """One reception day (a one-off plan) on ``date`` at station_a, optionally with deputy_a on duty."""

    def _make(date, station=None, deputy=None, actor=None, **fields):
        plan = make_plan(station=station, actor=actor, starts_on=date, **fields)
        day = plan.days.get()
        if deputy is not None:
            from renda.reception.models import DutyShift

            DutyShift.objects.create(day=day, deputy=deputy)
        return day

    return _make


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms_code():
    """Text a code to ``phone`` (as the public page does) and return it."""

    def _send(phone: str) -> str:
        from unittest import mock

        from renda.opinions.verification import phone_code_send

        with mock.patch("renda.opinions.verification.secrets.randbelow", return_value=123456):
            phone_code_send(phone=phone, ip="10.0.0.9")
        return "123456"

    return _send
