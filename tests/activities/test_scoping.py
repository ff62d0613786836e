import pytest

from renda.activities import services
from renda.activities.models import Activity, ActivityPlan, DutyStandard
from renda.core.access import restrict
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db


def _seen(user) -> set[str]:
    return set(restrict(Activity.objects.all(), user).values_list("title", flat=True))


def test_activity_scope(world, activity, activity_b):
    county_only = make_activity(world, station=None, title="东风区人大集中视察")
    assert _seen(world.admin) == {activity.title, activity_b.title, county_only.title}
    assert _seen(world.staff_a) == {activity.title, county_only.title}  # owner: the county's territory
    assert _seen(world.station_staff_a) == {activity.title}  # member: their station only
    assert _seen(world.deputy_user_a) == {activity.title}  # deputy: their station's activities
    assert _seen(world.staff_b) == {activity_b.title}  # outsider
    assert _seen(world.handler_a) == set()
    assert _seen(world.nobody) == set()


def test_deputy_sees_activities_they_attended_elsewhere(world, activity_b):
    assert _seen(world.deputy_user_a) == set()
    services.participants_invite(actor=world.staff_b, activity=activity_b, deputies=[world.deputy_a])
    assert _seen(world.deputy_user_a) == {activity_b.title}


def test_plan_and_standard_scope(world):
    services.plan_save(actor=world.staff_a, station=world.station_a, year=2026, counts={"forum": 3})
    services.plan_save(actor=world.staff_b, station=world.station_b, year=2026, counts={"forum": 3})
    services.standard_save(actor=world.staff_a, congress=world.congress_a, year=2026, min_reception_days=2,
                           min_activities_per_deputy=4, min_activities_per_station=10)  # fmt: skip
    plans = lambda u: set(restrict(ActivityPlan.objects.all(), u).values_list("station__code", flat=True))  # noqa: E731
    assert plans(world.staff_a) == {"ST001"}
    assert plans(world.station_staff_a) == {"ST001"}
    assert plans(world.staff_b) == {"ST002"}
    assert plans(world.deputy_user_a) == set()
    assert restrict(DutyStandard.objects.all(), world.staff_a).count() == 1
    assert restrict(DutyStandard.objects.all(), world.staff_b).count() == 0
    assert restrict(DutyStandard.objects.all(), world.station_staff_a).count() == 0
