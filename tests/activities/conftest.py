import datetime

import pytest
from django.utils import timezone

from renda.activities import services
from renda.activities.models import ActivityKind


def make_activity(world, *, actor=None, station="a", starts=None, hours=2, kind=ActivityKind.FORUM, title="听取群众意见座谈会"):
    starts = starts or timezone.now() - datetime.timedelta(minutes=30)
    st = world.station_a if station == "a" else world.station_b if station == "b" else None
    congress = world.congress_a if station != "b" else world.congress_b
    return services.activity_create(
        actor=actor or world.staff_a,
        kind=kind,
        title=title,
        congress=congress,
        station=st,
        division=st.division if st else congress.division,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
        place="代表之家会议室",
    )


@pytest.fixture
def activity(world):
    return make_activity(world)


@pytest.fixture
def activity_b(world):
    return make_activity(world, actor=world.staff_b, station="b", title="向阳区视察")
