import pytest
from django.core.exceptions import ValidationError

from renda.core.models import AuditEvent, Notification, Role
from renda.notices import services as svc
from renda.notices.models import DeputyTagging, NoticeStatus, PushRecipient
from renda.registry.models import CongressLevel
from tests.conftest import make_user


def test_create_publish_withdraw_with_audit(world, make_notice):
    notice = make_notice(publish=False)
    assert notice.status == NoticeStatus.DRAFT and notice.published_at is None
    notice = svc.notice_transition(actor=world.staff_a, notice=notice, to=NoticeStatus.PUBLISHED)
    assert notice.published_at is not None and notice.is_public
    notice = svc.notice_transition(actor=world.staff_a, notice=notice, to=NoticeStatus.WITHDRAWN)
    assert notice.withdrawn_at is not None and not notice.is_public
    actions = set(AuditEvent.objects.filter(target_id=str(notice.pk)).values_list("action", flat=True))
    assert {"notices.notice.create", "notices.notice.status.published", "notices.notice.status.withdrawn"} <= actions


def test_illegal_transition_is_refused_in_chinese(world, make_notice):
    notice = make_notice(publish=False)
    with pytest.raises(svc.NoticeError, match="“草稿”的信息不能改为“已撤回”"):
        svc.notice_transition(actor=world.staff_a, notice=notice, to=NoticeStatus.WITHDRAWN)


def test_outsider_and_member_cannot_write(world, make_notice):
    notice = make_notice()
    with pytest.raises(svc.NoticeError):
        svc.notice_update(actor=world.staff_b, notice=notice, title="改")
    with pytest.raises(svc.NoticeError):
        svc.notice_transition(actor=world.deputy_user_a, notice=notice, to=NoticeStatus.WITHDRAWN)
    with pytest.raises(svc.NoticeError, match="管辖范围"):
        svc.notice_create(actor=world.staff_b, congress=world.congress_a, title="x", body="y")


def test_required_fields(world):
    with pytest.raises(ValidationError) as exc:
        svc.notice_create(actor=world.staff_a, congress=world.congress_a, title=" ", body="")
    assert set(exc.value.message_dict) == {"title", "body"}


def test_push_to_station_resolves_recipients_and_notifies(world, pushed):
    notice, push = pushed
    assert push.recipient_count == 1
    assert list(push.recipients.values_list("deputy_id", flat=True)) == [world.deputy_a.pk]
    note = Notification.objects.get(user=world.deputy_user_a)
    assert notice.title in note.body
    copy = PushRecipient.objects.get(push=push)
    assert note.url == f"/console/my-notices/{copy.pk}/"


def test_push_needs_published_notice_and_criteria(world, make_notice):
    draft = make_notice(publish=False)
    with pytest.raises(svc.NoticeError, match="先发布"):
        svc.push_send(actor=world.staff_a, notice=draft, audience=svc.Audience(everyone=True))
    notice = make_notice()
    with pytest.raises(ValidationError, match="至少选择一个推送条件"):
        svc.push_send(actor=world.staff_a, notice=notice, audience=svc.Audience())


def test_push_does_not_repeat_and_stays_in_territory(world, pushed):
    notice, _ = pushed
    with pytest.raises(ValidationError, match="尚未收到"):
        svc.push_send(actor=world.staff_a, notice=notice, audience=svc.Audience(everyone=True))
    # county A's notice never reaches county B's deputy, even for "everyone"
    assert world.deputy_b not in svc.audience_deputies(notice, svc.Audience(everyone=True))


def test_outsider_cannot_aim_at_foreign_station(world, make_notice):
    notice = make_notice(actor=world.staff_b, congress=world.congress_b)
    with pytest.raises(svc.NoticeError, match="不在您的管辖范围"):
        svc.push_send(actor=world.staff_b, notice=notice, audience=svc.Audience(stations=[world.station_a]))


def test_audience_by_level_tag_theme_and_division(world, make_notice):
    city_staff = make_user("city", Role.CONGRESS_STAFF, congress=world.city_congress)
    notice = make_notice(actor=city_staff, congress=world.city_congress)
    everyone = set(svc.audience_deputies(notice, svc.Audience(everyone=True)))
    assert everyone == {world.deputy_a, world.deputy_b, world.city_deputy}
    county = set(svc.audience_deputies(notice, svc.Audience(levels=[CongressLevel.COUNTY])))
    assert county == {world.deputy_a, world.deputy_b}
    assert set(svc.audience_deputies(notice, svc.Audience(themes=["法律"]))) == {world.deputy_a}
    assert set(svc.audience_deputies(notice, svc.Audience(divisions=[world.county_b]))) == {world.deputy_b}
    tag = svc.tag_create(actor=city_staff, congress=world.city_congress, name="法律界")
    svc.tag_add_deputy(actor=city_staff, tag=tag, deputy=world.city_deputy)
    with pytest.raises(ValidationError, match="已有标签"):
        svc.tag_add_deputy(actor=city_staff, tag=tag, deputy=world.city_deputy)
    assert set(svc.audience_deputies(notice, svc.Audience(tags=[tag]))) == {world.city_deputy}
    # across kinds: all must match
    both = svc.Audience(levels=[CongressLevel.COUNTY], tags=[tag])
    assert not svc.audience_deputies(notice, both).exists()
    svc.tag_remove_deputy(actor=city_staff, tag=tag, deputy=world.city_deputy)
    assert not DeputyTagging.objects.exists()


def test_mark_read_only_own_copy_and_once(world, pushed):
    _, push = pushed
    copy = PushRecipient.objects.get(push=push)
    with pytest.raises(svc.NoticeError):
        svc.recipient_mark_read(actor=world.staff_a, recipient=copy)
    assert svc.recipient_mark_read(actor=world.deputy_user_a, recipient=copy) is True
    first = PushRecipient.objects.get(pk=copy.pk).read_at
    assert first is not None
    assert svc.recipient_mark_read(actor=world.deputy_user_a, recipient=copy) is False
    assert PushRecipient.objects.get(pk=copy.pk).read_at == first


def test_theme_must_belong_to_the_notice_congress(world):
    theme_b = svc.theme_create(actor=world.staff_b, congress=world.congress_b, name="教育")
    with pytest.raises(ValidationError):
        svc.notice_create(actor=world.staff_a, congress=world.congress_a, title="t", body="b", theme=theme_b)
    with pytest.raises(ValidationError, match="已存在"):
        svc.theme_create(actor=world.staff_b, congress=world.congress_b, name="教育")
