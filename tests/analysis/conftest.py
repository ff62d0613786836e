import pytest

from renda.analysis import text
from renda.handling import services as hs
from renda.handling.models import ReplyResult
from renda.opinions.models import Channel
from renda.opinions.services import OpinionInput, opinion_submit

LAMP = "光明社区东门口的路灯坏了三个月，晚上出行很不安全。希望尽快修好光明社区东门口的路灯。"
GOOD_REPLY = (
    "经现场核实，光明社区东门口共有三盏路灯因线路老化损坏。我局已于本周更换电缆和灯具，"
    "路灯已全部恢复照明，今后将加强日常巡查，发现故障及时维修。"
)


def submit(world, content=LAMP, **extra):
    data = OpinionInput(
        content=content,
        channel=Channel.DEPUTY_QR,
        deputy=world.deputy_a,
        station=world.station_a,
        division=world.village_a,
        phone="13800138000",
        phone_verified=True,
        consent=True,
        **extra,
    )
    opinion, _ = opinion_submit(actor=None, data=data)
    opinion.refresh_from_db()
    return opinion


def replied(world, content=GOOD_REPLY, message=LAMP, **extra):
    """An opinion whose case the lead agency has answered with ``content``."""
    opinion = submit(world, message, **extra)
    case = opinion.case
    hs.case_forward(actor=world.deputy_user_a, case=case)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a)
    hs.case_sign(actor=world.handler_a, case=case)
    hs.case_reply(actor=world.handler_a, case=case, result=ReplyResult.RESOLVED, content=content)
    case.refresh_from_db()
    return opinion, case


@pytest.fixture(autouse=True)
def _places(db):
    """Each test's world has its own place names: load them again."""
    yield
    text._places_loaded = False
