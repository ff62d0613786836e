import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from renda.activities import services
from renda.activities.models import (
    ActivityPhoto,
    ActivityPlan,
    ActivityStatus,
    CheckinMethod,
    DutyStandard,
    Participant,
)
from renda.core.models import AuditEvent, Notification
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db


def test_create_is_audited(world, activity):
    assert activity.checkin_token
    assert AuditEvent.objects.filter(action="activities.activity.create", target_id=str(activity.pk)).exists()


def test_end_before_start_refused(world):
    with pytest.raises(ValidationError, match="结束时间不能早于开始时间"):
        make_activity(world, hours=-1)


def test_status_transitions(world, activity):
    services.activity_set_status(actor=world.staff_a, activity=activity, status=ActivityStatus.HELD)
    with pytest.raises(ValidationError, match="不能改为“已取消”"):
        services.activity_set_status(actor=world.staff_a, activity=activity, status=ActivityStatus.CANCELLED)
    services.activity_set_status(actor=world.staff_a, activity=activity, status=ActivityStatus.PLANNED)
    services.activity_set_status(actor=world.staff_a, activity=activity, status=ActivityStatus.CANCELLED)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CANCELLED


def test_future_activity_cannot_be_held(world):
    future = make_activity(world, starts=timezone.now() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="尚未开始"):
        services.activity_set_status(actor=world.staff_a, activity=future, status=ActivityStatus.HELD)


def test_invite_is_idempotent_and_notifies(world, activity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.participants_invite(actor=world.staff_a, activity=activity, deputies=[world.deputy_a]) == 1
    assert services.participants_invite(actor=world.staff_a, activity=activity, deputies=[world.deputy_a]) == 0
    assert Notification.objects.filter(user=world.deputy_user_a, url__contains=str(activity.pk)).count() == 1


def test_qr_checkin(world, activity):
    p = services.participant_checkin(actor=world.deputy_user_a, activity=activity, token=activity.checkin_token)
    assert p.attended and p.method == CheckinMethod.QR and not p.invited
    again = services.participant_checkin(actor=world.deputy_user_a, activity=activity, token=activity.checkin_token)
    assert again.pk == p.pk and Participant.objects.count() == 1


def test_qr_checkin_refusals(world, activity):
    with pytest.raises(ValidationError, match="已失效"):
        services.participant_checkin(actor=world.deputy_user_a, activity=activity, token="wrong")
    with pytest.raises(ValidationError, match="代表本人"):
        services.participant_checkin(actor=world.staff_a, activity=activity, token=activity.checkin_token)
    old = activity.checkin_token
    activity = services.activity_rotate_token(actor=world.staff_a, activity=activity)
    with pytest.raises(ValidationError, match="已失效"):
        services.participant_checkin(actor=world.deputy_user_a, activity=activity, token=old)


def test_qr_checkin_window(world):
    early = make_activity(world, starts=timezone.now() + datetime.timedelta(hours=5))
    with pytest.raises(ValidationError, match="签到尚未开始"):
        services.participant_checkin(actor=world.deputy_user_a, activity=early, token=early.checkin_token)
    late = make_activity(world, starts=timezone.now() - datetime.timedelta(hours=8))
    with pytest.raises(ValidationError, match="签到已结束"):
        services.participant_checkin(actor=world.deputy_user_a, activity=late, token=late.checkin_token)
    cancelled = make_activity(world)
    services.activity_set_status(actor=world.staff_a, activity=cancelled, status=ActivityStatus.CANCELLED)
    with pytest.raises(ValidationError, match="已取消"):
        services.participant_checkin(actor=world.deputy_user_a, activity=cancelled, token=cancelled.checkin_token)


def test_staff_mark_and_remove(world, activity):
    services.participants_invite(actor=world.staff_a, activity=activity, deputies=[world.deputy_a])
    p = Participant.objects.get()
    p = services.participant_mark(actor=world.staff_a, participant=p, attended=True)
    assert p.attended and p.method == CheckinMethod.STAFF
    with pytest.raises(ValidationError, match="不能移除"):
        services.participant_remove(actor=world.staff_a, participant=p)
    p = services.participant_mark(actor=world.staff_a, participant=p, attended=False)
    assert not p.attended and p.checked_in_at is None
    services.participant_remove(actor=world.staff_a, participant=p)
    assert not Participant.objects.exists()


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def test_photo_add_and_delete(world, activity):
    photo = services.photo_add(actor=world.staff_a, activity=activity, uploaded=_png(), caption="现场")
    assert photo.image.name.endswith(".jpg")
    with pytest.raises(ValidationError):
        services.photo_add(actor=world.staff_a, activity=activity,
                           uploaded=SimpleUploadedFile("x.png", b"not an image"))  # fmt: skip
    services.photo_delete(actor=world.staff_a, photo=photo)
    assert not ActivityPhoto.objects.exists()


def test_standard_and_plan_upsert(world):
    services.standard_save(actor=world.staff_a, congress=world.congress_a, year=2026, min_reception_days=2,
                           min_activities_per_deputy=4, min_activities_per_station=10)  # fmt: skip
    services.standard_save(actor=world.staff_a, congress=world.congress_a, year=2026, min_reception_days=3,
                           min_activities_per_deputy=5, min_activities_per_station=12)  # fmt: skip
    s = DutyStandard.objects.get()
    assert (s.min_reception_days, s.min_activities_per_station) == (3, 12)
    assert services.plan_save(actor=world.staff_a, station=world.station_a, year=2026,
                              counts={"forum": 4, "study": 2}) == 6  # fmt: skip
    assert services.plan_save(actor=world.staff_a, station=world.station_a, year=2026,
                              counts={"forum": 5, "study": 0}) == 5  # fmt: skip
    assert list(ActivityPlan.objects.values_list("kind", "planned")) == [("forum", 5)]
    with pytest.raises(ValidationError, match="未知的活动类型"):
        services.plan_save(actor=world.staff_a, station=world.station_a, year=2026, counts={"x": 1})
