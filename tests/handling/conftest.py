import pytest

from renda.opinions.models import Channel
from renda.opinions.services import OpinionInput, opinion_submit


def submit(world, *, deputy=True, phone="13800138000", **extra):
    data = OpinionInput(
        content=extra.pop("content", "小区门口路灯坏了三个月，晚上出行不安全。"),
        channel=Channel.DEPUTY_QR if deputy else Channel.WEB,
        deputy=world.deputy_a if deputy else None,
        station=extra.pop("station", world.station_a if deputy else None),
        division=extra.pop("division", world.village_a),
        phone=phone,
        phone_verified=bool(phone),
        consent=True,
        **extra,
    )
    opinion, _ = opinion_submit(actor=None, data=data)
    return opinion


@pytest.fixture
def opinion(world):
    return submit(world)
