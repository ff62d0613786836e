"""The demo's 信息发布: a year of notices and pushes, and unread items for the demo deputy."""

import datetime

import pytest
from django.utils import timezone

from renda.core.models import User
from renda.demo import build_demo
from renda.notices.models import DeputyTag, Notice, NoticeStatus, Push, PushRecipient
from renda.notices.selectors import unread_count
from renda.notices.services import Audience, audience_deputies
from renda.registry.models import Station


@pytest.fixture
def demo(db):
    return build_demo(seed=7, scale=0.05)


def test_a_year_of_notices_and_pushes(demo, client):
    counts = demo.extra_counts["notices"]
    assert counts["notices"] == Notice.objects.count() > 20
    assert counts["pushes"] == Push.objects.count() > 5
    assert counts["recipients"] == PushRecipient.objects.count()
    published = Notice.objects.exclude(published_at=None)
    oldest = min(published.values_list("published_at", flat=True))
    assert timezone.now() - oldest > datetime.timedelta(days=200)
    assert Notice.objects.filter(status=NoticeStatus.DRAFT).exists()
    # every push's recipients are exactly what the push service would resolve for its audience
    for push in Push.objects.select_related("notice__congress__division"):
        a = push.audience
        audience = Audience(
            levels=a["levels"],
            stations=list(Station.objects.filter(pk__in=a["stations"])),
            tags=list(DeputyTag.objects.filter(pk__in=a["tags"])),
        )
        expected = set(audience_deputies(push.notice, audience).values_list("pk", flat=True))
        assert set(push.recipients.values_list("deputy_id", flat=True)) == expected
        assert push.recipient_count == len(expected)
    assert PushRecipient.objects.exclude(read_at=None).exists()
    assert PushRecipient.objects.filter(read_at=None).exists()
    deputy = User.objects.get(username="deputy")
    assert unread_count(deputy) >= 1
    client.force_login(deputy)
    assert "条未读" in client.get("/console/my-notices/").content.decode()
    assert client.get("/notices/").status_code == 200
