import datetime
from unittest import mock

import pytest

from renda.opinions.verification import phone_code_send
from renda.registry.models import Term
from renda.reportback import services


@pytest.fixture
def term_a(world):
    return Term.objects.get(congress=world.congress_a)


@pytest.fixture
def meeting_a(world, term_a):
    return services.meeting_create(
        actor=world.staff_a, term=term_a, district="第一选区", title="第一选区代表述职评议会",
        date=datetime.date(2026, 10, 1), place="长安街道会议室",
    )  # fmt: skip


@pytest.fixture
def report_a(world, meeting_a):
    return services.report_create(
        actor=world.staff_a, meeting=meeting_a, deputy=world.deputy_a, mode="oral", text="一年来，我认真履职……"
    )


@pytest.fixture
def sms_code():
    """Send a code for ``phone`` that is always 123456."""

    def send(phone: str = "13800138000") -> str:
        with mock.patch("renda.opinions.verification.secrets.randbelow", return_value=123456):
            phone_code_send(phone=phone, ip="10.0.0.9")
        return "123456"

    return send
