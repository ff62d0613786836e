from renda.opinions.models import Channel
from renda.opinions.services import OpinionInput, opinion_submit
from renda.similar import hotspots

LAMP = "长安街道光明社区{n}号楼门口的路灯坏了三个多月，晚上出行很不安全，希望尽快修好路灯。"
OTHER = "建议在向阳区建设路口增设一处公共厕所，方便周边商户和过往群众使用，现在最近的厕所很远。"


def submit(world, content=LAMP, *, n=1, division=None, station=None, deputy=None, **extra):
    data = OpinionInput(
        content=content.format(n=n),
        channel=Channel.STATION_QR,
        station=station if station is not None else world.station_a,
        deputy=deputy,
        division=division if division is not None else world.village_a,
        consent=True,
        **extra,
    )
    opinion, _ = opinion_submit(actor=None, data=data, register_now=True)
    hotspots.tick()  # the worker's tick clusters what intake indexed
    opinion.refresh_from_db()
    return opinion
