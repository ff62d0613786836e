"""A post may name one of the deputy's 履职活动 (loose link: ``Post.activity_id``)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renda.activities.models import Activity, Participant
from renda.circle import services
from renda.circle.models import Post


@pytest.fixture
def activity(world):
    start = timezone.now() - datetime.timedelta(days=2)
    a = Activity.objects.create(
        kind="research", title="老旧小区加装电梯专题调研", congress=world.congress_a,
        starts_at=start, ends_at=start + datetime.timedelta(hours=2),
    )  # fmt: skip
    Participant.objects.create(activity=a, deputy=world.deputy_a)
    return a


def test_post_names_an_activity_from_the_form_and_shows_it(world, login, activity, client):
    deputy = login(world.deputy_user_a)
    form = deputy.get(reverse("console:circle_new")).content.decode()
    assert "老旧小区加装电梯专题调研" in form
    deputy.post(reverse("console:circle_new"), {"text": "调研记录。", "activity": str(activity.pk)})
    post = Post.objects.get()
    assert post.activity_id == activity.pk
    services.post_approve(actor=world.station_staff_a, post=post)
    client.logout()
    assert "关联活动：老旧小区加装电梯专题调研" in client.get(reverse("public:circle_feed")).content.decode()


def test_only_own_activities(world, activity):
    Participant.objects.filter(activity=activity).delete()
    with pytest.raises(ValidationError, match="只能关联您参加的履职活动"):
        services.post_create(actor=world.deputy_user_a, text="调研记录。", activity_id=activity.pk)


def test_form_without_activities_has_no_select(world, login):
    assert 'name="activity"' not in login(world.deputy_user_a).get(reverse("console:circle_new")).content.decode()
