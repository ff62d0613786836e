"""Console: one's own notifications; message templates (staff edit, others refused)."""

import pytest
from django.urls import reverse

from renda.core.models import AuditEvent, MessageTemplate, Notification
from renda.core.notifications import DEFAULT_TEMPLATES, notify_users, render
from renda.core.services_notify import message_template_save

LIST = reverse("console:notification_list")


@pytest.fixture
def notes(world):
    notify_users([world.deputy_user_a], "notice.triage", {"title": "路灯坏了", "due": "明天"}, url="/console/")
    notify_users([world.deputy_user_a], "notice.replied", {"title": "井盖丢失"})
    notify_users([world.handler_b], "notice.assigned", {"title": "他人的通知", "role": "主办"})
    first = Notification.objects.get(user=world.deputy_user_a, body__contains="路灯")
    first.read_at = first.created_at
    first.save(update_fields=["read_at"])
    return first


def test_own_notifications_unread_first(world, login, notes, django_assert_max_num_queries):
    client = login(world.deputy_user_a)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("井盖丢失") < body.index("路灯坏了")
    assert "他人的通知" not in body and "1 条未读" in body


def test_outsider_sees_only_own(world, login, notes):
    body = login(world.handler_b).get(LIST).content.decode()
    assert "他人的通知" in body and "路灯" not in body


def test_mark_read_and_all_read(world, login, notes):
    client = login(world.deputy_user_a)
    unread = Notification.objects.get(user=world.deputy_user_a, read_at=None)
    # Another user's notification cannot be touched.
    other = Notification.objects.get(user=world.handler_b)
    assert client.post(reverse("console:notification_read", args=[other.pk])).status_code == 404
    assert client.post(reverse("console:notification_read", args=[unread.pk])).status_code == 302
    unread.refresh_from_db()
    assert unread.read_at is not None
    notify_users([world.deputy_user_a], "notice.replied", {"title": "新的"})
    client.post(reverse("console:notification_read_all"))
    assert not Notification.objects.filter(user=world.deputy_user_a, read_at=None).exists()
    assert Notification.objects.filter(user=world.handler_b, read_at=None).exists()


def test_open_follows_only_local_links(world, login, notes):
    client = login(world.deputy_user_a)
    response = client.post(reverse("console:notification_read", args=[notes.pk]), {"open": "1"})
    assert response.url == "/console/"
    Notification.objects.filter(pk=notes.pk).update(url="https://evil.example/")
    response = client.post(reverse("console:notification_read", args=[notes.pk]), {"open": "1"})
    assert response.url == LIST


def test_get_on_mark_read_is_refused(world, login, notes):
    assert login(world.deputy_user_a).get(reverse("console:notification_read", args=[notes.pk])).status_code == 405


def test_nobody_and_anonymous(world, login, client):
    assert client.get(LIST).status_code == 302
    assert login(world.nobody).get(LIST).status_code == 403


# --- Templates -------------------------------------------------------------------------------------

TEMPLATES = reverse("console:template_list")
EDIT = reverse("console:template_edit", args=["notice.remind"])


def test_template_list_owner_member_outsider(world, login):
    response = login(world.staff_a).get(TEMPLATES)
    assert response.status_code == 200
    assert DEFAULT_TEMPLATES["notice.remind"][1] in response.content.decode()
    for user in (world.deputy_user_a, world.handler_a, world.nobody):
        assert login(user).get(TEMPLATES).status_code == 403
        assert login(user).post(EDIT, {"text": "改"}).status_code == 403
    assert login(world.staff_a).get(reverse("console:template_edit", args=["nope"])).status_code == 404


def test_staff_edit_and_reset(world, login):
    client = login(world.staff_a)
    response = client.post(EDIT, {"text": "请注意：“{title}”{stage}将于{due}到期。"})
    assert response.status_code == 302
    assert render("notice.remind", {"title": "甲", "stage": "签收", "due": "明天"}) == "请注意：“甲”签收将于明天到期。"
    assert AuditEvent.objects.filter(action="core.messagetemplate.create", actor=world.staff_a).exists()
    assert "已修改" in client.get(TEMPLATES).content.decode()
    client.post(EDIT, {"text": "请注意：{title}"})
    assert AuditEvent.objects.filter(action="core.messagetemplate.update").exists()
    client.post(reverse("console:template_reset", args=["notice.remind"]))
    assert not MessageTemplate.objects.exists()
    assert AuditEvent.objects.filter(action="core.messagetemplate.reset").exists()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("“{title}”的{deadline}到了", "不认识的占位符"),
        ("“{title}”的时限{due", "花括号不成对"),
        ("时限}到了", "花括号不成对"),
        ("{0}到了", "不认识的占位符"),
        ("{title.upper}到了", "不认识的占位符"),
        ("   ", "请填写模板内容"),
    ],
)
def test_bad_templates_show_chinese_errors(world, login, text, error):
    response = login(world.staff_a).post(EDIT, {"text": text})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_service_validates_key(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        message_template_save(actor=world.staff_a, key="nope", text="x")
    message_template_save(actor=world.staff_a, key="sms.verify", text="验证码{code}")
    assert render("sms.verify", {"code": "1234"}) == "验证码1234"
