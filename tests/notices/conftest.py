import pytest

from renda.notices import services as svc
from renda.notices.models import NoticeStatus


@pytest.fixture
def make_notice(world):
    def _make(actor=None, congress=None, *, publish=True, public=True, title="关于召开代表座谈会的通知", **fields):
        actor = actor or world.staff_a
        notice = svc.notice_create(
            actor=actor,
            congress=congress or world.congress_a,
            kind=fields.pop("kind", "notice"),
            title=title,
            body=fields.pop("body", "各位代表：\n\n请于下周一参加座谈会。"),
            publish_public=public,
            **fields,
        )
        if publish:
            notice = svc.notice_transition(actor=actor, notice=notice, to=NoticeStatus.PUBLISHED)
        return notice

    return _make


@pytest.fixture
def pushed(world, make_notice):
    """A published notice pushed to station A's deputies (deputy_a, who has an account)."""
    notice = make_notice()
    push = svc.push_send(actor=world.staff_a, notice=notice, audience=svc.Audience(stations=[world.station_a]))
    return notice, push
